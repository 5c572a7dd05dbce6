"""`make demo` end to end: the demo district, segmented, staffed, checked and printed."""

from __future__ import annotations

import subprocess

import pytest


@pytest.fixture(scope="module")
def demo(demo_run):
    return demo_run


def _pages(path):
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def test_demo_district_shape(demo):
    from hezhang_plugin.data import io as wio

    _, result = demo
    units = wio.read_rows(result["workspace"], "admin_units", with_geometry=False)
    levels = [u["level"] for u in units]
    assert levels.count("district") == 1 and levels.count("town") == 3 and levels.count("village") == 28
    from hezhang_plugin.core import codes

    assert all(codes.check_child_code(u["code"], u["level"], u["parent_code"]) is None for u in units)
    rivers = {r["name"]: r for r in wio.read_rows(result["workspace"], "rivers", with_geometry=False)}
    assert set(rivers) == {"沙河", "澧河"}


def test_sha_river_is_single_bank_and_tributary_both(demo):
    _, result = demo
    banks = {code: bank for code, bank in result["bank_km"]}
    assert {bank for (code, bank) in result["bank_km"] if code == "HZ-SH"} == {"right"}
    assert {bank for (code, bank) in result["bank_km"] if code == "HZ-LH"} == {"both"}
    assert set(banks) == {"HZ-SH", "HZ-LH"}
    # "another river of 26 km" inside the district, as in the report the demo follows
    assert result["bank_km"][("HZ-LH", "both")] == pytest.approx(26, abs=1.5)


def test_roster_imported_and_only_the_deliberate_gap_found(demo):
    _, result = demo
    assert result["roster"].ok and result["roster"].encoding in ("gbk", "gb18030")
    findings = result["findings"]
    assert [(f.rule, f.seg_code) for f in findings] == [("R1", result["gap"])]
    assert "村级" in findings[0].message("zh")


def test_maps_exported(demo):
    out, result = demo
    from hezhang_plugin.data import gpkg

    counts = gpkg.table_counts(result["workspace"])
    assert _pages(out / "coverage_411171.pdf") == 1
    assert _pages(out / "town_atlas_411171.pdf") == 3
    assert _pages(out / "notice_boards_411171.pdf") == counts["segments"]
    text = subprocess.run(["pdftotext", str(out / "notice_boards_411171.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "河长" in text and "\u2ed3" not in text
    # The board of the deliberate gap says what is missing; the others do not.
    pages = text.split("\f")
    flagged = [p for p in pages if "村级河长待落实" in p]
    assert len(flagged) == 1 and result["gap"] in flagged[0]


def test_a_season_of_patrols_has_the_planned_compliance(demo):
    """The generated season's answer is known from its plan: every slot owed under Henan 2018
    has a full patrol except the deliberately missing ones and the 30 % walks."""
    _, result = demo
    plan, report, check = result["patrol_plan"], result["patrol_report"], result["patrol_check"]
    assert report.ok and report.written and len(report.files) == plan.files
    assert check.profile_key == "henan_2018" and check.summary.total == plan.owed
    assert check.summary.by_status.get("ok", 0) == plan.expected["ok"]
    assert check.summary.by_status.get("short", 0) == plan.expected["short"]
    assert check.summary.by_status.get("none", 0) == plan.expected["none"]
    none = {(r.chief_id, r.seg_code, r.period.label) for r in check.rows if r.status == "none"}
    assert none == set(plan.missing) | set(plan.partial)
    # The 30 % walks are named with their reason; the missing slots have none.
    assert plan.partial and plan.missing  # the season has both kinds (else the loop checks nothing)
    for r in check.rows:
        key = (r.chief_id, r.seg_code, r.period.label)
        if key in plan.partial:
            assert [x.code for _pid, rs in r.invalid for x in rs] == ["min_coverage"]
        if key in plan.missing:
            assert r.invalid == []
    # One chief's app writes GCJ-02: every one of its files was detected and corrected.
    gcj = [f for f in report.files if f.chief_id == plan.gcj02_chief]
    assert gcj and {f.crs.crs for f in gcj} == {"gcj02"} and {f.fmt for f in gcj} == {"CSV"}
    assert {f.crs.crs for f in report.files if f.chief_id != plan.gcj02_chief} == {"wgs84"}
    assert {f.fmt for f in report.files} == {"GPX", "KML", "CSV"}
    # The hurried 12-minute walks count under Henan (no minimum) but not under Akqi (30 minutes).
    strict = {(r.chief_id, r.seg_code, r.period.label): r for r in result["patrol_check_strict"].rows}
    for key in plan.brief:
        assert strict[key].status == "none"
        assert "min_minutes" in [x.code for _pid, rs in strict[key].invalid for x in rs]


def _belongs_to_month(start: str, end: str, year: int, month: int) -> bool:
    """A rule period counts in the month of its middle day (a week: its Thursday)."""
    import datetime as dt

    a, b = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    mid = a + (b - a) / 2
    return (mid.year, mid.month) == (year, month)


def test_the_assessed_month_scores_the_planned_patrols(demo):
    """The month of assessment grades patrols from the generated season: per town, T1 (30
    points) = 30 × tasks met / tasks owed by its town and village chiefs in the month, from
    the generator's plan (a task is missed when its patrol was left out or walked only 30 %
    of the segment); T2 (10 points) ranks the km per chief of the towns at or above 4 km;
    per chief, C1 (40 points) likewise. Totals are the sum of the items and grade by the
    sheet's lines (90/80/70)."""
    from collections import defaultdict

    from hezhang_plugin import demo as demo_mod
    from hezhang_plugin.data import io
    from hezhang_plugin.services import assessment as sa

    _, result = demo
    path, plan = result["workspace"], result["patrol_plan"]
    year, month = map(int, demo_mod.ASSESSED_MONTH.split("-"))
    chiefs = {c["chief_id"]: c for c in io.read_rows(path, "chiefs", with_geometry=False)}
    towns = {u["code"] for u in io.read_rows(path, "admin_units", with_geometry=False) if u["level"] == "town"}

    def town_of(chief_id):
        code = chiefs[chief_id]["unit_code"][:9] + "000"
        return code if code in towns else None

    missed = set(plan.missing) | set(plan.partial)
    owed, met = defaultdict(int), defaultdict(int)
    owed_chief, met_chief = defaultdict(int), defaultdict(int)
    slot_of = {}
    for chief, seg, level, _kind, start, end, label in plan.slots:
        if not _belongs_to_month(start, end, year, month):
            continue
        ok = (chief, seg, label) not in missed
        if level in ("town", "village"):
            owed_chief[chief] += 1
            met_chief[chief] += ok
        town = town_of(chief)
        if town:
            owed[town] += 1
            met[town] += ok
        slot_of[(chief, seg)] = slot_of.get((chief, seg), []) + [(start, end, ok)]
    assert set(owed) == towns and sum(owed.values()) > 0
    stored = sa.stored_results(path, "TOWN-M", demo_mod.ASSESSED_MONTH)
    items = {(r["subject_code"], r["item_code"]): r for r in stored if r["line"] == 0}
    for town in towns:
        assert items[(town, "T1")]["points"] == pytest.approx(30.0 * met[town] / owed[town], abs=1e-4), town
    # A town's missed tasks are exactly its T1 lines, each naming the task's chief, segment, period.
    lines = sorted(r["evidence_key"] for r in stored if r["item_code"] == "T1" and r["line"] > 0)
    assert lines == sorted(f"{c}/{s}/{lb}" for c, s, lb in missed if town_of(c) and any(
        (c2, s2, lb2) == (c, s, lb) and _belongs_to_month(a, b, year, month)
        for c2, s2, _lv, _k, a, b, lb2 in plan.slots))
    # T2: km of the patrols that met a task of the month (each task's one patrol), per chief.
    patrols = io.read_rows(path, "patrols", with_geometry=False)
    walked = {(r["patrol_id"], r["seg_code"]) for r in io.read_rows(path, "patrol_segments", with_geometry=False)}
    km = defaultdict(float)
    for p in patrols:
        for (chief, seg), periods in slot_of.items():
            if p["chief_id"] != chief or (p["patrol_id"], seg) not in walked:
                continue
            if any(a <= str(p["patrol_date"])[:10] <= b and ok for a, b, ok in periods) and town_of(chief):
                km[town_of(chief)] += p["distance_km"]
    assignments = io.read_rows(path, "assignments", with_geometry=False)
    lead = defaultdict(set)
    for a in assignments:
        if a["role"] == "chief" and a["level"] in ("town", "village") and a["seg_code"] and town_of(a["chief_id"]):
            lead[town_of(a["chief_id"])].add(a["chief_id"])
    per_chief = {t: km[t] / len(lead[t]) for t in towns}
    ranked = sorted((t for t in towns if per_chief[t] >= 4.0), key=lambda t: -per_chief[t])
    for t in towns:
        want = 10.0 * (len(ranked) - ranked.index(t)) / len(ranked) if t in ranked else 0.0
        assert items[(t, "T2")]["points"] == pytest.approx(want, abs=1e-4), (t, per_chief)
    grades = {"excellent": 90, "pass": 80, "basic": 70}
    for t in towns:
        total = items[(t, "TOTAL")]
        parts = sum(r["points"] for (s, i), r in items.items() if s == t and i != "TOTAL")
        assert total["points"] == pytest.approx(parts, abs=0.01)
        want = next((g for g, line in grades.items() if total["points"] >= line), "fail")
        assert total["grade"] == want
    # Patrols counted, the towns are no longer all 不合格.
    assert any(items[(t, "TOTAL")]["grade"] != "fail" for t in towns)
    chief_rows = sa.stored_results(path, "CHIEF-M", demo_mod.ASSESSED_MONTH)
    c1 = {r["subject_code"]: r["points"] for r in chief_rows if r["item_code"] == "C1" and r["line"] == 0}
    assert c1 == pytest.approx({c: 40.0 * met_chief[c] / owed_chief[c] for c in c1}, abs=1e-4)
    assert set(c1) == set(owed_chief)

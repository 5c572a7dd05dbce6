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

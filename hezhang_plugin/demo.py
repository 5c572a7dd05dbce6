"""The demo district, generated from code (no downloads), and the main job run on it.

Modelled on a development district of a prefecture city in Henan (see DOMAIN.md): a
district of three towns and 28 villages, the 沙河 running along its northern boundary (so
only its right bank, facing downstream, is the district's) and a 26 km tributary crossing
it. ``python -m hezhang_plugin.demo OUT_FOLDER`` writes ``OUT_FOLDER/hezhang_demo.gpkg`` and
runs the job end to end. Every coordinate and name is synthetic; the district code is the
statistical code of a real development district only so that the codes have the real form.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from dataclasses import dataclass

import numpy as np

DISTRICT_CODE = "411171000000"
DISTRICT_NAME = "沙澧示范区"
DEMO_FILE = "hezhang_demo.gpkg"
APPOINTED = "2024-03-01"

TOWNS = [
    # (township block, name, kind of its villages)
    ("001", "沙北街道", "社区"),
    ("101", "柳营镇", "村"),
    ("201", "河湾乡", "村"),
]
VILLAGE_NAMES = [
    "周庄", "李楼", "王营", "后谢", "前刘", "大郭", "小张", "新集", "杨湾", "孙店",
    "董庄", "马寨", "黄桥", "高庙", "陈岗", "宋湾", "许营", "郑楼", "范庄", "潘河",
    "姬石", "邓寨", "彭店", "韩岗", "冯营", "曹湾", "赵桥", "魏庄",
]
SURNAMES = ("王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
            "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = ("建国伟强军平华明红霞丽芳敏静秀英志刚海涛斌磊勇超鹏辉宇杰婷娜燕玲兰凤玉梅"
         "春生德福文武新民国庆立军振华永刚长河长林晓东红梅")


@dataclass
class DemoData:
    district: object
    towns: list
    villages: list
    rivers: list
    chiefs: list


def _meander(points, amplitude, waves, seed):
    """A smooth meandering line through the control points (densified, offset sideways)."""
    from shapely.geometry import LineString

    rng = np.random.default_rng(seed)
    base = LineString(points)
    n = 400
    dist = np.linspace(0, base.length, n)
    pts = np.array([base.interpolate(d).coords[0] for d in dist])
    tangent = np.gradient(pts, axis=0)
    normal = np.column_stack([-tangent[:, 1], tangent[:, 0]])
    normal /= np.linalg.norm(normal, axis=1)[:, None]
    phase = rng.uniform(0, 2 * np.pi)
    t = dist / base.length
    taper = np.sin(np.pi * t) ** 0.5
    wiggle = amplitude * taper * (np.sin(2 * np.pi * waves * t + phase)
                                  + 0.35 * np.sin(2 * np.pi * 2.7 * waves * t + 2 * phase))
    return LineString(pts + normal * wiggle[:, None])


def build_geography(seed: int = 20240301) -> tuple:
    """District, towns, villages and the two rivers, in CGCS2000 lon/lat."""
    import shapely
    from shapely.geometry import LineString, MultiPoint, Point, Polygon
    from shapely.ops import linemerge, split

    # The Sha River flows west to east; the district lies south of it.
    sha = _meander([(113.86, 33.640), (113.95, 33.628), (114.03, 33.622), (114.15, 33.600)],
                   0.006, 3.0, seed)
    west, east, south = 113.915, 114.105, 33.478
    # District boundary: the Sha River between the west and east edges, then south.
    cut = split(sha, LineString([(west, 33.5), (west, 33.75)]))
    mid = [g for g in cut.geoms if g.coords[0][0] >= west - 1e-9][0]
    cut2 = split(mid, LineString([(east, 33.5), (east, 33.75)]))
    along = [g for g in cut2.geoms if g.coords[-1][0] <= east + 1e-9][0]
    ring = list(along.coords) + [(east, 33.555), (east - 0.012, south + 0.02), (east - 0.05, south),
                                 (west + 0.06, south + 0.004), (west, south + 0.03), (west - 0.004, 33.56)]
    district = Polygon(ring).buffer(0)
    # Tributary (澧河 in the demo) from the south-west corner to the Sha River.
    mouth = along.interpolate(0.78, normalized=True)
    li = _meander([(west - 0.03, south + 0.005), (west + 0.05, 33.52), (114.0, 33.55),
                   (mouth.x, mouth.y - 0.02), (mouth.x, mouth.y)], 0.0075, 6.0, seed + 1)
    li = LineString(list(li.coords[:-1]) + [(mouth.x, mouth.y)])
    # Villages: Voronoi cells of seeded points, clipped to the district.
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = district.bounds
    seeds = []
    while len(seeds) < 28:
        p = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if district.buffer(-0.006).contains(p) and all(p.distance(q) > 0.018 for q in seeds):
            seeds.append(p)
    cells = shapely.voronoi_polygons(MultiPoint(seeds), extend_to=district.envelope.buffer(0.1))
    villages = []
    for cell in cells.geoms:
        piece = cell.intersection(district)
        if not piece.is_empty:
            villages.append(shapely.set_precision(piece, 1e-7))
    villages.sort(key=lambda g: (g.centroid.x, g.centroid.y))
    # Towns: three bands west to east (10, 9, 9 villages).
    groups = [villages[:10], villages[10:19], villages[19:]]
    towns = [shapely.union_all(g) for g in groups]
    rivers = [("sha", sha), ("li", linemerge(li) if li.geom_type != "LineString" else li)]
    return district, towns, groups, rivers


def _person(rng, used):
    while True:
        name = rng.choice(list(SURNAMES)) + "".join(rng.choice(list(GIVEN), size=rng.integers(1, 3)))
        if name not in used:
            used.add(name)
            return name


def _phone(rng):
    return "1" + str(rng.choice([3, 5, 8, 9])) + "".join(str(d) for d in rng.integers(0, 10, 9))


def build_roster(towns, village_units, seed: int = 7) -> list[dict]:
    """District, town and village chiefs and partner roles, as a bureau's roster lists them."""
    rng = np.random.default_rng(seed)
    used: set = set()
    rows = []
    n = 0

    def add(level, role, position, org, unit):
        nonlocal n
        n += 1
        rows.append({"chief_id": f"HZ{n:04d}", "name": _person(rng, used), "level": level, "role": role,
                     "position": position, "organisation": org, "unit_code": unit,
                     "phone": _phone(rng), "active": True})

    add("district", "first_chief", "党工委书记", f"{DISTRICT_NAME}党工委", DISTRICT_CODE)
    add("district", "general_chief", "管委会主任", f"{DISTRICT_NAME}管委会", DISTRICT_CODE)
    add("district", "deputy_general_chief", "管委会常务副主任", f"{DISTRICT_NAME}管委会", DISTRICT_CODE)
    add("district", "deputy_general_chief", "管委会副主任", f"{DISTRICT_NAME}管委会", DISTRICT_CODE)
    add("district", "chief", "管委会副主任（沙河区级河长）", f"{DISTRICT_NAME}管委会", DISTRICT_CODE)
    add("district", "chief", "党工委委员（澧河区级河长）", f"{DISTRICT_NAME}党工委", DISTRICT_CODE)
    add("district", "police_chief", "公安分局局长", f"{DISTRICT_NAME}公安分局", DISTRICT_CODE)
    add("district", "procurator", "检察院检察长", f"{DISTRICT_NAME}人民检察院", DISTRICT_CODE)
    for code, name in towns:
        add("town", "chief", "党委书记" if not name.endswith("街道") else "党工委书记", name, code)
        head = {"镇": "镇长", "乡": "乡长"}.get(name[-1], "办事处主任")
        add("town", "chief", head, name, code)
    for code, name in village_units:
        add("village", "chief", "村党支部书记" if name.endswith("村") else "社区党支部书记", name, code)
    add("village", "volunteer", "退休教师（民间河长）", village_units[0][1], village_units[0][0])
    add("village", "volunteer", "企业志愿者（民间河长）", village_units[12][1], village_units[12][0])
    return rows


def write_base_workspace(path: str) -> DemoData:
    """The demo workspace: units, rivers and the chief roster (before segmentation)."""
    import shapely

    from hezhang_plugin.data import io as wio
    from hezhang_plugin.data.workspace import create_workspace

    district, towns, groups, rivers = build_geography()
    create_workspace(path, DISTRICT_CODE, DISTRICT_NAME, "EPSG:4490", lang="zh", overwrite=True)
    units = [{"code": DISTRICT_CODE, "name": DISTRICT_NAME, "level": "district", "parent_code": None,
              "geom": shapely.multipolygons([district])}]
    town_units, village_units = [], []
    names = iter(VILLAGE_NAMES)
    for (block, tname, kind), tgeom, vgeoms in zip(TOWNS, towns, groups):
        tcode = DISTRICT_CODE[:6] + block + "000"
        town_units.append((tcode, tname))
        units.append({"code": tcode, "name": tname, "level": "town", "parent_code": DISTRICT_CODE,
                      "geom": _multi(tgeom)})
        first = 1 if kind == "社区" else 201
        for i, vg in enumerate(sorted(vgeoms, key=lambda g: (-g.centroid.y, g.centroid.x))):
            vcode = tcode[:9] + f"{first + i:03d}"
            vname = next(names) + kind
            village_units.append((vcode, vname))
            units.append({"code": vcode, "name": vname, "level": "village", "parent_code": tcode,
                          "geom": _multi(vg)})
    wio.write_rows(path, "admin_units", units)
    from hezhang_plugin.core.geodesy import geometry_lengths_km

    river_rows = [
        {"river_code": "HZ-SH", "name": "沙河", "grade": "province", "parent_river_code": None,
         "geom": shapely.multilinestrings([rivers[0][1]])},
        {"river_code": "HZ-LH", "name": "澧河", "grade": "city", "parent_river_code": "HZ-SH",
         "geom": shapely.multilinestrings([rivers[1][1]])},
    ]
    lengths = geometry_lengths_km([r["geom"] for r in river_rows])
    for r, km in zip(river_rows, lengths):
        r["length_km"] = round(float(km), 3)
    wio.write_rows(path, "rivers", river_rows)
    roster = build_roster(town_units, village_units)
    return DemoData(district, town_units, village_units, river_rows, roster)


def _multi(geom):
    import shapely

    if geom.geom_type == "MultiPolygon":
        return geom
    return shapely.multipolygons([geom])


DUTIES = {
    "chief": "组织领导河段管理保护，定期巡河，协调解决重大问题",
    "police_chief": "依法打击涉河违法犯罪，维护河道治安秩序",
    "procurator": "开展涉河公益诉讼，监督行政执法",
    "volunteer": "日常巡河，发现并报告问题，宣传河湖保护",
}


def appointments(roster: list[dict], segments: list[dict], units: list[dict]) -> tuple[list, str]:
    """Roster rows with the segment each chief answers for (one row per appointment).

    Every current segment gets its village (where its unit is a village), town and
    district chiefs and the partner roles; one segment deliberately lacks its village
    chief, the gap the coverage check must find. Returns the rows and that segment's code.
    """
    parent = {u["code"]: u["parent_code"] for u in units}
    by_unit_role = {}
    for c in roster:
        by_unit_role.setdefault((c["unit_code"], c["role"]), []).append(c)
    river_chief = {"HZ-SH": next(c for c in roster if "沙河" in c["position"]),
                   "HZ-LH": next(c for c in roster if "澧河" in c["position"])}
    district = DISTRICT_CODE
    rows = []
    current = sorted((s for s in segments if not s.get("valid_to")), key=lambda s: s["seg_code"])
    gap = current[len(current) // 2]["seg_code"]
    listed = set()

    def row(chief, seg):
        listed.add(chief["chief_id"])
        rows.append(dict(chief, seg_code=seg["seg_code"] if seg else "",
                         duty=DUTIES.get(chief["role"], DUTIES["chief"]) if seg else "",
                         valid_from=APPOINTED))

    for seg in current:
        unit = seg["unit_code"]
        town = unit if parent.get(unit) == district else parent.get(unit)
        if parent.get(unit) != district and seg["seg_code"] != gap:
            row(by_unit_role[(unit, "chief")][0], seg)
            for volunteer in by_unit_role.get((unit, "volunteer"), []):
                row(volunteer, seg)
        row(by_unit_role[(town, "chief")][0], seg)
        row(river_chief[seg["river_code"]], seg)
        row(by_unit_role[(district, "police_chief")][0], seg)
        row(by_unit_role[(district, "procurator")][0], seg)
    for chief in roster:  # chiefs without a segment of their own (first chief, deputies, …)
        if chief["chief_id"] not in listed:
            row(chief, None)
    return rows, gap


ROSTER_HEADERS = ["河长编号", "姓名", "级别", "河长类型", "职务", "单位", "行政区划代码", "联系电话",
                  "河段编码", "职责", "任职日期"]


def write_roster_csv(rows: list[dict], path: str, encoding: str = "gbk") -> None:
    """The roster as a bureau sends it: Chinese headers and labels, GBK-encoded CSV."""
    from hezhang_plugin.core import schema

    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(ROSTER_HEADERS)
        for r in rows:
            w.writerow([r["chief_id"], r["name"], schema.LEVELS.label(r["level"]),
                        schema.ROLES.label(r["role"]), r["position"], r["organisation"], r["unit_code"],
                        r["phone"], r.get("seg_code", ""), r.get("duty", ""), r.get("valid_from", "")])


# ------------------------------------------------------------------ a season of patrols

#: From the chiefs' appointment to the end of June 2024: 17 ISO weeks (W10–W26, those whose
#: Thursday is in the range), 4 months and 1 quarter (Q2; Q1's middle day is before the
#: appointment), so that the work report for the first half of 2024 finds every chief
#: patrolling since taking office.
SEASON = (APPOINTED, "2024-06-30")
PATROL_SEED = 20240401


@dataclass
class PatrolPlan:
    """What the generated season holds, so the compliance answer is known beforehand."""

    folder: str
    files: int = 0
    owed: int = 0  # chief x segment x period owed under the Henan 2018 profile
    missing: list = None  # (chief_id, seg_code, period label) without any patrol
    partial: list = None  # (chief_id, seg_code, period label): one patrol covering 30 % of the segment
    brief: list = None  # (chief_id, seg_code, period label): a 12-minute patrol (full coverage)
    #: every (chief_id, seg_code, level, period kind, period start, period end, period label) owed
    slots: list = None
    gcj02_chief: str = ""  # the chief whose app writes GCJ-02 coordinates
    kml_chief: str = ""

    @property
    def expected(self) -> dict:
        """Henan 2018: status counts the compliance check must find."""
        none = len(self.missing) + len(self.partial)
        return {"ok": self.owed - none, "short": 0, "none": none}


def _walk(frame, line_xy, fraction, offset_m, start_s, speed, rng, interval=10.0):
    """Points walking ``fraction`` of a segment (frame metres) at ``offset_m`` to the left of
    its direction (negative: right), its parts one after the other. Each point is moved
    sideways along the local normal (an offset curve would break on tight meanders)."""
    import shapely
    from shapely.geometry import LineString

    path = LineString([c for part in shapely.get_parts(line_xy) for c in part.coords])
    length = path.length * fraction
    dist = np.arange(0.0, length, speed * interval)
    pts = shapely.get_coordinates(shapely.line_interpolate_point(path, dist))
    ahead = shapely.get_coordinates(shapely.line_interpolate_point(path, np.minimum(dist + 2.0, path.length)))
    behind = shapely.get_coordinates(shapely.line_interpolate_point(path, np.maximum(dist - 2.0, 0.0)))
    tangent = ahead - behind
    tangent /= np.maximum(np.linalg.norm(tangent, axis=1), 1e-9)[:, None]
    normal = np.column_stack([-tangent[:, 1], tangent[:, 0]])  # left of the direction
    pts = pts + offset_m * normal + rng.normal(0.0, 3.0, pts.shape)  # GPS noise
    lon, lat = frame.lonlat(pts[:, 0], pts[:, 1])
    t = start_s + dist / speed
    return lon, lat, t


def _gpx(path, lon, lat, t):
    import datetime as dt

    pts = "\n".join(
        f'<trkpt lat="{y:.7f}" lon="{x:.7f}"><time>'
        f'{dt.datetime.fromtimestamp(ti, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}</time></trkpt>'
        for x, y, ti in zip(lon, lat, t))
    with open(path, "w", encoding="utf-8") as fh:
        fh.write('<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="hezhang demo" '
                 'xmlns="http://www.topografix.com/GPX/1/1"><trk><name>巡河</name><trkseg>\n'
                 f"{pts}\n</trkseg></trk></gpx>\n")


def _kml(path, lon, lat, t):
    import datetime as dt

    bj = dt.timezone(dt.timedelta(hours=8))
    whens = "".join(f"<when>{dt.datetime.fromtimestamp(ti, bj).isoformat()}</when>" for ti in t)
    coords = "".join(f"<gx:coord>{x:.7f} {y:.7f} 70</gx:coord>" for x, y in zip(lon, lat))
    with open(path, "w", encoding="utf-8") as fh:
        fh.write('<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2" '
                 'xmlns:gx="http://www.google.com/kml/ext/2.2"><Document><Placemark><name>巡河轨迹</name>'
                 f"<gx:Track>{whens}{coords}</gx:Track></Placemark></Document></kml>\n")


def _gcj_csv(path, chief_id, lon, lat, t):
    """A phone app's export: GCJ-02 coordinates, GBK, Chinese headers, Beijing time text."""
    import datetime as dt

    from hezhang_plugin.core.gcj02 import wgs84_to_gcj02

    glon, glat = wgs84_to_gcj02(lon, lat)
    bj = dt.timezone(dt.timedelta(hours=8))
    with open(path, "w", encoding="gbk", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["河长编号", "经度", "纬度", "定位时间", "精度"])
        for x, y, ti in zip(glon, glat, t):
            w.writerow([chief_id, f"{x:.7f}", f"{y:.7f}",
                        dt.datetime.fromtimestamp(ti, bj).strftime("%Y-%m-%d %H:%M:%S"), "8"])


def generate_patrols(path: str, folder: str) -> PatrolPlan:
    """A season (March to June 2024) of patrol tracks for the demo workspace's chiefs, under the Henan
    2018 rule: village chiefs weekly, town chiefs monthly, district chiefs quarterly, each
    on every segment they answer for. A few are deliberately missing, a few walk only 30 %
    of the segment, a few are hurried 12-minute walks, and one village chief's app writes
    GCJ-02 coordinates in a GBK CSV (another's KML gx:Track); the rest are GPX."""
    import datetime as dt

    import shapely

    from hezhang_plugin.core import patrol_match as pm
    from hezhang_plugin.core import patrol_rules as pr
    from hezhang_plugin.core.assignments import LEAD_ROLES, is_current
    from hezhang_plugin.data import io as wio
    from hezhang_plugin.data.io import read_attributes

    os.makedirs(folder, exist_ok=True)
    for name in os.listdir(folder):  # tracks of an earlier run would mix with this plan's
        if name.lower().endswith((".gpx", ".kml", ".csv")):
            os.remove(os.path.join(folder, name))
    rng = np.random.default_rng(PATROL_SEED)
    segments = {s["seg_code"]: s for s in wio.read_rows(path, "segments") if not s.get("valid_to")}
    geoms = [segments[c]["geom"] for c in sorted(segments)]
    x0, y0, x1, y1 = shapely.total_bounds(np.asarray(geoms, dtype=object))
    frame = pm.LocalFrame((x0 + x1) / 2, (y0 + y1) / 2)
    lines = {c: shapely.line_merge(frame.geometries([segments[c]["geom"]])[0]) for c in sorted(segments)}
    rules = pr.profiles(pr.SEED_ROWS)[pr.DEFAULT_PROFILE]["rules"]
    duties = sorted({(a["chief_id"], a["seg_code"], a["level"]) for a in read_attributes(path, "assignments")
                     if a["role"] in LEAD_ROLES and a["seg_code"] in segments and is_current(a, SEASON[0])})
    plan = PatrolPlan(folder, missing=[], partial=[], brief=[], slots=[])
    village = sorted({c for c, _s, lv in duties if lv == "village"})
    plan.gcj02_chief, plan.kml_chief = village[1], village[2]
    slots = []
    for chief, seg, level in duties:
        for period in pr.periods(rules[level].period, *SEASON):
            slots.append((chief, seg, level, period))
    plan.owed = len(slots)
    plan.slots = [(c, sg, lv, p.kind, p.start, p.end, p.label) for c, sg, lv, p in slots]
    village_slots = [i for i, s in enumerate(slots) if s[2] == "village" and s[0] != plan.gcj02_chief]
    pick = rng.choice(village_slots, size=10, replace=False).tolist()
    missing = set(pick[:4])
    partial = set(pick[4:7])
    brief = set(pick[7:10])
    town_slots = [i for i, s in enumerate(slots) if s[2] == "town"]
    missing.add(int(rng.choice(town_slots)))
    bj = dt.timezone(dt.timedelta(hours=8))
    for i, (chief, seg, _level, period) in enumerate(slots):
        label = period.label
        if i in missing:
            plan.missing.append((chief, seg, label))
            continue
        first = dt.date.fromisoformat(period.start)
        span = (dt.date.fromisoformat(period.end) - first).days
        day = first + dt.timedelta(days=int(rng.integers(0, span + 1)))
        hour = int(rng.integers(8, 16))
        start = dt.datetime(day.year, day.month, day.day, hour, int(rng.integers(0, 60)), tzinfo=bj).timestamp()
        bank = segments[seg].get("bank")
        offset = {"left": 20.0, "right": -20.0}.get(bank, float(rng.choice([-15.0, 15.0])))
        fraction, speed = 1.0, float(rng.uniform(1.0, 1.4))
        if i in partial:
            fraction = 0.3
            plan.partial.append((chief, seg, label))
        elif i in brief:
            speed = lines[seg].length / (12 * 60.0)
            plan.brief.append((chief, seg, label))
        lon, lat, t = _walk(frame, lines[seg], fraction, offset, start, speed, rng)
        if len(t) > 20 and i % 7 == 0:  # now and then a GPS spike, which cleaning drops
            lat = lat.copy()
            lat[len(t) // 2] += 0.02
        stem = f"{chief}_{day.isoformat()}_{seg}"
        if chief == plan.gcj02_chief:
            _gcj_csv(os.path.join(folder, f"巡河_{day.isoformat()}_{seg}.csv"), chief, lon, lat, t)
        elif chief == plan.kml_chief:
            _kml(os.path.join(folder, stem + ".kml"), lon, lat, t)
        else:
            _gpx(os.path.join(folder, stem + ".gpx"), lon, lat, t)
        plan.files += 1
    return plan


def _patrols(path: str, out_folder: str) -> dict:
    """Step 6: generate the season's tracks, import them, check compliance."""
    from hezhang_plugin.services import patrols as sp

    plan = generate_patrols(path, os.path.join(out_folder, "patrols"))
    report = sp.import_patrols(path, [plan.folder], lang="zh")
    report.write_csv(os.path.join(out_folder, "patrol_import_report.csv"), "zh")
    if not report.ok:
        raise RuntimeError(report.to_text("en"))
    from hezhang_plugin.core.patrol_match import CRS_LABELS

    gcj = sorted({CRS_LABELS[f.crs.crs] for f in report.files if f.chief_id == plan.gcj02_chief})
    _say(f"6/9 patrols imported from {os.path.basename(plan.folder)}/: {report.summary('en')} "
         f"The tracks of {plan.gcj02_chief} were found to be in {', '.join(gcj)} and converted.")
    check = sp.check_patrols(path, *SEASON)
    strict = sp.check_patrols(path, *SEASON, profile="akqi_2022")
    _say(f"    compliance {SEASON[0]} to {SEASON[1]} under {check.profile['name_en']}: {check.summary.text('en')}")
    for level in ("district", "town", "village"):
        counts = check.summary.by_level.get(level, {})
        _say(f"      {level}: {counts.get('ok', 0)} met, {counts.get('short', 0)} too few, "
             f"{counts.get('none', 0)} without a valid patrol")
    for r in check.rows:
        if r.status != "ok":
            chief = check.chiefs.get(r.chief_id, {}).get("name", "")
            seg = check.segments.get(r.seg_code, {}).get("name", "")
            _say(f"      {r.message('zh', chief, seg)}")
    _say(f"    under {strict.profile['name_en']} (30 min and 2 km per patrol): {strict.summary.text('en')}")
    return {"patrol_plan": plan, "patrol_report": report, "patrol_check": check, "patrol_check_strict": strict}


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def run(out_folder: str) -> dict:
    """The main job end to end: workspace, segmentation, roster import, boards, check,
    a season of patrols and their compliance, maps."""
    from hezhang_plugin.data import gpkg
    from hezhang_plugin.data import io as wio
    from hezhang_plugin.services.segmentation import segment_workspace

    os.makedirs(out_folder, exist_ok=True)
    path = os.path.abspath(os.path.join(out_folder, DEMO_FILE))
    data = write_base_workspace(path)
    _say(f"1/9 workspace {DISTRICT_NAME}: {len(data.villages)} villages, {len(data.rivers)} rivers")

    # the defaults the dock and hezhang:segmentrivers offer, so that re-running either changes nothing
    report = segment_workspace(path, today=APPOINTED)
    segments = wio.read_rows(path, "segments", with_geometry=False)
    banks = {}
    for s in segments:
        banks.setdefault((s["river_code"], s["bank"]), 0.0)
        banks[(s["river_code"], s["bank"])] += s["length_km"] or 0.0
    _say(f"2/9 segmented: {len(segments)} segments; " + ", ".join(
        f"{code} {bank} {km:.2f} km" for (code, bank), km in sorted(banks.items())))
    result = {"workspace": path, "segmentation": report, "bank_km": banks}

    units = wio.read_rows(path, "admin_units", with_geometry=False)
    rows, gap = appointments(data.chiefs, segments, units)
    roster_csv = os.path.join(out_folder, "roster_gbk.csv")
    write_roster_csv(rows, roster_csv)
    result["roster_csv"] = roster_csv
    result["gap"] = gap
    result.update(_import_and_check(path, roster_csv, out_folder))
    result.update(add_problems_and_assessment(path, out_folder))
    result.update(write_report(path, out_folder))
    result["counts"] = gpkg.table_counts(path)
    return result


def _import_and_check(path: str, roster_csv: str, out_folder: str) -> dict:
    from hezhang_plugin.services.roster import import_roster

    report = import_roster(path, roster_csv, mode="replace", as_of=APPOINTED)
    _say(f"3/9 roster imported from {os.path.basename(roster_csv)}: {report.summary()}")
    if not report.ok:
        raise RuntimeError(report.to_text())
    out = {"roster": report}
    from qgis import processing

    placed = processing.run("hezhang:placeboards", {"WORKSPACE": path, "HOTLINE": "12345",
                                                    "REFRESH_DATES": True})
    _say(f"4/9 notice boards placed: {placed['PLACED']}")
    from hezhang_plugin.services.coverage import check_coverage

    findings, summary = check_coverage(path)
    out["findings"], out["summary"] = findings, summary
    _say(f"5/9 coverage check: {len(findings)} finding(s), {summary.segments_complete} of "
         f"{summary.segments} segments complete")
    for f in findings:
        _say(f"    {f.rule} {f.severity} {f.seg_code or ''} {f.message('zh')}")
    out.update(_patrols(path, out_folder))
    # The patrol map of the assessed month, beside the coverage map, atlas and boards.
    import calendar

    year, month = (int(v) for v in ASSESSED_MONTH.split("-"))
    month_end = f"{ASSESSED_MONTH}-{calendar.monthrange(year, month)[1]:02d}"
    maps = processing.run("hezhang:exportmaps", {"WORKSPACE": path, "PRODUCTS": [0, 1, 2, 3], "FORMAT": 0,
                                                 "OUTPUT_FOLDER": os.path.abspath(out_folder),
                                                 "PATROL_START": f"{ASSESSED_MONTH}-01", "PATROL_END": month_end})
    files = sorted(os.path.basename(f) for f in maps["FILES"])
    out["maps"] = maps
    _say("7/9 maps exported: " + ", ".join(files))
    return out


# ---------------------------------------------------------------- problems, assessment, report

#: The demo's month of assessment and the period of its work report (the first half of
#: 2024: chiefs appointed on 1 March, problems found from March to May).
ASSESSED_MONTH = "2024-05"
REPORT_START, REPORT_END = "2024-01-01", "2024-06-30"

#: Problems found in spring 2024: (river, position along its current segments 0..1, side,
#: category, quantity, unit, source, source reference, description, reported on,
#: steps [(date, status, who, note)], photo after the work).
#: ``who`` is "village" (the responsible chief), "town" (the town's river-chief office) or
#: "district" (the district's office).
DEMO_PROBLEMS = (
    ("HZ-SH", 0.10, 1, "dumping", 150.0, "m3", "patrol", None, "河道管理范围内堆放建筑垃圾约150立方米", "2024-03-12",
     [("2024-03-13", "accepted", "town", ""), ("2024-03-14", "assigned", "town", "限期清运"),
      ("2024-03-15", "in_progress", "village", ""), ("2024-04-02", "resolved", "village", "已清运完毕"),
      ("2024-04-05", "closed", "town", "现场验收合格")], True),
    ("HZ-LH", 0.35, 1, "occupation", 1200.0, "m2", "inspection", "区督查〔2024〕3号",
     "河滩违规种植高秆作物约1200平方米", "2024-03-20",
     [("2024-03-21", "accepted", "town", ""), ("2024-03-22", "assigned", "town", "清除阻水作物"),
      ("2024-03-25", "in_progress", "village", "正在协调种植户")], False),
    ("HZ-LH", 0.62, -1, "sand_mining", 80.0, "m3", "public", "12345-240408-017",
     "群众举报夜间非法采砂，约80立方米", "2024-04-08",
     [("2024-04-08", "accepted", "town", ""), ("2024-04-09", "escalated", "town", "涉及跨镇执法，提请区河长办协调"),
      ("2024-04-12", "assigned", "district", "公安、水利联合执法"), ("2024-04-13", "in_progress", "village", ""),
      ("2024-04-22", "resolved", "village", "已回填采砂坑"), ("2024-04-25", "closed", "town", "")], False),
    ("HZ-SH", 0.55, 1, "debris", 300.0, "m2", "patrol", None, "水面漂浮生活垃圾约300平方米", "2024-04-25",
     [("2024-04-26", "accepted", "town", ""), ("2024-04-26", "assigned", "town", ""),
      ("2024-05-02", "in_progress", "village", ""), ("2024-05-14", "resolved", "village", "已打捞"),
      ("2024-05-16", "closed", "town", "")], True),
    ("HZ-LH", 0.80, -1, "building", 60.0, "m2", "patrol", None, "河岸违建彩钢板房一处约60平方米", "2024-05-06",
     [("2024-05-07", "accepted", "town", ""), ("2024-05-08", "assigned", "town", "限期拆除")], False),
    ("HZ-LH", 0.18, 1, "occupation", 2400.0, "m2", "waterchange", "waterchange:water_lost#3",
     "遥感监测发现水面减少约2400平方米，疑似围垦", "2024-05-20",
     [("2024-05-21", "accepted", "town", "现场核查")], False),
    ("HZ-SH", 0.85, 1, "board", 1.0, "item", "patrol", None, "公示牌倾斜，监督电话字迹不清", "2024-05-15",
     [("2024-05-15", "accepted", "town", ""), ("2024-05-16", "assigned", "town", ""),
      ("2024-05-17", "in_progress", "village", ""), ("2024-05-20", "resolved", "village", "已扶正并重新喷字"),
      ("2024-05-22", "closed", "town", "")], True),
    ("HZ-SH", 0.30, 1, "facility", 1.0, "item", "patrol", None, "堤顶护栏损坏约20米", "2024-05-28", [], False),
    ("HZ-LH", 0.50, 1, "pollution", 1.0, "item", "public", "12345-240415-102", "群众反映河水发黑", "2024-04-15",
     [("2024-04-16", "not_accepted", "town", "经现场核查为水草倒影，水质正常，不属实")], False),
    ("HZ-LH", 0.50, -1, "pollution", 1.0, "item", "public", "12345-240503-033", "群众反映河水发黑（重复举报）",
     "2024-05-03", [("2024-05-04", "cancelled", "district", "与12345-240415-102重复")], False),
)

#: Marks entered by hand for the assessed month (town sheet), with their evidence.
DEMO_MARKS = (
    ("001", "T6", 9.0, "台账齐全，信息报送及时", "区河长办月度台账检查记录（2024年5月）"),
    ("101", "T6", 8.0, "巡河台账缺两次记录", "区河长办月度台账检查记录（2024年5月）"),
    ("201", "T6", 9.5, "台账齐全", "区河长办月度台账检查记录（2024年5月）"),
    ("001", "TB", 2.0, "“清四乱”经验被市河长办推广", "市河长办通报〔2024〕8号"),
    ("001", "TB", 2.0, "组织民间河长开展护河志愿活动", "区河长办简报2024年第5期"),
)


def _demo_photo(path: str, text: str, colour: str) -> None:
    """A small labelled image standing in for a field photo (the demo has no real ones)."""
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtGui import QColor, QFont, QImage, QPainter

    from hezhang_plugin import fonts

    image = QImage(640, 480, QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    painter = QPainter(image)
    painter.setPen(QColor("white"))
    font = QFont(fonts.cjk_family())
    font.setPixelSize(40)
    painter.setFont(font)
    painter.drawText(image.rect(), int(Qt.AlignmentFlag.AlignCenter), text)
    painter.end()
    image.save(path)


def _point_on(segments: list, river: str, at: float, side: int):
    """A point ``at`` (0..1) along a river's current segments, 20 m to one side."""
    import shapely
    from shapely.geometry import Point

    line = shapely.line_merge(shapely.union_all([s["geom"] for s in segments if s["river_code"] == river]))
    if line.geom_type == "MultiLineString":
        line = max(line.geoms, key=lambda g: g.length)
    p = line.interpolate(at, normalized=True)
    q = line.interpolate(min(at + 0.001, 1.0), normalized=True)
    dx, dy = q.x - p.x, q.y - p.y
    norm = (dx * dx + dy * dy) ** 0.5 or 1.0
    off = 20.0 / 111320.0
    return Point(p.x - dy / norm * off * side, p.y + dx / norm * off * side)


def add_problems_and_assessment(path: str, out_folder: str) -> dict:
    """Problems found in spring 2024 with their histories and photos, then a month of
    assessment (towns and chiefs) with its printable sheets."""
    from hezhang_plugin.core import assessment as am
    from hezhang_plugin.core import schema
    from hezhang_plugin.data import io as wio
    from hezhang_plugin.services import assessment as sa
    from hezhang_plugin.services import problems as sp

    segments = [s for s in wio.read_rows(path, "segments") if not s.get("valid_to")]
    units = {u["code"]: u for u in wio.read_rows(path, "admin_units", with_geometry=False)}
    chiefs = {c["chief_id"]: c for c in wio.read_rows(path, "chiefs", with_geometry=False)}
    photos = os.path.join(os.path.dirname(path), "photos")
    os.makedirs(photos, exist_ok=True)
    data = sp.load(path)
    rows = []
    for spec in DEMO_PROBLEMS:
        river, at, side, cat, qty, unit, source, ref, title, day = spec[:10]
        rows.append({"title": title, "category": cat, "quantity": qty, "quantity_unit": unit, "source": source,
                     "source_ref": ref, "reported_on": day, "geom": _point_on(segments, river, at, side)})
    located = sp.completed(data, rows)
    for spec, p in zip(DEMO_PROBLEMS, located):
        cat, source, steps, after = spec[3], spec[6], spec[10], spec[11]
        town = units.get(units.get(p.get("unit_code"), {}).get("parent_code"), {}).get("name") or DISTRICT_NAME
        village_chief = (chiefs.get(p.get("chief_id")) or {}).get("name") or "巡河员"
        who = {"village": (village_chief, "village"), "town": (f"{town}河长办", "town"),
               "district": (f"{DISTRICT_NAME}河长办", "district")}
        p["reported_by"] = village_chief if source == "patrol" else ("12345热线" if source == "public" else
                                                                     f"{DISTRICT_NAME}河长办")
        p["steps"] = [{"to_status": status, "when": f"{d}T{9 + k % 8:02d}:30:00", "actor": who[w][0],
                       "actor_level": who[w][1], "note": note} for k, (d, status, w, note) in enumerate(steps)]
        code = p["problem_code"]
        before = os.path.join(photos, f"{code}_before.png")
        _demo_photo(before, f"{schema.PROBLEM_CATEGORIES.label(cat)}  整改前", "#7a5230")
        p["photo_before"] = os.path.relpath(before, os.path.dirname(path))
        if after:
            done = os.path.join(photos, f"{code}_after.png")
            _demo_photo(done, f"{schema.PROBLEM_CATEGORIES.label(cat)}  整改后", "#2e7d32")
            p["photo_after"] = os.path.relpath(done, os.path.dirname(path))
    written = sp.add_problems(path, located)
    summary = sp.summary(sp.load(path), REPORT_START, REPORT_END)
    _say(f"8/9 problems: {summary.found} found, {summary.settled} settled, {summary.overdue} overdue on "
         f"{REPORT_END}")
    marks = [{"sheet_code": "TOWN-M", "period": ASSESSED_MONTH, "subject_code": DISTRICT_CODE[:6] + block + "000",
              "item_code": item, "points": pts, "detail": detail, "evidence_key": evidence}
             for block, item, pts, detail, evidence in DEMO_MARKS]
    sa.enter_marks(path, marks, f"{DISTRICT_NAME}河长办")
    sheets = {}
    for code in ("TOWN-M", "CHIEF-M"):
        sheet, period, results = sa.assess(path, code, ASSESSED_MONTH)
        _sheet, items = sa.sheet_and_items(path, code)
        pdf = os.path.join(out_folder, f"assessment_{code}_{ASSESSED_MONTH}.pdf")
        from hezhang_plugin.layout.report_pdf import write_pdf

        write_pdf(am.sheet_document(sheet, items, period, results), pdf)
        sheets[code] = (results, pdf)
        _say(f"    {sheet['name']} {period.label('zh')}: " + "; ".join(
            f"{r.rank}. {r.subject.name} {r.total:.1f} {schema.GRADES.label(r.grade)}" for r in results[:5])
            + (" …" if len(results) > 5 else ""))
    return {"problems": written, "problem_summary": summary, "assessment": sheets}


def write_report(path: str, out_folder: str) -> dict:
    """The district's work report for the first half of 2024, beside the maps."""
    from hezhang_plugin.layout.workreport import write_workreport

    stem = os.path.join(out_folder, f"work_report_{DISTRICT_CODE[:6]}")
    files = write_workreport(path, REPORT_START, REPORT_END, stem + ".docx")
    for warning in files.warnings:
        _say(f"    {warning}")
    _say(f"9/9 work report: {', '.join(os.path.basename(f) for f in (files.docx, files.pdf) if f)} "
         f"({files.pages} pages)")
    return {"report": files}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Build the Hezhang demo district and run the main job.")
    ap.add_argument("out", nargs="?", default=os.path.join("build", "demo"))
    args = ap.parse_args(argv)
    from qgis.core import QgsApplication

    app = QgsApplication([], False)
    app.initQgis()
    from hezhang_plugin import startup

    startup.configure_proj()
    plugins = os.path.join(app.pkgDataPath(), "python", "plugins")
    if plugins not in sys.path:
        sys.path.append(plugins)
    from processing.core.Processing import Processing

    from hezhang_plugin.processing.provider import HezhangProvider

    Processing.initialize()
    provider = HezhangProvider()  # keep the Python object alive while it is registered
    QgsApplication.processingRegistry().addProvider(provider)
    try:
        result = run(args.out)
    finally:
        app.exitQgis()
    _say(f"Demo workspace: {result['workspace']}")
    for name, count in result["counts"].items():
        _say(f"  {name}: {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

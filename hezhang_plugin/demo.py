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


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def run(out_folder: str) -> dict:
    """The main job end to end: workspace, segmentation, roster import, boards, check, maps."""
    from hezhang_plugin.core.segmentation import segment_workspace
    from hezhang_plugin.data import gpkg
    from hezhang_plugin.data import io as wio

    os.makedirs(out_folder, exist_ok=True)
    path = os.path.abspath(os.path.join(out_folder, DEMO_FILE))
    data = write_base_workspace(path)
    _say(f"1/6 workspace {DISTRICT_NAME}: {len(data.villages)} villages, {len(data.rivers)} rivers")

    report = segment_workspace(path, unit_level="village", boundary_tolerance=30.0, min_length=200.0,
                               today=APPOINTED)
    segments = wio.read_rows(path, "segments", with_geometry=False)
    banks = {}
    for s in segments:
        banks.setdefault((s["river_code"], s["bank"]), 0.0)
        banks[(s["river_code"], s["bank"])] += s["length_km"] or 0.0
    _say(f"2/6 segmented: {len(segments)} segments; " + ", ".join(
        f"{code} {bank} {km:.2f} km" for (code, bank), km in sorted(banks.items())))
    result = {"workspace": path, "segmentation": report, "bank_km": banks}

    units = wio.read_rows(path, "admin_units", with_geometry=False)
    rows, gap = appointments(data.chiefs, segments, units)
    roster_csv = os.path.join(out_folder, "roster_gbk.csv")
    write_roster_csv(rows, roster_csv)
    result["roster_csv"] = roster_csv
    result["gap"] = gap
    result.update(_import_and_check(path, roster_csv, out_folder))
    result["counts"] = gpkg.table_counts(path)
    return result


def _import_and_check(path: str, roster_csv: str, out_folder: str) -> dict:
    from hezhang_plugin.core.roster import import_roster

    report = import_roster(path, roster_csv, mode="replace", as_of=APPOINTED)
    _say(f"3/6 roster imported from {os.path.basename(roster_csv)}: {report.summary()}")
    if not report.ok:
        raise RuntimeError(report.to_text())
    out = {"roster": report}
    from qgis import processing

    placed = processing.run("hezhang:placeboards", {"WORKSPACE": path, "HOTLINE": "12345",
                                                    "REFRESH_DATES": True})
    _say(f"4/6 notice boards placed: {placed['PLACED']}")
    from hezhang_plugin.core.coverage import check_coverage

    findings, summary = check_coverage(path)
    out["findings"], out["summary"] = findings, summary
    _say(f"5/6 coverage check: {len(findings)} finding(s), {summary.segments_complete} of "
         f"{summary.segments} segments complete")
    for f in findings:
        _say(f"    {f.rule} {f.severity} {f.seg_code or ''} {f.message('zh')}")
    maps = processing.run("hezhang:exportmaps", {"WORKSPACE": path, "PRODUCTS": [0, 1, 2], "FORMAT": 0,
                                                 "OUTPUT_FOLDER": os.path.abspath(out_folder)})
    files = sorted(f for f in os.listdir(out_folder) if f.endswith(".pdf"))
    out["maps"] = maps
    _say("6/6 maps exported: " + ", ".join(files))
    return out


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

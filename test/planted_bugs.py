"""Plant the bugs of issue 16 one at a time in a scratch copy of the code and check that the
tests guarding each behaviour turn red (and are green without the bug).

    QT_QPA_PLATFORM=offscreen .venv/bin/python test/planted_bugs.py [NAME ...]

Each bug is one textual edit of a source file (a few need a second edit); the copy is made
under the system's temporary folder, the checkout is never touched. Prints a Markdown table (the one in
docs/testing.md). Exit status 1 when a planted bug leaves its tests green.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@dataclass
class Bug:
    name: str
    behaviour: str
    path: str
    old: str
    new: str
    tests: tuple
    #: further edits planted with the first one: (path, old, new) each
    more: tuple = ()

    def edits(self):
        return ((self.path, self.old, self.new),) + tuple(self.more)


BUGS = [
    Bug("tree-banks", "the Chiefs tree sums a boundary river's left and right banks",
        "hezhang_plugin/core/assignments.py",
        "km[single] = lengths.counted_km(rows, self.crs)", "pass",
        ("test/core/test_hierarchy.py::test_a_boundary_river_counts_once_in_the_tree",
         "test/test_one_truth.py::test_chiefs_tree")),
    Bug("towns-km", "the towns statistics table never accumulates its km",
        "hezhang_plugin/core/stats.py",
        't["length_km"] += v["length_km"]', 't["length_km"] = v["length_km"]',
        ("test/core/test_stats.py::test_towns_table_accumulates_its_units",
         "test/test_one_truth.py::test_statistics")),
    Bug("re-retire", "re-segmenting after a retirement re-retires retired segments",
        "hezhang_plugin/core/segmentation/reconcile.py",
        'current = [r for r in existing if not r.get("valid_to") and r.get("river_code") in processed]',
        'current = [r for r in existing if r.get("river_code") in processed]',
        ("test/core/test_reconcile.py::test_a_retired_segment_is_not_retired_again_and_its_code_is_not_reused",)),
    Bug("retired-codes", "new segment codes ignore retired codes",
        "hezhang_plugin/core/segmentation/reconcile.py",
        'hzcodes.next_seg_codes(district, [r.get("seg_code") for r in existing], len(fresh))',
        'hzcodes.next_seg_codes(district, [r.get("seg_code") for r in current], len(fresh))',
        ("test/core/test_reconcile.py::test_a_retired_segment_is_not_retired_again_and_its_code_is_not_reused",)),
    Bug("roster-seat", "two village chiefs for one segment in one roster file are both imported",
        "hezhang_plugin/core/roster.py",
        'if s in seat and seat[s][1] != key and r["role"] != "volunteer":',
        'if False and s in seat and seat[s][1] != key:',
        ("test/core/test_roster_rows.py::test_two_village_chiefs_for_one_segment_in_one_file",)),
    Bug("r1-town", "a segment in a town unit no longer needs a town chief (R1)",
        "hezhang_plugin/core/assignments.py",
        'return ("district", "town")\n', 'return ("district",)\n',
        ("test/core/test_hierarchy.py::test_missing_levels_r1_town_unit_and_inactive_chief",
         "test/core/test_coverage_rules.py::test_r1_a_segment_in_a_town_unit_needs_a_town_chief")),
    Bug("inactive-open", "an inactive chief's still-open appointment counts as coverage",
        "hezhang_plugin/core/assignments.py",
        'return chief_active(chief) or bool(appointment.get("valid_to"))', "return True",
        ("test/core/test_coverage_rules.py::test_an_inactive_chiefs_open_appointment_is_not_coverage",
         "test/core/test_hierarchy.py::test_missing_levels_r1_town_unit_and_inactive_chief",
         "test/core/test_stats.py::test_chiefs_table_counts_holding_appointments_once")),
    Bug("r2b", "an appointment whose level differs from its chief's level is not reported (R2b)",
        "hezhang_plugin/core/coverage.py",
        'if a.get("level") != c.get("level"):', "if False:",
        ("test/core/test_coverage_rules.py::test_r2b_an_appointment_at_another_level_than_its_chief",)),
    Bug("gcj02-north", "GCJ-02 conversion leaves points north of 50°N (Mohe) unconverted",
        "hezhang_plugin/core/gcj02.py",
        "CHINA_BOUNDS = (72.004, 0.8293, 137.8347, 55.8271)", "CHINA_BOUNDS = (72.004, 0.8293, 137.8347, 50.0)",
        ("test/core/test_gcj02.py::test_points_north_of_50_degrees_are_converted",
         "test/core/test_gcj02.py::test_bounds_and_non_finite_points")),
    Bug("km-per-board", "placeboards ignores KM_PER_BOARD",
        "hezhang_plugin/processing/placeboards.py",
        'km = self.parameterAsDouble(parameters, "KM_PER_BOARD", context) or boards.KM_PER_BOARD',
        "km = boards.KM_PER_BOARD",
        ("test/test_exports.py::test_placeboards_uses_km_per_board",)),
    Bug("merge-order", "the parallel export merges page chunks in reverse order",
        "hezhang_plugin/layout/parallel.py",
        "merge_pdfs(parts, path)", "merge_pdfs(parts[::-1], path)",
        ("test/test_layouts.py::test_parallel_boards_in_page_order_and_like_one_process",)),
    Bug("portrait", "A4 and A0 exports come out portrait",
        "hezhang_plugin/layout/common.py",
        '"A4": (297.0, 210.0), "A3": (420.0, 297.0), "A0": (1189.0, 841.0)',
        '"A4": (210.0, 297.0), "A3": (420.0, 297.0), "A0": (841.0, 1189.0)',
        ("test/test_exports.py::test_a4_and_a0_maps_are_landscape",)),
    Bug("map-last-day", "the printed map calls a deactivated chief's last day uncovered",
        "hezhang_plugin/core/assignments.py",
        "f\"(nullif(valid_to, '') IS NOT NULL AND chief_id IN (SELECT chief_id FROM chiefs))) \"",
        "f\"(0 AND chief_id IN (SELECT chief_id FROM chiefs))) \"",
        ("test/test_one_truth.py::test_town_atlas_and_notice_boards",
         "test/test_one_truth.py::test_coverage_map_subtitle_and_roster_table")),
    # Weak assertions made strict: each of these passed the old assertion.
    Bug("noto-font", "every layout in Noto Sans CJK, its text layer left unrepaired (the font test "
        "looked at WenQuanYi rows only)",
        "hezhang_plugin/fonts.py",
        "FAMILIES = tuple(name for name, _where in CJK_FONTS)", 'FAMILIES = ("Noto Sans CJK SC",)',
        ("test/test_layouts.py::test_cjk_fonts_embedded_and_chinese_reads_back",),
        more=(("hezhang_plugin/layout/export.py",
               "pdftext.repair_text_layer(f)  # radicals", "pass  # radicals"),)),
    Bug("export-crash", "the Export tab's exporter crashes (the cancel test passed on a crash)",
        "hezhang_plugin/layout/options.py",
        '"--format", self.fmt,', '"--format", "bmp",',
        ("test/test_layouts.py::test_export_page_cancel",)),
    Bug("png-dpi", "PNG pages ignore the resolution asked for (the PNG test counted colours)",
        "hezhang_plugin/layout/render.py",
        "    st = QgsLayoutExporter.ImageExportSettings()\n    st.dpi = dpi\n",
        "    st = QgsLayoutExporter.ImageExportSettings()\n    st.dpi = 96\n",
        ("test/test_layouts.py::test_png_export_renders",)),
    Bug("form-constraint", "the segment code's form constraint is lost (the test asserted a bound method)",
        "hezhang_plugin/data/project.py",
        "vl.setConstraintExpression(idx, expr, constraint_message(f.check, lang))", "pass",
        ("test/test_workspace.py::test_project_stored_inside_geopackage",)),
    Bug("provider-ids", "an algorithm is dropped from the provider (the test checked 1 of 10 ids)",
        "hezhang_plugin/processing/provider.py",
        '    ("hezhang_plugin.processing.placeboards", "PlaceBoardsAlgorithm"),\n', "",
        ("test/test_plugin.py::test_provider_registers_algorithms",
         "test/test_public_interface.py::test_algorithm_ids_parameters_and_outputs")),
    # User paths driven through the widgets.
    Bug("new-ws-crs", "the New workspace dialog ignores the CRS chosen",
        "hezhang_plugin/gui/workspace_dialog.py",
        '"CRS": self.crs_widget.crs().authid(),', '"CRS": "EPSG:4490",',
        ("test/test_user_paths.py::test_new_workspace_dialog_refuses_bad_input_then_creates_and_opens",)),
    Bug("assign-duty", "the Assign dialog drops the duty typed",
        "hezhang_plugin/gui/chiefs_page.py",
        "dialog.duty_edit.text().strip() or None,", "None,",
        ("test/test_user_paths.py::test_assign_dialog_appoints_the_chosen_chief_from_the_date_given",)),
    Bug("check-sync", "Check coverage runs on the UI thread instead of in a task",
        "hezhang_plugin/gui/coverage_panel.py",
        "parent.run_check() if parent is not None", "parent.run_check(sync=True) if parent is not None",
        ("test/test_user_paths.py::test_check_coverage_runs_in_a_task_and_lists_findings",)),
    Bug("deactivate-date", "Deactivate ends the appointments today instead of on the date shown",
        "hezhang_plugin/gui/chiefs_page.py",
        "self.deactivate_chief(cid, self.as_of())", "self.deactivate_chief(cid, amod.today())",
        ("test/test_user_paths.py::test_deactivate_asks_and_ends_the_appointments_the_day_shown",)),
]


def _copy_tree(dest: str) -> None:
    ignore = shutil.ignore_patterns(".venv", ".git", "build", "dist", "mutants", "__pycache__", "*.pyc",
                                    "htmlcov", ".coverage*")
    for name in os.listdir(ROOT):
        src = os.path.join(ROOT, name)
        if name in (".venv", ".git", "build", "dist", "mutants", "htmlcov"):
            continue
        if os.path.isdir(src):
            shutil.copytree(src, os.path.join(dest, name), ignore=ignore)
        else:
            shutil.copy2(src, os.path.join(dest, name))


def _pytest(copy: str, tests) -> tuple[int, list[str]]:
    """(exit status, node ids of the failed tests) of a pytest run in the copy."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("PYTHONPATH", None)
    res = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rfE", "-p", "no:cacheprovider", *tests],
                         cwd=copy, env=env, capture_output=True, text=True)
    failed = sorted({line.split()[1].split("[")[0] for line in res.stdout.splitlines()
                     if line.startswith(("FAILED ", "ERROR "))})
    return res.returncode, failed


def _code(text: str) -> str:
    one = " ".join(text.split()) or "(nothing)"
    return "`" + one.replace("|", "\\|") + "`"


def change(bug: Bug) -> str:
    """The planted edits as Markdown: `old` → `new`, one per line."""
    return "<br>".join(f"{_code(old)} → {_code(new)}" for _p, old, new in bug.edits())


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", help="bugs to plant (default: all)")
    args = ap.parse_args(argv)
    bugs = [b for b in BUGS if not args.names or b.name in args.names]
    rows, escaped = [], []
    with tempfile.TemporaryDirectory(prefix="hezhang-planted-") as tmp:
        copy = os.path.join(tmp, "src")
        os.makedirs(copy)
        _copy_tree(copy)
        every = sorted({t for b in bugs for t in b.tests})
        status, failed = _pytest(copy, every)
        if status != 0:
            print("the guarding tests fail without any planted bug:", ", ".join(failed) or status)
            return 1
        for bug in bugs:
            originals: dict = {}
            try:
                for path, old, new in bug.edits():
                    target = os.path.join(copy, path)
                    if target not in originals:
                        with open(target, encoding="utf-8") as fh:
                            originals[target] = fh.read()
                    with open(target, encoding="utf-8") as fh:
                        text = fh.read()
                    if text.count(old) != 1:
                        raise LookupError(path)
                    with open(target, "w", encoding="utf-8") as fh:
                        fh.write(text.replace(old, new))
                status, failed = _pytest(copy, bug.tests)
            except LookupError as exc:
                rows.append((bug, f"the code to break was not found once in {exc}", []))
                escaped.append(bug.name)
                continue
            finally:
                for target, original in originals.items():
                    with open(target, "w", encoding="utf-8") as fh:
                        fh.write(original)
            if status == 0 or not failed:
                escaped.append(bug.name)
            rows.append((bug, "caught" if failed else "NOT caught", failed))
    print("| behaviour broken on purpose | planted in | planted change | tests that turned red | result |")
    print("|---|---|---|---|---|")
    for bug, verdict, failed in rows:
        tests = "<br>".join(f"`{t.split('/')[-1]}`" for t in failed) or "none"
        where = "<br>".join(dict.fromkeys(f"`{p.replace('hezhang_plugin/', '')}`" for p, _o, _n in bug.edits()))
        print(f"| {bug.behaviour} | {where} | {change(bug)} | {tests} | {verdict} |")
    return 1 if escaped else 0


if __name__ == "__main__":
    sys.exit(main())

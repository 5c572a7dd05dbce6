"""Worker process: export atlas pages of a workspace layout to PDF parts.

``python -m hezhang_plugin.layout.worker --workspace WS --template LAYOUT.qpt --plan PLAN.json
[--from-back] [--themes-stored]`` starts its own QGIS, reads the workspace's project and the
layout template, then renders the chunks of pages listed in the plan (written by
``parallel.export_atlas_parallel``, which describes the protocol) that it claims first,
from the back of the list with ``--from-back``, each into its own part PDF in the plan's
folder. ``--themes-stored``: the stored project already holds the map themes (not rebuilt
here).

``python -m hezhang_plugin.layout.worker --workspace WS --template LAYOUT.qpt --first K1 --last K2
--out PART.pdf [--dpi 300]`` keeps the atlas pages whose sort value lies in [K1, K2] and
writes them to one PDF.

Both report ``PAGE n`` lines on stdout as pages are done and ``RSS kb`` (peak memory) at the end.

``python -m hezhang_plugin.layout.worker export --workspace WS --out FOLDER [--products
coverage,atlas,boards,patrols --format pdf --dpi 300 --page-size A3 --as-of 2024-05-01
--patrol-start 2024-05-01 --patrol-end 2024-05-31 --patrol-profile henan_2018 …]`` runs a
whole export (the dock's background task uses it, so QGIS desktop's own project is never
touched from a thread); its arguments are :class:`layout.options.ExportOptions`'
(``to_args``/``from_args``). It reports ``PROGRESS p``, ``INFO text``, ``WARNING text`` and
``FILE path`` lines.
"""

from __future__ import annotations

import argparse
import json
import os
import sys


def _parse_key(text: str):
    return text


def _peak_rss_kb() -> int:
    """Peak memory of this process in kB (0 where the resource module is missing: Windows).
    Linux's VmHWM where there is one: ru_maxrss also counts the RSS the parent (the QGIS
    that started the worker) had when it forked, which is not the worker's own."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    try:
        import resource
    except ImportError:
        return 0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def run(args) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qgis.core import QgsApplication, QgsProject

    app = QgsApplication([], False)
    app.initQgis()
    try:
        from hezhang_plugin import startup

        startup.configure_proj()
        from hezhang_plugin.data import workspace as ws
        from hezhang_plugin.layout import builders, pages, parallel, render, templates
        from hezhang_plugin.layout.content import read_content

        # Layout expressions find layers through the project instance (QGIS 3.22).
        project = QgsProject.instance()
        ws.open_workspace(args.workspace, project, migrate=False)
        plan = None
        if args.plan:
            with open(args.plan, encoding="utf-8") as fh:
                plan = json.load(fh)
        variables = (plan or {}).get("variables") or {}
        if not args.themes_stored:
            from hezhang_plugin.core import dates, validity

            on = dates.to_date(variables.get(validity.AS_OF_VARIABLE)) if variables else None
            builders.prepare_themes(project, read_content(args.workspace, on), args.imagery)
        layout = templates.load_template(project, args.template)

        def progress(k: int) -> None:
            sys.stdout.write(f"PAGE {k}\n")
            sys.stdout.flush()

        # This process's own project: the map themes' styles are applied once, not per page.
        with render.layout_variables([layout], variables), render.resolved_map_themes(layout):
            if plan is not None:
                order = range(len(plan["chunks"]))
                parallel.render_chunks(layout, plan, order[::-1] if args.from_back else order, progress)
            else:
                if args.first is None or args.last is None or not args.out:
                    raise ValueError("--first, --last and --out are needed without --plan")
                pages.restrict_atlas(layout, _parse_key(args.first), _parse_key(args.last))
                render.export_atlas_pdf(layout, args.out, args.dpi, progress)
        project.clear()
        return 0
    except Exception as exc:  # reported to the parent, which names the worker
        sys.stderr.write(f"{type(exc).__name__}: {exc}\n")
        return 1
    finally:
        sys.stdout.write(f"RSS {_peak_rss_kb()}\n")
        sys.stdout.flush()
        app.exitQgis()


class _LineFeedback:
    """Processing-like feedback reporting on stdout for the parent process."""

    def isCanceled(self) -> bool:
        return False

    def setProgress(self, value: float) -> None:
        sys.stdout.write(f"PROGRESS {value:.1f}\n")
        sys.stdout.flush()

    def pushInfo(self, text: str) -> None:
        sys.stdout.write(f"INFO {text}\n")
        sys.stdout.flush()

    def reportError(self, text: str, fatal: bool = False) -> None:
        sys.stdout.write(f"WARNING {text}\n")
        sys.stdout.flush()


def run_export(options) -> int:
    """Whole export (:class:`layout.options.ExportOptions`) in this process: used by the
    dock's background task."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qgis.core import QgsApplication

    app = QgsApplication([], False)
    app.initQgis()
    try:
        from hezhang_plugin import i18n, startup
        from hezhang_plugin.layout.export import run_export as export

        startup.configure_proj()
        # Messages (a refused option, an unknown rule profile) in the language QGIS runs in.
        translator = i18n.install_translator()  # noqa: F841 - kept installed until the export ends

        files = export(options, _LineFeedback())
        for f in files:
            sys.stdout.write(f"FILE {f}\n")
        sys.stdout.flush()
        return 0
    except Exception as exc:  # reported to the parent task
        sys.stderr.write(f"{exc}\n")
        return 1
    finally:
        app.exitQgis()


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "export":
        from hezhang_plugin.layout.options import ExportOptions

        return run_export(ExportOptions.from_args(argv[1:]))
    ap = argparse.ArgumentParser(prog="python -m hezhang_plugin.layout.worker")
    ap.add_argument("--workspace", required=True)
    ap.add_argument("--template", required=True, help="the layout's .qpt template")
    ap.add_argument("--imagery", action="store_true")
    ap.add_argument("--plan", help="chunks of pages to claim and render (JSON)")
    ap.add_argument("--from-back", action="store_true", help="claim the plan's chunks from the last one")
    ap.add_argument("--themes-stored", action="store_true", help="the stored project holds the map themes")
    ap.add_argument("--first")
    ap.add_argument("--last")
    ap.add_argument("--out")
    ap.add_argument("--dpi", type=int, default=300)
    return run(ap.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())

"""Runs every benchmark of bench/ and writes docs/benchmarks.md.

Each bench module ``bench/bench_<name>.py`` has ``main(quick: bool) -> str`` returning a
Markdown section (its tables of times, memory and ratios to the peer tools measured in the
same run). Sections are joined in the order of BENCHES.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import os
import platform
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path[:0] = [ROOT, HERE]

#: bench modules, run in this order
BENCHES: list[str] = ["bench_overlays", "bench_coverage", "bench_segment", "bench_export", "bench_patrols",
                      "bench_postgres", "bench_profiles"]
#: left out of ``--quick`` (make bench-quick stays under 2 minutes): the profiles explain the full run
NOT_QUICK = {"bench_profiles"}


def machine() -> str:
    from qgis.core import Qgis

    return (f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"QGIS {Qgis.QGIS_VERSION}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "benchmarks.md"))
    ap.add_argument("--quick", action="store_true", help="small scales only")
    ap.add_argument("--only", nargs="*", help="bench module names to run")
    args = ap.parse_args()
    from qgis.core import QgsApplication

    app = QgsApplication([], False)
    app.initQgis()
    sections = []
    for name in BENCHES:
        if (args.only and name not in args.only) or (args.quick and not args.only and name in NOT_QUICK):
            continue
        mod = importlib.import_module(name)
        print(f"running {name}", flush=True)
        before = os.getloadavg()[0]
        t0 = time.perf_counter()
        section = mod.main(args.quick).rstrip("\n")
        # the machine's load around the section (uptime's 1-minute figure): timings on a shared
        # machine are only worth their load
        section += (f"\n\nLoad average (1 min) before this section: {before:.2f}, after: {os.getloadavg()[0]:.2f} "
                    f"({time.perf_counter() - t0:.0f} s).\n")
        sections.append(section)
    head = (f"# Benchmarks\n\nMeasured by `make bench` on {dt.date.today().isoformat()} ({machine()}).\n"
            "Every row compares Hezhang with the tool a user would otherwise use, on the same data in\n"
            "the same run. Ratios above 1 mean Hezhang is faster (or uses less memory).\n\n")
    if args.only and os.path.exists(args.out):
        # Only some benches ran: replace their sections (by heading) in the existing file and
        # keep the others as they were measured; the new sections say when they were measured.
        stamp = (f"\nMeasured on {dt.date.today().isoformat()} ({machine()}) by "
                 f"`bench/run.py --only {' '.join(args.only)}`.\n")
        sections = [sec.rstrip("\n") + "\n" + stamp for sec in sections]
        with open(args.out, encoding="utf-8") as fh:
            text = fh.read()
        first, *old = re.split(r"(?m)^(?=## )", text)
        for sec in sections:
            title = sec.split("\n", 1)[0]
            at = [i for i, o in enumerate(old) if o.split("\n", 1)[0] == title]
            if at:
                old[at[0]] = sec.rstrip("\n") + "\n" + ("\n\n" if at[0] < len(old) - 1 else "")
            else:
                if old:
                    old[-1] = old[-1].rstrip("\n") + "\n\n\n"
                old.append(sec.rstrip("\n") + "\n")
        with open(args.out, "w", encoding="utf-8") as fh:
            fh.write(first + "".join(old))
    else:
        with open(args.out, "w", encoding="utf-8") as fh:
            fh.write(head + "\n\n".join(sections) + "\n")
    print(f"wrote {args.out}")
    app.exitQgis()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The figures of a `make mutate` run: mutants of core/ by outcome, the kill rate over the
mutants that are not equivalent, and every survivor not known to be equivalent.

    .venv/bin/python test/mutation_report.py [--diff] [--module hezhang_plugin.core.stats]

Reads mutmut's results (mutants/**/*.py.meta). The equivalent mutants — changes no test can
tell apart because the program behaves the same — are listed in docs/testing.md, each with
its reason, as lines naming the mutant in backquotes (`hezhang_plugin.core.x.x_f__mutmut_3`).
Exit status 1 when the kill rate is under the target (90 %).
"""

from __future__ import annotations

import argparse
import fnmatch
import glob
import json
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = 0.90
#: mutmut's exit codes (mutmut.stats.status_by_exit_code) folded into what the report counts.
OUTCOME = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 34: "skipped",
           36: "timeout", 24: "timeout", -24: "timeout", 152: "timeout", 255: "timeout", 37: "killed",
           -11: "segfault", -9: "segfault", None: "not checked"}
_EQUIVALENT = re.compile(r"`(hezhang_plugin\.core\.[\w.ǁ]+__mutmut_\d+)`")


def results() -> dict[str, str]:
    """mutant name → outcome."""
    out = {}
    for meta in glob.glob(os.path.join(ROOT, "mutants", "hezhang_plugin", "core", "**", "*.py.meta"), recursive=True):
        with open(meta, encoding="utf-8") as fh:
            data = json.load(fh)
        for name, code in data.get("exit_code_by_key", {}).items():
            out[name] = OUTCOME.get(code, "suspicious")
    return out


def equivalent() -> set[str]:
    path = os.path.join(ROOT, "docs", "testing.md")
    if not os.path.exists(path):
        return set()
    with open(path, encoding="utf-8") as fh:
        return set(_EQUIVALENT.findall(fh.read()))


def module_of(name: str) -> str:
    return name.split(".x_")[0].split(".xǁ")[0]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--diff", action="store_true", help="print each survivor's diff (mutmut show)")
    ap.add_argument("--module", help="only this module's survivors")
    ap.add_argument("--only", action="append", metavar="PATTERN",
                    help="only the mutants whose names match (fnmatch; as given to `mutmut run`)")
    args = ap.parse_args(argv)
    res = results()
    if args.only:
        res = {n: o for n, o in res.items() if any(fnmatch.fnmatch(n, p) for p in args.only)}
    unchecked = sum(1 for o in res.values() if o == "not checked")
    res = {n: o for n, o in res.items() if o != "not checked"}
    if not res:
        print("no mutation results: run `make mutate` first")
        return 1
    equiv = equivalent() & set(res)
    counts = Counter(res.values())
    total = len(res)
    killed = counts["killed"] + counts["timeout"]
    considered = total - len(equiv & {n for n, o in res.items() if o not in ("killed", "timeout")})
    rate = killed / considered if considered else 0.0
    per_module: dict = defaultdict(Counter)
    for name, outcome in res.items():
        per_module[module_of(name)][outcome] += 1
    print(f"{'module':45} {'mutants':>8} {'killed':>8} {'survived':>9} {'no tests':>9} {'timeout':>8}")
    for mod in sorted(per_module):
        c = per_module[mod]
        print(f"{mod.replace('hezhang_plugin.', ''):45} {sum(c.values()):8} {c['killed']:8} {c['survived']:9} "
              f"{c['no tests']:9} {c['timeout']:8}")
    print()
    print(f"mutants {total}: killed {counts['killed']}, timeout {counts['timeout']}, survived {counts['survived']}, "
          f"no tests {counts['no tests']}, other {total - killed - counts['survived'] - counts['no tests']}")
    if unchecked:
        print(f"not run (outside the selection): {unchecked}")
    print(f"equivalent (docs/testing.md): {len(equiv)}")
    print(f"kill rate over non-equivalent mutants: {killed}/{considered} = {rate:.1%} (target {TARGET:.0%})")
    survivors = sorted(n for n, o in res.items() if o not in ("killed", "timeout") and n not in equiv
                       and (not args.module or module_of(n) == args.module))
    print(f"\nsurvivors not known to be equivalent: {len(survivors)}")
    for name in survivors:
        print(f"  {res[name]:9} {name}")
        if args.diff:
            show = subprocess.run([sys.executable, "-m", "mutmut", "show", name], cwd=ROOT, capture_output=True,
                                  text=True)
            print("\n".join("      " + line for line in show.stdout.splitlines()[1:]))
    return 0 if rate >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())

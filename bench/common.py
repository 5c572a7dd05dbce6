"""What every benchmark shares: the machine's load, peers run alternately, medians.

The machine may be shared (other processes competing for its cores), so a figure is only
worth its load: every row says the 1-minute load average (what ``uptime`` prints first)
before and after it was measured, and Hezhang and its peer are measured in the same run,
alternately (A, B, A, B, ...), each figure the median of the repeats.
"""

from __future__ import annotations

import os
import statistics
from typing import Callable


def peak_rss_mb() -> float:
    """This process's peak RSS in MB: VmHWM, which starts afresh at exec (ru_maxrss does not:
    Linux carries the RSS the parent had when it forked over into the child's figure, so a
    bench process grown large would raise every child's peak)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def load1() -> float:
    """The 1-minute load average (uptime's first figure)."""
    return os.getloadavg()[0]


def around(fn: Callable[[], dict]) -> dict:
    """``fn()``'s figures with the load average before and after it (``load_before``,
    ``load_after``): for a measurement not alternated with its peer."""
    before = load1()
    res = dict(fn())
    res["load_before"], res["load_after"] = before, load1()
    return res


def alternate(cases: dict[str, Callable[[], dict]], repeats: int) -> dict[str, dict]:
    """Run every case ``repeats`` times, alternating between them (round k runs them all, in
    an order rotated by k). Each case returns a dict of figures; the result per case holds
    the median of each numeric figure, the last value of the others, ``runs`` (all results)
    and ``load_before``/``load_after`` (medians of the load around each run)."""
    names = list(cases)
    runs: dict[str, list] = {n: [] for n in names}
    for k in range(repeats):
        order = names[k % len(names):] + names[:k % len(names)]
        for n in order:
            before = load1()
            res = dict(cases[n]())
            res["load_before"], res["load_after"] = before, load1()
            runs[n].append(res)
    out = {}
    for n, rs in runs.items():
        merged = dict(rs[-1])
        for key in rs[-1]:
            vals = [r[key] for r in rs if isinstance(r.get(key), (int, float)) and not isinstance(r.get(key), bool)]
            if len(vals) == len(rs):
                merged[key] = statistics.median(vals)
        merged["runs"] = rs
        out[n] = merged
    return out


def load_text(res: dict) -> str:
    """``3.1 → 3.4``: the load before and after a measurement (medians over its repeats)."""
    return f"{res['load_before']:.1f} → {res['load_after']:.1f}"

"""A large atlas rendered by several processes at once, and the protocol between them.

The pages are cut into contiguous chunks (:mod:`pages`); this process renders chunks from
the front while worker processes (``python -m hezhang_plugin.layout.worker``, started
first so their start-up overlaps this process's work) take chunks from the back; each
chunk is claimed by creating a file, so nobody waits for anybody. The parts are joined in
page order (:mod:`pdfjoin`). The workers run on QGIS's own Python interpreter
(``runtime.qgis_python``).

The protocol: the plan is a JSON file ``{"chunks": [[first key, last key, pages], ...],
"dir": folder, "dpi": dpi, "variables": {layout variable: value}}`` in the export's
temporary folder; chunk ``k`` is claimed by
creating ``claimKKKK`` there (atomically) and written to ``partKKKK.pdf`` (renamed from a
``.tmp`` when complete); a file ``cancel`` there makes every process stop claiming. A worker
reports ``PAGE n`` (pages done) and, at the end, ``RSS kb`` (its peak memory) on stdout,
and its error on stderr.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess  # nosec B404 - runs the plugin's own export worker, no shell
import tempfile
import threading
from typing import Callable, Optional, Sequence

from hezhang_plugin import runtime
from hezhang_plugin.layout.errors import Canceled, ExportError, tr
from hezhang_plugin.layout.options import ExportStats
from hezhang_plugin.layout.pages import atlas_filter, atlas_keys, key_chunks, restrict_atlas, set_atlas_filter
from hezhang_plugin.layout.pdfjoin import merge_pdfs
from hezhang_plugin.layout.render import export_atlas_pdf, resolved_map_themes
from hezhang_plugin.log import get_logger


def part_path(folder: str, k: int) -> str:
    return os.path.join(folder, f"part{k:04d}.pdf")


def claim_chunk(folder: str, k: int) -> bool:
    """True for the one process that claims chunk ``k`` first (atomic file creation)."""
    try:
        fd = os.open(os.path.join(folder, f"claim{k:04d}"), os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return False
    os.close(fd)
    return True


def render_chunks(layout, plan: dict, order: Sequence[int], progress: Optional[Callable[[int], None]] = None,
                  stop: Optional[Callable[[], bool]] = None) -> int:
    """Render the chunks of ``plan`` (see :func:`export_atlas_parallel`) that this process
    claims, going through them in ``order``; returns the pages rendered."""
    folder, dpi = plan["dir"], plan["dpi"]
    state = atlas_filter(layout)
    base = state[1] if state[0] and state[1] else "TRUE"
    done = 0
    try:
        for k in order:
            if (stop is not None and stop()) or os.path.exists(os.path.join(folder, "cancel")):
                break
            if not claim_chunk(folder, k):
                continue
            first, last, _pages = plan["chunks"][k]
            restrict_atlas(layout, first, last, base)
            final = part_path(folder, k)
            done += export_atlas_pdf(layout, final + ".tmp", dpi,
                                     (lambda i, offset=done: progress(offset + i)) if progress is not None else None)
            os.replace(final + ".tmp", final)
    finally:
        set_atlas_filter(layout, state)
    return done


def worker_python() -> Optional[str]:
    """QGIS's own Python interpreter for worker processes, None when there is none
    (``runtime.qgis_python``: never a foreign ``python3`` that comes first on PATH)."""
    return runtime.qgis_python()


def worker_env() -> dict:
    """Environment of a worker process (``runtime.child_env``)."""
    return runtime.child_env(worker_python())


def export_atlas_parallel(workspace_path: str, layout, template: str, path: str, dpi: int, workers: int, python: str,
                          feedback=None, stats: Optional[ExportStats] = None, themes_stored: bool = False,
                          own_styles: bool = False, imagery: bool = False,
                          variables: Optional[dict] = None) -> int:
    """The atlas rendered by ``workers`` processes in all (this one and ``workers - 1``
    worker processes), chunk by chunk, and the parts joined in page order.

    ``themes_stored``: the workspace's stored project already holds the layouts' map
    themes (the workers need not rebuild them); ``own_styles``: this process may apply
    the map themes' styles to the project's layers for the export (its own project);
    ``variables``: layout variables of this export (set on ``layout``; the workers set them
    on theirs).
    """
    keys = atlas_keys(layout)
    if not keys:
        raise ExportError(tr("{0}: no pages to export").format(layout.name()))
    n = len(keys)
    workers = max(1, min(workers, n))
    chunks = key_chunks(keys, workers)
    tmpdir = tempfile.mkdtemp(prefix="hezhang-export-", dir=os.path.dirname(os.path.abspath(path)))
    plan = {"chunks": chunks, "dir": tmpdir, "dpi": dpi, "variables": dict(variables or {})}
    plan_file = os.path.join(tmpdir, "plan.json")
    with open(plan_file, "w", encoding="utf-8") as fh:
        json.dump(plan, fh, ensure_ascii=False)
    procs: list = []
    helpers = workers - 1
    done = [0] * (helpers + 1)
    rss = [0] * helpers
    errors: list[str] = [""] * helpers

    def pump(i, proc):
        for line in proc.stdout:
            if line.startswith("PAGE "):
                done[i + 1] = int(line.split()[1])
            elif line.startswith("RSS "):
                rss[i] = int(line.split()[1])

    def drain(i, proc):  # read as it comes, so a talkative worker never blocks on a full pipe
        for line in proc.stderr:
            errors[i] = (errors[i] + line)[-4000:]

    def canceled() -> bool:
        return feedback is not None and feedback.isCanceled()

    def report(k: int) -> None:
        done[0] = k
        if feedback is not None:
            feedback.setProgress(100.0 * min(n, sum(done)) / n)

    threads = []
    try:
        # Workers first: their start-up (QGIS, the project) overlaps this process's pages.
        for _ in range(helpers):
            cmd = [python, "-m", "hezhang_plugin.layout.worker", "--workspace", workspace_path,
                   "--template", template, "--plan", plan_file, "--from-back"]
            if themes_stored:
                cmd.append("--themes-stored")
            elif imagery:
                cmd.append("--imagery")
            procs.append(subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,  # nosec B603 - fixed argument list (our worker module), no shell
                                          env=worker_env(), **runtime.popen_kwargs(new_group=False)))
        threads = [threading.Thread(target=fn, args=(i, p), daemon=True) for i, p in enumerate(procs)
                   for fn in (pump, drain)]
        for t in threads:
            t.start()
        with resolved_map_themes(layout, own_styles):
            render_chunks(layout, plan, range(len(chunks)), report, canceled)
        while any(t.is_alive() for t in threads):
            if canceled():
                break
            report(done[0])
            for t in threads:
                t.join(0.2)
        if canceled():
            raise Canceled()
        failed = [i for i, p in enumerate(procs) if p.wait() != 0]
        missing = [k for k in range(len(chunks)) if not os.path.exists(part_path(tmpdir, k))]
        if failed and not missing:
            get_logger().warning("export worker %d failed: %s", failed[0] + 1, errors[failed[0]].strip()[-500:])
        if missing:
            if failed:
                get_logger().warning("export worker %d failed (%s); rendering its pages here", failed[0] + 1,
                                     errors[failed[0]].strip()[-500:])
            # Chunks a failed worker claimed but did not finish.
            for k in missing:
                try:
                    os.remove(os.path.join(tmpdir, f"claim{k:04d}"))
                except OSError:
                    pass
            before = done[0]
            with resolved_map_themes(layout, own_styles):
                render_chunks(layout, plan, missing, lambda k: report(before + k), canceled)
            missing = [k for k in range(len(chunks)) if not os.path.exists(part_path(tmpdir, k))]
            if missing:
                if canceled():
                    raise Canceled()
                raise ExportError(tr("Export of {0}: pages missing after the workers ended").format(layout.name()))
        parts = [part_path(tmpdir, k) for k in range(len(chunks))]
        if len(parts) == 1:
            os.replace(parts[0], path)
        else:
            merge_pdfs(parts, path)
        if stats is not None:
            stats.workers = workers
            stats.worker_rss_kb = rss
        return n
    finally:
        try:
            open(os.path.join(tmpdir, "cancel"), "w").close()  # workers claim nothing more
        except OSError:
            pass
        for p in procs:
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        for t in threads:
            t.join(1)
        for p in procs:
            for pipe in (p.stdout, p.stderr):
                if pipe is not None:
                    pipe.close()
        shutil.rmtree(tmpdir, ignore_errors=True)

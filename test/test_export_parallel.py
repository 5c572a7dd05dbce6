"""Parallel notice-board export: chunks of pages, map themes applied once per export, and
a worker process rendering claimed chunks (compared with the single-process pages)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from test import layout_fixture as fx


def _pdf_text(path, page=None) -> str:
    cmd = ["pdftotext", "-enc", "UTF-8"]
    if page is not None:
        cmd += ["-f", str(page), "-l", str(page)]
    return subprocess.run(cmd + [str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("n,processes", [(1, 2), (7, 2), (50, 2), (1000, 2), (333, 4)])
def test_plan_chunks_cover_every_page_once(qgis_app, n, processes):
    from hezhang_plugin.layout.export import MAX_CHUNK, plan_chunks

    chunks = plan_chunks(n, processes)
    assert chunks[0][0] == 0 and chunks[-1][1] == n
    assert all(a[1] == b[0] for a, b in zip(chunks, chunks[1:]))  # contiguous, in order
    assert all(0 < hi - lo <= MAX_CHUNK for lo, hi in chunks)
    if n >= 50:
        # Big chunks at both ends, small ones where the processes meet.
        sizes = [hi - lo for lo, hi in chunks]
        assert min(sizes) < sizes[0] and min(sizes) < sizes[-1]


def test_key_chunks_keep_equal_sort_values_together(qgis_app):
    from hezhang_plugin.layout.export import key_chunks

    keys = ["a"] * 3 + ["b"] * 30 + ["c"] * 2
    chunks = key_chunks(keys, 2, min_chunk=2)
    assert sum(c[2] for c in chunks) == len(keys)
    lasts = [c[1] for c in chunks]
    firsts = [c[0] for c in chunks]
    assert all(last < first for last, first in zip(lasts, firsts[1:]))  # no value in two chunks


@pytest.fixture(scope="module")
def boards_ws(qgis_app, tmp_path_factory):
    """A filled workspace whose stored project holds the layouts, and its boards exported
    in one process."""
    from qgis.core import QgsProject

    from hezhang_plugin.layout.export import export_products

    QgsProject.instance().clear()
    path = fx.filled_copy(tmp_path_factory, "par_ws")
    out = tmp_path_factory.mktemp("single")
    single = export_products(path, ("boards",), "pdf", str(out), parallel=1, dpi=96)[0]
    return path, out, single


def test_map_theme_styles_applied_once_and_restored(boards_ws):
    from qgis.core import QgsLayoutItemMap, QgsProject

    from hezhang_plugin.data import workspace as ws
    from hezhang_plugin.layout import common
    from hezhang_plugin.layout.export import resolved_map_themes

    prj = QgsProject.instance()
    prj.clear()
    ws.open_workspace(boards_ws[0], prj)
    try:
        layout = prj.layoutManager().layoutByName(common.LAYOUT_BOARDS)
        m = next(i for i in layout.items() if isinstance(i, QgsLayoutItemMap))
        segs = common.workspace_layers(prj)["segments"]
        before = segs.renderer().dump()
        assert m.followVisibilityPreset()
        with resolved_map_themes(layout) as applied:
            assert applied
            assert not m.followVisibilityPreset() and m.layers()
            assert "@atlas_featureid" in segs.renderer().dump()  # the board theme's style
        assert m.followVisibilityPreset() and m.followVisibilityPresetName() == common.THEME_BOARDS
        assert segs.renderer().dump() == before
        with resolved_map_themes(layout, enabled=False) as applied:
            assert not applied and m.followVisibilityPreset()
    finally:
        prj.clear()


def test_worker_renders_claimed_chunks_like_one_process(boards_ws, tmp_path):
    from hezhang_plugin.layout import common
    from hezhang_plugin.layout.export import part_path, worker_env

    path, out, single = boards_ws
    n = len(fx.SEGMENTS)
    keys = sorted(fx.SEGMENTS)
    chunks = [[keys[0], keys[1], 2], [keys[2], keys[-1], n - 2]]
    plan = {"chunks": chunks, "dir": str(tmp_path), "dpi": 96}
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(plan), encoding="utf-8")
    template = out / "templates" / f"{common.LAYOUT_BOARDS}.qpt"
    res = subprocess.run([sys.executable, "-m", "hezhang_plugin.layout.worker", "--workspace", path,
                          "--template", str(template), "--plan", str(plan_file), "--from-back",
                          "--themes-stored"], capture_output=True, text=True, env=worker_env(), timeout=300)
    assert res.returncode == 0, res.stderr
    assert f"PAGE {n}" in res.stdout and "RSS " in res.stdout
    parts = [part_path(str(tmp_path), k) for k in range(2)]
    assert all(os.path.exists(p) for p in parts)
    texts = _pdf_text(parts[0]).split("\f")[:-1] + _pdf_text(parts[1]).split("\f")[:-1]
    assert len(texts) == n
    for page, text in enumerate(texts, start=1):
        assert text == _pdf_text(single, page).split("\f")[0]
    # A chunk already claimed by another process is left alone.
    os.remove(parts[0])
    res = subprocess.run([sys.executable, "-m", "hezhang_plugin.layout.worker", "--workspace", path,
                          "--template", str(template), "--plan", str(plan_file), "--themes-stored"],
                         capture_output=True, text=True, env=worker_env(), timeout=300)
    assert res.returncode == 0, res.stderr
    assert not os.path.exists(parts[0])

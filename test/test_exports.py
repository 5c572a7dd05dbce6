"""Exports read back as a user checks them: page sizes in the PDF (ISO 216, landscape), the PDF
merge of a parallel export's parts, the notice boards placed per KM_PER_BOARD (boards counted
against lengths measured with pyproj.Geod). The page order of a parallel export over several
chunks: test_layouts.py."""

from __future__ import annotations

import math
import os
import re
import subprocess

import pytest

from test import layout_fixture as fx

MM_TO_PT = 72.0 / 25.4


def _page_size_pts(path) -> tuple[float, float]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    m = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", out, re.M)
    return float(m.group(1)), float(m.group(2))


def _pdf_pages_text(path) -> list[str]:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    return out.split("\f")[:-1]


@pytest.mark.parametrize("index,name,mm", [(1, "A4", (297, 210)), (2, "A0", (1189, 841))])
def test_a4_and_a0_maps_are_landscape(processing_ready, tmp_path_factory, index, name, mm):
    """PAGE_SIZE 1 (A4) and 2 (A0): the coverage map's PDF page is ISO 216 landscape
    (A4 297 × 210 mm = 841.89 × 595.28 pt; A0 1189 × 841 mm = 3370.4 × 2383.9 pt)."""
    from qgis import processing
    from qgis.core import QgsProject

    ws = fx.filled_copy(tmp_path_factory, f"page_{name}")
    out = tmp_path_factory.mktemp(f"page_{name}_out")
    QgsProject.instance().clear()
    res = processing.run("hezhang:exportmaps", {"WORKSPACE": ws, "PRODUCTS": [0], "FORMAT": 0, "PAGE_SIZE": index,
                                                "DPI": 50, "OUTPUT_FOLDER": str(out)})
    assert [p.rsplit("/", 1)[1] for p in res["FILES"]] == ["coverage_411171.pdf"]
    width, height = _page_size_pts(res["FILES"][0])
    assert width == pytest.approx(mm[0] * MM_TO_PT, abs=0.5)
    assert height == pytest.approx(mm[1] * MM_TO_PT, abs=0.5)


def _geod_km(coords) -> float:
    from pyproj import Geod

    lons, lats = zip(*coords)
    return Geod(ellps="GRS80").line_length(lons, lats) / 1000.0


def test_placeboards_uses_km_per_board(processing_ready, tmp_path_factory):
    """KM_PER_BOARD 3: a segment of L km needs max(1, ceil(L / 3)) boards (L from pyproj.Geod),
    the new ones with the HOTLINE given; the fixture's two boards stay."""
    from qgis import processing

    from hezhang_plugin.data import io

    ws = fx.filled_copy(tmp_path_factory, "km_per_board")
    res = processing.run("hezhang:placeboards", {"WORKSPACE": ws, "KM_PER_BOARD": 3.0, "HOTLINE": "0375-1234567",
                                                 "DATE": "2024-04-01"})
    want = {code: max(1, math.ceil(_geod_km(s[6]) / 3.0)) for code, s in fx.SEGMENTS.items()}
    assert want == {"411171000001": 4, "411171000002": 4, "411171000003": 4, "411171000004": 2,
                    "411171000005": 2}
    rows = io.read_rows(ws, "notice_boards")
    per_seg = {code: sum(1 for r in rows if r["seg_code"] == code) for code in fx.SEGMENTS}
    assert per_seg == want
    assert res["PLACED"] == sum(want.values()) - len(fx.BOARDS) == 14
    new = [r for r in rows if r["board_code"] not in {b[0] for b in fx.BOARDS}]
    assert {r["hotline"] for r in new} == {"0375-1234567"}
    assert sorted(r["board_code"] for r in new if r["seg_code"] == "411171000004") == [
        "411171000004-01", "411171000004-02"]


def _one_page_pdf(path, text: str) -> str:
    """A one-page A6 PDF whose only text is ``text`` (Qt's own PDF writer, not the exporter)."""
    from qgis.PyQt.QtCore import QRectF
    from qgis.PyQt.QtGui import QPageSize, QPainter, QPdfWriter

    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.A6))
    painter = QPainter(writer)
    painter.drawText(QRectF(100, 100, 2000, 400), text)
    painter.end()
    return str(path)


@pytest.mark.parametrize("tool", ["pdfunite", "pypdf"])
def test_pdf_merge_keeps_the_parts_in_order(qgis_app, tmp_path, monkeypatch, tool):
    """The parts of a parallel export joined by pypdf, or by poppler's pdfunite where pypdf is
    not installed: every page once, in the order of the parts."""
    import sys

    from hezhang_plugin.layout import export, pdfjoin

    if tool == "pypdf":
        monkeypatch.setattr(pdfjoin.shutil, "which", lambda name: None)
    else:
        monkeypatch.setitem(sys.modules, "pypdf", None)  # import pypdf raises ImportError
        calls = []
        run = pdfjoin.subprocess.run
        monkeypatch.setattr(pdfjoin.subprocess, "run", lambda args, **kw: calls.append(args) or run(args, **kw))
    parts = [_one_page_pdf(tmp_path / f"part{k}.pdf", f"PART-{k}") for k in range(4)]
    assert export.can_merge()
    out = tmp_path / "joined.pdf"
    export.merge_pdfs(parts, str(out))
    assert [t.strip() for t in _pdf_pages_text(out)] == ["PART-0", "PART-1", "PART-2", "PART-3"]
    if tool == "pdfunite":
        assert [os.path.basename(a) for a in calls[0]] == ["pdfunite", *(f"part{k}.pdf" for k in range(4)),
                                                           "joined.pdf"]


def test_pdf_merge_without_pypdf_names_what_is_missing_or_failed(qgis_app, tmp_path, monkeypatch):
    """Without pypdf: pdfunite's own message for a damaged part; without pdfunite either, no
    parallel export (can_merge is false) and the message names the package to install."""
    import sys

    from hezhang_plugin.layout import export, pdfjoin

    monkeypatch.setitem(sys.modules, "pypdf", None)
    good = _one_page_pdf(tmp_path / "a.pdf", "A")
    broken = tmp_path / "b.pdf"
    broken.write_bytes(b"%PDF-1.4 truncated")
    with pytest.raises(export.ExportError, match="^pdfunite failed: .+"):
        export.merge_pdfs([good, str(broken)], str(tmp_path / "out.pdf"))
    monkeypatch.setattr(pdfjoin.shutil, "which", lambda name: None)
    assert not pdfjoin.can_merge()
    with pytest.raises(export.ExportError, match="needs the Python package pypdf"):
        export.merge_pdfs([good, good], str(tmp_path / "out.pdf"))


def test_pdf_merge_failure_is_named(qgis_app, tmp_path):
    from hezhang_plugin.layout import export

    good = _one_page_pdf(tmp_path / "a.pdf", "A")
    broken = tmp_path / "b.pdf"
    broken.write_bytes(b"%PDF-1.4 truncated")
    with pytest.raises(export.ExportError, match="b.pdf"):
        export.merge_pdfs([good, str(broken)], str(tmp_path / "out.pdf"))

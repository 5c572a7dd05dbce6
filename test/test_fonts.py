"""Chinese fonts of maps and labels on a machine without WenQuanYi (issue 9, item 5)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from test import layout_fixture as fx

HIDE_WENQUANYI = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <selectfont><rejectfont>
    <glob>*wqy*</glob>
    <pattern><patelt name="family"><string>WenQuanYi Zen Hei</string></patelt></pattern>
    <pattern><patelt name="family"><string>WenQuanYi Zen Hei Mono</string></patelt></pattern>
    <pattern><patelt name="family"><string>WenQuanYi Zen Hei Sharp</string></patelt></pattern>
    <pattern><patelt name="family"><string>WenQuanYi Micro Hei</string></patelt></pattern>
    <pattern><patelt name="family"><string>WenQuanYi Micro Hei Mono</string></patelt></pattern>
  </rejectfont></selectfont>
</fontconfig>
"""


def _text(path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def _fonts(path) -> list:
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


def test_font_list_covers_windows_macos_and_linux():
    from hezhang_plugin import fonts

    where = {w for _f, w in fonts.CJK_FONTS}
    assert {"Windows", "macOS", "Linux"} <= where
    for family in ("Microsoft YaHei", "DengXian", "SimHei", "SimSun", "PingFang SC", "Heiti SC", "Songti SC",
                   "WenQuanYi Zen Hei", "Noto Sans CJK SC", "Source Han Sans SC"):
        assert family in fonts.FAMILIES
    # the fonts whose text layer names radicals for ideographs come after the others
    assert fonts.FAMILIES.index("WenQuanYi Zen Hei") < fonts.FAMILIES.index("Noto Sans CJK SC")
    assert fonts.FAMILIES.index("Microsoft YaHei") < fonts.FAMILIES.index("Source Han Sans SC")


def test_radicals_in_the_text_layer_become_ideographs():
    from hezhang_plugin.layout import pdftext

    # 长 U+957F (Equivalent_Unified_Ideograph of ⻓ U+2ED3), 一 U+4E00 (NFKC of ⼀ U+2F00)
    assert pdftext.ideograph_for(0x2ED3) == 0x957F and pdftext.ideograph_for(0x2F00) == 0x4E00
    assert pdftext.ideograph_for(0x6CB3) == 0x6CB3  # 河 stays
    cmap = (b"stream\n2 beginbfchar\n<0003> <2ED3>\n<0004> <6CB3>\nendbfchar\n"
            b"2 beginbfrange\n<0000> <0000> <0000>\n<0001> <0003> [<6CB3> <2ED3> <2F70>]\n"
            b"<0009> <000B> <2F00>\nendbfrange\nendstream")
    fixed, count = pdftext.repair_bytes(cmap)
    assert count == 3 and len(fixed) == len(cmap)
    assert b"<0003> <957F>" in fixed and b"[<6CB3> <957F> <793A>]" in fixed
    assert b"<0009> <000B> <2F00>" in fixed  # a run of codes is not rewritten


@pytest.mark.slow
def test_maps_without_wenquanyi(qgis_app, tmp_path):
    """WenQuanYi hidden through fontconfig: the maps print with the next installed Chinese
    font (here Noto Sans CJK SC), embed it, and their text layer reads 河长 back; the
    layouts and label styles stored by a machine that had WenQuanYi switch to it."""
    from qgis.core import QgsProject

    from hezhang_plugin.data.workspace import create_workspace
    from hezhang_plugin.layout import export

    ws = str(tmp_path / "ws.gpkg")
    create_workspace(ws, "411171", "测试区", None)
    fx.fill_workspace(ws)
    QgsProject.instance().clear()
    # First export here (WenQuanYi installed): the layouts are stored in the workspace.
    first = export.export_products(ws, ("boards",), "pdf", str(tmp_path / "here"), dpi=60, parallel=1)
    assert any("WenQuanYi" in row[0] for row in _fonts(first[0]))

    conf = tmp_path / "fonts.conf"
    conf.write_text(HIDE_WENQUANYI, encoding="utf-8")
    env = export.worker_env()
    env["FONTCONFIG_FILE"] = str(conf)
    families = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, env=env,
                              check=True).stdout
    assert "WenQuanYi" not in families and families.strip()
    out = tmp_path / "elsewhere"
    res = subprocess.run([export.worker_python() or sys.executable, "-m", "hezhang_plugin.layout.worker", "export",
                          "--workspace", ws, "--out", str(out), "--dpi", "60"],
                         capture_output=True, text=True, env=env, timeout=600)
    assert res.returncode == 0, res.stderr
    files = [line[5:] for line in res.stdout.splitlines() if line.startswith("FILE ")]
    assert [os.path.basename(f) for f in files] == ["coverage_411171.pdf", "town_atlas_411171.pdf",
                                                    "notice_boards_411171.pdf"]
    for f in files:
        rows = _fonts(f)
        names = [row[0] for row in rows]
        assert not any("WenQuanYi" in n for n in names), names
        cjk = [row for row in rows if "CJK" in row[0] or "Han" in row[0]]
        assert cjk and all("yes" in row[-5:-2] for row in cjk), rows  # embedded
        assert any("sc" in row[0].lower() for row in cjk), rows  # simplified-Chinese variant
    boards = _text(files[2])
    assert "河长公示牌" in boards and "河长及职责" in boards
    assert "⻓" not in boards and "⽰" not in boards
    assert "西坡闸" in boards  # 西 (U+897F), not ⻄ (U+2EC4)
    coverage = _text(files[0])
    assert "河长制" in coverage and "周庄村" in coverage  # layout text and map labels

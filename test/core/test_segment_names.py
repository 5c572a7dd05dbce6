"""Segment and end names (core.segmentation.names) and what a run shares (common): names are
data, written out as a district's register has them."""

from __future__ import annotations

import numpy as np
import pytest

from hezhang_plugin.core import segmentation as seg
from hezhang_plugin.core.segmentation import common, names

RIVERS = ["沙河", "澧河"]
UNITS = ["周庄村", "李楼村"]
BANKS = ["both", "left", "right"]


def test_segment_names_number_repeats_per_river_unit_and_bank():
    # in axis order: 沙河 in 周庄村 twice on both banks, then once in 李楼村; 澧河 in 周庄村 on
    # each bank, its left bank twice
    river = np.array([0, 0, 0, 1, 1, 1])
    unit = np.array([0, 1, 0, 0, 0, 0])
    bank = np.array([0, 0, 0, 1, 2, 1])
    assert names.segment_names(river, unit, bank, RIVERS, UNITS, BANKS) == [
        "沙河周庄村1段", "沙河李楼村段", "沙河周庄村2段", "澧河周庄村1段（左岸）", "澧河周庄村段（右岸）", "澧河周庄村2段（左岸）"]
    assert names.segment_names(np.array([], dtype=int), np.array([], dtype=int), np.array([], dtype=int),
                               RIVERS, UNITS, BANKS) == []


def test_end_names():
    codes = np.array([1, names.END_SPECIAL, names.END_OUTSIDE, 0])
    assert names.end_names(codes, UNITS, names.NAME_SOURCE) == ["李楼村界", "源头", "区界", "周庄村界"]
    assert names.end_names(codes, UNITS, names.NAME_MOUTH)[1] == "河口"
    assert (names.END_SPECIAL, names.END_OUTSIDE) == (-2, -3)


def test_the_published_name_patterns():
    assert (seg.NAME_SEGMENT, seg.NAME_SEGMENT_NUMBERED, seg.NAME_BOUNDARY) == ("{river}{unit}段", "{river}{unit}{n}段",
                                                                              "{unit}界")
    assert seg.BANK_SUFFIX == {"left": "（左岸）", "right": "（右岸）", "both": ""}
    assert (seg.NAME_SOURCE, seg.NAME_MOUTH, seg.NAME_DISTRICT_EDGE) == ("源头", "河口", "区界")
    assert (seg.DEFAULT_UNIT_LEVEL, seg.DEFAULT_BOUNDARY_TOLERANCE, seg.DEFAULT_MIN_LENGTH) == ("village", 10.0, 50.0)


class Feedback:
    def __init__(self, cancel=False):
        self.cancel, self.progress, self.info = cancel, [], []

    def isCanceled(self):
        return self.cancel

    def setProgress(self, v):
        self.progress.append(v)

    def pushInfo(self, t):
        self.info.append(t)


def test_progress_reports_and_cancels():
    fb = Feedback()
    p = common._Progress(fb)
    p.step(15, "cutting")
    p.step(40)
    assert fb.progress == [15.0, 40.0] and fb.info == ["cutting"]
    common._Progress(None).step(50, "nothing to tell")
    with pytest.raises(seg.SegmentationCancelled, match="segmentation cancelled"):
        common._Progress(Feedback(cancel=True)).step(10)

    class Bare:  # a feedback without the optional parts
        pass

    common._Progress(Bare()).step(10, "x")


def test_notes_and_tolerances():
    note = common._note("parent_missing", {"name": "小河", "river_code": "XH"}, parent="DH")
    assert str(note).startswith("小河 (XH): its parent river DH is not among the rivers")
    assert str(common._note("parent_missing", {}, parent="DH")).startswith(" (): its parent river DH")
    assert (common._eff_tol(5.0), common._eff_tol(0.0), common._eff_tol(-1), common._eff_tol("0.5")) == (
        5.0, 0.01, 0.01, 0.5)
    err = seg.SegmentationError("segmentation.garbled_text", layer="rivers", count=1, fid=3, field="name",
                                value="x")
    assert err.text("zh") != str(err)

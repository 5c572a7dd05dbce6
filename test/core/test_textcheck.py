"""Wrongly decoded text (core.textcheck): 沙河 written in GBK (C9 B3 BA D3) or UTF-8 and read
with the wrong encoding, and the edges of the character ranges each check looks at."""

from __future__ import annotations

import pytest

from hezhang_plugin.core import textcheck as tc

GBK_AS_UTF8 = "沙河".encode("gbk").decode("utf-8", errors="replace")  # '\ufffd\ufffd\ufffd\ufffd'
GBK_AS_LATIN1 = "沙河".encode("gbk").decode("latin-1")  # 'É³ºÓ': printable Latin-1 only
UTF8_AS_LATIN1 = "沙河".encode().decode("latin-1")  # 'æ²\x99æ²³': holds a C1 control
UTF8_AS_CP1252 = "沙河".encode().decode("cp1252")  # 'æ²™æ²³'


@pytest.mark.parametrize("text,why", [
    (GBK_AS_UTF8, "replacement"),
    (UTF8_AS_LATIN1, "control"),
    (GBK_AS_LATIN1, "latin1"),  # only encoding it back tells
    (UTF8_AS_CP1252, "latin1"),
    ("沙河".encode("gb18030").decode("latin-1"), "latin1"),
    ("café", None),  # Latin-1 text that is not Chinese in disguise
    ("沙河 Shahe", None),
    ("沙河" + GBK_AS_LATIN1, None),  # holds Chinese already: not Latin-1 mojibake
    ("", None),
    (None, None),
    (42, None),
])
def test_reasons(text, why):
    assert tc.garbled(text) == why


@pytest.mark.parametrize("ch,cjk", [("\u3400", True), ("\u33ff", False), ("\u9fff", True), ("\ua000", False),
                                    ("\uf900", True), ("\uf8ff", False), ("\ufaff", True), ("\ufb00", False)])
def test_the_edges_of_the_cjk_ranges(ch, cjk):
    assert tc._has_cjk("a" + ch) is cjk


@pytest.mark.parametrize("ch,why", [("\x80", "control"), ("\x9f", "control"), ("\x7f", None), ("\xa0", None)])
def test_the_edges_of_the_control_range(ch, why):
    assert tc.garbled("ab" + ch) == why


def test_the_recovery_round_trip():
    assert tc._recovers_cjk(GBK_AS_LATIN1) and tc._recovers_cjk(UTF8_AS_CP1252)
    assert not tc._recovers_cjk("ĀĀ")  # not encodable in Latin-1 or cp1252
    assert not tc._recovers_cjk("café")


def test_values_screened_in_one_pass():
    values = ["沙河", None, GBK_AS_LATIN1, "Shahe", GBK_AS_UTF8, 3, "café"]
    assert tc.suspects(values) == [2, 4, 6]
    assert tc.garbled_values(values) == [(2, GBK_AS_LATIN1, "latin1"), (4, GBK_AS_UTF8, "replacement")]
    assert tc.suspects(["沙河", "Shahe", None]) == []
    assert tc.garbled_values([]) == []

"""core.codes and core.messages: checks return bilingual messages from one table."""

from __future__ import annotations

import string

import pytest

from hezhang_plugin.core import codes, messages
from hezhang_plugin.core.messages import HezhangError, Message, Text


def _fields(template):
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(messages.MESSAGES))
def test_both_languages_name_the_same_fields(key):
    en, zh = messages.MESSAGES[key]
    assert _fields(en) == _fields(zh), key
    assert zh and en and zh != en or key == "coverage.R7"


def test_district_code_normalisation():
    assert codes.normalise_unit_code(" 411171 ") == "411171000000"
    assert codes.normalise_unit_code("４１１１７１") == "411171000000"  # full-width digits
    assert codes.normalise_unit_code("411171 101 001") == "411171101001"
    assert codes.district_code("411171") == "411171000000"
    assert codes.district_code("411171000000") == "411171000000"
    with pytest.raises(codes.CodeError) as exc:
        codes.district_code("411171101000")
    assert "county-level" in str(exc.value) and "000000结尾" in exc.value.text("zh")
    with pytest.raises(codes.CodeError) as exc:
        codes.district_code("4111")
    assert exc.value.message.key == "district_code.invalid"


def test_checks_return_messages_in_both_languages():
    m = codes.check_phone("1380000")
    assert isinstance(m, Message) and m == "phone '1380000': a mobile number has 11 digits, this has 7"
    assert m.text("zh") == "电话“1380000”：手机号码应为11位，此号码为7位"
    assert m.text("zh_CN") == m.zh
    m = codes.check_child_code("411171101000", "village", "411171000000")
    assert m.zh == "行政区划代码411171101000是镇级单位的代码，不是村级单位的代码"
    m = codes.check_child_code("411171101001", "village", "411171102000")
    assert m.zh == "行政区划代码411171101001不以上级代码前缀411171102开头"
    assert codes.check_seg_code("12").zh == "河段编码“12”不是12位（县级代码+6位序号）"
    assert codes.check_name(" ").zh == "名称为空"
    assert codes.check_phone("13800000001") is None and codes.check_unit_code("411171101001") is None


def test_message_fields_render_in_the_language():
    inner = codes.check_name("")
    outer = Message("coverage.R7", what=Message("coverage.what_segment", code="411171000002"), problem=inner)
    assert outer == "segment 411171000002: name is empty"
    assert outer.zh == "河段411171000002：名称为空"
    t = Message("chief.level_invalid", level="x", choices=Text("district, town", "区级、镇级"))
    assert t.zh == "级别“x”不是区级、镇级之一" and t.en == "level 'x' is not one of district, town"
    lit = Message.literal("plain", "平")
    assert lit.text("zh") == "平" and str(lit) == "plain" and lit.key is None


def test_errors_carry_their_message():
    exc = HezhangError("chief.unknown", chief="C1")
    assert str(exc) == "no chief with id C1" and exc.text("zh") == "没有编号为C1的河长"
    assert HezhangError("something broke").text("zh") == "something broke"
    with pytest.raises(KeyError):
        Message("no.such.key")


def test_messages_survive_copy():
    import copy

    m = codes.check_phone("139")
    c = copy.deepcopy(m)
    assert c == m and c.zh == m.zh and c.key == m.key


def test_district_code_refusals_quote_what_was_typed():
    for typed, shown in ((None, "''"), ("41 11", "'41 11'"), ("4111", "'4111'")):
        with pytest.raises(codes.CodeError) as exc:
            codes.district_code(typed)
        assert str(exc.value) == (f"district code {shown} is neither the 6-digit GB/T 2260 code nor the 12-digit "
                                  "statistical code of a district")
    with pytest.raises(codes.CodeError) as exc:
        codes.district_code("４１１１７１１０１０００")
    assert str(exc.value) == "district code 411171101000 is not a county-level code (it must end in 000000)"
    assert codes.normalise_unit_code(None) == "" and codes.normalise_unit_code(411171) == "411171000000"


def test_messages_survive_a_copy():
    import copy

    keyed = Message("chief.unknown", chief="C1")
    literal = Message.literal("plain", "纯文本")
    for m in (keyed, literal):
        c = copy.deepcopy(m)
        assert (c.text("en"), c.text("zh")) == (m.text("en"), m.text("zh"))
    assert copy.copy(keyed).key == "chief.unknown" and copy.copy(literal).text("zh") == "纯文本"


@pytest.mark.parametrize("typed,ok", [
    ("13800000001", True), ("19912345678", True), ("12800000001", False), ("1380000000", False),
    ("+86 138 0000 0001", True), ("0086-13800000001", False), ("008613800000001", True), ("１３８０００００００１", True),
    ("0371-66668888", True), ("0371 6666888", True), ("010-12345678-123", True), ("0371666688889", False),
    ("037-1234567", True), ("371-66668888", False), ("12345", True), ("12369", True), ("12314", True),
    ("12110", True), ("110", True), ("12309", True), ("120", False), ("", True), (None, True),
])
def test_phones(typed, ok):
    assert (codes.check_phone(typed) is None) is ok


def test_phone_messages_and_normalisation():
    assert codes.normalise_phone(" +86 138 0000 0001 ") == "13800000001"
    assert codes.normalise_phone("0086１３８") == "138"
    assert codes.normalise_phone(None) == ""
    assert str(codes.check_phone("120")) == "phone '120': a mobile number has 11 digits, this has 3"
    # digits counted without the dashes typed; 11 digits from 1 that are no mobile number, a
    # 12-digit one, and a short number from 0 each get the message that fits
    assert codes.check_phone("138-0000-000").key == "phone.mobile_digits"
    assert str(codes.check_phone("138-0000-000")).endswith("this has 10")
    assert codes.check_phone("12800000001").key == "phone.invalid"
    assert str(codes.check_phone("138000000012")).endswith("this has 12")
    assert codes.check_phone("0371-666").key == "phone.invalid"
    assert str(codes.check_phone("371-66668888")) == ("phone '371-66668888' is neither a mainland mobile number "
                                                      "(11 digits, 13x-19x) nor a landline with area code "
                                                      "(0xx-xxxxxxxx)")


@pytest.mark.parametrize("code,level,prefix,kind", [
    ("411171000000", "district", "411171", None), ("411171001000", "town", "411171001", "street"),
    ("411171099000", "town", "411171099", "street"), ("411171100000", "town", "411171100", "town"),
    ("411171199001", "village", "411171199001", "town"), ("411171200000", "town", "411171200", "township"),
    ("411171399000", "town", "411171399", "township"), ("411171400000", "town", "411171400", "other"),
    ("411171000001", "village", "411171000001", "other"), ("41117100000", None, "41117100000", None),
    ("41117100000x", None, "41117100000x", None),
])
def test_levels_prefixes_and_township_kinds(code, level, prefix, kind):
    assert codes.unit_level(code) == level
    assert codes.parent_prefix(code) == prefix
    assert codes.township_kind(code) == kind


def test_child_codes():
    assert codes.check_child_code("411171000000", "district", None) is None
    assert codes.check_child_code("411171101000", "town", "411171000000") is None
    assert codes.check_child_code("411171101001", "village", "411171101000") is None
    assert str(codes.check_child_code("4111", "town", "411171000000")) == (
        "unit code '4111' is not a 12-digit statistical division code")
    assert str(codes.check_child_code("411171101000", "town", None)) == "town unit 411171101000 has no parent code"
    assert str(codes.check_child_code("411171101001", "village", "411171000000")) == (
        "parent 411171000000 of village unit 411171101001 is not a town unit")
    assert str(codes.check_child_code("411172101000", "town", "411171000000")) == (
        "unit code 411172101000 does not start with its parent's prefix 411171")
    assert codes.check_child_code("411171101000", "village", "411171101000").key == "unit_code.wrong_level"


def test_segment_codes():
    assert codes.check_seg_code("411171000001") is None
    assert codes.check_seg_code("411171000001", "411171000000") is None
    # the district given as its 12-digit unit code: only its first 6 digits (the county) count
    assert codes.check_seg_code("411171123456", "411171000000") is None
    assert str(codes.check_seg_code("411172000001", "411171000000")) == (
        "segment code 411172000001 does not start with the county code 411171")
    assert str(codes.check_seg_code("411172000001", "411171")) == (
        "segment code 411172000001 does not start with the county code 411171")
    assert codes.check_seg_code(None).key == "seg_code.not_12_digits"
    with pytest.raises(codes.CodeError) as exc:
        codes.next_seg_codes("411171", ["411171999999"], 1)
    assert str(exc.value) == "segment codes of county 411171 are exhausted"
    assert codes.next_seg_codes("411171", ["411171999998"], 1) == ["411171999999"]
    # one code unless asked for more; a code with a letter after the county is not a sequence
    assert codes.next_seg_codes("411171", ["411171X00009", "411171000002"]) == ["411171000003"]
    assert codes.next_seg_codes("411171", [], 0) == []

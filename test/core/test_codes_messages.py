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

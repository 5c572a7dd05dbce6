"""Assessment periods, grades and ranks (core.assessment) written out."""

from __future__ import annotations

import pytest

from hezhang_plugin.core import assessment as am


@pytest.mark.parametrize("text,key,kind,start,end", [
    ("2024-04", "2024-04", "month", "2024-04-01", "2024-04-30"),
    ("2024-4", "2024-04", "month", "2024-04-01", "2024-04-30"),
    ("202402", "2024-02", "month", "2024-02-01", "2024-02-29"),
    ("2023年2月", "2023-02", "month", "2023-02-01", "2023-02-28"),
    ("2024/12", "2024-12", "month", "2024-12-01", "2024-12-31"),
    (" 2024 ", "2024", "year", "2024-01-01", "2024-12-31"),
    ("2024年", "2024", "year", "2024-01-01", "2024-12-31"),
    ("2024年度", "2024", "year", "2024-01-01", "2024-12-31"),
])
def test_periods(text, key, kind, start, end):
    assert am.parse_period(text) == am.Period(key, kind, start, end)


@pytest.mark.parametrize("text", ["2024-13", "2024-0", "2024-00", "24-04", "April", "", None, "2024-04-01"])
def test_periods_refused(text):
    with pytest.raises(am.AssessmentError) as exc:
        am.parse_period(text)
    assert exc.value.message.key == "assessment.period"


def test_labels_and_previous_periods():
    month, year = am.parse_period("2024-01"), am.parse_period("2024")
    assert (month.label(), month.label("en"), year.label(), year.label("en")) == ("2024年1月", "2024-01", "2024年度", "2024")
    assert month.previous() == am.parse_period("2023-12")
    assert am.parse_period("2024-03").previous().end == "2024-02-29"
    assert year.previous() == am.parse_period("2023")


def test_grades_from_the_sheets_lines():
    sheet = {"excellent_from": 95, "qualified_from": 85, "basic_from": 60}
    assert [am.grade(t, sheet) for t in (95, 94.99, 85, 84.9, 60, 59.9)] == [
        "excellent", "pass", "pass", "basic", "basic", "fail"]
    blank = {"excellent_from": None, "qualified_from": "", "basic_from": 0}
    assert [am.grade(t, blank) for t in (90, 89, 80, 79, 70, 69)] == [
        "excellent", "pass", "pass", "basic", "basic", "fail"]


def test_ranks_with_ties_and_near_ties():
    assert am.ranks({}) == {}
    assert am.ranks({"a": 80.0, "b": 80.0 + 1e-12, "c": 79.0}) == {"a": 1, "b": 1, "c": 3}
    assert am.ranks({"a": 1.0, "b": 2.0, "c": 3.0}) == {"a": 3, "b": 2, "c": 1}

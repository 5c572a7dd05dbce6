"""core.dates: every form a bureau writes a date in, and the day arithmetic."""

from __future__ import annotations

import datetime as dt

import pytest

from hezhang_plugin.core import dates


@pytest.mark.parametrize("text", ["2024-03-01", "2024-3-1", "2024/3/1", "2024.03.01", "2024年3月1日",
                                  "2024 年 3 月 1 日", "20240301", "2024-03-01T08:30:00", "2024/3/1 8:30",
                                  " 2024-03-01 "])
def test_text_forms(text):
    assert dates.parse_date(text) == "2024-03-01"


@pytest.mark.parametrize("value", [None, "", "  ", "2024-02-30", "2024-13-01", "March 1st", "2024-03",
                                   "12345678", True])
def test_not_dates(value):
    assert dates.parse_date(value) is None


def test_date_objects_and_qt_like_objects():
    assert dates.parse_date(dt.date(2024, 7, 1)) == "2024-07-01"
    assert dates.parse_date(dt.datetime(2024, 7, 1, 23, 59)) == "2024-07-01"

    class FakeQDate:  # duck-typed like QDate: core imports no Qt
        def __init__(self, d):
            self.d = d

        def isNull(self):
            return self.d is None

        def toPyDate(self):
            return self.d

    assert dates.parse_date(FakeQDate(dt.date(2024, 2, 29))) == "2024-02-29"
    assert dates.parse_date(FakeQDate(None)) is None


# Excel's 1900 date system (ECMA-376 §18.17.4.1): serial 1 is 1900-01-01, serial 60 the
# phantom 1900-02-29, serial 61 1900-03-01; 45352 is 2024-03-01 (as Excel shows it).
@pytest.mark.parametrize("serial, iso", [(1, "1900-01-01"), (59, "1900-02-28"), (61, "1900-03-01"),
                                         (45352, "2024-03-01"), (45352.75, "2024-03-01"),
                                         (2958465, "9999-12-31")])
def test_excel_serials(serial, iso):
    assert dates.parse_date(serial) == iso


@pytest.mark.parametrize("serial", [0, 60, -5, 2958466])
def test_excel_serials_out_of_range(serial):
    assert dates.parse_date(serial) is None


def test_day_arithmetic():
    assert dates.day_before("2024-03-01") == "2024-02-29"  # leap year
    assert dates.day_before("2023-03-01") == "2023-02-28"
    assert dates.day_before("2024-01-01") == "2023-12-31"
    assert dates.day_after("2024-12-31") == "2025-01-01"
    assert dates.day_before("2024年7月1日") == "2024-06-30"
    with pytest.raises(ValueError):
        dates.day_before("not a date")
    assert dates.today() == dt.date.today().isoformat()
    assert dates.to_date("2024/7/1") == dt.date(2024, 7, 1)


def test_excel_serial_days_around_the_phantom_leap_day():


    # Excel counts 1900-02-29, which never was: serial 59 is 1900-02-28, 61 is 1900-03-01
    assert [dates.excel_serial_date(s) for s in (1, 59, 60, 61, 45352, 2958465, 2958466, 0, "x", None)] == [
        "1900-01-01", "1900-02-28", None, "1900-03-01", "2024-03-01", "9999-12-31", None, None, None, None]
    assert dates.excel_serial_date(45352.75) == "2024-03-01"


def test_day_after_names_what_is_not_a_date():


    assert dates.day_after("2024-02-28") == "2024-02-29" and dates.day_after("2024-12-31") == "2025-01-01"
    with pytest.raises(ValueError, match="^'someday' is not a date$"):
        dates.day_after("someday")

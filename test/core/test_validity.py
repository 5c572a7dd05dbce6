"""core.validity: one rule for "current on date D", in Python and as QGIS expression text."""

from __future__ import annotations

import datetime as dt

import pytest

from hezhang_plugin.core import validity

ROW = {"valid_from": "2024-03-01", "valid_to": "2024-06-30"}


@pytest.mark.parametrize("day, current", [("2024-02-29", False), ("2024-03-01", True), ("2024-05-15", True),
                                          ("2024-06-30", True), ("2024-07-01", False)])
def test_inclusive_bounds(day, current):
    assert validity.is_current(ROW, day) is current


def test_open_bounds_and_date_objects():
    assert validity.is_current({"valid_from": None, "valid_to": None}, "1900-01-01")
    assert validity.is_current({"valid_from": "2024-03-01", "valid_to": ""}, "2099-01-01")
    assert validity.is_current({"valid_from": dt.date(2024, 3, 1)}, dt.date(2024, 3, 1))
    assert not validity.is_current({"valid_from": "2024/3/2"}, "2024-03-01")
    with pytest.raises(ValueError, match="'yesterday' is not a date"):
        validity.is_current(ROW, "yesterday")


def test_retiring_writes_the_day_before_the_successor():
    """Re-segmentation on 2024-07-01: the old segment holds through 2024-06-30 and the new one
    from 2024-07-01; on every day exactly one of them is current."""
    old = {"valid_from": "2020-01-01", "valid_to": validity.end_date("2020-01-01", "2024-07-01")}
    new = {"valid_from": "2024-07-01", "valid_to": None}
    assert old["valid_to"] == "2024-06-30"
    for day in ("2024-06-29", "2024-06-30", "2024-07-01", "2024-07-02"):
        assert [validity.is_current(r, day) for r in (old, new)].count(True) == 1, day
    # a row superseded on its own first day held on no day (its record is kept)
    same_day = {"valid_from": "2024-07-01", "valid_to": validity.end_date("2024-07-01", "2024-07-01")}
    assert same_day["valid_to"] == "2024-06-30"
    assert not any(validity.is_current(same_day, d) for d in ("2024-06-30", "2024-07-01", "2024-07-02"))
    assert validity.end_date(None, "2024-07-01") == "2024-06-30"


def test_current_rows_and_open_on():
    rows = [ROW, {"valid_from": "2024-07-01"}, {}]
    assert validity.current_rows(rows, "2024-06-30") == [ROW, {}]
    assert validity.open_on(ROW, "2024-06-30") and not validity.open_on(ROW, "2024-07-01")


def test_expression_text():
    assert validity.expression() == (
        '(("valid_from" IS NULL OR "valid_from" <= to_date(now())) AND '
        '("valid_to" IS NULL OR "valid_to" >= to_date(now())))')
    assert validity.expression(validity.date_literal("2024/7/1")) == (
        '(("valid_from" IS NULL OR "valid_from" <= to_date(\'2024-07-01\')) AND '
        '("valid_to" IS NULL OR "valid_to" >= to_date(\'2024-07-01\')))')


def test_date_literal_names_what_is_not_a_date():
    from hezhang_plugin.core import validity

    assert validity.date_literal("2024/7/1") == "to_date('2024-07-01')"
    with pytest.raises(ValueError, match="^'July' is not a date$"):
        validity.date_literal("July")


def test_sqlite_condition_in_sqlite_itself():
    """The SQLite form of the rule, evaluated by SQLite (Python's sqlite3) over rows as a
    GeoPackage stores them: ISO text, empty text for an empty date, a date-time for its day.
    Expected: current on 2024-06-30 are the rows whose written bounds hold that day."""
    import contextlib
    import sqlite3

    with contextlib.closing(sqlite3.connect(":memory:")) as con:
        con.execute("CREATE TABLE a (id INTEGER, valid_from TEXT, valid_to TEXT)")
        rows = [(1, "2024-03-01", "2024-06-30"),   # last day: current
                (2, "2024-07-01", None),           # starts the next day: not current
                (3, None, None),                   # open both ways: current
                (4, "", ""),                       # empty text is empty: current
                (5, "2024-06-30T08:00:00", ""),    # a date-time counts as its day: current
                (6, "2020-01-01", "2024-06-29"),   # ended the day before: not current
                (7, "2024-06-30", "2024-06-30")]   # one day: current
        con.executemany("INSERT INTO a VALUES (?, ?, ?)", rows)
        sql = f"SELECT id FROM a WHERE {validity.sqlite_condition()} ORDER BY id"  # noqa: S608  # nosec B608
        assert [r[0] for r in con.execute(sql, {"day": "2024-06-30"})] == [1, 3, 4, 5, 7]
        assert [r[0] for r in con.execute(sql, {"day": "2024-07-01"})] == [2, 3, 4, 5]
        # qualified by an alias of a join
        sql = (f"SELECT t.id FROM a AS t WHERE {validity.sqlite_condition(':d', 't')} "  # noqa: S608  # nosec B608
               "ORDER BY t.id")
        assert [r[0] for r in con.execute(sql, {"d": "2024-06-29"})] == [1, 3, 4, 6]
        # in a join of two tables with these columns the alias says whose dates count
        con.execute("CREATE TABLE b (id INTEGER, valid_from TEXT, valid_to TEXT)")
        con.execute("INSERT INTO b VALUES (1, '2030-01-01', NULL)")
        sql = (f"SELECT t.id FROM a AS t JOIN b ON b.id = t.id WHERE {validity.sqlite_condition(':d', 't')}")  # noqa: S608  # nosec B608
        assert [r[0] for r in con.execute(sql, {"d": "2024-06-29"})] == [1]


def test_current_rows_default_to_today():
    """No date: today's rows (one open since 2000, one ended in 2001, one starting in 2999)."""
    rows = [{"valid_from": "2000-01-01", "valid_to": None}, {"valid_from": None, "valid_to": "2001-01-01"},
            {"valid_from": "2999-01-01"}, {"valid_from": "2000-01-01", "valid_to": None}]
    assert validity.current_rows(rows) == [rows[0], rows[3]]


@pytest.mark.parametrize("day", ["2024-02-30", "2023-02-29", "2024-13-01", "2024-04-31"])
def test_an_impossible_date_asked_about_is_refused(day):
    """The date asked about is checked in full (the fast path for ISO-shaped text once let
    2024-02-30 through, which dates.parse_date refuses)."""
    row = {"valid_from": "2024-01-01", "valid_to": None}
    with pytest.raises(ValueError, match="not a date"):
        validity.is_current(row, day)
    with pytest.raises(ValueError, match="not a date"):
        validity.current_rows([row], day)
    with pytest.raises(ValueError, match="not a date"):
        validity.open_on(row, day)
    with pytest.raises(ValueError, match="not a date"):
        validity.date_literal(day)
    assert validity.is_current(row, "2024-02-29")  # a leap day is a date

"""Who may edit what in a shared workspace (core.scope) and the URIs naming workspace files
(core.uris), without QGIS. Expected prefixes follow the GB/T 2260 code layout written out
(province 2, city 2, county 2, township 3, village 3 digits)."""

from __future__ import annotations

import pytest

from hezhang_plugin.core import scope, uris


def test_roles_weakest_first_with_their_names_levels_and_database_roles():
    assert [(r.key, r.en, r.zh, r.levels, r.edits) for r in scope.ROLES] == [
        ("viewer", "Viewer", "查看者", None, False),
        ("village_editor", "Village editor", "村级编辑", ("village",), True),
        ("town_editor", "Town editor", "镇级编辑", ("town",), True),
        ("district_manager", "District manager", "区级管理员", ("district", "city", "province"), True),
        ("admin", "Administrator", "系统管理员", None, True),
    ]
    assert scope.db_role("town_editor") == "hezhang_town_editor"
    assert scope.db_role("viewer") == "hezhang_viewer"
    with pytest.raises(KeyError):
        scope.db_role("superuser")


@pytest.mark.parametrize("code, level, prefix", [
    ("410000000000", "province", "41"),
    ("411100000000", "city", "4111"),
    ("411171000000", "district", "411171"),
    ("411171101000", "town", "411171101"),
    ("411171101001", "village", "411171101001"),
    ("410000000001", "village", "410000000001"),  # a village code with zeros in the middle
    ("410000001000", "town", "410000001"),
    ("410100000000", "city", "4101"),
])
def test_region_level_and_scope_prefix(code, level, prefix):
    assert scope.region_level(code) == level
    assert scope.scope_prefix(code) == prefix


@pytest.mark.parametrize("code", ["41117110100", "4111711010011", "41117110100a", "", None])
def test_malformed_codes_have_no_level_and_no_scope(code):
    assert scope.region_level(code) is None
    with pytest.raises(ValueError) as err:
        scope.scope_prefix(code)
    assert str(err.value) == f"unit code {code!r} is not a 12-digit statistical division code"


def test_in_scope_by_prefix():
    assert scope.in_scope("411171101001", "411171101")
    assert scope.in_scope("411171101000", "411171101")
    assert not scope.in_scope("411171102001", "411171101")
    assert not scope.in_scope("", "")  # a row without a unit is nobody's
    assert not scope.in_scope(None, "4111")
    assert scope.in_scope(411171101001, "411171")  # a code read as a number


@pytest.mark.parametrize("role, code, why", [
    ("viewer", None, None),
    ("viewer", "", None),
    ("admin", "411171000000", None),
    ("viewer", "4111", "unit code '4111' is not a 12-digit statistical division code"),
    ("village_editor", "411171101001", None),
    ("town_editor", "411171101000", None),
    ("district_manager", "411171000000", None),
    ("district_manager", "411100000000", None),
    ("district_manager", "410000000000", None),
    ("owner", "411171000000", "role 'owner' is not one of viewer, village_editor, town_editor, district_manager, admin"),
    ("town_editor", "", "a town editor needs a unit code (the area they edit)"),
    ("village_editor", None, "a village editor needs a unit code (the area they edit)"),
    ("town_editor", "41117110100", "unit code '41117110100' is not a 12-digit statistical division code"),
    ("town_editor", "411171101001", "a town editor is scoped to a town code; 411171101001 is a village code"),
    ("village_editor", "411171000000", "a village editor is scoped to a village code; 411171000000 is a district code"),
    ("district_manager", "411171101000",
     "a district manager is scoped to a district or city or province code; 411171101000 is a town code"),
])
def test_check_assignment_says_why_a_role_and_scope_do_not_go_together(role, code, why):
    got = scope.check_assignment(role, code)
    assert (None if got is None else str(got)) == why


WEIRD = "甲#1 乙%20(副本)"


def test_project_uri_escapes_what_a_url_would_cut_and_reads_back():
    path = f"/data/{WEIRD}/河长 ?#.gpkg"
    uri = uris.project_uri(path, "hezhang")
    assert uri == ("geopackage:/data/%E7%94%B2%231%20%E4%B9%99%2520(%E5%89%AF%E6%9C%AC)/"
                   "%E6%B2%B3%E9%95%BF%20%3F%23.gpkg?projectName=hezhang")
    assert uris.project_path(uri) == path
    assert uris.project_name(uri) == "hezhang"
    # characters QUrl leaves alone stay as they are
    assert uris.project_uri("/a/b:c@d!$&'()*+,;=~-._e.gpkg", "p q") == \
        "geopackage:/a/b:c@d!$&'()*+,;=~-._e.gpkg?projectName=p+q"
    assert uris.project_name(uris.project_uri("/a.gpkg", "工程 1&2")) == "工程 1&2"


def test_project_uri_parts_of_other_and_older_uris():
    assert uris.project_path("geopackage:/old/ws.gpkg?projectName=hezhang") == "/old/ws.gpkg"
    assert uris.project_path("geopackage:/old/ws.gpkg") == "/old/ws.gpkg"
    assert uris.project_path("/old/ws.qgz") == ""
    assert uris.project_path("postgresql:?service=x") == ""
    assert uris.project_name("geopackage:/old/ws.gpkg") == ""
    assert uris.project_name("geopackage:/old/ws.gpkg?other=1") == ""
    assert uris.project_name("/old/ws.qgz?projectName=x") == ""


def test_sqlite_uri_is_absolute_and_escaped_with_its_parameters(tmp_path, monkeypatch):
    assert uris.sqlite_uri(f"/data/{WEIRD}/a b.gpkg") == \
        "file:///data/%E7%94%B2%231%20%E4%B9%99%2520%28%E5%89%AF%E6%9C%AC%29/a%20b.gpkg"
    assert uris.sqlite_uri("/d/w.gpkg", mode="ro") == "file:///d/w.gpkg?mode=ro"
    assert uris.sqlite_uri("/d/w.gpkg", mode="ro", cache="private") == "file:///d/w.gpkg?mode=ro&cache=private"
    monkeypatch.chdir(tmp_path)
    assert uris.sqlite_uri("w.gpkg") == (tmp_path / "w.gpkg").as_uri()

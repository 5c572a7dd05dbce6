"""Ellipsoidal lengths (core.geodesy) against pyproj.Geod on GRS80 (= CGCS2000), and where the
PROJ database is looked for when a virtualenv hides the system's."""

from __future__ import annotations

import os

import numpy as np
import pytest
import shapely
import shapely.ops
from pyproj import Geod, Transformer
from shapely.geometry import LineString, MultiLineString, Point

from hezhang_plugin.core import geodesy

GEOD = Geod(ellps="GRS80")


def test_lengths_of_flat_coordinate_arrays():
    lon = [113.0, 113.1, 113.1, 114.0, 114.0, 114.0, 114.5]
    lat = [34.0, 34.0, 34.1, 30.0, 31.0, 35.0, 35.0]
    # lines: 3 vertices, 2 vertices, 1 vertex (length 0), 1 vertex
    offsets = [0, 3, 5, 6, 7]
    got = geodesy.geodesic_lengths_m(lon, lat, offsets)
    want = [GEOD.line_length(lon[0:3], lat[0:3]), GEOD.line_length(lon[3:5], lat[3:5]), 0.0, 0.0]
    assert list(got) == pytest.approx(want, rel=1e-12)
    assert len(geodesy.geodesic_lengths_m([], [], [0])) == 0
    assert list(geodesy.geodesic_lengths_m([113.0], [34.0], [0, 1])) == [0.0]
    assert list(geodesy.geodesic_lengths_m([113.0, 113.1], [34.0, 34.0], [0, 1, 2])) == [0.0, 0.0]


def test_geometry_lengths_in_km():
    a = LineString([(113.0, 34.0), (113.1, 34.0)])
    b = MultiLineString([[(113.0, 34.0), (113.0, 34.1)], [(114.0, 34.0), (114.0, 34.2), (114.1, 34.2)]])
    km = geodesy.geometry_lengths_km([a, b, LineString(), Point(1, 1)])
    assert km[0] == pytest.approx(GEOD.geometry_length(a) / 1000, rel=1e-12)
    assert km[1] == pytest.approx(GEOD.geometry_length(b) / 1000, rel=1e-12)
    assert list(km[2:]) == [0.0, 0.0]
    assert len(geodesy.geometry_lengths_km([])) == 0
    assert list(geodesy.geometry_lengths_km([LineString()])) == [0.0]


def test_geometry_lengths_from_a_projected_crs():
    gk = "EPSG:4547"
    t = Transformer.from_crs(gk, "EPSG:4490", always_xy=True)
    line = LineString([(500000.0, 3760000.0), (503000.0, 3764000.0)])
    lonlat = shapely.ops.transform(t.transform, line)
    assert geodesy.geometry_lengths_km([line], gk)[0] == pytest.approx(GEOD.geometry_length(lonlat) / 1000, rel=1e-9)
    assert geodesy.geometry_lengths_km([line], gk)[0] == pytest.approx(5.0, rel=1e-3)
    tr = geodesy.transformer_to_lonlat(gk)
    assert tr.transform(500000.0, 0.0) == pytest.approx((114.0, 0.0))


def _proj_db(folder):
    os.makedirs(folder, exist_ok=True)
    open(os.path.join(folder, "proj.db"), "w").close()
    return str(folder)


@pytest.fixture
def no_proj_data(monkeypatch):
    """pyproj finds no data folder of its own; what the module gives it is recorded."""
    import pyproj

    calls = []

    def missing():
        raise pyproj.exceptions.DataDirError("no proj.db")

    monkeypatch.setattr(geodesy, "_proj_data", None)
    monkeypatch.setattr(pyproj.datadir, "get_data_dir", missing)
    monkeypatch.setattr(pyproj.datadir, "set_data_dir", calls.append)
    return calls


def test_the_first_candidate_holding_proj_db_is_given_to_pyproj(no_proj_data, monkeypatch, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    qgis_own = _proj_db(tmp_path / "qgis" / "proj")
    monkeypatch.setattr(geodesy.sys, "base_prefix", str(tmp_path / "venv"))
    assert geodesy.configure_proj_data(["", str(empty), qgis_own]) == qgis_own
    assert no_proj_data == [qgis_own] and geodesy.proj_data_dir() == qgis_own
    assert geodesy.configure_proj_data(["/elsewhere"]) == qgis_own  # resolved once
    assert no_proj_data == [qgis_own]


def test_the_base_prefix_then_the_system_folder(no_proj_data, monkeypatch, tmp_path):
    prefix = tmp_path / "base"
    found = _proj_db(prefix / "share" / "proj")
    monkeypatch.setattr(geodesy.sys, "base_prefix", str(prefix))
    geodesy.ensure_proj_data()
    assert no_proj_data == [found]
    monkeypatch.setattr(geodesy, "_proj_data", None)
    monkeypatch.setattr(geodesy.sys, "base_prefix", str(tmp_path / "nowhere"))
    real = os.path.exists
    monkeypatch.setattr(geodesy.os.path, "exists", lambda p: p == "/usr/share/proj/proj.db" or real(p))
    assert geodesy.configure_proj_data() == "/usr/share/proj" and no_proj_data[-1] == "/usr/share/proj"


def test_nothing_found_or_nothing_needed(no_proj_data, monkeypatch, tmp_path):
    import pyproj

    monkeypatch.setattr(geodesy.sys, "base_prefix", str(tmp_path / "nowhere"))
    monkeypatch.setattr(geodesy.os.path, "exists", lambda p: False)
    assert geodesy.configure_proj_data() == "" and no_proj_data == []
    monkeypatch.setattr(geodesy, "_proj_data", None)
    monkeypatch.setattr(pyproj.datadir, "get_data_dir", lambda: "/its/own")
    assert geodesy.configure_proj_data(["/x"]) == "" and geodesy.proj_data_dir() == ""
    assert no_proj_data == []


def test_the_geodesic_is_cgcs2000s():
    g = geodesy._geod()
    assert (g.a, round(1 / g.f, 9)) == (6378137.0, 298.257222101)
    assert np.isclose(g.inv(113.0, 34.0, 113.0, 35.0)[2], GEOD.inv(113.0, 34.0, 113.0, 35.0)[2], rtol=1e-12)

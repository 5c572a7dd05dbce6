"""core.crs: CRS facts from pyproj, the Gauss–Krüger zones and coordinate sanity."""

from __future__ import annotations

import pyproj
import pytest

from hezhang_plugin.core import crs


@pytest.mark.parametrize("name, geographic", [("EPSG:4490", True), ("epsg:4326", True), (4490, True),
                                              ("EPSG:4547", False), ("EPSG:32650", False),
                                              ("EPSG:3857", False), ("EPSG:4610", True)])
def test_geographic_or_not(name, geographic):
    assert crs.is_geographic(name) is geographic


def test_tolerances_in_layer_units():
    # A UTM layer's 5 m tolerance stays 5 m (one old version turned it into 5/111320 degrees).
    assert crs.metres_to_units("EPSG:32650", 5.0) == pytest.approx(5.0)
    assert crs.metres_to_units("EPSG:4547", 5.0) == pytest.approx(5.0)
    assert crs.metres_to_units("EPSG:4490", 111320.0) == pytest.approx(1.0)
    assert crs.metres_to_units("EPSG:2227", 0.3048006096) == pytest.approx(1.0)  # US survey feet


@pytest.mark.parametrize("epsg", range(4534, 4555))
def test_gk_zones_agree_with_the_epsg_definitions(epsg):
    """Each zone's central meridian, as pyproj reads the EPSG definition."""
    params = {p.name: p.value for p in pyproj.CRS.from_epsg(epsg).coordinate_operation.params}
    cm = params["Longitude of natural origin"]
    zone = crs.gk_zone(f"EPSG:{epsg}")
    assert zone.central_meridian == cm and not zone.prefixed and zone.epsg == epsg
    assert crs.gk_zone_crs(cm + 1.4) == f"EPSG:{epsg}"
    assert crs.gk_zone_crs(cm - 1.4) == f"EPSG:{epsg}"
    assert crs.is_gk3(f"EPSG:{epsg}")


def test_prefixed_zones_and_others():
    params = {p.name: p.value for p in pyproj.CRS.from_epsg(4526).coordinate_operation.params}
    z = crs.gk_zone("EPSG:4526")
    assert z.prefixed and z.central_meridian == params["Longitude of natural origin"] == 114
    assert not crs.is_gk3("EPSG:4526")
    assert crs.gk_zone("EPSG:4490") is None and crs.gk_zone("EPSG:32650") is None
    assert crs.gk_zone_crs(60.0) == "EPSG:4534" and crs.gk_zone_crs(140.0) == "EPSG:4554"  # clamped


def test_coordinates_that_cannot_be_degrees():
    crs.check_coordinates("EPSG:4490", (113.5, 33.9, 113.6, 34.0))
    crs.check_coordinates("EPSG:4547", (500000, 3760000, 502000, 3761000))
    with pytest.raises(crs.CrsError) as exc:
        crs.check_coordinates("EPSG:4326", (500000, 3760000, 502000, 3761000), "RIVERS")
    assert "cannot be degrees" in str(exc.value) and "RIVERS" in str(exc.value)
    assert "不可能是经纬度" in exc.value.text("zh")
    with pytest.raises(crs.CrsError) as exc:
        crs.check_coordinates("", (0, 0, 1, 1), "RIVERS")
    assert str(exc.value) == "RIVERS has no CRS; set it first"
    with pytest.raises(crs.CrsError):
        crs.check_coordinates("EPSG:999999", (0, 0, 1, 1), "RIVERS")


def test_same_crs_and_authid():
    assert crs.same_crs("EPSG:4490", "epsg:4490")
    assert not crs.same_crs("EPSG:4490", "EPSG:4326")
    assert crs.authid(pyproj.CRS.from_epsg(4547).to_wkt()) == "EPSG:4547"
    assert crs.is_cgcs2000_lonlat("EPSG:4490") and not crs.is_cgcs2000_lonlat("EPSG:4547")


def test_coordinate_refusals_in_full():
    with pytest.raises(crs.CrsError) as exc:
        crs.check_coordinates("EPSG:4326", (-500000, -3760000, 2000, 30))
    assert str(exc.value) == ("layer is in EPSG:4326, a geographic CRS, but its coordinates reach x -500000, "
                              "y -3760000: outside ±180/±90 they cannot be degrees; set the layer's real CRS")
    with pytest.raises(crs.CrsError) as exc:
        crs.check_coordinates("EPSG:4490", (100, 30, 181, 40), "UNITS")
    assert str(exc.value).startswith("UNITS is in EPSG:4490, a geographic CRS, but its coordinates reach x 181, y 40:")
    with pytest.raises(crs.CrsError) as exc:
        crs.check_coordinates("EPSG:4490", (100, 30, 120, 90.5), "UNITS")
    assert "reach x 120, y 90:" in str(exc.value)  # 90.5 printed to the unit
    crs.check_coordinates("EPSG:4490", (-180, -90, 180, 90), "UNITS")  # the very edges are degrees
    crs.check_coordinates("EPSG:4490", (float("nan"), 0, 1, 1))
    crs.check_coordinates("EPSG:4490", None)
    crs.check_coordinates("EPSG:4490", (0, 0, 1))
    with pytest.raises(crs.CrsError) as exc:
        crs.check_coordinates("nonsense", (0, 0, 1, 1), "RIVERS")
    assert str(exc.value) == "RIVERS: 'nonsense' is not a coordinate reference system"
    with pytest.raises(crs.CrsError) as exc:
        crs.check_coordinates(None, (0, 0, 1, 1))
    assert str(exc.value) == "layer has no CRS; set it first"
    with pytest.raises(crs.CrsError) as exc:
        crs.check_coordinates("  ", (0, 0, 1, 1))
    assert str(exc.value) == "layer has no CRS; set it first"

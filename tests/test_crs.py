import numpy as np
import pytest
from shapely.geometry import LineString, Point

from layers import crs

# Published pairs: wandergis/coordtransform (lon, lat) and googollee/eviltransform test vectors.
KNOWN_PAIRS = [
    # (wgs lon, wgs lat, gcj lon, gcj lat)
    (116.404, 39.915, 116.41024449916938, 39.91640428150164),
    (121.5272106, 31.1774276, 121.531541859215, 31.17530398364597),
    (113.912316, 22.543847, 113.9171764808363, 22.540796131694766),
    (116.377817, 39.911954, 116.38404722455657, 39.91334545536069),
]


@pytest.mark.parametrize("wlon,wlat,glon,glat", KNOWN_PAIRS)
def test_forward_matches_published_pairs(wlon, wlat, glon, glat):
    lon, lat = crs.wgs84_to_gcj02(wlon, wlat)
    assert crs.distance_m(lon, lat, glon, glat) < 0.05


@pytest.mark.parametrize("wlon,wlat,glon,glat", KNOWN_PAIRS)
def test_inverse_recovers_wgs84(wlon, wlat, glon, glat):
    lon, lat = crs.gcj02_to_wgs84(glon, glat)
    assert crs.distance_m(lon, lat, wlon, wlat) < 0.05


def test_round_trip_below_half_a_metre_everywhere_in_china():
    lon, lat = np.meshgrid(np.linspace(73.7, 134.8, 60), np.linspace(18.2, 53.4, 40))
    glon, glat = crs.wgs84_to_gcj02(lon.ravel(), lat.ravel())
    back_lon, back_lat = crs.gcj02_to_wgs84(glon, glat)
    worst = max(crs.distance_m(a, b, c, d) for a, b, c, d in zip(lon.ravel(), lat.ravel(), back_lon, back_lat))
    assert worst < 0.5


def test_offset_around_zhuzhou_is_500_to_700_m():
    # 株洲站 area: the GCJ-02 shift here is well known to be roughly 0.5–0.7 km.
    lon, lat = crs.wgs84_to_gcj02(113.1497, 27.8311)
    assert 500 < crs.distance_m(113.1497, 27.8311, lon, lat) < 700


def test_outside_china_is_unchanged():
    assert crs.wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)


def test_geometry_conversion_moves_every_vertex_and_back():
    line = LineString([(113.1, 27.8), (113.5, 27.6), (113.8, 26.5)])
    there = crs.geometry_wgs84_to_gcj02(line)
    back = crs.geometry_gcj02_to_wgs84(there)
    for (a, b), (c, d) in zip(line.coords, there.coords):
        assert 400 < crs.distance_m(a, b, c, d) < 800
    for (a, b), (c, d) in zip(line.coords, back.coords):
        assert crs.distance_m(a, b, c, d) < 0.5
    assert isinstance(crs.geometry_wgs84_to_gcj02(Point(113.1, 27.8)), Point)

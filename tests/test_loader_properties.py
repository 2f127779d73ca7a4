"""Property tests: whatever a file holds, the loader returns a usable layer or its own VectorDataError.

Never another exception (a traceback on the page), and never a frame the map
cannot draw.
"""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layers.io import formats, uploads
from layers.io.validation import VectorDataError

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NAMES = st.sampled_from(["f.geojson", "f.json", "f.gpkg", "f.kml", "f.zip", "f.GeoJSON", "f", "f.shp"])


def check_usable(name: str, data: bytes, gcj02: bool = False) -> None:
    try:
        up = uploads.load_upload(name, data, gcj02=gcj02)
    except VectorDataError as exc:
        assert exc.problems and all(p.message for p in exc.problems)
        return
    gdf = up.gdf
    assert len(gdf) > 0 and gdf.crs.to_epsg() == 4326
    geoms = gdf.geometry.values
    assert not shapely.is_missing(geoms).any() and not shapely.is_empty(geoms).any()
    assert shapely.is_valid(geoms).all()
    coords = shapely.get_coordinates(geoms)
    assert np.isfinite(coords).all() and (np.abs(coords[:, 0]) <= 180).all() and (np.abs(coords[:, 1]) <= 90).all()
    for record in gdf.drop(columns=gdf.geometry.name).to_dict("records"):  # what the map and table get
        for value in record.values():
            assert value is None or isinstance(value, (str, bool, int, float)), type(value)
    specs = uploads.layer_specs(up)
    assert sum(len(part) for _, part in specs) == len(gdf)
    json.dumps(json.loads(gdf.to_json()))  # what the map embeds serialises


@SETTINGS
@given(name=NAMES, data=st.binary(max_size=2048))
def test_any_bytes(name, data):
    check_usable(name, data)


@SETTINGS
@given(data=st.binary(max_size=1024))
def test_any_bytes_behind_a_valid_signature(data):
    check_usable("f.gpkg", formats.SQLITE_MAGIC + bytes(52) + b"GPKG" + bytes(28) + data)  # SQLite header with the GPKG id
    check_usable("f.kml", b'<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2">' + data)


@SETTINGS
@given(files=st.dictionaries(st.sampled_from(["a.shp", "a.shx", "a.dbf", "a.prj", "a.cpg", "b/a.SHP", "x.txt"]), st.binary(max_size=512), max_size=5))
def test_any_zip_of_shapefile_parts(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    check_usable("f.zip", buffer.getvalue())


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=25,
)
NUMBER = st.floats(allow_nan=True, allow_infinity=True) | st.integers(-10**20, 10**20) | st.floats(-200, 200)
POSITION = st.lists(NUMBER, min_size=0, max_size=4)
COORDINATES = st.recursive(POSITION, lambda inner: st.lists(inner, max_size=6), max_leaves=40)
GEOMETRY = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection", "Circle"])
        | JSONISH,
        "coordinates": COORDINATES | JSONISH,
    }
)
FEATURE = st.fixed_dictionaries(
    {"type": st.just("Feature") | JSONISH, "properties": st.dictionaries(st.text(max_size=8), JSONISH, max_size=4) | JSONISH, "geometry": GEOMETRY | st.none() | JSONISH}
)
CRS = st.sampled_from(["EPSG:4326", "EPSG:4547", "EPSG:32649", "EPSG:3857", "urn:ogc:def:crs:OGC:1.3:CRS84", "nonsense"])
DOCUMENT = (
    st.fixed_dictionaries({"type": st.just("FeatureCollection"), "features": st.lists(FEATURE, max_size=5)})
    | st.fixed_dictionaries(
        {"type": st.just("FeatureCollection"), "crs": st.builds(lambda n: {"type": "name", "properties": {"name": n}}, CRS) | JSONISH, "features": st.lists(FEATURE, max_size=4)}
    )
    | FEATURE
    | GEOMETRY
    | JSONISH
)


def encode(doc) -> bytes:
    return json.dumps(doc, allow_nan=True).encode()


@SETTINGS
@given(doc=DOCUMENT, gcj02=st.booleans())
def test_any_json_structure(doc, gcj02):
    check_usable("f.geojson", encode(doc), gcj02)


SANE_POSITION = st.tuples(st.floats(112, 115, allow_nan=False), st.floats(26, 29, allow_nan=False))
PLAUSIBLE_GEOMETRY = st.one_of(
    st.builds(lambda p: {"type": "Point", "coordinates": list(p)}, SANE_POSITION),
    st.builds(lambda ps: {"type": "LineString", "coordinates": [list(p) for p in ps]}, st.lists(SANE_POSITION, min_size=1, max_size=5)),
    st.builds(
        lambda ps: {"type": "Polygon", "coordinates": [[list(p) for p in ps] + [list(ps[0])]]},
        st.lists(SANE_POSITION, min_size=2, max_size=6),
    ),
)


@SETTINGS
@given(
    features=st.lists(
        st.fixed_dictionaries({"type": st.just("Feature"), "properties": st.dictionaries(st.text(max_size=8), JSONISH, max_size=5), "geometry": PLAUSIBLE_GEOMETRY}),
        min_size=1,
        max_size=6,
    ),
    gcj02=st.booleans(),
)
def test_plausible_files_with_any_attributes(features, gcj02):
    """Mostly loadable files: any property names and values, degenerate lines and rings."""
    check_usable("f.geojson", encode({"type": "FeatureCollection", "features": features}), gcj02)


@SETTINGS
@given(rings=st.lists(st.lists(SANE_POSITION, min_size=3, max_size=8), min_size=1, max_size=4), close=st.booleans())
def test_any_polygon_is_repaired_or_refused(rings, close):
    """Random rings: self-intersecting, collapsed, holes outside shells."""
    coords = [[list(p) for p in ring] + ([list(ring[0])] if close else []) for ring in rings]
    doc = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "x"}, "geometry": {"type": "Polygon", "coordinates": coords}}]}
    check_usable("f.geojson", encode(doc))


def test_the_check_itself_rejects_unusable_frames(monkeypatch):
    """The property can fail: an invalid, projected frame does not pass it."""
    import geopandas as gpd
    import pytest

    bowtie = shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1), (0, 0)])
    bad = uploads.Upload("f.geojson", gpd.GeoDataFrame({"v": [1]}, geometry=[bowtie], crs="EPSG:4326"), (), "")
    monkeypatch.setattr(uploads, "load_upload", lambda *a, **k: bad)
    with pytest.raises(AssertionError):
        check_usable("f.geojson", b"{}")
    projected = gpd.GeoDataFrame({"v": [1]}, geometry=[shapely.Point(713000, 3081000)], crs="EPSG:4326")
    monkeypatch.setattr(uploads, "load_upload", lambda *a, **k: uploads.Upload("f", projected, (), ""))
    with pytest.raises(AssertionError):
        check_usable("f.geojson", b"{}")

"""Every plan point lies inside the county it names; all plan layers are complete."""

import geopandas as gpd
import pytest

from layers.catalog import load_catalog
from layers.reader import load_layer

CATALOG = load_catalog()
POINT_LAYERS = [s for s in CATALOG if s.geometry == "Point"]
COUNTIES = load_layer(CATALOG.get("admin_counties")).set_index("name").geometry


@pytest.mark.parametrize("spec", POINT_LAYERS, ids=[s.id for s in POINT_LAYERS])
def test_every_point_lies_inside_its_county(spec):
    gdf = load_layer(spec)
    for _, row in gdf.iterrows():
        county = row["county"]
        assert county in COUNTIES.index, f"{spec.id}/{row['name']}: unknown county {county!r}"
        assert COUNTIES[county].covers(row.geometry), f"{spec.id}/{row['name']} is not inside {county}"


@pytest.mark.parametrize("spec", POINT_LAYERS, ids=[s.id for s in POINT_LAYERS])
def test_no_two_points_of_a_layer_share_a_position_by_accident(spec):
    gdf = load_layer(spec)
    dupes = gdf[gdf.geometry.apply(lambda g: (round(g.x, 4), round(g.y, 4))).duplicated(keep=False)]
    # Several plan items may share one host (e.g. two featured towns in 白关); names must then differ.
    assert dupes["name"].is_unique

"""The map each page shows: which catalog layers, in drawing order, and which start visible.

Declared once here so pages, search, record links, the benchmark and the
browser tests agree — including which page is a layer's home (:func:`home_view`).
Layers are drawn in list order: areas first, then lines, then points.
"""

from __future__ import annotations

from dataclasses import dataclass

from layers.io.catalog import Catalog, load_catalog
from layers.web.permalink import MapState


@dataclass(frozen=True)
class View:
    """One page's map: its layers in drawing order, which start visible, fixed filters, optional layers."""

    layers: tuple[str, ...]
    visible: frozenset[str]
    # Per layer, property values a feature must have to be drawn on this page.
    where: tuple[tuple[str, str, str], ...] = ()
    # Layers sent only when a link asks for them (``layers=`` or a selection): they
    # have their own page, and every layer sent costs the first visit load time.
    on_request: frozenset[str] = frozenset()
    # Layers this page is about: search results and record links for their features open here.
    home: frozenset[str] = frozenset()

    def layer_ids(self, state: MapState, catalog: Catalog | None = None) -> list[str]:
        """The layers to send for this URL state: the view's own, plus optional ones the link asks for.

        Any catalog layer the link asks for (``layers=``) is drawn on any page: it joins
        after the page's layers of its kind (areas, lines, points), so it never hides them.
        """
        requested = set(state.layers or ())
        if state.selected:
            requested |= self.on_request
        ids = [layer for layer in self.layers if layer not in self.on_request or layer in requested]
        catalog = catalog or load_catalog()
        rank = {spec.id: GEOMETRY_RANK.get(spec.geometry, 1) for spec in catalog.layers}
        for layer in catalog.ids():
            if layer in requested and layer not in self.layers:
                after = [i for i, own in enumerate(ids) if rank.get(own, 1) <= rank[layer]]
                ids.insert(after[-1] + 1 if after else 0, layer)
        return ids


# Drawing order of a geometry family: areas under lines under points.
GEOMETRY_RANK = {"Polygon": 0, "MultiPolygon": 0, "LineString": 1, "MultiLineString": 1, "Point": 2, "MultiPoint": 2}


VIEWS: dict[str, View] = {
    "overview": View(
        (
            "neighbour_cities", "admin_counties", "planning_zones", "protection_pattern", "spatial_structure",
            "rail_network", "expressway_network", "industrial_parks", "town_hierarchy", "projects",
        ),
        frozenset({"neighbour_cities", "admin_counties", "spatial_structure", "rail_network", "expressway_network", "town_hierarchy"}),
        # Records drawn elsewhere (a railway, a park …) are not repeated here.
        where=(("projects", "linked_layer", ""),),
        on_request=frozenset({"planning_zones", "protection_pattern", "projects"}),
    ),
    "structure": View(
        ("neighbour_cities", "admin_counties", "planning_zones", "protection_pattern", "spatial_structure"),
        frozenset({"neighbour_cities", "admin_counties", "protection_pattern", "spatial_structure"}),
        home=frozenset({"spatial_structure", "planning_zones", "protection_pattern"}),
    ),
    "transport": View(
        ("neighbour_cities", "admin_counties", "trunk_roads", "expressway_network", "rail_network", "transport_hubs"),
        frozenset({"neighbour_cities", "admin_counties", "expressway_network", "rail_network", "transport_hubs"}),
        home=frozenset({"trunk_roads", "expressway_network", "rail_network", "transport_hubs"}),
    ),
    "parks_towns": View(
        ("neighbour_cities", "admin_counties", "town_hierarchy", "featured_towns", "industrial_parks"),
        frozenset({"neighbour_cities", "admin_counties", "town_hierarchy", "featured_towns", "industrial_parks"}),
        home=frozenset({"town_hierarchy", "featured_towns", "industrial_parks"}),
    ),
    "plan": View(
        (
            "neighbour_cities", "admin_counties", "planning_zones", "protection_pattern", "spatial_structure",
            "trunk_roads", "rail_network", "expressway_network", "transport_hubs",
            "industrial_parks", "featured_towns", "town_hierarchy", "projects",
        ),
        frozenset({"neighbour_cities", "admin_counties", "spatial_structure", "rail_network", "expressway_network", "industrial_parks"}),
        where=(("projects", "linked_layer", ""),),
        on_request=frozenset({"planning_zones", "protection_pattern", "trunk_roads", "transport_hubs", "featured_towns", "projects"}),
    ),
    "upload": View(
        ("neighbour_cities", "admin_counties", "spatial_structure", "planning_zones", "rail_network", "expressway_network", "town_hierarchy"),
        frozenset({"neighbour_cities", "admin_counties", "spatial_structure"}),
    ),
}


DEFAULT_VIEW = "overview"


def home_view(layer_id: str | None) -> str:
    """The page whose map is about ``layer_id`` (the overview for context layers and records)."""
    return next((view_id for view_id, view in VIEWS.items() if layer_id in view.home), DEFAULT_VIEW)

"""Load catalog layers for the app, one layer's failure never touching another.

A missing or corrupt file in ``geodata/`` yields a :class:`LayerLoad` with no
data and the reasons; pages show the reasons and draw everything else.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd

from layers.io.catalog import Catalog, LayerSpec, load_catalog
from layers.io.reader import load_layer
from layers.io.validation import VectorDataError, summarise


@dataclass(frozen=True)
class LayerLoad:
    """A catalog layer as loaded: its data, or ``None`` and the reasons it could not be used."""
    spec: LayerSpec
    gdf: gpd.GeoDataFrame | None
    problems: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.gdf is not None


def load(spec: LayerSpec) -> LayerLoad:
    """Read one catalog layer; a broken file gives a :class:`LayerLoad` with reasons, never an exception."""
    try:
        return LayerLoad(spec, load_layer(spec))
    except VectorDataError as exc:
        return LayerLoad(spec, None, tuple(summarise(exc.problems, limit=5)))


def load_many(layer_ids: list[str], catalog: Catalog | None = None) -> list[LayerLoad]:
    """Several catalog layers, each loaded on its own (one broken file never touches another)."""
    catalog = catalog or load_catalog()
    return [load(catalog.get(layer_id)) for layer_id in layer_ids]


def file_stamp(spec: LayerSpec) -> float:
    """Modification time used as a cache key (0 when the file is missing)."""
    try:
        return spec.path.stat().st_mtime
    except OSError:
        return 0.0

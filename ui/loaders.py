"""Catalog layers for pages, cached and shared across sessions (read-only), broken ones reported.

A layer's file modification time is part of every cache key, so an edited file shows up
without a restart; one broken layer disables only itself.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from layers.io import store
from layers.io.catalog import LayerSpec, load_catalog
from layers.web.display import DisplayLayer, prepare


@st.cache_resource(show_spinner=False, max_entries=64)  # shared, read-only: callers never mutate it
def _load_cached(layer_id: str, stamp: float) -> store.LayerLoad:
    return store.load(load_catalog().get(layer_id))


def layer_load(layer_id: str) -> store.LayerLoad:
    """One catalog layer, cached; the file's mtime is part of the key so edits show up."""
    return _load_cached(layer_id, store.file_stamp(load_catalog().get(layer_id)))


def load_layers(layer_ids: list[str]) -> list[store.LayerLoad]:
    """Several catalog layers, each cached on its own."""
    return [layer_load(layer_id) for layer_id in layer_ids]


def report_broken(loads: list[store.LayerLoad]) -> None:
    """A warning per broken layer, naming it and its problems; the other layers are drawn as usual."""
    for load in loads:
        if not load.ok:
            st.warning(
                f"图层「{load.spec.title}」（{load.spec.file}）已停用，其他图层不受影响：\n\n"
                + "\n".join(f"- {p}" for p in load.problems)
            )


@st.cache_resource(show_spinner=False, max_entries=128)  # shared, read-only: no copy per rerun
def display_layer(layer_id: str, stamp: float, datum: str) -> DisplayLayer | None:
    """A layer's display-ready data for a basemap datum, cached across sessions (None if broken)."""
    load = layer_load(layer_id)
    return prepare(load.spec, load.gdf, datum) if load.ok else None


def full_feature(properties: dict[str, Any] | None) -> tuple[LayerSpec, dict[str, Any]] | None:
    """The clicked feature's complete record, from the full-resolution layer.

    The browser only gets the properties its popups need; ``_layer`` and
    ``_row`` lead back to everything else.
    """
    if not properties or "_layer" not in properties:
        return None
    try:
        load = layer_load(str(properties["_layer"]))
        row = load.gdf.iloc[int(properties["_row"])] if load.ok else None
    except (KeyError, ValueError, IndexError, TypeError):
        return None
    if row is None:
        return None
    return load.spec, {k: v for k, v in row.items() if k != "geometry"}

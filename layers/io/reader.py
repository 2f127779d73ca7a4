"""Read vector files into WGS-84 GeoDataFrames, refusing bad input with clear reasons.

GeoJSON is parsed strictly by :mod:`layers.io.geojson`; the other formats staff
use (GeoPackage, KML, zipped Shapefile) go through :mod:`layers.io.uploads`,
which guards GDAL (formats by content, zip limits, budgets, encodings, CRS) for
the app and this CLI alike.  A
file that fails raises :class:`~layers.io.validation.VectorDataError` listing
every problem; callers never see a traceback.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd

from layers.io import uploads
from layers.io.catalog import LayerSpec
from layers.io.geojson import read_bytes
from layers.io.validation import (
    Problem,
    VectorDataError,
    check_geometries,
    check_in_extent,
    check_properties,
)
from layers.region import PLAN_EXTENT


def read_vector(path: Path, file: str | None = None) -> gpd.GeoDataFrame:
    """Read any supported vector file (GeoJSON, GeoPackage, KML, zipped Shapefile) into WGS-84.

    The same reader backs uploads in the app, so the CLI sees exactly what a user would.
    """
    path = Path(path)
    file = file or str(path)
    return uploads.read(path.name, read_bytes(path, file), file)


def validate_frame(
    gdf: gpd.GeoDataFrame,
    file: str,
    expected_geometry: str | tuple[str, ...] | None = None,
    required: tuple[str, ...] = (),
    extent: tuple[float, float, float, float] | None = None,
) -> list[Problem]:
    """Every problem of a loaded frame: emptiness, geometries, ranges, properties."""
    if len(gdf) == 0:
        return [Problem(file, "没有任何要素（空的 FeatureCollection）")]
    problems = check_geometries(gdf.geometry, file, expected_geometry)
    if extent is not None and not problems:
        problems += check_in_extent(gdf.geometry, file, extent)
    if required:
        problems += check_properties(gdf.drop(columns="geometry").to_dict("records"), required, file)
    return problems


def load_vector(path: Path, expected_geometry: str | None = None, required: tuple[str, ...] = ()) -> gpd.GeoDataFrame:
    """Read and validate a file; raise :class:`VectorDataError` with every problem."""
    gdf = read_vector(path)
    problems = validate_frame(gdf, str(path), expected_geometry, required)
    if problems:
        raise VectorDataError(problems)
    return gdf


def load_layer(spec: LayerSpec) -> gpd.GeoDataFrame:
    """Read a catalog layer and check it against its declaration (type, properties, extent)."""
    label = f"geodata/{spec.file}"
    gdf = read_vector(spec.path, label)
    problems = validate_frame(gdf, label, spec.allowed_geometries, spec.required_properties, PLAN_EXTENT)
    if problems:
        raise VectorDataError(problems)
    return gdf

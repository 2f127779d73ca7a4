"""The declarative layer catalog: every layer is declared once, in ``catalog.toml``.

Pages, the map builder, the exporter and the CLI all read layer facts from here
(title, group, file, geometry type, style, popup fields, legend, provenance,
default visibility), in the spirit of xyzservices' provider registry and
pygeoapi's ``resources:`` config.  The file is validated when it is loaded: a
missing key, an unknown key or an unknown value raises :class:`CatalogError`
naming the layer and the key, so a typo never reaches a map.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from layers.paths import GEODATA

CATALOG_FILE = Path(__file__).resolve().parents[1] / "catalog.toml"
GEOMETRY_TYPES = ("Point", "LineString", "Polygon")
PROVENANCE_KEYS = ("source", "license", "method", "accuracy", "date")
# Properties every feature of every layer must carry (the data rules of the project).
FEATURE_PROVENANCE = ("name", "source", "method", "accuracy", "plan_ref")
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class CatalogError(ValueError):
    """The catalog file is malformed; the message names the layer and key."""


@dataclass(frozen=True)
class Style:
    """Symbol of a feature, shared by the web map and the print renderer."""

    color: str = "#3388ff"
    weight: float = 2.0
    opacity: float = 1.0
    fill_color: str | None = None
    fill_opacity: float = 0.0
    dash: str | None = None
    radius: float = 5.0

    def leaflet(self) -> dict[str, Any]:
        """Leaflet path options for this symbol."""
        options: dict[str, Any] = {
            "color": self.color,
            "weight": self.weight,
            "opacity": self.opacity,
            "fillColor": self.fill_color or self.color,
            "fillOpacity": self.fill_opacity,
            "radius": self.radius,
        }
        if self.dash:
            options["dashArray"] = self.dash
        return options


@dataclass(frozen=True)
class Category:
    """One value of a styled property: its legend label and the style keys it changes."""
    value: str
    label: str
    overrides: tuple[tuple[str, Any], ...]  # style keys this value changes
    geometry: str | None = None  # legend swatch shape in layers mixing lines and areas


@dataclass(frozen=True)
class Categories:
    """Style by the value of one property (e.g. ``zone``, ``orientation`` or ``status``).

    A layer may have several: each changes only the style keys it names, so
    e.g. orientation sets the colour and status the dash pattern.
    """

    field: str
    items: tuple[Category, ...]

    def overrides_for(self, value: Any) -> dict[str, Any]:
        """The style keys ``value`` changes (none for a value the catalog does not list)."""
        for item in self.items:
            if item.value == str(value):
                return dict(item.overrides)
        return {}


@dataclass(frozen=True)
class Provenance:
    """Where a layer comes from and how exact it is, as shown on the data page and on sheets."""
    source: str
    license: str
    method: str
    accuracy: str
    date: str
    schematic: bool
    description: str = ""


@dataclass(frozen=True)
class LayerSpec:
    """Everything the app knows about one layer, validated from ``catalog.toml``: file, geometry,
    style, popups, legend, provenance, default visibility, display simplification.
    """
    id: str
    title: str
    group: str
    file: str
    geometry: str
    visible: bool
    style: Style
    legend: str
    provenance: Provenance
    tooltip: tuple[str, ...]
    popup: tuple[str, ...]
    required: tuple[str, ...] = ()
    label: str | None = None
    categories: tuple[Categories, ...] = ()
    record_field: str | None = None
    search_fields: tuple[str, ...] = field(default=("name",))
    geometries: tuple[str, ...] = ()  # every geometry family allowed (default: ``geometry`` only)
    simplify_m: float = 0.0  # display-only simplification tolerance; files stay full resolution
    label_muted: bool = False  # grey context labels (e.g. neighbouring cities)
    filter_fields: tuple[str, ...] = ()  # extra properties sent to the browser so views can filter on them

    @property
    def allowed_geometries(self) -> tuple[str, ...]:
        return self.geometries or (self.geometry,)

    @property
    def path(self) -> Path:
        return GEODATA / self.file

    def style_for(self, properties: dict[str, Any]) -> Style:
        """The symbol of one feature: the layer's style with each matching category's overrides."""
        style = self.style
        for categories in self.categories:
            overrides = categories.overrides_for(properties.get(categories.field))
            if overrides:
                style = replace(style, **overrides)
        return style

    @property
    def required_properties(self) -> tuple[str, ...]:
        """What every feature must carry, non-blank: provenance, declared fields, styling and link fields.

        Tooltip and popup fields may be blank (an empty ``note`` is simply not shown).
        """
        names = [*FEATURE_PROVENANCE, *self.required]
        if self.geometry == "Point":
            names.append("county")
        names.extend(c.field for c in self.categories)
        if self.record_field:
            names.append(self.record_field)
        return tuple(dict.fromkeys(names))


@dataclass(frozen=True)
class Catalog:
    """Every layer in declaration order, the layer groups, and the Chinese labels of property names."""

    groups: tuple[str, ...]
    field_labels: dict[str, str]
    layers: tuple[LayerSpec, ...]

    def __iter__(self):
        return iter(self.layers)

    def __len__(self) -> int:
        return len(self.layers)

    def get(self, layer_id: str) -> LayerSpec:
        """The layer with this id; ``KeyError`` (in Chinese) for an unknown id."""
        for spec in self.layers:
            if spec.id == layer_id:
                return spec
        raise KeyError(f"目录中没有图层 {layer_id!r}")

    def ids(self) -> list[str]:
        """Every layer id, in catalog (drawing) order."""
        return [spec.id for spec in self.layers]

    def label(self, field_name: str) -> str:
        """The Chinese label of a property name (the name itself when none is declared)."""
        return self.field_labels.get(field_name, field_name)

    def vocabulary(self, field_name: str, layer_ids: list[str] | None = None) -> list[str]:
        """The values a property takes by declaration (its style categories), in catalog order.

        Filters offer exactly these (e.g. 建设状态: 已建、在建、规划、未说明), so a
        vocabulary is declared once, in ``catalog.toml``.
        """
        values: dict[str, None] = {}
        for spec in self.layers:
            if layer_ids is None or spec.id in layer_ids:
                for categories in spec.categories:
                    if categories.field == field_name:
                        values.update(dict.fromkeys(item.value for item in categories.items))
        return list(values)


_LAYER_KEYS = {
    "id": str, "title": str, "group": str, "file": str, "geometry": (str, list), "visible": bool,
    "legend": str, "tooltip": list, "popup": list, "style": dict, "provenance": dict,
}
_OPTIONAL_LAYER_KEYS = {
    "required": list, "label": str, "categories": (dict, list), "record_field": str, "search_fields": list,
    "simplify_m": (int, float), "label_muted": bool, "filter_fields": list,
}
# Display simplification by geometry when a layer does not set ``simplify_m``.
DEFAULT_SIMPLIFY_M = {"Point": 0.0, "LineString": 30.0, "Polygon": 60.0}
_STYLE_KEYS = {
    "color": str, "weight": (int, float), "opacity": (int, float), "fill_color": str,
    "fill_opacity": (int, float), "dash": str, "radius": (int, float),
}


def _where(layer: dict, key: str) -> str:
    return f"图层 {layer.get('id', '?')!r} 的 {key}"


def _check_keys(table: dict, required: dict, optional: dict, where: str) -> None:
    for key in required:
        if key not in table:
            raise CatalogError(f"{where}: 缺少键 {key!r}")
    for key, value in table.items():
        expected = required.get(key) or optional.get(key)
        if expected is None:
            raise CatalogError(f"{where}: 未知的键 {key!r}")
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise CatalogError(f"{where}: 键 {key!r} 的类型应为 {expected}, 实为 {type(value).__name__}")


def _parse_style_keys(table: dict, where: str) -> dict[str, Any]:
    _check_keys(table, {}, _STYLE_KEYS, where)
    for key in ("color", "fill_color"):
        if key in table and not _HEX.match(table[key]):
            raise CatalogError(f"{where}: {key} 应为 #rrggbb 颜色, 实为 {table[key]!r}")
    for key in ("opacity", "fill_opacity"):
        if key in table and not 0 <= table[key] <= 1:
            raise CatalogError(f"{where}: {key} 应在 0–1 之间")
    keys = dict(table)
    if keys.get("dash") == "":
        keys["dash"] = None  # explicit solid line
    return keys


def _parse_style(table: dict, where: str) -> Style:
    return replace(Style(), **_parse_style_keys(table, where))


def _parse_categories(table: dict, where: str) -> Categories:
    _check_keys(table, {"field": str, "values": list}, {}, where)
    items = []
    for i, entry in enumerate(table["values"]):
        entry_where = f"{where}.values[{i}]"
        _check_keys(entry, {"value": str}, {"label": str, "style": dict, "geometry": str}, entry_where)
        if entry.get("geometry", "Point") not in GEOMETRY_TYPES:
            raise CatalogError(f"{entry_where}: 未知几何类型 {entry['geometry']!r}")
        overrides = _parse_style_keys(entry.get("style", {}), entry_where + ".style")
        items.append(
            Category(entry["value"], entry.get("label", entry["value"]), tuple(overrides.items()), entry.get("geometry"))
        )
    if not items:
        raise CatalogError(f"{where}: values 不能为空")
    return Categories(table["field"], tuple(items))


def _parse_provenance(table: dict, where: str) -> Provenance:
    _check_keys(
        table,
        {key: str for key in PROVENANCE_KEYS} | {"schematic": bool},
        {"description": str},
        where,
    )
    for key in PROVENANCE_KEYS:
        if not table[key].strip():
            raise CatalogError(f"{where}: {key} 不能为空")
    if not _DATE.match(table["date"]):
        raise CatalogError(f"{where}: date 应为 YYYY-MM-DD, 实为 {table['date']!r}")
    return Provenance(**table)


def _parse_layer(table: dict, groups: tuple[str, ...]) -> LayerSpec:
    where = _where(table, "定义")
    _check_keys(table, _LAYER_KEYS, _OPTIONAL_LAYER_KEYS, where)
    if not _ID.match(table["id"]):
        raise CatalogError(f"{where}: id 只能用小写字母、数字和下划线")
    if table["group"] not in groups:
        raise CatalogError(f"{_where(table, 'group')}: 未知分组 {table['group']!r}（可选: {', '.join(groups)}）")
    geometries = table["geometry"] if isinstance(table["geometry"], list) else [table["geometry"]]
    for geometry in geometries:
        if geometry not in GEOMETRY_TYPES:
            raise CatalogError(f"{_where(table, 'geometry')}: 未知几何类型 {geometry!r}（可选: {', '.join(GEOMETRY_TYPES)}）")
    if not table["file"].endswith(".geojson") or ".." in Path(table["file"]).parts:
        raise CatalogError(f"{_where(table, 'file')}: 应为 geodata/ 下的 .geojson 文件")
    style = _parse_style(table["style"], _where(table, "style"))
    raw_categories = table.get("categories", [])
    if isinstance(raw_categories, dict):
        raw_categories = [raw_categories]
    categories = tuple(
        _parse_categories(c, _where(table, f"categories[{i}]")) for i, c in enumerate(raw_categories)
    )
    for key in ("tooltip", "popup", "required", "search_fields", "filter_fields"):
        if not all(isinstance(v, str) for v in table.get(key, [])):
            raise CatalogError(f"{_where(table, key)}: 应为字段名列表")
    return LayerSpec(
        id=table["id"],
        title=table["title"],
        group=table["group"],
        file=table["file"],
        geometry=geometries[0],
        geometries=tuple(geometries),
        visible=table["visible"],
        style=style,
        legend=table["legend"],
        provenance=_parse_provenance(table["provenance"], _where(table, "provenance")),
        tooltip=tuple(table["tooltip"]),
        popup=tuple(table["popup"]),
        required=tuple(table.get("required", ())),
        label=table.get("label"),
        categories=categories,
        record_field=table.get("record_field"),
        search_fields=tuple(table.get("search_fields", ("name",))),
        simplify_m=float(table.get("simplify_m", DEFAULT_SIMPLIFY_M[geometries[0]])),
        label_muted=table.get("label_muted", False),
        filter_fields=tuple(table.get("filter_fields", ())),
    )


def parse_catalog(data: dict) -> Catalog:
    """Validate a parsed catalog document and build the :class:`Catalog`."""
    _check_keys(data, {"groups": list, "fields": dict, "layer": list}, {}, "目录")
    groups = tuple(data["groups"])
    layers = tuple(_parse_layer(table, groups) for table in data["layer"])
    seen: set[str] = set()
    for spec in layers:
        if spec.id in seen:
            raise CatalogError(f"图层 id {spec.id!r} 重复")
        seen.add(spec.id)
    return Catalog(groups=groups, field_labels=dict(data["fields"]), layers=layers)


def load_catalog_file(path: Path) -> Catalog:
    """Read and validate a catalog file; :class:`CatalogError` names the layer and key at fault."""
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"{path.name}: TOML 语法错误: {exc}") from None
    return parse_catalog(data)


@lru_cache(maxsize=1)
def load_catalog() -> Catalog:
    """The project's catalog (parsed and validated once per process)."""
    return load_catalog_file(CATALOG_FILE)

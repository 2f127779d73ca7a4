"""Browser files the maps load, all served by the app itself: no CDN, no npm, no extra step.

Leaflet arrives with ``pip install -r requirements.txt``: the pinned wheel
``django-js-lib-leaflet`` (BSD-2-Clause, no dependencies) carries Leaflet
1.9.4's ``dist/`` files, byte for byte those of the npm package ``leaflet@1.9.4``.
Only the files listed in :data:`LEAFLET_FILES` are taken, each checked against
its recorded sha256, so a changed wheel fails loudly instead of serving
something else.  :func:`serve` (called once at start-up by ``app.py``) copies
them into ``static/vendor/leaflet/`` (git-ignored), which Streamlit serves at
``<base>/app/static/`` — the live maps load them from there.  The HTML export
inlines the same verified files (:func:`source`).

The project's own browser code (map behaviour, styles, the fullscreen control) lives as
real files in ``static/zzp/``, committed with the app and loaded the same way.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.resources
import os
import tempfile
from pathlib import Path

from layers.paths import STATIC
from layers.web.urls import static_url

LEAFLET_VERSION = "1.9.4"
DISTRIBUTION = "django-js-lib-leaflet"  # pinned in requirements.txt
_MODULE, _FOLDER = "js_lib_leaflet", "static/js_lib_leaflet"
VENDOR = "vendor/leaflet"  # under static/

# Files taken from the wheel (path inside its static folder → sha256).  Leaflet's
# CSS refers to images/ next to it; LICENSE comes from the wheel's metadata.
LEAFLET_FILES: dict[str, str] = {
    "leaflet.js": "db49d009c841f5ca34a888c96511ae936fd9f5533e90d8b2c4d57596f4e5641a",
    "leaflet.css": "a7837102824184820dfa198d1ebcd109ff6d0ff9a2672a074b9a1b4d147d04c6",
    "images/layers.png": "1dbbe9d028e292f36fcba8f8b3a28d5e8932754fc2215b9ac69e4cdecf5107c6",
    "images/layers-2x.png": "066daca850d8ffbef007af00b06eac0015728dee279c51f3cb6c716df7c42edf",
    "images/marker-icon.png": "574c3a5cca85f4114085b6841596d62f00d7c892c7b03f28cbfa301deb1dc437",
    "images/marker-icon-2x.png": "00179c4c1ee830d3a108412ae0d294f55776cfeb085c60129a39aa6fc4ae2528",
    "images/marker-shadow.png": "264f5c640339f042dd729062cfc04c17f8ea0f29882b538e3848ed8f10edb4da",
    "LICENSE": "596e1b738779bffa372268e9330a0fdd8528da1e3c833b15eee9cb37c6d55a95",
}

# What a map loads, as paths under static/ (= URL paths under <base>/app/static/), in load order.
LEAFLET_JS = f"{VENDOR}/leaflet.js"
LEAFLET_CSS = f"{VENDOR}/leaflet.css"
MAP_JS = "zzp/map.js"  # the maps' own behaviour: text-only tooltips, legend, permalink sync
MAP_CSS = "zzp/map.css"
FULLSCREEN_JS = "zzp/fullscreen.js"
FULLSCREEN_CSS = "zzp/fullscreen.css"
SHEET_CSS = "zzp/sheet.css"  # the HTML export's title card
MAP_SCRIPTS = (("leaflet", LEAFLET_JS), ("zzp_map", MAP_JS))
MAP_STYLES = (("leaflet_css", LEAFLET_CSS), ("zzp_map_css", MAP_CSS))
MAP_FILES = (LEAFLET_JS, LEAFLET_CSS, MAP_JS, MAP_CSS, FULLSCREEN_JS, FULLSCREEN_CSS)


class AssetError(RuntimeError):
    """Leaflet's files are missing from the installed packages or differ from the pinned ones."""


def url(rel: str, base: str = "") -> str:
    """Where the browser loads ``rel`` (a path under ``static/``) when the app runs under ``base``."""
    return static_url(base, rel)


def _wheel_file(name: str) -> Path | None:
    try:
        if name == "LICENSE":  # the licence sits in the wheel's metadata, not in its static folder
            files = importlib.metadata.distribution(DISTRIBUTION).files or []
            found = next((f.locate() for f in files if f.name == name and f.parent.name.endswith(".dist-info")), None)
            return Path(found) if found else None
        return Path(str(importlib.resources.files(_MODULE).joinpath(_FOLDER, name)))
    except (ModuleNotFoundError, importlib.metadata.PackageNotFoundError) as exc:
        raise AssetError(f"未安装 {DISTRIBUTION}（地图所需的 Leaflet）：请运行 pip install -r requirements.txt") from exc


_verified: dict[str, Path] = {}


def _verified_wheel_file(name: str) -> Path:
    if name not in _verified:
        path = _wheel_file(name)
        if path is None or not path.is_file():
            raise AssetError(f"{DISTRIBUTION} 缺少 {name}：请运行 pip install -r requirements.txt")
        if hashlib.sha256(path.read_bytes()).hexdigest() != LEAFLET_FILES[name]:
            raise AssetError(f"{DISTRIBUTION} 的 {name} 与锁定的 Leaflet {LEAFLET_VERSION} 不符（sha256），已拒绝使用")
        _verified[name] = path
    return _verified[name]


def source(rel: str) -> Path:
    """The verified file behind ``rel`` (a path under ``static/``): Leaflet's from the wheel, ours from ``static/``."""
    if rel.startswith(VENDOR + "/"):
        return _verified_wheel_file(rel.removeprefix(VENDOR + "/"))
    path = STATIC / rel
    if not path.is_file():
        raise AssetError(f"缺少地图脚本 static/{rel}")
    return path


def _write_if_changed(target: Path, data: bytes) -> bool:
    if target.is_file() and target.read_bytes() == data:
        return False
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # Written beside the target and renamed: a browser (or a second session) never sees half a file.
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except OSError as exc:
        raise AssetError(f"无法写入地图文件 {target}：{exc.strerror or exc}") from exc
    return True


def serve(static: Path = STATIC) -> list[Path]:
    """Verify Leaflet's files and copy the missing or different ones into ``static/vendor/leaflet/``.

    Returns the files written (none when everything was already in place).
    """
    return [
        static / VENDOR / name
        for name in LEAFLET_FILES
        if _write_if_changed(static / VENDOR / name, _verified_wheel_file(name).read_bytes())
    ]


_served = False


def serve_once() -> None:
    """:func:`serve`, once per process (``app.py`` runs on every rerun)."""
    global _served
    if not _served:
        serve()
        _served = True

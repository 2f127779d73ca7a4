"""Browser assets the maps load: pinned versions, CDN addresses and local copies.

Maps use Leaflet (and Leaflet.fullscreen for the clean screenshot mode).  By
default they come from jsDelivr; when ``python -m layers assets`` has fetched
the pinned npm packages into ``static/vendor/``, the maps use those copies
instead, so the viewer works on an intranet with no internet.
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from layers.paths import STATIC

VENDOR = STATIC / "vendor"
# Streamlit serves ``static/`` at ``/app/static/`` when server.enableStaticServing is on.
STATIC_URL = "/app/static/vendor"


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    integrity: str  # npm's dist.integrity of the tarball
    keep: tuple[str, ...]  # files and folders taken from the package


PACKAGES: dict[str, Package] = {
    p.name: p
    for p in (
        Package(
            "leaflet",
            "1.9.3",
            "sha512-iB2cR9vAkDOu5l3HAay2obcUHZ7xwUBBjph8+PGtmW/2lYhbLizWtG7nTeYht36WfOslixQF9D/uSIzhZgGMfQ==",
            ("dist/leaflet.js", "dist/leaflet.css", "dist/images", "LICENSE"),
        ),
        Package(
            "leaflet.fullscreen",
            "3.0.0",
            "sha512-81wWSUXz1ZtdneR0v5eJDWXUSx+Zo5J50WXWeydG/UcILfIEAgz/iOjZSi3p00Z9MJ/FC/P5i3CgdYuEAos0yQ==",
            ("Control.FullScreen.js", "Control.FullScreen.css", "icon-fullscreen.svg", "LICENSE"),
        ),
    )
}


@dataclass(frozen=True)
class Asset:
    name: str
    package: str
    path: str  # inside the npm package
    cdn_path: str = ""  # path on the CDN when it differs (jsDelivr minifies on the fly)

    @property
    def version(self) -> str:
        return PACKAGES[self.package].version

    @property
    def cdn_url(self) -> str:
        return f"https://cdn.jsdelivr.net/npm/{self.package}@{self.version}/{self.cdn_path or self.path}"

    @property
    def local_path(self):
        return VENDOR / self.package / self.path

    @property
    def local_url(self) -> str:
        return f"{STATIC_URL}/{self.package}/{self.path}"


ASSETS: dict[str, Asset] = {
    a.name: a
    for a in (
        Asset("leaflet.js", "leaflet", "dist/leaflet.js"),
        Asset("leaflet.css", "leaflet", "dist/leaflet.css"),
        Asset("fullscreen.js", "leaflet.fullscreen", "Control.FullScreen.js", "Control.FullScreen.min.js"),
        Asset("fullscreen.css", "leaflet.fullscreen", "Control.FullScreen.css"),
    )
}


def url(name: str) -> str:
    """Local copy when present, else the pinned CDN address."""
    asset = ASSETS[name]
    return asset.local_url if asset.local_path.exists() else asset.cdn_url


class AssetFetchError(RuntimeError):
    """npm failed, or a tarball did not match its pinned integrity."""


def _verify(tarball: Path, package: Package) -> None:
    algorithm, _, expected = package.integrity.partition("-")
    digest = base64.b64encode(hashlib.new(algorithm, tarball.read_bytes()).digest()).decode()
    if digest != expected:
        raise AssetFetchError(f"{package.name}@{package.version}: 完整性校验失败（{algorithm} 不符），已放弃")


def _safe_members(tar: tarfile.TarFile, package: Package) -> list[tarfile.TarInfo]:
    wanted = []
    for member in tar.getmembers():
        rel = member.name.removeprefix("package/")
        if not (member.isfile() or member.isdir()) or ".." in Path(rel).parts:
            continue
        if any(rel == keep or rel.startswith(keep + "/") for keep in package.keep):
            member.name = rel
            wanted.append(member)
    return wanted


def fetch_package(package: Package, dest: Path = VENDOR) -> Path:
    """``npm pack`` one pinned package, check its integrity, unpack the kept files."""
    npm = shutil.which("npm")
    if npm is None:
        raise AssetFetchError("未找到 npm：请先安装 Node.js（Debian: apt-get install -y npm）")
    with tempfile.TemporaryDirectory() as tmp:
        spec = f"{package.name}@{package.version}"
        result = subprocess.run([npm, "pack", spec, "--silent"], cwd=tmp, capture_output=True, text=True, timeout=300)
        if result.returncode != 0:
            raise AssetFetchError(f"npm pack {spec} 失败：{result.stderr.strip()[-400:]}")
        tarball = Path(tmp) / result.stdout.strip().splitlines()[-1]
        _verify(tarball, package)
        target = dest / package.name
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        with tarfile.open(tarball) as tar:
            tar.extractall(target, members=_safe_members(tar, package), filter="data")
    return target


def fetch_all(dest: Path = VENDOR) -> list[Path]:
    """Fetch every pinned package; the maps switch to the local copies automatically."""
    return [fetch_package(package, dest) for package in PACKAGES.values()]


def missing_local() -> list[str]:
    """Assets without a local copy (the maps then load them from the CDN)."""
    return [a.name for a in ASSETS.values() if not a.local_path.exists()]

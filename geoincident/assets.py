"""The JavaScript and CSS a map needs: CDN links online, inlined text offline.

Leaflet and its plugins come from npm packages pinned in the repository's
``package.json`` and installed by ``make assets`` (never copied into the
repository). Offline maps inline them, with every image their CSS refers to
turned into a ``data:`` URI, so the HTML file needs no network at all.

The packages are looked for in, in order: the directory named by the
environment variable ``GEOINCIDENT_ASSETS`` (a ``node_modules`` directory, or a
directory holding one), then ``node_modules`` beside the package's source tree
(an editable install or a checkout).

>>> [a.name for a in ASSETS]
['leaflet.js', 'leaflet.css', 'fullscreen.js', 'fullscreen.css']
>>> cdn_url(ASSETS[0])
'https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.js'
"""

from __future__ import annotations

import base64
import json
import logging
import mimetypes
import os
import re
from dataclasses import dataclass
from pathlib import Path

from geoincident.errors import OutputError

log = logging.getLogger(__name__)

#: Environment variable naming the directory that holds the npm packages.
ENV_VAR = "GEOINCIDENT_ASSETS"


@dataclass(frozen=True, slots=True)
class Asset:
    """One file of an npm package that a map loads."""

    name: str  # our name for it
    package: str  # npm package name
    version: str  # exact version, the same as in package.json
    path: str  # path inside the package
    kind: str  # "js" or "css"


#: Everything a map loads, in load order. Versions must equal package.json's pins (a test checks).
ASSETS: tuple[Asset, ...] = (
    Asset("leaflet.js", "leaflet", "1.9.4", "dist/leaflet.js", "js"),
    Asset("leaflet.css", "leaflet", "1.9.4", "dist/leaflet.css", "css"),
    Asset("fullscreen.js", "leaflet.fullscreen", "5.3.3", "dist/Control.FullScreen.umd.js", "js"),
    Asset("fullscreen.css", "leaflet.fullscreen", "5.3.3", "dist/Control.FullScreen.css", "css"),
)

_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
_CLOSE_SCRIPT = re.compile(r"</(script)", re.IGNORECASE)
_CLOSE_STYLE = re.compile(r"</(style)", re.IGNORECASE)


def install_hint() -> str:
    """How to install the assets, in one sentence naming the exact packages."""
    pins = " ".join(sorted({f"{a.package}@{a.version}" for a in ASSETS}))
    return (
        "offline maps inline Leaflet from npm packages: run `make assets` in the geoincident "
        f"checkout, or `npm install {pins}` in some directory and set {ENV_VAR} to its node_modules"
    )


def cdn_url(asset: Asset) -> str:
    """The jsDelivr URL of ``asset``, pinned to its exact version."""
    return f"https://cdn.jsdelivr.net/npm/{asset.package}@{asset.version}/{asset.path}"


def assets_root() -> Path:
    """The ``node_modules`` directory that holds the map's npm packages.

    Raises :class:`OutputError` saying how to install them when they are missing.
    """
    candidates: list[Path] = []
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        base = Path(env).expanduser()
        candidates += [base, base / "node_modules"]
    else:
        candidates.append(Path(__file__).resolve().parent.parent / "node_modules")
    for root in candidates:
        if all((root / a.package / a.path).is_file() for a in ASSETS):
            return root
    where = ", ".join(str(c) for c in candidates)
    raise OutputError(f"Leaflet assets not found (looked in {where}): {install_hint()}")


def _installed_version(root: Path, package: str) -> str:
    try:
        return str(json.loads((root / package / "package.json").read_text("utf-8")).get("version", ""))
    except (OSError, ValueError):
        return ""


def data_uri(path: Path) -> str:
    """``path`` as a base64 ``data:`` URI with its media type."""
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def inline_css_urls(css: str, *, base: Path) -> str:
    """Replace every relative ``url(...)`` of ``css`` by a ``data:`` URI of the file it names.

    ``data:`` and ``#fragment`` URLs stay as they are; a remote URL or a missing file
    raises :class:`OutputError`, since the offline map would be broken.
    """

    def repl(match: re.Match[str]) -> str:
        url = match.group(2).strip()
        if url.startswith(("data:", "#")):
            return match.group(0)
        if re.match(r"^[a-z][a-z0-9+.-]*:|^//", url, re.IGNORECASE):
            raise OutputError(f"{base}: CSS refers to a remote file {url!r}; it cannot be inlined")
        target = (base / url.split("?")[0].split("#")[0]).resolve()
        if not target.is_file():
            raise OutputError(f"{base}: CSS refers to {url!r}, which is missing: {install_hint()}")
        return f'url("{data_uri(target)}")'

    return _CSS_URL.sub(repl, css)


def script_tag(js: str) -> str:
    """An inline ``<script>`` whose text cannot close the element early.

    >>> script_tag('var s = "</script>";')
    '<script>var s = "<\\\\/script>";</script>'
    """
    return "<script>" + _CLOSE_SCRIPT.sub(r"<\\/\1", js) + "</script>"


def style_tag(css: str) -> str:
    """An inline ``<style>`` whose text cannot close the element early."""
    return "<style>" + _CLOSE_STYLE.sub(r"<\\/\1", css) + "</style>"


def read_asset(asset: Asset, *, root: Path | None = None) -> str:
    """The text of ``asset``; for CSS with its images inlined as ``data:`` URIs."""
    root = assets_root() if root is None else root
    path = root / asset.package / asset.path
    installed = _installed_version(root, asset.package)
    if installed and installed != asset.version:
        log.warning("%s %s is installed, the map was tested with %s", asset.package, installed, asset.version)
    text = path.read_text("utf-8")
    if asset.kind == "css":
        text = inline_css_urls(text, base=path.parent)
    return text


def header_html(*, offline: bool, root: Path | None = None) -> list[tuple[str, str]]:
    """``(name, html)`` for each asset: a CDN ``<link>``/``<script src>``, or inline text offline."""
    out: list[tuple[str, str]] = []
    if offline:
        root = assets_root() if root is None else root
    for asset in ASSETS:
        if offline:
            text = read_asset(asset, root=root)
            out.append((asset.name, script_tag(text) if asset.kind == "js" else style_tag(text)))
        elif asset.kind == "js":
            out.append((asset.name, f'<script src="{cdn_url(asset)}"></script>'))
        else:
            out.append((asset.name, f'<link rel="stylesheet" href="{cdn_url(asset)}"/>'))
    return out


def default_icon_script(*, root: Path | None = None) -> str:
    """JavaScript pointing Leaflet's default marker icon at inlined images (offline maps).

    Leaflet finds its marker images through a CSS path; inlined CSS has none, so a
    plain ``L.marker`` (which a user may add to our map) would load nothing.
    """
    root = assets_root() if root is None else root
    images = root / "leaflet" / "dist" / "images"
    urls = {
        "iconUrl": data_uri(images / "marker-icon.png"),
        "iconRetinaUrl": data_uri(images / "marker-icon-2x.png"),
        "shadowUrl": data_uri(images / "marker-shadow.png"),
    }
    return (
        "L.Icon.Default.imagePath = '';"
        f"L.Icon.Default.mergeOptions({json.dumps(urls)});"
    )

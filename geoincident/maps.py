"""Interactive incident maps: one folium map, one standalone HTML file that also works offline.

:func:`make_map` returns a :class:`folium.Map` (it displays inline in Jupyter);
:func:`save_map` writes it atomically. What the map shows:

* incident sites as circles whose **area** grows with the number killed
  (``radius = 3 px * sqrt(killed)``, 4 to 60 px; the scale lives in ``map_style.json``),
  coloured by event type; a site without a killed figure is a dashed ring;
* figures that cover a district or a province drawn as that shaded area, never as a pin;
* popups with title, dates, figures by group as low/best/high, sites, the quotes
  behind the figures with their outlets, and the flags where sources disagree;
* layers to switch: incidents, mentions by role, killed per district (choropleth);
  a legend, a scale bar, full screen, a time slider over incident dates;
* OpenStreetMap tiles online; an outline basemap from the gazetteer's boundaries
  (country, provinces, districts, district names, towns) that needs no network.

Everything is drawn by one small script (``maps.js``) from one JSON document
embedded in the page, with a canvas renderer: 10,000 incidents cost no more than
a few MB and no per-marker folium object. Text from articles reaches the page
only as JSON (with ``<``, ``>`` and ``&`` escaped) and, in the browser, through
``textContent``: a report containing ``</script>`` or ``{{ }}`` runs no script.

>>> m = make_map([], gazetteer=False)
>>> type(m).__name__
'Map'
"""

from __future__ import annotations

import html
import json
import logging
import math
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geoincident.errors import OutputError, UsageError
from geoincident.records import LAYER_GROUPS, LAYER_OUTCOMES, ArticleRecord, Incident

if TYPE_CHECKING:
    import folium

log = logging.getLogger(__name__)

_HERE = Path(__file__).resolve().parent
#: OpenStreetMap's standard tiles, offered when the map is not offline.
OSM_TILES = {
    "template": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    "attribution": '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
    "max_zoom": 19,
}
#: Attribution of the offline basemap's data.
BASEMAP_ATTRIBUTION = "Boundaries &copy; OpenStreetMap contributors (ODbL); places: GeoNames (CC BY 4.0)"
#: Most town dots drawn on the offline basemap (the most populous in view of the data).
MAX_TOWNS = 400
#: Towns labelled already at the zoom where district names appear.
MAJOR_TOWNS = 15
#: Most quotes kept per incident in its popup.
MAX_QUOTES = 12
_MARKER_ATTR = "_geoincident_offline"


@lru_cache(maxsize=1)
def map_style() -> dict[str, Any]:
    """Colours, labels and the circle scale, from ``map_style.json`` (edit it there)."""
    return json.loads((_HERE / "map_style.json").read_text("utf-8"))


def circle_radius(killed: float | None) -> float:
    """Radius in pixels of a site's circle: its **area** grows with the number killed.

    >>> circle_radius(100)
    30.0
    >>> circle_radius(25)   # a quarter of the deaths, a quarter of the area
    15.0
    >>> circle_radius(None)   # no figure: a fixed dashed ring
    6.0
    """
    scale = map_style()["scale"]
    if killed is None:
        return float(scale["no_figure_radius_px"])
    radius = scale["px_per_sqrt_killed"] * math.sqrt(max(float(killed), 0.0))
    return float(min(scale["max_radius_px"], max(scale["min_radius_px"], radius)))


#: ``(outcome, group, (low key, best key, high key))`` of the flat figure columns of a layer.
_FIGURE_KEYS = tuple(
    (outcome, group, tuple(f"{outcome}_{group}_{b}" for b in ("low", "best", "high")))
    for outcome in LAYER_OUTCOMES
    for group in LAYER_GROUPS
)
#: the keys :func:`killed_value` reads: total first, then each group; best, low, high.
_KILLED_KEYS = tuple(
    (group, tuple(f"killed_{group}_{b}" for b in ("best", "low", "high")))
    for group in ("total", *(g for g in LAYER_GROUPS if g != "total"))
)


def killed_value(props: Mapping[str, Any]) -> int | None:
    """The number a circle is sized by, from flat layer properties.

    The ``total`` figure when there is one, else the sum of the groups' figures;
    each figure as ``best``, else ``low`` (an "at least"), else ``high``.

    >>> killed_value({"killed_total_low": 145, "killed_total_best": None})
    145
    >>> killed_value({"killed_civilians_best": 5, "killed_militants_low": 3})
    8
    >>> killed_value({}) is None
    True
    """
    parts = None
    for group, keys in _KILLED_KEYS:
        for key in keys:
            value = props.get(key)
            if value is not None:
                if group == "total":
                    return int(value)
                parts = (parts or 0) + int(value)
                break
    return parts


def _figures(props: Mapping[str, Any]) -> list[list[Any]]:
    """``[outcome, group, low, best, high]`` for every figure of flat layer properties that has a value."""
    out = []
    get = props.get
    for outcome, group, (low, best, high) in _FIGURE_KEYS:
        values = (get(low), get(best), get(high))
        if values != (None, None, None):
            out.append([outcome, group, *values])
    return out


def _bbox(coords: Any, box: list[float]) -> None:
    """Grow ``box`` = [min_lon, min_lat, max_lon, max_lat] by nested GeoJSON coordinates."""
    if coords and isinstance(coords[0], (int, float)):
        lon, lat = coords[0], coords[1]
        box[0], box[1] = min(box[0], lon), min(box[1], lat)
        box[2], box[3] = max(box[2], lon), max(box[3], lat)
        return
    for part in coords:
        _bbox(part, box)


def _boundaries(gazetteer: Any) -> dict[str, list[dict]]:
    """Boundary features by level (country, province, district); empty without a gazetteer."""
    out: dict[str, list[dict]] = {"country": [], "province": [], "district": []}
    if gazetteer is None:
        return out
    from geoincident.errors import GeoincidentError

    for level in out:
        try:
            collection = gazetteer.boundaries(level)
        except (GeoincidentError, KeyError) as err:  # a gazetteer may lack a level (e.g. the country)
            log.debug("no %s boundaries: %s", level, err)
            continue
        out[level] = list(collection.get("features", ()))
    return out


def _default_gazetteer() -> Any:
    from geoincident.gazetteer import Gazetteer

    return Gazetteer.default()


def _polygon_index(boundaries: dict[str, list[dict]]) -> dict[tuple[str, str], dict]:
    """Boundary features by ``("id", place_id)`` and by ``(level, casefolded name)``."""
    index: dict[tuple[str, str], dict] = {}
    for level, features in boundaries.items():
        for feature in features:
            props = feature.get("properties") or {}
            if props.get("place_id"):
                index[("id", str(props["place_id"]))] = feature
            if props.get("name"):
                index.setdefault((level, str(props["name"]).casefold()), feature)
    return index


def _find_polygon(index: dict, *, place_id: str, name: str, precision: str) -> dict | None:
    feature = index.get(("id", place_id)) if place_id else None
    if feature is None and name and precision in ("district", "province", "country"):
        feature = index.get((precision, name.casefold()))
    return feature


def _add_to_area(areas: dict[int, dict], polygon: dict, item: dict[str, Any]) -> None:
    """Add an incident's entry to the feature of ``polygon``: each polygon is drawn once."""
    feature = areas.get(id(polygon))
    if feature is None:
        feature = areas[id(polygon)] = {
            "type": "Feature",
            "geometry": polygon["geometry"],
            "properties": {"name": item["name"], "precision": item["precision"], "items": []},
        }
    feature["properties"]["items"].append(item)


def _label_points(features: Sequence[dict]) -> list[dict]:
    """A name label inside each polygon (shapely's representative point, always inside)."""
    from shapely.geometry import shape

    labels = []
    for feature in features:
        name = (feature.get("properties") or {}).get("name")
        if not name:
            continue
        point = shape(feature["geometry"]).representative_point()
        labels.append({"name": str(name), "lat": round(point.y, 5), "lon": round(point.x, 5)})
    return labels


def _towns(gazetteer: Any, box: list[float] | None, land: Sequence[dict]) -> list[dict]:
    """The most populous towns of the gazetteer on ``land`` and inside ``box``.

    Towns beyond the boundaries (a neighbouring country drawn as blank sea) are left
    out; the :data:`MAJOR_TOWNS` most populous are labelled from the district zoom on.
    """
    import numpy as np
    import shapely
    from shapely.geometry import shape

    # the curated layer when the gazetteer has one: the worldwide layer is 235k places to skip
    places = gazetteer.curated_places() if hasattr(gazetteer, "curated_places") else gazetteer
    towns = []
    for place in places:
        if place.feature_type != "town":
            continue
        if box is not None and not (box[0] <= place.lon <= box[2] and box[1] <= place.lat <= box[3]):
            continue
        towns.append(place)
    if land and towns:
        area = shapely.union_all([shape(f["geometry"]) for f in land])
        shapely.prepare(area)
        inside = shapely.contains_xy(area, np.array([p.lon for p in towns]), np.array([p.lat for p in towns]))
        towns = [p for p, keep in zip(towns, inside) if keep]
    towns.sort(key=lambda p: (-(p.population or 0), p.name))
    return [
        {"name": p.name, "lat": round(p.lat, 5), "lon": round(p.lon, 5), "major": i < MAJOR_TOWNS}
        for i, p in enumerate(towns[:MAX_TOWNS])
    ]


def _incident_entry(incident: Incident, props: Mapping[str, Any]) -> dict[str, Any]:
    """What an incident's popup shows (its flat figures come from the incidents layer)."""
    outlets = {s.article_id: s.outlet or s.article_id for s in incident.sources}
    quotes: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    figures = [*incident.figures, *(f for s in incident.sites for f in s.figures)]
    for figure in figures:
        for claim in figure.claims:
            key = (claim.article_id, claim.sentence)
            if key in seen or len(quotes) >= MAX_QUOTES:
                continue
            seen.add(key)
            quotes.append(
                {
                    "quote": claim.sentence or claim.surface,
                    "outlet": outlets.get(claim.article_id, claim.article_id),
                    "claimant": claim.claimant,
                    "figure": [claim.outcome, claim.group, claim.low, claim.best, claim.high],
                }
            )
    entry: dict[str, Any] = {
        "id": incident.incident_id,
        "title": incident.title,
        "date_start": incident.date_start,
        "date_end": incident.date_end,
        "event_type": incident.event_type,
        "sub_event_type": incident.sub_event_type,
        "n_sources": incident.n_sources,
        "sources": [
            {"outlet": s.outlet, "title": s.title, "url": s.url, "published": s.published}
            for s in incident.sources
        ],
        "flags": list(incident.flags),
        "figures": _figures(props),
        "quotes": quotes,
        "sites": [s.site.name for s in incident.sites],
        "area": incident.area.name if incident.area is not None else "",
    }
    if incident.kind != "main":
        entry["kind"] = incident.kind
    return entry


def _aggregate_mentions(features: Iterable[dict]) -> list[dict]:
    """One point per place and role: the number of mentions and up to three sentences."""
    groups: dict[tuple, dict] = {}
    for feature in features:
        props = feature.get("properties") or {}
        geometry = feature.get("geometry") or {}
        if geometry.get("type") != "Point":
            continue
        role = str(props.get("role") or "other")
        coords = geometry["coordinates"]
        key = (props.get("place_id") or tuple(coords), role)
        group = groups.get(key)
        if group is None:
            group = groups[key] = {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": coords},
                "properties": {
                    "role": role,
                    "name": str(props.get("name") or props.get("surface") or ""),
                    "n": 0,
                    "examples": [],
                },
            }
        p = group["properties"]
        p["n"] += 1
        sentence = props.get("sentence") or props.get("surface")
        if sentence and len(p["examples"]) < 3 and sentence not in p["examples"]:
            p["examples"].append(str(sentence))
    return list(groups.values())


def map_data(
    incidents: Iterable[Incident],
    *,
    records: Iterable[ArticleRecord] = (),
    gazetteer: Any = None,
    title: str | None = None,
    offline: bool = False,
) -> dict[str, Any]:
    """The JSON document the map's script draws: incidents, sites, areas, mentions, basemap.

    Pure except for reading the gazetteer; ``gazetteer=False`` draws no basemap and no
    choropleth. Features come from :func:`geoincident.layers.layer_features`.
    """
    import gc

    enabled = gc.isenabled()
    gc.disable()  # hundreds of thousands of small dicts: collections would only rescan them
    try:
        return _map_data(incidents, records=records, gazetteer=gazetteer, title=title, offline=offline)
    finally:
        if enabled:
            gc.enable()


def _map_data(incidents, *, records, gazetteer, title, offline) -> dict[str, Any]:
    from geoincident.layers import IncidentCollection, layer_features

    # Incidents and records are read as they come, never all held: lists stay lists, but the lazy
    # sequences of geoincident.pipeline.process (read from temporary files) are read one at a time.
    if not isinstance(incidents, Sequence):
        incidents = list(incidents)
    if not isinstance(records, Sequence):
        records = list(records)
    if gazetteer is None:
        gazetteer = _default_gazetteer()
    elif gazetteer is False:  # (never test truth: len() of a gazetteer would load its worldwide layer)
        gazetteer = None
    boundaries = _boundaries(gazetteer)
    polygons = _polygon_index(boundaries)
    collection = IncidentCollection(incidents, records)  # incidents by date and id, records by id

    # one pass in the given order: the popups' table, and what the sites and areas need of each incident
    order: dict[str, int] = {}
    table: list[dict[str, Any]] = []
    n_sites: dict[str, int] = {}
    killed_of: dict[str, int | None] = {}  # the killed figure of the incident's own row
    has_area: list[bool] = []
    covers: list[tuple[int, str, Any, bool]] = []  # (position, id, area, has sites) of those with an area
    dates: set[str] = set()
    for i, inc in enumerate(incidents):
        props = layer_features("incidents", [inc])[0]["properties"]
        order[inc.incident_id] = i
        n_sites[inc.incident_id] = len(inc.sites)
        killed_of[inc.incident_id] = killed_value(props)
        table.append(_incident_entry(inc, props))
        has_area.append(inc.area is not None)
        if inc.area is not None:
            covers.append((i, inc.incident_id, inc.area, bool(inc.sites)))
        if inc.date_start:
            dates.add(inc.date_start)

    sites: list[dict] = []
    areas: dict[int, dict] = {}  # one feature per polygon, listing every incident drawn on it
    box = [math.inf, math.inf, -math.inf, -math.inf]
    for inc in collection.incidents:
        for feature in layer_features("sites", [inc]):
            props = feature["properties"]
            i = order.get(props.get("incident_id"))
            if i is None:
                continue
            precision = str(props.get("precision") or "town")
            name = str(props.get("name") or "")
            killed = killed_value(props)
            if killed is None and n_sites.get(props["incident_id"]) == 1 and not has_area[i]:
                killed = killed_of.get(props["incident_id"])
            slim = {"inc": i, "name": name, "precision": precision, "killed": killed, "figures": _figures(props)}
            polygon = None
            if precision != "town":
                polygon = _find_polygon(polygons, place_id=str(props.get("place_id") or ""), name=name,
                                        precision=precision)
            if polygon is not None:
                _add_to_area(areas, polygon, slim)
                _bbox(polygon["geometry"]["coordinates"], box)
            else:
                sites.append({"type": "Feature", "geometry": feature["geometry"], "properties": slim})
                _bbox(feature["geometry"]["coordinates"], box)
    for i, incident_id, area, sited in covers:
        polygon = _find_polygon(polygons, place_id=area.place_id, name=area.name, precision=area.precision)
        if polygon is None:
            continue
        killed = killed_of.get(incident_id)
        slim = {"inc": i, "name": area.name, "precision": area.precision, "killed": killed,
                "figures": [], "covers": True}
        _add_to_area(areas, polygon, slim)
        if not sited:
            _bbox(polygon["geometry"]["coordinates"], box)
    # big circles first so that small ones stay on top and clickable; provinces below districts
    sites.sort(key=lambda f: -(f["properties"]["killed"] or 0))
    area_features = sorted(areas.values(), key=lambda f: f["properties"]["precision"] != "province")

    # the mentions aggregated per place and role as the records are read: the aggregate is small
    mentions = _aggregate_mentions(collection.iter_features("mentions")) if len(collection.records) else []

    choropleth = []
    if boundaries["district"] and len(incidents):
        districts = {"type": "FeatureCollection", "features": boundaries["district"]}
        for feature in layer_features("areas", collection.incidents, boundaries=districts):
            props = feature["properties"]
            if props.get("level") != "district":
                continue
            killed = killed_value(props)
            if killed:
                choropleth.append(
                    {"type": "Feature", "geometry": feature["geometry"],
                     "properties": {"name": str(props.get("name") or ""), "killed": killed}}
                )

    if box[0] == math.inf:
        for feature in boundaries["province"] or boundaries["country"]:
            _bbox(feature["geometry"]["coordinates"], box)
    bounds = None if box[0] == math.inf else [[box[1], box[0]], [box[3], box[2]]]

    basemap = None
    if boundaries["province"] or boundaries["district"]:
        view = None
        if bounds is not None:  # towns around the data, with a margin of a quarter of its extent
            pad_lat = max(0.5, (box[3] - box[1]) / 4)
            pad_lon = max(0.5, (box[2] - box[0]) / 4)
            view = [box[0] - pad_lon, box[1] - pad_lat, box[2] + pad_lon, box[3] + pad_lat]
        basemap = {
            "country": boundaries["country"],
            "province": boundaries["province"],
            "district": boundaries["district"],
            "district_labels": _label_points(boundaries["district"]),
            "towns": _towns(gazetteer, view, boundaries["country"] or boundaries["province"])
            if gazetteer is not None
            else [],
            "attribution": BASEMAP_ATTRIBUTION,
        }

    return {
        "title": title if title is not None else "Incidents",
        "offline": offline,
        "style": map_style(),
        "tiles": None if offline else OSM_TILES,
        "incidents": table,
        "sites": {"type": "FeatureCollection", "features": sites},
        "areas": {"type": "FeatureCollection", "features": area_features},
        "mentions": {"type": "FeatureCollection", "features": mentions},
        "choropleth": {"type": "FeatureCollection", "features": choropleth},
        "basemap": basemap,
        "bounds": bounds,
        "dates": sorted(dates),
    }


def embed_json(data: Any) -> str:
    """``data`` as JSON that is safe inside any HTML element: ``<``, ``>`` and ``&`` are escaped.

    >>> embed_json({"t": "</script><b>&"})
    '{"t":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    import orjson

    raw = orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS)
    for char, escaped in ((b"<", b"\\u003c"), (b">", b"\\u003e"), (b"&", b"\\u0026"),
                          ("\u2028".encode(), b"\\u2028"), ("\u2029".encode(), b"\\u2029")):
        raw = raw.replace(char, escaped)
    return raw.decode("utf-8")


def _raw_element(text: str):
    """A branca element that renders ``text`` as it is (never through Jinja: ``{{`` stays text)."""
    from branca.element import Element

    class Raw(Element):
        def render(self, **kwargs: Any) -> str:
            return text

    return Raw()


def _incident_layers(data_json: str, *, offline: bool):
    """The map child that writes the data, the script and the styles into the page when rendered."""
    from branca.element import MacroElement

    from geoincident import assets

    class IncidentLayers(MacroElement):
        def __init__(self) -> None:
            super().__init__()
            self._name = "IncidentLayers"
            root = assets.assets_root() if offline else None  # fail now, not at save time
            self.header = assets.header_html(offline=offline, root=root)
            if offline:
                icons = assets.script_tag(assets.default_icon_script(root=root))
                self.header.append(("leaflet-default-icon", icons))
            self.header.append(("geoincident.css", assets.style_tag((_HERE / "maps.css").read_text("utf-8"))))
            self.header.append(("geoincident.js", assets.script_tag((_HERE / "maps.js").read_text("utf-8"))))

        def render(self, **kwargs: Any) -> None:
            figure = self.get_root()
            for name, text in self.header:
                figure.header.add_child(_raw_element(text), name=name)
            data_id = f"{self.get_name()}_data"
            figure.html.add_child(
                _raw_element(f'<script type="application/json" id="{data_id}">{data_json}</script>'),
                name=data_id,
            )
            map_name = self._parent.get_name()
            figure.script.add_child(
                _raw_element(
                    f"geoincidentMap({map_name}, "
                    f"JSON.parse(document.getElementById({json.dumps(data_id)}).textContent));"
                ),
                name=self.get_name(),
            )

    return IncidentLayers()


def make_map(
    incidents: Iterable[Incident],
    *,
    records: Iterable[ArticleRecord] = (),
    offline: bool = False,
    gazetteer: Any = None,
    title: str | None = None,
    height: str = "100%",
) -> folium.Map:
    """A folium map of ``incidents`` (and of the place mentions of ``records``).

    ``offline=True`` inlines Leaflet and its plugins (npm packages located by
    :mod:`geoincident.assets`; an :class:`~geoincident.errors.OutputError` says how to
    install them when missing) and draws no web tiles. ``gazetteer`` supplies the
    boundaries and towns (default: :meth:`Gazetteer.default`; ``False`` for none).
    """
    import folium

    data = map_data(incidents, records=records, gazetteer=gazetteer, title=title, offline=offline)
    m = folium.Map(location=None, tiles=None, prefer_canvas=True, control_scale=True, height=height)
    m.default_js = []  # Leaflet comes from assets.py; no jQuery, Bootstrap or icon fonts are needed
    m.default_css = []
    m.add_child(_incident_layers(embed_json(data), offline=offline))
    m.get_root().header.add_child(
        _raw_element(f"<title>{html.escape(data['title'])}</title>"), name="geoincident-title"
    )
    setattr(m, _MARKER_ATTR, offline)
    return m


def save_map(
    m_or_incidents: folium.Map | Iterable[Incident],
    path: str | os.PathLike[str],
    *,
    offline: bool | None = None,
    **kwargs: Any,
) -> Path:
    """Write a map (or the map of some incidents) to ``path`` as one HTML file, atomically.

    With incidents, ``kwargs`` go to :func:`make_map`. An offline map is checked
    before it is written: a page that would still load anything from the network
    (e.g. a plugin added by hand) raises :class:`~geoincident.errors.OutputError`.
    """
    import folium

    if isinstance(m_or_incidents, folium.Map):
        if kwargs:
            raise UsageError(f"save_map: options {sorted(kwargs)} apply only when given incidents")
        m = m_or_incidents
        built_offline = getattr(m, _MARKER_ATTR, False)
        if offline and not built_offline:
            raise UsageError("save_map: this map was built online; build it with make_map(..., offline=True)")
        offline = built_offline if offline is None else offline
    else:
        offline = bool(offline)
        m = make_map(m_or_incidents, offline=offline, **kwargs)
    page = m.get_root().render()
    if offline:
        remote = external_references(page)
        if remote:
            raise OutputError(f"{path}: the offline map would still load {', '.join(remote[:5])}")
    return _write_atomic(Path(path), page)


def _write_atomic(path: Path, text: str) -> Path:
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise OutputError(f"{path}: directory {directory} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as err:
        raise OutputError(f"{path}: cannot write here: {err.strerror or err}") from err
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600 files; a map is meant to be shared
        os.replace(tmp, path)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write the map: {err.strerror or err}") from err
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_LOADS = (
    # <script src>, <link href>, <img src>, <iframe src>, ...: anything a page fetches by itself
    r"""<(?:script|link|img|iframe|source|audio|video|embed|object|image|use)\b[^>]*?"""
    r"""\b(?:src|href|data|srcset|xlink:href)\s*=\s*["']?((?:https?:)?//[^"'\s>]+)""",
    r"""url\(\s*["']?((?:https?:)?//[^"')\s]+)""",  # CSS url(...)
    r"""@import\s+["']((?:https?:)?//[^"']+)""",
    r"""tileLayer\(\s*["']((?:https?:)?//[^"']+)""",
)


def external_references(page: str) -> list[str]:
    """The network resources ``page`` would load by itself (links a user clicks do not count).

    >>> external_references('<script src="https://cdn.example/l.js"></script><a href="https://x.org">x</a>')
    ['https://cdn.example/l.js']
    """
    import re

    found: list[str] = []
    for pattern in _LOADS:
        for match in re.finditer(pattern, page, re.IGNORECASE):
            if match.group(1) not in found:
                found.append(match.group(1))
    return found

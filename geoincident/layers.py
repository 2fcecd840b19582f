"""Incidents and article records as flat GIS layers, and the files that hold them.

This module is the one place that turns records into features. Every output
(GeoJSON, GeoJSON text sequences, GeoPackage, FlatGeobuf, CSV, GeoDataFrames,
``__geo_interface__``, the folium map's GeoJSON) comes from the same rows built
here, so two serialisers can never disagree. The one exception is for speed: the
big incidents and sites layers of GeoPackage and FlatGeobuf files are built
straight into Arrow columns, and a test holds those columns equal to the rows,
value for value. The layers and their columns are documented in
``docs/schema.md`` and listed in :data:`SCHEMAS`:

* ``incidents``: one feature per incident, a MultiPoint of its sites (a Point
  when it has one site, its area's point when it has none);
* ``sites``: one Point per incident site with the site's own figures;
* ``mentions``: every resolved place mention, for auditing;
* ``claims``: one row per casualty claim, at the place it applies to;
* ``areas``: district and province polygons with the summed figures of the
  incidents in them (see :func:`layer_features` for how they are counted).

Properties are flat scalars only (text, integers, reals, null); figures are
``{outcome}_{group}_{low|best|high}`` columns that are always present.

>>> LAYERS
('incidents', 'sites', 'mentions', 'claims', 'areas')
>>> FIGURE_COLUMNS[:3]
('killed_militants_low', 'killed_militants_best', 'killed_militants_high')
>>> layer_features("incidents", [])
[]
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import operator
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geoincident.errors import OutputError, UsageError
from geoincident.geojson import (
    StagedFiles,
    dump_feature_collection,
    dump_feature_sequence,
    feature_collection,
    rfc7946_geometry,
)
from geoincident.records import (
    BOUNDS,
    LAYER_GROUPS,
    LAYER_OUTCOMES,
    PRECISION_CODES,
    ArticleRecord,
    Claim,
    Figure,
    Incident,
    Place,
    Site,
    geojson_position,
)

if TYPE_CHECKING:
    import geopandas
    import pyarrow

__all__ = [
    "FIGURE_COLUMNS",
    "FORMATS",
    "LAYERS",
    "SCHEMAS",
    "IncidentCollection",
    "check_output",
    "layer_features",
    "to_geodataframe",
    "write_layers",
]

LAYERS: tuple[str, ...] = ("incidents", "sites", "mentions", "claims", "areas")

#: ``{outcome}_{group}_{bound}`` for the outcomes and groups flattened into layers.
FIGURE_COLUMNS: tuple[str, ...] = tuple(
    f"{outcome}_{group}_{bound}" for outcome in LAYER_OUTCOMES for group in LAYER_GROUPS for bound in BOUNDS
)
_FIGURE_KEYS: tuple[tuple[str, str], ...] = tuple((o, g) for o in LAYER_OUTCOMES for g in LAYER_GROUPS)
_NO_FIGURES: tuple[None, ...] = (None,) * len(FIGURE_COLUMNS)
_FIGURE_OFFSETS: dict[tuple[str, str], int] = {key: 3 * i for i, key in enumerate(_FIGURE_KEYS)}

STRING, INTEGER, REAL = "string", "integer", "real"


def _columns(spec: str, kind: str) -> tuple[tuple[str, str], ...]:
    return tuple((name, kind) for name in spec.split())


_FIGURES = _columns(" ".join(FIGURE_COLUMNS), INTEGER)

#: Every layer's columns, in file order, with their types (``string``, ``integer``, ``real``).
#: The geometry is not a column. Stable across releases: new columns are only ever appended.
SCHEMAS: dict[str, tuple[tuple[str, str], ...]] = {
    "incidents": (
        *_columns("incident_id title date_start date_end date_precision event_type sub_event_type", STRING),
        *_columns("kind actors targets", STRING),
        ("n_sites", INTEGER),
        *_columns("sites area area_place_id", STRING),
        *_columns("geo_precision n_sources", INTEGER),
        *_columns("sources urls flags", STRING),
        *_FIGURES,
    ),
    "sites": (
        ("incident_id", STRING),
        ("site_index", INTEGER),
        *_columns("name place_id precision", STRING),
        ("geo_precision", INTEGER),
        *_columns("district province country article_ids title date_start date_end event_type", STRING),
        *_FIGURES,
    ),
    "mentions": (
        *_columns("article_id incident_id source role surface", STRING),
        *_columns("start end", INTEGER),
        *_columns("sentence place_id name feature_type", STRING),
        ("geo_precision", INTEGER),
        *_columns("district province country", STRING),
        ("score", REAL),
        ("match", STRING),
    ),
    "claims": (
        *_columns("incident_id article_id source url outcome group", STRING),
        *_columns("low best high", INTEGER),
        *_columns("qualifier claimant claimant_type time_scope date scope", STRING),
        *_columns("place_name place_id located_at", STRING),
        ("geo_precision", INTEGER),
        *_columns("surface quote", STRING),
        *_columns("start end", INTEGER),
    ),
    "areas": (
        *_columns("place_id name level province", STRING),
        ("n_incidents", INTEGER),
        *_FIGURES,
    ),
}

#: Geometry type each layer declares in GeoPackage and FlatGeobuf, where one layer has one
#: type (QGIS splits mixed layers): incidents are always MultiPoint there, areas MultiPolygon.
_GDAL_GEOMETRY_TYPES: dict[str, str] = {
    "incidents": "MultiPoint",
    "sites": "Point",
    "mentions": "Point",
    "claims": "Point",
    "areas": "MultiPolygon",
}

_AREA_LEVELS: tuple[str, ...] = ("province", "district")
#: Incidents (or records) per table when a layer is written: files are streamed chunk by chunk.
#: Small enough that a chunk's records stay in the CPU cache while its columns are built
#: one after the other (4,000-5,000 is about 1.3x faster than 20,000 or more).
_CHUNK = 5_000


def _check_layers(layers: str | Iterable[str] | None, *, default: Sequence[str] = LAYERS) -> tuple[str, ...]:
    """Validated, de-duplicated layer names; a string may hold several, comma-separated."""
    if layers is None:
        return tuple(default)
    if isinstance(layers, str):
        layers = layers.split(",")
    names = tuple(dict.fromkeys(name.strip() for name in layers if name.strip()))
    unknown = [name for name in names if name not in LAYERS]
    if unknown:
        raise UsageError(f"unknown layer {unknown[0]!r}; the layers are {', '.join(LAYERS)}")
    if not names:
        raise UsageError(f"no layer asked for; the layers are {', '.join(LAYERS)}")
    return names


# --------------------------------------------------------------------------- rows


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of small containers are built.

    Building a million feature dicts is 3-4x faster without it (nothing built here
    forms cycles, so nothing is lost); the previous state is restored after.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass(slots=True)
class _Table:
    """A layer as rows (tuples in :data:`SCHEMAS` order) and one geometry per row.

    A geometry is ``None``, a list of GeoJSON positions (a Point when there is one,
    else a MultiPoint), or an RFC 7946 geometry dict (areas).
    """

    layer: str
    rows: list[tuple[Any, ...]]
    geometries: list[Any]

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(name for name, _kind in SCHEMAS[self.layer])


def _text(value: str | None) -> str | None:
    return value or None


def _joined(values: Sequence[str]) -> str | None:
    """Non-empty values, de-duplicated in order, joined by ``"; "``; None when there are none.

    >>> _joined(("BLA", "", "BLA", "TTP"))
    'BLA; TTP'
    """
    if len(values) < 2:
        return values[0] or None if values else None
    return "; ".join(dict.fromkeys(v for v in values if v)) or None


def _figure_values(figures: Sequence[Figure]) -> tuple[int | None, ...]:
    """The figures as a tuple in :data:`FIGURE_COLUMNS` order, None where there is none."""
    if not figures:
        return _NO_FIGURES
    values = list(_NO_FIGURES)
    for f in figures:
        at = _FIGURE_OFFSETS.get((f.outcome, f.group))
        if at is not None:
            values[at : at + 3] = (f.low, f.best, f.high)
    return tuple(values)


def _position(place: Any) -> list[float]:
    return geojson_position(lat=place.lat, lon=place.lon)


def _incident_key(incident: Incident) -> tuple[str, str]:
    return (incident.date_start or "", incident.incident_id)


def _sort_incidents(incidents: Iterable[Incident]) -> list[Incident]:
    return sorted(incidents, key=_incident_key)


class _Reordered(Sequence[Any]):
    """Another sequence's items in another order (positions held in an array, items read when asked)."""

    def __init__(self, items: Sequence[Any], positions: Iterable[int]) -> None:
        from array import array

        self._items = items
        self._positions = array("q", positions)

    def __len__(self) -> int:
        return len(self._positions)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self._items[p] for p in self._positions[index]]
        return self._items[self._positions[index]]

    def __iter__(self) -> Iterator[Any]:
        items = self._items
        for p in self._positions:
            yield items[p]


def _in_order(items: Iterable[Any], *, key: Any) -> Sequence[Any]:
    """``items`` sorted by ``key`` (stable), as a sequence that a lazy sequence stays.

    Lists, tuples and iterators are sorted into a tuple, as always. A lazy sequence
    (records or incidents read from a temporary file, :mod:`geoincident.spill`) is
    read once for its keys and comes back as it is when already in order, else as a
    view that reads its items in sorted order: its items are never all in memory.

    >>> _in_order([3, 1, 2], key=lambda x: x)
    (1, 2, 3)
    >>> from geoincident.spill import SpillFile, SpilledSequence
    >>> spill = SpillFile()
    >>> for word in ("b", "a", "c"):
    ...     _ = spill.append(word)
    >>> list(_in_order(SpilledSequence(spill), key=lambda x: x))
    ['a', 'b', 'c']
    >>> spill.close()
    """
    if isinstance(items, (list, tuple)) or not isinstance(items, Sequence):
        return tuple(sorted(items, key=key))
    with _gc_paused():
        keys = [key(item) for item in items]
    order = sorted(range(len(keys)), key=keys.__getitem__)
    del keys
    if all(p == i for i, p in enumerate(order)):
        return items
    reordered = getattr(items, "reordered", None)
    return reordered(order) if reordered is not None else _Reordered(items, order)


def _incidents_table(incidents: Sequence[Incident]) -> _Table:
    rows, geometries = [], []
    position, figure_values, codes_of = geojson_position, _figure_values, PRECISION_CODES.get
    for inc in incidents:
        sites = [s.site for s in inc.sites]
        positions = [position(lat=s.lat, lon=s.lon) for s in sites]
        codes = [c for c in map(codes_of, [s.precision for s in sites]) if c is not None]
        area = inc.area
        if area is not None:
            if not positions:
                positions = [position(lat=area.lat, lon=area.lon)]
            if not codes:
                codes = [area.geo_precision]
        geometries.append(positions or None)
        sources = inc.sources
        if len(sources) == 1:
            outlets, urls = sources[0].outlet or None, sources[0].url or None
        else:
            outlets = "; ".join(sorted({s.outlet for s in sources} - {""})) or None
            urls = "; ".join(sorted({s.url for s in sources} - {""})) or None
        rows.append(
            (
                inc.incident_id,
                inc.title or None,
                inc.date_start or None,
                inc.date_end or None,
                inc.date_precision or None,
                inc.event_type or None,
                inc.sub_event_type or None,
                inc.kind or None,
                _joined(inc.actors),
                _joined(inc.targets),
                len(sites),
                _joined([s.name for s in sites]),
                area.name if area is not None else None,
                area.place_id if area is not None else None,
                min(codes) if codes else None,
                inc.n_sources,
                outlets,
                urls,
                " | ".join(inc.flags) or None,  # a flag is a sentence and may hold "; " itself
                *figure_values(inc.figures),
            )
        )
    return _Table("incidents", rows, geometries)


def _sites_table(incidents: Sequence[Incident]) -> _Table:
    rows, geometries = [], []
    for inc in incidents:
        for index, isite in enumerate(inc.sites):
            site = isite.site
            geometries.append([geojson_position(lat=site.lat, lon=site.lon)])
            rows.append(
                (
                    inc.incident_id,
                    index,
                    _text(site.name),
                    _text(site.place_id),
                    _text(site.precision),
                    PRECISION_CODES.get(site.precision),
                    _text(site.district),
                    _text(site.province),
                    _text(site.country),
                    _joined(isite.article_ids),
                    _text(inc.title),
                    _text(inc.date_start),
                    _text(inc.date_end),
                    _text(inc.event_type),
                    *_figure_values(isite.figures),
                )
            )
    return _Table("sites", rows, geometries)


def _record_key(record: ArticleRecord) -> tuple[str, str, int]:
    return (record.article.id, record.article.path, record.article.line)


def _incident_of_events(incidents: Iterable[Incident]) -> dict[tuple[str, int], str]:
    """(article id, event index) -> id of the incident that event was merged into."""
    return {(ev.article_id, ev.index): inc.incident_id for inc in incidents for ev in inc.events}


def _mentions_table(
    records: Iterable[ArticleRecord], incident_of: Mapping[tuple[str, int], str], *, ordered: bool = False
) -> _Table:
    """The mentions of ``records`` (sorted by article unless ``ordered`` says they are), in one table."""
    rows: list[tuple[Any, ...]] = []
    geometries: list[Any] = []
    for rec in records if ordered else sorted(records, key=_record_key):
        _add_mentions(rec, incident_of, rows, geometries)
    return _Table("mentions", rows, geometries)


def _add_mentions(
    rec: ArticleRecord, incident_of: Mapping[tuple[str, int], str], rows: list[Any], geometries: list[Any]
) -> None:
    """Append the rows and geometries of one record's resolved mentions, in text order."""
    outlet = _text(rec.article.source)
    for m in sorted(rec.mentions, key=lambda m: (m.start, m.end)):
        place = m.place
        if place is None:
            continue
        geometries.append([_position(place)])
        rows.append(
            (
                m.article_id,
                incident_of.get((m.article_id, m.event_index)) if m.event_index is not None else None,
                outlet,
                m.role,
                m.surface,
                m.start,
                m.end,
                _text(m.sentence),
                place.place_id,
                place.name,
                _text(place.feature_type),
                place.geo_precision,
                _text(place.district),
                _text(place.province),
                _text(place.country),
                float(m.score),
                _text(m.match),
            )
        )


def _incident_claims(inc: Incident) -> list[Claim]:
    """Every claim behind the incident, once each: its events' claims and its figures' claims."""
    claims: dict[Claim, None] = {}
    for ev in inc.events:
        claims.update(dict.fromkeys(ev.claims))
    for f in inc.figures:
        claims.update(dict.fromkeys(f.claims))
    for isite in inc.sites:
        for f in isite.figures:
            claims.update(dict.fromkeys(f.claims))
    return sorted(claims, key=lambda c: (c.article_id, c.start, c.end, c.outcome, c.group))


def _claim_location(claim: Claim, inc: Incident) -> tuple[Any, int | None, str | None]:
    """Where a claim is placed: (place or site, geo_precision, located_at)."""
    if claim.place is not None:
        return claim.place, claim.place.geo_precision, "claim"
    if claim.place_name:
        wanted = claim.place_name.casefold()
        for isite in inc.sites:
            if isite.site.name.casefold() == wanted:
                return isite.site, PRECISION_CODES.get(isite.site.precision), "site"
    if claim.scope == "area" and inc.area is not None:
        return inc.area, inc.area.geo_precision, "area"
    if inc.sites:
        site = inc.sites[0].site
        return site, PRECISION_CODES.get(site.precision), "first_site"
    if inc.area is not None:
        return inc.area, inc.area.geo_precision, "area"
    return None, None, None


def _claims_table(incidents: Sequence[Incident]) -> _Table:
    rows, geometries = [], []
    for inc in incidents:
        sources = {s.article_id: s for s in inc.sources}
        for claim in _incident_claims(inc):
            where, geo_precision, located_at = _claim_location(claim, inc)
            source = sources.get(claim.article_id)
            geometries.append([_position(where)] if where is not None else None)
            rows.append(
                (
                    inc.incident_id,
                    claim.article_id,
                    _text(source.outlet) if source else None,
                    _text(source.url) if source else None,
                    claim.outcome,
                    claim.group,
                    claim.low,
                    claim.best,
                    claim.high,
                    _text(claim.qualifier),
                    _text(claim.claimant),
                    _text(claim.claimant_type),
                    _text(claim.time_scope),
                    _text(claim.date),
                    _text(claim.scope),
                    _text(claim.place_name),
                    claim.place.place_id if claim.place is not None else None,
                    located_at,
                    geo_precision,
                    claim.surface,
                    _text(claim.sentence),
                    claim.start,
                    claim.end,
                )
            )
    return _Table("claims", rows, geometries)


# --------------------------------------------------------------------------- areas


@dataclass(slots=True)
class _Area:
    place_id: str | None
    name: str | None
    level: str
    province: str | None
    geometry: dict[str, Any]


def _boundary_areas(boundaries: Mapping[str, Any] | Iterable[Mapping[str, Any]] | None) -> list[_Area]:
    """District and province polygons from GeoJSON FeatureCollection dicts, in a fixed order."""
    if boundaries is None:
        return []
    collections = [boundaries] if isinstance(boundaries, Mapping) else list(boundaries)
    areas: dict[tuple[str, str, str], _Area] = {}
    for fc in collections:
        if not isinstance(fc, Mapping) or fc.get("type") != "FeatureCollection":
            raise UsageError(
                "boundaries must be GeoJSON FeatureCollection dicts, as Gazetteer.boundaries(level) returns"
            )
        for feature in fc.get("features", ()):
            props = feature.get("properties") or {}
            level = props.get("level")
            if level not in _AREA_LEVELS or feature.get("geometry") is None:
                continue
            area = _Area(
                place_id=props.get("place_id") or None,
                name=props.get("name") or None,
                level=level,
                province=(props.get("name") if level == "province" else props.get("province")) or None,
                geometry=rfc7946_geometry(feature["geometry"]),
            )
            areas[(level, area.province or "", area.name or "", area.place_id or "")] = area
    return [areas[k] for k in sorted(areas, key=lambda k: (_AREA_LEVELS.index(k[0]), *k[1:]))]


class _AreaIndex:
    """Finds the district or province polygon of a name, a place or a point."""

    def __init__(self, areas: Sequence[_Area]) -> None:
        self.areas = areas
        self._by_id: dict[str, int] = {}
        self._by_name: dict[tuple[str, str, str], int] = {}
        for i, a in enumerate(areas):
            if a.place_id:
                self._by_id.setdefault(a.place_id, i)
            name = (a.name or "").casefold()
            self._by_name.setdefault((a.level, name, (a.province or "").casefold()), i)
            self._by_name.setdefault((a.level, name, ""), i)
        self._trees: dict[str, tuple[Any, list[int]]] = {}

    def by_name(self, level: str, name: str, province: str = "") -> int | None:
        if not name:
            return None
        found = self._by_name.get((level, name.casefold(), province.casefold()))
        if found is None and province:
            found = self._by_name.get((level, name.casefold(), ""))
        return found

    def by_point(self, level: str, *, lat: float, lon: float) -> int | None:
        """The first ``level`` polygon that contains the point (shapely, built on first use)."""
        if level not in self._trees:
            import shapely
            from shapely.geometry import shape

            members = [i for i, a in enumerate(self.areas) if a.level == level]
            self._trees[level] = (shapely.STRtree([shape(self.areas[i].geometry) for i in members]), members)
        tree, members = self._trees[level]
        if not members:
            return None
        import shapely

        hits = tree.query(shapely.Point(lon, lat), predicate="within")
        return members[int(min(hits))] if len(hits) else None

    def of_site(self, level: str, site: Any) -> int | None:
        name = site.district if level == "district" else site.province
        found = self.by_name(level, name, site.province if level == "district" else "")
        return found if found is not None else self.by_point(level, lat=site.lat, lon=site.lon)

    def of_place(self, level: str, place: Place) -> int | None:
        found = self._by_id.get(place.place_id)
        if found is not None and self.areas[found].level == level:
            return found
        if place.precision == level:
            return self.by_name(level, place.name, place.province if level == "district" else "")
        return None


def _sum_figures(figures: Sequence[Figure]) -> tuple[int | None, int | None, int | None]:
    """Sum of several incidents' figures: known lows, known bests; high only when every high is known."""
    lows = [f.low for f in figures if f.low is not None]
    bests = [f.best for f in figures if f.best is not None]
    highs = [f.high for f in figures]
    high = sum(highs) if highs and None not in highs else None  # type: ignore[arg-type]
    return (sum(lows) if lows else None, sum(bests) if bests else None, high)


def _areas_table(incidents: Sequence[Incident], areas: Sequence[_Area]) -> _Table:
    """Figures of the incidents in each district and province.

    Each level is counted on its own, so summing the district rows or the
    province rows never counts a figure twice (never add the two levels):

    * province: an incident counts once, in one province (its area's, else its
      first located site's); all its figures are added there;
    * district: when all of an incident's sites (and its area, if any) lie in one
      district, all its figures are added there. Otherwise (sites in several
      districts, or a figure for a whole province) only the sites' own figures
      are added, each in its site's district; the rest is not spread or guessed.
    """
    index = _AreaIndex(areas)
    n = [0] * len(areas)
    contributions: list[list[Sequence[Figure]]] = [[] for _ in areas]
    for inc in incidents:
        area = inc.area
        wide = area is not None and area.precision in ("province", "country")  # divisions are "province"
        site_districts = [index.of_site("district", s.site) for s in inc.sites]
        districts = {d for d in site_districts if d is not None}
        if area is not None and area.precision == "district":
            found = index.of_place("district", area)
            if found is not None:
                districts.add(found)
        for d in districts:
            n[d] += 1
        if len(districts) == 1 and None not in site_districts and not wide:
            contributions[next(iter(districts))].append(inc.figures)
        else:
            for d, isite in zip(site_districts, inc.sites):
                if d is not None and isite.figures:
                    contributions[d].append(isite.figures)
        province = None
        if area is not None:
            province = index.of_place("province", area)
            if province is None and area.province:
                province = index.by_name("province", area.province)
        for isite in inc.sites:
            if province is not None:
                break
            province = index.of_site("province", isite.site)
        if province is not None:
            n[province] += 1
            contributions[province].append(inc.figures)
    rows, geometries = [], []
    for i, a in enumerate(areas):
        by_key: dict[tuple[str, str], list[Figure]] = {}
        for figures in contributions[i]:
            for f in figures:
                by_key.setdefault((f.outcome, f.group), []).append(f)
        values: list[int | None] = []
        for key in _FIGURE_KEYS:
            values += _sum_figures(by_key[key]) if key in by_key else (None, None, None)
        rows.append((a.place_id, a.name, a.level, a.province, n[i], *values))
        geometries.append(a.geometry)
    return _Table("areas", rows, geometries)


def _default_boundaries(gazetteer: Any = None) -> list[dict[str, Any]]:
    if gazetteer is None:
        try:
            from geoincident.gazetteer import Gazetteer
        except ImportError as err:
            raise OutputError(
                "the areas layer needs district and province boundaries and the gazetteer is not "
                "available; pass boundaries= or leave out the areas layer"
            ) from err
        gazetteer = Gazetteer.default()
    return [gazetteer.boundaries("district"), gazetteer.boundaries("province")]


def _build_table(
    layer: str,
    incidents: Sequence[Incident],
    *,
    records: Iterable[ArticleRecord] = (),
    areas: Sequence[_Area] = (),
    incident_of: Mapping[tuple[str, int], str] | None = None,
) -> _Table:
    with _gc_paused():
        if layer == "incidents":
            return _incidents_table(incidents)
        if layer == "sites":
            return _sites_table(incidents)
        if layer == "mentions":
            if incident_of is None:
                incident_of = _incident_of_events(incidents)
            return _mentions_table(records, incident_of)
        if layer == "claims":
            return _claims_table(incidents)
        if layer == "areas":
            return _areas_table(incidents, areas)
    raise UsageError(f"unknown layer {layer!r}; the layers are {', '.join(LAYERS)}")


# --------------------------------------------------------------------------- features


def _geojson_geometry(geometry: Any) -> dict[str, Any] | None:
    if geometry is None or isinstance(geometry, dict):
        return geometry
    if len(geometry) == 1:
        return {"type": "Point", "coordinates": geometry[0]}
    return {"type": "MultiPoint", "coordinates": geometry}


def _features(table: _Table) -> list[dict[str, Any]]:
    columns, to_geometry = table.columns, _geojson_geometry
    with _gc_paused():
        return [
            {"type": "Feature", "geometry": to_geometry(geometry), "properties": dict(zip(columns, row))}
            for row, geometry in zip(table.rows, table.geometries)
        ]


def layer_features(
    layer: str,
    incidents: Iterable[Incident],
    *,
    records: Iterable[ArticleRecord] = (),
    boundaries: Mapping[str, Any] | Iterable[Mapping[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """One layer as a list of RFC 7946 Feature dicts with flat scalar properties.

    ``records`` feed the ``mentions`` layer. ``boundaries`` feed the ``areas``
    layer: one GeoJSON FeatureCollection dict or several (as
    ``Gazetteer.boundaries("district")`` and ``("province")`` return, with
    properties ``place_id``, ``name``, ``level``, ``province``); when None, the
    default gazetteer's district and province boundaries are used.

    Features come in a fixed order (incidents by date then id, records by
    article id), whatever the order of the input.

    >>> layer_features("sites", [])
    []
    >>> layer_features("roads", [])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    geoincident.errors.UsageError: unknown layer 'roads'; the layers are incidents, sites, ...
    """
    (layer,) = _check_layers([layer])
    areas: Sequence[_Area] = ()
    if layer == "areas":
        areas = _boundary_areas(_default_boundaries() if boundaries is None else boundaries)
    table = _build_table(layer, _in_order(incidents, key=_incident_key), records=records, areas=areas)
    return _features(table)


class IncidentCollection:
    """Incidents (and the article records behind them) as GIS layers.

    ``gazetteer`` (or explicit ``boundaries``, FeatureCollection dicts) supplies the
    district and province polygons of the ``areas`` layer; by default the
    default gazetteer's, loaded only when that layer is asked for.

    Incidents come sorted by date then id, records by article id. Lists and
    iterables are sorted into tuples; the lazy sequences :func:`geoincident.pipeline.process`
    returns (read from temporary files) stay lazy, read again each time a layer is
    built, so that writing the layers of a big corpus never holds all its records.

    >>> collection = IncidentCollection([])
    >>> collection.__geo_interface__
    {'type': 'FeatureCollection', 'features': []}
    >>> len(collection)
    0
    """

    def __init__(
        self,
        incidents: Iterable[Incident],
        records: Iterable[ArticleRecord] = (),
        *,
        gazetteer: Any = None,
        boundaries: Mapping[str, Any] | Iterable[Mapping[str, Any]] | None = None,
    ) -> None:
        # lazy sequences (read from temporary files by the pipeline) stay lazy: never all in memory
        self.incidents: Sequence[Incident] = _in_order(incidents, key=_incident_key)
        self.records: Sequence[ArticleRecord] = _in_order(records, key=_record_key)
        self._gazetteer = gazetteer
        self._boundaries = boundaries
        self._areas: list[_Area] | None = None

    def __len__(self) -> int:
        return len(self.incidents)

    def __iter__(self) -> Iterator[Incident]:
        return iter(self.incidents)

    def __repr__(self) -> str:
        return f"IncidentCollection({len(self.incidents)} incidents, {len(self.records)} records)"

    def _area_polygons(self) -> list[_Area]:
        if self._areas is None:
            bounds = self._boundaries
            if bounds is None:
                bounds = _default_boundaries(self._gazetteer)
            self._areas = _boundary_areas(bounds)
        return self._areas

    def _table(self, layer: str) -> _Table:
        (layer,) = _check_layers([layer])
        if layer == "mentions":  # from the records one at a time, as the writers read them
            parts = list(self._tables(layer))
            return _Table(layer, [r for t in parts for r in t.rows], [g for t in parts for g in t.geometries])
        areas = self._area_polygons() if layer == "areas" else ()
        return _build_table(layer, self.incidents, records=self.records, areas=areas)

    def _tables(self, layer: str) -> Iterator[_Table]:
        """The ``layer`` in tables of :data:`_CHUNK` incidents (or records), in order.

        Writers stream these: a million incidents never exist as a million feature
        dicts or rows at once, and each chunk is written while it is hot in cache.
        """
        (layer,) = _check_layers([layer])
        chunk = _CHUNK
        if layer == "areas":
            yield self._table(layer)
            return
        if layer == "mentions":
            # record by record: only the rows of a chunk are held, never a chunk of whole records
            with _gc_paused():
                incident_of = _incident_of_events(self.incidents)
            records = iter(self.records)
            for _ in range(0, max(len(self.records), 1), chunk):
                rows: list[tuple[Any, ...]] = []
                geometries: list[Any] = []
                with _gc_paused():
                    for rec in itertools.islice(records, chunk):
                        _add_mentions(rec, incident_of, rows, geometries)
                yield _Table(layer, rows, geometries)
            return
        for start in range(0, max(len(self.incidents), 1), chunk):
            with _gc_paused():  # a lazy sequence unpickles thousands of objects here
                part = self.incidents[start : start + chunk]
            yield _build_table(layer, part)

    def _columns(self, layer: str) -> Iterator[_Columns]:
        """The incidents or sites layer as columns, :data:`_CHUNK` incidents at a time, in order."""
        build = _COLUMN_BUILDERS[layer]
        for start in range(0, max(len(self.incidents), 1), _CHUNK):
            with _gc_paused():
                yield build(self.incidents[start : start + _CHUNK])

    def _may_lack_geometry(self, layer: str) -> bool:
        """Whether a row of ``layer`` may have no geometry: only when an incident has no site nor area."""
        if layer not in ("incidents", "claims"):
            return False
        return any(not inc.sites and inc.area is None for inc in self.incidents)

    def features(self, layer: str = "incidents") -> list[dict[str, Any]]:
        """The ``layer`` as GeoJSON Feature dicts (see :func:`layer_features`)."""
        return _features(self._table(layer))

    def iter_features(self, layer: str = "incidents") -> Iterator[dict[str, Any]]:
        """The features of :meth:`features`, one at a time, built a few thousand at a time.

        >>> list(IncidentCollection([]).iter_features("mentions"))
        []
        """
        for table in self._tables(layer):
            yield from _features(table)

    @property
    def __geo_interface__(self) -> dict[str, Any]:
        """The incidents layer as a FeatureCollection (for geopandas, shapely, folium)."""
        return feature_collection(self.features("incidents"))

    def to_geodataframe(self, layer: str = "incidents") -> geopandas.GeoDataFrame:
        """The ``layer`` as a GeoDataFrame in EPSG:4326 (see :func:`to_geodataframe`)."""
        return _geodataframe(self._table(layer))

    def write(
        self,
        path: str | Path,
        *,
        layers: str | Iterable[str] | None = None,
        driver: str | None = None,
        spatial_index: bool = True,
    ) -> list[Path]:
        """Write layers to ``path`` (see :func:`write_layers`)."""
        return write_layers(self, path, layers=layers, driver=driver, spatial_index=spatial_index)


def _collection(data: Any) -> IncidentCollection:
    """An IncidentCollection from a collection, a pipeline result or an iterable of incidents."""
    if isinstance(data, IncidentCollection):
        return data
    if hasattr(data, "incidents") and hasattr(data, "records"):
        return IncidentCollection(data.incidents, data.records)
    if isinstance(data, Incident):
        return IncidentCollection([data])
    return IncidentCollection(data)


# --------------------------------------------------------------------------- columns, shapely, arrow


def _transpose(table: _Table) -> list[list[Any]]:
    """The rows as columns (lists: pyarrow converts lists 3x faster than tuples)."""
    if not table.rows:
        return [[] for _ in SCHEMAS[table.layer]]
    with _gc_paused():
        return [list(column) for column in zip(*table.rows)]


def _shapely_geometries(table: _Table, *, promote: bool = False) -> Any:
    """The table's geometries as a numpy array of shapely geometries (None where there is none).

    Points and multipoints are built by two vectorised calls from one array of
    positions. With ``promote``, single points become one-point MultiPoints and
    Polygons MultiPolygons, so that a layer has one geometry type (GeoPackage,
    FlatGeobuf).
    """
    import numpy as np
    import shapely
    from shapely.geometry import shape

    geometries = table.geometries
    out = np.full(len(geometries), None, dtype=object)
    with _gc_paused():
        for i in [i for i, g in enumerate(geometries) if type(g) is dict]:
            geom = shape(geometries[i])
            out[i] = shapely.MultiPolygon([geom]) if promote and geom.geom_type == "Polygon" else geom
        counts = np.array([len(g) if type(g) is list else 0 for g in geometries], dtype=np.intp)
        positions = [p for g in geometries if type(g) is list for p in g]
        if not positions:
            return out
        xy = np.array(positions, dtype=float).reshape(-1, 2)
        row_of = np.repeat(np.arange(len(geometries)), counts)  # the row of each position
        single = counts == 1 if not promote else np.zeros(len(geometries), dtype=bool)
        multi = counts > (0 if promote else 1)
        if single.any():
            out[single] = shapely.points(xy[single[row_of]])
        if multi.any():
            take = multi[row_of]
            if (counts[multi] == 1).all():  # one-point MultiPoints: no indices needed, 1.5x faster
                out[multi] = shapely.multipoints(xy[take][:, None, :])
            else:
                part = (np.cumsum(multi) - 1)[row_of[take]]  # 0..k-1 over the multi rows
                out[multi] = shapely.multipoints(xy[take], indices=part)
    return out


def _geodataframe(table: _Table) -> geopandas.GeoDataFrame:
    import geopandas
    import numpy as np
    import pandas

    string_dtype: Any = "str" if int(pandas.__version__.split(".")[0]) >= 3 else object
    data: dict[str, Any] = {}
    for (name, kind), values in zip(SCHEMAS[table.layer], _transpose(table)):
        if kind == INTEGER:
            data[name] = pandas.array(list(values), dtype="Int64")
        elif kind == REAL:
            data[name] = np.array(values, dtype=float)
        else:
            data[name] = pandas.Series(list(values), dtype=string_dtype)
    geometry = geopandas.array.from_shapely(_shapely_geometries(table), crs="EPSG:4326")
    return geopandas.GeoDataFrame(data, geometry=geometry, crs="EPSG:4326")


def to_geodataframe(data: Any, *, layer: str = "incidents") -> geopandas.GeoDataFrame:
    """One layer as a GeoDataFrame in EPSG:4326, from the same rows as the GeoJSON.

    ``data`` is an :class:`IncidentCollection`, a pipeline result (with
    ``incidents`` and ``records``) or an iterable of incidents. Integer columns are
    nullable (``Int64``); incidents are Points or MultiPoints as in GeoJSON.

    >>> to_geodataframe([], layer="sites").crs.to_epsg()
    4326
    """
    return _collection(data).to_geodataframe(layer)


def _arrow_schema(layer: str, *, extra: Sequence[tuple[str, Any]] = ()) -> pyarrow.Schema:
    import pyarrow as pa

    types = {STRING: pa.string(), INTEGER: pa.int64(), REAL: pa.float64()}
    return pa.schema([*((name, types[kind]) for name, kind in SCHEMAS[layer]), *extra])


def _arrow_columns(table: _Table) -> list[pyarrow.Array]:
    import pyarrow as pa

    schema = _arrow_schema(table.layer)
    columns = _transpose(table)
    with _gc_paused():
        return [pa.array(values, type=field.type) for field, values in zip(schema, columns)]


def _points_wkb(table: _Table, *, promote: bool) -> pyarrow.Array | None:
    """The table's point geometries as little-endian WKB (see :func:`_wkb_points`).

    None when a row holds a polygon (areas): those go through shapely.

    >>> import shapely
    >>> table = _Table("incidents", [(), (), ()], [[[67.00141, 30.18414]], None, [[1.0, 2.0], [3.0, 4.0]]])
    >>> _points_wkb(table, promote=False).to_pylist() == list(
    ...     shapely.to_wkb(_shapely_geometries(table), byte_order=1))
    True
    >>> shapely.from_wkb(_points_wkb(table, promote=True)[0].as_py()).wkt
    'MULTIPOINT ((67.00141 30.18414))'
    """
    import numpy as np

    geometries = table.geometries
    if dict in set(map(type, geometries)):
        return None
    counts = np.fromiter(map(len, [g or () for g in geometries]), dtype=np.int64, count=len(geometries))
    positions = np.array([p for g in geometries if g for p in g], dtype=float).reshape(-1, 2)
    return _wkb_points(counts, lon=positions[:, 0], lat=positions[:, 1], promote=promote)


def _wkb_points(counts: Any, *, lon: Any, lat: Any, promote: bool) -> pyarrow.Array:
    """Rows of points as little-endian WKB, encoded by numpy in a few vectorised steps.

    Row ``i`` holds the next ``counts[i]`` positions of ``lon``/``lat``: one is a
    Point (a one-point MultiPoint with ``promote``), several a MultiPoint, none a
    null. The bytes are those of ``shapely.to_wkb(..., byte_order=1)`` (the tests
    check it); this only skips making a shapely object per row, the slow part of
    writing millions of rows.

    >>> import numpy as np, shapely
    >>> wkb = _wkb_points(np.array([1, 0, 2]), lon=np.array([67.00141, 1.0, 3.0]),
    ...                   lat=np.array([30.18414, 2.0, 4.0]), promote=False)
    >>> [shapely.from_wkb(b).wkt if b else None for b in wkb.to_pylist()]
    ['POINT (67.00141 30.18414)', None, 'MULTIPOINT ((1 2), (3 4))']
    """
    import numpy as np
    import pyarrow as pa

    counts = np.asarray(counts, dtype=np.int64)
    xy = np.empty((len(lon), 2), dtype="<f8")
    xy[:, 0], xy[:, 1] = lon, lat  # WKB, like GeoJSON, puts x (longitude) first
    multi = counts > (0 if promote else 1)
    point = 1 + 4 + 16  # byte order, type, x and y
    sizes = counts * point + np.where(multi, 1 + 4 + 4, 0)  # a MultiPoint adds order, type, count
    offsets = np.zeros(len(counts) + 1, dtype=np.int32)
    np.cumsum(sizes, out=offsets[1:])
    data = np.zeros(int(offsets[-1]), dtype=np.uint8)
    starts = offsets[:-1]
    heads = starts[multi]
    data[heads] = 1
    data[heads[:, None] + np.arange(1, 5)] = np.array([4], dtype="<u4").view(np.uint8)  # MultiPoint
    data[heads[:, None] + np.arange(5, 9)] = counts[multi].astype("<u4").view(np.uint8).reshape(-1, 4)
    row_of = np.repeat(np.arange(len(counts)), counts)  # the row of each position
    first = np.repeat(np.cumsum(counts) - counts, counts)  # index of each row's first position
    nth = np.arange(len(row_of)) - first  # index of each position within its row
    at = starts[row_of] + np.where(multi[row_of], 9, 0) + nth * point
    record = np.empty((len(row_of), point), dtype=np.uint8)
    record[:, 0] = 1
    record[:, 1:5] = np.array([1], dtype="<u4").view(np.uint8)  # Point
    record[:, 5:] = xy.view(np.uint8).reshape(-1, 16)
    data[at[:, None] + np.arange(point)] = record
    valid = counts > 0
    bitmap = None if valid.all() else pa.py_buffer(np.packbits(valid, bitorder="little"))
    return pa.Array.from_buffers(
        pa.binary(), len(counts), [bitmap, pa.py_buffer(offsets), pa.py_buffer(data)], null_count=-1
    )


# --------------------------------------------------------------------------- arrow columns from incidents
#
# The incidents and sites layers, the big ones, are also built straight into Arrow
# columns for GeoPackage and FlatGeobuf: one pass per column over a chunk of records
# and numpy for the figures and points, instead of a tuple per row that is then
# transposed (about twice as fast). They hold the same values as the rows above,
# which GeoJSON, CSV and GeoDataFrames use: tests/test_layers_columns.py compares
# the two on every kind of incident, so the serialisers cannot disagree.

#: Stands for "no precision code" in integer arrays (a code is 1, 2 or 3).
_NO_CODE = 1 << 30


def _round6(values: Any) -> Any:
    """``round(v, 6)`` of every value as a numpy array, bit for bit what Python's ``round`` gives.

    numpy rounds ``v * 1e6`` to an integer and divides; that is Python's answer
    except where the product lies within rounding error of a half (or is too large
    to hold decimals): those few are rounded by Python.

    >>> values = [67.00141, 30.1841449999, 0.0000005, -1.2345675, 2.675, 1e300]
    >>> _round6(values).tolist() == [round(v, 6) for v in values]
    True
    """
    import numpy as np

    x = np.asarray(values, dtype=float)
    scaled = x * 1e6
    out = np.rint(scaled) / 1e6
    with np.errstate(invalid="ignore"):  # nan and infinities are doubtful, rounded below
        fraction = scaled - np.floor(scaled)
        doubtful = (np.abs(fraction - 0.5) <= 4 * np.spacing(np.abs(scaled))) | ~(np.abs(scaled) < 2.0**52)
    for i in np.flatnonzero(doubtful):
        out[i] = round(float(x[i]), 6)
    return out


def _texts(values: list[Any], *, empty_is_null: bool = True) -> pyarrow.Array:
    """Text values as an Arrow string array, ``""`` as null (``value or None`` in the rows)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    array = pa.array(values, type=pa.string())
    return pc.if_else(pc.not_equal(array, ""), array, None) if empty_is_null else array


def _joined_texts(values: Iterable[Sequence[str]]) -> pyarrow.Array:
    """:func:`_joined` of each sequence, as an Arrow string array."""
    joined = _joined
    return _texts([v[0] if len(v) == 1 else joined(v) for v in values])


def _distinct_in_rows(values: pyarrow.Array, counts: Any) -> tuple[Any, Any]:
    """Each row's distinct values, row by row and sorted within a row (as ``sorted(set(...))``).

    Row ``i`` holds the next ``counts[i]`` of ``values`` (text, no nulls). Returns
    the indices into ``values`` of the distinct ones and their rows, as numpy arrays.
    Strings sort by code point, as Python sorts them (UTF-8 keeps that order).
    """
    import numpy as np
    import pyarrow.compute as pc

    encoded = values.dictionary_encode()
    order = pc.sort_indices(encoded.dictionary).to_numpy()
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    codes = rank[encoded.indices.to_numpy(zero_copy_only=False)]
    rows = np.repeat(np.arange(len(counts)), counts)
    at = np.lexsort((codes, rows))
    rows, codes = rows[at], codes[at]
    first = np.ones(len(at), dtype=bool)
    first[1:] = (rows[1:] != rows[:-1]) | (codes[1:] != codes[:-1])
    return at[first], rows[first]


def _sorted_distinct_texts(values: pyarrow.Array, counts: Any) -> pyarrow.Array:
    """Per row, its distinct non-empty values sorted and joined by ``"; "``, null when none.

    The vectorised ``"; ".join(sorted(set(values) - {""})) or None`` of the rows.

    >>> import pyarrow as pa
    >>> _sorted_distinct_texts(pa.array(["Dawn", "", "BBC", "Dawn", "", "x"]), [4, 1, 0, 1]).to_pylist()
    ['BBC; Dawn', None, None, 'x']
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    at, rows = _distinct_in_rows(values, counts)
    taken = values.take(pa.array(at))
    filled = pc.not_equal(taken, "").to_numpy(zero_copy_only=False)
    taken, rows = taken.filter(pa.array(filled)), rows[filled]
    per_row = np.bincount(rows, minlength=len(counts))
    offsets = np.zeros(len(counts) + 1, dtype=np.int32)
    np.cumsum(per_row, out=offsets[1:])
    joined = pc.binary_join(pa.ListArray.from_arrays(pa.array(offsets), taken), "; ")
    return pc.if_else(pa.array(per_row > 0), joined, None)


def _integers(values: Any, valid: Any = None) -> pyarrow.Array:
    """An Arrow int64 array from a numpy array, null where ``valid`` is False."""
    import numpy as np
    import pyarrow as pa

    data = np.ascontiguousarray(values, dtype=np.int64)
    bitmap = None if valid is None or valid.all() else pa.py_buffer(np.packbits(valid, bitorder="little"))
    return pa.Array.from_buffers(pa.int64(), len(data), [bitmap, pa.py_buffer(data)], null_count=-1)


def _figure_arrays(figures: Sequence[Sequence[Figure]]) -> list[pyarrow.Array]:
    """The :data:`FIGURE_COLUMNS` of rows with these figures, as :func:`_figure_values` fills them.

    Figures of other outcomes or groups are left out; when a row has two figures
    of one outcome and group, the later one counts.
    """
    import numpy as np
    import pyarrow as pa

    n = len(figures)
    counts = np.fromiter(map(len, figures), dtype=np.int64, count=n)
    flat = list(itertools.chain.from_iterable(figures))
    keys = map(operator.attrgetter("outcome", "group"), flat)
    at = np.fromiter(map(_FIGURE_OFFSETS.get, keys, itertools.repeat(-1)), dtype=np.int64, count=len(flat))
    rows = np.repeat(np.arange(n), counts)
    take = np.flatnonzero(at >= 0)
    cells = at[take] // 3 * n + rows[take]
    marks = np.zeros(len(_FIGURE_KEYS) * n, dtype=bool)
    marks[cells] = True
    if np.count_nonzero(marks) < len(cells):  # a key twice in a row: keep its last figure
        _, last = np.unique(cells[::-1], return_index=True)
        take = np.sort(take[len(take) - 1 - last])
    rows, at = rows[take], at[take]
    values = np.zeros((len(FIGURE_COLUMNS), n), dtype=np.int64)
    valid = np.zeros((len(FIGURE_COLUMNS), n), dtype=bool)
    chosen = pa.array(take)
    for offset, bound in enumerate(BOUNDS):
        array = pa.array(list(map(operator.attrgetter(bound), flat)), type=pa.int64()).take(chosen)
        values[at + offset, rows] = array.fill_null(0).to_numpy()
        valid[at + offset, rows] = array.is_valid().to_numpy(zero_copy_only=False)
    return [_integers(values[i], valid[i]) for i in range(len(FIGURE_COLUMNS))]


@dataclass(slots=True)
class _Columns:
    """A layer as Arrow columns in :data:`SCHEMAS` order and its points.

    Row ``i`` has the next ``counts[i]`` positions of ``lon``/``lat`` (numpy arrays,
    rounded as :func:`geoincident.records.geojson_position` rounds them).
    """

    layer: str
    arrays: list[pyarrow.Array]
    counts: Any
    lon: Any
    lat: Any


def _site_points(sites: Sequence[Site | Place]) -> tuple[Any, Any]:
    """Rounded longitudes and latitudes of sites (or places)."""
    import numpy as np

    lon = np.fromiter(map(operator.attrgetter("lon"), sites), dtype=float, count=len(sites))
    lat = np.fromiter(map(operator.attrgetter("lat"), sites), dtype=float, count=len(sites))
    return _round6(lon), _round6(lat)


def _incident_columns(incidents: Sequence[Incident]) -> _Columns:
    """The incidents layer as columns: the values of :func:`_incidents_table`, column by column."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    incs = list(incidents)
    n = len(incs)
    get = operator.attrgetter
    arrays = [_texts(list(map(get("incident_id"), incs)), empty_is_null=False)]
    for name in ("title", "date_start", "date_end", "date_precision", "event_type", "sub_event_type", "kind"):
        arrays.append(_texts(list(map(get(name), incs))))
    arrays.append(_joined_texts(map(get("actors"), incs)))
    arrays.append(_joined_texts(map(get("targets"), incs)))

    sites = list(map(get("sites"), incs))
    counts = np.fromiter(map(len, sites), dtype=np.int64, count=n)
    flat = list(map(get("site"), itertools.chain.from_iterable(sites)))
    names = list(map(get("name"), flat))
    if (counts == 1).all():
        arrays += [_integers(counts), _texts(names)]
    else:
        it = iter(names)
        arrays += [_integers(counts), _joined_texts([list(itertools.islice(it, c)) for c in counts.tolist()])]
    areas = list(map(get("area"), incs))
    arrays.append(_texts([a.name if a is not None else None for a in areas], empty_is_null=False))
    arrays.append(_texts([a.place_id if a is not None else None for a in areas], empty_is_null=False))

    # geo_precision: the finest known code of the sites, else the area's
    codes = np.fromiter(map(PRECISION_CODES.get, map(get("precision"), flat), itertools.repeat(_NO_CODE)),
                        dtype=np.int64, count=len(flat))  # fmt: skip
    finest = np.full(n, _NO_CODE, dtype=np.int64)
    located = counts > 0
    if located.any():
        finest[located] = np.minimum.reduceat(codes, (np.cumsum(counts) - counts)[located])
    for i in np.flatnonzero(finest == _NO_CODE).tolist():
        if areas[i] is not None:
            finest[i] = areas[i].geo_precision
    arrays.append(_integers(finest, finest != _NO_CODE))

    # sources: how many outlets (an article without one counts alone), which outlets, which URLs
    sources = list(map(get("sources"), incs))
    source_counts = np.fromiter(map(len, sources), dtype=np.int64, count=n)
    flat_sources = list(itertools.chain.from_iterable(sources))
    outlets = pa.array(list(map(get("outlet"), flat_sources)), type=pa.string())
    urls = pa.array(list(map(get("url"), flat_sources)), type=pa.string())
    counted = outlets
    if pc.any(pc.equal(outlets, "")).as_py():
        article_ids = pa.array(list(map(get("article_id"), flat_sources)), type=pa.string())
        counted = pc.if_else(pc.not_equal(outlets, ""), outlets, article_ids)
    _, rows = _distinct_in_rows(counted, source_counts)
    arrays.append(_integers(np.bincount(rows, minlength=n)))  # Incident.n_sources
    arrays += [_sorted_distinct_texts(outlets, source_counts), _sorted_distinct_texts(urls, source_counts)]
    arrays.append(_texts([" | ".join(flags) for flags in map(get("flags"), incs)]))
    arrays += _figure_arrays(list(map(get("figures"), incs)))

    # points: the sites', else the area's, else none
    lon, lat = _site_points(flat)
    unsited = [i for i in np.flatnonzero(~located).tolist() if areas[i] is not None]
    if unsited:
        row_of = np.concatenate([np.repeat(np.arange(n), counts), unsited])
        order = np.argsort(row_of, kind="stable")
        area_lon, area_lat = _site_points([areas[i] for i in unsited])
        lon, lat = np.concatenate([lon, area_lon])[order], np.concatenate([lat, area_lat])[order]
        counts = counts.copy()
        counts[unsited] = 1
    return _Columns("incidents", arrays, counts, lon, lat)


def _site_columns(incidents: Sequence[Incident]) -> _Columns:
    """The sites layer as columns: the values of :func:`_sites_table`, column by column."""
    import numpy as np
    import pyarrow as pa

    incs = list(incidents)
    get = operator.attrgetter
    sites = list(map(get("sites"), incs))
    counts = np.fromiter(map(len, sites), dtype=np.int64, count=len(incs))
    row_of = pa.array(np.repeat(np.arange(len(incs)), counts))
    isites = list(itertools.chain.from_iterable(sites))
    flat = list(map(get("site"), isites))
    precisions = list(map(get("precision"), flat))
    codes = np.fromiter(map(PRECISION_CODES.get, precisions, itertools.repeat(_NO_CODE)),
                        dtype=np.int64, count=len(flat))  # fmt: skip

    def of_incident(name: str, *, empty_is_null: bool = True) -> pyarrow.Array:
        return _texts(list(map(get(name), incs)), empty_is_null=empty_is_null).take(row_of)

    arrays = [
        of_incident("incident_id", empty_is_null=False),
        _integers(np.arange(len(flat)) - np.repeat(np.cumsum(counts) - counts, counts)),
        _texts(list(map(get("name"), flat))),
        _texts(list(map(get("place_id"), flat))),
        _texts(precisions),
        _integers(codes, codes != _NO_CODE),
        *(_texts(list(map(get(name), flat))) for name in ("district", "province", "country")),
        _joined_texts(map(get("article_ids"), isites)),
        *(of_incident(name) for name in ("title", "date_start", "date_end", "event_type")),
        *_figure_arrays(list(map(get("figures"), isites))),
    ]
    lon, lat = _site_points(flat)
    return _Columns("sites", arrays, np.ones(len(flat), dtype=np.int64), lon, lat)


#: Layers built straight into columns (the others go through their rows).
_COLUMN_BUILDERS = {"incidents": _incident_columns, "sites": _site_columns}


def _arrow_batches(tables: Iterable[_Table], layer: str) -> pyarrow.RecordBatchReader:
    """The tables as one stream of Arrow batches: the columns plus WKB in a ``geometry`` column."""
    import pyarrow as pa
    import shapely

    schema = _arrow_schema(layer, extra=[("geometry", pa.binary())])
    promote = _GDAL_GEOMETRY_TYPES[layer].startswith("Multi")

    def batches() -> Iterator[pyarrow.RecordBatch]:
        for table in tables:
            wkb = _points_wkb(table, promote=promote)
            if wkb is None:
                wkb = pa.array(shapely.to_wkb(_shapely_geometries(table, promote=promote)), type=pa.binary())
            yield pa.record_batch([*_arrow_columns(table), wkb], schema=schema)

    return pa.RecordBatchReader.from_batches(schema, batches())


def _layer_batches(collection: IncidentCollection, layer: str) -> pyarrow.RecordBatchReader:
    """The layer as one stream of Arrow batches with WKB in a ``geometry`` column.

    The incidents and sites layers are built straight into columns, the others
    through their rows (:func:`_arrow_batches`).
    """
    import pyarrow as pa

    if layer not in _COLUMN_BUILDERS:
        return _arrow_batches(collection._tables(layer), layer)
    schema = _arrow_schema(layer, extra=[("geometry", pa.binary())])
    promote = _GDAL_GEOMETRY_TYPES[layer].startswith("Multi")

    def batches() -> Iterator[pyarrow.RecordBatch]:
        for part in collection._columns(layer):
            wkb = _wkb_points(part.counts, lon=part.lon, lat=part.lat, promote=promote)
            yield pa.record_batch([*part.arrays, wkb], schema=schema)

    return pa.RecordBatchReader.from_batches(schema, batches())


def _lat_lon(table: _Table) -> tuple[list[float | None], list[float | None]]:
    """One lat/lon per row for CSV: the first position, or a point inside a polygon."""
    lats: list[float | None] = []
    lons: list[float | None] = []
    for geometry in table.geometries:
        if geometry is None:
            lats.append(None)
            lons.append(None)
            continue
        if isinstance(geometry, dict):
            import shapely
            from shapely.geometry import shape

            point = shapely.point_on_surface(shape(geometry))
            lon, lat = geojson_position(lat=point.y, lon=point.x)
        else:
            lon, lat = geometry[0]
        lats.append(lat)
        lons.append(lon)
    return lats, lons


# --------------------------------------------------------------------------- files


@dataclass(frozen=True, slots=True)
class Format:
    """An output format: its name, the GDAL driver that reads it, its extension."""

    name: str
    driver: str
    extension: str
    multi_layer: bool  # True when one file holds every layer


#: Formats by name. A directory gets one file per layer; a file's extension picks its format.
FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("geojson", "GeoJSON", ".geojson", False),
        Format("geojsonl", "GeoJSONSeq", ".geojsonl", False),
        Format("geojsons", "GeoJSONSeq", ".geojsons", False),
        Format("gpkg", "GPKG", ".gpkg", True),
        Format("fgb", "FlatGeobuf", ".fgb", False),
        Format("csv", "CSV", ".csv", False),
    )
}
_BY_EXTENSION = {f.extension: f for f in FORMATS.values()}
_BY_DRIVER = {f.driver.casefold(): f for f in reversed(list(FORMATS.values()))}


def _format_named(driver: str) -> Format:
    key = driver.casefold().lstrip(".")
    found = FORMATS.get(key) or _BY_DRIVER.get(key)
    if found is None:
        raise UsageError(f"unknown format {driver!r}; the formats are {', '.join(FORMATS)}")
    return found


@dataclass(frozen=True, slots=True)
class _Output:
    path: Path
    layers: tuple[str, ...]
    format: Format


def _nearest_existing(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path(".")


def _check_writable_dir(directory: Path, shown: str | Path) -> None:
    existing = _nearest_existing(directory)
    if not existing.is_dir():
        raise OutputError(f"cannot write {shown}: {existing} is not a directory")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write {shown}: {existing} is not writable (choose a writable directory)")


def _plan(path: str | Path, *, layers: str | Iterable[str] | None, driver: str | None) -> list[_Output]:
    text = os.fspath(path)
    target = Path(text)
    is_dir = target.is_dir() or text.endswith(("/", os.sep)) or not target.suffix
    if is_dir:
        if target.exists() and not target.is_dir():
            raise OutputError(f"cannot write {text}: it is a file, not a directory")
        fmt = _format_named(driver) if driver else FORMATS["geojson"]
        names = _check_layers(layers)
        _check_writable_dir(target, text)
        return [_Output(target / f"{name}{fmt.extension}", (name,), fmt) for name in names]
    fmt = _BY_EXTENSION.get(target.suffix.lower())
    if fmt is None:
        raise OutputError(
            f"cannot write {text}: unknown extension {target.suffix!r}; use a directory (one file per "
            f"layer) or one of {', '.join(_BY_EXTENSION)}"
        )
    if driver and _format_named(driver) is not fmt:
        raise UsageError(f"format {driver!r} does not match the extension of {text} ({fmt.name})")
    names = _check_layers(layers, default=LAYERS if fmt.multi_layer else ("incidents",))
    if len(names) > 1 and not fmt.multi_layer:
        raise UsageError(
            f"a {fmt.extension} file holds one layer, and {len(names)} were asked for "
            f"({', '.join(names)}); ask for one, or write a directory with the {fmt.name} format, "
            f"or a .gpkg file, which holds every layer"
        )
    _check_writable_dir(target.parent, text)
    return [_Output(target, names, fmt)]


def check_output(
    path: str | Path, *, layers: str | Iterable[str] | None = None, driver: str | None = None
) -> list[Path]:
    """The files :func:`write_layers` would write, or the error it would raise, without writing.

    Commands call it before the slow work, to fail fast on a bad ``-o``.

    >>> [p.name for p in check_output("layers/", layers="incidents,sites")]
    ['incidents.geojson', 'sites.geojson']
    >>> check_output("out.shp")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    geoincident.errors.OutputError: cannot write out.shp: unknown extension '.shp'; use a directory ...
    """
    return [out.path for out in _plan(path, layers=layers, driver=driver)]


@contextlib.contextmanager
def _gdal_errors(path: Path) -> Iterator[None]:
    try:
        yield
    except RuntimeError as err:  # pyogrio's DataSourceError, DataLayerError, ... are RuntimeErrors
        raise OutputError(f"cannot write {path}: {err}") from err


@contextlib.contextmanager
def _reproducible_gdal_dates() -> Iterator[None]:
    """With ``SOURCE_DATE_EPOCH`` set (reproducible builds), GeoPackages carry that date, not now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        yield
        return
    import datetime

    import pyogrio

    when = datetime.datetime.fromtimestamp(int(epoch), tz=datetime.timezone.utc)
    before = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": when.strftime("%Y-%m-%dT%H:%M:%S.000Z")})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": before})


#: A generous size of one feature of the incidents or sites layer in a FlatGeobuf file.
_FGB_ROW_BYTES = 2_048


def _fits_in_memory(collection: IncidentCollection, layer: str) -> bool:
    """Whether GDAL may keep in memory the copy of a FlatGeobuf layer it sorts for the spatial index.

    GDAL writes the features to a temporary file, then copies them in the order of
    the index; in memory (GDAL's ``/vsimem/``) that copy costs 1.3-1.6x less than in
    a file beside the output (measured at a million incidents). Only the incidents
    and sites layers, whose row counts are known, and only when that copy, counted
    generously, fits in a quarter of the free memory; otherwise the file it is.
    """
    if layer == "incidents":
        rows = len(collection.incidents)
    elif layer == "sites":
        rows = sum(map(len, map(operator.attrgetter("sites"), collection.incidents)))
    else:
        return False
    try:
        free = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):  # not a POSIX system that tells
        return False
    return rows * _FGB_ROW_BYTES <= free // 4


def _write_one(collection: IncidentCollection, part: Path, out: _Output, *, spatial_index: bool) -> None:
    fmt = out.format
    if fmt.name in ("geojson", "geojsonl", "geojsons"):
        (layer,) = out.layers
        features = itertools.chain.from_iterable(map(_features, collection._tables(layer)))
        with open(part, "wb") as fh:
            if fmt.name == "geojson":
                dump_feature_collection(features, fh)
            else:
                dump_feature_sequence(features, fh, rs=fmt.name == "geojsons")
        return
    if fmt.name == "csv":
        import pyarrow as pa
        import pyarrow.csv

        (layer,) = out.layers
        schema = _arrow_schema(layer, extra=[("lat", pa.float64()), ("lon", pa.float64())])
        options = pyarrow.csv.WriteOptions(quoting_style="needed")
        with pyarrow.csv.CSVWriter(part, schema, write_options=options) as writer, _gc_paused():
            for table in collection._tables(layer):
                lats, lons = _lat_lon(table)
                lat_lon = [pa.array(lats, pa.float64()), pa.array(lons, pa.float64())]
                writer.write_batch(pa.record_batch([*_arrow_columns(table), *lat_lon], schema=schema))
        return
    import pyogrio

    with _gdal_errors(out.path), _reproducible_gdal_dates(), _gc_paused():
        for layer in out.layers:
            # FlatGeobuf's packed R-tree cannot hold a row without geometry (an unlocated
            # incident): such a layer is written without the index rather than without the row.
            index = spatial_index and not (fmt.name == "fgb" and collection._may_lack_geometry(layer))
            options = {} if index else {"SPATIAL_INDEX": "NO"}
            if index and fmt.name == "fgb" and _fits_in_memory(collection, layer):
                options["TEMPORARY_DIR"] = "/vsimem/"
            pyogrio.write_arrow(
                _layer_batches(collection, layer),
                part,
                layer=layer,
                driver=fmt.driver,
                geometry_name="geometry",
                geometry_type=_GDAL_GEOMETRY_TYPES[layer],
                crs="EPSG:4326",
                layer_options=options,
            )


def write_layers(
    data: Any,
    path: str | Path,
    *,
    layers: str | Iterable[str] | None = None,
    driver: str | None = None,
    spatial_index: bool = True,
) -> list[Path]:
    """Write layers of ``data`` to ``path``; return the files written.

    * a directory (existing, ending in ``/``, or without extension): one file per
      layer named after it, ``incidents.geojson``, ``sites.geojson``, ... (every
      layer unless ``layers`` says otherwise); ``driver`` picks another format
      for them (``geojsonl``, ``gpkg``, ``fgb``, ``csv``);
    * ``FILE.gpkg``: every layer (or ``layers``) in one GeoPackage;
    * ``FILE.geojson``, ``FILE.geojsonl``, ``FILE.geojsons``, ``FILE.fgb``,
      ``FILE.csv``: one layer per file, ``incidents`` unless ``layers`` names
      another (FlatGeobuf holds one layer per file; for several, write a directory
      with ``driver="fgb"``).

    CSV files carry ``lat`` and ``lon`` columns (an incident's first site; a point
    inside an area). ``spatial_index=False`` makes files slower to query
    and faster to write (about 15% for GeoPackage, 20% for FlatGeobuf, from a
    million incidents).

    Every file is written to a temporary file in its directory and renamed into
    place only when all of them are complete: on error nothing is left behind.
    Unknown layer or format: :class:`UsageError`; unknown extension or a path
    that cannot be written: :class:`OutputError`.
    """
    plan = _plan(path, layers=layers, driver=driver)
    collection = _collection(data)
    directory = plan[0].path.parent
    made = [] if directory.exists() else [d for d in (directory, *directory.parents) if not d.exists()]
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(f"cannot write {path}: {err.strerror or err}") from err
    try:
        with StagedFiles() as stage:
            for out in plan:
                _write_one(collection, stage.add(out.path), out, spatial_index=spatial_index)
    except BaseException:
        for d in made:  # innermost first; only the empty directories this call made
            with contextlib.suppress(OSError):
                d.rmdir()
        raise
    return [out.path for out in plan]

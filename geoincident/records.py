"""The records that flow through geoincident, from text to map.

Every stage takes and returns these immutable records; nothing here does I/O.

    text ──> Article ──> Mention (place, span, role)
                    └──> Claim (count, outcome, group, span, claimant)
                                    └──> ArticleEvent ──> Incident (sites, figures, sources)

Conventions (see ``docs/``):

* Coordinates are never anonymous pairs: ``lat`` and ``lon`` by name. GeoJSON
  positions (``[lon, lat]``) and Leaflet locations (``[lat, lon]``) are built
  only by :func:`geojson_position` and :func:`leaflet_location`.
* Counts are ranges, not floats: ``low``/``best``/``high`` with ``None`` for an
  open bound ("at least 145" is low=145, high=None).
* Every extracted thing keeps its evidence: ``start``/``end`` offsets into
  ``Article.text`` with ``text[start:end] == surface``, and its sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import MISSING, dataclass, field, fields
from typing import Any, Literal, TypeVar

#: Outcomes a casualty claim can report.
OUTCOMES: tuple[str, ...] = ("killed", "injured", "abducted", "arrested", "freed", "missing")
#: Outcomes flattened into layer columns.
LAYER_OUTCOMES: tuple[str, ...] = ("killed", "injured")
#: Groups a claim can count. ``total`` counts every group.
GROUPS: tuple[str, ...] = ("militants", "security_forces", "civilians", "unknown")
LAYER_GROUPS: tuple[str, ...] = GROUPS + ("total",)
BOUNDS: tuple[str, ...] = ("low", "best", "high")

#: Roles of a place mention.
ROLES: tuple[str, ...] = (
    "incident_site",  # where violence happened (in the reported event)
    "statement",  # where a statement or press conference was made
    "dateline",  # the dateline of the article
    "origin",  # origin or home of people
    "actor_base",  # where actors are said to be based
    "past_incident",  # site of a past incident recalled by the article
    "other",  # any other mention
)

#: Precision of a place, in the spirit of ACLED's ``geo_precision``:
#: 1 town or finer, 2 district (or a part of a region), 3 province or larger.
PRECISION_CODES: dict[str, int] = {
    "landmark": 1,
    "town": 1,
    "district": 2,
    "division": 3,
    "province": 3,
    "country": 3,
}

Role = Literal["incident_site", "statement", "dateline", "origin", "actor_base", "past_incident", "other"]
MatchKind = Literal["exact", "variant", "normalised", "fuzzy"]


def geojson_position(lat: float, lon: float) -> list[float]:
    """The GeoJSON position of a point: ``[lon, lat]`` rounded to 6 decimals (RFC 7946).

    >>> geojson_position(lat=30.18, lon=67.0)
    [67.0, 30.18]
    """
    return [round(float(lon), 6), round(float(lat), 6)]


_R = TypeVar("_R")


def fast_constructor(cls: Callable[..., _R]) -> Callable[..., _R]:
    """A function that makes records of the frozen, slotted dataclass ``cls`` exactly as its
    constructor does (same parameters, same defaults), in about 60 % of the time: it sets each
    slot directly instead of through ``object.__setattr__``, the price of ``frozen``. For the
    records made by the dozen in every article (mentions, claims, spots). ``cls`` itself when
    it has a ``__post_init__`` or a default factory.

    >>> make = fast_constructor(Candidate)
    >>> place = Place("q", "Quetta", "town", 30.18414, 67.00141)
    >>> make(place, 1.0, "exact", "Quetta") == Candidate(place, 1.0, "exact", "Quetta")
    True
    >>> fast_constructor(Place)("q", "Quetta", "town", 30.18414, 67.00141, source="GeoNames") == Place(
    ...     "q", "Quetta", "town", 30.18414, 67.00141, source="GeoNames")
    True
    """
    found = fields(cls)  # type: ignore[arg-type]
    if hasattr(cls, "__post_init__") or any(f.default_factory is not MISSING for f in found):
        return cls
    params = ", ".join(f.name if f.default is MISSING else f"{f.name}=_d_{f.name}" for f in found)
    body = "".join(f"    _s_{f.name}(obj, {f.name})\n" for f in found)
    names: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    for f in found:
        names[f"_s_{f.name}"] = getattr(cls, f.name).__set__
        if f.default is not MISSING:
            names[f"_d_{f.name}"] = f.default
    exec(f"def make({params}):\n    obj = _new(_cls)\n{body}    return obj\n", names)  # noqa: S102
    make = names["make"]
    make.__qualname__ = make.__name__ = f"make_{getattr(cls, '__name__', 'record')}"
    return make


def leaflet_location(lat: float, lon: float) -> list[float]:
    """The Leaflet location of a point: ``[lat, lon]``.

    >>> leaflet_location(lat=30.18, lon=67.0)
    [30.18, 67.0]
    """
    return [round(float(lat), 6), round(float(lon), 6)]


@dataclass(frozen=True, slots=True)
class Place:
    """A gazetteer entry."""

    place_id: str  # stable id, e.g. "pk-bal-town-nushki" or "gn:1168749"
    name: str  # canonical name
    feature_type: str  # country, province, division, district, town, landmark, ...
    lat: float
    lon: float
    country: str = ""  # ISO 3166-1 alpha-2, e.g. "PK"
    province: str = ""  # canonical name of the first-level division
    division: str = ""
    district: str = ""
    geonameid: int | None = None
    population: int = 0
    source: str = ""  # where the row (and its coordinates) came from
    parent_id: str = ""  # place_id of the place a landmark or sub-site belongs to

    @property
    def precision(self) -> str:
        """``town``, ``district``, ``province`` or ``country``: how exact a pin at this place is."""
        ft = self.feature_type
        if ft in ("country", "continent"):
            return "country"
        if ft in ("province", "division", "admin1"):
            return "province"
        if ft in ("district", "admin2", "tehsil"):
            return "district"
        return "town"

    @property
    def geo_precision(self) -> int:
        """ACLED-style code: 1 town, 2 district, 3 province or larger."""
        return PRECISION_CODES.get(self.precision, 1)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One ranked answer of a gazetteer lookup."""

    place: Place
    score: float  # 0..1, higher is better
    match: MatchKind  # how the name matched
    matched_name: str  # the gazetteer name (or variant) that matched
    needs_context: bool = False  # the name is also an ordinary word or a surname (Hub, Bela, Bugti)


@dataclass(frozen=True, slots=True)
class Article:
    """One news report. Offsets of mentions and claims index into ``text``."""

    id: str
    text: str  # body text with boilerplate removed; headline first when there is one
    title: str = ""
    published: str = ""  # ISO 8601 date ("2026-02-02"), just the year ("2026") when only that is known, or ""
    source: str = ""  # outlet ("Dawn", "Gulf News") or ""
    url: str = ""
    dateline: str = ""  # e.g. "ISLAMABAD" or "Islamabad, Feb 2"
    path: str = ""  # file it was read from, "" for in-memory text
    line: int = 0  # line in ``path`` for JSON lines, 0 otherwise


@dataclass(frozen=True, slots=True)
class Mention:
    """A toponym in an article."""

    article_id: str
    surface: str  # text[start:end]
    start: int
    end: int
    sentence: str
    role: Role
    place: Place | None  # None when unresolved
    score: float = 0.0
    match: str = ""
    candidates: tuple[Candidate, ...] = ()
    reason: str = ""  # why unresolved, or why resolved this way
    event_index: int | None = None  # index into the article's events, when tied to one

    @property
    def lat(self) -> float | None:
        return self.place.lat if self.place else None

    @property
    def lon(self) -> float | None:
        return self.place.lon if self.place else None


@dataclass(frozen=True, slots=True)
class Claim:
    """A casualty claim: "at least 145 militants were killed", said by someone."""

    article_id: str
    surface: str  # text[start:end], the number phrase and what it counts
    start: int
    end: int
    sentence: str
    outcome: str  # one of OUTCOMES
    group: str  # one of GROUPS
    low: int | None  # lower bound, None when open
    best: int | None  # best single value, None when there is none ("dozens")
    high: int | None  # upper bound, None when open
    qualifier: str = "exact"  # exact, at_least, over, nearly, about, up_to, range, vague
    parts: tuple[tuple[str, int], ...] = ()  # ("women", 5), ("children", 3)
    claimant: str = ""  # "Balochistan Chief Minister Sarfraz Bugti", "the military"
    claimant_type: str = ""  # government, military, militant_group, hospital, media, witness, ""
    time_scope: str = ""  # "on Saturday", "in the past two days"
    date: str = ""  # ISO date the claim refers to, "" when unknown
    date_precision: str = ""  # day, week, month, year
    place_name: str = ""  # the place the figure applies to, "" for the whole event
    place: Place | None = None
    scope: str = "event"  # "site" (a named place), "area" (district/province), "event" (whole)
    event_index: int = 0  # index into the article's events


@dataclass(frozen=True, slots=True)
class Site:
    """Where an event happened."""

    name: str
    place_id: str
    lat: float
    lon: float
    precision: str  # town, district, province, country
    place: Place | None = None
    district: str = ""
    province: str = ""
    country: str = ""

    @classmethod
    def at(cls, place: Place, *, name: str = "") -> Site:
        """The site at a gazetteer place, named as the text named it (``name``) or by the place's name.

        >>> quetta = Place("gn:1167528", "Quetta", "town", lat=30.18414, lon=67.00141, district="Quetta")
        >>> Site.at(quetta, name="Kwatah").lat, Site.at(quetta).name, Site.at(quetta).precision
        (30.18414, 'Quetta', 'town')
        """
        return cls(
            name=name or place.name,
            place_id=place.place_id,
            lat=place.lat,
            lon=place.lon,
            precision=place.precision,
            place=place,
            district=place.district,
            province=place.province,
            country=place.country,
        )


@dataclass(frozen=True, slots=True)
class ArticleEvent:
    """An event reported or recalled by one article."""

    article_id: str
    index: int  # 0 is the event the article reports; higher ones are recalled
    kind: str  # "main" or "past"
    title: str
    date: str  # ISO date ("2026-01-31"), "" when unknown
    date_precision: str  # day, week, month, year, ""
    event_type: str  # ACLED: Battles, Explosions/Remote violence, Violence against civilians
    sub_event_type: str  # ACLED sub-type: Armed clash, Suicide bomb, Attack, ...
    actors: tuple[str, ...]  # perpetrators, canonical names
    targets: tuple[str, ...]
    sites: tuple[Site, ...]
    area: Place | None  # district or province a whole-operation figure covers
    claims: tuple[Claim, ...]
    totals: dict[str, int | None] = field(default_factory=dict)  # "{outcome}_{group}_{bound}"
    source: str = ""
    published: str = ""
    url: str = ""


@dataclass(frozen=True, slots=True)
class ArticleRecord:
    """What :func:`geoincident.extraction` returns for one article."""

    article: Article
    mentions: tuple[Mention, ...]
    claims: tuple[Claim, ...]
    events: tuple[ArticleEvent, ...]


@dataclass(frozen=True, slots=True)
class Figure:
    """Reconciled low/best/high for one outcome and group of an incident."""

    outcome: str
    group: str
    low: int | None
    best: int | None
    high: int | None
    claims: tuple[Claim, ...]  # every claim behind the figure
    rule: str = ""


@dataclass(frozen=True, slots=True)
class IncidentSite:
    """A site of an incident, with the figures the text ties to it."""

    site: Site
    figures: tuple[Figure, ...] = ()
    article_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Source:
    """An article behind an incident."""

    article_id: str
    outlet: str
    url: str = ""
    published: str = ""
    title: str = ""


@dataclass(frozen=True, slots=True)
class Incident:
    """One real event, merged from every report of it."""

    incident_id: str
    title: str
    date_start: str
    date_end: str
    date_precision: str
    event_type: str
    sub_event_type: str
    actors: tuple[str, ...]
    targets: tuple[str, ...]
    sites: tuple[IncidentSite, ...]
    area: Place | None
    figures: tuple[Figure, ...]
    flags: tuple[str, ...]  # discrepancies between sources, stated in words
    sources: tuple[Source, ...]
    events: tuple[ArticleEvent, ...]  # the article events merged here
    kind: str = "main"  # "main" when some article reports it, "past" when only recalled

    @property
    def n_sources(self) -> int:
        """Number of independent outlets."""
        return len({s.outlet or s.article_id for s in self.sources})

    def figure(self, outcome: str, group: str) -> Figure | None:
        for f in self.figures:
            if f.outcome == outcome and f.group == group:
                return f
        return None

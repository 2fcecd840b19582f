"""Merge article events into incidents: one record per real event, low/best/high figures, an audit trail.

Pure core: article records (or plain article events) in, :class:`~geoincident.records.Incident` out.
The rules are documented in ``docs/reconciliation.md``; in short:

* **Clustering.** Two article events belong to one incident when their dates lie within
  :data:`DATE_WINDOW_DAYS` of each other, they share a place (a resolved site ``place_id``, a site
  district, or the area of an event that names no site), and the actors they name, when both name
  some, overlap. Events of one article never merge (a past incident recalled in passing stays its own
  incident), and an incident spans at most :data:`MAX_SPAN_DAYS` days of day-precise dates.
* **Figures.** For each outcome and group, ``low``/``best``/``high`` from every whole-incident claim by
  the chosen rule (:data:`RULES`): ``ucdp`` (default) takes the figure the latest and most outlets
  report as ``best``; ``acled`` takes the lowest credible point figure. ``low`` and ``high`` are the
  lowest and highest credible figures. Nothing is averaged; every claim stays behind its figure.
* **Flags.** Discrepancies are stated in words: breakdowns that do not make the total, sources that
  disagree, parts that exceed a total, figures outside the range of the others.
* **Memory.** :func:`build_incidents` holds every event until the incidents are made;
  :func:`build_incidents_on_disk` gives the same incidents keeping only each event's clustering key in
  memory (about 100 bytes), the events and then the incidents waiting in temporary files
  (:mod:`geoincident.spill`), so its peak memory hardly grows with the corpus (``docs/cluster.md``).

>>> build_incidents([])
[]
"""

from __future__ import annotations

import gc
import hashlib
import itertools
import sys
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geoincident.errors import UsageError
from geoincident.spill import SpilledSequence
from geoincident.records import (
    BOUNDS,
    GROUPS,
    LAYER_GROUPS,
    LAYER_OUTCOMES,
    OUTCOMES,
    PRECISION_CODES,
    ArticleEvent,
    ArticleRecord,
    Claim,
    Figure,
    Incident,
    IncidentSite,
    Place,
    Site,
    Source,
)

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "RULES",
    "DEFAULT_RULE",
    "ClaimBounds",
    "IncidentSequence",
    "build_incidents",
    "build_incidents_on_disk",
    "claim_bounds",
    "incident_to_dict",
    "reconcile_claims",
]

#: Reconciliation rules a user can choose. ``ucdp`` is the default.
RULES: tuple[str, ...] = ("acled", "ucdp")
DEFAULT_RULE = "ucdp"

#: Two events are close enough in time when their date ranges are at most this many days apart
#: (same or adjacent day for day-precise dates).
DATE_WINDOW_DAYS = 1
#: An incident never spans more than this many days between its earliest and latest day-precise date,
#: so that a chain of daily reports cannot glue a week of separate attacks together.
MAX_SPAN_DAYS = 3
#: An event without a date is taken to have happened within this many days before publication.
UNDATED_LOOKBACK_DAYS = 3
#: Groups counted as the victims of an attack: a count of "people" (group ``unknown``) is compared with
#: their sum, and overlaps it, rather than adding to it.
VICTIM_GROUPS: tuple[str, ...] = ("security_forces", "civilians")
PEOPLE_GROUP = "unknown"
#: Claimant types whose figures about their adversaries are kept and shown but not used for the bounds
#: while any other source gives a figure.
PARTISAN_CLAIMANTS: frozenset[str] = frozenset({"militant_group"})

_GROUP_WORDS = {
    "militants": "militants",
    "security_forces": "security forces",
    "civilians": "civilians",
    "unknown": "people (group not stated)",
    "total": "total",
}
# ACLED sub-event type (or event type) -> (singular, plural) for incident titles.
_TITLE_WORDS: dict[str, tuple[str, str]] = {
    "Armed clash": ("Armed clash", "Armed clashes"),
    "Violence against civilians/Attack": ("Attack on civilians", "Attacks on civilians"),
    "Attack": ("Attack", "Attacks"),
    "Suicide bomb": ("Suicide bombing", "Suicide bombings"),
    "Remote explosive/landmine/IED": ("Bombing", "Bombings"),
    "Grenade": ("Grenade attack", "Grenade attacks"),
    "Shelling/artillery/missile attack": ("Shelling", "Shelling"),
    "Air/drone strike": ("Air strike", "Air strikes"),
    "Abduction/forced disappearance": ("Abduction", "Abductions"),
    "Battles": ("Clash", "Clashes"),
    "Explosions/Remote violence": ("Explosion", "Explosions"),
    "Violence against civilians": ("Attack on civilians", "Attacks on civilians"),
}
_MAX_TITLE_SITES = 7


# --------------------------------------------------------------------------- reading one claim


@dataclass(frozen=True, slots=True)
class ClaimBounds:
    """What one claim says about a count: a lower bound, a point figure and an upper bound.

    ``point`` is a number a source gives as the count ("145", "at least 145", "about 50");
    bounds alone ("over 100", "nearly 50", "dozens") have no point. ``None`` is an open or unknown bound.
    """

    low: int | None
    point: int | None
    high: int | None

    @property
    def floor(self) -> int | None:
        """The lowest count the claim allows, when it says."""
        return self.low if self.low is not None else self.point

    @property
    def ceiling(self) -> int | None:
        """The highest count the claim allows or names, when it says."""
        return self.high if self.high is not None else self.point


def claim_bounds(claim: Claim) -> ClaimBounds:
    """Read a claim as bounds, by its qualifier.

    "at least N" is a lower bound whose N is also a point figure; "over N" is only a lower bound
    (N + 1); "nearly N", "up to N" and "under N" are only upper bounds; "dozens" is only a lower bound.

    >>> c = Claim("a", "over 100 militants", 0, 18, "", "killed", "militants", 101, 101, None, "over")
    >>> claim_bounds(c)
    ClaimBounds(low=101, point=None, high=None)
    >>> claim_bounds(Claim("a", "nearly 50 people", 0, 16, "", "killed", "unknown", None, None, 50, "nearly"))
    ClaimBounds(low=None, point=None, high=50)
    """
    return _bounds_by_qualifier(claim.qualifier, claim.low, claim.best, claim.high)


@lru_cache(maxsize=4096)
def _bounds_by_qualifier(q: str, low: int | None, best: int | None, high: int | None) -> ClaimBounds:
    if q == "exact":
        v = next((x for x in (best, low, high) if x is not None), None)
        return ClaimBounds(v, v, v)
    if q == "at_least":
        v = low if low is not None else best
        return ClaimBounds(v, v, None)
    if q == "over":
        if low is None and best is not None:
            low = best + 1
        return ClaimBounds(low, None, None)
    if q in ("nearly", "up_to", "under"):
        return ClaimBounds(low, None, high if high is not None else best)
    if q == "about":
        return ClaimBounds(low, best, high)
    return ClaimBounds(low, None, high)  # range, vague, anything else: bounds only


def _phrase(claim: Claim) -> str:
    """A short wording of what a claim says: "at least 145", "nearly 50", "dozens (24 or more)"."""
    b = claim_bounds(claim)
    q = claim.qualifier
    if q == "exact" and b.point is not None:
        return str(b.point)
    words = {"at_least": "at least", "over": "over", "nearly": "nearly", "about": "about", "up_to": "up to"}
    n = claim.best if claim.best is not None else claim.high if claim.high is not None else claim.low
    if q == "over" and b.low is not None:
        return f"over {b.low - 1}"
    if q in words and n is not None:
        return f"{words[q]} {n}"
    if q == "range" and b.low is not None and b.high is not None:
        return f"{b.low}-{b.high}"
    bits = []
    if b.low is not None:
        bits.append(f"{b.low} or more")
    if b.high is not None:
        bits.append(f"{b.high} or fewer")
    text = claim.surface.strip() or q
    return f"{text!r} ({', '.join(bits)})" if bits else repr(text)


# --------------------------------------------------------------------------- reconciling figures


@dataclass(frozen=True, slots=True)
class _Evidence:
    """One whole-incident figure: a claim, or a sum derived from parts."""

    bounds: ClaimBounds
    outlets: frozenset[str]
    published: str
    claims: tuple[Claim, ...]


@dataclass(frozen=True, slots=True)
class _Sources:
    """Where each article came from, for support counts and the audit trail."""

    outlet: Mapping[str, str]
    published: Mapping[str, str]

    def outlet_of(self, article_id: str) -> str:
        return self.outlet.get(article_id) or article_id

    def published_of(self, article_id: str) -> str:
        return self.published.get(article_id, "")


def _check_rule(rule: str) -> None:
    if rule not in RULES:
        raise UsageError(f"unknown reconciliation rule {rule!r}: choose one of {', '.join(RULES)}")


def _time_key(claim: Claim) -> str:
    """The single day a claim counts, when it counts one day only ("on Saturday")."""
    if claim.date and claim.date_precision == "day":
        return claim.date
    scope = claim.time_scope.strip().lower()
    return scope if scope.startswith("on ") else ""


def _time_label(claim: Claim) -> str:
    return claim.date if claim.date and claim.date_precision == "day" else claim.time_scope.strip()


def _is_partisan(claim: Claim) -> bool:
    return claim.claimant_type in PARTISAN_CLAIMANTS


def _is_site_claim(claim: Claim, *, at_site: bool = False) -> bool:
    """True when the claim counts one named place, not the whole incident or its area."""
    if at_site or claim.scope != "site":
        return False
    return not (claim.place is not None and claim.place.precision in ("province", "country"))


def _unique(claims: Iterable[Claim]) -> list[Claim]:
    """Claims once each, by identity (hashing a claim hashes its place too)."""
    return list({id(c): c for c in claims}.values())


def _sort_claims(claims: Iterable[Claim]) -> tuple[Claim, ...]:
    def key(c: Claim) -> tuple:
        return (c.article_id, c.start, c.end, c.surface, c.outcome, c.group)

    return tuple(sorted(_unique(claims), key=key))


def _breakdowns(claims: Sequence[Claim], *, at_site: bool = False) -> list[tuple[Claim, ...]]:
    """Claims of one sentence that count different single days: "92 on Saturday and another 41 on Friday"."""
    by_sentence: dict[tuple[str, str, int], dict[str, Claim]] = defaultdict(dict)
    for c in sorted(claims, key=lambda c: (c.article_id, c.start)):
        key = _time_key(c)
        if key and claim_bounds(c).point is not None and not _is_site_claim(c, at_site=at_site):
            sentence = (c.article_id, c.sentence, c.start if not c.sentence else 0)
            by_sentence[sentence].setdefault(key, c)
    return [tuple(days.values()) for _, days in sorted(by_sentence.items()) if len(days) >= 2]


def _bounds_of(evidence: Sequence[_Evidence], *, rule: str) -> tuple[int | None, int | None, int | None]:
    floors = [e.bounds.floor for e in evidence if e.bounds.floor is not None]
    ceilings = [e.bounds.ceiling for e in evidence if e.bounds.ceiling is not None]
    points = [e for e in evidence if e.bounds.point is not None]
    low = min(floors) if floors else None
    high = max(ceilings) if ceilings else None
    best: int | None
    if not points:
        best = max(floors) if floors else None  # at least this many, by every rule
    elif rule == "acled":
        best = min(e.bounds.point for e in points if e.bounds.point is not None)
    else:
        support: dict[int, set[str]] = defaultdict(set)
        latest: dict[int, str] = defaultdict(str)
        for e in points:
            v = e.bounds.point
            assert v is not None
            support[v] |= e.outlets
            latest[v] = max(latest[v], e.published)
        best = max(support, key=lambda v: (latest[v], len(support[v]), v))
    if best is not None:
        low = best if low is None else min(low, best)
        high = None if high is None else max(high, best)  # an open upper bound stays open
    return low, best, high


def _sum_known(values: Iterable[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def _sum_evidence(parts: Sequence[_Evidence]) -> _Evidence:
    def total(values: list[int | None]) -> int | None:
        return None if any(v is None for v in values) else sum(v for v in values if v is not None)

    bounds = ClaimBounds(
        total([p.bounds.floor for p in parts]),
        total([p.bounds.point for p in parts]),
        total([p.bounds.ceiling for p in parts]),
    )
    return _Evidence(
        bounds,
        frozenset().union(*(p.outlets for p in parts)),
        max((p.published for p in parts), default=""),
        tuple(c for p in parts for c in p.claims),
    )


def _evidence(claim: Claim, sources: _Sources) -> _Evidence:
    return _Evidence(
        claim_bounds(claim),
        frozenset({sources.outlet_of(claim.article_id)}),
        sources.published_of(claim.article_id),
        (claim,),
    )


def _span(low: int | None, high: int | None) -> str:
    if low == high:
        return str(low)
    return f"{'?' if low is None else low}-{'open' if high is None else high}"


def _describe_sources(claims: Iterable[Claim], sources: _Sources) -> str:
    speakers = sorted({c.claimant for c in claims if c.claimant})
    outlets = sorted({sources.outlet_of(c.article_id) for c in claims})
    return "; ".join(x for x in (", ".join(speakers), ", ".join(outlets)) if x)


def _reconcile_group(
    claims: Sequence[Claim],
    *,
    outcome: str,
    group: str,
    rule: str,
    sources: _Sources,
    other_parts: Mapping[tuple[str, str, str, int], set[str]] | None = None,
    site_figures: Sequence[Figure] = (),
    at_site: bool = False,
) -> tuple[Figure, list[str]]:
    """Low/best/high for one outcome and group of one incident (or one site), with its flags."""
    what = f"{outcome} {_GROUP_WORDS.get(group, group)}"
    flags: list[str] = []
    breakdowns = _breakdowns(claims, at_site=at_site)
    in_breakdown = {id(c) for b in breakdowns for c in b}
    whole: list[Claim] = []
    for c in _unique(claims):
        if id(c) in in_breakdown or _is_site_claim(c, at_site=at_site):
            continue
        key, point = _time_key(c), claim_bounds(c).point
        if other_parts and point is not None and c.qualifier == "exact":
            # the same number as one day of a breakdown another article gives (on that day, or with no
            # day of its own): that part again, not a figure for the whole incident
            if any(a != c.article_id for a in other_parts.get((outcome, group, key, point), ())):
                continue
        whole.append(c)
    tiers = (
        [c for c in whole if not _is_partisan(c) and c.qualifier != "vague"],
        [c for c in whole if not _is_partisan(c)],
        whole,
    )
    used = next((t for t in tiers if t), [])
    used_ids = {id(c) for c in used}
    evidence = [_evidence(c, sources) for c in used]
    derived = ""
    if not evidence and breakdowns and not site_figures:
        evidence = [_sum_evidence([_evidence(c, sources) for c in b]) for b in breakdowns]
        derived = "the sum of a day-by-day breakdown"
    low, best, high = _bounds_of(evidence, rule=rule)
    if not evidence and site_figures:
        derived = "the sum of its sites"
        low, best, high = (_sum_known([getattr(f, bound) for f in site_figures]) for bound in BOUNDS)
        if any(f.high is None for f in site_figures):
            high = None
    if derived and best is not None:
        flags.append(f"{what}: no source gives a figure for the whole incident; {best} is {derived}")

    # breakdowns that do not make the total (identical breakdowns from several outlets reported once)
    def values_of(b: tuple[Claim, ...]) -> tuple[int, ...]:
        return tuple(sorted((claim_bounds(c).point or 0 for c in b), reverse=True))

    seen: dict[tuple[int, ...], list[Claim]] = {}
    for b in breakdowns:
        seen.setdefault(values_of(b), []).extend(b)
    for values, cs in seen.items():
        total = sum(values)
        if derived == "the sum of a day-by-day breakdown" or best is None or total == best:
            continue
        first = min(
            (b for b in breakdowns if values_of(b) == values),
            key=lambda b: (not all(c.date for c in b), b[0].article_id),
        )
        labels = sorted(((claim_bounds(c).point or 0, _time_label(c)) for c in first), key=lambda x: -x[0])
        terms = " + ".join(f"{v} ({label})" for v, label in labels)
        flags.append(
            f"{what}: {terms} = {total} ({_describe_sources(cs, sources)}) does not make the total of {best}"
        )

    # sources that disagree on the point figure
    by_point: dict[int, list[Claim]] = defaultdict(list)
    for e in evidence:
        if e.bounds.point is not None and not derived:
            by_point[e.bounds.point].extend(e.claims)
    if len(by_point) > 1:
        ordered = sorted(by_point, key=lambda v: (v != best, -v))
        listed = " vs ".join(f"{v} ({_describe_sources(by_point[v], sources)})" for v in ordered)
        flags.append(f"{what}: sources differ: {listed}; best {best} by the {rule} rule")

    # bounds that contradict the best figure, and claims left out of the bounds that fall outside them
    for c in sorted(whole, key=lambda c: (c.article_id, c.start)):
        b = claim_bounds(c)
        if id(c) in used_ids:
            if (
                b.point is None
                and best is not None
                and ((b.low is not None and b.low > best) or (b.high is not None and b.high < best))
            ):
                who = _describe_sources([c], sources)
                flags.append(f"{what}: {_phrase(c)} ({who}) does not fit the best figure {best}")
            continue
        outside = (b.floor is not None and high is not None and b.floor > high) or (
            b.ceiling is not None and low is not None and b.ceiling < low
        )
        if outside:
            why = "a party to the fighting" if _is_partisan(c) else "vague"
            flags.append(
                f"{what}: {_phrase(c)} ({_describe_sources([c], sources)}; {why}, not used) "
                f"lies outside {_span(low, high)}"
            )

    # parts named inside one claim that exceed it: "17 soldiers and 31 civilians" against "nearly 40"
    for c in _sort_claims(c for c in claims if c.parts):
        ceiling = claim_bounds(c).ceiling
        parts_sum = sum(n for _, n in c.parts)
        if c.parts and ceiling is not None and parts_sum > ceiling:
            named = " + ".join(f"{n} {name}" for name, n in c.parts)
            flags.append(
                f"{what}: {named} = {parts_sum} exceeds {_phrase(c)} in the same claim ({c.article_id})"
            )

    figure = Figure(outcome, group, low, best, high, _sort_claims(claims), rule)
    return figure, flags


def _combine_total(figures: Mapping[str, Figure], *, outcome: str, rule: str) -> Figure | None:
    """The ``total`` group: every group summed, with a count of people overlapping the victims.

    A count of "people" (group ``unknown``) is compared with the victim groups rather than added:
    "nearly 50 people dead, including 31 civilians and 17 security personnel" counts the same dead.
    """
    if not figures:
        return None

    def add(values: list[int | None], *, open_is_none: bool) -> int | None:
        if open_is_none and any(v is None for v in values):
            return None
        known = [v for v in values if v is not None]
        return sum(known) if known else None

    def widest(a: int | None, b: int | None, *, open_is_none: bool) -> int | None:
        if open_is_none and (a is None or b is None):
            return None
        known = [v for v in (a, b) if v is not None]
        return max(known) if known else None

    others = [f for g, f in figures.items() if g not in VICTIM_GROUPS and g != PEOPLE_GROUP]
    victims = [figures[g] for g in VICTIM_GROUPS if g in figures]
    people = figures.get(PEOPLE_GROUP)
    bounds: dict[str, int | None] = {}
    for bound in BOUNDS:
        open_is_none = bound == "high"
        v = add([getattr(f, bound) for f in victims], open_is_none=open_is_none) if victims else None
        if people is not None:
            p = getattr(people, bound)
            v = p if not victims else widest(v, p, open_is_none=open_is_none)
        parts = [getattr(f, bound) for f in others]
        if victims or people is not None:
            parts.append(v)
        bounds[bound] = add(parts, open_is_none=open_is_none)
    claims = _sort_claims(c for f in figures.values() for c in f.claims)
    return Figure(outcome, "total", bounds["low"], bounds["best"], bounds["high"], claims, rule)


def _people_flags(figures: Mapping[str, Figure], *, outcome: str) -> list[str]:
    people = figures.get(PEOPLE_GROUP)
    victims = [figures[g] for g in VICTIM_GROUPS if g in figures and figures[g].best is not None]
    if people is None or not victims:
        return []
    total = sum(f.best or 0 for f in victims)
    named = " + ".join(f"{f.best} {_GROUP_WORDS[f.group]}" for f in victims)
    if people.high is not None and total > people.high:
        return [f"{outcome}: {named} = {total} exceeds the {people.high} people at most that sources count"]
    if people.low is not None and total < people.low:
        return [
            f"{outcome}: {named} = {total} falls short of the {people.low} people at least that sources count"
        ]
    return []


def _figures(
    claims: Sequence[Claim],
    *,
    rule: str,
    sources: _Sources,
    other_parts: Mapping[tuple[str, str, str, int], set[str]] | None = None,
    site_figures: Sequence[Sequence[Figure]] = (),
    at_site: bool = False,
) -> tuple[tuple[Figure, ...], list[str]]:
    by_key: dict[tuple[str, str], list[Claim]] = defaultdict(list)
    for c in claims:
        by_key[(c.outcome, c.group)].append(c)
    site_by_key: dict[tuple[str, str], list[Figure]] = defaultdict(list)
    for figs in site_figures:
        for f in figs:
            if f.group != "total":
                site_by_key[(f.outcome, f.group)].append(f)
    outcomes = sorted({o for o, _ in by_key}, key=lambda o: (OUTCOMES.index(o) if o in OUTCOMES else 99, o))
    figures: list[Figure] = []
    flags: list[str] = []
    for outcome in outcomes:
        groups = sorted(
            {g for o, g in by_key if o == outcome}, key=lambda g: (GROUPS.index(g) if g in GROUPS else 99, g)
        )
        per_group: dict[str, Figure] = {}
        for group in groups:
            site_figs = site_by_key.get((outcome, group), [])
            figure, group_flags = _reconcile_group(
                by_key[(outcome, group)],
                outcome=outcome,
                group=group,
                rule=rule,
                sources=sources,
                other_parts=other_parts,
                site_figures=site_figs,
                at_site=at_site,
            )
            per_group[group] = figure
            flags.extend(group_flags)
            site_best = sum(f.best or 0 for f in site_figs)
            if site_figs and figure.high is not None and site_best > figure.high:
                flags.append(
                    f"{outcome} {_GROUP_WORDS.get(group, group)}: its sites add up to {site_best}, "
                    f"more than the incident's high of {figure.high}"
                )
        flags.extend(_people_flags(per_group, outcome=outcome))
        figures.extend(per_group.values())
        total = _combine_total(per_group, outcome=outcome, rule=rule)
        if total is not None:
            figures.append(total)
    return tuple(figures), flags


def reconcile_claims(
    claims: Iterable[Claim],
    *,
    rule: str = DEFAULT_RULE,
    outlets: Mapping[str, str] | None = None,
    published: Mapping[str, str] | None = None,
) -> tuple[tuple[Figure, ...], tuple[str, ...]]:
    """Figures (one per outcome and group, plus ``total``) and flags from the claims of one incident.

    ``outlets`` and ``published`` map article ids to outlet names and ISO publication dates; they decide
    which claims are independent and which are the latest. Every claim stays in ``Figure.claims``.

    >>> def claim(n, group, q="exact", art="a"):
    ...     lo, hi = n, (None if q == "at_least" else n)
    ...     return Claim(art, f"{n} {group}", 0, 9, "", "killed", group, lo, n, hi, q)
    >>> claims = [claim(17, "security_forces"), claim(11, "security_forces", art="b")]
    >>> figures, flags = reconcile_claims(claims)
    >>> [(f.group, f.low, f.best, f.high) for f in figures]
    [('security_forces', 11, 17, 17), ('total', 11, 17, 17)]
    >>> flags[0]
    'killed security forces: sources differ: 17 (a) vs 11 (b); best 17 by the ucdp rule'
    >>> figures, _ = reconcile_claims(claims, rule="acled")
    >>> figures[0].best
    11
    """
    _check_rule(rule)
    sources = _Sources(dict(outlets or {}), dict(published or {}))
    claims = list(claims)
    figures, flags = _figures(claims, rule=rule, sources=sources, other_parts=_part_index(claims))
    return figures, tuple(dict.fromkeys(flags))


def _part_index(claims: Iterable[Claim]) -> dict[tuple[str, str, str, int], set[str]]:
    """(outcome, group, day, count) -> articles that give that day as one part of a breakdown."""
    by_key: dict[tuple[str, str], list[Claim]] = defaultdict(list)
    for c in claims:
        by_key[(c.outcome, c.group)].append(c)
    index: dict[tuple[str, str, str, int], set[str]] = defaultdict(set)
    for (outcome, group), cs in by_key.items():
        for b in _breakdowns(cs):
            for c in b:
                point = claim_bounds(c).point
                if point is not None:
                    index[(outcome, group, _time_key(c), point)].add(c.article_id)
                    index[(outcome, group, "", point)].add(c.article_id)
    return index


# --------------------------------------------------------------------------- clustering
#
# Clustering needs every event before the first incident can be made, but only about 100 bytes of
# each: its date interval as day numbers and the numbers of its places, article and actors.
# _EventTable keeps just that, in columns of machine integers; the events themselves wait in a store (a
# list for build_incidents, a SpillFile on disk for build_incidents_on_disk) until their incident is
# built. _cluster (numpy: blocks by place, sweeps by date, edges as single integers, a union-find over
# arrays) gives the groups; _built builds their incidents one at a time. Both builders run this code.


def _parse_interval(text: str, precision: str) -> tuple[date, date] | None:
    """The days an ISO date of a given precision may mean."""
    try:
        parts = [int(p) for p in text.split("-")] if text else []
        if len(parts) >= 3:
            d = date(parts[0], parts[1], parts[2])
            if precision == "week":
                return d - timedelta(days=3), d + timedelta(days=3)
            if precision == "month":
                first = d.replace(day=1)
                return first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
            if precision == "year":
                return date(d.year, 1, 1), date(d.year, 12, 31)
            return d, d
        if len(parts) == 2:
            first = date(parts[0], parts[1], 1)
            return first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        if len(parts) == 1:
            return date(parts[0], 1, 1), date(parts[0], 12, 31)
    except ValueError:
        return None
    return None


def _place_keys(place: Place) -> set[str]:
    keys = {f"id:{place.place_id}"}
    if place.precision == "district":
        keys.add(f"district:{place.province.casefold()}/{place.name.casefold()}")
    elif place.precision == "province":
        keys.add(f"province:{place.name.casefold()}")
    return keys


@dataclass(frozen=True, slots=True)
class _Profile:
    """What places and actors an event names, as clustering compares them."""

    strong: frozenset[str]  # site ids, parent ids and site districts
    weak: frozenset[str]  # provinces of the sites
    area: frozenset[str]  # keys of the area
    actors: frozenset[str]


def _interval_days(event: ArticleEvent) -> tuple[int, int] | None:
    """The days (``date.toordinal``) the event's date may mean; for an undated event, the days before publication."""
    interval = _parse_interval(event.date, event.date_precision)
    if interval is None and not event.date and event.published:
        published = _parse_interval(event.published, "day")
        if published is not None:
            interval = (published[0] - timedelta(days=UNDATED_LOOKBACK_DAYS), published[1])
    return (interval[0].toordinal(), interval[1].toordinal()) if interval is not None else None


def _profile(event: ArticleEvent) -> _Profile:
    strong: set[str] = set()
    weak: set[str] = set()
    for s in event.sites:
        strong.add(f"id:{s.place_id}")
        if s.place is not None and s.place.parent_id:
            strong.add(f"id:{s.place.parent_id}")
        province = s.province or (s.place.province if s.place else "")
        district = s.district or (s.place.district if s.place else "")
        if s.precision == "district" and not district:
            district = s.name
        if district:
            strong.add(f"district:{province.casefold()}/{district.casefold()}")
        if province:
            weak.add(f"province:{province.casefold()}")
    area = _place_keys(event.area) if event.area is not None else set()
    actors = frozenset(a.casefold() for a in event.actors if a)
    return _Profile(frozenset(strong), frozenset(weak), frozenset(area), actors)


def _event_key(event: ArticleEvent) -> tuple:
    return (
        event.date,
        event.kind,
        tuple(sorted(s.place_id for s in event.sites)),
        event.article_id,
        event.index,
    )


class _Interner:
    """Each distinct value stored once, by number."""

    __slots__ = ("numbers", "values")

    def __init__(self) -> None:
        self.numbers: dict[Any, int] = {}
        self.values: list[Any] = []

    def __call__(self, value: Any) -> int:
        number = self.numbers.get(value)
        if number is None:
            number = self.numbers[value] = len(self.values)
            self.values.append(value)
        return number

    def ranks(self) -> list[int]:
        """The rank of each number's value in sorted order."""
        ranks = [0] * len(self.values)
        for rank, number in enumerate(sorted(range(len(self.values)), key=self.values.__getitem__)):
            ranks[number] = rank
        return ranks


_NO_DAY = -(2**31)  # the interval of an event that has no date


class _EventTable:
    """The clustering key of every event, in columns of machine integers: about 100 bytes an event.

    Strings (dates, place ids, place keys, actors) are numbered once each; an event holds their numbers:
    its sites' place ids, strong and weak place keys as runs of a flat array ("compressed sparse rows":
    an event's run ends where its ``*_end`` says), its area and its actors as the number of a distinct
    set. ``store`` holds the events and sources themselves (a list, or a
    :class:`~geoincident.spill.SpillFile`) and gives them back by the number its ``append`` returned.
    Events are numbered in order of arrival.
    """

    def __init__(self, store: Any) -> None:
        self.store = store
        self.source_ref = array("q")  # by entry (a record, or an event given alone): its stored Source
        self.ref = array("q")  # by event: the stored event
        self.entry = array("i")  # by event: the entry whose Source names its article
        self.date = array("i")
        self.kind = array("i")
        self.index = array("i")
        self.start = array("i")  # first and last day the date may mean, _NO_DAY when undated
        self.end = array("i")
        self.site_ids, self.site_end = array("i"), array("i")  # sorted place ids of the sites
        self.strong, self.strong_end = array("i"), array("i")  # place keys, sorted
        self.weak, self.weak_end = array("i"), array("i")
        self.area = array("i")  # number of a frozenset of place keys
        self.actors = array("i")  # number of a frozenset of casefolded actor names
        self.dates, self.kinds, self.place_ids = _Interner(), _Interner(), _Interner()
        self.keys = _Interner()  # place keys ("id:...", "district:...", "province:...")
        self.areas = _Interner()
        self.actor_sets = _Interner()
        self.parts: dict[tuple[str, str, str, int], tuple[str, ...]] = {}  # see _flush_parts
        self._pending: list[Claim] = []  # claims of the article being read, for its breakdowns
        self._pending_article: str | None = None
        self._article_ids = _ArticleIds()  # of each entry; numbered by order()

    def __len__(self) -> int:
        return len(self.ref)

    def add(self, item: ArticleRecord | ArticleEvent) -> None:
        if isinstance(item, ArticleRecord):
            a = item.article
            events = item.events
            source = Source(
                a.id,
                a.source or next((e.source for e in events if e.source), ""),
                a.url,
                a.published,
                a.title,
            )
        elif isinstance(item, ArticleEvent):
            events = (item,)
            source = Source(item.article_id, item.source, item.url, item.published)
        else:
            raise UsageError(
                f"build_incidents takes ArticleRecord or ArticleEvent values, not {type(item).__name__}"
            )
        if source.article_id != self._pending_article:
            self._flush_parts()
            self._pending_article = source.article_id
        self.source_ref.append(self.store.append(source))
        self._article_ids.add(source.article_id)
        entry = len(self.source_ref) - 1
        for event in events:
            if event.article_id != source.article_id:  # an event of another article: its own entry
                self.source_ref.append(
                    self.store.append(Source(event.article_id, event.source, event.url, event.published))
                )
                self._article_ids.add(event.article_id)
                self._add_event(event, entry=len(self.source_ref) - 1)
            else:
                self._add_event(event, entry=entry)

    def _add_event(self, event: ArticleEvent, *, entry: int) -> None:
        self.ref.append(self.store.append(event))
        self.entry.append(entry)
        self.date.append(self.dates(event.date))
        self.kind.append(self.kinds(event.kind))
        self.index.append(event.index)
        days = _interval_days(event)
        self.start.append(_NO_DAY if days is None else days[0])
        self.end.append(_NO_DAY if days is None else days[1])
        self.site_ids.extend([self.place_ids(p) for p in sorted(s.place_id for s in event.sites)])
        self.site_end.append(len(self.site_ids))
        profile, keys = _profile(event), self.keys
        self.strong.extend(sorted(keys(k) for k in profile.strong))
        self.strong_end.append(len(self.strong))
        self.weak.extend(sorted(keys(k) for k in profile.weak))
        self.weak_end.append(len(self.weak))
        self.area.append(self.areas(frozenset(keys(k) for k in profile.area)))
        self.actors.append(self.actor_sets(profile.actors))
        self._pending.extend(event.claims)

    def _flush_parts(self) -> None:
        """Add the breakdowns of the article just read to ``parts``: (outcome, group, day, count) -> articles.

        A breakdown is a sentence of one article, so the index of the whole corpus is the union of each
        article's. Only whether some *other* article gives a part is ever asked, so two article ids a key
        are enough.
        """
        if self._pending:
            for (outcome, group, day, count), ids in _part_index(self._pending).items():
                key = (sys.intern(outcome), sys.intern(group), sys.intern(day), count)
                kept = self.parts.get(key, ())
                if len(kept) < 2:
                    self.parts[key] = tuple(sorted(set(kept) | ids))[:2]
        self._pending = []

    def finish(self) -> None:
        self._flush_parts()
        self._pending_article = None

    def article_of_event(self) -> np.ndarray:
        """By event: the rank of its article id among the distinct ids (after :meth:`order`)."""
        return self._article_ids.rank[_ints(self.entry)]

    def source(self, article_id: str) -> Source | None:
        """The Source of the first entry of an article (after :meth:`order`)."""
        ids = self._article_ids
        rank = ids.rank_of(article_id)
        return None if rank is None else self.store[self.source_ref[ids.first[rank]]]

    def source_of_event(self, event_number: int) -> Source:
        ids = self._article_ids
        return self.store[self.source_ref[ids.first[ids.rank[self.entry[event_number]]]]]

    def order(self) -> np.ndarray:
        """Event numbers sorted by :func:`_event_key` (ties in order of arrival), as a stable sort of the events."""
        import numpy as np

        n = len(self)
        if not n:
            return np.empty(0, dtype=np.int64)
        # the rank of each event's tuple of place ids, from the ranks of the ids
        id_rank, ids, ends = self.place_ids.ranks(), self.site_ids, self.site_end
        tuples: dict[tuple[int, ...], int] = {}
        numbers = array("q")
        begin = 0
        for end in ends:
            numbers.append(tuples.setdefault(tuple([id_rank[k] for k in ids[begin:end]]), len(tuples)))
            begin = end
        distinct = list(tuples)  # by number
        del tuples
        tuple_rank = np.empty(len(distinct), dtype=np.int64)
        tuple_rank[sorted(range(len(distinct)), key=distinct.__getitem__)] = np.arange(len(distinct))
        del distinct
        everything = np.arange(n)
        self._article_ids.number()
        return np.lexsort(
            (
                everything,
                _ints(self.index),
                self.article_of_event(),
                tuple_rank[_ints(numbers)],
                np.array(self.kinds.ranks())[_ints(self.kind)],
                np.array(self.dates.ranks())[_ints(self.date)],
            )
        )


class _ArticleIds:
    """The article id of each entry, as UTF-8 in one byte string (a few bytes an article, not a str object).

    Once every entry is in (:meth:`number`): ``rank``, by entry, the rank of its article id among the
    distinct ids (equal ids, equal rank; UTF-8 bytes sort as the str do); ``first``, by rank, the first
    entry of that article, whose Source stands for it; ``distinct``, the distinct ids sorted, to find an
    id's rank.
    """

    def __init__(self) -> None:
        self.blob = bytearray()
        self.ends = array("q")
        self.plain = True  # no id holds a NUL character (fixed-width bytes would drop a trailing one)

    def add(self, article_id: str) -> None:
        data = article_id.encode("utf-8", "surrogatepass")
        self.plain = self.plain and b"\0" not in data
        self.blob += data
        self.ends.append(len(self.blob))

    def number(self) -> None:
        import numpy as np

        ends = _ints(self.ends)
        starts = np.concatenate(([0], ends[:-1])) if len(ends) else ends
        ids: Any
        if self.plain:
            ids = np.array(
                [bytes(self.blob[f:l]) for f, l in zip(starts.tolist(), ends.tolist())], dtype=bytes
            )
        else:
            ids = np.array(
                [
                    self.blob[f:l].decode("utf-8", "surrogatepass")
                    for f, l in zip(starts.tolist(), ends.tolist())
                ],
                dtype=object,
            )
        self.blob, self.ends = bytearray(), array("q")
        self.distinct, self.rank = np.unique(ids, return_inverse=True)
        self.rank = self.rank.astype(np.int64).reshape(-1)
        del ids
        first = np.full(len(self.distinct), len(self.rank), dtype=np.int64)
        np.minimum.at(first, self.rank, np.arange(len(self.rank)))
        self.first = first

    def rank_of(self, article_id: str) -> int | None:
        import numpy as np

        key: Any = (
            article_id.encode("utf-8", "surrogatepass") if self.distinct.dtype.kind == "S" else article_id
        )
        k = int(np.searchsorted(self.distinct, key))
        if k < len(self.distinct) and self.distinct[k] == key:
            return k
        return None


def _ints(values: array) -> np.ndarray:
    """An array of the array module as 64-bit integers (products of numbers must not overflow)."""
    import numpy as np

    if not len(values):
        return np.empty(0, dtype=np.int64)
    return np.frombuffer(values, dtype=np.int32 if values.typecode == "i" else np.int64).astype(np.int64)


def _runs(flat: array, ends: array) -> tuple[np.ndarray, np.ndarray]:
    """The values of compressed sparse rows (32-bit, as they are) and the length of each row."""
    import numpy as np

    values = np.frombuffer(flat, dtype=np.int32) if len(flat) else np.empty(0, dtype=np.int32)
    return values, np.diff(_ints(ends), prepend=0)


def _cluster(table: _EventTable) -> tuple[np.ndarray, list[np.ndarray]]:
    """Which events report one real event: the event numbers in :func:`_event_key` order, and the groups.

    Each group is an array of positions in that order, ascending; groups come in order of their first
    position. Deterministic whatever the order of arrival.

    Events are compared only when they share a place key (a "block"), and within a block only when
    their dates are within :data:`DATE_WINDOW_DAYS` (a sweep over start dates, so the work grows with
    the pairs found, not with the square of the block). Sharing a block is sharing a place, so what is
    left to check of a pair is its articles, dates and actors, all arrays; the place keys two sited
    events share are counted from their keys. The pairs that may be one event become
    edges, one 64-bit number each, merged greedily in order of (gap in days, most shared places first,
    positions) by a union-find that keeps each group within the rules (one article once, overlapping
    sites and actors, at most :data:`MAX_SPAN_DAYS`).
    """
    import numpy as np

    order = table.order()
    n = len(order)
    if n == 0:
        return order, []
    position = np.empty(n, dtype=np.int64)
    position[order] = np.arange(n)
    cols = _Columns(
        start=_ints(table.start)[order],
        end=_ints(table.end)[order],
        article=table.article_of_event()[order],
        kind=_ints(table.kind)[order],
        area=_ints(table.area)[order],
        actors=_ints(table.actors)[order],
        areas=table.areas.values,
        actor_sets=table.actor_sets.values,
    )
    edges = _edges(table, cols, position)
    return order, _union(edges, table, cols, order)


@dataclass(slots=True)
class _Columns:
    """Columns of the events in :func:`_event_key` order, for comparing pairs."""

    start: np.ndarray
    end: np.ndarray
    article: np.ndarray
    kind: np.ndarray
    area: np.ndarray
    actors: np.ndarray
    areas: list[frozenset[int]]
    actor_sets: list[frozenset[str]]


def _split(codes: np.ndarray, n: int) -> dict[int, tuple[int, int]]:
    """Key -> the run of ``codes`` (sorted ``key * n + position``) that holds its events."""
    import numpy as np

    if not len(codes):
        return {}
    key = codes // n
    cuts = np.flatnonzero(np.diff(key)) + 1
    firsts = np.concatenate(([0], cuts)).tolist()
    lasts = np.concatenate((cuts, [len(codes)])).tolist()
    return {k: (f, l) for k, f, l in zip(key[firsts].tolist(), firsts, lasts)}


def _edges(table: _EventTable, cols: _Columns, position: np.ndarray) -> np.ndarray:
    """Pairs of events that may report one event, sorted in the order the union-find takes them.

    Each edge is one number: the rank of its gap (undated last) and of its shared places (most first),
    then the pair ``i * n + j``. Blocks: events with sites meet on their sites and districts; an event
    that names only an area meets the other area-only events on its area keys, and sited events through
    their district, province or area (a "cross" block, so that all the sited events of a province are not
    paired with each other). Pairs are made and checked a bounded chunk at a time; two sited events that
    share several keys meet in several blocks, and are kept in the block of the first key they share.
    """
    import numpy as np

    n = len(position)
    strong, strong_len = _runs(table.strong, table.strong_end)
    weak, weak_len = _runs(table.weak, table.weak_end)
    areas = [sorted(a) for a in cols.areas]
    area_keys = np.fromiter((k for a in table.area for k in areas[a]), dtype=np.int64)  # by event
    area_len = np.array([len(a) for a in areas], dtype=np.int64)[_ints(table.area)]
    sited = strong_len > 0  # by event
    bare = ~sited & (area_len > 0)
    width = int((strong_len + area_len).max()) + 1  # more than any count of shared keys

    def memberships(values: np.ndarray, lengths: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
        """Sorted ``key * n + position`` of each key of each event (of those in ``mask``); each once,
        as an event's keys are a set."""
        owners = np.repeat(position, lengths)
        if mask is not None:
            values, owners = values[mask], owners[mask]
        codes = values.astype(np.int64)
        codes *= n
        codes += owners
        del owners
        codes.sort()
        return codes

    def ranked(i: np.ndarray, j: np.ndarray, shared: np.ndarray | int) -> np.ndarray:
        dated = (cols.start[i] != _NO_DAY) & (cols.start[j] != _NO_DAY)
        gap = np.where(dated, _gap(cols, i, j), DATE_WINDOW_DAYS + 1)
        count = shared + _pairwise(cols.area[i], cols.area[j], cols.areas, lambda a, b: len(a & b))
        return (gap * width + (width - 1 - count)) * (n * n) + i * n + j

    # sited events: every pair of a block of a site or district key
    same = memberships(strong, strong_len)  # only sited events have strong keys
    by_position = _Runs(strong, strong_len, position)
    found = []
    seen: set[bytes] = set()  # a site's id and its district often hold the same events: sweep once
    for key, (f, l) in _split(same, n).items():
        if l - f < 2:
            continue
        block = same[f:l] % n
        digest = hashlib.blake2b(block.tobytes(), digest_size=16).digest()
        if digest in seen:
            continue
        seen.add(digest)
        for i, j in _window_pairs(cols.start, cols.end, block, None):
            i, j = _fit(i, j, cols, undated_ok=True)
            first, count = by_position.shared(i, j, same, n)
            kept = first == key  # made once: in the block of the first key the two share
            found.append(ranked(i[kept], j[kept], count[kept]))
    del seen, same, by_position

    # events that name only an area: with each other on their area keys, with sited events on any key
    others = []
    lone = memberships(area_keys, area_len, np.repeat(bare, area_len))
    lone_runs = _split(lone, n)
    for f, l in lone_runs.values():
        if l - f > 1:
            for i, j in _window_pairs(cols.start, cols.end, lone[f:l] % n, None):
                i, j = _fit(i, j, cols)
                others.append(i * n + j)
    if lone_runs:
        wanted = np.array(sorted(lone_runs), dtype=np.int64)
        cross = np.unique(
            np.concatenate(
                (
                    memberships(strong, strong_len, np.isin(strong, wanted)),
                    memberships(weak, weak_len, np.repeat(sited, weak_len) & np.isin(weak, wanted)),
                    memberships(area_keys, area_len, np.repeat(sited, area_len) & np.isin(area_keys, wanted)),
                )
            )
        )
        for k, (f, l) in _split(cross, n).items():
            b_f, b_l = lone_runs[k]
            for i, j in _window_pairs(cols.start, cols.end, cross[f:l] % n, lone[b_f:b_l] % n):
                i, j = _fit(i, j, cols)
                others.append(i * n + j)
        del cross
    if others:  # an area-only event shares no site; it may meet another on several keys
        pairs = np.unique(np.concatenate(others))
        del others
        found.append(ranked(pairs // n, pairs % n, 0))
    edges = np.concatenate(found) if found else np.empty(0, dtype=np.int64)
    del found
    edges.sort()
    return edges


class _Runs:
    """The strong place keys of each event, by position, as runs of one flat array."""

    def __init__(self, flat: np.ndarray, lengths: np.ndarray, position: np.ndarray) -> None:
        import numpy as np

        self.flat = flat
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))  # by event
        by_position = np.empty(len(position), dtype=np.int64)
        by_position[position] = np.arange(len(position))  # position -> event
        self.start = starts[by_position]
        self.length = lengths[by_position]

    def shared(
        self, i: np.ndarray, j: np.ndarray, members: np.ndarray, n: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """For each pair, the first key of ``i`` that ``j`` has too and how many they share.

        ``members`` are the sorted ``key * n + position`` of every key of every event.
        """
        import numpy as np

        if not len(i):
            return i, i
        reps = self.length[i]
        ends = np.cumsum(reps)
        firsts = ends - reps
        index = np.repeat(self.start[i] - firsts, reps) + np.arange(int(ends[-1]))
        keys = self.flat[index].astype(np.int64)
        codes = keys * n + np.repeat(j, reps)
        found = np.searchsorted(members, codes)
        has = members[np.minimum(found, len(members) - 1)] == codes
        count = np.add.reduceat(has.astype(np.int64), firsts)
        first = np.minimum.reduceat(np.where(has, keys, np.iinfo(np.int64).max), firsts)
        return first, count


def _gap(cols: _Columns, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    import numpy as np

    return np.maximum(0, np.maximum(cols.start[j] - cols.end[i], cols.start[i] - cols.end[j]))


def _pairwise(
    a: np.ndarray, b: np.ndarray, values: Sequence[Any], check: Callable[[Any, Any], Any]
) -> np.ndarray:
    """``check(values[a[k]], values[b[k]])`` for every k, computed once per distinct pair of numbers."""
    import numpy as np

    if not len(a):
        return np.empty(0, dtype=np.int64)
    m = len(values)
    combos, inverse = np.unique(a * m + b, return_inverse=True)
    return np.array([check(values[c // m], values[c % m]) for c in combos.tolist()], dtype=np.int64)[inverse]


def _fit(
    i: np.ndarray, j: np.ndarray, cols: _Columns, *, undated_ok: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """The pairs of a block that may be one event: other articles, close dates, overlapping actors.

    The block holds their shared place. Without a date on one side, only a shared site (a block of sited
    events, ``undated_ok``) of an event of the same kind is enough: an undated report is of a recent
    event, a recalled one has its own old date.
    """
    import numpy as np

    dated = (cols.start[i] != _NO_DAY) & (cols.start[j] != _NO_DAY)
    keep = (cols.article[i] != cols.article[j]) & np.where(
        dated, _gap(cols, i, j) <= DATE_WINDOW_DAYS, undated_ok & (cols.kind[i] == cols.kind[j])
    )
    i, j = i[keep], j[keep]
    agree = _pairwise(
        cols.actors[i], cols.actors[j], cols.actor_sets, lambda a, b: not (a and b and a.isdisjoint(b))
    )
    keep = agree.astype(bool)
    return i[keep], j[keep]


#: pairs made and checked at a time (a few MB of arrays)
_PAIRS_AT_ONCE = 16_384


def _window_pairs(
    start: np.ndarray, end: np.ndarray, members: np.ndarray, bare: np.ndarray | None
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Pairs of a block whose dates are within the window, in chunks: positions ``(i, j)``, ``i < j``.

    Dated members are sorted by start date; each is paired with the members after it that start no later
    than its end plus the window. With ``bare``, only pairs of one member of ``members`` (sited) and one of
    ``bare`` are made: each side is swept against the other. An undated member pairs with every (wanted)
    member. Every pair of the block is made once.
    """
    import numpy as np

    window, chunk = DATE_WINDOW_DAYS, _PAIRS_AT_ONCE

    def by_start(group: np.ndarray) -> np.ndarray:
        dated = group[start[group] != _NO_DAY]
        return dated[np.lexsort((dated, end[dated], start[dated]))]

    def sweep(this: np.ndarray, other: np.ndarray, lo: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        hi = np.searchsorted(start[other], end[this] + window, side="right")
        counts = np.maximum(hi - lo, 0)
        done = np.concatenate(([0], np.cumsum(counts)))  # pairs made before each member
        begin = 0
        while begin < len(this):
            stop = max(begin + 1, int(np.searchsorted(done, done[begin] + chunk, side="right")) - 1)
            c = counts[begin:stop]
            total = int(done[stop] - done[begin])
            if total:
                offsets = np.repeat(lo[begin:stop] - np.cumsum(c) + c, c) + np.arange(total)
                yield np.repeat(this[begin:stop], c), other[offsets]
            begin = stop

    def pair_all(this: np.ndarray, other: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        step = max(1, chunk // max(1, len(other)))
        for k in range(0, len(this), step):
            part = this[k : k + step]
            if len(part) and len(other):
                yield np.repeat(part, len(other)), np.tile(other, len(part))

    if bare is None:
        dated = by_start(members)
        undated = members[start[members] == _NO_DAY]
        made = [sweep(dated, dated, np.arange(1, len(dated) + 1)), pair_all(undated, dated)]
        made += [pair_all(undated[k : k + 1], undated[k + 1 :]) for k in range(len(undated))]
    else:
        sited, lone = by_start(members), by_start(bare)
        # sited events against the bare that start on or after them, bare ones against the sited that
        # start strictly after them: a pair starting on the same day is made once
        made = [
            sweep(sited, lone, np.searchsorted(start[lone], start[sited], side="left")),
            sweep(lone, sited, np.searchsorted(start[sited], start[lone], side="right")),
            pair_all(members[start[members] == _NO_DAY], bare),
            pair_all(bare[start[bare] == _NO_DAY], sited),
        ]
    for i, j in itertools.chain.from_iterable(made):
        yield np.minimum(i, j), np.maximum(i, j)


def _union(edges: np.ndarray, table: _EventTable, cols: _Columns, order: np.ndarray) -> list[np.ndarray]:
    """Merge events along ``edges`` (in their order) while each group stays within the rules; the groups.

    A group's state is kept at its root (its first position): first and last day and the number of its
    set of actors in arrays, its articles and strong place keys as sorted tuples (a few hundred bytes a
    group of several events; a lone event's are its own).
    """
    import numpy as np

    n = len(order)

    def column(values: np.ndarray) -> array:
        out = array("q")
        out.frombytes(np.ascontiguousarray(values, dtype=np.int64).tobytes())
        return out

    parent = array("q", range(n))
    day = np.where((cols.start == cols.end) & (cols.start != _NO_DAY), cols.start, _NO_DAY)
    first, last = column(day), column(day)  # _NO_DAY: no day-precise date
    del day
    article = column(cols.article)
    actors = column(cols.actors)
    event_of = column(order)
    strong, strong_end = table.strong, table.strong_end
    actor_sets = _Interner()
    for value in cols.actor_sets:
        actor_sets(value)
    merged: dict[int, tuple[tuple[int, ...], tuple[int, ...]]] = {}  # root -> articles, strong keys

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def members(r: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
        found = merged.get(r)
        if found is not None:
            return found
        e = event_of[r]
        return (article[r],), tuple(strong[strong_end[e - 1] if e else 0 : strong_end[e]])

    nn = n * n
    for chunk in range(0, len(edges), 65536):
        for edge in (edges[chunk : chunk + 65536] % nn).tolist():
            i, j = divmod(edge, n)
            ri, rj = find(i), find(j)
            if ri == rj:
                continue
            (arts_i, strong_i), (arts_j, strong_j) = members(ri), members(rj)
            if not set(arts_i).isdisjoint(arts_j):
                continue
            # whole groups must agree too: an event that names only an area cannot bridge two sets of sites
            if strong_i and strong_j and set(strong_i).isdisjoint(strong_j):
                continue
            actors_i, actors_j = actor_sets.values[actors[ri]], actor_sets.values[actors[rj]]
            if actors_i and actors_j and actors_i.isdisjoint(actors_j):
                continue
            known = [d for d in (first[ri], last[ri], first[rj], last[rj]) if d != _NO_DAY]
            if known and max(known) - min(known) > MAX_SPAN_DAYS:
                continue
            root, other = min(ri, rj), max(ri, rj)
            parent[other] = root
            merged.pop(other, None)
            merged[root] = (
                tuple(sorted(set(arts_i) | set(arts_j))),
                tuple(sorted(set(strong_i) | set(strong_j))),
            )
            first[root] = min(known) if known else _NO_DAY
            last[root] = max(known) if known else _NO_DAY
            actors[root] = actor_sets(actors_i | actors_j)
    roots = np.fromiter((find(i) for i in range(n)), dtype=np.int64, count=n)
    by_root = np.argsort(roots, kind="stable")
    cuts = np.flatnonzero(np.diff(roots[by_root])) + 1
    return np.split(by_root, cuts)


# --------------------------------------------------------------------------- building incidents


def _most_common(values: Iterable[str]) -> str:
    counts = Counter(v for v in values if v)
    return min(counts, key=lambda v: (-counts[v], v)) if counts else ""


def _ranked(values: Iterable[str]) -> tuple[str, ...]:
    counts = Counter(v for v in values if v)
    return tuple(sorted(counts, key=lambda v: (-counts[v], v)))


def _merge_sites(events: Sequence[ArticleEvent]) -> list[tuple[Site, tuple[str, ...]]]:
    """One site per resolved place, named canonically, most reported first."""
    by_id: dict[str, list[tuple[Site, str]]] = defaultdict(list)
    for e in events:
        for s in e.sites:
            by_id[s.place_id].append((s, e.article_id))
    merged = []
    for place_id, seen in by_id.items():
        canonical = [s for s, _ in seen if s.place is not None and s.name == s.place.name]
        names = Counter(s.name for s, _ in seen)
        site = min(canonical or [s for s, _ in seen], key=lambda s: (-names[s.name], s.name, s.precision))
        merged.append((site, tuple(sorted({a for _, a in seen}))))
    merged.sort(key=lambda x: (-len(x[1]), x[0].name, x[0].place_id))
    return merged


def _claims_at(site: Site, claims: Iterable[Claim]) -> list[Claim]:
    out = []
    for c in claims:
        if not _is_site_claim(c):
            continue
        if c.place is not None:
            if site.place_id in (c.place.place_id, c.place.parent_id) or (
                site.place is not None and site.place.parent_id == c.place.place_id
            ):
                out.append(c)
        elif c.place_name and c.place_name.casefold() == site.name.casefold():
            out.append(c)
    return out


def _title(
    event_type: str, sub_event_type: str, sites: Sequence[Site], area: Place | None, dates: str
) -> str:
    words = (
        _TITLE_WORDS.get(f"{event_type}/{sub_event_type}")
        or _TITLE_WORDS.get(sub_event_type)
        or _TITLE_WORDS.get(event_type)
    )
    if words is None:
        label = sub_event_type or event_type or "Incident"
        words = (label, label if label.endswith("s") else f"{label}s")
    names = [s.name for s in sites]
    if len(names) > _MAX_TITLE_SITES:
        names = names[: _MAX_TITLE_SITES - 1] + [f"{len(names) - _MAX_TITLE_SITES + 1} more"]
    if not names:
        place = area.name if area is not None else "an unknown place"
    elif len(names) == 1:
        place = names[0]
    else:
        place = f"{', '.join(names[:-1])} and {names[-1]}"
    label = words[1] if len(sites) > 1 else words[0]
    return f"{label} in {place} ({dates or 'date unknown'})"


def _dates(events: Sequence[ArticleEvent]) -> tuple[str, str, str]:
    order = ("day", "week", "month", "year")
    dated = [e for e in events if e.date]
    if not dated:
        return "", "", ""
    finest = min(dated, key=lambda e: order.index(e.date_precision) if e.date_precision in order else 0)
    same = sorted(e.date for e in dated if e.date_precision == finest.date_precision)
    return same[0], same[-1], finest.date_precision


def _incident_id(
    date_start: str, sites: Sequence[Site], area: Place | None, events: Sequence[ArticleEvent]
) -> str:
    places = sorted(s.place_id for s in sites) or ([area.place_id] if area is not None else [])
    if not places:  # nothing but the reports themselves
        places = sorted(f"{e.article_id}#{e.index}" for e in events)
    digest = hashlib.sha1(f"{date_start}|{','.join(places)}".encode()).hexdigest()[:10]
    return f"inc-{date_start or 'undated'}-{digest}"


def _build_one(
    events: Sequence[ArticleEvent],
    *,
    rule: str,
    sources: _Sources,
    source_of: Mapping[str, Source],
    other_parts: Mapping[tuple[str, str, str, int], set[str]],
) -> Incident:
    events = sorted(events, key=_event_key)
    claims = [c for e in events for c in e.claims]
    site_claims = [c for c in claims if _is_site_claim(c)]
    sites = _merge_sites(events)
    incident_sites = []
    site_flags: list[str] = []
    claims_at: list[Claim] = []
    for site, article_ids in sites:
        claims_at = _claims_at(site, site_claims)
        figures, flags = _figures(claims_at, rule=rule, sources=sources, at_site=True)
        incident_sites.append(IncidentSite(site, figures, article_ids))
        site_flags.extend(f"{site.name}: {flag}" for flag in flags)
    # with one site, a figure tied to that site is a figure for the whole incident
    one_site = len(sites) == 1 and len(claims_at) == len(site_claims)
    figures, flags = _figures(
        claims,
        rule=rule,
        sources=sources,
        other_parts=other_parts,
        site_figures=() if one_site else [s.figures for s in incident_sites],
        at_site=one_site,
    )
    areas = {e.area.place_id: e.area for e in events if e.area is not None}
    area_id = _most_common(e.area.place_id for e in events if e.area is not None)
    area = areas.get(area_id)
    date_start, date_end, precision = _dates(events)
    dates = date_start if date_start == date_end else f"{date_start} to {date_end}"
    main = [e for e in events if e.kind == "main"] or list(events)
    event_type = _most_common(e.event_type for e in main)
    sub_event_type = _most_common(e.sub_event_type for e in main if e.event_type == event_type)
    site_records = [s for s, _ in sites]
    article_ids = sorted({e.article_id for e in events})
    return Incident(
        incident_id=_incident_id(date_start, site_records, area, events),
        title=_title(event_type, sub_event_type, site_records, area, dates),
        date_start=date_start,
        date_end=date_end,
        date_precision=precision,
        event_type=event_type,
        sub_event_type=sub_event_type,
        actors=_ranked(a for e in events for a in e.actors),
        targets=_ranked(t for e in events for t in e.targets),
        sites=tuple(incident_sites),
        area=area,
        figures=figures,
        flags=tuple(dict.fromkeys(flags + site_flags)),
        sources=tuple(
            sorted((source_of[a] for a in article_ids), key=lambda s: (s.published, s.outlet, s.article_id))
        ),
        events=tuple(events),
        kind="main" if any(e.kind == "main" for e in events) else "past",
    )


def build_incidents(
    records: Iterable[ArticleRecord | ArticleEvent], *, rule: str = DEFAULT_RULE
) -> list[Incident]:
    """Merge the events of article records (or plain article events) into incidents.

    The result is sorted by date and id, and does not depend on the order of ``records``. ``rule`` is
    ``"ucdp"`` (default: best estimate with low and high) or ``"acled"`` (best = the most conservative
    credible figure); see ``docs/reconciliation.md``. Every event is held in memory until its incident is
    built: for a corpus of many thousand articles, :func:`build_incidents_on_disk` gives the same
    incidents in flat memory.

    >>> build_incidents([], rule="median")
    Traceback (most recent call last):
    geoincident.errors.UsageError: unknown reconciliation rule 'median': choose one of acled, ucdp
    """
    _check_rule(rule)
    with _collector_paused():
        table = _EventTable(_ListStore())
        for item in records:
            table.add(item)
        table.finish()
        built = sorted(
            ((inc.date_start, inc.incident_id, first, inc) for first, inc in _built(table, rule=rule)),
            key=lambda x: x[:3],
        )
    ids = _numbered_ids([x[1] for x in built])
    return [
        inc if inc.incident_id == new else replace(inc, incident_id=new) for (*_, inc), new in zip(built, ids)
    ]


def build_incidents_on_disk(
    records: Iterable[ArticleRecord | ArticleEvent],
    *,
    rule: str = DEFAULT_RULE,
    directory: str | Path | None = None,
) -> IncidentSequence:
    """:func:`build_incidents` in flat memory: the same incidents, waiting on disk until they are read.

    ``records`` are read one at a time (a generator is fine): each event is pickled to a temporary file
    in ``directory`` (default: the system's, see :mod:`tempfile`; ``TMPDIR`` moves it) and only its
    clustering key, a few dozen bytes, stays in memory. Incidents are then built one at a time, each
    from its events read back, and pickled to a second temporary file; the result is a sequence that
    reads them back in order, one at a time, as it is indexed or iterated. The events' file is deleted
    when the incidents are built, the incidents' file when the sequence is closed or garbage-collected
    (or on error). See ``docs/cluster.md`` (memory).

    >>> incidents = build_incidents_on_disk([])
    >>> len(incidents), list(incidents)
    (0, [])
    >>> incidents.close()
    """
    from geoincident.spill import SpillFile

    _check_rule(rule)
    with SpillFile(directory=directory) as events:
        table = _EventTable(events)
        for item in records:
            table.add(item)
        table.finish()
        spill = SpillFile(directory=directory)
        try:
            with _collector_paused():
                keys = sorted(
                    (inc.date_start, inc.incident_id, first, spill.append(inc))
                    for first, inc in _built(table, rule=rule)
                )
        except BaseException:
            spill.close()
            raise
    ids = _numbered_ids([k[1] for k in keys])
    renamed = {position: new for position, (k, new) in enumerate(zip(keys, ids)) if k[1] != new}
    return IncidentSequence(spill, array("q", [k[3] for k in keys]), renamed=renamed)


class IncidentSequence(SpilledSequence[Incident]):
    """Incidents in a temporary file, read back one at a time: what :func:`build_incidents_on_disk` returns.

    A read-only sequence in the order :func:`build_incidents` gives (``len``, indexing, slices, iteration),
    equal to a list of the same incidents (a :class:`~geoincident.spill.SpilledSequence` whose incidents
    take their final ids on the way out). Each read unpickles a new copy, so ``seq[0] is seq[0]`` is
    false: keep what you read if you read it often, or ``list(seq)`` when it fits in memory. Pickling the
    sequence pickles a list of its incidents. ``close()`` (or ``with``) deletes the file at once.
    """

    def __init__(self, spill: Any, numbers: Iterable[int], *, renamed: Mapping[int, str] | None = None) -> None:
        super().__init__(spill, numbers)
        self._renamed = dict(renamed or {})  # position -> id, for incidents whose id another has

    def _read(self, position: int) -> Incident:
        incident = super()._read(position)
        new = self._renamed.get(position)
        return incident if new is None else replace(incident, incident_id=new)

    def reordered(self, positions: Iterable[int]) -> IncidentSequence:
        """The incidents at ``positions``, in that order, read from the same file (with their ids)."""
        positions = list(positions)
        renamed = {k: self._renamed[p] for k, p in enumerate(positions) if p in self._renamed}
        return IncidentSequence(self._spill, (self._numbers[p] for p in positions), renamed=renamed)

    def __repr__(self) -> str:
        return f"<IncidentSequence: {len(self):,} incidents on disk>"


class _ListStore(list):
    """A list whose ``append`` returns the item's index, as :meth:`SpillFile.append` does."""

    def append(self, item: Any) -> int:  # type: ignore[override]
        super().append(item)
        return len(self) - 1


def _numbered_ids(ids: Sequence[str]) -> list[str]:
    """Ids in sorted order, the second of two equal ones numbered ``-2``, the third ``-3``..."""
    out: list[str] = []
    count = 0
    for k, incident_id in enumerate(ids):
        count = count + 1 if k and ids[k - 1] == incident_id else 1
        out.append(incident_id if count == 1 else f"{incident_id}-{count}")
    return out


def _built(table: _EventTable, *, rule: str) -> Iterator[tuple[int, Incident]]:
    """Each incident as it is built, with the position of its first event: its events read back from the store."""
    order, groups = _cluster(table)
    store, ref = table.store, table.ref
    for members in groups:
        numbers = order[members].tolist()
        events = [store[ref[k]] for k in numbers]
        # the sources of the articles its events and claims come from, as each article's first entry gave
        source_of = {e.article_id: table.source_of_event(k) for e, k in zip(events, numbers)}
        for a in sorted({c.article_id for e in events for c in e.claims} - set(source_of)):
            found = table.source(a)
            if found is not None:
                source_of[a] = found
        sources = _Sources(
            {k: s.outlet for k, s in source_of.items()}, {k: s.published for k, s in source_of.items()}
        )
        incident = _build_one(
            events, rule=rule, sources=sources, source_of=source_of, other_parts=table.parts
        )
        yield int(members[0]), incident


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while incidents are built.

    Building makes millions of small acyclic objects; every collector pass walks all the objects held
    so far, which took half the time of a build at 100,000 articles. Reference counting still frees
    everything at once; the collector runs again (if it was on) when the build is done.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


# --------------------------------------------------------------------------- JSON


def _place_dict(place: Place | None) -> dict | None:
    if place is None:
        return None
    return {
        "place_id": place.place_id,
        "name": place.name,
        "feature_type": place.feature_type,
        "precision": place.precision,
        "geo_precision": place.geo_precision,
        "lat": place.lat,
        "lon": place.lon,
        "district": place.district,
        "province": place.province,
        "country": place.country,
    }


def _claim_dict(claim: Claim, outlets: Mapping[str, str]) -> dict:
    return {
        "article_id": claim.article_id,
        "outlet": outlets.get(claim.article_id, ""),
        "quote": claim.sentence,
        "speaker": claim.claimant,
        "speaker_type": claim.claimant_type,
        "surface": claim.surface,
        "start": claim.start,
        "end": claim.end,
        "qualifier": claim.qualifier,
        "low": claim.low,
        "best": claim.best,
        "high": claim.high,
        "parts": [[name, n] for name, n in claim.parts],
        "date": claim.date,
        "time_scope": claim.time_scope,
        "place_name": claim.place_name,
        "place_id": claim.place.place_id if claim.place is not None else "",
        "scope": claim.scope,
    }


def _figure_dict(figure: Figure, outlets: Mapping[str, str]) -> dict:
    return {
        "outcome": figure.outcome,
        "group": figure.group,
        "low": figure.low,
        "best": figure.best,
        "high": figure.high,
        "rule": figure.rule,
        "claims": [_claim_dict(c, outlets) for c in figure.claims],
    }


def _flat(figures: Sequence[Figure]) -> dict[str, int | None]:
    outcomes = list(LAYER_OUTCOMES) + sorted({f.outcome for f in figures} - set(LAYER_OUTCOMES))
    flat: dict[str, int | None] = {}
    for outcome in outcomes:
        for group in LAYER_GROUPS:
            f = next((f for f in figures if f.outcome == outcome and f.group == group), None)
            for bound in BOUNDS:
                flat[f"{outcome}_{group}_{bound}"] = getattr(f, bound) if f is not None else None
    return flat


def incident_to_dict(incident: Incident) -> dict:
    """A JSON-ready dict: figures flattened as ``{outcome}_{group}_{low|best|high}`` and the audit trail.

    >>> d = incident_to_dict(Incident("inc-x", "Attack in X (2026-01-31)", "2026-01-31", "2026-01-31", "day",
    ...                               "", "", (), (), (), None, (), (), (), ()))
    >>> d["killed_militants_best"], d["n_sources"], d["figures"]
    (None, 0, [])
    """
    outlets = {s.article_id: s.outlet for s in incident.sources}
    sites = []
    for s in incident.sites:
        site = s.site
        sites.append(
            {
                "name": site.name,
                "place_id": site.place_id,
                "lat": site.lat,
                "lon": site.lon,
                "precision": site.precision,
                "geo_precision": PRECISION_CODES.get(site.precision, 1),
                "district": site.district,
                "province": site.province,
                "country": site.country,
                "article_ids": list(s.article_ids),
                **_flat(s.figures),
                "figures": [_figure_dict(f, outlets) for f in s.figures],
            }
        )
    return {
        "incident_id": incident.incident_id,
        "title": incident.title,
        "kind": incident.kind,
        "date_start": incident.date_start,
        "date_end": incident.date_end,
        "date_precision": incident.date_precision,
        "event_type": incident.event_type,
        "sub_event_type": incident.sub_event_type,
        "actors": list(incident.actors),
        "targets": list(incident.targets),
        "n_sources": incident.n_sources,
        **_flat(incident.figures),
        "flags": list(incident.flags),
        "area": _place_dict(incident.area),
        "sites": sites,
        "figures": [_figure_dict(f, outlets) for f in incident.figures],
        "sources": [
            {
                "article_id": s.article_id,
                "outlet": s.outlet,
                "url": s.url,
                "published": s.published,
                "title": s.title,
            }
            for s in incident.sources
        ],
        "events": [
            {"article_id": e.article_id, "index": e.index, "kind": e.kind, "date": e.date}
            for e in incident.events
        ],
    }

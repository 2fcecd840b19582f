"""Events within one article: the event it reports and the past incidents it recalls.

Two steps, both pure:

1. :func:`segment_events` gives each sentence an event index. Index 0 is the main event.
   A sentence that names a violence word and a date at least :data:`PAST_GAP_DAYS` before the
   article's reference date (its publication date, else the latest date it names) opens a
   *past* event ("On Feb. 9, 2024, a bombing at Quetta's train station killed ..."); the
   sentences after it in the same paragraph belong to that event until a sentence names
   another date. Past sentences with the same date share one event.
2. :func:`build_events` groups the mentions, claims and actors of each event's sentences into
   :class:`~geoincident.records.ArticleEvent` records: sites, area, claims (with
   ``event_index`` and their resolved ``place``), actors and targets, ACLED event type, date
   and precision, and ``totals`` (see :func:`event_totals`).

>>> text = "Militants attacked Quetta on Saturday. On Feb. 9, 2024, a bombing killed 26 people."
>>> from geoincident.dates import DateMention
>>> dates = [DateMention(27, 37, "on Saturday", "2026-01-31", "day"),
...          DateMention(39, 54, "On Feb. 9, 2024", "2024-02-09", "day")]
>>> segment_events(text, sentences=[(0, 38), (39, 84)], dates=dates, published="2026-02-02")
[0, 1]
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import Any

from geoincident.records import (
    BOUNDS,
    GROUPS,
    LAYER_GROUPS,
    LAYER_OUTCOMES,
    Article,
    ArticleEvent,
    Claim,
    Mention,
    Place,
    Site,
)

__all__ = ["PAST_GAP_DAYS", "segment_events", "main_date", "event_totals", "build_events"]

#: a dated violent sentence at least this many days before the reference date recalls a past event
PAST_GAP_DAYS = 30

#: trust order of claimants for the best figure of one article (lower is trusted more)
CLAIMANT_RANK = {"government": 0, "military": 0, "hospital": 1, "media": 2, "witness": 3, "": 4, "militant_group": 5}
#: trust order of qualifiers (an exact count beats a bound, a bound beats a vague word)
QUALIFIER_RANK = {"exact": 0, "at_least": 1, "about": 2, "over": 3, "nearly": 4, "up_to": 5, "range": 6, "vague": 7}

_SPEECH_BEFORE = re.compile(
    r"\b(?:said|says|confirmed|told|announced|stated|condemned|wrote|added|reported|claimed|declared)\s*$",
    re.IGNORECASE,
)
_AREA_TYPES = frozenset({"district", "admin2", "division", "province", "admin1"})
_COUNTRY_TYPES = frozenset({"country", "continent"})


def _day(iso: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(iso[:10])
    except ValueError:
        return None


def segment_events(
    text: str, *, sentences: Sequence[tuple[int, int]], dates: Sequence[Any], published: str = ""
) -> list[int]:
    """The event index of each sentence: 0 for the main event, 1, 2, ... for recalled past events."""
    from geoincident.mentions import about_violence

    reference = _day(published)
    resolved = [(d, _day(d.date)) for d in dates if d.date and d.precision in ("day", "week", "month")]
    if reference is None:
        found = [day for _, day in resolved if day is not None]
        reference = max(found) if found else None
    out = [0] * len(sentences)
    if reference is None or not resolved:
        return out
    per_sentence: dict[int, list[dt.date]] = {}
    starts = [s for s, _ in sentences]
    from bisect import bisect_right

    for d, day in resolved:
        if day is None:
            continue
        i = bisect_right(starts, d.start) - 1
        if i >= 0:
            per_sentence.setdefault(i, []).append(day)
    past_index: dict[dt.date, int] = {}
    current = 0
    for i, (s0, s1) in enumerate(sentences):
        days = per_sentence.get(i)
        new_paragraph = i > 0 and "\n" in text[sentences[i - 1][1] : s0]
        if days:
            old = [d for d in days if (reference - d).days >= PAST_GAP_DAYS]
            if old and len(old) == len(days) and about_violence(text, s0, s1):
                key = min(old)
                current = past_index.setdefault(key, len(past_index) + 1)
            else:
                current = 0
        elif new_paragraph:
            current = 0
        out[i] = current
    return out


def main_date(text: str, *, dates: Sequence[Any], sentences: Sequence[tuple[int, int]], events: Sequence[int],
              published: str = "") -> tuple[str, str]:
    """The date of the main event: the most often named date of its violent sentences.

    Dates right after a speech verb ("said on Sunday") date a statement, not the event, and are
    skipped, and so are dates after the publication date; ties go to the earliest date.
    """
    from bisect import bisect_right

    from geoincident.mentions import about_violence

    starts = [s for s, _ in sentences]
    pub = _day(published)
    votes: Counter[tuple[str, str]] = Counter()
    violent: dict[int, bool] = {}
    for d in dates:
        if not d.date:
            continue
        i = bisect_right(starts, d.start) - 1
        if i < 0 or events[i] != 0:
            continue
        s0, s1 = sentences[i]
        if i not in violent:
            violent[i] = about_violence(text, s0, s1)
        if not violent[i]:
            continue
        if _SPEECH_BEFORE.search(text, max(s0, d.start - 25), d.start):
            continue
        day = _day(d.date)
        if pub is not None and day is not None and day > pub:
            continue
        votes[(d.date, d.precision)] += 1
    if not votes:
        return "", ""
    best = max(votes.values())
    return min(k for k, v in votes.items() if v == best)


def _claim_key(c: Claim) -> tuple:
    value = c.best if c.best is not None else c.low if c.low is not None else -1
    return (CLAIMANT_RANK.get(c.claimant_type, 4), QUALIFIER_RANK.get(c.qualifier, 8), -value, c.start)


def _point(c: Claim) -> int | None:
    return c.best if c.best is not None else c.low


def _group_bounds(claims: Sequence[Claim]) -> tuple[int | None, int | None, int | None]:
    """(low, best, high) of one outcome and group from the claims of one article event."""
    usable = [c for c in claims if _point(c) is not None or c.high is not None]
    if not usable:
        return None, None, None
    if len(usable) == 1:  # the common case, by the rules below
        c = usable[0]
        if c.scope == "site":
            point = _point(c) or 0
            return point, point, point
        best = c.best if c.best is not None or c.qualifier == "vague" else c.low
        return (c.low if c.low is not None else c.best), best, (c.high if c.high is not None else c.best)
    # figures split by day in one sentence ("92 on Saturday and another 41 on Friday") are parts
    scopes: dict[str, set[str]] = {}
    for c in usable:
        scopes.setdefault(c.sentence, set()).add(c.time_scope or c.date)
    parts: list[Claim] = []
    site: list[Claim] = []
    whole: list[Claim] = []
    for c in usable:
        if (c.time_scope or c.date) and len(scopes[c.sentence]) > 1:
            parts.append(c)
        elif c.scope == "site":
            site.append(c)
        else:
            whole.append(c)
    lows = [c.low if c.low is not None else c.best for c in whole]
    highs = [c.high if c.high is not None else c.best for c in whole]
    # a sum of day parts is another estimate of the whole; a sum of sites is one only without a whole
    sums = [sum(_point(c) or 0 for c in pool) for pool in (parts, site) if pool and (pool is parts or not whole)]
    lows += sums
    highs += sums
    if whole:
        chosen = min(whole, key=_claim_key)
        best = chosen.best if chosen.best is not None or chosen.qualifier == "vague" else chosen.low
    else:
        best = sums[0] if sums else None
    low = min((v for v in lows if v is not None), default=None)
    high = max((v for v in highs if v is not None), default=None)
    return low, best, high


def event_totals(claims: Iterable[Claim]) -> dict[str, int | None]:
    """``{outcome}_{group}_{low|best|high}`` for one article event, incl. the ``total`` group.

    Rule within one article (reconciling reports is :mod:`geoincident.incidents`' job):

    * best = the point value of the most trusted whole claim (claimant: government or military,
      hospital, media, witness, unknown, militant group; then qualifier: exact, at least,
      about, over, nearly, up to, range, vague; then the larger value); when there is no
      whole claim, the sum of its parts (figures split by day, else by site);
    * low = the smallest lower bound of the whole claims and of the sum of day parts, high =
      the largest upper or point value (an open bound "at least 145" says nothing about the
      high); a figure for one site is not a bound for the whole event;
    * ``total`` = the sum of the militant, security-forces and civilian figures, or the
      figure for people of unknown group ("nearly 50 people") when that is larger, since
      such a figure counts the same dead again.

    Every layer key (killed and injured, each group) is present, ``None`` without a claim.

    >>> c = Claim("a", "17 soldiers", 0, 1, "", "killed", "security_forces", 17, 17, 17)
    >>> t = event_totals([c])
    >>> t["killed_security_forces_best"], t["killed_total_best"], t["injured_total_best"]
    (17, 17, None)
    """
    by: dict[tuple[str, str], list[Claim]] = {}
    for c in claims:
        by.setdefault((c.outcome, c.group), []).append(c)
    claimed = {o for o, _ in by}
    outcomes = list(LAYER_OUTCOMES) + sorted(claimed - set(LAYER_OUTCOMES))
    out: dict[str, int | None] = {}
    for outcome in outcomes:
        keys = _total_keys(outcome)
        if outcome not in claimed:
            out.update(_no_totals(outcome))
            continue
        bounds = [_group_bounds(by[(outcome, g)]) if (outcome, g) in by else _NO_BOUNDS for g in GROUPS]
        for names, values in zip(keys, bounds):
            out.update(zip(names, values))
        for k, name in enumerate(keys[-1]):
            known = [v for g, b in zip(GROUPS, bounds) if g != "unknown" and (v := b[k]) is not None]
            summed = sum(known) if known else None
            unknown = bounds[_UNKNOWN][k]
            known_values = [v for v in (summed, unknown) if v is not None]
            out[name] = max(known_values) if known_values else None
    return out


_NO_BOUNDS: tuple[None, None, None] = (None, None, None)
_UNKNOWN = GROUPS.index("unknown")


@functools.cache
def _no_totals(outcome: str) -> dict[str, None]:
    """Every key of ``outcome``, each None (copied into the answer, never handed out)."""
    return dict.fromkeys(name for names in _total_keys(outcome) for name in names)


@functools.cache
def _total_keys(outcome: str) -> tuple[tuple[str, ...], ...]:
    """``{outcome}_{group}_{bound}`` for each group of LAYER_GROUPS (``total`` last), built once."""
    assert LAYER_GROUPS[-1] == "total" and LAYER_GROUPS[:-1] == GROUPS
    return tuple(tuple(f"{outcome}_{g}_{b}" for b in BOUNDS) for g in LAYER_GROUPS)


def _site(place: Place, name: str) -> Site:
    return Site.at(place, name=name)


def _title(event_type: str, sub_event_type: str, sites: Sequence[Site], area: Place | None, date: str) -> str:
    label = sub_event_type or event_type or "Violent event"
    names = [s.name for s in sites]
    where = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
    if not where and area is not None:
        where = area.name
    return f"{label}{' in ' + where if where else ''}{f' ({date})' if date else ''}"


def _claim_place(claim: Claim, by_name: dict[str, list[Mention]], resolve: Callable[[str], Place | None]) -> Place | None:
    """The place of a claim's raw ``place_name``: a resolved mention of that name (``by_name``,
    case-folded) in the same sentence first, else anywhere in the article, else the gazetteer in
    the article's context."""
    named = by_name.get(claim.place_name.casefold())
    if named:
        for m in named:
            if m.sentence == claim.sentence:
                return m.place
        return named[0].place
    return resolve(claim.place_name)


def build_events(
    article: Article,
    *,
    sentences: Sequence[tuple[int, int]],
    segments: Sequence[int],
    mentions: Sequence[Mention],
    claims: Sequence[Claim],
    dates: Sequence[Any] = (),
    actors: Sequence[Any] = (),
    classify: Callable[..., tuple[str, str]] | None = None,
    resolve: Callable[[str], Place | None] | None = None,
) -> tuple[tuple[ArticleEvent, ...], tuple[Mention, ...], tuple[Claim, ...]]:
    """The article's events (main first) and its mentions and claims tied to them.

    ``segments`` is :func:`segment_events`' answer; ``actors`` are
    :class:`geoincident.actors.ActorMention`-like (start, name, role); ``classify`` gives the
    ACLED ``(event_type, sub_event_type)`` of an event, called as
    ``classify(article.text, spans=<the event's sentence spans>)`` like
    :func:`geoincident.actors.classify_event` (so the article's keyword pass is reused);
    ``resolve`` maps a claim's raw place name to a Place when no mention of that name is in its
    sentence. Mentions from :func:`geoincident.mentions.find_mentions` given ``segments`` come
    with their ``event_index`` already set and are passed through unchanged.
    """
    from bisect import bisect_right

    from geoincident.mentions import mention_event_index

    text = article.text
    starts = [s for s, _ in sentences]
    n_segments = len(segments)
    n_events = 1 + max(segments, default=0)
    resolve = resolve or (lambda name: None)

    def event_of(pos: int) -> int:
        i = bisect_right(starts, pos) - 1
        return segments[i] if 0 <= i < n_segments else 0

    new_mentions = []
    for m in mentions:
        i = bisect_right(starts, m.start) - 1
        tie = mention_event_index(m.role, segments[i] if 0 <= i < n_segments else 0)
        new_mentions.append(m if tie == m.event_index else replace(m, event_index=tie))
    by_name: dict[str, list[Mention]] = {}
    if any(c.place_name and c.place is None for c in claims):
        for m in new_mentions:
            if m.place is not None:
                by_name.setdefault(m.surface.casefold(), []).append(m)
    new_claims = []
    for c in claims:
        k = event_of(c.start)
        place = _claim_place(c, by_name, resolve) if c.place_name and c.place is None else None
        if place is not None:
            c = replace(c, place=place, scope="site" if place.precision == "town" else "area", event_index=k)
        elif c.event_index != k:
            c = replace(c, event_index=k)
        new_claims.append(c)
    actor_events = [event_of(a.start) for a in actors] if n_events > 1 else [0] * len(actors)

    events = []
    for k in range(n_events):
        spans = _runs(sentences, segments, k) if n_events > 1 else None  # None: the whole text
        kind = "main" if k == 0 else "past"
        site_role = "incident_site" if k == 0 else "past_incident"
        sites: list[Site] = []
        seen: set[str] = set()
        area_votes: Counter[str] = Counter()
        area_places: dict[str, Place] = {}
        for m in new_mentions:
            place = m.place
            if place is None or m.event_index != k or m.role != site_role:
                continue
            if place.feature_type in _AREA_TYPES or place.feature_type in _COUNTRY_TYPES:
                area_votes[place.place_id] += 0 if place.feature_type in _COUNTRY_TYPES else 1
                area_places.setdefault(place.place_id, place)
                continue
            if place.place_id not in seen:
                seen.add(place.place_id)
                sites.append(_site(place, place.name))
        area = None
        if area_places:
            ranked = sorted(
                area_places.values(),
                key=lambda p: (p.feature_type in _COUNTRY_TYPES, -area_votes[p.place_id], p.place_id),
            )
            area = ranked[0]
        ev_claims = tuple(c for c in new_claims if c.event_index == k)
        if k == 0:
            date, precision = main_date(text, dates=dates, sentences=sentences, events=segments, published=article.published)
        else:
            date, precision = _past_date(dates, sentences, segments, k)
        event_type, sub_type = classify(text, spans=spans) if classify else ("", "")
        perps: list[str] = []
        targets: list[str] = []
        for a, e in zip(actors, actor_events):
            if e != k:
                continue
            bucket = perps if a.role == "perpetrator" else targets if a.role == "target" else None
            if bucket is not None and a.name not in bucket:
                bucket.append(a.name)
        events.append(
            ArticleEvent(
                article_id=article.id,
                index=k,
                kind=kind,
                title=_title(event_type, sub_type, sites, area, date),
                date=date,
                date_precision=precision,
                event_type=event_type,
                sub_event_type=sub_type,
                actors=tuple(perps),
                targets=tuple(targets),
                sites=tuple(sites),
                area=area,
                claims=ev_claims,
                totals=event_totals(ev_claims),
                source=article.source,
                published=article.published,
                url=article.url,
            )
        )
    return tuple(events), tuple(new_mentions), tuple(new_claims)


def _runs(sentences: Sequence[tuple[int, int]], segments: Sequence[int], k: int) -> list[tuple[int, int]]:
    """The spans of event ``k``'s sentences, consecutive sentences merged into one span.

    >>> _runs([(0, 5), (6, 9), (10, 20), (21, 30)], [0, 0, 1, 0], 0)
    [(0, 9), (21, 30)]
    """
    out: list[tuple[int, int]] = []
    previous = -2
    for i, ((s0, s1), e) in enumerate(zip(sentences, segments)):
        if e != k:
            continue
        if i == previous + 1 and out:
            out[-1] = (out[-1][0], s1)
        else:
            out.append((s0, s1))
        previous = i
    return out


def _past_date(dates: Sequence[Any], sentences: Sequence[tuple[int, int]], segments: Sequence[int], k: int) -> tuple[str, str]:
    """The earliest old date named in the sentences of past event ``k``."""
    from bisect import bisect_right

    starts = [s for s, _ in sentences]
    found = []
    for d in dates:
        i = bisect_right(starts, d.start) - 1
        if 0 <= i < len(segments) and segments[i] == k and d.date:
            found.append((d.date, d.precision))
    return min(found) if found else ("", "")

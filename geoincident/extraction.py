"""The public extraction API: an article in, its places, claims and events out.

:func:`extract` runs every step on one article; :func:`geoparse` returns only its place
mentions; :func:`record_to_dict` turns a record into plain JSON data (the schema of
``geoincident extract``, documented in ``docs/extraction-places-events.md``).

>>> from geoincident.extraction import record_to_dict
>>> from geoincident.records import Article, ArticleRecord
>>> record_to_dict(ArticleRecord(Article(id="a", text="x"), (), (), ()))["id"]
'a'
"""

from __future__ import annotations

from typing import Any

from geoincident.records import (
    Article,
    ArticleEvent,
    ArticleRecord,
    Candidate,
    Claim,
    Mention,
    Place,
    Site,
)

__all__ = ["extract", "geoparse", "record_to_dict", "SCHEMA_VERSION"]

#: bumped when a field of :func:`record_to_dict` changes meaning or disappears
SCHEMA_VERSION = 1


def _gazetteer(gazetteer: Any) -> Any:
    if gazetteer is not None:
        return gazetteer
    from geoincident.gazetteer import Gazetteer

    return Gazetteer.default()


def _resolver(gazetteer: Any, country: str):
    def resolve(name: str) -> Place | None:
        if not hasattr(gazetteer, "resolve"):
            return None
        res = gazetteer.resolve(name, country=country or None)
        best = getattr(res, "best", None)
        return best.place if best is not None else None

    return resolve


def _mentions(article: Article, gaz: Any, sentences, dates) -> tuple[list[Mention], list[int]]:
    from geoincident.events import segment_events
    from geoincident.mentions import find_mentions

    segments = segment_events(article.text, sentences=sentences, dates=dates, published=article.published)
    mentions = find_mentions(
        article.text,
        gazetteer=gaz,
        article_id=article.id,
        sentences=sentences,
        dateline=article.dateline,
        segments=segments,
    )
    return mentions, segments


def geoparse(text: str, *, gazetteer: Any = None, published: str = "") -> list[Mention]:
    """The place mentions of ``text``: span, resolved place (``lat``/``lon``) or candidates and a
    reason, and a role (incident_site, statement, dateline, origin, actor_base, past_incident,
    other). ``gazetteer`` defaults to ``Gazetteer.default()``; ``published`` (ISO date) lets
    relative dates and recalled past events be recognised.
    """
    from geoincident.dates import find_dates
    from geoincident.sentences import split_sentences

    gaz = _gazetteer(gazetteer)
    article = Article(id="", text=text, published=published)
    sentences = split_sentences(text)
    dates = find_dates(text, published=published)
    mentions, _ = _mentions(article, gaz, sentences, dates)
    return mentions


def extract(article: Article | str, *, gazetteer: Any = None) -> ArticleRecord:
    """Everything geoincident reads in one article: metadata, place mentions, casualty claims and
    events (the main event first, then the past incidents it recalls).

    A plain string is parsed as the text of a news report (headline, dateline, boilerplate
    removed). Never raises because the text lacks something: unknown places stay unresolved
    with a reason, an article without claims has events without figures.
    """
    from geoincident.actors import classify_event, find_actors
    from geoincident.claims import find_claims
    from geoincident.dates import find_dates
    from geoincident.events import build_events
    from geoincident.sentences import split_sentences

    if isinstance(article, str):
        from geoincident.articles import parse_text

        article = parse_text(article)
    gaz = _gazetteer(gazetteer)
    text = article.text
    # sentences and dates are computed once, here, and handed to every step that needs them
    sentences = split_sentences(text)
    dates = find_dates(text, published=article.published)
    mentions, segments = _mentions(article, gaz, sentences, dates)
    claims = find_claims(text, article_id=article.id, published=article.published, sentences=sentences, dates=dates)
    actors = find_actors(text)
    country = _article_country(mentions)
    events, mentions_t, claims_t = build_events(
        article,
        sentences=sentences,
        segments=segments,
        mentions=mentions,
        claims=claims,
        dates=dates,
        actors=actors,
        classify=classify_event,
        resolve=_resolver(gaz, country),
    )
    return ArticleRecord(article=article, mentions=mentions_t, claims=claims_t, events=events)


def _article_country(mentions: list[Mention]) -> str:
    counts: dict[str, int] = {}
    for m in mentions:
        if m.place is not None and m.place.country:
            counts[m.place.country] = counts.get(m.place.country, 0) + 1
    return max(counts, key=lambda c: (counts[c], c)) if counts else ""


# ---------------------------------------------------------------------------------------- JSON schema


def place_to_dict(place: Place | None) -> dict[str, Any] | None:
    """A place as JSON: id, name, type, lat, lon, admin names, precision, source."""
    if place is None:
        return None
    return {
        "place_id": place.place_id,
        "name": place.name,
        "feature_type": place.feature_type,
        "lat": place.lat,
        "lon": place.lon,
        "precision": place.precision,
        "geo_precision": place.geo_precision,
        "country": place.country,
        "province": place.province,
        "division": place.division,
        "district": place.district,
        "geonameid": place.geonameid,
        "parent_id": place.parent_id,
        "source": place.source,
    }


def _candidate_dict(c: Candidate) -> dict[str, Any]:
    p = c.place
    return {
        "place_id": p.place_id,
        "name": p.name,
        "feature_type": p.feature_type,
        "lat": p.lat,
        "lon": p.lon,
        "country": p.country,
        "province": p.province,
        "score": round(c.score, 4),
        "match": c.match,
        "matched_name": c.matched_name,
        "needs_context": c.needs_context,
    }


def mention_to_dict(m: Mention) -> dict[str, Any]:
    """A mention as JSON (``lat``/``lon`` null when unresolved)."""
    return {
        "surface": m.surface,
        "start": m.start,
        "end": m.end,
        "role": m.role,
        "place_id": m.place.place_id if m.place else None,
        "name": m.place.name if m.place else None,
        "lat": m.lat,
        "lon": m.lon,
        "precision": m.place.precision if m.place else None,
        "score": round(m.score, 4),
        "match": m.match,
        "reason": m.reason,
        "event_index": m.event_index,
        "sentence": m.sentence,
        "candidates": [_candidate_dict(c) for c in m.candidates] if m.place is None else [],
    }


def claim_to_dict(c: Claim) -> dict[str, Any]:
    """A claim as JSON, with its evidence (surface, span, sentence) and resolved place."""
    return {
        "surface": c.surface,
        "start": c.start,
        "end": c.end,
        "outcome": c.outcome,
        "group": c.group,
        "low": c.low,
        "best": c.best,
        "high": c.high,
        "qualifier": c.qualifier,
        "parts": {name: n for name, n in c.parts},
        "claimant": c.claimant,
        "claimant_type": c.claimant_type,
        "time_scope": c.time_scope,
        "date": c.date,
        "date_precision": c.date_precision,
        "place_name": c.place_name,
        "place": place_to_dict(c.place),
        "scope": c.scope,
        "event_index": c.event_index,
        "sentence": c.sentence,
    }


def _site_dict(s: Site) -> dict[str, Any]:
    return {
        "name": s.name,
        "place_id": s.place_id,
        "lat": s.lat,
        "lon": s.lon,
        "precision": s.precision,
        "district": s.district,
        "province": s.province,
        "country": s.country,
    }


def event_to_dict(e: ArticleEvent) -> dict[str, Any]:
    """An article event as JSON: the flattened totals are top-level keys of ``totals``."""
    return {
        "index": e.index,
        "kind": e.kind,
        "title": e.title,
        "date": e.date,
        "date_precision": e.date_precision,
        "event_type": e.event_type,
        "sub_event_type": e.sub_event_type,
        "actors": list(e.actors),
        "targets": list(e.targets),
        "sites": [_site_dict(s) for s in e.sites],
        "area": place_to_dict(e.area),
        "totals": dict(e.totals),
        "claims": [claim_to_dict(c) for c in e.claims],
    }


def record_to_dict(record: ArticleRecord) -> dict[str, Any]:
    """One article record as JSON-ready data (str, int, float, bool, None, lists, dicts).

    Top level: ``id``, ``title``, ``published``, ``source``, ``url``, ``dateline``, ``path``,
    ``line``, ``events`` (main first; each with ``sites``, ``area``, ``totals`` flattened as
    ``{outcome}_{group}_{low|best|high}``, ``claims``), ``mentions`` and ``claims`` (all of the
    article's). Field by field: ``docs/extraction-places-events.md``.
    """
    a = record.article
    return {
        "schema": SCHEMA_VERSION,
        "id": a.id,
        "title": a.title,
        "published": a.published,
        "source": a.source,
        "url": a.url,
        "dateline": a.dateline,
        "path": a.path,
        "line": a.line,
        "events": [event_to_dict(e) for e in record.events],
        "mentions": [mention_to_dict(m) for m in record.mentions],
        "claims": [claim_to_dict(c) for c in record.claims],
    }

"""The public API: extract(), geoparse(), record_to_dict() (real gazetteer and text modules)."""

from __future__ import annotations

import json

import pytest

from geoincident.records import LAYER_GROUPS, LAYER_OUTCOMES, ROLES, Article, ArticleRecord

pytest.importorskip("geoincident.gazetteer")

from geoincident.extraction import extract, geoparse, record_to_dict  # noqa: E402

REPORT = """Gunmen kill four in Turbat attack

TURBAT: Gunmen attacked a police checkpoint in Turbat on Tuesday, killing four policemen, officials said.
Speaking to reporters in Quetta, the provincial home minister said two attackers were also killed.
On March 3, 2023, a similar attack near Panjgur killed six soldiers.
"""


@pytest.fixture(scope="module")
def record():
    return extract(Article(id="r1", text=REPORT, published="2026-02-05", source="Test Wire"))


def test_mentions_returns_mentions_with_roles_and_coordinates():
    mentions = geoparse("Militants attacked a market in Quetta. The minister spoke in Islamabad.")
    quetta = next(m for m in mentions if m.surface == "Quetta")
    assert quetta.role == "incident_site"
    assert round(quetta.lat) == 30 and round(quetta.lon) == 67  # lat/lon not swapped
    assert all(m.role in ROLES for m in mentions)


def test_mentions_of_text_without_places_is_empty():
    assert geoparse("Nothing happened here today, the spokesperson said.") == []


def test_unknown_names_never_raise():
    assert isinstance(geoparse("Xqzvillebad is not a place."), list)


def test_extract_accepts_plain_text():
    rec = extract("Militants attacked a checkpoint in Gwadar, killing three soldiers.")
    assert isinstance(rec, ArticleRecord) and rec.events[0].kind == "main"
    assert [s.name for s in rec.events[0].sites] == ["Gwadar"]


def test_record_has_metadata_mentions_claims_and_events_main_first(record):
    assert record.article.id == "r1"
    kinds = [e.kind for e in record.events]
    assert kinds[0] == "main" and set(kinds[1:]) <= {"past"}
    main = record.events[0]
    assert [s.name for s in main.sites] == ["Turbat"]
    assert main.source == "Test Wire" and main.published == "2026-02-05"
    assert any(m.role == "statement" and m.surface == "Quetta" for m in record.mentions)


def test_past_event_is_separate(record):
    past = [e for e in record.events if e.kind == "past"]
    assert len(past) == 1 and past[0].date == "2023-03-03"
    assert [s.name for s in past[0].sites] == ["Panjgur"]
    assert "Panjgur" not in [s.name for s in record.events[0].sites]


def test_claims_are_tied_to_their_events(record):
    for e in record.events:
        for c in e.claims:
            assert c.event_index == e.index
    assert {c.event_index for c in record.claims} <= {e.index for e in record.events}


def test_record_to_dict_is_json_with_the_documented_keys(record):
    d = record_to_dict(record)
    again = json.loads(json.dumps(d))
    assert again == d
    assert {"schema", "id", "title", "published", "source", "url", "dateline", "events", "mentions", "claims"} <= set(d)
    ev = d["events"][0]
    assert {"index", "kind", "title", "date", "date_precision", "event_type", "sub_event_type", "actors", "targets",
            "sites", "area", "totals", "claims"} <= set(ev)
    for o in LAYER_OUTCOMES:
        for g in LAYER_GROUPS:
            for b in ("low", "best", "high"):
                assert f"{o}_{g}_{b}" in ev["totals"]
    site = ev["sites"][0]
    assert {"name", "place_id", "lat", "lon", "precision"} <= set(site)
    m = d["mentions"][0]
    assert {"surface", "start", "end", "role", "place_id", "lat", "lon", "reason", "candidates"} <= set(m)


def test_unresolved_mention_keeps_candidates_in_json():
    from geoincident.records import Candidate, Mention, Place

    p = Place("x", "Mand", "town", lat=26.1, lon=62.0, country="PK")
    m = Mention("a", "Mand", 0, 4, "Mand.", "other", None, candidates=(Candidate(p, 0.9, "exact", "Mand"),),
                reason="ambiguous")
    d = record_to_dict(ArticleRecord(Article(id="a", text="Mand."), (m,), (), ()))
    assert d["mentions"][0]["lat"] is None and d["mentions"][0]["candidates"][0]["name"] == "Mand"

"""The quality bar of issue 3 on the five seed reports, end to end with the real gazetteer.

The seeds check that general rules work; nothing in the library knows about them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
ATTACK_SITES = {"Quetta", "Gwadar", "Mastung", "Nushki", "Panjgur", "Pasni", "Dalbandin"}
OTHER_ROLE_PLACES = {"Sialkot", "Islamabad", "Dubai", "Kabul", "Peshawar", "Karachi", "Khuzdar"}


@pytest.fixture(scope="module")
def records():
    pytest.importorskip("geoincident.gazetteer")
    from geoincident.articles import read_articles
    from geoincident.extraction import extract

    return {a.id: extract(a) for a in read_articles([SEEDS])}


def _seed(records, prefix):
    return next(r for key, r in records.items() if key.startswith(prefix))


def test_the_attack_sites_are_the_seven_towns_and_no_other(records):
    sites = {s.name for r in records.values() for s in r.events[0].sites}
    assert sites == ATTACK_SITES


def test_every_main_site_is_a_town_with_coordinates_and_district(records):
    for r in records.values():
        for s in r.events[0].sites:
            assert s.precision == "town" and s.province == "Balochistan" and s.district
            assert 24 < s.lat < 32 and 60 < s.lon < 71  # Balochistan; lat and lon not swapped


def test_other_places_are_mentioned_with_other_roles(records):
    roles: dict[str, set[str]] = {}
    for r in records.values():
        for m in r.mentions:
            if m.place is not None:
                roles.setdefault(m.place.name, set()).add(m.role)
    for name in OTHER_ROLE_PLACES:
        assert name in roles, f"{name} is not mentioned"
        assert "incident_site" not in roles[name], f"{name}: {roles[name]}"
    assert "statement" in roles["Sialkot"] and "origin" in roles["Khuzdar"] and "dateline" in roles["Dubai"]


def test_province_is_the_area_not_a_site(records):
    for r in records.values():
        main = r.events[0]
        assert main.area is not None and main.area.name == "Balochistan"


def test_people_are_not_places(records):
    surfaces = {m.surface for r in records.values() for m in r.mentions}
    assert not surfaces & {"Bugti", "Sarfraz", "Nazar", "Zeb", "Gul", "Allah", "Mashwani", "Asif", "Dar", "Baker"}
    assert "Dera Bugti" not in {m.place.name for r in records.values() for m in r.mentions if m.place}


def test_past_events_of_seed_003_are_separate_with_their_own_dates_sites_and_figures(records):
    r = _seed(records, "003")
    main, *past = r.events
    assert main.kind == "main" and main.date == "2026-01-31"
    by_date = {e.date: e for e in past}
    assert set(by_date) == {"2024-02-09", "2025-05-21"}
    assert all(e.kind == "past" for e in past)
    rail, bus = by_date["2024-02-09"], by_date["2025-05-21"]
    assert [s.name for s in rail.sites] == ["Quetta"]
    assert [s.name for s in bus.sites] == ["Khuzdar"]
    assert rail.totals["killed_total_low"] == 26 and rail.totals["injured_total_low"] == 47
    assert bus.totals["killed_civilians_best"] == 4
    assert "Khuzdar" not in {s.name for s in main.sites}
    assert all(c.event_index == e.index for e in r.events for c in e.claims)


def test_main_event_totals(records):
    for key in ("000", "001", "003", "004"):
        t = _seed(records, key).events[0].totals
        assert t["killed_militants_best"] == 145, key
        assert t["killed_security_forces_best"] == 17, key
        assert t["killed_civilians_best"] == 31, key


def test_gwadar_figure_is_tied_to_gwadar(records):
    for key in ("000", "001"):
        claims = _seed(records, key).claims
        gw = [c for c in claims if c.place is not None and c.place.name == "Gwadar"]
        assert gw and gw[0].scope == "site" and dict(gw[0].parts) == {"women": 5, "children": 3}


def test_every_mention_and_claim_keeps_its_evidence(records):
    for r in records.values():
        text = r.article.text
        for m in r.mentions:
            assert text[m.start : m.end] == m.surface and m.surface in m.sentence and m.reason
        for c in r.claims:
            assert text[c.start : c.end] == c.surface


def test_related_news_is_not_part_of_the_report(records):
    assert "Gaza" not in {m.surface for m in _seed(records, "003").mentions}

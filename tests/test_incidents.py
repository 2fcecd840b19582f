"""Merging article events into incidents: clustering, low/best/high, flags, audit trail.

Multi-report cases live as data in ``tests/cases/incidents/*.json`` (one case a file, places in
``places.json`` with GeoNames coordinates). Each case lists articles with hand-built events and claims,
and what the incidents must be under one or both rules.
"""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path

import pytest

from geoincident.errors import UsageError
from geoincident.incidents import (
    RULES,
    build_incidents,
    claim_bounds,
    incident_to_dict,
    reconcile_claims,
)
from geoincident.numbers import BOUNDS_BY_QUALIFIER
from geoincident.records import Article, ArticleEvent, ArticleRecord, Claim, Incident, Place, Site

CASES_DIR = Path(__file__).parent / "cases" / "incidents"
PLACES = {
    key: Place(
        place_id=f"gn:{row['geonameid']}",
        name=row["name"],
        feature_type=row["feature_type"],
        lat=row["lat"],
        lon=row["lon"],
        country="PK",
        province="Balochistan",
        district=row["district"],
        geonameid=row["geonameid"],
        source="test fixture",
    )
    for key, row in json.loads((CASES_DIR / "places.json").read_text()).items()
    if not key.startswith("_")
}



def _site(spec: str | dict) -> Site:
    if isinstance(spec, str):
        spec = {"place": spec}
    return Site.at(PLACES[spec["place"]], name=spec.get("name", ""))


def _claim(spec: dict, *, article_id: str, index: int, event_index: int) -> Claim:
    q = spec.get("q", "exact")
    if "n" in spec:
        low, best, high = BOUNDS_BY_QUALIFIER[q](spec["n"])
    else:
        low, best, high = spec.get("low"), spec.get("best"), spec.get("high")
    surface = spec.get("surface") or f"{spec.get('n', '')} {spec['group']}"
    start = index * 1000
    place = PLACES[spec["place"]] if spec.get("place") else None
    return Claim(
        article_id=article_id,
        surface=surface,
        start=start,
        end=start + len(surface),
        sentence=spec.get("sentence", ""),
        outcome=spec["outcome"],
        group=spec["group"],
        low=low,
        best=best,
        high=high,
        qualifier=q,
        parts=tuple((name, n) for name, n in spec.get("parts", [])),
        claimant=spec.get("claimant", ""),
        claimant_type=spec.get("claimant_type", ""),
        time_scope=spec.get("time_scope", ""),
        date=spec.get("date", ""),
        date_precision="day" if spec.get("date") else "",
        place_name=spec.get("place_name", ""),
        place=place,
        scope=spec.get("scope", "site" if spec.get("place_name") else "event"),
        event_index=event_index,
    )


def records_of(case: dict) -> list[ArticleRecord]:
    records = []
    for art in case["articles"]:
        article = Article(
            id=art["id"],
            text="",
            title=art.get("title", ""),
            published=art["published"],
            source=art["outlet"],
        )
        events = []
        n_claims = 0
        for k, ev in enumerate(art["events"]):
            index = ev.get("index", k)
            claims = []
            for spec in ev["claims"]:
                claims.append(_claim(spec, article_id=art["id"], index=n_claims, event_index=index))
                n_claims += 1
            events.append(
                ArticleEvent(
                    article_id=art["id"],
                    index=index,
                    kind=ev["kind"],
                    title="",
                    date=ev["date"],
                    date_precision=ev.get("precision", "day" if ev["date"] else ""),
                    event_type=ev.get("event_type", ""),
                    sub_event_type=ev.get("sub_event_type", ""),
                    actors=tuple(ev.get("actors", ())),
                    targets=tuple(ev.get("targets", ())),
                    sites=tuple(_site(s) for s in ev["sites"]),
                    area=PLACES[ev["area"]] if ev.get("area") else None,
                    claims=tuple(claims),
                    source=art["outlet"],
                    published=art["published"],
                )
            )
        claims = tuple(c for e in events for c in e.claims)
        records.append(ArticleRecord(article, (), claims, tuple(events)))
    return records


def _load_cases() -> list:
    params = []
    for path in sorted(CASES_DIR.glob("*.json")):
        if path.name == "places.json":
            continue
        case = json.loads(path.read_text())
        for expect in case["expect"]:
            rule = expect.get("rule", "ucdp")
            params.append(pytest.param(case, expect, rule, id=f"{path.stem}-{rule}"))
    return params


CASES = _load_cases()


def _find(incidents: list[Incident], want: dict) -> Incident:
    found = [
        inc
        for inc in incidents
        if inc.date_start == want["date_start"]
        and ("has_article" not in want or want["has_article"] in {s.article_id for s in inc.sources})
        and ("kind" not in want or inc.kind == want["kind"])
    ]
    assert len(found) == 1, f"expected one incident matching {want}, found {[i.title for i in found]}"
    return found[0]


def _bounds(incident_or_site, key: str):
    outcome, group = key.split("_", 1)
    f = incident_or_site.figure(outcome, group) if isinstance(incident_or_site, Incident) else next(
        (f for f in incident_or_site.figures if f.outcome == outcome and f.group == group), None
    )
    return None if f is None else [f.low, f.best, f.high]


@pytest.mark.parametrize(("case", "expect", "rule"), CASES)
def test_case(case: dict, expect: dict, rule: str) -> None:
    incidents = build_incidents(records_of(case), rule=rule)
    if "n_incidents" in expect:
        assert len(incidents) == expect["n_incidents"], [i.title for i in incidents]
    if "n_incidents_at_least" in expect:
        assert len(incidents) >= expect["n_incidents_at_least"], [i.title for i in incidents]
    for want in expect["incidents"]:
        inc = _find(incidents, want)
        articles = {s.article_id for s in inc.sources}
        if "articles" in want:
            assert sorted(articles) == sorted(want["articles"])
        for absent in want.get("lacks_articles", []):
            assert absent not in articles
        if "kind" in want:
            assert inc.kind == want["kind"]
        if "n_sources" in want:
            assert inc.n_sources == want["n_sources"]
        if "sites" in want:
            assert [s.site.name for s in inc.sites] == want["sites"]
        if "area" in want:
            assert inc.area is not None and inc.area.name == want["area"]
        if "title" in want:
            assert inc.title == want["title"]
        for key, bounds in want.get("figures", {}).items():
            assert _bounds(inc, key) == bounds, key
        for site_name, figures in want.get("site_figures", {}).items():
            site = next(s for s in inc.sites if s.site.name == site_name)
            for key, bounds in figures.items():
                assert _bounds(site, key) == bounds, (site_name, key)
        for site_name, (precision, code) in want.get("site_precision", {}).items():
            site = next(s for s in inc.sites if s.site.name == site_name)
            d = next(d for d in incident_to_dict(inc)["sites"] if d["name"] == site_name)
            assert (site.site.precision, d["geo_precision"]) == (precision, code)
        if want.get("no_flags"):
            assert inc.flags == ()
        for words in want.get("flags_contain", []):
            assert any(all(w in flag for w in words) for flag in inc.flags), (words, inc.flags)
        for word in want.get("flags_lack", []):
            assert not any(word in flag for flag in inc.flags), (word, inc.flags)
        for figure in inc.figures:  # audit trail: every figure keeps its claims, every claim its source
            assert figure.claims and figure.rule == rule
            assert {c.article_id for c in figure.claims} <= articles


def _canonical(incidents: list[Incident]) -> str:
    return json.dumps([incident_to_dict(i) for i in incidents], sort_keys=True)


@pytest.mark.parametrize(
    "name", ["conflicting_figures", "past_incidents", "breakdown", "same_town_week_apart"]
)
def test_order_of_inputs_does_not_matter(name: str) -> None:
    records = records_of(json.loads((CASES_DIR / f"{name}.json").read_text()))
    expected = _canonical(build_incidents(records))
    for perm in itertools.islice(itertools.permutations(records), 24):
        assert _canonical(build_incidents(list(perm))) == expected
    events = [e for r in records for e in r.events]
    random.Random(4).shuffle(events)
    ids = [i.incident_id for i in build_incidents(records)]
    assert [i.incident_id for i in build_incidents(events)] == ids


def test_subset_that_still_carries_the_facts_gives_the_same_figures() -> None:
    records = records_of(json.loads((CASES_DIR / "conflicting_figures.json").read_text()))
    full = build_incidents(records)[0]
    # beta repeats only what alpha and gamma say
    subset = build_incidents([r for r in records if r.article.id != "beta"])[0]
    for group in ("militants", "security_forces", "civilians", "unknown", "total"):
        key = f"killed_{group}"
        assert _bounds(subset, key) == _bounds(full, key), key
    # the same discrepancies, whatever outlets are left to list behind them
    assert [f.split(" (")[0] for f in subset.flags] == [f.split(" (")[0] for f in full.flags]
    assert subset.incident_id == full.incident_id
    # without alpha, the 11 and the "over 100" are gone: the figures narrow, they do not invent anything
    narrow = build_incidents([r for r in records if r.article.id != "alpha"])[0]
    assert _bounds(narrow, "killed_security_forces") == [17, 17, 17]
    assert _bounds(narrow, "killed_militants") == [145, 145, 145]


def test_ids_are_stable_and_distinct() -> None:
    records = records_of(json.loads((CASES_DIR / "past_incidents.json").read_text()))
    ids = [i.incident_id for i in build_incidents(records)]
    assert len(set(ids)) == len(ids)
    assert ids == [i.incident_id for i in build_incidents(records)]
    assert all(i.startswith("inc-") for i in ids)


def test_figures_are_never_averaged() -> None:
    records = records_of(json.loads((CASES_DIR / "conflicting_figures.json").read_text()))
    for rule in RULES:
        inc = build_incidents(records, rule=rule)[0]
        reported = {c.best for c in inc.figure("killed", "security_forces").claims}
        assert inc.figure("killed", "security_forces").best in reported


def test_unknown_rule_lists_the_rules() -> None:
    with pytest.raises(UsageError, match="acled, ucdp"):
        build_incidents([], rule="median")
    with pytest.raises(ValueError):  # UsageError is also a ValueError
        reconcile_claims([], rule="")


def test_other_inputs_are_a_usage_error() -> None:
    with pytest.raises(UsageError, match="ArticleRecord or ArticleEvent"):
        build_incidents(["not a record"])  # type: ignore[list-item]


@pytest.mark.parametrize(
    ("qualifier", "low", "best", "high", "expected"),
    [
        ("exact", 17, 17, 17, (17, 17, 17)),
        ("at_least", 145, 145, None, (145, 145, None)),
        ("over", 101, 101, None, (101, None, None)),  # "over 100" is a bound, not a count
        ("over", None, 100, None, (101, None, None)),
        ("nearly", None, None, 50, (None, None, 50)),
        ("up_to", None, None, 10, (None, None, 10)),
        ("vague", 24, None, None, (24, None, None)),
        ("range", 20, None, 30, (20, None, 30)),
        ("about", None, 50, None, (None, 50, None)),
    ],
)
def test_claim_bounds(qualifier, low, best, high, expected) -> None:
    c = Claim("a", "x", 0, 1, "", "killed", "unknown", low, best, high, qualifier)
    b = claim_bounds(c)
    assert (b.low, b.point, b.high) == expected


def test_incident_to_dict_flattens_and_keeps_the_trail() -> None:
    records = records_of(json.loads((CASES_DIR / "conflicting_figures.json").read_text()))
    inc = build_incidents(records)[0]
    d = incident_to_dict(inc)
    json.dumps(d)  # JSON-ready
    militants = (d["killed_militants_low"], d["killed_militants_best"], d["killed_militants_high"])
    assert militants == (101, 145, 145)
    assert d["injured_total_best"] is None  # every layer column is present, None when nobody counts it
    assert d["n_sources"] == 3 and len(d["sources"]) == 3
    sf = next(f for f in d["figures"] if f["outcome"] == "killed" and f["group"] == "security_forces")
    speakers = {(c["speaker"], c["outlet"], c["best"]) for c in sf["claims"]}
    assert ("Defence Minister", "Alpha News", 11) in speakers
    assert all(c["quote"] for c in sf["claims"])
    quetta = next(s for s in d["sites"] if s["name"] == "Quetta")
    assert (quetta["lat"], quetta["lon"]) == (PLACES["quetta"].lat, PLACES["quetta"].lon)
    assert quetta["precision"] == "town" and quetta["geo_precision"] == 1
    assert d["area"]["geo_precision"] == 3


def test_event_without_place_stays_alone() -> None:
    ev = ArticleEvent("x", 0, "main", "", "2026-01-31", "day", "", "", (), (), (), None, ())
    other = ArticleEvent("y", 0, "main", "", "2026-01-31", "day", "", "", (), (), (), None, ())
    assert len(build_incidents([ev, other])) == 2


def test_a_chain_of_daily_reports_does_not_glue_a_week_together() -> None:
    quetta = _site("quetta")
    events = [
        ArticleEvent(f"day{d}", 0, "main", "", f"2026-03-{d:02d}", "day", "", "", (), (), (quetta,), None, ())
        for d in range(1, 9)
    ]
    incidents = build_incidents(events)
    assert len(incidents) >= 2
    for inc in incidents:
        span = (int(inc.date_end[-2:]) - int(inc.date_start[-2:]))
        assert span <= 3


def test_two_events_of_one_article_never_share_an_incident() -> None:
    quetta = _site("quetta")

    def event(article: str, index: int, kind: str, day: str) -> ArticleEvent:
        return ArticleEvent(article, index, kind, "", day, "day", "", "", (), (), (quetta,), None, ())

    # A reports an attack on 2 March and recalls "yesterday's" attack; B reported that one on 1 March
    a_main, a_past = event("A", 0, "main", "2026-03-02"), event("A", 1, "past", "2026-03-01")
    b_main = event("B", 0, "main", "2026-03-01")
    incidents = build_incidents([a_main, a_past, b_main])
    groups = sorted(sorted((e.article_id, e.index) for e in i.events) for i in incidents)
    assert groups == [[("A", 0)], [("A", 1), ("B", 0)]]
    recalled = next(i for i in incidents if len(i.events) == 2)
    assert recalled.kind == "main"  # B reports it, A only recalls it

"""Casualty claims: golden cases (tests/cases/claims.jsonl) and the seed reports as general-rule checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geoincident.articles import read_articles
from geoincident.claims import find_claims

CASES = Path(__file__).parent / "cases" / "claims.jsonl"
SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def _cases() -> list:
    out = []
    for n, line in enumerate(CASES.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        case = json.loads(line)
        marks = [pytest.mark.xfail(strict=True, reason=case["xfail"])] if case.get("xfail") else []
        out.append(pytest.param(case, id=case["id"], marks=marks))
    return out


def _view(claim, keys):
    out = {}
    for k in keys:
        v = getattr(claim, k)
        out[k] = [list(p) for p in v] if k == "parts" else v
    return out


@pytest.mark.parametrize("case", _cases())
def test_golden(case):
    claims = find_claims(case["text"], article_id=case["id"], published=case.get("published", ""))
    got = [_view(c, e.keys()) for c, e in zip(claims, case["expect"])]
    assert got == case["expect"]
    assert len(claims) == len(case["expect"]), [c.surface for c in claims]


@pytest.mark.parametrize("case", _cases()[:12])
def test_evidence_offsets(case):
    text = case["text"]
    for c in find_claims(text, article_id="x"):
        assert text[c.start : c.end] == c.surface
        assert c.surface in c.sentence
        assert c.article_id == "x"


def _seed(name: str):
    return next(iter(read_articles([SEEDS / name])))


def _find(claims, **want):
    return [c for c in claims if all(getattr(c, k) == v for k, v in want.items())]


@pytest.fixture(scope="module")
def seed_claims():
    if not SEEDS.is_dir():
        pytest.skip("seeds/ not present")
    out = {}
    for a in read_articles([SEEDS]):
        out[a.id[:3]] = find_claims(a.text, article_id=a.id, published=a.published or "2026-02-02")
    return out


def test_seed000_quality_bar(seed_claims):
    c = seed_claims["000"]
    assert _find(c, best=145, group="militants", qualifier="at_least", claimant_type="government")
    assert _find(c, best=17, group="security_forces", outcome="killed")
    assert _find(c, best=31, group="civilians", outcome="killed")
    gw = _find(c, best=8, place_name="Gwadar")
    assert gw and gw[0].parts == (("women", 5), ("children", 3)) and gw[0].scope == "site"
    assert _find(c, best=11, group="security_forces", claimant="Defense Minister Khawaja Muhammad Asif")
    assert _find(c, low=101, qualifier="over", time_scope="in the past two days")
    # negatives: 40 hours, 12 towns, 12 locations, a thousand years
    assert not [x for x in c if x.best in (40, 12, 1000)]


def test_seed003_quality_bar(seed_claims):
    c = seed_claims["003"]
    assert _find(c, best=92, date="2026-01-31")
    assert _find(c, best=41, group="militants", date="2026-01-30")
    assert _find(c, high=50, qualifier="nearly", group="unknown")
    assert _find(c, best=31, group="civilians", parts=(("women", 5),))
    assert _find(c, low=26, date="2024-02-09", place_name="Quetta")
    assert _find(c, low=47, outcome="injured", date="2024-02-09")
    assert _find(c, best=4, parts=(("children", 4),), date="2025-05-21", place_name="Khuzdar")
    assert not [x for x in c if x.best == 100 or x.high == 100 or x.low in (6, 12)]


def test_seed002_and_004(seed_claims):
    c2, c4 = seed_claims["002"], seed_claims["004"]
    assert _find(c2, best=41, group="militants", claimant_type="military")
    assert _find(c2, low=30, outcome="freed")
    assert _find(c2, group="security_forces", qualifier="vague", claimant_type="militant_group")
    assert _find(c4, high=50, qualifier="nearly")
    assert _find(c4, group="civilians", outcome="injured", qualifier="vague")


def test_seed001_negatives(seed_claims):
    c = seed_claims["001"]
    surfaces = [x.surface for x in c]
    assert not [s for s in surfaces if s.startswith(("11", "eight", "12", "40", "nearly 40", "a thousand"))], surfaces


def test_shared_keyword_pass_does_not_change_answers(seed_claims):
    """Claims, dates and actors share one cached keyword pass per text: answers must not depend
    on what was read before, and callers must not be able to change what is kept."""
    from geoincident.actors import find_actors
    from geoincident.dates import find_dates
    from geoincident.lexicon import scan

    articles = list(read_articles([SEEDS]))
    for a in reversed(articles):  # another order, after other texts filled the cache
        published = a.published or "2026-02-02"
        dates = find_dates(a.text, published=published)
        dates.append(None)  # a caller's list is its own
        assert None not in find_dates(a.text, published=published)
        find_actors(a.text)
        assert find_claims(a.text, article_id=a.id, published=published) == seed_claims[a.id[:3]]
        scan._cache.clear()
        assert find_claims(a.text, article_id=a.id, published=published, dates=dates[:-1]) == seed_claims[a.id[:3]]


def test_keyword_pass_reports_whole_words_with_offsets():
    from geoincident.lexicon.scan import scan

    text = "Killed; skilled killers. KILLED, self-detonated, “killed”"
    sc = scan(text)
    assert [text[a:b] for a, b, _ in sc.hits["cue"]] == ["Killed", "KILLED", "killed"]
    assert [text[a:b] for a, b, _ in sc.hits["suicide"]] == ["self-detonated"]

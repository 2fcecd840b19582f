"""Issue 4 on the real seeds, through the real extraction: one incident for the 31 January 2026
attacks with reconciled figures and flags, the past incidents apart, whatever the order or subset.

The seeds test that the general rules work; nothing in the library knows about them.
"""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path

import pytest

from geoincident.incidents import build_incidents, incident_to_dict
from geoincident.records import ArticleRecord, Incident

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SITES = {"Quetta", "Gwadar", "Nushki", "Mastung", "Panjgur", "Pasni", "Dalbandin"}
SPELLINGS = {"Noshki": "Nushki"}
ATTACK_DAYS = {"2026-01-30", "2026-01-31", "2026-02-01"}


@pytest.fixture(scope="module")
def records() -> dict[str, ArticleRecord]:
    from geoincident.articles import read_articles
    from geoincident.extraction import extract
    from geoincident.gazetteer import Gazetteer

    gazetteer = Gazetteer.default()
    out = {}
    for article in read_articles([SEEDS]):
        out[article.id] = extract(article, gazetteer=gazetteer)
    assert len(out) == 5
    return out


def _name(incident_site) -> str:
    name = incident_site.site.name
    return SPELLINGS.get(name, name)


def attacks_of(incidents: list[Incident]) -> list[Incident]:
    """Reported (not recalled) incidents at any of the seven towns, of the attack days or undated."""
    return [
        i
        for i in incidents
        if i.kind == "main"
        and (i.date_start in ATTACK_DAYS or i.date_end in ATTACK_DAYS or not i.date_start)
        and {_name(s) for s in i.sites} & SITES
    ]


def _bounds(incident: Incident, outcome: str, group: str) -> tuple:
    f = incident.figure(outcome, group)
    return (None, None, None) if f is None else (f.low, f.best, f.high)


@pytest.fixture(scope="module")
def attack(records) -> Incident:
    found = attacks_of(build_incidents(records.values()))
    assert len(found) == 1, [i.title for i in found]
    return found[0]


def test_one_incident_with_the_seven_sites(attack: Incident) -> None:
    assert {_name(s) for s in attack.sites} == SITES
    assert attack.kind == "main"
    assert attack.n_sources == 5


def test_best_figures(attack: Incident) -> None:
    assert _bounds(attack, "killed", "militants")[1] == 145
    assert _bounds(attack, "killed", "security_forces")[1] == 17
    assert _bounds(attack, "killed", "civilians")[1] == 31


def test_low_and_high_reflect_the_other_claims(attack: Incident) -> None:
    # "over 100 militants had been killed in the past two days" (Defence Minister)
    assert _bounds(attack, "killed", "militants")[0] == 101
    # "11 security personnel were martyred" in another statement
    low, best, high = _bounds(attack, "killed", "security_forces")
    assert (low, best, high) == (11, 17, 17)
    # "nearly 50 people dead" / "close to 50 people dead": an upper bound on the victims
    assert _bounds(attack, "killed", "unknown")[2] == 50
    total = attack.figure("killed", "total")
    assert total is not None and total.best is not None and total.best >= 145 + 17 + 31


def test_breakdown_that_does_not_make_the_total_is_flagged(attack: Incident) -> None:
    assert any(
        all(w in flag for w in ("92", "41", "= 133", "145")) and "militants" in flag for flag in attack.flags
    ), attack.flags


def test_victims_fit_nearly_fifty(attack: Incident) -> None:
    assert not any("people at most" in flag or "people at least" in flag for flag in attack.flags)


def test_every_figure_keeps_its_claims(attack: Incident) -> None:
    d = incident_to_dict(attack)
    json.dumps(d)
    militants = next(f for f in d["figures"] if (f["outcome"], f["group"]) == ("killed", "militants"))
    assert len({c["article_id"] for c in militants["claims"]}) == 5
    assert all(c["quote"] for c in militants["claims"])
    sf = next(f for f in d["figures"] if (f["outcome"], f["group"]) == ("killed", "security_forces"))
    assert any(c["best"] == 11 and "Asif" in c["speaker"] for c in sf["claims"])


def test_gwadar_has_its_own_figure(attack: Incident) -> None:
    gwadar = next(s for s in attack.sites if _name(s) == "Gwadar")
    f = next((f for f in gwadar.figures if (f.outcome, f.group) == ("killed", "civilians")), None)
    assert f is not None and f.best == 8  # five women and three children


def test_past_incidents_stand_apart(records) -> None:
    incidents = build_incidents(records.values())
    station = [i for i in incidents if i.date_start == "2024-02-09"]
    assert len(station) == 1 and station[0].kind == "past"
    assert "Quetta" in {_name(s) for s in station[0].sites}
    bus = [i for i in incidents if i.date_start == "2025-05-21"]
    assert len(bus) == 1 and bus[0].kind == "past"
    assert "Khuzdar" in {_name(s) for s in bus[0].sites}


def _canonical(incidents: list[Incident]) -> str:
    return json.dumps([incident_to_dict(i) for i in incidents], sort_keys=True)


def test_any_order_gives_the_same_incidents(records) -> None:
    values = list(records.values())
    expected = _canonical(build_incidents(values))
    for perm in itertools.islice(itertools.permutations(values), 0, 120, 7):
        assert _canonical(build_incidents(list(perm))) == expected
    rng = random.Random(31)
    for _ in range(5):
        rng.shuffle(values)
        assert _canonical(build_incidents(values)) == expected


def test_every_subset_gives_one_attack_with_the_same_best_figures(records) -> None:
    ids = sorted(records)
    for k in range(1, len(ids) + 1):
        for subset in itertools.combinations(ids, k):
            found = attacks_of(build_incidents([records[i] for i in subset]))
            assert len(found) == 1, (subset, [i.title for i in found])
            inc = found[0]
            assert _bounds(inc, "killed", "militants")[1] == 145, subset
            assert _bounds(inc, "killed", "security_forces")[1] == 17, subset
            assert _bounds(inc, "killed", "civilians")[1] == 31, subset


def test_the_attack_is_dated(attack: Incident) -> None:
    assert attack.date_start == "2026-01-31"
    assert attack.title.endswith("(2026-01-31)")


def test_a_single_report_is_dated_only_when_it_gives_a_year(records) -> None:
    """A report that gives a year (publication date, copyright line, a full date) dates the attack; one that
    names no year anywhere ("the January 31 attacks", "on Saturday", dateline "Feb 2") stays undated rather
    than guessed."""
    dated = 0
    for article_id, record in sorted(records.items()):
        found = attacks_of(build_incidents([record]))
        assert found, article_id
        if record.article.published:
            assert found[0].date_start in ATTACK_DAYS, article_id
            dated += 1
        else:
            assert found[0].date_start == "", article_id
    assert dated >= 1


def test_subsets_that_carry_every_fact_give_the_same_incident(records) -> None:
    full = build_incidents(records.values())
    attack = attacks_of(full)[0]
    carriers = {frozenset(s) for s in _subsets_with_every_fact(records)}
    assert carriers, "no subset carries every fact"
    for subset in sorted(carriers, key=sorted):
        part = build_incidents([records[i] for i in sorted(subset)])
        got = attacks_of(part)[0]
        assert got.incident_id == attack.incident_id, sorted(subset)
        assert {_name(s) for s in got.sites} == SITES
        for group in ("militants", "security_forces", "civilians"):
            assert _bounds(got, "killed", group) == _bounds(attack, "killed", group), (sorted(subset), group)
        # the same discrepancies between the figures every such subset carries
        key_flags = [f.split(" (")[0] for f in attack.flags if "does not make" in f or "sources differ" in f]
        assert key_flags and set(key_flags) <= {f.split(" (")[0] for f in got.flags}, sorted(subset)
        assert {i.date_start for i in part if i.kind == "past"} >= {"2024-02-09", "2025-05-21"}


def _subsets_with_every_fact(records) -> list[tuple[str, ...]]:
    """Subsets whose articles, between them, name every site, recall every past event and give every
    numeric death toll of the full set (who said it and which words aside)."""
    full = attacks_of(build_incidents(records.values()))[0]

    def facts(ids) -> set:
        recs = [records[i] for i in ids]
        out = set()
        for r in recs:
            for e in r.events:
                out |= {("site", SPELLINGS.get(s.name, s.name)) for s in e.sites if e.kind == "main"}
                out |= {("past", e.date) for e in r.events if e.kind == "past"}
                out |= {
                    ("claim", c.group, c.qualifier, c.low, c.best, c.high)
                    for c in e.claims
                    if c.outcome == "killed" and c.qualifier != "vague"
                }
        return out

    everything = facts(sorted(records))
    ids = sorted(records)
    assert full is not None
    return [
        s for k in range(1, len(ids) + 1) for s in itertools.combinations(ids, k) if facts(s) == everything
    ]


def test_acled_rule_takes_the_most_conservative_point(records) -> None:
    found = attacks_of(build_incidents(records.values(), rule="acled"))
    assert len(found) == 1
    attack = found[0]
    assert _bounds(attack, "killed", "security_forces") == (11, 11, 17)
    # "over 100" is a bound and "41 on Friday" a part: neither is a point for the whole operation
    assert _bounds(attack, "killed", "militants")[1] == 145
    assert all(f.rule == "acled" for f in attack.figures)

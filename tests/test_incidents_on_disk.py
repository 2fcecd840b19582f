"""Incidents built in flat memory: the same incidents as in memory, a spill file that cleans up after itself.

``build_incidents_on_disk`` keeps only each event's clustering key in memory and the events themselves in
a temporary file; its clustering (blocks by place, sweeps by date, edges as numbers, a union-find over
arrays) must give exactly what comparing every pair of events would. A plain all-pairs reference here
checks that on random corpora, and the multi-report cases check the two builders against each other.
"""

from __future__ import annotations

import itertools
import json
import os
import pickle
import random
from datetime import date, timedelta
from pathlib import Path

import pytest
from test_incidents import CASES_DIR, PLACES, records_of

from geoincident.errors import UsageError
from geoincident.incidents import (
    DATE_WINDOW_DAYS,
    MAX_SPAN_DAYS,
    IncidentSequence,
    _cluster,
    _event_key,
    _EventTable,
    _interval_days,
    _ListStore,
    _profile,
    build_incidents,
    build_incidents_on_disk,
    incident_to_dict,
)
from geoincident.records import ArticleEvent, Site
from geoincident.spill import SpillFile

CASE_NAMES = sorted(p.stem for p in CASES_DIR.glob("*.json") if p.name != "places.json")


def _dicts(incidents) -> list[dict]:
    return [incident_to_dict(i) for i in incidents]


@pytest.mark.parametrize("rule", ["ucdp", "acled"])
@pytest.mark.parametrize("name", CASE_NAMES)
def test_on_disk_gives_the_incidents_of_build_incidents(name: str, rule: str) -> None:
    records = records_of(json.loads((CASES_DIR / f"{name}.json").read_text()))
    expected = build_incidents(records, rule=rule)
    with build_incidents_on_disk(iter(records), rule=rule) as on_disk:
        assert isinstance(on_disk, IncidentSequence)
        assert len(on_disk) == len(expected)
        assert on_disk == expected and list(on_disk) == expected
        assert _dicts(on_disk) == _dicts(expected)


# ----------------------------------------------------------------- random corpora against all pairs


def _random_events(seed: int, n_articles: int) -> list[ArticleEvent]:
    """Articles of 1-3 events on a few towns over a few weeks: dates of every precision, some undated."""
    rng = random.Random(seed)
    towns = [Site.at(PLACES[k]) for k in ("quetta", "gwadar", "pasni", "nushki", "turbat")]
    areas = [None, None, None, PLACES["balochistan"]]
    actors = [(), (), ("BLA",), ("TTP",), ("BLA", "BLF")]
    start = date(2026, 1, 1)
    events = []
    for a in range(n_articles):
        published = start + timedelta(days=rng.randrange(40))
        given = rng.choice((published.isoformat(),) * 5 + ("",))  # some articles without a date
        for index in range(rng.choice((1, 1, 2, 3))):
            day = published - timedelta(days=rng.randrange(4))
            precision = rng.choice(("day",) * 8 + ("week", "month", "", ""))
            when = "" if not precision else day.isoformat()
            sites = tuple(rng.sample(towns, k=rng.choice((0, 1, 1, 1, 2))))
            events.append(
                ArticleEvent(
                    article_id=f"art{a:03d}",
                    index=index,
                    kind="main" if index == 0 else "past",
                    title="",
                    date=when,
                    date_precision=precision,
                    event_type="",
                    sub_event_type="",
                    actors=rng.choice(actors),
                    targets=(),
                    sites=sites,
                    area=rng.choice(areas) if sites else rng.choice(areas[-1:] + [None]),
                    claims=(),
                    published=given,
                )
            )
    rng.shuffle(events)
    return events


def _agreement(a, b) -> tuple[bool, bool, int]:
    """Whether two events' places and actors may be one event's, whether they share a site key, how many keys.

    The rules of docs/reconciliation.md (clustering), written out for every pair: sited events must share
    a site or district key; an event that names only an area meets a sited one through the sited one's
    district, province or area; two area-only events share an area key; named actors must overlap.
    """
    if a.actors and b.actors and not a.actors & b.actors:
        return False, False, 0
    both = a.strong & b.strong
    if a.strong and b.strong:
        shared = bool(both)
    elif a.strong or b.strong:
        sited, bare = (a, b) if a.strong else (b, a)
        shared = bool(bare.area & (sited.strong | sited.weak | sited.area))
    else:
        shared = bool(a.area & b.area)
    return shared, bool(both), len(both) + len(a.area & b.area)


def _all_pairs_groups(events: list[ArticleEvent]) -> list[list[tuple[str, int]]]:
    """The clustering rules applied to every pair of events, greedily, in order (the slow reference)."""
    events = sorted(events, key=_event_key)
    days = [_interval_days(e) for e in events]
    profiles = [_profile(e) for e in events]
    n = len(events)
    edges = []
    for i, j in itertools.combinations(range(n), 2):
        a, b = days[i], days[j]
        gap = None if a is None or b is None else max(0, b[0] - a[1], a[0] - b[1])
        if events[i].article_id == events[j].article_id or (gap is not None and gap > DATE_WINDOW_DAYS):
            continue
        shared, same_site, count = _agreement(profiles[i], profiles[j])
        if shared and (gap is not None or (same_site and events[i].kind == events[j].kind)):
            edges.append(((DATE_WINDOW_DAYS + 1 if gap is None else gap), -count, i, j))
    groups = {i: [i] for i in range(n)}
    root = list(range(n))
    for *_, i, j in sorted(edges):
        ri, rj = root[i], root[j]
        if ri == rj:
            continue
        members = groups[ri] + groups[rj]
        articles = [events[m].article_id for m in members]
        strong_i = set().union(*(profiles[m].strong for m in groups[ri]))
        strong_j = set().union(*(profiles[m].strong for m in groups[rj]))
        actors_i = set().union(*(profiles[m].actors for m in groups[ri]))
        actors_j = set().union(*(profiles[m].actors for m in groups[rj]))
        known = [d[0] for d in (days[m] for m in members) if d is not None and d[0] == d[1]]
        if (
            len(set(articles)) < len(articles)
            or (strong_i and strong_j and not strong_i & strong_j)
            or (actors_i and actors_j and not actors_i & actors_j)
            or (known and max(known) - min(known) > MAX_SPAN_DAYS)
        ):
            continue
        keep, gone = min(ri, rj), max(ri, rj)
        groups[keep] = sorted(members)
        del groups[gone]
        for m in members:
            root[m] = keep
    return [[(events[m].article_id, events[m].index) for m in groups[k]] for k in sorted(groups)]


def _fast_groups(events: list[ArticleEvent]) -> list[list[tuple[str, int]]]:
    table = _EventTable(_ListStore())
    for e in events:
        table.add(e)
    table.finish()
    order, groups = _cluster(table)
    store = table.store
    out = []
    for members in groups:
        evs = [store[table.ref[k]] for k in order[members].tolist()]
        out.append([(e.article_id, e.index) for e in evs])
    return out


@pytest.mark.parametrize("seed", range(12))
def test_clustering_is_what_comparing_every_pair_gives(seed: int) -> None:
    events = _random_events(seed, n_articles=20 + 10 * seed)
    expected = _all_pairs_groups(events)
    assert any(len(g) > 1 for g in expected), "the random corpus merges something"
    assert _fast_groups(events) == expected


def test_random_corpus_on_disk_equals_in_memory() -> None:
    events = _random_events(99, n_articles=150)
    expected = build_incidents(events)
    with build_incidents_on_disk(events) as on_disk:
        assert _dicts(on_disk) == _dicts(expected)
    assert _dicts(build_incidents(reversed(events))) == _dicts(expected)


# ----------------------------------------------------------------- the sequence and its file


@pytest.fixture
def seeds_like() -> list:
    return records_of(json.loads((CASES_DIR / "past_incidents.json").read_text()))


def test_sequence_reads_like_a_list(seeds_like) -> None:
    expected = build_incidents(seeds_like)
    assert len(expected) >= 2
    seq = build_incidents_on_disk(seeds_like)
    assert seq[0] == expected[0] and seq[-1] == expected[-1]
    assert seq[1:] == expected[1:] and seq[::-1] == expected[::-1]
    assert [i.incident_id for i in seq] == [i.incident_id for i in expected]
    assert expected[0] in seq and seq.index(expected[-1]) == len(expected) - 1
    assert seq != expected[:-1] and seq != "not incidents"
    with pytest.raises(IndexError):
        seq[len(expected)]
    assert pickle.loads(pickle.dumps(seq)) == expected  # pickles as a plain list
    seq.close()
    with pytest.raises(ValueError):
        seq[0]


def _open_files_in(folder: Path) -> list[str]:
    """Files this process holds open in ``folder`` (deleted ones too: "/folder/#123 (deleted)")."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            link = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:  # the descriptor listdir itself used, closed since
            continue
        if link.startswith(str(folder)):
            found.append(link)
    return found


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to see open files")
def test_spill_files_leave_nothing_behind(seeds_like, tmp_path: Path) -> None:
    seq = build_incidents_on_disk(seeds_like, directory=tmp_path)
    assert list(tmp_path.iterdir()) == []  # anonymous files: no name in the folder, ever
    assert len(_open_files_in(tmp_path)) == 1  # the events' file is gone, the incidents' is open
    seq.close()
    assert _open_files_in(tmp_path) == []


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to see open files")
def test_an_error_while_reading_closes_the_spill_file(seeds_like, tmp_path: Path) -> None:
    def records():
        yield from seeds_like
        raise RuntimeError("the input broke")

    with pytest.raises(RuntimeError, match="the input broke"):
        build_incidents_on_disk(records(), directory=tmp_path)
    with pytest.raises(UsageError, match="ArticleRecord or ArticleEvent"):
        build_incidents_on_disk([*seeds_like, "not a record"], directory=tmp_path)  # type: ignore[list-item]
    assert _open_files_in(tmp_path) == [] and list(tmp_path.iterdir()) == []


def test_unknown_rule_fails_before_reading() -> None:
    def records():
        raise AssertionError("read")
        yield

    with pytest.raises(UsageError, match="acled, ucdp"):
        build_incidents_on_disk(records(), rule="median")


def test_spill_file_gives_back_copies_by_number(tmp_path: Path) -> None:
    with SpillFile(directory=tmp_path) as spill:
        numbers = [spill.append({"n": n, "text": "x" * n}) for n in range(50)]
        assert numbers == list(range(50)) and len(spill) == 50
        assert spill[7] == {"n": 7, "text": "x" * 7} and spill[-1]["n"] == 49
        assert spill.append("late") == 50 and spill[50] == "late" and spill[3]["n"] == 3
        with pytest.raises(IndexError):
            spill[51]
    assert spill.closed


def test_a_reordered_incident_sequence_keeps_the_renamed_ids():
    spill = SpillFile()
    import json

    incident = build_incidents(records_of(json.loads((CASES_DIR / "same_town_week_apart.json").read_text())))[0]
    for _ in range(3):
        spill.append(incident)
    seq = IncidentSequence(spill, [0, 1, 2], renamed={1: "renamed-2", 2: "renamed-3"})
    assert [i.incident_id for i in seq] == [incident.incident_id, "renamed-2", "renamed-3"]
    again = seq.reordered([2, 0, 1])
    assert isinstance(again, IncidentSequence)
    assert [i.incident_id for i in again] == ["renamed-3", incident.incident_id, "renamed-2"]
    seq.close()

"""Events within one article: segmentation into main and past events, dates, sites, totals."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from geoincident.events import PAST_GAP_DAYS, build_events, event_totals, main_date, segment_events
from geoincident.sentences import split_sentences
from geoincident.records import LAYER_GROUPS, LAYER_OUTCOMES, Article, Claim, Mention, Place


@dataclass(frozen=True)
class D:  # a dates.DateMention
    start: int
    end: int
    surface: str
    date: str
    precision: str


@dataclass(frozen=True)
class A:  # an actors.ActorMention
    start: int
    end: int
    surface: str
    name: str
    role: str


def spans(text):
    return split_sentences(text)


def dates_in(text, table):
    return [D(text.index(s), text.index(s) + len(s), s, d, p) for s, d, p in table]


def claim(text, surface, outcome, group, low, best, high, **kw):
    start = text.index(surface)
    return Claim("a", surface, start, start + len(surface), kw.pop("sentence", ""), outcome, group, low, best, high, **kw)


QUETTA = Place("q", "Quetta", "town", lat=30.18, lon=67.0, country="PK", province="Balochistan", district="Quetta")
KHUZDAR = Place("k", "Khuzdar", "town", lat=27.81, lon=66.61, country="PK", province="Balochistan")
BALOCHISTAN = Place("b", "Balochistan", "province", lat=28.5, lon=65.0, country="PK", province="Balochistan")

SEED_LIKE = (
    "Militants attacked Quetta on Saturday, killing 17 soldiers.\n"
    "Recent history matters. On Feb. 9, 2024, a bombing at Quetta's station killed 26 people. "
    "The BLA claimed it.\n"
    "On May 21, 2025, a blast hit a school bus near Khuzdar, killing four children.\n"
    "Saturday's attacks blurred lines, officials said on Sunday."
)
SEED_DATES = [
    ("on Saturday", "2026-01-31", "day"),
    ("Feb. 9, 2024", "2024-02-09", "day"),
    ("May 21, 2025", "2025-05-21", "day"),
    ("Saturday's", "2026-01-31", "day"),
    ("on Sunday", "2026-02-01", "day"),
]


def test_past_events_are_separate_and_continue_within_their_paragraph():
    sents = spans(SEED_LIKE)
    seg = segment_events(SEED_LIKE, sentences=sents, dates=dates_in(SEED_LIKE, SEED_DATES), published="2026-02-02")
    labelled = [(SEED_LIKE[s:e][:20], k) for (s, e), k in zip(sents, seg)]
    assert seg == [0, 0, 1, 1, 2, 0], labelled


def test_old_date_without_violence_is_not_an_event():
    text = "The province was founded on July 1, 1970. Militants attacked Quetta."
    seg = segment_events(text, sentences=spans(text), dates=dates_in(text, [("July 1, 1970", "1970-07-01", "day")]),
                         published="2026-02-02")
    assert seg == [0, 0]


def test_recent_date_is_the_main_event():
    text = "A bombing killed 5 people on Friday."
    gap_inside = "2026-01-30"
    seg = segment_events(text, sentences=spans(text), dates=dates_in(text, [("on Friday", gap_inside, "day")]),
                         published="2026-02-02")
    assert seg == [0] and PAST_GAP_DAYS > 3


def test_without_publication_date_the_latest_date_is_the_reference():
    text = "On Jan. 31, 2026 militants attacked. On Feb. 9, 2024, a bombing killed 26 people."
    d = dates_in(text, [("Jan. 31, 2026", "2026-01-31", "day"), ("Feb. 9, 2024", "2024-02-09", "day")])
    assert segment_events(text, sentences=spans(text), dates=d, published="") == [0, 1]


def test_main_date_skips_statement_dates_and_prefers_the_most_named():
    sents = spans(SEED_LIKE)
    d = dates_in(SEED_LIKE, SEED_DATES)
    seg = segment_events(SEED_LIKE, sentences=sents, dates=d, published="2026-02-02")
    assert main_date(SEED_LIKE, dates=d, sentences=sents, events=seg, published="2026-02-02") == ("2026-01-31", "day")


def test_main_date_unknown_without_dates():
    assert main_date("Militants attacked.", dates=[], sentences=[(0, 19)], events=[0]) == ("", "")


# ------------------------------------------------------------------------------------- totals


def C(outcome, group, low, best, high, *, qualifier="exact", claimant_type="government", sentence="s", **kw):
    return Claim("a", "x", 0, 1, sentence, outcome, group, low, best, high, qualifier=qualifier,
                 claimant_type=claimant_type, **kw)


def test_totals_have_every_layer_key():
    t = event_totals([])
    assert all(f"{o}_{g}_{b}" in t for o in LAYER_OUTCOMES for g in LAYER_GROUPS for b in ("low", "best", "high"))
    assert set(t.values()) == {None}


def test_best_is_the_most_trusted_claim_and_bounds_span_the_others():
    t = event_totals([
        C("killed", "militants", 145, 145, None, qualifier="at_least", sentence="a"),
        C("killed", "militants", 101, None, None, qualifier="over", claimant_type="government", sentence="b",
          time_scope="in the past two days"),
        C("killed", "militants", 145, 145, 145, sentence="c"),
    ])
    assert (t["killed_militants_low"], t["killed_militants_best"], t["killed_militants_high"]) == (101, 145, 145)


def test_government_beats_a_militant_group_claim():
    t = event_totals([C("killed", "security_forces", 17, 17, 17),
                      C("killed", "security_forces", 40, 40, 40, claimant_type="militant_group")])
    assert t["killed_security_forces_best"] == 17 and t["killed_security_forces_high"] == 40


def test_day_parts_in_one_sentence_are_summed_only_without_a_whole_claim():
    parts = [C("killed", "militants", 92, 92, 92, sentence="p", time_scope="on Saturday"),
             C("killed", "militants", 41, 41, 41, sentence="p", time_scope="on Friday")]
    assert event_totals(parts)["killed_militants_best"] == 133
    t = event_totals(parts + [C("killed", "militants", 145, 145, None, qualifier="at_least", sentence="w")])
    assert t["killed_militants_best"] == 145 and t["killed_militants_low"] == 133


def test_total_sums_groups_or_takes_the_unknown_group_figure_when_larger():
    t = event_totals([C("killed", "security_forces", 17, 17, 17), C("killed", "civilians", 31, 31, 31)])
    assert t["killed_total_best"] == 48
    t = event_totals([C("killed", "security_forces", 17, 17, 17), C("killed", "civilians", 31, 31, 31),
                      C("killed", "unknown", None, 50, 50, qualifier="nearly")])
    assert t["killed_total_best"] == 50 and t["killed_unknown_best"] == 50


def test_vague_claim_has_no_best():
    t = event_totals([C("injured", "civilians", 2, None, None, qualifier="vague")])
    assert t["injured_civilians_best"] is None and t["injured_civilians_low"] == 2


def test_other_outcomes_appear_when_claimed():
    t = event_totals([C("freed", "unknown", 30, 30, None, qualifier="at_least")])
    assert t["freed_unknown_low"] == 30 and t["freed_total_low"] == 30


# ------------------------------------------------------------------------------- build_events


def _mention(text, surface, role, place, nth=0):
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    sents = spans(text)
    sentence = next(text[s:e] for s, e in sents if s <= start < e)
    return Mention("a", surface, start, start + len(surface), sentence, role, place)


def test_build_events_sites_area_claims_actors_and_titles():
    text = SEED_LIKE
    sents = spans(text)
    d = dates_in(text, SEED_DATES)
    seg = segment_events(text, sentences=sents, dates=d, published="2026-02-02")
    mentions = [
        _mention(text, "Quetta", "incident_site", QUETTA),
        _mention(text, "Quetta", "past_incident", QUETTA, nth=1),
        _mention(text, "Khuzdar", "past_incident", KHUZDAR),
    ]
    claims = [
        claim(text, "17 soldiers", "killed", "security_forces", 17, 17, 17),
        claim(text, "26 people", "killed", "unknown", 26, 26, 26),
        claim(text, "four children", "killed", "civilians", 4, 4, 4),
    ]
    actors = [A(text.index("BLA"), text.index("BLA") + 3, "BLA", "Balochistan Liberation Army", "perpetrator")]
    art = Article(id="a", text=text, published="2026-02-02", source="Test News")
    events, ms, cs = build_events(art, sentences=sents, segments=seg, mentions=mentions, claims=claims, dates=d,
                                  actors=actors, classify=lambda t, spans=None: ("Battles", "Armed clash"))
    assert [(e.index, e.kind, e.date) for e in events] == [(0, "main", "2026-01-31"), (1, "past", "2024-02-09"),
                                                          (2, "past", "2025-05-21")]
    assert [[s.name for s in e.sites] for e in events] == [["Quetta"], ["Quetta"], ["Khuzdar"]]
    assert [c.event_index for c in cs] == [0, 1, 2]
    assert events[0].totals["killed_security_forces_best"] == 17
    assert events[1].totals["killed_total_best"] == 26 and events[1].actors == ("Balochistan Liberation Army",)
    assert events[2].totals["killed_civilians_best"] == 4
    assert [m.event_index for m in ms] == [0, 1, 2]
    assert events[0].title == "Armed clash in Quetta (2026-01-31)" and events[0].source == "Test News"
    site = events[0].sites[0]
    assert (site.lat, site.lon, site.precision, site.province) == (30.18, 67.0, "town", "Balochistan")


def test_province_mentions_become_the_area_not_a_site():
    text = "Militants attacked Quetta and killed 17 soldiers across Balochistan."
    mentions = [_mention(text, "Quetta", "incident_site", QUETTA),
                _mention(text, "Balochistan", "incident_site", BALOCHISTAN)]
    art = Article(id="a", text=text)
    (ev,), _, _ = build_events(art, sentences=spans(text), segments=[0], mentions=mentions, claims=[])
    assert [s.name for s in ev.sites] == ["Quetta"] and ev.area == BALOCHISTAN


def test_statement_places_are_never_sites():
    text = "Bugti told reporters in Quetta that militants attacked."
    art = Article(id="a", text=text)
    (ev,), ms, _ = build_events(art, sentences=spans(text), segments=[0],
                                mentions=[_mention(text, "Quetta", "statement", QUETTA)], claims=[])
    assert ev.sites == () and ms[0].event_index is None


def test_claim_place_name_resolves_through_the_mention_of_its_sentence():
    text = "In Gwadar alone five women were killed. Quetta was calm."
    gwadar = Place("g", "Gwadar", "town", lat=25.12, lon=62.33, country="PK")
    m = _mention(text, "Gwadar", "incident_site", gwadar)
    c = claim(text, "five women", "killed", "civilians", 5, 5, 5, place_name="Gwadar", scope="site",
              sentence=m.sentence)
    _, _, (c2,) = build_events(Article(id="a", text=text), sentences=spans(text), segments=[0, 0], mentions=[m],
                               claims=[c])
    assert c2.place == gwadar and c2.scope == "site"


def test_claim_place_name_falls_back_to_the_resolver_and_province_is_area_scope():
    text = "Forces killed 145 militants across Balochistan."
    c = claim(text, "145 militants", "killed", "militants", 145, 145, None, place_name="Balochistan")
    _, _, (c2,) = build_events(Article(id="a", text=text), sentences=spans(text), segments=[0], mentions=[],
                               claims=[c], resolve=lambda name: BALOCHISTAN if name == "Balochistan" else None)
    assert c2.place == BALOCHISTAN and c2.scope == "area"


def test_article_without_anything_still_has_a_main_event():
    (ev,), ms, cs = build_events(Article(id="a", text=""), sentences=[], segments=[], mentions=[], claims=[])
    assert ev.kind == "main" and ev.sites == () and ev.totals["killed_total_best"] is None


@pytest.mark.parametrize("gap", [PAST_GAP_DAYS - 1, PAST_GAP_DAYS])
def test_gap_boundary(gap):
    import datetime as dt

    old = (dt.date(2026, 2, 2) - dt.timedelta(days=gap)).isoformat()
    text = "A bombing killed 5 people then."
    seg = segment_events(text, sentences=[(0, len(text))], dates=[D(25, 29, "then", old, "day")], published="2026-02-02")
    assert seg == ([1] if gap >= PAST_GAP_DAYS else [0])


def test_site_figures_are_not_bounds_of_the_whole_but_a_fallback():
    site = C("killed", "civilians", 8, 8, 8, scope="site", place_name="Gwadar", sentence="g")
    whole = C("killed", "civilians", 31, 31, 31, sentence="w")
    assert event_totals([site, whole])["killed_civilians_low"] == 31
    assert event_totals([site])["killed_civilians_best"] == 8

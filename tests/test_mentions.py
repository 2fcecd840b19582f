"""Place mentions: the rules of geoincident.mentions.

Unit tests run on a tiny hand-made gazetteer (below) so each rule is tested alone; the golden
cases of tests/cases/mentions.jsonl run on the real gazetteer (integration).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from geoincident.mentions import find_mentions, resolve_in_context, role_lexicon
from geoincident.records import ROLES, Candidate, Place

CASES = Path(__file__).parent / "cases" / "mentions.jsonl"


# ------------------------------------------------------------------------------- a tiny gazetteer


def _p(pid, name, ftype, lat, lon, country="PK", pop=0, province="Balochistan"):
    return Place(pid, name, ftype, lat=lat, lon=lon, country=country, population=pop, province=province)


# coordinates: GeoNames points (rounded) of the places the unit tests name
PLACES = {
    "quetta": _p("gn:1167528", "Quetta", "town", 30.18, 67.00, pop=733675),
    "gwadar": _p("gn:1177446", "Gwadar", "town", 25.12, 62.33, pop=51901),
    "nushki": _p("gn:1168749", "Nushki", "town", 29.55, 66.02, pop=32000),
    "dalbandin": _p("gn:1180729", "Dalbandin", "town", 28.89, 64.41, pop=15000),
    "khuzdar": _p("gn:1174062", "Khuzdar", "town", 27.81, 66.61, pop=141227),
    "karachi": _p("gn:1174872", "Karachi", "town", 24.86, 67.01, pop=11624219, province="Sindh"),
    "sialkot": _p("gn:1164909", "Sialkot", "town", 32.49, 74.54, pop=477396, province="Punjab"),
    "islamabad": _p("gn:1176615", "Islamabad", "town", 33.72, 73.04, pop=601600, province="Islamabad"),
    "balochistan": _p("gn:1183606", "Balochistan", "province", 28.5, 65.0),
    "pakistan": _p("gn:1168579", "Pakistan", "country", 33.72, 73.04, pop=220000000, province=""),
    "afghanistan": _p("gn:1149361", "Afghanistan", "country", 34.53, 69.17, country="AF", province=""),
    "hub": _p("gn:1176106", "Hub", "town", 25.05, 66.90, pop=63000),
    "dera_bugti": _p("gn:1180295", "Dera Bugti", "town", 29.03, 69.16, pop=30000),
    "mastung_town": _p("gn:1170806", "Mastung", "town", 29.80, 66.85, pop=30000),
    "mastung_district": _p("pk-bal-district-mastung", "Mastung", "district", 29.70, 66.70),
    "mand_pk": _p("gn:1171000", "Mand", "town", 26.10, 62.0, pop=10000),
    "mand_in": _p("gn:1263000", "Mand", "town", 20.0, 75.0, country="IN", pop=10000, province=""),
}
NAMES: dict[str, list[tuple[str, bool]]] = {
    "Quetta": [("quetta", False)],
    "Gwadar": [("gwadar", False)],
    "Nushki": [("nushki", False)],
    "Noshki": [("nushki", False)],
    "Dalbandin": [("dalbandin", False)],
    "Khuzdar": [("khuzdar", False)],
    "Karachi": [("karachi", False)],
    "Sialkot": [("sialkot", False)],
    "Islamabad": [("islamabad", False)],
    "Balochistan": [("balochistan", False)],
    "Pakistan": [("pakistan", False)],
    "Afghanistan": [("afghanistan", False)],
    "Hub": [("hub", True)],
    "Bugti": [("dera_bugti", True)],
    "Dera Bugti": [("dera_bugti", False)],
    "Mastung": [("mastung_town", False), ("mastung_district", False)],
    "Mand": [("mand_in", False), ("mand_pk", False)],
}


@dataclass(frozen=True)
class Spot:
    start: int
    end: int
    surface: str
    candidates: tuple[Candidate, ...]


@dataclass(frozen=True)
class Resolution:
    best: Candidate | None
    candidates: tuple[Candidate, ...]
    reason: str


class TinyGazetteer:
    """Spot and resolve against NAMES (leftmost-longest, whole words, case kept)."""

    _re = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, NAMES), key=len, reverse=True)) + r")\b")

    def _cands(self, name: str) -> tuple[Candidate, ...]:
        return tuple(Candidate(PLACES[k], 1.0, "exact", name, needs_context=nc) for k, nc in NAMES[name])

    def spot(self, text: str) -> list[Spot]:
        return [Spot(m.start(), m.end(), m.group(0), self._cands(m.group(0))) for m in self._re.finditer(text)]

    def resolve(self, name: str, *, country=None, near=None, limit=5) -> Resolution:
        key = next((n for n in NAMES if n.lower() == name.lower()), None)
        if key is None:
            return Resolution(None, (), "unknown name")
        cands = self._cands(key)
        return Resolution(cands[0], cands, "exact")


@pytest.fixture(scope="module")
def tiny():
    return TinyGazetteer()


def roles(text, gaz, **kw):
    return [(m.surface, m.role) for m in find_mentions(text, gazetteer=gaz, **kw)]


# ---------------------------------------------------------------------------------------- roles


def test_attack_list_gives_every_listed_town_the_incident_role(tiny):
    got = roles("Militants carried out attacks in Quetta, Gwadar, Mastung and Noshki districts.", tiny)
    assert got == [("Quetta", "incident_site"), ("Gwadar", "incident_site"), ("Mastung", "incident_site"),
                   ("Noshki", "incident_site")]


def test_list_with_descriptions_between_names(tiny):
    text = "The attacks struck multiple locations, including Quetta, the strategic port city of Gwadar, and the districts of Mastung and Noshki."
    assert {r for _, r in roles(text, tiny)} == {"incident_site"}


def test_press_conference_town_is_a_statement_not_a_site(tiny):
    text = "Addressing a press conference in Quetta, the chief minister said militants attacked 12 towns."
    assert roles(text, tiny) == [("Quetta", "statement")]
    text = "Speaking at a press conference in the provincial capital, Quetta, Bugti described the operations."
    assert roles(text, tiny) == [("Quetta", "statement")]


def test_told_reporters_and_embassy_are_statements(tiny):
    assert roles("“The bodies are in our custody,” Bugti told reporters in Quetta.", tiny) == [("Quetta", "statement")]
    assert roles("The embassy in Islamabad condemned the attacks.", tiny) == [("Islamabad", "statement")]


def test_home_of_victims_is_origin(tiny):
    text = "He said that in Gwadar, terrorists killed five women and three children from a Baloch family belonging to Khuzdar."
    assert roles(text, tiny) == [("Gwadar", "incident_site"), ("Khuzdar", "origin")]


def test_where_actors_are_based(tiny):
    assert roles("Today, their leaders are present in Afghanistan, he claimed.", tiny) == [("Afghanistan", "actor_base")]
    assert roles("Afghan territory was being used as a base against Pakistan.", tiny) == [("Pakistan", "other")]


def test_cue_after_the_name(tiny):
    assert roles("Bugti said Nushki has now been completely cleared.", tiny)[-1] == ("Nushki", "incident_site")


def test_headquarters_in_two_towns(tiny):
    text = "He said suicide attacks were attempted on Frontier Corps headquarters in Nushki and Dalbandin."
    got = find_mentions(text, gazetteer=tiny)
    assert [(m.surface, m.role) for m in got if m.surface in ("Nushki", "Dalbandin")] == [
        ("Nushki", "incident_site"), ("Dalbandin", "incident_site")]


def test_bare_in_is_a_site_only_in_a_sentence_about_violence(tiny):
    assert roles("In Quetta, the aftermath of the violence was visible.", tiny) == [("Quetta", "incident_site")]
    assert roles("The weather in Quetta was cold.", tiny) == [("Quetta", "other")]


def test_past_event_sentences_make_past_incident_sites(tiny):
    text = "On Feb. 9, 2024, a bombing at Quetta's train station killed 26 people."
    got = find_mentions(text, gazetteer=tiny, past_sentences={0})
    assert [(m.surface, m.role) for m in got if m.surface == "Quetta"] == [("Quetta", "past_incident")]


def test_road_names_are_not_sites(tiny):
    text = "A blast hit a school bus on the Quetta-Karachi highway near Khuzdar, killing four children."
    assert roles(text, tiny) == [("Quetta", "other"), ("Karachi", "other"), ("Khuzdar", "incident_site")]


def test_dateline_and_byline(tiny):
    assert roles("Islamabad, Feb 2: Militants attacked Quetta.", tiny)[0] == ("Islamabad", "dateline")
    assert roles("Daijiworld Media Network - Islamabad\nIslamabad, Feb 2: Text.", tiny) == [
        ("Islamabad", "dateline"), ("Islamabad", "dateline")]
    # a colon later in the text is no dateline
    text = "Bugti said the following about events in 2025 and the situation in the capital.\nIslamabad: a later line"
    assert roles("x " * 200 + "\n" + text, tiny)[-1][1] != "dateline"


def test_dateline_the_spotter_misses_comes_from_the_article_dateline(tiny):
    got = find_mentions("ISLAMABAD: Security forces killed 145 militants.", gazetteer=tiny, dateline="ISLAMABAD")
    assert [(m.surface, m.role, m.place.name) for m in got] == [("ISLAMABAD", "dateline", "Islamabad")]


def test_organisation_and_title_modifiers_are_other(tiny):
    got = roles("The Balochistan Liberation Army attacked; Balochistan Chief Minister Sarfraz Bugti spoke.", tiny)
    assert got == [("Balochistan", "other"), ("Balochistan", "other")]


# ------------------------------------------------------------------------------- not places


def test_person_names_are_not_places(tiny):
    text = "Chief Minister Sarfraz Bugti said attacks hit Quetta. Bugti said more. “We win,” Bugti asked."
    assert [m.surface for m in find_mentions(text, gazetteer=tiny)] == ["Quetta"]


def test_surname_rule_does_not_fire_after_prepositions_or_places(tiny):
    assert [s for s, _ in roles("In Quetta, militants attacked.", tiny)] == ["Quetta"]
    assert [s for s, _ in roles("From Quetta to Karachi.", tiny)] == ["Quetta", "Karachi"]


def test_headline_title_case_is_not_a_person_name(tiny):
    text = "Pakistan Says it Killed 145 BLA Militants, Accusing Afghanistan of Support\nBody text."
    assert [s for s, _ in roles(text, tiny)] == ["Pakistan", "Afghanistan"]


def test_context_only_names_need_a_place_cue(tiny):
    assert roles("Hub said nothing about the matter.", tiny) == []
    assert [s for s, _ in roles("Gunmen attacked a market in Hub on Friday.", tiny)] == ["Hub"]
    assert [s for s, _ in roles("Hub district was calm.", tiny)] == ["Hub"]
    assert roles("The Bugti tribe met.", tiny) == []


def test_dera_bugti_is_a_place_when_named_in_full(tiny):
    assert [m.place.name for m in find_mentions("Gunmen attacked a camp in Dera Bugti.", gazetteer=tiny)] == ["Dera Bugti"]


def test_not_place_words_from_the_lexicon(tiny):
    assert "Monday" in {w.title() for w in role_lexicon().not_places}


# ------------------------------------------------------------------------------- resolution


def test_article_country_picks_among_same_name_candidates(tiny):
    got = find_mentions("Militants attacked Quetta and Gwadar, then Mand.", gazetteer=tiny)
    assert [m.place.country for m in got] == ["PK", "PK", "PK"]


def test_ambiguous_name_without_context_is_unresolved_with_candidates_and_reason(tiny):
    (m,) = find_mentions("He lives near Mand.", gazetteer=tiny)
    assert m.place is None and m.lat is None
    assert len(m.candidates) == 2 and "ambiguous" in m.reason


def test_named_as_a_district_picks_the_district():
    town = Candidate(PLACES["mastung_town"], 1.0, "exact", "Mastung")
    district = Candidate(PLACES["mastung_district"], 1.0, "exact", "Mastung")
    assert resolve_in_context([town, district], want_district=True)[0].place.feature_type == "district"
    assert resolve_in_context([town, district])[0].place.feature_type == "town"


def test_no_candidates_is_a_reason_not_an_error():
    assert resolve_in_context([]) == (None, "no gazetteer candidate")


# -------------------------------------------------------------------------------- sub-sites


def test_subsite_attaches_to_the_town_after_in(tiny):
    got = find_mentions("Militants tried to breach the Red Zone in Quetta.", gazetteer=tiny)
    red = next(m for m in got if m.surface == "Red Zone")
    assert red.place.name == "Quetta" and red.match == "subsite" and red.role == "incident_site"


def test_subsite_attaches_to_the_possessive_town(tiny):
    got = find_mentions("A bombing at Quetta's train station killed 26.", gazetteer=tiny)
    st = next(m for m in got if m.surface == "train station")
    assert st.place.name == "Quetta"


def test_subsite_attaches_to_the_town_that_opens_its_clause_not_an_origin(tiny):
    text = "In Gwadar, terrorists killed five women from a family belonging to Khuzdar and also targeted a labor colony."
    col = next(m for m in find_mentions(text, gazetteer=tiny) if m.surface == "labor colony")
    assert col.place.name == "Gwadar" and col.role == "incident_site"


def test_subsite_is_not_attached_to_another_town_of_its_sentence(tiny):
    text = ("Bugti said Nushki has been completely cleared and confirmed that militants failed to breach "
            "sensitive areas, including the Red Zone.")
    red = next(m for m in find_mentions(text, gazetteer=tiny) if m.surface == "Red Zone")
    assert red.place is None and red.lat is None and "does not say" in red.reason
    nushki = next(m for m in find_mentions(text, gazetteer=tiny) if m.surface == "Nushki")
    assert nushki.role == "incident_site"


def test_subsite_town_named_before_it_needs_a_possessive(tiny):
    got = find_mentions("Militants attacked Quetta and the Red Zone was sealed off.", gazetteer=tiny)
    assert next(m for m in got if m.surface == "Red Zone").place is None
    got = find_mentions("Militants attacked Quetta’s Red Zone.", gazetteer=tiny)
    assert next(m for m in got if m.surface == "Red Zone").place.name == "Quetta"


def test_generic_subsite_without_a_town_is_dropped_but_a_named_one_stays_unresolved(tiny):
    got = find_mentions("Militants freed inmates from a district jail. They failed to reach the Red Zone.", gazetteer=tiny)
    assert [(m.surface, m.place) for m in got] == [("Red Zone", None)]


def test_gazetteer_name_inside_a_subsite_phrase_is_not_a_separate_place(tiny):
    got = find_mentions("They stormed the Counter Terrorism Department headquarters in Nushki.", gazetteer=tiny)
    assert [m.surface for m in got] == ["Counter Terrorism Department headquarters", "Nushki"]


# ---------------------------------------------------------------------------------- evidence


def test_every_mention_keeps_its_evidence(tiny):
    text = "Militants attacked Quetta. Bugti told reporters in Islamabad that Gwadar was hit."
    for m in find_mentions(text, gazetteer=tiny, article_id="a1"):
        assert text[m.start : m.end] == m.surface
        assert m.surface in m.sentence and m.article_id == "a1"
        assert m.role in ROLES and m.reason


# ------------------------------------------------------------------ golden cases (real gazetteer)


def _cases():
    for n, line in enumerate(CASES.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip() and not line.startswith("//"):
            case = json.loads(line)
            marks = [pytest.mark.xfail(strict=True, reason=case["xfail"])] if case.get("xfail") else []
            yield pytest.param(case, id=case.get("id", f"line{n}"), marks=marks)


@pytest.fixture(scope="module")
def real_gazetteer():
    gazetteer = pytest.importorskip("geoincident.gazetteer")
    return gazetteer.Gazetteer.default()


@pytest.mark.parametrize("case", list(_cases()))
def test_golden_mentions(case, real_gazetteer):
    got = find_mentions(case["text"], gazetteer=real_gazetteer, past_sentences=set(case.get("past_sentences", ())),
                        dateline=case.get("dateline", ""))
    pairs = [(m.place.name if m.place else m.surface, m.role) for m in got]
    for name, role in case.get("expect", []):
        assert (name, role) in pairs, f"expected {name} as {role}; got {pairs}"
    for name in case.get("absent", []):
        surfaces = [m.surface for m in got]
        assert all(n != name for n, _ in pairs) and name not in surfaces, f"{name} must not be a place; got {pairs}"
    for name, role in case.get("not_role", []):
        assert (name, role) not in pairs, f"{name} must not be {role}; got {pairs}"
    for surface, town in case.get("subsites", []):
        subs = [m for m in got if m.surface == surface]
        assert subs, f"sub-site {surface} not found; got {[m.surface for m in got]}"
        got_town = subs[0].place.name if subs[0].place else None
        assert got_town == town, f"{surface} must attach to {town}; got {got_town} ({subs[0].reason})"

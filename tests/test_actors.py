"""Actors and ACLED event types."""

from __future__ import annotations

from pathlib import Path

import pytest

from geoincident.actors import classify_event, find_actors


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the banned Balochistan Liberation Army (BLA)", [("Balochistan Liberation Army", "perpetrator"), ("Balochistan Liberation Army", "perpetrator")]),
        ("The Baloch Liberation Army claimed it", [("Balochistan Liberation Army", "perpetrator")]),
        ("attackers, which Islamabad labels as “Fitna al-Hindustan,”", [("Fitna al-Hindustan", "perpetrator")]),
        ("Tehreek-e-Taliban Pakistan (TTP) and Tehrik-e-Taliban Pakistan and Tehrik i Taliban Pakistan",
         [("Tehrik-e-Taliban Pakistan", "perpetrator")] * 4),
        ("suicide attacks were attempted on Frontier Corps headquarters in Nushki", [("Frontier Corps", "target")]),
        ("taken control of a Counter Terrorism Department headquarters", [("Counter Terrorism Department", "target")]),
        ("terrorists killed five women and also targeted a labor colony", [("Labour colony", "target")]),
        ("a blast hit a school bus", [("School bus", "target")]),
        ("the police station was attacked at night", [("Police", "target")]),
        ("Frontier Corps, Police and Law Enforcement Agencies responded", [("Frontier Corps", "other"), ("Police", "other"), ("Security forces", "other")]),
    ],
)
def test_find_actors(text, expected):
    found = find_actors(text)
    assert [(a.name, a.role) for a in found] == expected
    for a in found:
        assert text[a.start : a.end] == a.surface


@pytest.mark.parametrize("text", ["a blade and a blanket", "bla bla", "the TTPs", "fc barcelona", "Pre-BLA-era"])
def test_no_actor(text):
    assert find_actors(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A suicide bombing at the station killed 26.", ("Explosions/Remote violence", "Suicide bomb")),
        ("a bombing at Quetta's train station; a suicide bomber carried 6-8 kilograms", ("Explosions/Remote violence", "Suicide bomb")),
        ("a blast hit a school bus, killing four children", ("Explosions/Remote violence", "Remote explosive/landmine/IED")),
        ("an IED went off near a convoy", ("Explosions/Remote violence", "Remote explosive/landmine/IED")),
        ("a wave of coordinated gun and bomb attacks across Balochistan", ("Battles", "Armed clash")),
        ("clashes erupted between troops and militants", ("Battles", "Armed clash")),
        ("security forces killed 145 during intelligence-based operations; suicide attacks were attempted",
         ("Battles", "Armed clash")),
        ("a grenade was hurled at a shop", ("Explosions/Remote violence", "Grenade")),
        ("a drone strike hit a compound", ("Explosions/Remote violence", "Air/drone strike")),
        ("gunmen opened fire on passengers", ("Violence against civilians", "Attack")),
        ("militants attacked a police checkpost", ("Battles", "Armed clash")),
        ("armed men abducted 14 passengers", ("Violence against civilians", "Abduction/forced disappearance")),
        ("The minister visited the province and spoke about development.", ("", "")),
    ],
)
def test_classify_event(text, expected):
    assert classify_event(text) == expected


def _seed_texts():
    seeds = Path(__file__).resolve().parents[1] / "seeds"
    if not seeds.is_dir():
        pytest.skip("seeds/ not present")
    from geoincident.articles import read_articles

    return [a.text for a in read_articles([seeds])]


def test_classify_event_spans_match_the_joined_sentences():
    """classify_event(text, spans=) reads the article's own keyword pass; it must classify each
    sentence as classifying that sentence's text alone does."""
    from geoincident.sentences import split_sentences

    checked = set()
    for text in _seed_texts():
        for s, e in split_sentences(text):
            got = classify_event(text, spans=[(s, e)])
            assert got == classify_event(text[s:e]), text[s:e]
            checked.add(got)
    assert len(checked) >= 3  # the seeds hold several event types, not only ("", "")


def test_classify_event_spans_exclude_the_rest():
    text = "A suicide bomber struck in Quetta. Separately, gunmen opened fire on passengers near Turbat."
    assert classify_event(text) == ("Explosions/Remote violence", "Suicide bomb")
    assert classify_event(text, spans=[(35, len(text))]) == ("Violence against civilians", "Attack")
    assert classify_event(text, spans=[]) == ("", "")

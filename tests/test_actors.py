"""Actors and ACLED event types."""

from __future__ import annotations

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

"""Who attacked whom, and what kind of event it was (ACLED vocabulary).

:func:`find_actors` spots armed groups (the Balochistan Liberation Army and its
spellings, the state's "Fitna al-Hindustan" label, the TTP ...) and the forces and
places they target (Frontier Corps, CTD, police, a labour colony) with their role.
:func:`classify_event` gives the ACLED event type and sub-type from cue words. Names,
spellings and cues live in ``geoincident/lexicon/actors.json`` and ``event_types.json``.

>>> [(a.surface, a.name, a.role) for a in find_actors("The BLA attacked a Frontier Corps camp.")]
[('BLA', 'Balochistan Liberation Army', 'perpetrator'), ('Frontier Corps', 'Frontier Corps', 'target')]
>>> classify_event("A suicide bombing hit the station.")
('Explosions/Remote violence', 'Suicide bomb')
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from geoincident.lexicon import alternation, load
from geoincident.lexicon.scan import scan

__all__ = ["ActorMention", "find_actors", "classify_event", "ACTOR_KINDS"]


@dataclass(frozen=True, slots=True)
class ActorMention:
    """An actor named in the text."""

    start: int
    end: int
    surface: str  # text[start:end]
    name: str  # canonical name
    role: str  # "perpetrator", "target" or "other"
    kind: str = ""  # armed_group, state_label, state_force, facility, civilian_target


class _Actors:
    """Target cues; the actor names themselves are found by :func:`geoincident.lexicon.scan.scan`."""

    def __init__(self) -> None:
        lex = load("actors")
        self.before = re.compile(rf"\b(?:{alternation(lex['target_cues_before'])})\b(?:\s+\S+){{0,4}}\s+$")
        self.after = re.compile(rf"\s*(?:\S+\s+){{0,3}}?(?:{alternation(lex['target_cues_after'])})\b")


@functools.cache
def _actors() -> _Actors:
    return _Actors()


#: kinds of actor a mention can name
ACTOR_KINDS: tuple[str, ...] = ("armed_group", "state_label", "state_force", "facility", "civilian_target")


def find_actors(text: str) -> list[ActorMention]:
    """Every actor named in ``text``, left to right, with a role.

    Armed groups and the state's labels for them are perpetrators. Forces, facilities and
    civilians are targets when a target cue stands just before them ("attacks on the
    Frontier Corps headquarters", "targeted a labour colony") or a passive cue just after
    ("the police station was attacked"); otherwise their role is "other".

    >>> [(a.name, a.role) for a in find_actors("Tehreek-e-Taliban Pakistan (TTP) and security forces")]
    [('Tehrik-e-Taliban Pakistan', 'perpetrator'), ('Tehrik-e-Taliban Pakistan', 'perpetrator'), ('Security forces', 'other')]
    """
    lex = _actors()
    sc = scan(text)
    low = sc.low
    hits = sorted(sc.hits["actor"], key=lambda h: (h[0], -h[1]))
    out: list[ActorMention] = []
    covered = -1
    for start, end, (name, kind, role, exact) in hits:
        if start < covered or (exact and text[start:end] != exact):
            continue
        if (start > 0 and low[start - 1] == "-") or (end < len(low) and low[end] == "-"):
            continue  # part of a longer hyphenated word
        covered = end
        if kind not in ("armed_group", "state_label"):
            if lex.before.search(low, max(0, start - 60), start) or lex.after.match(low, end, end + 60):
                role = "target"
        out.append(ActorMention(start, end, text[start:end], name, role, kind))
    return out


class _Events:
    def __init__(self) -> None:
        lex = load("event_types")
        # rule index -> (event_type, sub_event_type); the cues are found by lexicon.scan
        self.rules: list[tuple[str, str]] = [(rule["event_type"], rule["sub_event_type"]) for rule in lex["rules"]]
        self.explosions = lex["explosion_type"]


@functools.cache
def _events() -> _Events:
    return _Events()


def classify_event(text: str, *, spans: Sequence[tuple[int, int]] | None = None) -> tuple[str, str]:
    """ACLED ``(event_type, sub_event_type)`` of the event ``text`` describes, or ``("", "")``.

    ``spans`` (``(start, end)`` offsets, e.g. the sentences of one event) limits the cues to
    those parts of ``text``: classifying an event of an article this way reuses the article's
    keyword pass instead of scanning a joined copy of its sentences.

    The rule (``docs/extraction.md``): the earliest specific cue decides (a blast, an
    armed clash, an abduction...); an explosion becomes a suicide bomb when any suicide
    cue is present; a bare "attack" is a Battle when security forces are named and
    Violence against civilians otherwise.

    >>> classify_event("a wave of coordinated gun and bomb attacks across Balochistan")
    ('Battles', 'Armed clash')
    >>> classify_event("a blast hit a school bus, killing four children")
    ('Explosions/Remote violence', 'Remote explosive/landmine/IED')
    >>> classify_event("gunmen opened fire on passengers")
    ('Violence against civilians', 'Attack')
    >>> text = "A blast hit Quetta. Later, gunmen opened fire on passengers."
    >>> classify_event(text, spans=[(20, len(text))])
    ('Violence against civilians', 'Attack')
    """
    ev = _events()
    hits = scan(text).hits
    if spans is not None:
        hits = {tag: _inside(hits[tag], spans) for tag in ("event", "suicide", "security", "generic")}
    first = min(((start, rule) for start, _, rule in hits["event"]), default=None)
    if first is not None:
        event_type, sub = ev.rules[first[1]]
        if event_type == ev.explosions and hits["suicide"]:
            return event_type, "Suicide bomb"
        return event_type, sub
    if hits["generic"]:
        if hits["security"]:
            return "Battles", "Armed clash"
        return "Violence against civilians", "Attack"
    return "", ""


def _inside(hits: list[tuple[int, int, Any]], spans: Iterable[tuple[int, int]]) -> list[tuple[int, int, Any]]:
    return [h for h in hits if any(s <= h[0] and h[1] <= e for s, e in spans)]

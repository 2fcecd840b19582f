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
from dataclasses import dataclass

from geoincident.lexicon import KeywordIndex, alternation, load

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
    def __init__(self) -> None:
        lex = load("actors")
        keys: dict[str, tuple[str, str, str, str]] = {}  # lower-case spelling -> (name, kind, role, exact case or "")
        for entry in lex["actors"]:
            name, kind, role = entry["name"], entry["kind"], entry["role"]
            for spelling in entry.get("spellings", ()):
                for variant in {spelling, spelling.replace("-", " ")}:
                    keys[variant.lower()] = (name, kind, role, "")
            for acronym in entry.get("acronyms", ()):
                keys[acronym.lower()] = (name, kind, role, acronym)
        self.index = KeywordIndex(keys)
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
    low = text.lower()
    if len(low) != len(text):  # a few Unicode letters change length when lower-cased
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    hits = sorted(lex.index.find(low), key=lambda h: (h[0], -h[1]))
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
        self.rules: list[tuple[str, str, str]] = []  # (group name, event_type, sub_event_type)
        parts = []
        for i, rule in enumerate(lex["rules"]):
            name = f"r{i}"
            self.rules.append((name, rule["event_type"], rule["sub_event_type"]))
            parts.append(rf"(?P<{name}>\b(?:{alternation(rule['cues'])})\b)")
        self.pattern = re.compile("|".join(parts), re.IGNORECASE)
        self.index = {name: (et, st) for name, et, st in self.rules}
        self.suicide = re.compile(rf"\b(?:{alternation(lex['suicide_cues'])})\b", re.IGNORECASE)
        self.security = re.compile(rf"\b(?:{alternation(lex['security_words'])})\b", re.IGNORECASE)
        self.generic = re.compile(rf"\b(?:{alternation(lex['generic_attack_cues'])})\b", re.IGNORECASE)
        self.explosions = lex["explosion_type"]


@functools.cache
def _events() -> _Events:
    return _Events()


def classify_event(text: str) -> tuple[str, str]:
    """ACLED ``(event_type, sub_event_type)`` of the event ``text`` describes, or ``("", "")``.

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
    """
    ev = _events()
    m = ev.pattern.search(text)
    if m is not None:
        event_type, sub = ev.index[m.lastgroup or ""]
        if event_type == ev.explosions and ev.suicide.search(text):
            return event_type, "Suicide bomb"
        return event_type, sub
    if ev.generic.search(text):
        if ev.security.search(text):
            return "Battles", "Armed clash"
        return "Violence against civilians", "Attack"
    return "", ""

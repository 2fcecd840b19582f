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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from geoincident.lexicon import load
from geoincident.lexicon.scan import peek, scan

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


def _targeted(hits: dict[str, list], low: str, start: int, end: int) -> bool:
    """Whether a target cue stands just before ``low[start:end]`` (at most four words between,
    within 60 characters) or a passive cue just after it (at most three words between)."""
    for a, b, _ in hits["target_before"]:
        if start - 60 <= a and b < start:
            gap = low[b:start]
            if gap[0].isspace() and gap[-1].isspace() and len(gap.split()) <= 4:
                return True
    for a, b, _ in hits["target_after"]:
        if end <= a and b <= end + 60:
            gap = low[end:a]
            if not gap or (gap[-1].isspace() and len(gap.split()) <= 3):
                return True
    return False


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
            if _targeted(sc.hits, low, start, end):
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
    # an article's own pass when it was made (find_claims, find_actors), else a pass for event cues only
    sc = (peek(text) or scan(text, tags=_EVENT_TAGS)) if spans is None else scan(text)
    hits = sc.hits
    if spans is not None:
        hits = {tag: _inside(hits[tag], spans) for tag in _EVENT_TAGS}
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


_EVENT_TAGS = ("event", "suicide", "security", "generic")


def _inside(hits: list[tuple[int, int, Any]], spans: Iterable[tuple[int, int]]) -> list[tuple[int, int, Any]]:
    return [h for h in hits if any(s <= h[0] and h[1] <= e for s, e in spans)]

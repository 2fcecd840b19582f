"""One keyword pass over a text for every lexicon phrase the text modules look for.

Claims (outcome cues, speech verbs, number words), dates (month and weekday names,
relative phrases), actors (group names and spellings) and event types (ACLED cues) all
start from where their phrases occur. Instead of each scanning and lower-casing the
text on its own, :func:`scan` runs one Aho-Corasick pass over ``text.lower()`` and hands
each its hits, by tag. The last few texts scanned are kept, so
``find_dates(text)``, ``find_claims(text)`` and ``find_actors(text)`` on one article
pay for one pass. The phrases come from the JSON files of this folder.

>>> s = scan("Bugti said 17 soldiers were killed on Saturday by the BLA.")
>>> [s.text[a:b] for a, b, _ in s.hits["cue"]], [s.text[a:b] for a, b, _ in s.hits["weekday"]]
(['killed'], ['Saturday'])
>>> [(s.text[a:b], v[0]) for a, b, v in s.hits["actor"]]
[('soldiers', 'Pakistan Army'), ('BLA', 'Balochistan Liberation Army')]
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass, field
from typing import Any

from geoincident.lexicon import load

__all__ = ["Scan", "scan", "peek", "lower_same_length", "number_trigger_words", "role_phrases", "words_only", "TAGS"]

#: the kinds of hit a scan reports, and what each hit's value is
TAGS: dict[str, str] = {
    "cue": "an outcome cue of claims.json: the outcome (killed, injured ...)",
    "noun_outcome": "a counted noun of claims.json that brings its own outcome ('casualties'): the outcome",
    "speech": "a speech verb of claims.json",
    "according": "an attribution phrase of claims.json ('according to')",
    "breaker": "a clause-breaker word of claims.json ('while', 'after')",
    "num": "a number word or vague quantity of numbers.json that can start a number phrase",
    "month": "a month name of dates.json: the month number",
    "weekday": "a weekday name of dates.json: 0 for Monday",
    "rel": "a relative date phrase of dates.json: the phrase",
    "ago": "'days ago'",
    "actor": "an actor spelling of actors.json: (name, kind, role, exact case or '')",
    "target_before": "a cue of actors.json that makes the actor after it a target ('attack on')",
    "target_after": "a passive cue of actors.json that makes the actor before it a target ('was attacked')",
    "event": "an event cue of event_types.json: the index of the first rule that lists it",
    "suicide": "a suicide cue of event_types.json",
    "security": "a security-force word of event_types.json",
    "generic": "a generic attack cue of event_types.json",
    "role": "a place-role cue or sub-site phrase of roles.json: (phrase, its role or None, sub-site?)",
}


def lower_same_length(text: str) -> str:
    """``text.lower()``, except for the few characters whose lower case is longer, kept as they are,
    so that offsets into the result index ``text`` too.

    >>> lower_same_length("İstanbul BLA")
    'İstanbul bla'
    """
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return low


def number_trigger_words() -> tuple[str, ...]:
    """The words and phrases a number phrase can start with, besides digits (from numbers.json).

    >>> {"five", "dozens", "a hundred", "between"} <= set(number_trigger_words())
    True
    """
    return _number_trigger_words()


@functools.cache
def _number_trigger_words() -> tuple[str, ...]:
    data = load("numbers")
    words = [*data["units"], *data["scales"], "dozen", *(k.lower() for k in data["fixed"]), *data["vague"], "between"]
    triggers = dict.fromkeys(words)
    triggers.update(dict.fromkeys(f"{a} {w}" for a in ("a", "an") for w in [*data["scales"], "dozen", *data["units"]]))
    return tuple(triggers)


def role_phrases() -> dict[str, tuple[str | None, bool]]:
    """The phrases of roles.json a place's role is read from, single-spaced and lower-case ->
    (the role of a place right after it, "weak" or "" for a neutral phrase, or None; whether
    it names a sub-site such as "Red Zone").

    >>> role_phrases()["press conference in"], role_phrases()["red zone"]
    (('statement', False), (None, True))
    """
    return _role_phrases()


@functools.cache
def _role_phrases() -> dict[str, tuple[str | None, bool]]:
    data = load("roles")
    left: dict[str, str] = {}
    for role, phrases in data["left_cues"].items():
        for p in phrases:
            left[" ".join(p.lower().split())] = role
    for p in data["weak_prepositions"]:
        left.setdefault(p.lower(), "weak")
    for p in data.get("neutral_phrases", ()):
        left[" ".join(p.lower().split())] = ""
    table: dict[str, tuple[str | None, bool]] = {phrase: (role, False) for phrase, role in left.items()}
    for p in data["subsites"]:
        key = " ".join(p.lower().split())
        table[key] = (table[key][0] if key in table else None, True)
    for phrase in table:
        if not words_only(phrase).strip():
            raise ValueError(f"lexicon/roles.json: the phrase {phrase!r} has no letter or digit")
    return table


def _phrases() -> dict[str, dict[str, Any]]:
    """Phrase -> value, by tag, exactly as each module read them from its lexicon file."""
    claims = load("claims")
    dates = load("dates")
    actors = load("actors")
    events = load("event_types")
    by_tag: dict[str, dict[str, Any]] = {tag: {} for tag in TAGS}
    for outcome, cues in claims["outcomes"].items():
        for cue in cues:
            by_tag["cue"][" ".join(cue.lower().split())] = outcome
    by_tag["noun_outcome"] = {k.lower(): v for k, v in claims["noun_outcomes"].items()}
    by_tag["speech"] = dict.fromkeys(claims["speech_verbs"], "")
    by_tag["according"] = dict.fromkeys(claims["attribution_before"], "")
    by_tag["breaker"] = dict.fromkeys((w.lower() for w in claims["clause_breakers"]), "")
    by_tag["num"] = dict.fromkeys(number_trigger_words(), "word")
    by_tag["month"] = {name.lower(): number for name, number in dates["months"].items()}
    by_tag["weekday"] = {name.lower(): number for name, number in dates["weekdays"].items()}
    by_tag["rel"] = {phrase: phrase for phrase in dates["relative"]}
    by_tag["ago"] = {"days ago": ""}
    for entry in actors["actors"]:
        name, kind, role = entry["name"], entry["kind"], entry["role"]
        for spelling in entry.get("spellings", ()):
            for variant in {spelling, spelling.replace("-", " ")}:
                by_tag["actor"][variant.lower()] = (name, kind, role, "")
        for acronym in entry.get("acronyms", ()):
            by_tag["actor"][acronym.lower()] = (name, kind, role, acronym)
    by_tag["target_before"] = dict.fromkeys((c.lower() for c in actors["target_cues_before"]), "")
    by_tag["target_after"] = dict.fromkeys((c.lower() for c in actors["target_cues_after"]), "")
    for i, rule in enumerate(events["rules"]):
        for cue in rule["cues"]:
            by_tag["event"].setdefault(" ".join(cue.lower().split()), i)
    by_tag["suicide"] = dict.fromkeys((c.lower() for c in events["suicide_cues"]), "")
    by_tag["security"] = dict.fromkeys((c.lower() for c in events["security_words"]), "")
    by_tag["generic"] = dict.fromkeys((c.lower() for c in events["generic_attack_cues"]), "")
    by_tag["role"] = {phrase: (phrase, role, sub) for phrase, (role, sub) in role_phrases().items()}
    return by_tag


# Lower-case ASCII letters and digits stay, every other byte becomes a space: the automaton runs over
# " " + text + " " mapped so, with keys padded by spaces, so that it reports whole words only and
# offsets stay those of the text (non-ASCII characters are first encoded as one "?" each).
_WORD_BYTES = bytes(c if chr(c).isascii() and chr(c).isalnum() else 32 for c in range(256)).translate(
    bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"abcdefghijklmnopqrstuvwxyz")
)


def words_only(text: str) -> str:
    """``text`` with every character but ASCII letters (lowered) and digits made a space, one
    character for one, so that offsets into the copy index ``text`` too.

    >>> words_only("Counter-Terrorism Department’s HQ")
    'counter terrorism department s hq'
    """
    return text.encode("ascii", "replace").translate(_WORD_BYTES).decode("ascii")


@functools.cache
def _automaton(tags: tuple[str, ...] | None = None) -> Any:
    import ahocorasick

    merged: dict[str, list[tuple[str, Any]]] = {}
    for tag, phrases in _phrases().items():
        if tags is not None and tag not in tags:
            continue
        for phrase, value in phrases.items():
            key = words_only(" ".join(phrase.lower().split()))
            if key.strip() and (tag, value) not in merged.get(key, ()):
                merged.setdefault(key, []).append((tag, value))
    automaton = ahocorasick.Automaton()
    for key, values in merged.items():
        automaton.add_word(f" {key} ", (len(key), tuple(values)))
    automaton.make_automaton()
    return automaton


@dataclass(frozen=True, slots=True)
class Scan:
    """The lexicon phrases of one text: ``hits[tag]`` is a list of ``(start, end, value)`` in the
    order their ends come in the text (see :data:`TAGS`). Shared between callers: do not mutate."""

    text: str
    low: str  # lower_same_length(text)
    hits: dict[str, list[tuple[int, int, Any]]]
    memo: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)  # results derived from it


_CACHE_SIZE = 8  # texts kept
_CACHE_MIN = 256  # shorter texts (a header line, a name) are cheap to scan again and are not kept
_cache: dict[str, Scan] = {}
_lock = threading.Lock()


def scan(text: str, *, tags: tuple[str, ...] | None = None) -> Scan:
    """Every lexicon phrase of ``text`` (whole words, any case), by tag.

    The last few texts of at least 256 characters are kept, so that the functions reading one
    article share one pass; shorter ones are scanned each time. ``tags`` limits a pass that
    is not kept to those tags (the other lists stay empty), for a caller that needs only a few.
    """
    keep = tags is None and len(text) >= _CACHE_MIN
    if keep:
        found = peek(text)
        if found is not None:
            return found
    low = lower_same_length(text)
    hits: dict[str, list[tuple[int, int, Any]]] = {tag: [] for tag in TAGS}
    # a hit ends at the space after the word: index e of " " + words, so the word is low[e - n - 1 : e - 1]
    for e, (n, values) in _automaton(tags).iter(f" {words_only(low)} "):
        for tag, value in values:
            hits[tag].append((e - n - 1, e - 1, value))
    found = Scan(text, low, hits)
    if keep:
        with _lock:
            if len(_cache) >= _CACHE_SIZE:
                del _cache[next(iter(_cache))]
            _cache[text] = found
    return found


def peek(text: str) -> Scan | None:
    """The kept pass over ``text``, or None when there is none."""
    if len(text) < _CACHE_MIN:
        return None
    with _lock:
        return _cache.get(text)

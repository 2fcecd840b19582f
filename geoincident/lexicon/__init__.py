"""Word lists that people edit: number words, outcome cues, group nouns, actors, boilerplate.

Each list is a JSON file in this folder, loaded on first use and cached. Edit the
files, not the code; the tests in ``tests/`` show what each rule must and must not match.

>>> load("numbers")["units"]["five"]
5
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

from geoincident.errors import UsageError


@functools.cache
def load(name: str) -> Any:
    """The parsed contents of ``<name>.json`` in this folder (cached, do not mutate)."""
    try:
        raw = resources.files(__package__).joinpath(f"{name}.json").read_text(encoding="utf-8")
    except FileNotFoundError as err:
        raise UsageError(f"no lexicon named {name!r} in geoincident/lexicon/") from err
    return json.loads(raw)


def alternation(phrases: Any) -> str:
    """A regex alternation of literal phrases, longest first, spaces matching any whitespace.

    >>> alternation(["at least", "over"])
    'at\\\\s+least|over'
    """
    import re

    ordered = sorted(set(phrases), key=lambda p: (-len(p), p))
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)


class KeywordIndex:
    """Every whole-word occurrence of a set of lower-case phrases, in one pass (Aho-Corasick).

    Scanning a 5 KB text once costs about as much as one simple regex, whatever the
    number of phrases; the rules then look only at the places it reports.

    >>> idx = KeywordIndex({"killed": "cue", "shot dead": "cue", "dead": "cue"})
    >>> idx.find("two shot dead, none killedx")
    [(4, 13, 'cue'), (9, 13, 'cue')]
    """

    def __init__(self, phrases: dict[str, Any]) -> None:
        import ahocorasick

        self._automaton = ahocorasick.Automaton()
        for phrase, value in phrases.items():
            key = " ".join(phrase.lower().split())
            if key:
                self._automaton.add_word(key, (len(key), value))
        self._empty = len(self._automaton) == 0
        if not self._empty:
            self._automaton.make_automaton()

    def find(self, low: str) -> list[tuple[int, int, Any]]:
        """``(start, end, value)`` of every whole-word hit in ``low`` (already lower-cased), by end."""
        if self._empty:
            return []
        out = []
        n = len(low)
        for last, (length, value) in self._automaton.iter(low):
            start = last - length + 1
            if start > 0 and low[start - 1].isalnum():
                continue
            if last + 1 < n and low[last + 1].isalnum():
                continue
            out.append((start, last + 1, value))
        return out

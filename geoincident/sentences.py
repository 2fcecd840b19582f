"""Sentence spans with offsets: newlines are hard breaks, abbreviations are not ends.

>>> text = "He left on Feb. 9 for the U.S. embassy. Dr. Khan said: “Two died.” Then\\nA headline"
>>> [text[s:e] for s, e in split_sentences(text)]
['He left on Feb. 9 for the U.S. embassy.', 'Dr. Khan said: “Two died.”', 'Then', 'A headline']
"""

from __future__ import annotations

import re

__all__ = ["split_sentences"]

# A candidate end: . ! or ? (possibly repeated), closing quotes/brackets, then spaces.
_END = re.compile(r"[.!?]+[\"'”’)\]]*[ \t]+")
_LINE = re.compile(r"[^\n]+")
# A word right before a period that does not end a sentence.
_ABBREV = frozenset(
    """jan feb mar apr jun jul aug sep sept oct nov dec mr mrs ms dr prof gen lt col maj capt cpt sgt
    brig adm cmdr gov sen rep st no nos vs etc approx est dept govt inc ltd co corp jr sr rev hon fig
    al op pp vol ed eds ca cf mt ft nr""".split()
)
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")


def _is_boundary(line: str, dot: int, nxt: int) -> bool:
    """Whether the punctuation at ``dot`` ends a sentence, given the next text starts at ``nxt``."""
    if nxt >= len(line):
        return True
    if line[dot] != ".":
        return True
    follower = line[nxt]
    if follower.islower():
        return False
    m = _WORD_BEFORE.search(line, max(0, dot - 20), dot)
    if m is None:
        return True
    word = m.group(1)
    if word.lower() in _ABBREV:
        # "Feb. 9" and "Dr. Khan" continue; "... in Feb. The next" is rare enough to accept.
        return False
    if len(word) == 1 or "." in word:
        # Initials and dotted abbreviations: "U.S.", "J. Smith". A dotted word followed by a
        # capitalised word may still end a sentence ("... the U.S. The"), but names are more common.
        return False
    return True


def split_sentences(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` spans of the sentences of ``text``; ``text[start:end]`` is trimmed.

    >>> split_sentences("One. Two!\\n\\nThree")
    [(0, 4), (5, 9), (11, 16)]
    """
    spans: list[tuple[int, int]] = []
    for line_m in _LINE.finditer(text):
        line = line_m.group(0)
        base = line_m.start()
        start = 0
        for m in _END.finditer(line):
            end = m.end()
            if _is_boundary(line, m.start(), end):
                _add(spans, line, base, start, end)
                start = end
        _add(spans, line, base, start, len(line))
    return spans


def _add(spans: list[tuple[int, int]], line: str, base: int, start: int, end: int) -> None:
    while start < end and line[start].isspace():
        start += 1
    while end > start and line[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((base + start, base + end))

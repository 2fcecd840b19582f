"""Sentence spans with offsets: newlines are hard breaks, abbreviations are not ends.

>>> text = "He left on Feb. 9 for the U.S. embassy. Dr. Khan said: “Two died.” Then\\nA headline"
>>> [text[s:e] for s, e in split_sentences(text)]
['He left on Feb. 9 for the U.S. embassy.', 'Dr. Khan said: “Two died.”', 'Then', 'A headline']
"""

from __future__ import annotations

import re

__all__ = ["split_sentences"]

# A candidate end: . ! or ? (possibly repeated), closing quotes/brackets, then spaces; or a newline.
# (One character class first lets the regex engine skip quickly to the next candidate.)
_CUT = re.compile(r"[.!?\n](?:(?<=\n)|[.!?]*[\"'”’)\]]*(?P<space>[ \t]+))")
# A word that does not end a sentence when a period follows it.
_ABBREV = frozenset(
    """jan feb mar apr jun jul aug sep sept oct nov dec mr mrs ms dr prof gen lt col maj capt cpt sgt
    brig adm cmdr gov sen rep st no nos vs etc approx est dept govt inc ltd co corp jr sr rev hon fig
    al op pp vol ed eds ca cf mt ft nr""".split()
)
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")


def _continues(text: str, line_start: int, dot: int, nxt: int) -> bool:
    """Whether the period at ``dot`` is not a sentence end, given the next word starts at ``nxt``."""
    if text[nxt].islower():
        return True
    m = _WORD_BEFORE.search(text, max(line_start, dot - 20), dot)
    if m is None:
        return False
    word = m.group(1)
    # "Feb. 9" and "Dr. Khan" continue; "... in Feb. The next" is rare enough to accept.
    # Initials and dotted abbreviations: "U.S.", "J. Smith". A dotted word followed by a
    # capitalised word may still end a sentence ("... the U.S. The"), but names are more common.
    return word.lower() in _ABBREV or len(word) == 1 or "." in word


def split_sentences(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` spans of the sentences of ``text``; ``text[start:end]`` is trimmed.

    >>> split_sentences("One. Two!\\n\\nThree")
    [(0, 4), (5, 9), (11, 16)]
    """
    spans: list[tuple[int, int]] = []
    start = line_start = 0
    n = len(text)
    for m in _CUT.finditer(text):
        end = m.start("space")
        if end < 0:  # a newline
            _add(spans, text, start, m.start())
            start = line_start = m.end()
            continue
        nxt = m.end()
        if nxt < n and text[nxt] != "\n" and text[m.start()] == "." and _continues(text, line_start, m.start(), nxt):
            continue
        _add(spans, text, start, end)
        start = nxt
    _add(spans, text, start, n)
    return spans


def _add(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    if start < end and (text[start].isspace() or text[end - 1].isspace()):
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
    if end > start:
        spans.append((start, end))

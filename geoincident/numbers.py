"""Number phrases in news text, read as ranges: "at least 145", "five women and three children", "dozens".

A :class:`Quantity` never pretends to be more exact than the text: "at least 145"
is ``low=145, high=None``; "nearly 50" is ``high=50`` with no best value; "dozens"
is ``low=24`` and nothing else. The words and their values live in
``geoincident/lexicon/numbers.json``; the rules are documented in ``docs/extraction.md``.

>>> [(q.surface, q.low, q.best, q.high, q.qualifier) for q in find_quantities("killed at least 145 militants")]
[('at least 145', 145, 145, None, 'at_least')]
>>> find_quantities("five women and three children")[0].parts
(('women', 5), ('children', 3))
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from geoincident.lexicon import KeywordIndex, alternation, load
from geoincident.lexicon.scan import lower_same_length, number_trigger_words

__all__ = ["Quantity", "find_quantities", "quantities_at", "quantity_tuples", "parse_number", "trigger_words"]


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number phrase: its span in the sentence and the range it states."""

    start: int
    end: int
    surface: str  # sentence[start:end]
    low: int | None  # lower bound, None when open
    best: int | None  # best single value, None when the text gives none ("dozens", "nearly 50")
    high: int | None  # upper bound, None when open
    qualifier: str = "exact"  # exact, at_least, over, nearly, about, up_to, under, range, vague
    parts: tuple[tuple[str, int], ...] = ()  # ("women", 5), ("children", 3): the surface names them


class _Lexicon:
    """Compiled patterns built once from numbers.json and groups.json."""

    def __init__(self) -> None:
        data = load("numbers")
        self.units: dict[str, int] = data["units"]
        self.scales: dict[str, int] = data["scales"]
        self.dozen: int = data["dozen"]
        self.fixed: dict[str, int] = {k.lower(): v for k, v in data["fixed"].items()}
        self.qualifiers: dict[str, str] = data["qualifiers"]
        self.vague: dict[str, dict[str, int]] = data["vague"]
        self.parts: dict[str, str] = load("groups")["parts"]
        word = alternation([*self.units, *self.scales, "dozen"])
        words = rf"(?:(?:a|an)\s+)?(?:{word})(?:(?:\s+and\s+|[\s-]+)(?:{word}))*"
        digits = r"(?<![\w.,/:$£€-])\d{1,3}(?:,\d{3})+(?![\w/:]|[.,]\d)|(?<![\w.,/:$£€-])\d+(?![\w/:]|[.,]\d)"
        tail = r"\d{1,3}(?:,\d{3})+(?![\w/:]|[.,]\d)|\d+(?![\w/:]|[.,]\d)"
        number = rf"(?:{digits}|\b(?:{words})\b)"
        fixed = alternation(self.fixed)
        core = (
            rf"(?P<between>\bbetween\s+(?P<b1>{number})\s+and\s+(?P<b2>{number}))"
            rf"|(?P<range>(?P<r1>{digits})\s*[-–]\s*(?P<r2>{tail})"
            rf"|(?P<r3>{number})\s+(?:to|or)\s+(?P<r4>{number}))"
            rf"|(?P<fixed>\b(?:{fixed})\b)"
            rf"|(?P<num>{number})"
            rf"|(?P<vague>\b(?:{alternation(self.vague)})\b)"
        )
        qual = alternation(self.qualifiers)
        # Matched on lower-cased text, anchored where the trigger index finds a number word or digit.
        self.core = re.compile(core)
        # plain digits before a space, not a range ("5-6", "5 to 6"): read without the full pattern
        self.plain = re.compile(r"(?<![\w.,/:$£€-])\d+(?=\s)(?!\s*[-–])(?!\s+(?:to|or)\s)")
        self.qual_before = re.compile(rf"\b(?P<qual>{qual})\s+$")
        self.qual_words = {" ".join(q.split()) for q in self.qualifiers}
        self.qual_max = max(len(q.split()) for q in self.qualifiers)
        self.qual_last = {q.split()[-1] for q in self.qualifiers}
        self.digit = re.compile(r"\d+")
        # the same words the shared keyword pass reports as "num" (find_claims reads them from there)
        self.trigger_words: tuple[str, ...] = number_trigger_words()
        self.triggers = KeywordIndex(dict.fromkeys(self.trigger_words, "word"))
        self.part_after = re.compile(rf"\s+(?P<noun>{alternation(self.parts)})\b")
        self.join = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+")
        self.tokens = re.compile(r"[a-z]+", re.IGNORECASE)
        # A bare "a"/"an" is not a number; neither is "one" in "one of the" handled by callers.


@functools.cache
def _lex() -> _Lexicon:
    return _Lexicon()


def trigger_words() -> tuple[str, ...]:
    """The words and phrases a number phrase can start with, besides digits.

    >>> "dozens" in trigger_words() and "between" in trigger_words()
    True
    """
    return _lex().trigger_words


def parse_number(phrase: str) -> int | None:
    """The value of digits or number words, or None.

    >>> parse_number("one hundred and forty-five"), parse_number("1,200"), parse_number("two dozen")
    (145, 1200, 24)
    >>> parse_number("a thousand"), parse_number("militants")
    (1000, None)
    """
    lex = _lex()
    text = phrase.strip().lower()
    if not text:
        return None
    if text[0].isdigit():
        try:
            return int(text.replace(",", ""))
        except ValueError:
            return None
    if text in lex.fixed:
        return lex.fixed[text]
    total = 0
    current = 0
    seen = False
    for tok in lex.tokens.findall(text):
        if tok in ("a", "an"):
            current = max(current, 1)
        elif tok == "and":
            continue
        elif tok in lex.units:
            current += lex.units[tok]
            seen = True
        elif tok == "dozen":
            current = max(current, 1) * lex.dozen
            seen = True
        elif tok in lex.scales:
            scale = lex.scales[tok]
            current = max(current, 1) * scale
            seen = True
            if scale >= 1000:
                total += current
                current = 0
        else:
            return None
    return total + current if seen else None


#: (low, best, high) of a count ``n`` by qualifier: the claim contract of records.Claim.
BOUNDS_BY_QUALIFIER = {
    # qualifier -> (low, best, high) as functions of n
    "exact": lambda n: (n, n, n),
    "at_least": lambda n: (n, n, None),
    "over": lambda n: (n + 1, n + 1, None),
    "nearly": lambda n: (None, None, n),
    "about": lambda n: (None, n, None),
    "up_to": lambda n: (None, None, n),
    "under": lambda n: (None, None, n - 1),
}


def _quantity(m: re.Match[str], qual: re.Match[str] | None) -> _Tuple | None:
    lex = _lex()
    qualifier = lex.qualifiers[" ".join(qual.group("qual").split())] if qual else "exact"
    start = qual.start("qual") if qual else m.start()
    end = m.end()
    if m.group("vague"):
        key = " ".join(m.group("vague").lower().split())
        low = lex.vague[key].get("low")
        return (start, end, low, None, lex.vague[key].get("high"), "vague", ())
    if m.group("between") or m.group("range"):
        a = parse_number(m.group("b1") or m.group("r1") or m.group("r3"))
        b = parse_number(m.group("b2") or m.group("r2") or m.group("r4"))
        if a is None or b is None or a >= b:
            return None
        return (start, end, a, None, b, "range", ())
    n = parse_number(m.group("fixed") or m.group("num"))
    if n is None:
        return None
    return (start, end, *BOUNDS_BY_QUALIFIER[qualifier](n), qualifier, ())


def find_quantities(sentence: str) -> list[Quantity]:
    """Every number phrase of ``sentence``, left to right, with offsets into it.

    Ages, durations and dates are numbers too: telling them from casualty figures is
    the job of :func:`geoincident.claims.find_claims`.

    >>> [(q.surface, q.low, q.high, q.qualifier) for q in find_quantities("nearly 50 dead; dozens hurt")]
    [('nearly 50', None, 50, 'nearly'), ('dozens', 24, None, 'vague')]
    >>> [(q.surface, q.low, q.high) for q in find_quantities("6-8 kilograms")]
    [('6-8', 6, 8)]
    """
    low = lower_same_length(sentence)
    return quantities_at(sentence, low, [h[0] for h in _lex().triggers.find(low)])


def quantities_at(sentence: str, low: str, word_starts: list[int]) -> list[Quantity]:
    """:func:`find_quantities` when the caller already has ``sentence.lower()`` and the starts of
    its number words (from one :class:`~geoincident.lexicon.KeywordIndex` pass over a whole text)."""
    return [
        Quantity(start, end, sentence[start:end], lo, best, hi, qualifier, parts)
        for start, end, lo, best, hi, qualifier, parts in quantity_tuples(low, word_starts)
    ]


#: a number phrase as :func:`quantity_tuples` gives it: (start, end, low, best, high, qualifier, parts)
_Tuple = tuple[int, int, "int | None", "int | None", "int | None", str, tuple[tuple[str, int], ...]]


def quantity_tuples(low: str, word_starts: list[int]) -> list[_Tuple]:
    """:func:`quantities_at` as plain tuples ``(start, end, low, best, high, qualifier, parts)``
    (the fields of :class:`Quantity` but the surface), for callers that read many sentences.

    >>> quantity_tuples("at least 145 killed", [])
    [(0, 12, 145, 145, None, 'at_least', ())]
    """
    lex = _lex()
    if word_starts:
        starts = sorted({*word_starts, *[m.start() for m in lex.digit.finditer(low)]})
    else:
        starts = [m.start() for m in lex.digit.finditer(low)]
    found: list[_Tuple] = []
    covered = -1
    plain_match = lex.plain.match
    qual_last = lex.qual_last
    for p in starts:
        if p < covered:
            continue
        plain = plain_match(low, p)
        if plain is not None:  # the common case, digits and a word: what the full pattern would read as "num"
            covered = plain.end()
            # a qualifier ends right before p, after a space ("at least 145"); most numbers have none
            words = low[p - 25 if p > 25 else 0 : p].split() if p and low[p - 1].isspace() else None
            qual = _qualifier_before(low, p) if words and words[-1] in qual_last else None
            if qual is None:
                n = int(plain.group())
                found.append((p, covered, n, n, n, "exact", ()))
            else:
                qualifier = lex.qualifiers[" ".join(qual.group("qual").split())]
                found.append((qual.start("qual"), covered, *BOUNDS_BY_QUALIFIER[qualifier](int(plain.group())), qualifier, ()))
            continue
        m = lex.core.match(low, p)
        if m is None:
            continue
        q = _quantity(m, _qualifier_before(low, p))
        covered = m.end()
        if q is not None:
            found.append(q)
    return _merge_parts(low, found) if len(found) > 1 else found


def _qualifier_before(low: str, p: int) -> re.Match[str] | None:
    lex = _lex()
    words = low[max(0, p - 25) : p].split()[-lex.qual_max :]
    if not words or words[-1] not in lex.qual_last:  # no qualifier ends right before p
        return None
    for i in range(len(words)):
        if " ".join(words[i:]) in lex.qual_words:
            return lex.qual_before.search(low, max(0, p - 25), p)
    return None


def _merge_parts(low: str, found: list[_Tuple]) -> list[_Tuple]:
    """Join "five women and three children" into one quantity with parts."""
    lex = _lex()
    out: list[_Tuple] = []
    i = 0
    n = len(found)
    while i < n:
        q = found[i]
        m = lex.part_after.match(low, q[1]) if q[5] == "exact" else None
        if m is None:
            out.append(q)
            i += 1
            continue
        parts = [(lex.parts[m.group("noun")], q[3] or 0)]
        end = m.end()
        j = i + 1
        while j < n:
            nxt = found[j]
            join = lex.join.match(low, end)
            if join is None or join.end() != nxt[0] or nxt[5] != "exact":
                break
            m2 = lex.part_after.match(low, nxt[1])
            if m2 is None:
                break
            parts.append((lex.parts[m2.group("noun")], nxt[3] or 0))
            end = m2.end()
            j += 1
        if j == i + 1:
            out.append(q)
            i += 1
            continue
        total = sum(v for _, v in parts)
        out.append((q[0], end, total, total, total, "exact", tuple(parts)))
        i = j
    return out

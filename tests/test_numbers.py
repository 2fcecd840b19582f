"""Number phrases as ranges."""

from __future__ import annotations

import pytest

from geoincident.numbers import find_quantities, parse_number
from geoincident.sentences import split_sentences

# sentence, [(surface, low, best, high, qualifier)]
CASES = {
    "at-least": ("killed at least 145 militants", [("at least 145", 145, 145, None, "at_least")]),
    "more-than": ("injured more than 46", [("more than 46", 47, 47, None, "over")]),
    "over": ("over 100 militants", [("over 100", 101, 101, None, "over")]),
    "nearly": ("nearly 50 people", [("nearly 50", None, None, 50, "nearly")]),
    "close-to": ("close to 50 people", [("close to 50", None, None, 50, "nearly")]),
    "about": ("around 30 people", [("around 30", None, 30, None, "about")]),
    "up-to": ("up to 12 dead", [("up to 12", None, None, 12, "up_to")]),
    "fewer-than": ("fewer than 10 hurt", [("fewer than 10", None, None, 9, "under")]),
    "dozens": ("dozens of security personnel", [("dozens", 24, None, None, "vague")]),
    "several": ("several civilians", [("several", 3, None, None, "vague")]),
    "a-dozen": ("a dozen sites", [("a dozen", 12, 12, 12, "exact")]),
    "two-dozen": ("two dozen", [("two dozen", 24, 24, 24, "exact")]),
    "half-a-dozen": ("half a dozen", [("half a dozen", 6, 6, 6, "exact")]),
    "words": ("one hundred and forty-five", [("one hundred and forty-five", 145, 145, 145, "exact")]),
    "capitalised": ("Five soldiers", [("Five", 5, 5, 5, "exact")]),
    "thousands-separator": ("1,200 people", [("1,200", 1200, 1200, 1200, "exact")]),
    "digit-range": ("6-8 kilograms", [("6-8", 6, None, 8, "range")]),
    "word-range": ("two or three soldiers", [("two or three", 2, None, 3, "range")]),
    "between": ("between 20 and 30 people", [("between 20 and 30", 20, None, 30, "range")]),
    "two-numbers": ("92 were killed and another 41", [("92", 92, 92, 92, "exact"), ("41", 41, 41, 41, "exact")]),
    "neg-decimal": ("3.5 km", []),
    "neg-numeric-date": ("21/01/2026", []),
    "neg-money-time": ("$5 at 10:30", []),
    "neg-words-inside-words": ("someone, none, tone, often", []),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_quantities(case):
    sentence, expected = case
    found = find_quantities(sentence)
    assert [(q.surface, q.low, q.best, q.high, q.qualifier) for q in found] == expected
    for q in found:
        assert sentence[q.start : q.end] == q.surface


def test_parts():
    (q,) = find_quantities("killed five women and three children from Khuzdar")
    assert (q.surface, q.best, q.parts) == ("five women and three children", 8, (("women", 5), ("children", 3)))
    (q,) = find_quantities("two men, three women and four children")
    assert q.best == 9 and len(q.parts) == 3


def test_parts_need_exact_numbers():
    found = find_quantities("dozens of women and three children")
    assert [q.surface for q in found] == ["dozens", "three"]


def test_parse_number_rejects_words():
    assert parse_number("militants") is None and parse_number("") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He left on Feb. 9 for the U.S. embassy. Dr. Khan spoke.", ["He left on Feb. 9 for the U.S. embassy.", "Dr. Khan spoke."]),
        ("“We will not surrender.” Bugti said so.", ["“We will not surrender.”", "Bugti said so."]),
        ("Headline without stop\nBody starts here. And ends!", ["Headline without stop", "Body starts here.", "And ends!"]),
        ("Is it? Yes. no break here. e.g. this", ["Is it?", "Yes. no break here. e.g. this"]),
        ("", []),
    ],
)
def test_split_sentences(text, expected):
    assert [text[s:e] for s, e in split_sentences(text)] == expected

"""Name normalisation: each fold the issue names, and names that must stay apart."""

from __future__ import annotations

import pytest

from geoincident.names import fold, is_latin, key, simple

SAME_KEY = [
    ("Noshki", "Nushki"),  # o/u
    ("Panjgoor", "Panjgur"),  # oo/u
    ("Dalbandeen", "Dalbandin"),  # ee/i
    ("Qila Abdullah", "Killa Abdullah"),  # q/k and doubled letters
    ("Khelat", "Kelat"),  # kh/k
    ("Musa Khel", "Musakhel"),  # spaces
    ("Dera-Bugti", "Dera Bugti"),  # hyphens
    ("Gwādar", "GWADAR"),  # diacritics and case
    ("Ma'an", "Maan"),  # apostrophes
    ("Quetta", "Queta"),  # doubled letters
]

DIFFERENT_KEY = [
    ("Mastung", "Mustung"),  # a/u is no general fold: the press variant is data
    ("Kalat", "Kelat"),
    ("Quetta", "Kwatah"),
    ("Hub", "Bela"),
    ("Sibi", "Sui"),
]


@pytest.mark.parametrize(("a", "b"), SAME_KEY, ids=[f"{a}={b}" for a, b in SAME_KEY])
def test_romanisation_folds_join_spellings(a: str, b: str) -> None:
    assert key(a) == key(b)


@pytest.mark.parametrize(("a", "b"), DIFFERENT_KEY, ids=[f"{a}!={b}" for a, b in DIFFERENT_KEY])
def test_different_names_stay_apart(a: str, b: str) -> None:
    assert key(a) != key(b)


def test_fold_keeps_words_apart_and_strips_marks() -> None:
    assert fold("  Killa-Saifullah (Town)  ") == "killa saifullah town"
    assert fold("Zürich") == "zurich"
    assert fold("Łódź") == "lodz"


def test_simple_is_case_and_space_only() -> None:
    assert simple(" Dera   BUGTI ") == "dera bugti"
    assert simple("Gwādar") != simple("Gwadar")


def test_empty_and_punctuation_only_names_have_empty_keys() -> None:
    assert key("") == ""
    assert key(" - ' ") == ""


def test_is_latin() -> None:
    assert is_latin("Türkiye")
    assert not is_latin("کوئٹہ")
    assert not is_latin("Кветта")

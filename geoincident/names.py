"""Name normalisation: the keys under which the gazetteer files and finds place names.

Three levels, from strict to loose:

* :func:`simple` — case and spacing only: ``"  QUETTA "`` and ``"Quetta"`` are the same name.
  Equality at this level is an *exact* (or *variant*) match.
* :func:`fold` — also diacritics, punctuation, apostrophes and hyphens: ``"Gwādar"`` is ``"gwadar"``,
  ``"Killa-Saifullah"`` is ``"killa saifullah"``.
* :func:`key` — also the romanisation differences of Urdu, Balochi and Pashto names in the English
  press, and the spaces: ``Noshki`` = ``Nushki``, ``Panjgoor`` = ``Panjgur``, ``Dalbandeen`` =
  ``Dalbandin``, ``Qila`` = ``Killa``, ``Musa Khel`` = ``Musakhel``. Equality at this level is a
  *normalised* match; fuzzy matching compares keys too.

The folds are the rules of :data:`ROMANISATION_FOLDS`, applied in order; names that differ in ways no
general rule captures (Mastung/Mustung, Kalat/Kelat, Quetta/Kwatah) are spelling variants in the
gazetteer data, not rules here.

>>> key("Noshki") == key("Nushki") and key("Panjgoor") == key("Panjgur")
True
>>> key("Killa Saifullah") == key("Qila Saifullah")
True
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["ROMANISATION_FOLDS", "fold", "key", "simple", "is_latin"]

#: Letters NFKD does not decompose into a base letter and a mark.
_SPECIAL = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th", "ð": "d"})
#: Apostrophes and similar marks are dropped (Ma'an -> maan); other punctuation becomes a space.
_APOSTROPHES = str.maketrans({c: None for c in "'’‘`´ʼʻʿʾ"})
_NON_WORD = re.compile(r"[\W_]+")
_DOUBLE = re.compile(r"(\w)\1+")

#: Romanisation folds applied by :func:`key`, in order (after :func:`fold` and removing spaces).
ROMANISATION_FOLDS: tuple[tuple[str, str], ...] = (
    ("kh", "k"),  # Khelat / Kelat, Musakhel / Musakel
    ("q", "k"),  # Qila / Kila, Qalat / Kalat
    ("ee", "i"),  # Dalbandeen / Dalbandin
    ("oo", "u"),  # Panjgoor / Panjgur
    ("ou", "u"),  # Tourbat / Turbat
    ("o", "u"),  # Noshki / Nushki
)


def simple(name: str) -> str:
    """Case-folded, with runs of white space made one space.

    >>> simple("  Dera   BUGTI ")
    'dera bugti'
    """
    return " ".join(name.casefold().split())


def fold(name: str) -> str:
    """Case, diacritics, apostrophes, punctuation and hyphens folded away.

    >>> fold("Gwādar")
    'gwadar'
    >>> fold("Killa-Saifullah (town)")
    'killa saifullah town'
    >>> fold("Türkiye")
    'turkiye'
    """
    if name.isalpha() and name.isascii():  # one plain word: the common case
        return name.lower()
    s = name.translate(_APOSTROPHES)
    if not s.isascii():
        s = unicodedata.normalize("NFKD", s.casefold().translate(_SPECIAL))
        s = "".join(c for c in s if not unicodedata.combining(c))
    return " ".join(_NON_WORD.sub(" ", s.casefold()).split())


def key(name: str) -> str:
    """The romanisation-folded key of a name: :func:`fold`, no spaces, :data:`ROMANISATION_FOLDS`,
    doubled letters made single.

    >>> key("Quettah"), key("Dalbandeen"), key("Musa Khel"), key("Musakhel")
    ('kuetah', 'dalbandin', 'musakel', 'musakel')
    >>> key("Gwādar") == key("GWADAR")
    True
    """
    s = fold(name).replace(" ", "")
    for old, new in ROMANISATION_FOLDS:
        if old in s:
            s = s.replace(old, new)
    if _DOUBLE.search(s) is not None:  # every character left is a word character
        s = _DOUBLE.sub(r"\1", s)
    return s


def is_latin(name: str) -> bool:
    """True when every letter of ``name`` is Latin (with or without diacritics).

    >>> is_latin("Gwādar"), is_latin("Квета"), is_latin("گوادر")
    (True, False, False)
    """
    return all(c < "\u0250" or "\u1e00" <= c <= "\u1eff" for c in name if c.isalpha())

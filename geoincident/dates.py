"""Dates in news text, resolved against the publication date.

Absolute dates ("January 31", "Feb. 9, 2024", "21/01/2026") and relative ones ("on
Saturday", "a day earlier", "last week"). A date is an ISO day (``2026-01-31``)
with a precision: ``day``, ``week``, ``month`` (the first of the month) or
``year`` (1 January). What cannot be resolved keeps ``date=""``. Rules and
phrases: ``docs/extraction.md`` and ``geoincident/lexicon/dates.json``.

>>> [(d.surface, d.date, d.precision) for d in find_dates("On Saturday, a day earlier", published="2026-02-02")]
[('On Saturday', '2026-01-31', 'day'), ('a day earlier', '2026-01-30', 'day')]
>>> resolve_date("Feb. 9, 2024", published="")
('2024-02-09', 'day')
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from geoincident.lexicon import alternation, load
from geoincident.lexicon.scan import Scan, scan

__all__ = ["DateMention", "find_dates", "resolve_date", "parse_published"]

@dataclass(frozen=True, slots=True)
class DateMention:
    """A date phrase: its span and the ISO date it stands for ("" when unresolved)."""

    start: int
    end: int
    surface: str
    date: str  # "2026-01-31", or "" when it cannot be resolved (no publication date)
    precision: str  # day, week, month, year, or "" when unresolved


class _Patterns:
    """The small patterns checked around the triggers (month and weekday names, relative phrases)
    that :func:`geoincident.lexicon.scan.scan` finds."""

    def __init__(self) -> None:
        lex = load("dates")
        self.relative: dict[str, dict] = lex["relative"]
        self.day_before = re.compile(r"(?<![\d,.])(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?$")
        self.day_after = re.compile(r"\.?\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?(?!\d)(?:,?\s+(?P<y>(?:19|20)\d\d)(?!\d))?")
        self.year_after = re.compile(r"\.?,?\s+(?P<y>(?:19|20)\d\d)(?!\d)")
        self.weekday_prefix = re.compile(rf"\b(?P<p>{alternation(lex['weekday_prefixes'] + ['next', 'this', 'coming'])})\s+$")
        self.year_prefix = re.compile(rf"\b(?:{alternation(lex['year_prefixes'])})(?:\s+|-)$")
        self.ago_number = re.compile(r"\b(?P<n>\d{1,2}|two|three|four|five|six|seven|eight|nine|ten)\s+$")
        # a year not glued to a number before it ("1/2019", "12019"): checked in _candidates, as a
        # look-behind here would keep the regex engine from skipping ahead to the next "19"/"20"
        self.year = re.compile(r"(?P<y>(?:19|20)\d\d)(?:-(?P<mo>[01]\d)-(?P<d>[0-3]\d))?(?![\d/])")
        self.numeric = re.compile(r"(?<![\d/])(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>(?:19|20)\d\d)(?![\d/])")


@functools.cache
def _patterns() -> _Patterns:
    return _Patterns()


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _month_day(
    month: int, day: int, year: int | None, published: dt.date | None, known_year: int | None = None
) -> tuple[str, str]:
    if year is None:
        if published is None:
            # a publication date known only to the year ("2026"): that year, and no guessing across New Year
            d = _date(known_year, month, day) if known_year else None
            return (d.isoformat(), "day") if d else ("", "")
        year = published.year
        d = _date(year, month, day)
        if d is not None and d > published + dt.timedelta(days=31):
            d = _date(year - 1, month, day)
    else:
        d = _date(year, month, day)
    return (d.isoformat(), "day") if d else ("", "")


def _shift_months(d: dt.date, months: int) -> dt.date:
    index = d.year * 12 + d.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


_AGO = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}


def _relative(
    key: str, published: dt.date | None, previous: dt.date | None, known_year: int | None = None
) -> tuple[str, str]:
    rule = _patterns().relative[key]
    if published is None:
        # with only the year known, only whole years can be counted ("last year", "earlier this year");
        # "a day earlier" waits for a publication day, as the weekdays do
        if known_year and "years" in rule:
            return f"{known_year + rule['years']}-01-01", rule["precision"]
        return "", ""
    anchor = previous if rule["anchor"] == "previous" and previous is not None else published
    if "months" in rule:
        return _shift_months(anchor, rule["months"]).isoformat(), rule["precision"]
    if "years" in rule:
        return f"{anchor.year + rule['years']}-01-01", rule["precision"]
    return (anchor + dt.timedelta(days=rule.get("days", 0))).isoformat(), rule["precision"]


def _candidates(text: str, low: str, hits: dict[str, list]) -> list[tuple[int, int, str, tuple]]:
    """``(start, end, kind, data)`` of every date phrase, unresolved, possibly overlapping."""
    pat = _patterns()
    out: list[tuple[int, int, str, tuple]] = []
    for start, end, month in hits["month"]:
        if not text[start].isupper() or (month == 5 and end - start == 3 and text[start:end] != "May"):
            continue  # "may", "march" and "sat" as words
        m = pat.day_after.match(text, end)
        if m:
            y = int(m.group("y")) if m.group("y") else None
            out.append((start, m.end(), "md", (month, int(m.group("d")), y)))
            continue
        b = pat.day_before.search(text, max(0, start - 12), start)
        if b:
            tail = end + (1 if text[end : end + 1] == "." else 0)
            ym = pat.year_after.match(text, end)
            y = int(ym.group("y")) if ym else None
            out.append((b.start(), ym.end() if ym else tail, "md", (month, int(b.group("d")), y)))
            continue
        ym = pat.year_after.match(text, end)
        if ym:
            out.append((start, ym.end(), "month", (month, int(ym.group("y")))))
    for start, end, weekday in hits["weekday"]:
        if not text[start].isupper():
            continue
        pm = pat.weekday_prefix.search(low, max(0, start - 20), start)
        prefix = pm.group("p") if pm else ""
        out.append((pm.start() if pm else start, end, "weekday", (weekday, prefix)))
    for start, end, key in hits["rel"]:
        out.append((start, end, "rel", (key,)))
    for start, end, _ in hits["ago"]:
        nm = pat.ago_number.search(low, max(0, start - 8), start)
        if nm:
            n = _AGO.get(nm.group("n")) or int(nm.group("n"))
            out.append((nm.start(), end, "ago", (n,)))
    if "19" in text or "20" in text:
        for m in pat.year.finditer(text):
            p = m.start()
            if p and (text[p - 1].isdecimal() or text[p - 1] in "/.,-"):
                continue
            if m.group("mo"):
                out.append((m.start(), m.end(), "iso", (int(m.group("y")), int(m.group("mo")), int(m.group("d")))))
            else:
                pm = pat.year_prefix.search(low, max(0, m.start() - 10), m.start())
                if pm:
                    out.append((pm.start(), m.end(), "year", (int(m.group("y")),)))
    if "/" in text:
        for m in pat.numeric.finditer(text):
            out.append((m.start(), m.end(), "numeric", (int(m.group("d")), int(m.group("m")), int(m.group("y")))))
    return out


def _resolve(
    kind: str, data: tuple, published: dt.date | None, previous: dt.date | None, known_year: int | None = None
) -> tuple[str, str]:
    if kind == "md":
        return _month_day(data[0], data[1], data[2], published, known_year)
    if kind == "month":
        return dt.date(data[1], data[0], 1).isoformat(), "month"
    if kind == "numeric":
        a, b, y = data
        day, month = (b, a) if b > 12 else (a, b)  # day first (Pakistani and British usage) unless impossible
        d = _date(y, month, day)
        return (d.isoformat(), "day") if d else ("", "")
    if kind == "iso":
        d = _date(*data)
        return (d.isoformat(), "day") if d else ("", "")
    if kind == "year":
        return f"{data[0]}-01-01", "year"
    if kind == "rel":
        return _relative(data[0], published, previous, known_year)
    if published is None:  # weekdays and "two days ago" need the day of publication, never just its year
        return "", ""
    if kind == "weekday":
        if data[1] in ("next", "coming"):
            return "", ""
        back = (published.weekday() - data[0]) % 7
        return (published - dt.timedelta(days=back)).isoformat(), "day"
    return (published - dt.timedelta(days=data[0])).isoformat(), "day"  # "ago"


def _iso(published: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(published[:10]) if published else None
    except ValueError:
        return None


_YEAR_ONLY = re.compile(r"(?:19|20)\d\d")


def _known_year(published: str) -> int | None:
    """The year of a publication date known only to the year ("2026"), else None."""
    return int(published) if len(published) == 4 and _YEAR_ONLY.fullmatch(published) else None


def find_dates(text: str, *, published: str = "") -> list[DateMention]:
    """Every date phrase of ``text`` with its resolved date, left to right.

    Weekdays are the most recent such day on or before ``published``; "a day earlier"
    counts from the last day-precise date before it (else from ``published``).
    ``published`` may be known only to the year ("2026", as :func:`~geoincident.articles.parse_text`
    gives it from a copyright line): then "January 31" is that day of that year, and weekdays,
    "yesterday" and the like stay unresolved.

    >>> [(d.surface, d.date) for d in find_dates("the January 31 attacks; 21/01/2026", published="2026-02-02")]
    [('January 31', '2026-01-31'), ('21/01/2026', '2026-01-21')]
    >>> [(d.surface, d.date) for d in find_dates("on Saturday, January 31", published="2026")]
    [('on Saturday', ''), ('January 31', '2026-01-31')]
    """
    sc = scan(text)
    kept = sc.memo.get(("dates", published))
    if kept is None:
        kept = sc.memo[("dates", published)] = tuple(_find(sc, published))
    return list(kept)


def _find(sc: Scan, published: str) -> list[DateMention]:
    text = sc.text
    pub = _iso(published)
    known_year = _known_year(published) if pub is None else None
    found = sorted(_candidates(text, sc.low, sc.hits), key=lambda c: (c[0], -c[1]))
    out: list[DateMention] = []
    previous: dt.date | None = None
    covered = -1
    for start, end, kind, data in found:
        if start < covered:
            continue
        covered = end
        date, precision = _resolve(kind, data, pub, previous, known_year)
        if precision == "day" and date:
            previous = dt.date.fromisoformat(date)
        out.append(DateMention(start, end, text[start:end], date, precision))
    return out


def resolve_date(phrase: str, *, published: str) -> tuple[str, str]:
    """``(iso_date, precision)`` of the first date in ``phrase``, or ``("", "")``.

    >>> resolve_date("on Friday", published="2026-02-02")
    ('2026-01-30', 'day')
    >>> resolve_date("a thousand years", published="2026-02-02")
    ('', '')
    """
    found = find_dates(phrase, published=published)
    return (found[0].date, found[0].precision) if found else ("", "")


def parse_published(value: str) -> str:
    """A publication date in any common form as an ISO date, or "" when it is not one. A bare
    year stays a year ("2026": known to the year only, see :func:`find_dates`).

    >>> parse_published("2026-02-02T09:30:00Z"), parse_published("February 02, 2026"), parse_published("soon")
    ('2026-02-02', '2026-02-02', '')
    >>> parse_published("2026")
    '2026'
    """
    value = value.strip()
    if not value:
        return ""
    iso = _iso(value)
    if iso is not None:
        return iso.isoformat()
    if _known_year(value):
        return value
    for d in find_dates(value):
        if d.precision == "day" and d.date:
            return d.date
    return ""

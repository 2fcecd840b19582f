"""Dates: golden cases in tests/cases/dates.jsonl."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geoincident.dates import find_dates, parse_published, resolve_date

CASES = Path(__file__).parent / "cases" / "dates.jsonl"


def _cases() -> list:
    out = []
    for line in CASES.read_text(encoding="utf-8").splitlines():
        if line.strip():
            case = json.loads(line)
            marks = [pytest.mark.xfail(strict=True, reason=case["xfail"])] if case.get("xfail") else []
            out.append(pytest.param(case, id=case["id"], marks=marks))
    return out


@pytest.mark.parametrize("case", _cases())
def test_golden(case):
    found = find_dates(case["text"], published=case["published"])
    assert [[d.surface, d.date, d.precision] for d in found] == case["expect"]
    for d in found:
        assert case["text"][d.start : d.end] == d.surface


@pytest.mark.parametrize(
    ("phrase", "published", "expected"),
    [
        ("on Friday", "2026-02-02", ("2026-01-30", "day")),
        ("Feb. 9, 2024", "", ("2024-02-09", "day")),
        ("last week", "2026-02-02", ("2026-01-26", "week")),
        ("nothing here", "2026-02-02", ("", "")),
        ("on Friday", "not a date", ("", "")),
    ],
)
def test_resolve_date(phrase, published, expected):
    assert resolve_date(phrase, published=published) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2026-02-02", "2026-02-02"), ("2026-02-02T23:10:00+05:00", "2026-02-02"), ("Feb 2, 2026", "2026-02-02"),
     ("2 February 2026", "2026-02-02"), ("yesterday", ""), ("", "")],
)
def test_parse_published(value, expected):
    assert parse_published(value) == expected

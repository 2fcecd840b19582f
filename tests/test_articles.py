"""Reading articles: formats, metadata found in the text, boilerplate, bad input."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from geoincident.articles import parse_text, read_articles
from geoincident.errors import InputError

CASES = Path(__file__).parent / "cases" / "articles"
SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@pytest.fixture(scope="module")
def folder():
    errors: list[InputError] = []
    articles = list(read_articles([CASES], on_error=errors.append))
    return {a.id: a for a in articles}, [a.id for a in articles], errors


def test_folder_order_and_ids(folder):
    _, ids, _ = folder
    assert ids == ["01_report", "02_cp1252", "j1", "4", "l1", "06_list-3", "07_page", "08_note"]


def test_bad_inputs_are_reported_with_file_and_line(folder):
    _, _, errors = folder
    messages = sorted(str(e) for e in errors)
    assert all(isinstance(e, InputError) for e in errors)
    assert any("03_empty.txt" in m and "empty file" in m for m in messages)
    assert any("04_binary.txt" in m and "binary" in m for m in messages)
    assert any("05_lines.jsonl:2" in m and "malformed JSON" in m for m in messages)
    assert any("05_lines.jsonl:3" in m and "missing 'text'" in m for m in messages)
    assert any("05_lines.jsonl:5" in m and "JSON object" in m for m in messages)
    assert any("06_list.json" in m and "item 2" in m for m in messages)
    assert len(errors) == 6
    assert not any("09_notes.csv" in m for m in messages)


def test_txt_headline_dateline_boilerplate(folder):
    a = folder[0]["01_report"]
    assert a.title == "Blast kills three in Turbat"
    assert a.dateline == "TURBAT"
    assert "Related News" not in a.text and "Gaza" not in a.text
    assert a.text.startswith("Blast kills three in Turbat\n\nTURBAT: Three people")


def test_cp1252_decoded(folder):
    a = folder[0]["02_cp1252"]
    assert "édition spéciale" in a.text and "café" in a.text and "–" in a.text


def test_jsonl_metadata(folder):
    a = folder[0]["j1"]
    assert (a.published, a.source, a.url, a.title, a.line) == ("2026-02-02", "Dawn", "https://example.org/j1", "Two soldiers killed", 1)
    assert a.path.endswith("05_lines.jsonl")


def test_json_list_default_ids(folder):
    assert "Six people" in folder[0]["06_list-3"].text


def test_html_markup_and_meta(folder):
    a = folder[0]["07_page"]
    assert (a.title, a.source, a.published, a.dateline) == ("Attack in Mastung", "Example Times", "2026-02-01", "MASTUNG")
    assert "999" not in a.text and "color" not in a.text and "Home |" not in a.text and "100 killed" not in a.text
    assert "Four militants were killed & two soldiers" in a.text


def test_markdown(folder):
    a = folder[0]["08_note"]
    assert a.title == "Two killed in Panjgur"
    assert a.dateline == "PANJGUR"
    assert "**" not in a.text and "](" not in a.text and "newsletter" not in a.text


def test_raises_without_handler(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        list(read_articles([tmp_path / "missing.txt"]))


def test_explicit_file_of_other_suffix_is_text(tmp_path):
    p = tmp_path / "report.text"
    p.write_text("Two killed in Quetta.", encoding="utf-8")
    assert [a.text for a in read_articles([p])] == ["Two killed in Quetta."]


def test_stdin_json_lines(monkeypatch):
    data = b'{"id": "s1", "text": "One killed."}\n{bad\n'
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    errors: list[InputError] = []
    assert [a.id for a in read_articles(["-"], on_error=errors.append)] == ["s1"]
    assert str(errors[0]).startswith("<stdin>:2: malformed JSON")


def test_big_file_is_read(tmp_path):
    # 2 MB of paragraphs: must finish (linear time); the 20 MB timing is in benchmarks/bench_text.py
    p = tmp_path / "big.txt"
    p.write_text("Headline\n" + "QUETTA: Two people were killed in a blast, police said. " * 40000, encoding="utf-8")
    (a,) = read_articles([p])
    assert a.title == "Headline" and len(a.text) > 2_000_000


@pytest.mark.parametrize(
    ("text", "field", "expected"),
    [
        ("ISLAMABAD: Militants attacked.", "dateline", "ISLAMABAD"),
        ("Islamabad, Feb 2: Militants attacked.", "dateline", "Islamabad, Feb 2"),
        ("Dubai: The United States condemned the attacks.", "dateline", "Dubai"),
        ("QUETTA (Reuters) - Militants attacked.", "dateline", "QUETTA (Reuters)"),
        ("Sources: the police said two died.", "dateline", ""),
        ("Update: two more bodies were found.", "dateline", ""),
        ("By Ali Khan\nQUETTA: Two killed.", "text", "QUETTA: Two killed."),
        ("Daijiworld Media Network - Islamabad\nIslamabad, Feb 2: Two killed.", "source", "Daijiworld Media Network"),
        ("Headline\nFebruary 02, 2026Clash Report\nBody text.", "source", "Clash Report"),
        ("Headline\nPublished: 2 February 2026 10:45 PKT\nBody text.", "published", "2026-02-02"),
        ("Body.\n© Al Nisr Publishing LLC 2026. All rights reserved.", "source", "Al Nisr Publishing LLC"),
        ("Body.\nCopyright 2026 Dawn", "source", "Dawn"),
        ("Islamabad, Feb 2: Body.\n© Daily Example 2026", "published", "2026-02-02"),
        ("Islamabad, Feb 2: Body without any year.", "published", ""),
        ("Same headline\n\nSame headline\nSame headline\nBody.", "text", "Same headline\n\nBody."),
        ("Body.\nSign up for the Daily Briefing\nGet the latest news\n© X 2026", "text", "Body."),
        ("Body.\nLeave a Comment", "text", "Body."),
        ("Body.\nRelated Topics\nRelated News\nIsraeli Bombardment Kills 29 Across Gaza\nWorld\n31/01/2026", "text", "Body."),
    ],
)
def test_parse_text_rules(text, field, expected):
    assert getattr(parse_text(text), field) == expected


# The publication date a text gives of itself (docs/extraction.md, section 1): a dated dateline in the
# year known, else the year alone ("2026", year precision). The year known is the copyright line's,
# else the latest full date of the lead (headline and first paragraph) not right after "since".
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Headline\nDubai: Militants attacked on Saturday.\n© Al Nisr Publishing LLC 2026. All rights reserved.",
                     "2026", id="copyright-year-gives-the-year"),
        pytest.param("Body.\n© 2019–2026 Example Media", "2026", id="copyright-range-gives-its-last-year"),
        pytest.param("Islamabad, Feb 2: Body.\n© Daily Example 2026", "2026-02-02", id="dateline-day-in-copyright-year"),
        pytest.param("QUETTA, Jan 31, 2026: Militants attacked.\n© X 2025", "2026-01-31", id="dateline-with-its-own-year-wins"),
        pytest.param("Blast on January 31, 2026 kills 5\nQUETTA: A blast killed five.", "2026",
                     id="full-date-in-headline-gives-the-year"),
        pytest.param("Islamabad, Feb 2: Militants attacked on Saturday, January 31, 2026, officials said.",
                     "2026-02-02", id="dateline-day-in-year-of-lead-full-date"),
        pytest.param("QUETTA: Two killed on Saturday.\nOn Feb. 9, 2024, a blast killed 26 people.\n© X 2026",
                     "2026", id="copyright-year-wins-over-recalled-date"),
        pytest.param("QUETTA: Two killed on Saturday.\nOn Feb. 9, 2024, a blast killed 26 people.", "",
                     id="no-year-from-recalled-date-further-down"),
        pytest.param("QUETTA: The deadliest attack since May 21, 2025, officials said.", "",
                     id="no-year-from-date-after-since"),
        pytest.param("Islamabad, Feb 2: The 2026 budget was debated.", "", id="no-year-from-a-bare-year"),
        pytest.param("QUETTA: Two killed on Saturday.", "", id="no-year-no-date"),
    ],
)
def test_published_from_the_text(text, expected):
    assert parse_text(text).published == expected


def test_year_only_publication_dates_month_days_not_weekdays():
    a = parse_text("Headline\nDubai: Attacks on Saturday, January 31, killed 31 civilians.\n© Example 2026")
    from geoincident.claims import find_claims
    from geoincident.dates import find_dates

    assert [(d.surface, d.date) for d in find_dates(a.text, published=a.published)] == [
        ("on Saturday", ""), ("January 31", "2026-01-31")]  # fmt: skip
    (claim,) = find_claims(a.text, published=a.published)
    assert (claim.best, claim.date, claim.date_precision) == (31, "2026-01-31", "day")


def test_metadata_wins_over_text():
    a = parse_text("Headline\nFebruary 02, 2026Clash Report\nBody.", published="2026-03-01", source="Given", title="T", id="x")
    assert (a.published, a.source, a.title, a.id) == ("2026-03-01", "Given", "T", "x")


def test_a_related_news_list_in_the_middle_does_not_cut_the_story():
    story = "Militants attacked a checkpoint in Kech district late on Friday, and officials said the fighting lasted hours."
    a = parse_text(f"{story}\nRelated News\nAnother story\n{story.replace('Kech', 'Awaran')}")
    assert "Awaran" in a.text and "Another story" not in a.text


@pytest.fixture(scope="module")
def seeds():
    if not SEEDS.is_dir():
        pytest.skip("seeds/ not present")
    return {a.id[:3]: a for a in read_articles([SEEDS])}


def test_seeds_metadata_and_boilerplate(seeds):
    assert seeds["000"].dateline == "ISLAMABAD"
    assert (seeds["001"].dateline, seeds["001"].source) == ("Dubai", "Al Nisr Publishing LLC")
    assert "Sign up" not in seeds["001"].text and "©" not in seeds["001"].text
    assert seeds["002"].text.count("Pakistan says 145 militants killed after Balochistan attack operations") == 1
    assert "Leave a Comment" not in seeds["002"].text
    assert (seeds["003"].published, seeds["003"].source) == ("2026-02-02", "Clash Report")
    assert "Gaza" not in seeds["003"].text and "Related News" not in seeds["003"].text and "Sources:" not in seeds["003"].text
    assert (seeds["004"].source, seeds["004"].dateline) == ("Daijiworld Media Network", "Islamabad, Feb 2")
    # publication dates the texts give of themselves: 001 only has its copyright year; 000, 002, 004 no year
    assert [seeds[k].published for k in ("000", "001", "002", "004")] == ["", "2026", "", ""]
    assert seeds["003"].title == "Pakistan Says it Killed 145 BLA Militants, Accusing India of Support"

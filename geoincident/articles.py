"""Reading news reports into :class:`~geoincident.records.Article` records.

Inputs are files or folders of ``.txt``, ``.md``, ``.html``/``.htm``, ``.json`` (one
object or a list) and ``.jsonl`` (one object per line), or ``-`` for JSON lines on
standard input. JSON objects carry ``text`` and optionally ``id``, ``title``,
``url``, ``published`` and ``source``. Every text goes through :func:`parse_text`,
which finds the headline, dateline, byline, publication date and outlet and drops
boilerplate (related-news lists, sign-up boxes, comment prompts, copyright lines,
repeated headlines). Offsets of everything extracted later index ``Article.text``.

>>> a = parse_text("Blast kills 3\\n\\nQUETTA: A blast killed three people.\\n© Daily Example 2026")
>>> a.title, a.dateline, a.source, a.text
('Blast kills 3', 'QUETTA', 'Daily Example', 'Blast kills 3\\n\\nQUETTA: A blast killed three people.')
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from geoincident.dates import find_dates, parse_published
from geoincident.errors import GeoincidentError, InputError
from geoincident.lexicon import alternation, load
from geoincident.records import Article

__all__ = ["read_articles", "parse_text", "article_from_object", "SUFFIXES"]

ErrorHandler = Callable[[GeoincidentError], None]

#: File suffixes read from folders (an explicitly named file of another suffix is read as text).
SUFFIXES: tuple[str, ...] = (".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonl", ".ndjson")
_FIELDS = ("id", "text", "title", "url", "published", "source")


# ---------------------------------------------------------------- text cleaning


class _Rules:
    """Boilerplate and header patterns, compiled once from lexicon/boilerplate.json."""

    def __init__(self) -> None:
        lex = load("boilerplate")
        self.max_marker = int(lex["max_marker_line"])
        self.paragraph_min = int(lex["paragraph_min"])
        self.block = re.compile(rf"(?:{alternation(lex['block_markers'])})", re.IGNORECASE)
        self.line = re.compile(rf"(?:{alternation(lex['line_markers'])})", re.IGNORECASE)
        self.copyright = re.compile(
            r"^(?:©|\(c\)|copyright\b\s*©?)\s*(?:(?P<y1>(?:19|20)\d\d)(?:\s*[-–]\s*(?P<y1end>(?:19|20)\d\d))?\s+)?"
            r"(?P<owner>.*?)[\s.,]*(?P<y2>(?:19|20)\d\d)?[\s.,]*(?:all rights reserved\.?)?\s*$",
            re.IGNORECASE,
        )
        words = alternation(lex["byline_words"])
        self.byline = re.compile(
            rf"^(?:by\s+(?P<writer>[A-Z][^\n]{{1,60}})|(?P<outlet>[^\n]{{0,50}}?\b(?:{words}))\b\s*(?:[-–|,/]\s*(?P<where>[^\n]{{1,40}}))?)$",
            re.IGNORECASE,
        )
        not_dl = alternation(lex["not_datelines"])
        place = r"[A-Z][A-Za-z.'’-]*(?:\s+[A-Z][A-Za-z.'’-]*){0,2}"
        month = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
        self.dateline = re.compile(
            rf"^(?!(?:{not_dl})\b)(?P<dl>(?P<place>{place})(?:\s*\([A-Za-z. ]{{2,25}}\))?"
            rf"(?:,\s*(?P<date>{month}\s+\d{{1,2}}(?:,\s*(?:19|20)\d\d)?))?)\s*(?::|—|–|--?)\s+(?=\S)"
        )
        self.dateline_stop = re.compile(rf"^(?:{not_dl})$", re.IGNORECASE)
        self.date_line = re.compile(
            r"^(?:(?:published|updated|posted|last updated)\s*(?:on)?\s*:?\s*)?(?P<rest>.*)$", re.IGNORECASE
        )
        self.time_suffix = re.compile(r"^[\s,|at-]*(?:\d{1,2}:\d\d(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)?[\s,|-]*", re.I)
        self.outlet_name = re.compile(r"^[A-Z][\w&'’.-]*(?:\s+[A-Z&][\w&'’.-]*){0,4}$")
        self.since_before = re.compile(r"\bsince\s+$", re.IGNORECASE)


@functools.cache
def _rules() -> _Rules:
    return _Rules()


# Characters replaced before reading lines: str.translate with a table walks the text in Python-level
# steps when it holds non-ASCII characters (curly quotes), so each is replaced only when present.
_SPACE = (("\xa0", " "), ("\u200b", ""), ("\ufeff", ""), ("\t", " "), ("\r", ""))


def _key(line: str) -> str:
    key = line.lower()
    # whitespace other than single spaces is rare: isprintable() is False for every other kind
    return key if key.isprintable() and "  " not in key else " ".join(key.split())


def parse_text(
    text: str,
    *,
    id: str = "",
    path: str = "",
    published: str = "",
    source: str = "",
    title: str = "",
    url: str = "",
    line: int = 0,
) -> Article:
    """An :class:`Article` from raw report text; metadata given here wins over what the text says.

    >>> a = parse_text("Daijiworld Media Network - Islamabad\\nIslamabad, Feb 2: Militants attacked. Saturday.")
    >>> a.source, a.dateline, a.text
    ('Daijiworld Media Network', 'Islamabad, Feb 2', 'Islamabad, Feb 2: Militants attacked. Saturday.')
    >>> parse_text("Headline\\nFebruary 02, 2026Clash Report\\nBody.", published="").published
    '2026-02-02'
    """
    rules = _rules()
    published = parse_published(published) if published else ""
    for char, repl in _SPACE:
        if char in text:
            text = text.replace(char, repl)
    lines = [ln.rstrip() for ln in text.split("\n")]

    kept: list[str] = []  # "" marks a paragraph break
    seen_short: set[str] = set()
    found_source = ""
    found_published = ""
    copyright_year = ""
    headline = ""
    in_block = False
    header_budget = 6  # the first non-empty lines may be headline, byline, date line
    for raw in lines:
        ln = raw.strip()
        if not ln:
            if kept and kept[-1]:
                kept.append("")
            continue
        short = len(ln) <= rules.max_marker
        if len(ln) < 200 and (ln[0] in "©(" or ln[:9].lower() == "copyright"):
            cm = rules.copyright.match(ln)
            if cm:
                owner = cm.group("owner").strip(" .,-")
                if owner and not found_source:
                    found_source = owner
                # the year of the line, taken before the line is dropped ("© 2019-2026 X": the last)
                copyright_year = cm.group("y1end") or cm.group("y1") or cm.group("y2") or copyright_year
                continue
        if in_block:
            if len(ln) < rules.paragraph_min:
                continue
            in_block = False
        if short and rules.block.match(ln):
            in_block = True
            continue
        if short and rules.line.match(ln):
            continue
        if header_budget > 0:
            header_budget -= 1
            bm = rules.byline.match(ln) if short else None
            if bm and not ln.endswith("."):
                if bm.group("outlet") and not found_source:
                    found_source = bm.group("outlet").strip()
                continue
            if short and not found_published:
                pub, outlet = _date_line(ln)
                if pub:
                    found_published = pub
                    if outlet and not found_source:
                        found_source = outlet
                    continue
            if not headline and not kept and len(ln) <= 200 and ln[-1] not in ".:;," and not rules.dateline.match(ln):
                headline = ln
        if len(ln) <= 200:
            k = _key(ln)
            if k in seen_short:
                continue  # a repeated headline or caption
            seen_short.add(k)
        kept.append(ln)
    while kept and not kept[-1]:
        kept.pop()
    body = "\n".join(kept)

    dateline = ""
    dl_date = ""
    first_body = next((k for k in kept if k and k != headline), "")
    dm = rules.dateline.match(first_body)
    if dm and not rules.dateline_stop.match(dm.group("place")):
        dateline = dm.group("dl")
        dl_date = dm.group("date") or ""

    if not published:
        published = found_published
    if not published:
        published = _published_from_text(dl_date, copyright_year, lead=f"{headline}\n{first_body}")
    return Article(
        id=id,
        text=body,
        title=title or headline,
        published=published,
        source=source or found_source,
        url=url,
        dateline=dateline,
        path=path,
        line=line,
    )


def _date_line(ln: str) -> tuple[str, str]:
    """``(iso date, outlet)`` when a header line is a publication date ("February 02, 2026Clash Report")."""
    rules = _rules()
    rest = rules.date_line.match(ln).group("rest")  # type: ignore[union-attr]
    found = find_dates(rest)
    if not found or found[0].start != 0 or found[0].precision != "day" or not found[0].date:
        return "", ""
    tail = rest[found[0].end :]
    tm = rules.time_suffix.match(tail)
    tail = tail[tm.end() :].strip() if tm else tail.strip()
    if tail and not rules.outlet_name.match(tail):
        return "", ""
    return found[0].date, tail


def _published_from_text(dateline_date: str, copyright_year: str, *, lead: str) -> str:
    """The publication date a text gives of itself when no date line or metadata does: a dated
    dateline ("Islamabad, Feb 2:") in the year known, else just the year known ("2026").

    The year known is the copyright line's, else that of the latest full date in the lead (the
    headline and first paragraph) not right after "since". Full dates further down are most
    often recalled events (news style writes the year of a date only when it is not the
    current one), so they never give the year.

    >>> _published_from_text("Feb 2", "", lead="QUETTA, Feb 2: Militants attacked on Saturday, January 31, 2026.")
    '2026-02-02'
    >>> _published_from_text("", "2026", lead="X"), _published_from_text("", "", lead="The worst since May 21, 2025.")
    ('2026', '')
    """
    year = copyright_year
    if not year:
        since_before = _rules().since_before
        full = [
            d.date for d in find_dates(lead)
            if d.precision == "day" and d.date and not since_before.search(lead, max(0, d.start - 10), d.start)
        ]  # fmt: skip
        year = max(full)[:4] if full else ""
    if dateline_date:
        found = find_dates(dateline_date if _has_year(dateline_date) else f"{dateline_date} {year}")
        if found and found[0].precision == "day" and found[0].date:
            return found[0].date
    return year


def _has_year(phrase: str) -> bool:
    return phrase[-4:].isdigit()  # "Feb 2, 2026", not "Feb 12"


# ---------------------------------------------------------------- markup


def _markdown_to_text(md: str) -> str:
    md = re.sub(r"!\[[^\]\n]*\]\([^)\n]*\)", "", md)
    md = re.sub(r"\[([^\]\n]+)\]\([^)\n]*\)", r"\1", md)
    md = re.sub(r"(?m)^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+(?=\S))", "", md)
    md = re.sub(r"(?m)^\s*(?:[-*_]\s*){3,}$", "", md)
    md = re.sub(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", r"\2", md)
    md = re.sub(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?!\w)", r"\1", md)
    return md.replace("`", "")


def _html_to_text(html: str) -> tuple[str, dict[str, str]]:
    from html.parser import HTMLParser

    skip = {"script", "style", "noscript", "nav", "footer", "aside", "form", "template", "svg", "button", "iframe"}
    blocks = {
        "p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article", "header",
        "tr", "table", "blockquote", "figcaption", "figure", "main", "title", "time", "dd", "dt", "hr",
    }
    meta: dict[str, str] = {}

    class Parser(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []
            self.depth = 0
            self.tag_stack: list[str] = []
            self.in_title = False
            self.title = ""
            self.h1 = ""
            self.in_h1 = False

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = {k: v or "" for k, v in attrs}
            if tag == "meta":
                key = (a.get("property") or a.get("name") or a.get("itemprop") or "").lower()
                value = a.get("content", "")
                for field, keys in (
                    ("title", ("og:title",)),
                    ("published", ("article:published_time", "datepublished", "pubdate", "date", "dc.date")),
                    ("source", ("og:site_name", "application-name")),
                    ("url", ("og:url",)),
                ):
                    if key in keys and value and field not in meta:
                        meta[field] = value.strip()
                return
            if tag == "link" and a.get("rel", "").lower() == "canonical" and a.get("href"):
                meta.setdefault("url", a["href"])
                return
            if tag == "time" and a.get("datetime"):
                meta.setdefault("published", a["datetime"])
            if tag in skip:
                self.depth += 1
            if tag in blocks:
                self.parts.append("\n")
            self.in_title = tag == "title" or self.in_title
            self.in_h1 = tag == "h1" or self.in_h1

        def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.handle_starttag(tag, attrs)
            if tag in skip:
                self.depth -= 1

        def handle_endtag(self, tag: str) -> None:
            if tag in skip and self.depth:
                self.depth -= 1
            if tag in blocks:
                self.parts.append("\n")
            if tag == "title":
                self.in_title = False
            if tag == "h1":
                self.in_h1 = False

        def handle_data(self, data: str) -> None:
            if self.in_title:
                self.title += data
                return
            if self.depth:
                return
            if self.in_h1:
                self.h1 += data
            self.parts.append(data)

    p = Parser()
    p.feed(html)
    p.close()
    if "title" not in meta:
        title = " ".join((p.h1 or p.title).split())
        if title:
            meta["title"] = title
    text = "".join(p.parts)
    text = "\n".join(" ".join(ln.split()) for ln in text.split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return text, meta


# ---------------------------------------------------------------- files


def _decode(data: bytes, path: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as err:
            raise InputError("cannot decode UTF-16 text; save the file as UTF-8", path=path) from err
    head = data[:8192]
    if b"\x00" in head or sum(b < 9 or 13 < b < 32 for b in head) > len(head) // 20:
        raise InputError("binary file, not text; give .txt, .md, .html, .json or .jsonl files", path=path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")


def _meta_str(obj: dict[str, Any], key: str) -> str:
    value = obj.get(key)
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def article_from_object(obj: Any, *, path: str = "", line: int = 0, default_id: str = "", item: str = "") -> Article:
    """The :class:`Article` of one decoded JSON object (fields ``id``, ``text``, ``title``, ``url``,
    ``published``, ``source``), as ``.json``/``.jsonl`` inputs are read; raises :class:`InputError`.

    >>> article_from_object({"id": 7, "text": "Two killed.", "published": "2026-02-02T10:00:00Z"}).published
    '2026-02-02'
    >>> article_from_object({"title": "no text"}, path="in.jsonl", line=3)
    Traceback (most recent call last):
    geoincident.errors.InputError: in.jsonl:3: missing 'text' field (a string with the report)
    """
    if not isinstance(obj, dict):
        msg = f"expected a JSON object with a 'text' field, got {type(obj).__name__}"
        raise InputError(item + msg, path=path, line=line)
    text = obj.get("text")
    if not isinstance(text, str):
        raise InputError(item + "missing 'text' field (a string with the report)", path=path, line=line)
    if not text.strip():
        raise InputError(item + "empty 'text' field", path=path, line=line)
    article = parse_text(
        text,
        id=_meta_str(obj, "id") or default_id,
        path=path,
        published=_meta_str(obj, "published"),
        source=_meta_str(obj, "source"),
        title=_meta_str(obj, "title"),
        url=_meta_str(obj, "url"),
        line=line,
    )
    return article


_from_object = article_from_object  # the name geoincident.cluster imports


def _json_lines(lines: Iterable[bytes], *, path: str, stem: str, report: ErrorHandler) -> Iterator[Article]:
    import orjson

    for n, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            obj = orjson.loads(raw)
        except orjson.JSONDecodeError as err:
            report(InputError(f"malformed JSON line ({err}); each line must be one JSON object", path=path, line=n))
            continue
        try:
            yield article_from_object(obj, path=path, line=n, default_id=f"{stem}-{n}")
        except InputError as err:
            report(err)


def _read_file(p: Path, report: ErrorHandler) -> Iterator[Article]:
    import orjson

    path = str(p)
    suffix = p.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        try:
            with p.open("rb") as fh:
                yield from _json_lines(fh, path=path, stem=p.stem, report=report)
        except OSError as err:
            report(InputError(f"cannot read: {err.strerror or err}", path=path))
        return
    try:
        data = p.read_bytes()
    except OSError as err:
        report(InputError(f"cannot read: {err.strerror or err}", path=path))
        return
    try:
        if not data.strip():
            raise InputError("empty file", path=path)
        if suffix == ".json":
            try:
                obj = orjson.loads(data)
            except orjson.JSONDecodeError as err:
                raise InputError(f"malformed JSON ({err})", path=path) from err
            items = obj if isinstance(obj, list) else [obj]
            for i, item in enumerate(items, start=1):
                default = p.stem if len(items) == 1 else f"{p.stem}-{i}"
                try:
                    yield article_from_object(item, path=path, line=0, default_id=default, item=f"item {i}: ")
                except InputError as err:
                    report(err)
            return
        text = _decode(data, path)
        meta: dict[str, str] = {}
        if suffix in (".html", ".htm"):
            text, meta = _html_to_text(text)
        elif suffix in (".md", ".markdown"):
            text = _markdown_to_text(text)
        if not text.strip():
            raise InputError("no text in file", path=path)
        article = parse_text(
            text,
            id=p.stem,
            path=path,
            published=meta.get("published", ""),
            source=meta.get("source", ""),
            title=meta.get("title", ""),
            url=meta.get("url", ""),
        )
        if not article.text:
            raise InputError("nothing left after removing boilerplate", path=path)
        yield article
    except InputError as err:
        report(err)


def read_articles(inputs: Iterable[str | Path], *, on_error: ErrorHandler | None = None) -> Iterator[Article]:
    """Yield an :class:`Article` for every report in ``inputs``, one at a time.

    Folders are walked recursively in sorted order (hidden files skipped). A bad input
    (missing, empty, binary, malformed JSON line, no ``text``) becomes an
    :class:`~geoincident.errors.InputError` naming file and line, passed to
    ``on_error``, and the other inputs are still read; without ``on_error`` it is raised.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.jsonl").write_text('{"id": "x", "text": "Two killed."}\\nnot json\\n')
    >>> errors = []
    >>> [a.id for a in read_articles([d], on_error=errors.append)], str(errors[0]).endswith("each line must be one JSON object")
    (['x'], True)
    """

    def report(err: GeoincidentError) -> None:
        if on_error is None:
            raise err
        on_error(err)

    for item in inputs:
        if str(item) == "-":
            yield from _json_lines(sys.stdin.buffer, path="<stdin>", stem="stdin", report=report)
            continue
        p = Path(item)
        if p.is_dir():
            files = sorted(
                f
                for f in p.rglob("*")
                if f.is_file()
                and f.suffix.lower() in SUFFIXES
                and not any(part.startswith(".") for part in f.relative_to(p).parts)
            )
            for f in files:
                yield from _read_file(f, report)
        elif p.is_file():
            yield from _read_file(p, report)
        else:
            report(InputError("no such file or folder", path=str(p)))

"""`geoincident extract`: news reports in, article records (places, claims, events) and incidents out."""

from __future__ import annotations

import argparse
import sys
from typing import Any

EXAMPLES = """\
examples:
  geoincident extract seeds/ -o records.json
  geoincident extract report.txt                     # JSON on standard output
  geoincident extract seeds/ --jsonl -o events.jsonl # one JSON object per article
  cat articles.jsonl | geoincident extract - --jsonl

output: JSON {"schema", "records": [...], "incidents": [...]}; with --jsonl one object per
article (its input id, metadata, events main event first, mentions, claims) and no incidents.
Schema: docs/extraction-places-events.md. Bad inputs are reported on stderr (file:line) and
skipped; the exit code is then 1.
"""


def add_parser(sub: argparse._SubParsersAction, *, parents: list[argparse.ArgumentParser]) -> None:
    from geoincident.cli._common import add_pipeline_options

    p = sub.add_parser(
        "extract",
        parents=parents,
        help="read reports: places with roles, casualty claims, events, incidents (JSON)",
        description="Read news reports and write what they say: place mentions with their roles, "
        "casualty claims with claimant and date, the events of each article, and the incidents "
        "they add up to.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write here (atomically) instead of standard output")
    p.add_argument("--jsonl", action="store_true", help="one JSON object per article, streamed (no incidents)")
    add_pipeline_options(p)
    p.set_defaults(run=run)


def _dumps(obj: Any, *, indent: bool) -> bytes:
    import orjson

    option = orjson.OPT_NON_STR_KEYS | (orjson.OPT_INDENT_2 if indent else 0)
    return orjson.dumps(obj, option=option)


def _check_output(path: str) -> None:
    from pathlib import Path

    from geoincident.errors import OutputError

    target = Path(path)
    if target.is_dir():
        raise OutputError(f"cannot write {path}: it is a folder (give a file name)")
    if not target.resolve().parent.is_dir():
        raise OutputError(f"cannot write {path}: folder {target.resolve().parent} does not exist")


def _stream(args: argparse.Namespace, fh) -> int:
    """--jsonl: one record per line as each article is extracted; returns the exit code."""
    from geoincident.errors import GeoincidentError
    from geoincident.extraction import record_to_dict
    from geoincident.incidents import build_incidents
    from geoincident.pipeline import iter_records

    build_incidents([], rule=args.rule)  # the same option check as without --jsonl
    gazetteer = None
    if args.gazetteer:
        from geoincident.gazetteer import Gazetteer

        gazetteer = Gazetteer(*args.gazetteer)
    failed = 0

    def report(err: GeoincidentError) -> None:
        nonlocal failed
        failed += 1
        print(f"geoincident extract: {err}", file=sys.stderr)

    for record in iter_records(args.inputs, on_error=report, gazetteer=gazetteer, jobs=args.jobs,
                               progress=args.progress and not args.quiet):
        fh.write(_dumps(record_to_dict(record), indent=False) + b"\n")
    if failed:
        print(f"geoincident extract: {failed} input{'s' if failed != 1 else ''} could not be read", file=sys.stderr)
    return 1 if failed else 0


def _document(args: argparse.Namespace, fh) -> int:
    """JSON: every record and the incidents they add up to; returns the exit code."""
    from geoincident.cli._common import run_pipeline
    from geoincident.extraction import SCHEMA_VERSION, record_to_dict
    from geoincident.incidents import incident_to_dict

    result, code = run_pipeline(args)
    _write_document(
        fh,
        {
            "schema": SCHEMA_VERSION,
            "records": map(record_to_dict, result.records),
            "incidents": map(incident_to_dict, result.incidents),
        },
    )
    return code


def _write_document(fh, doc: dict[str, Any]) -> None:
    r"""``doc`` as indented JSON, item by item: the bytes of ``_dumps(doc, indent=True)`` and a newline.

    A value that is an iterator (records, incidents) is written one item at a time, so
    that they never are all in memory at once, as dicts or as JSON.

    >>> import io
    >>> doc = {"schema": "1", "records": iter([{"a": [1]}, {}]), "incidents": iter([])}
    >>> out = io.BytesIO()
    >>> _write_document(out, doc)
    >>> out.getvalue() == _dumps({"schema": "1", "records": [{"a": [1]}, {}], "incidents": []}, indent=True) + b"\n"
    True
    """
    from collections.abc import Iterator

    fh.write(b"{")
    for n, (key, value) in enumerate(doc.items()):
        fh.write(b"," if n else b"")
        fh.write(b"\n  " + _dumps(key, indent=True) + b": ")
        if not isinstance(value, Iterator):
            fh.write(_dumps(value, indent=True).replace(b"\n", b"\n  "))
            continue
        empty = True
        for item in value:
            fh.write(b"[\n    " if empty else b",\n    ")
            fh.write(_dumps(item, indent=True).replace(b"\n", b"\n    "))  # no raw newline inside a string
            empty = False
        fh.write(b"[]" if empty else b"\n  ]")
    fh.write(b"\n}\n" if doc else b"}\n")


def run(args: argparse.Namespace) -> int:
    write = _stream if args.jsonl else _document
    if not args.output:
        code = write(args, sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return code
    _check_output(args.output)
    from geoincident.geojson import staged_file

    with staged_file(args.output) as part, open(part, "wb") as fh:
        code = write(args, fh)
    return code

"""What the commands that read reports share: their input options and the run of the pipeline.

``extract``, ``export``, ``map`` and ``demo`` all take INPUT... (files, folders, or
``-`` for JSON lines on stdin), ``--jobs``, ``--rule``, ``--gazetteer`` and
``--no-progress``, declared by :func:`add_pipeline_options`; and they all run the
pipeline through :func:`run_pipeline`, which reports each bad input on stderr as
``geoincident CMD: file:line: message`` (no traceback) and returns the exit code:
0 when every input was read, 1 when some failed (the others were still processed).

>>> import argparse
>>> parser = argparse.ArgumentParser(prog="geoincident demo")
>>> add_pipeline_options(parser, default_inputs=["seeds"])
>>> args = parser.parse_args(["-j", "2", "a.txt", "-"])
>>> (args.inputs, args.jobs, args.rule, args.progress)
(['a.txt', '-'], 2, 'ucdp', True)
>>> parser.parse_args([]).inputs
['seeds']
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from geoincident.errors import GeoincidentError

if TYPE_CHECKING:
    from geoincident.pipeline import PipelineResult

EXIT_OK = 0
EXIT_PARTIAL = 1

INPUT_HELP = "report files or folders (.txt .md .html .json .jsonl), or - for JSON lines on stdin"


def add_pipeline_options(
    parser: argparse.ArgumentParser, *, default_inputs: Sequence[str] | None = None
) -> None:
    """Declare INPUT..., ``-j/--jobs``, ``--rule``, ``--gazetteer`` and ``--no-progress``.

    Without ``default_inputs`` at least one INPUT is required.
    """
    if default_inputs is None:
        parser.add_argument("inputs", nargs="+", metavar="INPUT", help=INPUT_HELP)
    else:
        parser.add_argument(
            "inputs",
            nargs="*",
            metavar="INPUT",
            default=list(default_inputs),
            help=f"{INPUT_HELP} (default: {' '.join(default_inputs)})",
        )
    group = parser.add_argument_group("pipeline")
    group.add_argument(
        "-j",
        "--jobs",
        type=_jobs,
        default=1,
        metavar="N",
        help="extract in N worker processes (0 = one per core; default 1)",
    )
    group.add_argument(
        "--rule",
        default="ucdp",
        metavar="RULE",
        help="how figures of several reports are reconciled: ucdp (default) or acled",
    )
    group.add_argument(
        "--gazetteer",
        action="append",
        default=[],
        metavar="CSV",
        help="extra gazetteer file that extends or overrides the built-in one (repeatable)",
    )
    group.add_argument(
        "--low-memory",
        action="store_true",
        help="keep the article records and incidents in temporary files instead of memory: slower, "
        "but memory no longer grows with the corpus (for tens of thousands of reports)",
    )
    group.add_argument(
        "--no-progress",
        dest="progress",
        action="store_false",
        help="no progress bar (it is drawn only when stderr is a terminal anyway)",
    )


def run_pipeline(args: argparse.Namespace, *, keep_records: bool = True) -> tuple[PipelineResult, int]:
    """Run :func:`geoincident.pipeline.process` with the options of ``args``.

    Each bad input is printed on stderr as it happens (``geoincident CMD: file:line:
    message``); the run goes on. Returns the result and the exit code (0, or 1 when
    some inputs failed). An unknown rule or a bad gazetteer file raises a
    :class:`~geoincident.errors.GeoincidentError` before any article is read (the
    dispatcher prints it and exits 2).
    """
    from geoincident.incidents import build_incidents
    from geoincident.pipeline import load_gazetteer, process

    build_incidents([], rule=args.rule)  # an unknown rule fails now, not after the whole corpus
    gazetteer = tuple(getattr(args, "gazetteer", None) or ()) or None
    if gazetteer:
        load_gazetteer(gazetteer)  # a bad gazetteer file fails now; loaded once, shared with forked workers
    command = getattr(args, "command", None) or "geoincident"

    def report(err: GeoincidentError) -> None:
        print(f"geoincident {command}: {err}", file=sys.stderr)

    result = process(
        args.inputs,
        rule=args.rule,
        on_error=report,
        gazetteer=gazetteer,
        jobs=args.jobs,
        progress=getattr(args, "progress", True) and not getattr(args, "quiet", False),
        keep_records=keep_records,
        spill_records=getattr(args, "low_memory", False),
    )
    if result.errors:
        n = len(result.errors)
        print(
            f"geoincident {command}: {n} input{'s' if n != 1 else ''} could not be read "
            f"({result.articles} article{'s' if result.articles != 1 else ''} processed)",
            file=sys.stderr,
        )
        return result, EXIT_PARTIAL
    return result, EXIT_OK


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, got {text!r}")
    return value

"""The ``geoincident`` command.

Each subcommand lives in its own module of this package, with two functions:
``add_parser(subparsers)`` declares its options (and imports nothing heavy) and
``run(args) -> int`` does the work. Exit codes, the same for every command:

* 0: everything went well;
* 1: some inputs failed or some names did not resolve (the rest was still done);
* 2: usage or configuration error (bad option, bad gazetteer file, unwritable output).

Errors are printed as one clear message, never as a traceback; ``--verbose``
adds the traceback for bug reports.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from geoincident import __version__
from geoincident.errors import GeoincidentError

EXIT_OK = 0
EXIT_PARTIAL = 1
EXIT_USAGE = 2

#: subcommand modules, in the order ``--help`` lists them
COMMANDS: tuple[str, ...] = ("demo", "extract", "export", "map", "resolve", "gazetteer")

EPILOG = """\
examples:
  geoincident resolve Noshki Panjgoor Gwadar
  geoincident extract seeds/ -o records.json
  geoincident export seeds/ -o layers/
  geoincident export seeds/ -o incidents.gpkg
  geoincident map seeds/ -o map.html --offline

exit codes: 0 ok, 1 some inputs failed or names did not resolve, 2 usage or configuration error
"""


class _Parser(argparse.ArgumentParser):
    """argparse that exits with code 2 and one line, as every usage error should."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="geoincident",
        description="Turn news reports of violent incidents into maps and GIS layers, offline.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"geoincident {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    noise = common.add_mutually_exclusive_group()
    noise.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    noise.add_argument("-v", "--verbose", action="store_true", help="print details, and tracebacks of errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        module = importlib.import_module(f"geoincident.cli.{name}")
        module.add_parser(sub, parents=[common])
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    level = logging.ERROR if args.quiet else logging.DEBUG if args.verbose else logging.WARNING
    logging.basicConfig(level=level, format="geoincident: %(message)s")
    try:
        return int(args.run(args))
    except GeoincidentError as err:
        if args.verbose:
            logging.exception("error")
        print(f"geoincident {args.command}: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("geoincident: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK

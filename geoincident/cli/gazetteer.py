"""`geoincident gazetteer check [FILE...]` validates gazetteer files; `gazetteer cache` compiles the
worldwide layer into the cache (done automatically on first use)."""

from __future__ import annotations

import argparse

EXAMPLES = """\
examples:
  geoincident gazetteer check                          # the built-in files
  geoincident gazetteer check my_places.csv my_names.csv
  geoincident gazetteer check --alone my_places.csv    # without the default gazetteer
  geoincident gazetteer cache                          # compile the worldwide layer now (~20 s, once)

A bad file exits 2 with file:line and what to fix. The cache lives in $GEOINCIDENT_CACHE, else
$XDG_CACHE_HOME/geoincident, else ~/.cache/geoincident. See docs/gazetteer.md.
"""


def add_parser(sub: argparse._SubParsersAction, *, parents: list[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("gazetteer", parents=parents, help="check gazetteer files, build the worldwide cache",
                       description=__doc__, epilog=EXAMPLES,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=type(p))
    check = actions.add_parser(
        "check", parents=parents, help="validate gazetteer CSV files (default: the built-in ones)",
        description="Validate gazetteer CSV files: columns, coordinates, unique ids, UTF-8, and that every "
        "name and parent refers to a place (of the file or of the default gazetteer). Exit 2 on the first error.",
    )
    check.add_argument("files", nargs="*", metavar="FILE", help="places or names CSV files")
    check.add_argument("--alone", action="store_true",
                       help="check the files on their own, without the default gazetteer")
    check.set_defaults(run=run_check)
    cache = actions.add_parser("cache", parents=parents, help="compile the worldwide layer into the cache now")
    cache.set_defaults(run=run_cache)


def run_check(args: argparse.Namespace) -> int:
    from geoincident.gazetteer import _default_files, check_files

    files = args.files or [str(p) for p in _default_files()]
    counts = check_files(files, with_default=not args.alone and bool(args.files))
    if not args.quiet:
        for path, n in counts.items():
            print(f"ok {path}: {n} rows")
    return 0


def run_cache(args: argparse.Namespace) -> int:
    import time

    from geoincident.gazetteer import Gazetteer, WorldLayer

    t0 = time.perf_counter()
    gaz = Gazetteer()
    world = gaz.world
    assert world is not None
    world.automaton()
    _, npz, pkl, _ = WorldLayer.paths(common_words=gaz._common_words())
    if not args.quiet:
        print(f"worldwide layer ready in {time.perf_counter() - t0:.1f} s: {world.n_rows} places\n  {npz}\n  {pkl}")
    return 0

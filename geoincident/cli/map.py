"""``geoincident map``: the incidents of some reports as one interactive HTML map."""

from __future__ import annotations

import argparse
from pathlib import Path

from geoincident.cli._common import add_pipeline_options, run_pipeline

EPILOG = """\
examples:
  geoincident map seeds/ -o map.html --offline     # one file that needs no network at all
  geoincident map seeds/ -o map.html               # Leaflet and OpenStreetMap tiles from the web
  geoincident map reports.jsonl -o map.html --title "Balochistan, January 2026"

--offline inlines Leaflet and its plugins (npm packages installed by `make assets`,
or found through the GEOINCIDENT_ASSETS variable) and draws an outline basemap
from the gazetteer's boundaries instead of web tiles. See docs/maps.md.

exit codes: 0 ok, 1 some inputs could not be read (the map of the rest was written),
2 usage or configuration error (nothing written)
"""


def add_parser(sub: argparse._SubParsersAction, *, parents: list[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "map",
        parents=parents,
        help="write the incidents as one interactive HTML map (--offline: no network needed)",
        description="Read news reports, merge them into incidents and write an interactive map.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_pipeline_options(p)
    p.add_argument("-o", "--output", required=True, metavar="FILE.html", help="the HTML file to write")
    p.add_argument(
        "--offline",
        action="store_true",
        help="inline every script, style and icon and draw an outline basemap: no network needed",
    )
    p.add_argument("--title", metavar="TEXT", help="title shown on the map (default: Incidents)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import sys

    from geoincident.errors import OutputError

    out = Path(args.output)
    if out.suffix.lower() not in (".html", ".htm"):
        raise OutputError(f"{out}: a map is an HTML file: give -o a name ending in .html")
    if out.is_dir():
        raise OutputError(f"{out} is a folder: give -o a file name ending in .html")
    if not (out.parent if str(out.parent) else Path(".")).is_dir():
        raise OutputError(f"{out}: folder {out.parent} does not exist")
    if args.offline:  # missing assets fail now, before the reports are read
        from geoincident.assets import assets_root

        assets_root()

    result, code = run_pipeline(args)
    if result.errors and not result.incidents and not result.records:
        print("geoincident map: no report could be read; nothing written", file=sys.stderr)
        return code or 1

    from geoincident.maps import save_map

    save_map(result.incidents, out, offline=args.offline, records=result.records, title=args.title)
    if not args.quiet:
        n_sites = sum(len(incident.sites) for incident in result.incidents)
        kind = "offline map" if args.offline else "map"
        print(f"{out}: {kind} of {len(result.incidents)} incidents at {n_sites} sites")
    return code

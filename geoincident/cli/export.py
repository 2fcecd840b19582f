"""`geoincident export`: write the incidents of some reports as GIS layers."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from geoincident.cli._common import add_pipeline_options, run_pipeline

EPILOG = """\
output (-o), by its form:
  DIR           one file per layer, named after it: incidents.geojson, sites.geojson, mentions.geojson,
                claims.geojson, areas.geojson (--format picks another format for them)
  FILE.gpkg     every layer in one GeoPackage
  FILE.fgb      FlatGeobuf; also .geojson, .geojsonl, .geojsons, .csv (lat/lon columns): one layer
                per file, "incidents" unless --layers names another

examples:
  geoincident export seeds/ -o layers/
  geoincident export seeds/ -o incidents.gpkg
  geoincident export seeds/ -o sites.fgb --layers sites
  geoincident export reports.jsonl -o layers/ --format fgb --layers incidents,claims
  geoincident export corpus.jsonl -o incidents.fgb --jobs 2

Every file is written to a temporary file and renamed into place only when all are complete.
The columns of every layer are described in docs/schema.md.
exit codes: 0 ok, 1 some inputs failed, 2 usage error (bad -o, unknown layer or format)
"""


def add_parser(sub: argparse._SubParsersAction, *, parents: list[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "export",
        parents=parents,
        help="write incidents as GeoJSON, GeoPackage, FlatGeobuf or CSV layers",
        description="Read news reports, merge them into incidents and write GIS layers.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_pipeline_options(p)
    p.add_argument("-o", "--output", required=True, metavar="DIR|FILE", help="where to write (see below)")
    p.add_argument(
        "--layers",
        metavar="A,B",
        help="comma-separated layers: incidents, sites, mentions, claims, areas (default: all for a "
        "directory or .gpkg, incidents for a one-layer file)",
    )
    p.add_argument(
        "--format",
        dest="driver",
        metavar="FORMAT",
        help="format of the files in a directory: geojson (default), geojsonl, geojsons, gpkg, fgb, csv",
    )
    p.add_argument(
        "--no-spatial-index",
        dest="spatial_index",
        action="store_false",
        help="write GeoPackage and FlatGeobuf without a spatial index (faster to write, slower to query)",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from geoincident.layers import IncidentCollection, check_output, write_layers

    # A bad -o, layer, format, rule or gazetteer file fails now, before any report is read.
    paths = check_output(args.output, layers=args.layers, driver=args.driver)
    # only the mentions layer needs the whole article records; without it, keep the slim ones
    result, code = run_pipeline(args, keep_records=_writes_mentions(args.layers, paths))
    if result.errors and not result.articles:
        print("geoincident export: no report could be read; nothing written", file=sys.stderr)
        return 1
    collection = IncidentCollection(result.incidents, result.records)
    written = write_layers(
        collection, args.output, layers=args.layers, driver=args.driver, spatial_index=args.spatial_index
    )
    for path in written:
        print(path)
    if not args.quiet:
        print(
            f"geoincident export: {result.articles} reports, {len(result.incidents)} incidents, "
            f"{len(written)} file{'' if len(written) == 1 else 's'} written",
            file=sys.stderr,
        )
    return code


def _writes_mentions(layers: str | None, paths: list[Path]) -> bool:
    """Whether the mentions layer is among those written (every layer goes to a folder or a .gpkg).

    >>> _writes_mentions("incidents,sites", [Path("out.gpkg")]), _writes_mentions(None, [Path("out.gpkg")])
    (False, True)
    >>> _writes_mentions(None, [Path("incidents.fgb")])
    False
    """
    if layers:
        return "mentions" in {name.strip() for name in layers.split(",")}
    return len(paths) > 1 or paths[0].suffix.lower() == ".gpkg"

"""`geoincident export`: write the incidents of some reports as GIS layers."""

from __future__ import annotations

import argparse
import sys

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
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="text files, JSON lines files or directories")
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
    p.add_argument("--rule", default="ucdp", help="how figures are reconciled: ucdp (default) or acled")
    p.add_argument(
        "--no-spatial-index",
        dest="spatial_index",
        action="store_false",
        help="write GeoPackage and FlatGeobuf without a spatial index (faster to write, slower to query)",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from geoincident import pipeline
    from geoincident.layers import IncidentCollection, check_output, write_layers

    # A bad -o, layer or format fails now, before any report is read.
    check_output(args.output, layers=args.layers, driver=args.driver)

    def report(err: Exception) -> None:
        print(f"geoincident export: {err}", file=sys.stderr)

    result = pipeline.process(args.inputs, rule=args.rule, on_error=report)
    if result.errors and not result.records:
        print("geoincident export: no report could be read; nothing written", file=sys.stderr)
        return 1
    collection = IncidentCollection(result.incidents, result.records)
    paths = write_layers(
        collection, args.output, layers=args.layers, driver=args.driver, spatial_index=args.spatial_index
    )
    for path in paths:
        print(path)
    if not args.quiet:
        print(
            f"geoincident export: {len(result.records)} reports, {len(result.incidents)} incidents, "
            f"{len(paths)} files written",
            file=sys.stderr,
        )
    return 1 if result.errors else 0

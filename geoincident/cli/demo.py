"""``geoincident demo``: from reports to every layer and the offline map, in one command."""

from __future__ import annotations

import argparse
from pathlib import Path

from geoincident.cli._common import add_pipeline_options, run_pipeline

DEFAULT_INPUTS = ("seeds",)
DEFAULT_OUT = "out"
GEOPACKAGE = "geoincident.gpkg"
MAP = "map.html"

EPILOG = """\
examples:
  geoincident demo                        # the seeds/ reports -> out/
  geoincident demo reports/ -o results/   # your reports
  geoincident demo corpus.jsonl -j 2      # two worker processes
  cat corpus.jsonl | geoincident demo - -o results/

writes into DIR: one GeoJSON file per layer (incidents, sites, mentions, claims,
areas), all layers in geoincident.gpkg, and map.html (offline unless --online).

exit codes: 0 ok, 1 some inputs could not be read (the rest was written),
2 usage or configuration error (nothing written)
"""


def add_parser(sub: argparse._SubParsersAction, *, parents: list[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "demo",
        parents=parents,
        help="reports -> every layer (GeoJSON + GeoPackage) and the map, in one folder",
        description="Extract the reports, merge them into incidents, and write every layer as "
        "GeoJSON, one GeoPackage and the map into one folder.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_pipeline_options(p, default_inputs=list(DEFAULT_INPUTS))
    p.add_argument("-o", "--output", default=DEFAULT_OUT, metavar="DIR", help="output folder (default: out)")
    p.add_argument(
        "--online",
        action="store_true",
        help="map loads Leaflet and OpenStreetMap tiles from the web instead of inlining everything",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from geoincident.errors import OutputError, UsageError

    if list(args.inputs) == list(DEFAULT_INPUTS) and not Path(DEFAULT_INPUTS[0]).exists():
        raise UsageError(
            "there is no seeds/ folder here: run from the repository, or name the reports "
            "(geoincident demo REPORTS... -o DIR)"
        )
    out = Path(args.output)
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out} is a file: give a folder for -o (it is created when missing)")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(f"cannot create the output folder {out}: {err.strerror}") from err

    result, code = run_pipeline(args)
    written = write_outputs(result, out, offline=not args.online)
    if not args.quiet:
        n_sites = sum(len(incident.sites) for incident in result.incidents)
        print(
            f"{result.articles} article{_s(result.articles)}, {len(result.incidents)} "
            f"incident{_s(len(result.incidents))}, {n_sites} site{_s(n_sites)}"
        )
        print(f"wrote {len(written)} file{_s(len(written))} into {out}/:")
        for path in written:
            print(f"  {path.name}")
    return code


def write_outputs(result, out: Path, *, offline: bool = True) -> list[Path]:
    """Write every layer as GeoJSON, all layers in one GeoPackage, and the map into ``out``."""
    from geoincident.layers import IncidentCollection, write_layers
    from geoincident.maps import make_map, save_map

    collection = IncidentCollection(result.incidents, result.records)
    written = [Path(p) for p in write_layers(collection, out)]
    written += [Path(p) for p in write_layers(collection, out / GEOPACKAGE)]
    figure = make_map(result.incidents, records=result.records, offline=offline)
    save_map(figure, out / MAP, offline=offline)
    written.append(out / MAP)
    return sorted(dict.fromkeys(written))


def _s(n: int) -> str:
    return "" if n == 1 else "s"

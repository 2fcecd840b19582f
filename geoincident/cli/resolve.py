"""`geoincident resolve NAME...`: the best gazetteer match of each name, and its alternatives."""

from __future__ import annotations

import argparse
import sys
from typing import Any

EXAMPLES = """\
examples:
  geoincident resolve Noshki Nushki Gwadar Panjgur Pasni Dalbandin Mastung Quetta
  geoincident resolve "Dera Bugti" Kwatah --json           # one JSON list, with alternatives
  geoincident resolve Hyderabad --country PK --limit 3
  geoincident resolve Hyderabad --near 17.38,78.48         # the namesake near this point
  geoincident resolve "Red Zone" --gazetteer my_places.csv # your own places or spellings

Each answer: query, place_id, name, lat, lon, feature_type, district, province, country, score,
match (exact, variant, normalised or fuzzy), reason and alternatives. Exit 0 when every name
resolves, 1 when some does not. See docs/gazetteer.md.
"""

#: Fields of each answer, in output order.
FIELDS: tuple[str, ...] = (
    "query", "place_id", "name", "lat", "lon", "feature_type", "district", "province", "country", "score", "match",
)


def add_parser(sub: argparse._SubParsersAction, *, parents: list[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "resolve",
        parents=parents,
        help="resolve place names against the gazetteer",
        description="Print the best gazetteer match of each NAME (and its alternatives). "
        "Exit 0 when every name resolves, 1 when some does not.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("names", nargs="+", metavar="NAME", help="place names, e.g. Noshki 'Dera Bugti'")
    p.add_argument("--json", action="store_true", help="print one JSON list for all names")
    p.add_argument("--country", metavar="CC", help="prefer places in this country (ISO code, e.g. PK)")
    p.add_argument("--near", metavar="LAT,LON", help="prefer places near this point, e.g. 30.18,67.0")
    p.add_argument("--limit", type=int, default=5, metavar="N", help="candidates per name (default 5)")
    p.add_argument("--gazetteer", action="append", default=[], metavar="FILE",
                   help="extra gazetteer CSV file (places or names); may be repeated")
    p.add_argument("--no-worldwide", action="store_true", help="leave out the GeoNames worldwide layer")
    p.set_defaults(run=run)


def _near(text: str | None) -> tuple[float, float] | None:
    from geoincident.errors import UsageError

    if not text:
        return None
    try:
        lat_text, lon_text = text.split(",")
        lat, lon = float(lat_text), float(lon_text)
    except ValueError:
        raise UsageError(f"--near {text!r}: give LAT,LON in degrees, e.g. 30.18,67.0") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise UsageError(f"--near {text!r}: latitude must be in [-90, 90] and longitude in [-180, 180]")
    return lat, lon


def _record(query: str, cand: Any) -> dict[str, Any]:
    if cand is None:
        return {f: (query if f == "query" else None) for f in FIELDS}
    p = cand.place
    return {
        "query": query, "place_id": p.place_id, "name": p.name, "lat": p.lat, "lon": p.lon,
        "feature_type": p.feature_type, "district": p.district, "province": p.province, "country": p.country,
        "score": cand.score, "match": cand.match,
    }


def run(args: argparse.Namespace) -> int:
    from geoincident.errors import UsageError
    from geoincident.gazetteer import Gazetteer

    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    near = _near(args.near)
    if args.gazetteer or args.no_worldwide:
        gaz = Gazetteer(*args.gazetteer, worldwide=not args.no_worldwide)
    else:
        gaz = Gazetteer.default()
    out: list[dict[str, Any]] = []
    unresolved = 0
    for name in args.names:
        res = gaz.resolve(name, country=args.country, near=near, limit=args.limit)
        rec = _record(name, res.best)
        rec["reason"] = res.reason
        rec["alternatives"] = [
            {k: v for k, v in _record(name, c).items() if k != "query"}
            for c in res.candidates if res.best is None or c.place.place_id != res.best.place.place_id
        ]
        unresolved += res.best is None
        out.append(rec)
    if args.json:
        import json

        json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        for rec in out:
            if rec["place_id"] is None:
                print(f"{rec['query']}: unresolved ({rec['reason']})")
            else:
                where = ", ".join(x for x in (rec["district"], rec["province"], rec["country"]) if x)
                print(f"{rec['query']}: {rec['name']} ({rec['feature_type']}) lat {rec['lat']} lon {rec['lon']}"
                      f" [{where}] {rec['match']} {rec['score']:.2f} {rec['place_id']}")
            if not args.quiet:
                for alt in rec["alternatives"]:
                    where = ", ".join(x for x in (alt["district"], alt["province"], alt["country"]) if x)
                    print(f"    or {alt['name']} ({alt['feature_type']}) [{where}] {alt['match']} "
                          f"{alt['score']:.2f} {alt['place_id']}")
    return 1 if unresolved else 0

"""Geoparsing quality on GeoWebNews (Gritta et al. 2019): 200 real news articles, gold toponyms.

Text nobody here wrote: a measure of generality, never a set to tune rules on.

Gold: every <toponym> of ``GWN.xml`` with coordinates (2,601 of them: literal, metonymic,
mixed, modifier, embedded and coercion toponyms). Figures printed:

* recognition: our mentions (``geoparse``, every role, resolved or not) against the gold
  spans, strict (same start and end) and loose (overlapping); precision, recall, F1;
* resolution given the gold toponym (the Mordecai 3 setting, 94.1 % within 161 km): each gold
  surface is resolved by the gazetteer (its own cut-off for unknown names) and disambiguated
  with the same context rule as the extraction (the article's country, proximity); correct =
  within 161 km of the gold point or the same GeoNames id (a country's point is its capital
  here, its centre in GeoNames); unresolved counts as wrong;
* end to end: of the gold toponyms we recognised (loose), the share whose resolved place is
  within 161 km.

Run: ``.venv/bin/python benchmarks/eval_geowebnews.py [--data ../shared/eval/geowebnews] [--limit N]``
(skips with a message when the data set is absent).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "eval" / "geowebnews"
KM = 161.0


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(h)))


def correct(place, g: dict) -> bool:
    """Within 161 km of the gold point, or the same GeoNames entity (country points differ: ours
    is the capital's, GeoNames' the country's centre)."""
    if place is None:
        return False
    return km(place.lat, place.lon, g["lat"], g["lon"]) <= KM or (g["geonameid"] is not None and place.geonameid == g["geonameid"])


def load(path: Path) -> list[tuple[str, list[dict]]]:
    root = ET.parse(path).getroot()
    articles = []
    for art in root.findall("article"):
        text = art.findtext("text") or ""
        gold = []
        for t in art.iter("toponym"):
            lat, lon = t.findtext("latitude"), t.findtext("longitude")
            if not lat or not lon:
                continue
            start, end = int(t.findtext("start")), int(t.findtext("end"))
            gid = t.findtext("geonamesID")
            gold.append({"start": start, "end": end, "name": text[start:end], "lat": float(lat), "lon": float(lon),
                         "type": t.findtext("type"), "geonameid": int(gid) if gid else None})
        articles.append((text, gold))
    return articles


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT, help="folder holding GWN.xml")
    ap.add_argument("--limit", type=int, default=0, help="only the first N articles (0 = all)")
    args = ap.parse_args(argv)
    xml = args.data / "GWN.xml"
    if not xml.is_file():
        print(f"skipped: {xml} not found (GeoWebNews is not part of the package)")
        return 0

    from geoincident.extraction import geoparse
    from geoincident.gazetteer import Gazetteer
    from geoincident.mentions import resolve_in_context

    t0 = time.perf_counter()
    gaz = Gazetteer.default()
    gaz.spot("Warm up the Quetta automaton.")
    load_s = time.perf_counter() - t0
    articles = load(xml)
    if args.limit:
        articles = articles[: args.limit]

    n_gold = n_pred = strict = loose_pred = loose_gold = 0
    resolved_ok = e2e_ok = e2e_n = 0
    by_type: dict[str, list[int]] = {}
    t_parse = 0.0
    for text, gold in articles:
        t = time.perf_counter()
        mentions = geoparse(text, gazetteer=gaz)
        t_parse += time.perf_counter() - t
        n_gold += len(gold)
        n_pred += len(mentions)
        spans = {(g["start"], g["end"]) for g in gold}
        strict += sum((m.start, m.end) in spans for m in mentions)
        loose_pred += sum(any(m.start < g["end"] and g["start"] < m.end for g in gold) for m in mentions)
        for g in gold:
            hit = next((m for m in mentions if m.start < g["end"] and g["start"] < m.end), None)
            if hit is not None:
                loose_gold += 1
                e2e_n += 1
                if correct(hit.place, g):
                    e2e_ok += 1
        # resolution given the gold toponyms: the article's country from its gold names' candidates
        cands = {}
        for g in gold:
            res = gaz.resolve(g["name"], limit=10)  # the gazetteer's own cut-off for unknown names
            cands[g["name"]] = res.candidates if res.best is not None else ()
        votes: dict[str, int] = {}
        for cs in cands.values():
            countries = {c.place.country for c in cs if c.place.country}
            if cs and (len(countries) == 1 or cs[0].place.feature_type in ("country", "province", "admin1")):
                votes[cs[0].place.country] = votes.get(cs[0].place.country, 0) + 1
        country = max(votes, key=lambda c: (votes[c], c)) if votes else ""
        for g in gold:
            best, _ = resolve_in_context(cands[g["name"]], country=country)
            ok = best is not None and correct(best.place, g)
            resolved_ok += ok
            by_type.setdefault(g["type"], [0, 0])[0] += ok
            by_type[g["type"]][1] += 1

    def pct(a: int, b: int) -> str:
        return f"{100 * a / b:5.1f} %" if b else "  n/a"

    p_s, r_s = strict / max(1, n_pred), strict / max(1, n_gold)
    p_l, r_l = loose_pred / max(1, n_pred), loose_gold / max(1, n_gold)
    f = lambda p, r: 2 * p * r / (p + r) if p + r else 0.0  # noqa: E731
    chars = sum(len(t) for t, _ in articles)
    print(f"GeoWebNews: {len(articles)} articles, {n_gold} gold toponyms with coordinates, {n_pred} mentions found")
    print(f"  gazetteer load {load_s:.2f} s; geoparse {1000 * t_parse / max(1, len(articles)):.1f} ms/article "
          f"({chars / max(1, len(articles)) / 1000:.1f} KB avg)")
    print(f"  recognition strict: precision {pct(strict, n_pred)}  recall {pct(strict, n_gold)}  F1 {100 * f(p_s, r_s):.1f}")
    print(f"  recognition loose:  precision {pct(loose_pred, n_pred)}  recall {pct(loose_gold, n_gold)}  F1 {100 * f(p_l, r_l):.1f}")
    print(f"  resolution given gold toponyms: {pct(resolved_ok, n_gold)} within {KM:.0f} km (Mordecai 3: 94.1 %)")
    print("    by gold type: " + ", ".join(f"{t} {pct(a, b).strip()} of {b}" for t, (a, b) in sorted(by_type.items())))
    print(f"  end to end, recognised gold toponyms: {pct(e2e_ok, e2e_n)} within {KM:.0f} km ({e2e_n} toponyms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

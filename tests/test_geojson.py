"""RFC 7946 as written to disk: coordinate order, no crs, winding, 6 decimals, byte-identical output."""

from __future__ import annotations

import io
import re

import orjson
import pytest
from test_layers import QUETTA_LAT, QUETTA_LON, collection, shoelace

from geoincident import geojson
from geoincident.errors import OutputError
from geoincident.geojson import (
    StagedFiles,
    dump_feature_sequence,
    dumps_feature_collection,
    feature_collection,
    rfc7946_geometry,
    staged_file,
    write_geojson,
    write_geojsonseq,
)
from geoincident.layers import LAYERS, write_layers


@pytest.fixture(scope="module")
def layer_files(tmp_path_factory):
    out = tmp_path_factory.mktemp("layers")
    return dict(zip(LAYERS, write_layers(collection(), out)))


def walk_positions(coordinates):
    if coordinates and isinstance(coordinates[0], (int, float)):
        yield coordinates
    else:
        for c in coordinates:
            yield from walk_positions(c)


@pytest.mark.parametrize("layer", LAYERS)
def test_files_have_no_crs_member_anywhere(layer_files, layer):
    data = orjson.loads(layer_files[layer].read_bytes())
    assert list(data) == ["type", "features"]
    for f in data["features"]:
        assert "crs" not in f and "crs" not in (f["geometry"] or {})


@pytest.mark.parametrize("layer", LAYERS)
def test_every_position_is_lon_lat_within_range_with_at_most_6_decimals(layer_files, layer):
    text = layer_files[layer].read_text(encoding="utf-8")
    for f in orjson.loads(text)["features"]:
        if f["geometry"] is None:
            continue
        for lon, lat in walk_positions(f["geometry"]["coordinates"]):
            assert -180 <= lon <= 180 and -90 <= lat <= 90
            assert 60 < lon < 71 and 24 < lat < 33  # Balochistan: lon first, lat second
    coordinates = re.findall(r'"coordinates":(\[[^"]*\])', text)
    assert coordinates
    for block in coordinates:
        for number in re.findall(r"-?\d+\.(\d+)", block):
            assert len(number) <= 6, block


def test_quetta_is_written_lon_first(layer_files):
    text = layer_files["sites"].read_bytes()
    assert f"[{QUETTA_LON},{QUETTA_LAT}]".encode() in text
    assert f"[{QUETTA_LAT},{QUETTA_LON}]".encode() not in text


def test_area_polygons_in_the_file_follow_the_right_hand_rule(layer_files):
    features = orjson.loads(layer_files["areas"].read_bytes())["features"]
    assert features
    for f in features:
        assert f["geometry"]["type"] == "Polygon"
        exterior, *holes = f["geometry"]["coordinates"]
        assert shoelace(exterior) > 0
        assert all(shoelace(h) < 0 for h in holes)


def test_polygon_holes_are_wound_clockwise_and_multipolygons_too():
    outer = [[0, 0], [0, 10], [10, 10], [10, 0], [0, 0]]  # clockwise
    hole = [[2, 2], [4, 2], [4, 4], [2, 4], [2, 2]]  # counter-clockwise
    polygon = rfc7946_geometry({"type": "Polygon", "coordinates": [outer, hole]})
    exterior, inner = polygon["coordinates"]
    assert shoelace(exterior) > 0 and shoelace(inner) < 0
    multi = rfc7946_geometry({"type": "MultiPolygon", "coordinates": [[outer, hole], [[[20, 0], [20, 1], [21, 1], [20, 0]]]]})
    assert multi["type"] == "MultiPolygon"
    for part in multi["coordinates"]:
        assert shoelace(part[0]) > 0
        assert all(shoelace(h) < 0 for h in part[1:])


def test_counter_clockwise_polygons_are_left_as_they_are():
    ccw = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]
    assert rfc7946_geometry({"type": "Polygon", "coordinates": [ccw]})["coordinates"] == [ccw]


def test_geometries_are_rounded_to_6_decimals():
    got = rfc7946_geometry({"type": "LineString", "coordinates": [[67.001414999, 30.1841449], [1, 2]]})
    assert got == {"type": "LineString", "coordinates": [[67.001415, 30.184145], [1.0, 2.0]]}
    assert rfc7946_geometry(None) is None


def test_unknown_geometry_type_is_refused():
    with pytest.raises(OutputError, match="Circle"):
        rfc7946_geometry({"type": "Circle", "coordinates": [0, 0]})


# --------------------------------------------------------------------------- determinism


@pytest.mark.parametrize("suffix", [".geojson", ".geojsonl", ".geojsons"])
def test_same_input_gives_byte_identical_files_whatever_its_order(tmp_path, suffix):
    blobs = []
    for i, seed in enumerate([None, None, 3, 11]):
        for layer in LAYERS:
            path = write_layers(collection(shuffle=seed), tmp_path / f"{i}-{layer}{suffix}", layers=layer)[0]
            blobs.append((layer, path.read_bytes()))
    by_layer: dict[str, set[bytes]] = {}
    for layer, blob in blobs:
        by_layer.setdefault(layer, set()).add(blob)
    assert all(len(variants) == 1 for variants in by_layer.values())


def test_geopackage_is_byte_identical_with_source_date_epoch(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1769817600")
    first = write_layers(collection(), tmp_path / "a.gpkg")[0].read_bytes()
    second = write_layers(collection(shuffle=5), tmp_path / "b.gpkg")[0].read_bytes()
    assert first == second


def test_streamed_collection_equals_a_plain_orjson_dump(monkeypatch):
    monkeypatch.setattr(geojson, "CHUNK", 2)  # force several chunks
    features = collection().features("sites") * 3  # 9 features: chunks of 2, 2, 2, 2, 1
    assert dumps_feature_collection(features) == orjson.dumps(feature_collection(features)) + b"\n"
    assert dumps_feature_collection(iter(features)) == dumps_feature_collection(features)
    assert orjson.loads(dumps_feature_collection([])) == {"type": "FeatureCollection", "features": []}


def test_sequences_hold_one_feature_per_line(monkeypatch):
    monkeypatch.setattr(geojson, "CHUNK", 2)
    features = collection().features("claims")
    for rs in (False, True):
        buf = io.BytesIO()
        dump_feature_sequence(features, buf, rs=rs)
        lines = buf.getvalue().splitlines()
        assert len(lines) == len(features)
        assert [orjson.loads(line.lstrip(b"\x1e")) for line in lines] == features
        assert all(line.startswith(b"\x1e") == rs for line in lines)


def test_hostile_and_non_latin_text_round_trips(tmp_path):
    text = 'بلوچستان </script><img src=x onerror=alert(1)> {{ x }} `a` "q" \\ \u2028'
    feature = {"type": "Feature", "geometry": None, "properties": {"title": text}}
    path = write_geojson([feature], tmp_path / "x.geojson")
    assert orjson.loads(path.read_bytes())["features"][0]["properties"]["title"] == text
    path = write_geojsonseq([feature], tmp_path / "x.geojsonl")
    assert orjson.loads(path.read_bytes())["properties"]["title"] == text


# --------------------------------------------------------------------------- atomic writes


def test_staged_file_leaves_nothing_on_error_and_keeps_the_old_file(tmp_path):
    target = tmp_path / "out.geojson"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with staged_file(target) as part:
            part.write_text("half")
            raise RuntimeError("boom")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.geojson"]


def test_staged_files_commit_together_or_not_at_all(tmp_path):
    with pytest.raises(ValueError):
        with StagedFiles() as stage:
            stage.add(tmp_path / "a.txt").write_text("a")
            raise ValueError("second file failed")
    assert list(tmp_path.iterdir()) == []


def test_writing_into_a_missing_directory_is_an_output_error(tmp_path):
    with pytest.raises(OutputError, match="cannot write"):
        write_geojson([], tmp_path / "missing" / "x.geojson")
    assert list(tmp_path.iterdir()) == []


def test_written_file_has_ordinary_permissions(tmp_path):
    import os
    import stat

    path = write_geojson([], tmp_path / "x.geojson")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask

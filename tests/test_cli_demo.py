"""``geoincident demo``: reports in, every layer, one GeoPackage and the map out; honest exit codes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
LAYERS = ("incidents", "sites", "mentions", "claims", "areas")


def demo(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "geoincident", "demo", *args], capture_output=True, text=True, cwd=cwd, env=env
    )


@pytest.fixture(scope="module")
def seeds_demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "out"
    return demo(str(SEEDS), "-o", str(out), "--jobs", "2"), out


def test_demo_writes_every_layer_the_geopackage_and_the_map(seeds_demo):
    proc, out = seeds_demo
    assert proc.returncode == 0, proc.stderr
    names = {p.name for p in out.iterdir()}
    assert {f"{layer}.geojson" for layer in LAYERS} <= names
    assert {"geoincident.gpkg", "map.html"} <= names
    assert not [n for n in names if n.endswith((".tmp", ".part"))], "nothing half-written is left"


def test_demo_layers_hold_the_seeds_incidents(seeds_demo):
    import pyogrio

    _, out = seeds_demo
    incidents = json.loads((out / "incidents.geojson").read_text(encoding="utf-8"))
    assert incidents["type"] == "FeatureCollection" and incidents["features"]
    listed = {name for name, _ in pyogrio.list_layers(out / "geoincident.gpkg")}
    assert "incidents" in listed and "sites" in listed
    html = (out / "map.html").read_text(encoding="utf-8")
    assert "<html" in html.lower() and "leaflet" in html.lower()


def test_demo_prints_a_short_summary(seeds_demo):
    proc, _ = seeds_demo
    n = len(list(SEEDS.iterdir()))
    assert f"{n} articles" in proc.stdout
    assert "incident" in proc.stdout and "map.html" in proc.stdout and "geoincident.gpkg" in proc.stdout
    assert proc.stderr == ""


def test_a_bad_input_exits_1_names_it_and_the_rest_is_written(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "ok", "text": "Militants attacked a checkpost in Quetta on Saturday."}\n{oops\n')
    out = tmp_path / "out"
    proc = demo(str(SEEDS), str(bad), "-o", str(out))
    assert proc.returncode == 1
    assert "bad.jsonl:2" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert (out / "map.html").exists() and (out / "incidents.geojson").exists()


def test_output_that_is_a_file_exits_2_without_traceback(tmp_path):
    target = tmp_path / "taken"
    target.write_text("not a folder")
    proc = demo(str(SEEDS), "-o", str(target))
    assert proc.returncode == 2
    assert "taken" in proc.stderr and "Traceback" not in proc.stderr
    assert target.read_text() == "not a folder"


def test_without_seeds_folder_the_default_input_is_a_usage_error(tmp_path):
    proc = demo(cwd=tmp_path)
    assert proc.returncode == 2
    assert "seeds" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists()


def test_defaults_are_seeds_into_out(tmp_path):
    shutil.copytree(SEEDS, tmp_path / "seeds")
    proc = demo("-q", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    assert (tmp_path / "out" / "map.html").exists()


def test_an_unknown_rule_is_a_usage_error_before_any_work(tmp_path):
    proc = demo(str(SEEDS), "-o", str(tmp_path / "out"), "--rule", "no-such-rule")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert not list((tmp_path / "out").glob("*"))


def test_a_bad_gazetteer_file_is_a_usage_error_naming_its_line(tmp_path):
    bad = ROOT / "tests" / "fixtures" / "gazetteer_small" / "bad_coordinate.csv"
    proc = demo(str(SEEDS), "-o", str(tmp_path / "out"), "--gazetteer", str(bad), "-j", "2")
    assert proc.returncode == 2
    assert "bad_coordinate.csv:3" in proc.stderr and "Traceback" not in proc.stderr
    assert not list((tmp_path / "out").glob("*"))

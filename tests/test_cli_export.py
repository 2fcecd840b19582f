"""`geoincident export` as a user meets it: files, formats, exit codes, clear errors, nothing half-written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from test_layers import article_records, boundaries, incidents

from geoincident.cli import main
from geoincident.errors import InputError
from geoincident.layers import LAYERS, SCHEMAS
from geoincident.pipeline import PipelineResult

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


def export(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "geoincident", "export", *args], capture_output=True, text=True, cwd=cwd or ROOT
    )


def tree(path: Path) -> list[str]:
    return sorted(str(p.relative_to(path)) for p in path.rglob("*"))


# --------------------------------------------------------------------------- bad requests (subprocess)

BAD = [
    pytest.param(["-o", "{tmp}/out.shp"], "unknown extension '.shp'", id="unknown-extension"),
    pytest.param(["-o", "{tmp}/layers", "--layers", "incidents,roads"], "unknown layer 'roads'", id="unknown-layer"),
    pytest.param(["-o", "{tmp}/blocker.txt/out.gpkg"], "blocker.txt is not a directory", id="parent-is-a-file"),
    pytest.param(["-o", "{tmp}/blocker.txt/sub/layers"], "blocker.txt is not a directory", id="dir-under-a-file"),
    pytest.param(["-o", "{tmp}/x.fgb", "--layers", "incidents,sites"], "holds one layer", id="fgb-several-layers"),
    pytest.param(["-o", "{tmp}/layers", "--format", "shapefile"], "unknown format 'shapefile'", id="unknown-format"),
    pytest.param(["-o", "{tmp}/x.gpkg", "--format", "csv"], "does not match", id="format-mismatch"),
]


@pytest.mark.parametrize(("args", "message"), BAD)
def test_bad_output_exits_2_with_a_clear_message_and_writes_nothing(tmp_path, args, message):
    (tmp_path / "blocker.txt").write_text("a file, not a directory")
    before = tree(tmp_path)
    proc = export(str(SEEDS), *[a.format(tmp=tmp_path) for a in args])
    assert proc.returncode == 2, proc.stderr
    assert "geoincident export: error:" in proc.stderr
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""
    assert tree(tmp_path) == before


def test_unknown_rule_exits_2_and_writes_nothing(tmp_path):
    proc = export(str(SEEDS), "-o", str(tmp_path / "layers"), "--rule", "no-such-rule")
    assert proc.returncode == 2, proc.stderr
    assert "no-such-rule" in proc.stderr and "Traceback" not in proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_missing_output_option_is_a_usage_error():
    proc = export(str(SEEDS))
    assert proc.returncode == 2 and "-o" in proc.stderr and "Traceback" not in proc.stderr


# --------------------------------------------------------------------------- the seeds, end to end (subprocess)


def test_seeds_to_a_directory_give_one_geojson_per_layer(tmp_path):
    import pyogrio

    out = tmp_path / "layers"
    proc = export(str(SEEDS), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{layer}.geojson" for layer in LAYERS)
    assert proc.stdout.split() == [str(out / f"{layer}.geojson") for layer in LAYERS]
    for layer in LAYERS:
        info = pyogrio.read_info(out / f"{layer}.geojson")
        assert list(info["fields"]) == [n for n, _ in SCHEMAS[layer]] or info["features"] == 0
    incidents_fc = orjson.loads((out / "incidents.geojson").read_bytes())
    assert incidents_fc["features"], "the seeds report at least one incident"
    quetta = [
        f["geometry"]["coordinates"]
        for f in orjson.loads((out / "sites.geojson").read_bytes())["features"]
        if f["properties"]["name"] == "Quetta"
    ]
    for lon, lat in quetta:  # wherever the gazetteer puts Quetta, it is lon first
        assert lon > lat


def test_seeds_to_a_geopackage_and_a_flatgeobuf(tmp_path):
    import pyogrio

    proc = export(str(SEEDS), "-o", str(tmp_path / "all.gpkg"), "-q")
    assert proc.returncode == 0, proc.stderr
    assert [name for name, _ in pyogrio.list_layers(tmp_path / "all.gpkg")] == list(LAYERS)
    proc = export(str(SEEDS), "-o", str(tmp_path / "sites.fgb"), "--layers", "sites", "--no-spatial-index")
    assert proc.returncode == 0, proc.stderr
    assert pyogrio.read_info(tmp_path / "sites.fgb")["geometry_type"] == "Point"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["all.gpkg", "sites.fgb"]


# --------------------------------------------------------------------------- exit codes (in process)


@pytest.fixture
def fake_pipeline(monkeypatch):
    """Replace the pipeline by the hand-made fixtures; ``state["fail"]`` inputs fail."""
    import geoincident.layers
    import geoincident.pipeline

    state: dict = {"fail": [], "calls": []}

    def process(
        inputs, *, rule="ucdp", on_error=None, gazetteer=None, jobs=1, progress=False, keep_records=True,
        spill_records=False,
    ):
        state["calls"].append({"rule": rule, "jobs": jobs, "keep_records": keep_records, "spill": spill_records})
        result = PipelineResult()
        for name in state["fail"]:
            err = InputError("cannot be read", path=name)
            result.errors.append(err)
            on_error(err)
        if len(state["fail"]) < len(list(inputs)):
            result.incidents = incidents()
            result.records = article_records() if keep_records else []
            result.articles = len(article_records())
        return result

    monkeypatch.setattr(geoincident.pipeline, "process", process)
    monkeypatch.setattr(geoincident.layers, "_default_boundaries", lambda gazetteer=None: boundaries())
    return state


def test_some_failed_inputs_exit_1_and_the_rest_is_written(tmp_path, fake_pipeline, capsys):
    fake_pipeline["fail"] = ["broken.txt"]
    code = main(["export", "good.txt", "broken.txt", "-o", str(tmp_path / "csv"), "--format", "csv"])
    assert code == 1
    err = capsys.readouterr().err
    assert "broken.txt: cannot be read" in err
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == sorted(f"{layer}.csv" for layer in LAYERS)


def test_no_readable_input_exits_1_and_writes_nothing(tmp_path, fake_pipeline, capsys):
    fake_pipeline["fail"] = ["broken.txt"]
    assert main(["export", "broken.txt", "-o", str(tmp_path / "out.gpkg")]) == 1
    assert "nothing written" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_all_good_inputs_exit_0(tmp_path, fake_pipeline, capsys):
    assert main(["export", "good.txt", "-o", str(tmp_path / "claims.geojsonl"), "--layers", "claims"]) == 0
    out = capsys.readouterr()
    assert out.out.strip() == str(tmp_path / "claims.geojsonl")
    assert len((tmp_path / "claims.geojsonl").read_bytes().splitlines()) == 3


def test_jobs_and_rule_reach_the_pipeline(tmp_path, fake_pipeline):
    out = tmp_path / "incidents.fgb"
    assert main(["export", "good.txt", "-o", str(out), "--jobs", "2", "--rule", "acled"]) == 0
    assert fake_pipeline["calls"] == [{"rule": "acled", "jobs": 2, "keep_records": False, "spill": False}]
    assert main(["export", "good.txt", "-o", str(tmp_path / "all.gpkg"), "--low-memory"]) == 0
    assert fake_pipeline["calls"][-1] == {"rule": "ucdp", "jobs": 1, "keep_records": True, "spill": True}


@pytest.mark.parametrize(
    ("target", "layers", "keep"),
    [
        pytest.param("layers", None, True, id="folder-every-layer"),
        pytest.param("all.gpkg", None, True, id="gpkg-every-layer"),
        pytest.param("all.gpkg", "incidents,sites", False, id="gpkg-no-mentions"),
        pytest.param("mentions.geojson", "mentions", True, id="mentions-only"),
        pytest.param("incidents.csv", None, False, id="one-layer-file"),
    ],
)
def test_whole_records_are_kept_only_for_the_mentions_layer(tmp_path, fake_pipeline, target, layers, keep):
    args = ["export", "good.txt", "-o", str(tmp_path / target)] + (["--layers", layers] if layers else [])
    assert main(args) == 0
    assert [call["keep_records"] for call in fake_pipeline["calls"]] == [keep]

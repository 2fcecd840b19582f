"""`geoincident extract` as a user runs it: JSON, JSON lines, stdin, bad inputs, atomic output."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("geoincident.gazetteer")

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def run(*args: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "geoincident", "extract", *args],
        capture_output=True,
        text=True,
        input=stdin,
        cwd=cwd,
    )


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("inputs")
    shutil.copy(SEEDS / sorted(p.name for p in SEEDS.iterdir())[3], root / "report.txt")
    lines = [
        json.dumps({"id": "j1", "text": "Gunmen attacked a checkpoint in Turbat, killing two soldiers."}),
        '{"id": "broken", "text": ',
        json.dumps({"id": "j3", "text": "A bomb exploded in a market in Khuzdar, injuring five people."}),
    ]
    (root / "lines.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "empty.txt").write_bytes(b"")
    return root


def test_json_output_to_a_file_with_records_and_incidents(inputs, tmp_path):
    out = tmp_path / "records.json"
    proc = run(str(inputs / "report.txt"), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["schema"] == 1 and len(doc["records"]) == 1
    rec = doc["records"][0]
    assert rec["id"] == "report" and rec["events"][0]["kind"] == "main"
    assert {s["name"] for s in rec["events"][0]["sites"]} >= {"Quetta", "Gwadar"}
    assert isinstance(doc["incidents"], list) and doc["incidents"]
    assert [p.name for p in tmp_path.iterdir()] == ["records.json"]  # no temporary file left


def test_jsonl_one_object_per_article_with_id_and_events(inputs):
    proc = run(str(inputs / "lines.jsonl"), "--jsonl")
    lines = [json.loads(x) for x in proc.stdout.splitlines()]
    assert [x["id"] for x in lines] == ["j1", "j3"]
    assert all(x["events"][0]["kind"] == "main" for x in lines)
    assert lines[0]["events"][0]["sites"][0]["name"] == "Turbat"
    # the malformed line is reported with file and line, the others are processed, exit 1
    assert proc.returncode == 1
    assert "lines.jsonl:2" in proc.stderr and "Traceback" not in proc.stderr


def test_stdin_json_lines(inputs):
    text = (inputs / "lines.jsonl").read_text(encoding="utf-8").splitlines()[0] + "\n"
    proc = run("-", "--jsonl", stdin=text)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["id"] == "j1"


def test_bad_inputs_are_reported_and_the_rest_still_written(inputs, tmp_path):
    out = tmp_path / "all.json"
    proc = run(str(inputs), "-o", str(out))
    assert proc.returncode == 1
    assert "empty.txt" in proc.stderr and "Traceback" not in proc.stderr
    ids = [r["id"] for r in json.loads(out.read_text(encoding="utf-8"))["records"]]
    assert set(ids) == {"report", "j1", "j3"}


def test_missing_input_is_reported(tmp_path):
    proc = run(str(tmp_path / "nope.txt"))
    assert proc.returncode in (1, 2) and "nope.txt" in proc.stderr and "Traceback" not in proc.stderr


def test_unwritable_output_is_a_usage_error_and_nothing_is_written(inputs, tmp_path):
    proc = run(str(inputs / "report.txt"), "-o", str(tmp_path / "no" / "such" / "dir" / "x.json"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert not (tmp_path / "no").exists()


def test_existing_output_survives_a_failed_run(inputs, tmp_path):
    out = tmp_path / "keep.json"
    out.write_text("old", encoding="utf-8")
    proc = run(str(inputs / "report.txt"), "-o", str(out), "--rule", "nonsense")
    assert proc.returncode == 2
    assert out.read_text(encoding="utf-8") == "old"


def test_help_has_examples():
    proc = run("--help")
    assert proc.returncode == 0 and "example" in proc.stdout and "--jsonl" in proc.stdout

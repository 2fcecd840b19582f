"""The mypyc-compiled text modules behave as their Python sources (geoincident/compiled.py).

Every test here compares a compiled run with a run of the sources
(``GEOINCIDENT_PURE_PYTHON=1``); on a pure-Python install there is nothing to compare.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from geoincident.compiled import compiled_modules

ROOT = Path(__file__).resolve().parents[1]
needs_compiled = pytest.mark.skipif(not compiled_modules(), reason="nothing is compiled here (pure-Python install)")


def _run(args: list[str], *, pure: bool, cwd: Path = ROOT, pythonpath: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "GEOINCIDENT_PURE_PYTHON": "1" if pure else "0"}
    if pythonpath is not None:
        env["PYTHONPATH"] = pythonpath
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=600)


@needs_compiled
def test_doctests_of_compiled_modules_run_from_their_sources():
    files = [str(Path(*m.split(".")).with_suffix(".py")) for m in compiled_modules()]
    done = _run(["-m", "pytest", "-q", "-p", "no:cacheprovider", "--doctest-modules", *files], pure=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert " passed" in done.stdout


_EXTRACT = """
import json, sys
from pathlib import Path
from geoincident import extract, record_to_dict
from geoincident.articles import read_articles
from geoincident.records import Article
from geoincident.compiled import compiled_modules
texts = [json.loads(line)["text"] for f in sorted(Path("tests/cases").glob("*.jsonl"))
         for line in f.read_text(encoding="utf-8").splitlines() if line.strip() and '"text"' in line]
out = [record_to_dict(extract(a)) for a in read_articles(["seeds"])]
out += [record_to_dict(extract(Article(id=str(i), text=t, published="2026-02-01"))) for i, t in enumerate(texts)]
print(json.dumps({"compiled": compiled_modules(), "records": out}, sort_keys=True))
"""


@needs_compiled
def test_compiled_and_source_modules_extract_the_same_records():
    runs = {}
    for pure in (False, True):
        done = _run(["-c", _EXTRACT], pure=pure)
        assert done.returncode == 0, done.stderr[-3000:]
        runs[pure] = json.loads(done.stdout)
    assert runs[False]["compiled"] and not runs[True]["compiled"]
    assert len(runs[False]["records"]) > 100
    assert runs[False]["records"] == runs[True]["records"]


_WHICH = "import geoincident.claims as c; print(c.__file__)"


@needs_compiled
def test_a_source_edited_after_compiling_runs_as_python_with_a_warning(tmp_path):
    for path in ROOT.glob("*__mypyc*"):  # the shared library of the compiled modules
        shutil.copy2(path, tmp_path)
    shutil.copy2(ROOT / "pyproject.toml", tmp_path)  # a source checkout
    shutil.copytree(ROOT / "geoincident", tmp_path / "geoincident", ignore=shutil.ignore_patterns("__pycache__"))
    fresh = _run(["-c", _WHICH], pure=False, cwd=tmp_path, pythonpath=str(tmp_path))
    assert fresh.returncode == 0, fresh.stderr
    assert fresh.stdout.strip().endswith(".so") and "compiled" not in fresh.stderr

    numbers = tmp_path / "geoincident" / "numbers.py"
    later = time.time() + 60  # edited after every extension was built
    os.utime(numbers, (later, later))
    stale = _run(["-c", _WHICH], pure=False, cwd=tmp_path, pythonpath=str(tmp_path))
    assert stale.returncode == 0, stale.stderr
    assert stale.stdout.strip().endswith("claims.py")
    assert "geoincident.numbers changed after it was compiled" in stale.stderr and "make" in stale.stderr

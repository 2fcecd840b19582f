"""The README's Python examples run as written (in a scratch folder that holds a link to seeds/)."""

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BLOCKS = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)


def test_the_readme_has_python_examples():
    assert len(BLOCKS) >= 2


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_example_runs(index, tmp_path, monkeypatch):
    (tmp_path / "seeds").symlink_to(ROOT / "seeds")
    (tmp_path / "out").mkdir()
    monkeypatch.chdir(tmp_path)
    exec(compile(BLOCKS[index], f"README.md python block {index + 1}", "exec"), {"__name__": "readme"})
    if "save_map" in BLOCKS[index]:
        from geoincident.maps import external_references

        assert external_references((tmp_path / "out" / "map.html").read_text(encoding="utf-8")) == []
        assert os.path.getsize(tmp_path / "out" / "incidents.gpkg") > 0

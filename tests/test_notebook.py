"""The example notebook runs top to bottom in a kernel of this interpreter, writing only to a temp dir."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "geoincident_tour.ipynb"
KERNEL = "geoincident-test"


def test_notebook_is_stored_without_outputs():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [cell for cell in nb["cells"] if cell["cell_type"] == "code"]
    assert code
    assert all(cell["outputs"] == [] and cell["execution_count"] is None for cell in code)


@pytest.fixture
def kernel_spec(tmp_path, monkeypatch) -> str:
    """A kernel spec that runs this very interpreter (works on a fresh machine, whatever is installed)."""
    pytest.importorskip("ipykernel", reason="the dev extra installs ipykernel")
    spec = tmp_path / "jupyter" / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "geoincident tests",
                "language": "python",
                "env": {"IPYTHONDIR": str(tmp_path / "ipython"), "MPLBACKEND": "agg"},
            }
        )
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    return KERNEL


@pytest.mark.slow
def test_notebook_runs_and_shows_claims_map_and_geopackage(tmp_path, kernel_spec):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    # the notebook reads ../seeds and writes out/: give it a copy of that layout in a temp dir
    work = tmp_path / "checkout"
    shutil.copytree(ROOT / "seeds", work / "seeds")
    (work / "notebooks").mkdir()
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        kernel_name=kernel_spec,
        timeout=600,
        resources={"metadata": {"path": str(work / "notebooks")}},
    )
    client.execute()  # raises CellExecutionError, with the cell and its traceback, on any error

    outputs = [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs]
    html = [out["data"]["text/html"] for out in outputs if "text/html" in out.get("data", {})]
    assert any("<table" in h and "militants" in h for h in html), "the claims DataFrame is shown"
    assert any("leaflet" in h.lower() or "folium" in h.lower() for h in html), "the map is shown inline"
    text = "\n".join(out.get("text", "") for out in outputs if out.get("output_type") == "stream")
    assert "Panjgur" in text, "Panjgoor resolves to Panjgur"
    assert (work / "notebooks" / "out" / "balochistan.gpkg").exists()
    assert not (ROOT / "notebooks" / "out").exists(), "nothing is written into the repository"

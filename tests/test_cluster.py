"""Extraction on a Dask cluster gives the same incidents as the single-process run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from geoincident.cluster import Partition, plan_partitions
from geoincident.errors import InputError, UsageError

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The seeds as text files and as JSON lines (with one bad line), in two folders."""
    import orjson

    root = tmp_path_factory.mktemp("cluster-corpus")
    shutil.copytree(SEEDS, root / "text")
    lines = [
        orjson.dumps({"id": f"line-{p.stem}", "text": p.read_text(encoding="utf-8")})
        for p in sorted(SEEDS.iterdir())
    ]
    lines.insert(3, b"{not json")  # line 4
    (root / "lines").mkdir()
    (root / "lines" / "reports.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    return root


def test_line_runs_cover_the_file_and_know_their_first_line(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(b"".join(b'{"id": "%d", "text": "x"}\n' % i for i in range(10)))
    parts = plan_partitions(path, partition_size=4)
    assert [p.first_line for p in parts] == [1, 5, 9]
    assert parts[0].start == 0 and parts[-1].end == path.stat().st_size
    assert all(a.end == b.start for a, b in zip(parts, parts[1:]))
    data = path.read_bytes()
    assert data[parts[1].start : parts[1].end].splitlines()[0] == b'{"id": "4", "text": "x"}'


def test_files_are_grouped_and_folders_walked_in_order(corpus):
    parts = plan_partitions([corpus / "text"], partition_size=2)
    files = [f for p in parts for f in p.files]
    assert files == sorted(str(p) for p in (corpus / "text").iterdir())
    assert [len(p.files) for p in parts] == [2, 2, 1]


def test_a_glob_pattern_expands(corpus):
    parts = plan_partitions(str(corpus / "*" / "*.jsonl"), partition_size=100)
    assert [Path(p.path).name for p in parts] == ["reports.jsonl"]


def test_nothing_matching_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no-such"):
        plan_partitions([tmp_path / "no-such*.jsonl"])


def test_partition_size_must_be_positive(corpus):
    with pytest.raises(UsageError):
        plan_partitions(corpus, partition_size=0)


def test_partition_describes_itself():
    assert "line 5" in str(Partition(path="a.jsonl", start=10, end=20, first_line=5))


@pytest.fixture(scope="module")
def client():
    pytest.importorskip("dask.bag", reason="dask is an optional extra (geoincident[cluster])")
    distributed = pytest.importorskip("distributed", reason="distributed is an optional extra")
    cluster = distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
    )
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def test_local_cluster_gives_the_same_incidents_as_one_process(client, corpus):
    from geoincident.cluster import extract_on_dask
    from geoincident.pipeline import process

    inputs = [corpus / "text", str(corpus / "lines" / "*.jsonl")]
    local = process([corpus / "text", corpus / "lines"], on_error=lambda err: None, keep_records=False)
    errors = []
    on_dask = extract_on_dask(client, inputs, partition_size=2, on_error=errors.append)
    assert on_dask.incidents == local.incidents
    assert on_dask.articles == local.articles == 2 * len(list(SEEDS.iterdir()))
    assert on_dask.records == []
    assert [(Path(e.path).name, e.line) for e in errors] == [("reports.jsonl", 4)]


def test_local_cluster_keeps_full_records_when_asked(client, corpus):
    from geoincident.cluster import extract_on_dask
    from geoincident.pipeline import process

    local = process([corpus / "text"])
    on_dask = extract_on_dask(client, corpus / "text", partition_size=3, keep_records=True)
    assert on_dask.records == local.records

"""The one loop from inputs to records and incidents: parallel, streaming, forgiving of bad inputs."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from geoincident import pipeline
from geoincident.errors import GazetteerError, InputError, UsageError
from geoincident.incidents import incident_to_dict
from geoincident.pipeline import iter_records, load_gazetteer, process, resolve_jobs, slim_record

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "gazetteer_small"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The seeds as text files, plus the same reports as JSON lines with two bad lines, and bad files."""
    import orjson

    root = tmp_path_factory.mktemp("corpus")
    shutil.copytree(SEEDS, root / "seeds")
    lines = [
        orjson.dumps({"id": f"line-{p.stem}", "text": p.read_text(encoding="utf-8")})
        for p in sorted(SEEDS.iterdir())
    ]
    lines.insert(2, b'{"id": "broken", "text": ')  # line 3: malformed JSON
    lines.append(b'{"id": "no-text"}')  # last line: no text
    (root / "reports.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    (root / "empty.txt").write_bytes(b"")
    return root


@pytest.fixture(scope="module")
def serial(corpus):
    errors = []
    result = process([corpus], jobs=1, on_error=errors.append)
    return result, errors


def test_every_good_article_is_extracted_and_every_bad_input_reported(corpus, serial):
    result, errors = serial
    n_seeds = len(list(SEEDS.iterdir()))
    assert result.articles == len(result.records) == 2 * n_seeds
    assert len(result.errors) == len(errors) == 3
    assert all(isinstance(err, InputError) for err in errors)
    where = sorted((Path(err.path).name, err.line if err.path.endswith(".jsonl") else 0) for err in errors)
    assert where == [("empty.txt", 0), ("reports.jsonl", 3), ("reports.jsonl", n_seeds + 2)]
    assert result.incidents, "the seeds report incidents"


def test_records_come_in_input_order(corpus, serial):
    result, _ = serial
    ids = [r.article.id for r in result.records]
    assert ids == [r.article.id for r in iter_records([corpus], on_error=lambda err: None)]
    line_ids = [i for i in ids if i.startswith("line-")]
    assert line_ids == sorted(line_ids)


def test_two_jobs_give_the_same_records_and_incidents_as_one(corpus, serial):
    result, errors = serial
    errors2 = []
    parallel = process([corpus], jobs=2, on_error=errors2.append)
    assert parallel.records == result.records
    assert parallel.incidents == result.incidents
    assert sorted(map(str, errors2)) == sorted(map(str, errors))


def test_two_jobs_in_a_forkserver_load_extra_gazetteer_files_once_each(corpus, monkeypatch):
    """Workers that do not fork (notebooks, Dask workers) get the paths and load the gazetteer themselves."""
    import multiprocessing

    extra = [FIXTURES / "extra_places.csv"]
    serial = list(iter_records([corpus / "seeds"], gazetteer=extra))
    monkeypatch.setattr(pipeline, "_pool_context", lambda: multiprocessing.get_context("forkserver"))
    assert list(iter_records([corpus / "seeds"], gazetteer=extra, jobs=2)) == serial
    assert load_gazetteer(extra) is load_gazetteer([str(extra[0])]), "loaded once per process"


def test_a_bad_gazetteer_file_stops_the_run(corpus):
    with pytest.raises(GazetteerError, match="bad_coordinate.csv"):
        process([corpus / "seeds"], gazetteer=[FIXTURES / "bad_coordinate.csv"], on_error=lambda err: None)


def test_an_unpicklable_gazetteer_object_for_non_forked_workers_is_a_usage_error(corpus, monkeypatch):
    import multiprocessing
    import threading

    monkeypatch.setattr(pipeline, "_pool_context", lambda: multiprocessing.get_context("forkserver"))
    with pytest.raises(UsageError, match="paths"):
        list(iter_records([corpus / "seeds"], gazetteer=threading.Lock(), jobs=2))


def test_without_on_error_a_bad_input_raises(corpus):
    with pytest.raises(InputError, match="empty.txt"):
        list(iter_records([corpus / "empty.txt"]))


def test_keep_records_false_keeps_no_text_and_gives_the_same_incidents(corpus, serial):
    result, _ = serial
    lean = process([corpus], jobs=2, keep_records=False, on_error=lambda err: None)
    assert lean.records == []
    assert lean.articles == result.articles
    assert [incident_to_dict(i) for i in lean.incidents] == [incident_to_dict(i) for i in result.incidents]
    # the same incidents, but for the per-event totals that slim records drop
    assert lean.incidents == [_without_totals(i) for i in result.incidents]


def test_keep_records_false_spills_to_the_folder_given_and_leaves_nothing(corpus, tmp_path):
    from geoincident.incidents import IncidentSequence

    lean = process([corpus / "seeds"], keep_records=False, spill_dir=tmp_path, on_error=lambda err: None)
    assert isinstance(lean.incidents, IncidentSequence)
    seeds = process([corpus / "seeds"], on_error=lambda err: None)
    assert [incident_to_dict(i) for i in lean.incidents] == [incident_to_dict(i) for i in seeds.incidents]
    assert list(tmp_path.iterdir()) == []  # anonymous temporary files: nothing to clean up, ever
    lean.incidents.close()


def test_unknown_rule_fails_before_any_article_is_read(corpus):
    with pytest.raises(UsageError, match="acled, ucdp"):
        process([corpus / "no-such-folder"], rule="median", keep_records=False)


def _without_totals(incident):
    return replace(incident, events=tuple(replace(e, totals={}) for e in incident.events))


def test_slim_records_hold_no_text_no_mentions(serial):
    record = serial[0].records[0]
    slim = slim_record(record)
    assert record.article.text and slim.article.text == ""
    assert slim.mentions == () and slim.claims == ()
    assert any(e.totals for e in record.events) and not any(e.totals for e in slim.events)
    assert slim.events == tuple(replace(e, totals={}) for e in record.events)
    assert slim.article.id == record.article.id


def test_reading_is_lazy_one_job(tmp_path):
    """The first record comes before the later inputs are even looked at."""
    text = (SEEDS / sorted(p.name for p in SEEDS.iterdir())[0]).read_text(encoding="utf-8")
    seen: list[int] = []

    def inputs():
        for i in range(50):
            path = tmp_path / f"{i:03d}.txt"
            path.write_text(text, encoding="utf-8")
            seen.append(i)
            yield path

    records = iter_records(inputs())
    next(records)
    assert len(seen) <= 2
    records.close()


def test_reading_is_bounded_with_two_jobs(tmp_path):
    """Workers get a bounded number of articles ahead: memory does not grow with the corpus."""
    text = (SEEDS / sorted(p.name for p in SEEDS.iterdir())[0]).read_text(encoding="utf-8")
    n = 400
    seen: list[int] = []

    def inputs():
        for i in range(n):
            path = tmp_path / f"{i:03d}.txt"
            path.write_text(text, encoding="utf-8")
            seen.append(i)
            yield path

    records = iter_records(inputs(), jobs=2)
    next(records)
    ahead = 2 * pipeline.CHUNKS_IN_FLIGHT * pipeline.CHUNK_SIZE + pipeline.CHUNK_SIZE
    assert len(seen) <= ahead < n
    records.close()


def test_progress_stays_quiet_when_stderr_is_not_a_terminal(corpus, capsys):
    list(iter_records([corpus / "seeds"], progress=True))
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("jobs", [-1, 1.5, "2", True])
def test_bad_jobs_is_a_usage_error(jobs):
    with pytest.raises(UsageError, match="jobs"):
        resolve_jobs(jobs)


def test_zero_jobs_means_every_core():
    import os

    assert resolve_jobs(0) == (os.cpu_count() or 1)

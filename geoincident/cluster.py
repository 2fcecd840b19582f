"""Extraction on a Dask cluster, for corpora too big for one machine.

Extraction is a pure function of an article, so it maps over a ``dask.bag``: the
driver cuts the inputs into partitions (runs of ``partition_size`` JSON lines, or of
``partition_size`` files), each worker reads and extracts its partitions with the
gazetteer it loaded once, and sends back only the small part of each record that
incidents are built from (:func:`geoincident.pipeline.slim_record`). The driver then
builds the incidents in flat memory, exactly as :func:`geoincident.pipeline.process`
does, so the incidents are the same as those of a single-process run.

Dask is an optional extra (``pip install 'geoincident[cluster]'``) and is imported
only when these functions run. See ``docs/cluster.md``.

>>> [str(p) for p in plan_partitions([], partition_size=10)]
[]
"""

from __future__ import annotations

import glob
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geoincident.errors import GeoincidentError, InputError, UsageError
from geoincident.pipeline import (
    ErrorHandler,
    PipelineResult,
    fast_record_pickling,
    load_gazetteer,
    slim_record,
)
from geoincident.records import ArticleRecord

#: files read as JSON lines, one article per line: cut into runs of lines
JSON_LINES = (".jsonl", ".ndjson")
#: files read whole, one (or, for .json, a list of) article per file
WHOLE_FILES = (".txt", ".md", ".html", ".htm", ".json")

DEFAULT_PARTITION_SIZE = 1000


@dataclass(frozen=True, slots=True)
class Partition:
    """Work for one task: ``files`` read whole, or lines of one JSON-lines file.

    ``start``/``end`` are byte offsets of a run of whole lines and ``first_line`` is
    the number of the line at ``start``, so that errors name their line.
    """

    files: tuple[str, ...] = ()
    path: str = ""
    start: int = 0
    end: int = 0
    first_line: int = 1

    def __str__(self) -> str:
        if self.path:
            return f"{self.path} from line {self.first_line} (bytes {self.start}-{self.end})"
        return f"{len(self.files)} file(s) from {self.files[0]}" if self.files else "nothing"


def plan_partitions(
    inputs: str | Path | Iterable[str | Path], *, partition_size: int = DEFAULT_PARTITION_SIZE
) -> list[Partition]:
    """Cut ``inputs`` (files, folders or glob patterns) into partitions of about ``partition_size`` articles.

    JSON-lines files are scanned once for line boundaries (not parsed); other files
    are grouped ``partition_size`` at a time. Folders are walked recursively, in
    sorted order. An input that matches nothing raises :class:`InputError`.
    """
    if partition_size < 1:
        raise UsageError(f"partition_size must be at least 1, not {partition_size}")
    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    parts: list[Partition] = []
    whole: list[str] = []
    for path in _expand(inputs):
        if path.suffix.lower() in JSON_LINES:
            parts.extend(_line_runs(path, partition_size=partition_size))
        else:
            whole.append(str(path))
    for i in range(0, len(whole), partition_size):
        parts.append(Partition(files=tuple(whole[i : i + partition_size])))
    return parts


def records_bag(
    inputs: str | Path | Iterable[str | Path],
    *,
    partition_size: int = DEFAULT_PARTITION_SIZE,
    gazetteer_paths: Sequence[str | Path] = (),
    slim: bool = True,
):
    """A ``dask.bag`` of :class:`ArticleRecord` (:class:`InputError` for a bad input), a partition per task.

    ``gazetteer_paths`` are extra gazetteer files, as ``Gazetteer(*paths)`` takes
    them; each worker loads the gazetteer once and keeps it.
    """
    import dask.bag as db

    parts = plan_partitions(inputs, partition_size=partition_size)
    paths = tuple(str(p) for p in gazetteer_paths)
    bag = db.from_sequence(parts, partition_size=1) if parts else db.from_sequence([], npartitions=1)
    return bag.map(extract_partition, gazetteer_paths=paths, slim=slim).flatten()


def extract_on_dask(
    client: Any,
    inputs: str | Path | Iterable[str | Path],
    *,
    rule: str = "ucdp",
    partition_size: int = DEFAULT_PARTITION_SIZE,
    gazetteer_paths: Sequence[str | Path] = (),
    on_error: ErrorHandler | None = None,
    keep_records: bool = False,
    spill_dir: str | Path | None = None,
) -> PipelineResult:
    """Extract every article of ``inputs`` on the workers of ``client`` and build the incidents here.

    ``inputs``: files, folders or glob patterns (``"corpus/*.jsonl"``), as the
    workers see them (a shared file system). Partitions are computed in input order
    and gathered one at a time; the slim records (metadata and events, see
    :func:`~geoincident.pipeline.slim_record`) go straight into
    :func:`~geoincident.incidents.build_incidents_on_disk` (events waiting in a
    temporary file in ``spill_dir``), so the driver's memory stays flat, exactly as
    :func:`~geoincident.pipeline.process` with ``keep_records=False``; with
    ``keep_records=True`` the full records come back and are kept in the result.
    Bad inputs are collected in ``result.errors`` (and passed to ``on_error``).

    >>> extract_on_dask(None, [], rule="no-such-rule")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    geoincident.errors.UsageError: ...
    """
    from geoincident.incidents import build_incidents, build_incidents_on_disk

    build_incidents([], rule=rule)  # an unknown rule fails before the cluster works
    fast_record_pickling()
    bag = records_bag(
        inputs, partition_size=partition_size, gazetteer_paths=gazetteer_paths, slim=not keep_records
    )
    result = PipelineResult()
    futures = client.compute(bag.to_delayed())

    def gathered() -> Iterator[ArticleRecord]:
        # one partition at a time, in input order; each released as soon as it is read
        try:
            for future in futures:
                for item in future.result():
                    if isinstance(item, GeoincidentError):
                        result.errors.append(item)
                        if on_error is not None:
                            on_error(item)
                        continue
                    result.articles += 1
                    yield item
                future.release()
        finally:
            for future in futures:
                future.cancel()

    if keep_records:
        result.records = list(gathered())
        result.incidents = build_incidents(result.records, rule=rule)
    else:
        result.incidents = build_incidents_on_disk(gathered(), rule=rule, directory=spill_dir)
    return result


# -- on the workers ---------------------------------------------------------------------


def extract_partition(
    part: Partition, *, gazetteer_paths: tuple[str, ...] = (), slim: bool = True
) -> list[ArticleRecord | InputError]:
    """Read and extract the articles of one partition (runs on a worker)."""
    from geoincident.extraction import extract

    fast_record_pickling()
    gazetteer = load_gazetteer(gazetteer_paths)  # once per worker process, then cached
    out: list[ArticleRecord | InputError] = []
    for article in _read_partition(part, errors=out):
        try:
            record = extract(article, gazetteer=gazetteer)
        except InputError as err:
            out.append(err)
            continue
        out.append(slim_record(record) if slim else record)
    return out


def _read_partition(part: Partition, *, errors: list) -> Iterator:
    from geoincident.articles import read_articles

    if part.files:
        yield from read_articles(part.files, on_error=errors.append)
        return
    yield from _read_line_run(part, errors=errors)


def _read_line_run(part: Partition, *, errors: list) -> Iterator:
    """Articles of the lines ``part.start:part.end`` of a JSON-lines file, as read_articles reads them."""
    import orjson

    from geoincident.articles import article_from_object

    stem = Path(part.path).stem
    with open(part.path, "rb") as fh:
        fh.seek(part.start)
        data = fh.read(part.end - part.start)
    for number, line in enumerate(data.split(b"\n"), start=part.first_line):
        if not line.strip():
            continue
        try:
            obj = orjson.loads(line)
        except orjson.JSONDecodeError as err:
            message = f"malformed JSON line ({err}); each line must be one JSON object"
            errors.append(InputError(message, path=part.path, line=number))
            continue
        try:
            yield article_from_object(obj, path=part.path, line=number, default_id=f"{stem}-{number}")
        except InputError as err:
            errors.append(err)


# -- on the driver ----------------------------------------------------------------------


def _expand(inputs: Iterable[str | Path]) -> Iterator[Path]:
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in JSON_LINES + WHOLE_FILES
            )
        elif path.is_file():
            yield path
        else:
            matches = sorted(glob.glob(str(item), recursive=True))
            if not matches:
                raise InputError("no such file, folder or matching files", path=str(item))
            yield from _expand(matches)


def _line_runs(path: Path, *, partition_size: int) -> Iterator[Partition]:
    """Runs of ``partition_size`` lines of a JSON-lines file, by byte offsets (one scan, no parsing)."""
    start = offset = 0
    first = count = 0
    with open(path, "rb") as fh:
        for count, line in enumerate(fh, start=1):
            offset += len(line)
            if count % partition_size == 0:
                yield Partition(path=str(path), start=start, end=offset, first_line=first + 1)
                start, first = offset, count
    if offset > start:
        yield Partition(path=str(path), start=start, end=offset, first_line=first + 1)

"""From input paths to article records and incidents: the one loop every command uses.

Extraction is a pure function of an article, so it streams: articles are read one
at a time, extracted (in worker processes with ``jobs > 1``), and only the small
records are kept. A bad input is reported through ``on_error`` and the run goes on.

* ``jobs``: worker processes. Articles are sent to them in small chunks, with a
  bounded number of chunks in flight, and records come back in input order, so the
  result is the same as with ``jobs=1``. Each worker loads the gazetteer once.
* ``progress``: a tqdm bar on stderr, drawn only when stderr is a terminal.
* :func:`process` builds the incidents in flat memory
  (:func:`geoincident.incidents.build_incidents_on_disk`): each event waits in a
  temporary file, only its clustering key (a few dozen bytes) stays in memory, and
  the incidents come back as a sequence read from a second temporary file. The
  records it keeps (``keep_records=True``, the default) wait in a third one and come
  back as a :class:`~geoincident.spill.SpilledSequence`; ``keep_records=False``
  keeps none. Peak memory is about the same for 10,000 and 100,000 articles
  (``docs/cluster.md``).

>>> PipelineResult().articles
0
"""

from __future__ import annotations

import functools
import os
import pickle
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path
from typing import Any

from geoincident.errors import GeoincidentError, InputError, UsageError
from geoincident.records import Article, ArticleRecord, Incident
from geoincident.spill import SpilledSequence, SpillFile, fast_record_pickling

__all__ = [
    "PipelineResult",
    "fast_record_pickling",
    "iter_records",
    "load_gazetteer",
    "process",
    "resolve_jobs",
    "slim_record",
]

ErrorHandler = Callable[[GeoincidentError], None]
#: a Gazetteer, the paths of extra gazetteer files (``Gazetteer(*paths)``), or None for the default
GazetteerSpec = Any

#: articles per task sent to a worker process
CHUNK_SIZE = 16
#: chunks in flight per worker: enough to keep workers busy, few enough to keep memory flat
CHUNKS_IN_FLIGHT = 4


@dataclass
class PipelineResult:
    """What :func:`process` returns. ``records`` is empty when ``keep_records=False``.

    :func:`process` returns ``incidents`` as an :class:`~geoincident.incidents.IncidentSequence` and
    ``records`` as a :class:`~geoincident.spill.SpilledSequence`: read-only sequences that read them
    from temporary files one at a time (each equal to the list of its items; ``list(...)`` makes one).
    """

    records: Sequence[ArticleRecord] = field(default_factory=list)
    incidents: Sequence[Incident] = field(default_factory=list)
    errors: list[GeoincidentError] = field(default_factory=list)
    articles: int = 0  # articles extracted (inputs that failed are not counted)


def slim_record(record: ArticleRecord) -> ArticleRecord:
    """The part of a record that incidents are built from: metadata and events.

    The article text, the mentions, the article-level list of claims and each event's
    ``totals`` (its own flattened figures, which incidents recompute from the claims)
    are dropped; each event keeps its claims, with their sentences as evidence.

    >>> from geoincident.records import Article, ArticleRecord
    >>> r = slim_record(ArticleRecord(Article(id="a", text="long text", source="Dawn"), (), (), ()))
    >>> (r.article.text, r.article.source)
    ('', 'Dawn')
    """
    article = replace(record.article, text="")
    events = tuple(replace(e, totals={}) if e.totals else e for e in record.events)
    return ArticleRecord(article=article, mentions=(), claims=(), events=events)


def resolve_jobs(jobs: int | None) -> int:
    """Worker processes to use: ``jobs`` itself, or every core for ``0``/``None``.

    >>> resolve_jobs(2)
    2
    >>> resolve_jobs(0) >= 1
    True
    """
    if jobs is None or jobs == 0:
        return max(1, os.cpu_count() or 1)
    if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 0:
        raise UsageError(f"jobs must be a whole number >= 0 (0 = every core), not {jobs!r}")
    return jobs


def load_gazetteer(spec: GazetteerSpec) -> Any:
    """The gazetteer ``spec`` stands for: itself, ``Gazetteer(*paths)`` (built once per process), or None.

    None stands for ``Gazetteer.default()``, which extraction loads once per process.

    >>> load_gazetteer(None) is None
    True
    """
    paths = _paths(spec)
    if paths is None:
        return spec
    return _gazetteer_from_paths(paths) if paths else None


def _paths(spec: GazetteerSpec) -> tuple[str, ...] | None:
    """The paths ``spec`` names, or None when it is a Gazetteer (or None)."""
    if isinstance(spec, (str, Path)):
        return (str(spec),)
    if isinstance(spec, Sequence):
        return tuple(str(p) for p in spec)
    return None


@functools.lru_cache(maxsize=4)
def _gazetteer_from_paths(paths: tuple[str, ...]) -> Any:
    from geoincident.gazetteer import Gazetteer

    return Gazetteer(*paths)


def iter_records(
    inputs: Iterable[str | Path],
    *,
    on_error: ErrorHandler | None = None,
    gazetteer: GazetteerSpec = None,
    jobs: int = 1,
    progress: bool = False,
    slim: bool = False,
) -> Iterator[ArticleRecord]:
    """Read every input and yield one :class:`ArticleRecord` per article, in input order.

    Inputs are files, folders or ``"-"`` (JSON lines on stdin), read as
    :func:`geoincident.articles.read_articles` reads them. An input or article that
    cannot be read or extracted is an :class:`~geoincident.errors.InputError` passed
    to ``on_error`` (raised when ``on_error`` is None); the others go on. Any other
    error (a bad gazetteer file, say) stops the run. ``gazetteer`` defaults to
    ``Gazetteer.default()``, loaded once per process; paths of extra gazetteer files
    are loaded once per process too (see :func:`load_gazetteer`); a Gazetteer object
    is inherited by forked workers, or pickled for workers started otherwise.
    ``slim=True`` yields :func:`slim_record` records.

    >>> list(iter_records([]))
    []
    """
    from geoincident.articles import read_articles

    jobs = resolve_jobs(jobs)
    articles = read_articles(inputs, on_error=on_error)
    if jobs == 1:
        gaz = load_gazetteer(gazetteer)
        results: Iterator[ArticleRecord | InputError] = (
            _extract_one(article, gazetteer=gaz, slim=slim) for article in articles
        )
    else:
        results = _extract_in_processes(articles, jobs=jobs, gazetteer=gazetteer, slim=slim)
    bar = _progress_bar(progress)
    try:
        for result in results:
            if isinstance(result, InputError):
                if on_error is None:
                    raise result
                on_error(result)
                continue
            bar.update(1)
            yield result
    finally:
        bar.close()
        if hasattr(results, "close"):
            results.close()


def process(
    inputs: Iterable[str | Path],
    *,
    rule: str = "ucdp",
    on_error: ErrorHandler | None = None,
    gazetteer: GazetteerSpec = None,
    jobs: int = 1,
    progress: bool = False,
    keep_records: bool = True,
    spill_records: bool = False,
    spill_dir: str | Path | None = None,
) -> PipelineResult:
    """Extract every article of ``inputs`` and merge them into incidents.

    By default the records are kept in memory as a list and the incidents built from them
    in memory (the fastest way for what fits in memory). ``spill_records=True`` (the
    CLI's ``--low-memory``) keeps them on disk instead, as described next, for corpora
    whose records do not fit: slower (every pass reads them back), but memory no longer
    grows with the corpus.

    Errors are collected in ``result.errors`` (and passed to ``on_error``); the run
    goes on. Memory stays flat however big the corpus: the events wait in a
    temporary file in ``spill_dir`` (default: the system's temp dir) and
    ``result.incidents`` is an :class:`~geoincident.incidents.IncidentSequence`
    (see :func:`~geoincident.incidents.build_incidents_on_disk`), the incidents
    :func:`~geoincident.incidents.build_incidents` gives, in the same order. The
    full records wait in another temporary file there and ``result.records`` is a
    :class:`~geoincident.spill.SpilledSequence` of them, in input order; with
    ``keep_records=False`` no record is kept (``result.records`` is empty) and the
    workers send back only what incidents are built from (:func:`slim_record`).

    >>> result = process([])
    >>> result.articles, list(result.incidents), list(result.records)
    (0, [], [])
    """
    from geoincident.incidents import build_incidents, build_incidents_on_disk

    build_incidents([], rule=rule)  # an unknown rule fails before any article is read
    result = PipelineResult()

    def _err(err: GeoincidentError) -> None:
        result.errors.append(err)
        if on_error is not None:
            on_error(err)

    records = iter_records(
        inputs, on_error=_err, gazetteer=gazetteer, jobs=jobs, progress=progress, slim=not keep_records
    )
    if keep_records and not spill_records:
        result.records = list(records)
        result.articles = len(result.records)
        result.incidents = build_incidents(result.records, rule=rule)
        return result
    kept = SpillFile(directory=spill_dir) if keep_records else None

    def counted(records: Iterable[ArticleRecord]) -> Iterator[ArticleRecord]:
        for record in records:
            result.articles += 1
            if kept is not None:
                kept.append(record)
            yield record

    try:
        result.incidents = build_incidents_on_disk(counted(records), rule=rule, directory=spill_dir)
    except BaseException:
        if kept is not None:
            kept.close()
        raise
    if kept is not None:
        result.records = SpilledSequence(kept)
    return result


# -- extraction, in this process or in workers ------------------------------------------

_worker_gazetteer: Any = None


def _extract_one(article: Article, *, gazetteer: Any, slim: bool) -> ArticleRecord | InputError:
    from geoincident.extraction import extract

    try:
        record = extract(article, gazetteer=gazetteer)
    except InputError as err:
        if err.path or not (article.path or article.id):
            return err
        return InputError(str(err), path=article.path or article.id, line=article.line)
    return slim_record(record) if slim else record


def _init_worker(gazetteer: Any, pickled: bool) -> None:
    global _worker_gazetteer
    fast_record_pickling()
    _worker_gazetteer = pickle.loads(gazetteer) if pickled else gazetteer


def _extract_chunk(articles: list[Article], slim: bool) -> list[ArticleRecord | InputError]:
    # paths are loaded on the first chunk, once per worker; None: extract() loads the default once
    gazetteer = load_gazetteer(_worker_gazetteer)
    return [_extract_one(article, gazetteer=gazetteer, slim=slim) for article in articles]


def _pool_context():
    """fork where it is safe, else forkserver (or spawn where forkserver does not exist).

    fork starts workers at once, shares a gazetteer already loaded (copy-on-write) and
    needs no ``if __name__ == "__main__"`` guard in the calling script; but forking a
    process that runs other threads (a notebook kernel, a Dask worker) can deadlock, so
    then workers start from a clean forkserver process instead.
    """
    import multiprocessing
    import threading

    methods = multiprocessing.get_all_start_methods()
    if sys.platform == "linux" and "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _extract_in_processes(
    articles: Iterator[Article], *, jobs: int, gazetteer: Any, slim: bool
) -> Iterator[ArticleRecord | InputError]:
    from concurrent.futures import Future, ProcessPoolExecutor

    context = _pool_context()
    fast_record_pickling()
    forked = context.get_start_method() == "fork"
    paths = _paths(gazetteer)
    if paths is not None:
        gazetteer = paths  # a tuple of str: cheap to send, loaded once by each worker
        if forked:
            load_gazetteer(paths)  # loaded once here, shared by the forked workers
    initargs: tuple[Any, bool] = (gazetteer, False)  # fork: the worker inherits the object as is
    if gazetteer is not None and paths is None and not forked:
        try:
            initargs = (pickle.dumps(gazetteer, protocol=pickle.HIGHEST_PROTOCOL), True)
        except (pickle.PicklingError, TypeError, AttributeError) as err:
            raise UsageError(
                f"this gazetteer cannot be sent to worker processes ({err}): pass the paths of its "
                "files instead (gazetteer=[...]), or run with jobs=1"
            ) from err
    with ProcessPoolExecutor(
        max_workers=jobs, mp_context=context, initializer=_init_worker, initargs=initargs
    ) as pool:
        pending: deque[Future] = deque()
        try:
            while True:
                chunk = list(islice(articles, CHUNK_SIZE))
                if chunk:
                    pending.append(pool.submit(_extract_chunk, chunk, slim))
                while pending and (not chunk or len(pending) >= jobs * CHUNKS_IN_FLIGHT):
                    yield from pending.popleft().result()
                if not chunk:
                    return
        finally:
            for future in pending:
                future.cancel()


def _progress_bar(progress: bool):
    """A tqdm bar on stderr when asked for and stderr is a terminal, else a silent stand-in."""
    if progress and sys.stderr.isatty():
        from tqdm import tqdm

        class Bar(tqdm):
            # no monitor thread: a thread running would make worker processes start from a
            # forkserver instead of a fork (see _pool_context)
            monitor_interval = 0

        return Bar(unit=" articles", file=sys.stderr, dynamic_ncols=True, mininterval=0.5)
    return _NoBar()


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass

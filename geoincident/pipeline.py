"""From input paths to article records and incidents: the one loop every command uses.

Extraction is a pure function of an article, so it streams: articles are read one
at a time, extracted (in worker processes with ``jobs > 1``), and only the small
records are kept. A bad input is reported through ``on_error`` and the run goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from geoincident.errors import GeoincidentError
from geoincident.records import ArticleRecord, Incident

ErrorHandler = Callable[[GeoincidentError], None]


@dataclass
class PipelineResult:
    records: list[ArticleRecord] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    errors: list[GeoincidentError] = field(default_factory=list)


def iter_records(
    inputs: Iterable[str | Path], *, on_error: ErrorHandler | None = None, gazetteer=None
) -> Iterator[ArticleRecord]:
    """Read every input and yield one :class:`ArticleRecord` per article, in input order."""
    from geoincident.articles import read_articles
    from geoincident.extract import extract

    for article in read_articles(inputs, on_error=on_error):
        yield extract(article, gazetteer=gazetteer)


def process(
    inputs: Iterable[str | Path],
    *,
    rule: str = "ucdp",
    on_error: ErrorHandler | None = None,
    gazetteer=None,
) -> PipelineResult:
    """Extract every article of ``inputs`` and merge them into incidents."""
    from geoincident.incidents import build_incidents

    result = PipelineResult()

    def _err(err: GeoincidentError) -> None:
        result.errors.append(err)
        if on_error is not None:
            on_error(err)

    result.records = list(iter_records(inputs, on_error=_err, gazetteer=gazetteer))
    result.incidents = build_incidents(result.records, rule=rule)
    return result

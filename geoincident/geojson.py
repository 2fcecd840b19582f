"""RFC 7946 GeoJSON and GeoJSON text sequences, written with orjson.

What the layers of :mod:`geoincident.layers`, written here, guarantee (RFC 7946):

* positions are ``[lon, lat]`` in WGS 84, rounded to 6 decimals (about 0.1 m): points
  through :func:`geoincident.records.geojson_position`, other geometries through
  :func:`rfc7946_geometry`;
* there is no ``crs`` member;
* polygons follow the right-hand rule: exterior rings counter-clockwise, holes clockwise;
* the same features give byte-identical output: orjson keeps the keys in the order
  the features were built in (one fixed order), and nothing depends on time, locale
  or hash seeds.

GeoJSON text sequences come in two flavours, picked by the file's extension:
``.geojsonl`` (one feature per line, "newline-delimited GeoJSON") and
``.geojsons`` (RFC 8142: each feature preceded by the record separator 0x1E).

Every ``write_*`` function here writes atomically: a temporary file in the
same directory, then :func:`os.replace`, so a reader never sees half a file.

>>> dumps_feature_collection([{"type": "Feature", "geometry": None, "properties": {"a": 1}}])
b'{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,"properties":{"a":1}}]}\\n'
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

import orjson

from geoincident.errors import OutputError

#: Features serialised per ``orjson.dumps`` call: big enough to amortise the call,
#: small enough that the bytes of one chunk stay a few megabytes.
CHUNK = 20_000
#: The record separator that starts every text of an RFC 8142 sequence.
RS = b"\x1e"
#: Decimals kept in coordinates (RFC 7946 section 11.2 recommends 6: about 0.1 m).
DECIMALS = 6

__all__ = [
    "dump_feature_collection",
    "dump_feature_sequence",
    "dumps_feature_collection",
    "feature_collection",
    "StagedFiles",
    "rfc7946_geometry",
    "staged_file",
    "write_geojson",
    "write_geojsonseq",
]


def feature_collection(features: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """A FeatureCollection dict holding ``features`` (no ``crs`` member, as RFC 7946 wants).

    >>> feature_collection([])
    {'type': 'FeatureCollection', 'features': []}
    """
    return {"type": "FeatureCollection", "features": list(features)}


def _chunks(features: Iterable[Any], size: int) -> Iterator[list[Any]]:
    if isinstance(features, list):
        for start in range(0, len(features), size):
            yield features[start : start + size]
        return
    it = iter(features)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def dump_feature_collection(features: Iterable[Mapping[str, Any]], fh: IO[bytes]) -> None:
    """Write ``features`` to the binary file ``fh`` as one FeatureCollection, chunk by chunk.

    The output is the same bytes ``orjson.dumps(feature_collection(features))``
    would give (plus a final newline), without holding all of it in memory.

    >>> import io
    >>> buf = io.BytesIO()
    >>> dump_feature_collection([{"type": "Feature", "geometry": None, "properties": {}}] * 2, buf)
    >>> orjson.loads(buf.getvalue())["features"][1]
    {'type': 'Feature', 'geometry': None, 'properties': {}}
    """
    fh.write(b'{"type":"FeatureCollection","features":[')
    first = True
    for chunk in _chunks(features, CHUNK):
        if not first:
            fh.write(b",")
        fh.write(orjson.dumps(chunk)[1:-1])
        first = False
    fh.write(b"]}\n")


def dumps_feature_collection(features: Iterable[Mapping[str, Any]]) -> bytes:
    """``features`` as the bytes of one FeatureCollection (see :func:`dump_feature_collection`)."""
    import io

    buf = io.BytesIO()
    dump_feature_collection(features, buf)
    return buf.getvalue()


def dump_feature_sequence(features: Iterable[Mapping[str, Any]], fh: IO[bytes], *, rs: bool = False) -> None:
    """Write ``features`` to ``fh`` one per line; with ``rs=True`` each line starts with 0x1E (RFC 8142).

    >>> import io
    >>> buf = io.BytesIO()
    >>> dump_feature_sequence([{"type": "Feature", "geometry": None, "properties": {}}] * 2, buf)
    >>> buf.getvalue().count(b"\\n")
    2
    """
    prefix = RS if rs else b""
    dumps = orjson.dumps
    newline = orjson.OPT_APPEND_NEWLINE
    for chunk in _chunks(features, CHUNK):
        fh.write(prefix + prefix.join([dumps(f, option=newline) for f in chunk]))


class StagedFiles:
    """Temporary files beside their final paths, put in place together or not at all.

    Each file is first written into a hidden temporary directory in the final
    file's own directory (so GDAL's side files stay there too, and the file keeps
    its extension); :meth:`commit` moves them all into place with :func:`os.replace`,
    which is atomic on one file system. Leaving the ``with`` block through an
    exception removes every temporary file and no final file is touched.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     with StagedFiles() as stage:
    ...         _ = stage.add(Path(tmp) / "a.txt").write_text("a")
    ...         _ = stage.add(Path(tmp) / "b.txt").write_text("b")
    ...     sorted(p.name for p in Path(tmp).iterdir())
    ['a.txt', 'b.txt']
    """

    def __init__(self) -> None:
        self._staged: list[tuple[Path, Path]] = []  # (temporary path, final path)

    def add(self, path: str | Path) -> Path:
        """Reserve and return the temporary path that will become ``path``."""
        final = Path(path)
        try:
            tmpdir = tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".part", dir=final.parent)
        except OSError as err:
            raise OutputError(
                f"cannot write {final}: {err.strerror or err} (choose a directory you can write to)"
            ) from err
        part = Path(tmpdir) / final.name
        self._staged.append((part, final))
        return part

    def commit(self) -> list[Path]:
        """Move every staged file into place; return the final paths."""
        done = []
        try:
            for part, final in self._staged:
                os.replace(part, final)
                done.append(final)
        except OSError as err:
            raise OutputError(f"cannot write {final}: {err.strerror or err}") from err
        finally:
            self.discard()
        return done

    def discard(self) -> None:
        """Remove every temporary file and directory (final files are never touched)."""
        for part, _final in self._staged:
            shutil.rmtree(part.parent, ignore_errors=True)
        self._staged.clear()

    def __enter__(self) -> StagedFiles:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_rest: Any) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()


@contextlib.contextmanager
def staged_file(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path that replaces ``path`` when the block succeeds (see :class:`StagedFiles`).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     with staged_file(Path(tmp) / "out.txt") as part:
    ...         _ = part.write_text("done")
    ...     sorted(p.name for p in Path(tmp).iterdir())
    ['out.txt']
    """
    with StagedFiles() as stage:
        part = stage.add(path)
        try:
            yield part
        except OutputError:
            raise
        except OSError as err:
            raise OutputError(f"cannot write {path}: {err.strerror or err}") from err


def write_geojson(features: Iterable[Mapping[str, Any]], path: str | Path) -> Path:
    """Write ``features`` as one RFC 7946 FeatureCollection to ``path``, atomically."""
    with staged_file(path) as part, open(part, "wb") as fh:
        dump_feature_collection(features, fh)
    return Path(path)


def write_geojsonseq(
    features: Iterable[Mapping[str, Any]], path: str | Path, *, rs: bool | None = None
) -> Path:
    """Write ``features`` as a GeoJSON text sequence, atomically.

    ``rs`` defaults to True for ``.geojsons`` (RFC 8142) and False otherwise
    (newline-delimited, ``.geojsonl``).
    """
    path = Path(path)
    if rs is None:
        rs = path.suffix.lower() == ".geojsons"
    with staged_file(path) as part, open(part, "wb") as fh:
        dump_feature_sequence(features, fh, rs=rs)
    return path


def _round_coordinates(coords: Any) -> Any:
    """Nested coordinate sequences as lists, every number rounded to :data:`DECIMALS`."""
    if coords and isinstance(coords[0], (int, float)):
        return [round(float(c), DECIMALS) for c in coords]
    return [_round_coordinates(c) for c in coords]


def rfc7946_geometry(geometry: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """``geometry`` as RFC 7946 wants it: 6 decimals, polygons wound by the right-hand rule.

    Exterior rings come out counter-clockwise and holes clockwise (RFC 7946
    section 3.1.6); other geometry types are only rounded.

    >>> clockwise = {"type": "Polygon", "coordinates": [[[0, 0], [0, 1], [1, 1], [0, 0]]]}
    >>> rfc7946_geometry(clockwise)["coordinates"]
    [[[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]]
    >>> rfc7946_geometry({"type": "Point", "coordinates": [67.0014104, 30.1841449]})
    {'type': 'Point', 'coordinates': [67.00141, 30.184145]}
    """
    if geometry is None:
        return None
    kind = geometry.get("type")
    if kind in ("Polygon", "MultiPolygon"):
        import shapely
        from shapely.geometry import mapping, shape

        geometry = mapping(shapely.orient_polygons(shape(geometry), exterior_cw=False))
    elif kind == "GeometryCollection":
        return {"type": kind, "geometries": [rfc7946_geometry(g) for g in geometry.get("geometries", ())]}
    if kind not in ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"):
        raise OutputError(f"not a GeoJSON geometry type: {kind!r}")
    return {"type": kind, "coordinates": _round_coordinates(geometry["coordinates"])}

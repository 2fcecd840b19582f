"""Records waiting on disk: pickles appended to an anonymous temporary file and read back by number.

Building incidents from a big corpus needs every article event before the first incident can be made,
but only a few dozen bytes of each (its clustering key) are needed to decide which events go together.
:class:`SpillFile` is where the rest waits: each record is pickled once, appended, and read back by the
number :meth:`SpillFile.append` returned, so memory holds the file offsets (8 bytes a record), not the
records.

The file is a :func:`tempfile.TemporaryFile`: on POSIX it has no name from the moment it is created, so
the operating system removes it when it is closed, when the process ends, or when the process dies.

>>> with SpillFile() as spill:
...     first = spill.append({"a": 1})
...     second = spill.append(("b", 2))
...     spill[second], spill[first], len(spill)
(('b', 2), {'a': 1}, 2)
"""

from __future__ import annotations

import functools
import operator
import os
import pickle
import tempfile
from array import array
from pathlib import Path
from typing import Any, Self

__all__ = ["SpillFile", "fast_record_pickling"]

_PREAD = getattr(os, "pread", None)  # reads at an offset without moving the file position


class SpillFile:
    """Objects pickled to an anonymous temporary file in ``directory`` (default: the system temp dir).

    ``append`` returns the object's number; ``spill[number]`` unpickles a new copy of it (objects
    shared between two appended objects come back as two copies). Records of
    :mod:`geoincident.records` are pickled by their constructor (:func:`fast_record_pickling`).
    """

    def __init__(self, *, directory: str | Path | None = None) -> None:
        fast_record_pickling()
        # closed by close(), __exit__ or garbage collection, removed by the system in any case
        self._file = tempfile.TemporaryFile(prefix="geoincident-spill-", dir=directory)  # noqa: SIM115
        self._offsets = array("q", [0])  # offset of each object, and of the end
        self._dirty = False

    def append(self, obj: Any) -> int:
        """Pickle ``obj`` at the end of the file; returns its number."""
        data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
        self._file.write(data)
        self._offsets.append(self._offsets[-1] + len(data))
        self._dirty = True
        return len(self._offsets) - 2

    def __getitem__(self, number: int) -> Any:
        if number < 0:
            number += len(self)
        if not 0 <= number < len(self):
            raise IndexError(f"no object {number} in a spill file of {len(self)}")
        if self._dirty:
            self._file.flush()
            self._dirty = False
        start = self._offsets[number]
        size = self._offsets[number + 1] - start
        if _PREAD is not None:
            return pickle.loads(_PREAD(self._file.fileno(), size, start))
        self._file.seek(start)  # no pread (Windows): read, then go back to the end for appending
        data = self._file.read(size)
        self._file.seek(0, os.SEEK_END)
        return pickle.loads(data)

    def __len__(self) -> int:
        return len(self._offsets) - 1

    @property
    def nbytes(self) -> int:
        """Bytes written to the file."""
        return self._offsets[-1]

    @property
    def closed(self) -> bool:
        return self._file.closed

    def close(self) -> None:
        """Close (and so delete) the file. Reading afterwards raises ValueError."""
        self._file.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self.closed else f"{self.nbytes:,} bytes"
        return f"<SpillFile: {len(self):,} objects, {state}>"


@functools.cache
def fast_record_pickling() -> None:
    """Pickle the records of :mod:`geoincident.records` by their constructor: about twice as fast.

    Records cross process boundaries by the thousand (``jobs > 1``, Dask) and wait in spill files by
    the million. A frozen slotted dataclass pickles through generic ``__getstate__``/``__setstate__``
    that look up its fields for every object; rebuilding it from its field values is the same object,
    faster. Registered once per process, in :mod:`copyreg`.

    >>> from geoincident.records import Place
    >>> fast_record_pickling()
    >>> p = Place("q", "Quetta", "town", lat=30.18, lon=67.0)
    >>> pickle.loads(pickle.dumps(p)) == p
    True
    """
    import copyreg
    import dataclasses

    from geoincident import records

    for cls in vars(records).values():
        if isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls.__module__ == records.__name__:
            names = tuple(f.name for f in dataclasses.fields(cls))
            copyreg.pickle(cls, _reducer(cls, names))


def _reducer(cls: type, names: tuple[str, ...]) -> Any:
    """``obj -> (cls, field values)``: the field values read by one C call (operator.attrgetter)."""
    values = operator.attrgetter(*names)
    if len(names) == 1:
        return lambda obj: (cls, (values(obj),))
    return lambda obj: (cls, values(obj))

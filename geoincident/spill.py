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

:class:`SpilledSequence` hands the objects of a spill file out as a read-only sequence, in the order
of their numbers or in another one (:meth:`SpilledSequence.reordered`): what
:func:`geoincident.pipeline.process` returns as ``result.records``.
"""

from __future__ import annotations

import functools
import operator
import os
import pickle
import tempfile
from array import array
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Self, TypeVar, overload

__all__ = ["SpillFile", "SpilledSequence", "fast_record_pickling"]

T = TypeVar("T")

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


class SpilledSequence(Sequence[T]):
    """The objects of a :class:`SpillFile`, read back one at a time: a lazy, read-only sequence.

    ``numbers`` are the spill file's numbers in the order of the sequence (default: all of them, in
    the order they were appended). ``len``, indexing, slices (a list) and iteration work as on a list,
    and the sequence is equal to the list of its objects; each read unpickles a new copy, so keep
    what you read often, or ``list(seq)`` when it fits in memory. Pickling the sequence pickles that
    list. ``close()`` (or ``with``) deletes the file, for every sequence that reads it.

    >>> spill = SpillFile()
    >>> for word in ("b", "a", "c"):
    ...     _ = spill.append(word)
    >>> seq = SpilledSequence(spill)
    >>> len(seq), seq[0], seq[-1], seq[1:], seq == ["b", "a", "c"]
    (3, 'b', 'c', ['a', 'c'], True)
    >>> list(seq.reordered([1, 0, 2]))
    ['a', 'b', 'c']
    >>> seq.close()
    """

    def __init__(self, spill: SpillFile, numbers: Iterable[int] | None = None) -> None:
        self._spill = spill
        self._numbers = array("q", range(len(spill)) if numbers is None else numbers)

    def __len__(self) -> int:
        return len(self._numbers)

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> list[T]: ...

    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, slice):
            return [self._read(i) for i in range(*index.indices(len(self)))]
        return self._read(range(len(self))[index])  # IndexError, negative indices

    def _read(self, position: int) -> T:
        """The object at ``position`` (0 <= position < len): subclasses may change it on the way out."""
        return self._spill[self._numbers[position]]

    def __iter__(self) -> Iterator[T]:
        for position in range(len(self)):
            yield self._read(position)

    def reordered(self, positions: Iterable[int]) -> SpilledSequence[T]:
        """The objects at ``positions`` of this sequence, in that order, read from the same file."""
        numbers = self._numbers
        return SpilledSequence(self._spill, (numbers[p] for p in positions))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, (str, bytes)):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other))

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[type, tuple[list[T]]]:
        return list, (list(self),)

    @property
    def closed(self) -> bool:
        return self._spill.closed

    def close(self) -> None:
        """Delete the file: the sequence (and any other that reads it) cannot be read afterwards."""
        self._spill.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<SpilledSequence: {len(self):,} objects on disk>"


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
    """``obj -> (maker, field values)``: the field values read by one C call (operator.attrgetter).

    ``maker`` is the class's :func:`~geoincident.records.fast_constructor` (reading a record back
    sets its slots directly, about 1.5x faster than the frozen class's ``__init__``), pickled by
    its name in this module (``_make_Incident``...), or the class itself when it has none.
    """
    values = operator.attrgetter(*names)
    make = _constructor(f"{_MAKER}{cls.__name__}")
    if len(names) == 1:
        return lambda obj: (make, (values(obj),))
    return lambda obj: (make, values(obj))


_MAKER = "_make_"
_MAKERS: dict[str, Any] = {}


def _constructor(name: str) -> Any:
    """The maker ``name`` (``_make_`` and a record class's name) stands for; made once per process."""
    make = _MAKERS.get(name)
    if make is None:
        from geoincident import records

        cls = getattr(records, name[len(_MAKER) :], None)
        if not name.startswith(_MAKER) or not isinstance(cls, type) or cls.__module__ != records.__name__:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        make = records.fast_constructor(cls)
        if make is not cls:  # picklable by its name in this module, found again by __getattr__
            make.__module__, make.__name__, make.__qualname__ = __name__, name, name
        make = _MAKERS.setdefault(name, make)
    return make


def __getattr__(name: str) -> Any:
    """``_make_Incident``... (PEP 562): the makers pickles name, made when first asked for."""
    if name.startswith(_MAKER):
        return _constructor(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

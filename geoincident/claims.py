"""Casualty claims: how many were killed, injured, abducted, arrested, freed or missing, of whom, per whom.

A claim is a number phrase (:mod:`geoincident.numbers`) that counts people (a group
noun from ``lexicon/groups.json``) and is tied to an outcome cue (``lexicon/claims.json``)
in the same clause. Each claim carries its evidence (span, sentence), the claimant
("X said", "according to X", a quote continued from an earlier sentence), a time
scope and date, and the place phrase the sentence ties the figure to. Ages
("11-year-old"), durations ("40 hours"), counts of towns or sites, kilograms and
passengers who merely waited are not claims. The rules are in ``docs/extraction.md``.

>>> c = find_claims("Bugti said 17 security personnel and 31 civilians were killed.")
>>> [(x.surface, x.outcome, x.group, x.best, x.claimant) for x in c]
[('17 security personnel', 'killed', 'security_forces', 17, 'Bugti'), ('31 civilians', 'killed', 'civilians', 31, 'Bugti')]
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable

from geoincident.dates import DateMention, find_dates
from geoincident.lexicon import alternation, load
from geoincident.lexicon.scan import scan
from geoincident.numbers import Quantity, quantities_at
from geoincident.records import Claim
from geoincident.sentences import split_sentences

__all__ = ["find_claims"]

_CAP = r"(?-i:[A-Z][\w’'.-]*)"
_PLACE_CAP = r"(?-i:[A-Z][\w-]*)"


class _Rules:
    """Every pattern the claim rules use, compiled once from the lexicon files."""

    def __init__(self) -> None:
        lex = load("claims")
        groups = load("groups")
        nums = load("numbers")
        self.outcome_of: dict[str, str] = {}
        for outcome, cues in lex["outcomes"].items():
            for cue in cues:
                self.outcome_of[" ".join(cue.lower().split())] = outcome
        cues = alternation(self.outcome_of)
        self.toll = {" ".join(c.lower().split()) for c in lex["toll_cues"]}
        self.group_of: dict[str, str] = {" ".join(k.lower().split()): v for k, v in groups["nouns"].items()}
        self.part_of: dict[str, str] = groups["parts"]
        adjectives = alternation(groups["adjectives"])
        nouns = alternation(self.group_of)
        self.noun_after = re.compile(
            rf"\s+(?:(?:{adjectives}|{_CAP})[\s-]+){{0,4}}?(?P<noun>{nouns})\b", re.IGNORECASE
        )
        self.inherit = {w.lower() for w in lex["inherit_nouns"]}
        self.inherit_after = re.compile(rf"\s+(?P<noun>{alternation(lex['inherit_nouns'])})\b")
        self.unit_after = re.compile(
            rf"(?:-[A-Za-z]|\s*(?:-\s*)?(?:{alternation(lex['not_counted'])})(?![\w]))", 0
        )
        self.negator_before = re.compile(rf"(?:^|\W)(?:{alternation(lex['negators'])})\s*$")
        passive = alternation(lex["passive_before_cue"])
        self.cue_after = re.compile(rf"\s*,?\s*(?:(?:{passive})\s+){{0,3}}(?P<cue>{cues})\b")
        self.breaker_punct = re.compile(r"[;:()“”\"—–]")  # the breaker words come from the shared keyword pass
        self.elliptic_before = re.compile(rf"\b(?:{alternation(lex['elliptic_before'])})\s*$")
        self.including_before = re.compile(r"\b(?:including|among them|among whom|of whom|of them)\s*$")
        self.including_last = ("including", "them", "whom")
        qual = alternation(nums["qualifiers"])
        self.cue_right_before = re.compile(
            rf"(?P<cue>{cues})\s+(?:(?:to|at|by|reached|rose|climbed|stood|of)\s+){{0,3}}(?:(?:{qual})\s+)?$", 0
        )
        self.of_them = re.compile(
            rf"\s*,?\s*(?:of\s+(?:them|whom)|among\s+them)\s+(?:were\s+|being\s+)?(?P<noun>{alternation(self.part_of)})\b"
        )
        speech = alternation(lex["speech_verbs"])
        self.np_boundary_words = {w.lower() for w in lex["np_boundary_words"]}
        # the last punctuation mark before a position (searched with an end position)
        self.last_np_stop = re.compile(r"[,;:(“”\"—–](?=[^,;:(“”\"—–]*$)")
        self.np_after = re.compile(r"\s+(?P<np>[^,.;:“”\"]{2,80})")
        self.not_speech_after = re.compile(r"\s+(?:by\b|the\s+lives|responsibility)")
        self.negator_words = {w.lower() for w in lex["negators"]}
        self.negator_last = {w.lower().split()[-1] for w in lex["negators"]}
        self.np_trailing = re.compile(rf"(?:\s+(?:{alternation(lex['np_trailing_adverbs'])}))+\s*$")
        self.np_trailing_last = {a.split()[-1].lower() for a in lex["np_trailing_adverbs"]}
        self.pronouns = {p.lower() for p in lex["pronouns"]}
        self.types: list[tuple[str, re.Pattern[str]]] = [
            (kind, re.compile(rf"(?<![\w-])(?:{alternation(words)})(?![\w-])", re.IGNORECASE))
            for kind, words in lex["claimant_types"]
        ]
        preps = alternation(lex["place_prepositions"])
        not_places = alternation(lex["not_places"])
        place = rf"(?P<place>(?!(?:{not_places})\b){_PLACE_CAP}(?:\s+(?!(?:{not_places})\b){_PLACE_CAP}){{0,2}}?)(?=['’]s\b|\s+alone\b|[\s,.;:]|$)"
        self.place = re.compile(rf"\b(?:{preps})\s+{place}", re.IGNORECASE)
        self.place_after = re.compile(rf"(?:\s+[\w’'-]+){{0,4}}?\s+(?:{preps})\s+{place}", re.IGNORECASE)
        period_units = alternation(lex["period_units"])
        number = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|few|several|couple of)"
        self.period = re.compile(
            rf"\b(?:{alternation(lex['period_phrases'])})\s+(?:(?:the\s+)?(?:past|last)\s+)?(?:{number}\s+)?(?:{period_units})\b"
            r"|\bover the weekend\b"
        )
        self.statement = re.compile(
            rf"\b(?:{speech}|{alternation(lex['statement_verbs'])})\b"
        )
        self.year_in = re.compile(r"\b(?:19|20)\d\d\b")
        self.hard_break = re.compile(r"[;:()“”\"]")
        self.speech_just_before = re.compile(rf"\b(?:{speech})\s*$")
        self.capitalised = re.compile(r"\b[A-Z][\w’'-]+")
        self.names_with_speech_verbs = tuple(" ".join(n.lower().split()) for n in lex["names_with_speech_verbs"])
        self.title_small_words = {w.lower() for w in lex["title_case_small_words"]}
        self.noun_outcomes: dict[str, str] = {k.lower(): v for k, v in lex["noun_outcomes"].items()}
        self.period_needles = tuple({u.split()[-1] for u in lex["period_units"]} | {"weekend"})
        self.and_before = re.compile(r"\band\s+\S+(?:\s+\S+)?\s*$")
        self.capital = re.compile("[A-Z]")
        self.quote_or_comma = re.compile(r"[,“”\"]")
        self.digit = re.compile(r"\d")


@functools.cache
def _rules() -> _Rules:
    return _Rules()


class _Speakers:
    """Who is speaking: attribution within a sentence, and the running speaker across sentences."""

    def __init__(self) -> None:
        self.last = ""  # full form of the last named speaker
        self.known: dict[str, str] = {}  # surname or lowered phrase -> fullest form seen

    def full(self, np: str) -> str:
        """The fullest known form of a name ("Bugti" -> "Balochistan Chief Minister Sarfraz Bugti")."""
        r = _rules()
        low = np.lower()
        if low in r.pronouns:
            return self.last
        caps = r.capitalised.findall(np)
        if len(caps) >= 2:
            self.known[caps[-1].lower()] = np
            return np
        if len(caps) == 1 and caps[0] == np and caps[0].lower() in self.known:
            return self.known[caps[0].lower()]
        if low.startswith("the ") and len(low) > 6:
            core = low[4:]
            for full in reversed(list(self.known.values())):
                if core in full.lower():
                    return full
        return np

    def attributions(self, sent: str, lsent: str, verbs: list[tuple[int, int, str]]) -> list[tuple[int, str]]:
        """``(position, claimant)`` of each attribution in ``sent``, given its speech verbs and
        "according to" phrases as ``(start, end, kind)`` offsets into ``sent``."""
        r = _rules()
        out: list[tuple[int, str]] = []
        for start, end, kind in verbs:
            if kind == "according":
                m = r.np_after.match(sent, end)
                np = self._clean(m.group("np")) if m else ""
            else:
                if r.not_speech_after.match(lsent, end):
                    continue
                np = self._clean(self._np_before(sent, lsent, start))
                if not np:
                    # inverted: "…,” said Bugti" / "said the chief minister"
                    tail = r.np_after.match(sent, end)
                    if tail and (tail.group("np")[0].isupper() or tail.group("np").lower().startswith("the ")):
                        np = self._clean(tail.group("np"))
            if np:
                out.append((start, self.full(np)))
        return out

    @staticmethod
    def _np_before(sent: str, lsent: str, start: int) -> str:
        """The words before a speech verb back to punctuation or a boundary word, at most nine."""
        r = _rules()
        lo = max(0, start - 90)
        m = r.last_np_stop.search(lsent, lo, start)
        words = sent[m.end() if m else lo : start].split()
        taken = 0
        for w in reversed(words):
            if w.lower() in r.np_boundary_words:
                break
            taken += 1
            if taken > 9:
                return ""
        return " ".join(words[len(words) - taken :])

    def _clean(self, np: str) -> str:
        r = _rules()
        np = np.strip()
        if np and np.rsplit(None, 1)[-1].lower() in r.np_trailing_last:  # ends with "also", "on Sunday" ...
            trail = r.np_trailing.search(np.lower())
            if trail:
                np = np[: trail.start()]
        np = np.strip(" ,’'")
        words = np.split()
        if not words or len(words) > 8:
            return ""
        low = np.lower()
        if low in r.pronouns or low.startswith(("the ", "a ", "an ", "its ", "their ", "his ", "her ")):
            return np
        if any(w[0].isupper() for w in words) or claimant_type(np):
            return np
        return ""


@functools.lru_cache(maxsize=4096)
def claimant_type(claimant: str) -> str:
    """``government``, ``military``, ``militant_group``, ``hospital``, ``media``, ``witness`` or "".

    >>> claimant_type("Balochistan Chief Minister Sarfraz Bugti"), claimant_type("the group"), claimant_type("the BLA")
    ('government', 'militant_group', 'militant_group')
    """
    if not claimant:
        return ""
    from geoincident.actors import find_actors

    if any(a.kind in ("armed_group", "state_label") for a in find_actors(claimant)):
        return "militant_group"
    for kind, pattern in _rules().types:
        if pattern.search(claimant):
            return kind
    return ""


def find_claims(
    text: str,
    *,
    article_id: str = "",
    published: str = "",
    sentences: list[tuple[int, int]] | None = None,
    dates: list[DateMention] | None = None,
) -> list[Claim]:
    """Every casualty claim of ``text`` (an ``Article.text``), in order; offsets index ``text``.

    ``sentences`` (from :func:`~geoincident.sentences.split_sentences`) and ``dates`` (from
    :func:`~geoincident.dates.find_dates` with the same ``published``) may be passed in when
    the caller already has them, to save computing them twice.

    >>> [(c.surface, c.low, c.qualifier, c.time_scope, c.date) for c in find_claims(
    ...     "The government said 92 militants were killed on Saturday and another 41 on Friday.",
    ...     published="2026-02-02")]
    [('92 militants', 92, 'exact', 'on Saturday', '2026-01-31'), ('41', 41, 'exact', 'on Friday', '2026-01-30')]
    >>> find_claims("They brought 11-year-old children; it took nearly 40 hours in 12 towns and killed no one.")
    []
    """
    r = _rules()
    sc = scan(text)
    hits = sc.hits
    if not hits["cue"] and not hits["noun_outcome"]:
        return []
    low = sc.low
    spans = sentences if sentences is not None else split_sentences(text)
    if not spans:
        return []
    starts = [s for s, _ in spans]

    def sentence_of(pos: int) -> int:
        """The index of the sentence whose span holds ``pos``, or -1."""
        i = bisect_right(starts, pos) - 1
        return i if i >= 0 and pos < spans[i][1] else -1

    # Only sentences with an outcome cue (or a noun such as "casualties") and a number can hold a claim.
    cues: dict[int, list[tuple[int, int, str]]] = {}
    for a, b, outcome in sorted(hits["cue"]):
        i = sentence_of(a)
        if i >= 0:
            cues.setdefault(i, []).append((a, b, outcome))
    for a, _, _ in hits["noun_outcome"]:
        i = sentence_of(a)
        if i >= 0:
            cues.setdefault(i, [])
    numbers = sorted(a for a, _, _ in hits["num"])
    claim_sentences = [
        i
        for i in sorted(cues)
        if _count(numbers, *spans[i]) or r.digit.search(text, spans[i][0], spans[i][1]) is not None
    ]
    if not claim_sentences:
        return []
    last_end = spans[claim_sentences[-1]][1]
    # Speech verbs and "according to" phrases, by sentence, up to the last sentence that holds a
    # claim: a claimant can be a speaker named sentences before ("... the quote goes on").
    verbs: dict[int, list[tuple[int, int, str]]] = {}
    for a, b, kind in sorted(
        [(a, b, "speech") for a, b, _ in hits["speech"] if a < last_end]
        + [(a, b, "according") for a, b, _ in hits["according"] if a < last_end]
    ):
        i = sentence_of(a)
        if i >= 0 and b <= spans[i][1] and (kind == "according" or _is_speech_verb(r, text, low, spans[i], a, b)):
            verbs.setdefault(i, []).append((a, b, kind))
    verb_sentences = sorted(verbs)
    speech = sorted((a, b) for a, b, _ in hits["speech"] if a < last_end)
    breakers = sorted((a, b) for a, b, _ in hits["breaker"] if a < last_end)
    quotes = _quote_depths(text, spans, sentence_of, last_end)

    speakers = _Speakers()
    claims: list[Claim] = []
    vi = 0  # verb_sentences[vi:] have not been read yet

    def attributions(i: int) -> list[tuple[int, str]]:
        s, e = spans[i]
        return speakers.attributions(text[s:e], low[s:e], [(a - s, b - s, k) for a, b, k in verbs[i]])

    def remember(attributions: list[tuple[int, str]]) -> None:
        named = [c for _, c in attributions if c and c.lower() not in r.pronouns]
        if named:
            speakers.last = named[-1]

    for i in claim_sentences:
        while vi < len(verb_sentences) and verb_sentences[vi] < i:
            remember(attributions(verb_sentences[vi]))
            vi += 1
        here = attributions(i) if i in verbs else []
        if vi < len(verb_sentences) and verb_sentences[vi] == i:
            vi += 1
        s, e = spans[i]
        if dates is None:
            dates = find_dates(text, published=published)
        sent_cues = [(a - s, b - s, v) for a, b, v in cues[i] if b <= e]
        words = [a - s for a in numbers[bisect_left(numbers, s) : bisect_left(numbers, e)]]
        # lower-case speech verbs not followed by "by"/"responsibility": a place phrase before them is the speaker's
        sent_speech = [
            (a - s, b - s)
            for a, b in speech[bisect_left(speech, (s,)) : bisect_left(speech, (e,))]
            if text[a:b] == low[a:b] and not r.not_speech_after.match(text, b, e)
        ]
        sent_breakers = [(a - s, b - s) for a, b in breakers[bisect_left(breakers, (s,)) : bisect_left(breakers, (e,))] if b <= e]
        ctx = _Sentence(text[s:e], low[s:e], sent_speech, sent_breakers)
        claims.extend(_sentence_claims(r, text, s, e, dates, sent_cues, words, here, speakers, quotes(i), article_id, ctx))
        remember(here)
    return claims


def _count(sorted_starts: list[int], s: int, e: int) -> int:
    return bisect_left(sorted_starts, e) - bisect_left(sorted_starts, s)


def _is_speech_verb(r: _Rules, text: str, low: str, span: tuple[int, int], a: int, b: int) -> bool:
    """A lower-case speech verb is one; a capitalised one only in a title-case headline, and not
    as the end of a name ("United States")."""
    if text[a].islower():
        return True
    if not text[a].isupper() or any(low.endswith(name, span[0], b) for name in r.names_with_speech_verbs):
        return False
    words = [w for w in text[span[0] : span[1]].split() if w[0].isalpha()]
    return len(words) >= 3 and all(w[0].isupper() or w.lower() in r.title_small_words for w in words)


def _quote_depths(
    text: str, spans: list[tuple[int, int]], sentence_of: Callable[[int], int], end: int
) -> Callable[[int], bool]:
    """Whether sentence ``i`` (ending by ``end``) is inside a quotation, opened in it or before it."""
    change: dict[int, int] = {}
    for m in _QUOTE.finditer(text, 0, end):
        i = sentence_of(m.start())
        if i >= 0:
            change[i] = change.get(i, 0) + (1 if m.group() == "“" else -1)
    order = sorted(change)
    state = {"k": 0, "depth": 0}

    def in_quote(i: int) -> bool:
        # callers ask in increasing order of i
        while state["k"] < len(order) and order[state["k"]] < i:
            state["depth"] = max(0, state["depth"] + change[order[state["k"]]])
            state["k"] += 1
        return state["depth"] > 0 or text.startswith(("“", '"'), spans[i][0])

    return in_quote


_QUOTE = re.compile("[“”]")


class _Sentence:
    """One sentence and what several claims in it look up: its speech verbs and its clause
    breakers (punctuation found here, breaker words by the shared keyword pass)."""

    __slots__ = ("sent", "lsent", "speech", "_words", "_b_starts", "_b_ends", "_period")

    def __init__(self, sent: str, lsent: str, speech: list[tuple[int, int]], breaker_words: list[tuple[int, int]]) -> None:
        self.sent = sent
        self.lsent = lsent
        self.speech = speech  # (start, end) of the lower-case speech verbs, offsets into sent
        self._words = breaker_words  # (start, end) of the clause-breaker words, offsets into sent
        self._b_starts: list[int] | None = None
        self._b_ends: list[int] = []
        self._period: bool | None = None

    def has_period_unit(self) -> bool:
        """Whether the sentence holds a unit word of a period phrase ("past two days"): none, no period."""
        if self._period is None:
            self._period = any(unit in self.lsent for unit in _rules().period_needles)
        return self._period

    def _breakers(self) -> tuple[list[int], list[int]]:
        if self._b_starts is None:
            found = sorted([m.span() for m in _rules().breaker_punct.finditer(self.lsent)] + self._words)
            self._b_starts = [a for a, _ in found]
            self._b_ends = [b for _, b in found]
        return self._b_starts, self._b_ends

    def breaks(self, lo: int, hi: int) -> bool:
        """Whether a clause breaker lies within ``[lo, hi)``."""
        starts, ends = self._breakers()
        k = bisect_left(starts, lo)
        return k < len(starts) and ends[k] <= hi

    def last_break_end(self, lo: int, hi: int) -> int:
        """The end of the last clause breaker within ``[lo, hi)``, or ``lo``."""
        starts, ends = self._breakers()
        k = bisect_right(ends, hi) - 1
        return ends[k] if k >= 0 and starts[k] >= lo else lo


def _sentence_claims(
    r: _Rules,
    text: str,
    s: int,
    e: int,
    dates: list[DateMention],
    cues: list[tuple[int, int, str]],
    number_words: list[int],
    attributions: list[tuple[int, str]],
    speakers: _Speakers,
    in_quote: bool,
    article_id: str,
    ctx: _Sentence,
) -> list[Claim]:
    sent = ctx.sent
    lsent = ctx.lsent
    quantities = quantities_at(sent, lsent, number_words)
    if not quantities:
        return []
    sent_dates = [
        DateMention(d.start - s, d.end - s, d.surface, d.date, d.precision) for d in dates if s <= d.start and d.end <= e
    ]
    out: list[dict] = []
    for qi, q in enumerate(quantities):
        if any(d.start <= q.start < d.end for d in sent_dates):
            continue
        if _negated(r, lsent, q.start):
            continue
        prev = out[-1] if out else None
        # "31 civilians, five of them women": a part of the previous claim, not a claim
        if prev is not None and not q.parts and q.best is not None:
            m_of = r.of_them.match(lsent, q.end)
            if m_of:
                prev["parts"] = prev["parts"] + ((r.part_of[m_of.group("noun")], q.best),)
                continue
        noun = ""
        noun_end = q.end
        group = ""
        parts = q.parts
        if parts:
            group = "civilians"
        else:
            if r.unit_after.match(lsent, q.end):
                continue
            m = r.noun_after.match(sent, q.end)
            if m is None:
                m = r.inherit_after.match(lsent, q.end)
            if m is not None:
                noun = " ".join(m.group("noun").lower().split())
                noun_end = m.end()
                if noun in r.inherit:
                    group = prev["group"] if prev else "unknown"
                else:
                    group = r.group_of[noun]
                    if noun in r.part_of and q.best is not None and q.qualifier == "exact":
                        parts = ((r.part_of[noun], q.best),)
        before = lsent[max(0, q.start - 40) : q.start]
        # "including five women": a part of the claim before, or a figure that inherits its outcome
        including = (
            prev is not None
            and before.rstrip().endswith(r.including_last)
            and r.including_before.search(before) is not None
        )
        if including and parts and prev["group"] in ("civilians", "unknown") and prev["end"] <= q.start:
            prev["parts"] = prev["parts"] + parts
            continue
        outcome = ""
        cue_m = r.cue_after.match(lsent, noun_end)
        if noun and noun in r.outcome_of:  # "claimed 50 lives", "145 bodies"
            outcome = r.outcome_of[noun]
        elif cue_m:
            outcome = r.outcome_of[" ".join(cue_m.group("cue").lower().split())]
        elif noun in r.noun_outcomes:  # "40 casualties"
            outcome = r.noun_outcomes[noun]
        if not noun and not parts:
            # A bare number counts people only when it continues a claim or stands next to a cue.
            if prev is not None and r.elliptic_before.search(before) and not cue_m:
                outcome, group = prev["outcome"], prev["group"]
            else:
                right = r.cue_right_before.search(lsent, max(0, q.start - 40), q.start)
                if not cue_m and not right:
                    continue
                if not outcome:
                    outcome = r.outcome_of[" ".join(right.group("cue").lower().split())]  # type: ignore[union-attr]
                group = prev["group"] if prev is not None and r.and_before.search(before) else "unknown"
        if not outcome and including:
            outcome = prev["outcome"]
        if not outcome:
            outcome = _backward_cue(ctx, cues, q.start)
        if not outcome:
            outcome = _forward_cue(ctx, cues, noun_end, quantities[qi + 1 :])
        if not outcome:
            continue
        if outcome == "captured":
            outcome = "arrested" if group == "militants" else "abducted"
        out.append(
            {
                "q": q, "end": noun_end, "group": group or "unknown", "outcome": outcome, "parts": parts,
                "parent": prev if including else None,
            }
        )
    claims: list[Claim] = []
    for i, c in enumerate(out):
        q: Quantity = c["q"]
        seg_end = out[i + 1]["q"].start if i + 1 < len(out) else len(sent)
        scope, date, precision = _time(r, ctx, sent_dates, c["end"], seg_end, q.start)
        if not scope and c["parent"] is not None:
            parent = next((cl for cl in claims if cl.start == c["parent"]["q"].start + s), None)
            if parent is not None:
                scope, date, precision = parent.time_scope, parent.date, parent.date_precision
        place_name = _place(r, ctx, q.start, c["end"])
        claimant = _claimant(attributions, q.start) or (speakers.last if in_quote else "")
        claims.append(
            Claim(
                article_id=article_id,
                surface=text[s + q.start : s + c["end"]],
                start=s + q.start,
                end=s + c["end"],
                sentence=sent,
                outcome=c["outcome"],
                group=c["group"],
                low=q.low,
                best=q.best,
                high=q.high,
                qualifier=q.qualifier,
                parts=c["parts"],
                claimant=claimant,
                claimant_type=claimant_type(claimant),
                time_scope=scope,
                date=date,
                date_precision=precision,
                place_name=place_name,
                scope="site" if place_name else "event",
            )
        )
    return claims


def _negated(r: _Rules, lsent: str, start: int) -> bool:
    words = lsent[max(0, start - 20) : start].split()[-3:]
    if not words or words[-1] not in r.negator_last:  # no negator ends right before the figure
        return False
    for i in range(len(words)):
        if " ".join(words[i:]) in r.negator_words:
            return r.negator_before.search(lsent, max(0, start - 20), start) is not None
    return False


def _backward_cue(ctx: _Sentence, cues: list[tuple[int, int, str]], start: int) -> str:
    best = None
    for cue in cues:
        if cue[1] <= start and start - cue[1] <= 150:
            best = cue
    if best is None or ctx.breaks(best[1], start):
        return ""
    return best[2]


def _forward_cue(ctx: _Sentence, cues: list[tuple[int, int, str]], end: int, later: list[Quantity]) -> str:
    for cue_start, cue_end, outcome in cues:
        if cue_start >= end:
            if ctx.breaks(end, cue_start):
                return ""
            # "30 militants attacked and killed 5 soldiers": the cue has its own object
            if any(0 <= q.start - cue_end <= 12 for q in later):
                return ""
            return outcome
    return ""


def _time(r: _Rules, ctx: _Sentence, dates: list[DateMention], end: int, seg_end: int, start: int) -> tuple[str, str, str]:
    """The time phrase of a claim: the first after it in its segment, else the last before it."""
    sent, lsent = ctx.sent, ctx.lsent
    after = [
        d
        for d in dates
        if end <= d.start < seg_end
        and not r.speech_just_before.search(lsent, max(0, d.start - 20), d.start)
        and not ctx.breaks(end, d.start)
    ]
    period = None
    # every period phrase holds one of its unit words ("past two days"): look for them first
    if ctx.has_period_unit() and any(lsent.find(unit, end, seg_end) >= 0 for unit in r.period_needles):
        period = r.period.search(lsent, end, seg_end)
        if period and ctx.breaks(end, period.start()):
            period = None
    if period and (not after or period.start() < after[0].start):
        return sent[period.start() : period.end()], "", ""
    if after:
        return after[0].surface, after[0].date, after[0].precision
    before = [d for d in dates if d.end <= start]
    if before:
        d = before[-1]
        # a date cut off by a clause break or a statement ("On Sunday, X said") is not the claim's
        if not r.hard_break.search(sent, d.end, start):
            # A weekday before a statement verb dates the statement ("On Sunday, X condemned...");
            # a full date with its year frames the whole sentence ("On May 21, 2025, X wrote after a blast...").
            if r.year_in.search(d.surface) or not r.statement.search(sent, d.end, start):
                return d.surface, d.date, d.precision
    return "", "", ""


def _place(r: _Rules, ctx: _Sentence, start: int, end: int) -> str:
    """The place phrase the clause ties a figure to: "in Gwadar (alone)" before it or "killed in Quetta" after."""
    # the clause: after the last breaker and the last speech verb within 160 characters before the figure
    window_start = ctx.last_break_end(max(0, start - 160), start)
    for a, b in ctx.speech:
        if a >= window_start and b <= start:
            window_start = b
    found = ""
    if r.capital.search(ctx.sent, window_start, start):  # a place phrase needs a capital letter
        for m in r.place.finditer(ctx.sent, window_start, start):
            found = m.group("place")
    if found:
        return found
    m = r.place_after.match(ctx.sent, end) if r.capital.search(ctx.sent, end) else None
    if m and not r.quote_or_comma.search(ctx.sent, end, m.start("place")):
        return m.group("place")
    return ""


def _claimant(attributions: list[tuple[int, str]], start: int) -> str:
    before = [c for pos, c in attributions if pos <= start and c]
    if before:
        return before[-1]
    after = [c for pos, c in attributions if pos > start and c]
    return after[0] if after else ""

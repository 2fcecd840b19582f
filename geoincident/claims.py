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
from geoincident.numbers import quantity_tuples
from geoincident.records import Claim, fast_constructor
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
        self.elliptic_last = tuple({w.split()[-1] for w in lex["elliptic_before"]})  # one must end the text before
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
        # up to the last punctuation mark before a position (matched with an end position)
        self.last_np_stop = re.compile(r".*[,;:(“”\"—–]", re.DOTALL)
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
        # where either can start: a preposition before a capital (found once per sentence)
        self.place_start = re.compile(rf"(?i:\b(?:{preps}))(?=\s+[A-Z])")
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
        # every period phrase holds one of these words ("past two days"): looked for before the phrases
        self.period_unit = re.compile(alternation({u.split()[-1] for u in lex["period_units"]} | {"weekend"}))
        self.and_before = re.compile(r"\band\s+\S+(?:\s+\S+)?\s*$")
        self.quote_or_comma = re.compile(r"[,“”\"]")
        self.digit = re.compile(r"\d")


@functools.cache
def _rules() -> _Rules:
    return _Rules()


class _Speakers:
    """The running speaker across sentences, and the fullest form of each name seen."""

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


def _attributions(
    r: _Rules, speakers: _Speakers, text: str, low: str, span: tuple[int, int], verbs: list[tuple[int, int, str]]
) -> list[tuple[int, str]]:
    """``(position in the sentence, claimant)`` of each attribution in the sentence ``span``, given
    its speech verbs and "according to" phrases as ``(start, end, kind)`` offsets into ``text``."""
    s, e = span
    sent = text[s:e]
    lsent = low[s:e]
    out: list[tuple[int, str]] = []
    for a, b, kind in verbs:
        start = a - s
        end = b - s
        if kind == "according":
            m = r.np_after.match(sent, end)
            np = _clean(r, m.group("np")) if m else ""
        else:
            if r.not_speech_after.match(lsent, end):
                continue
            np = _clean(r, _np_before(r, sent, lsent, start))
            if not np:
                # inverted: "…,” said Bugti" / "said the chief minister"
                tail = r.np_after.match(sent, end)
                if tail:
                    t = tail.group("np")
                    if t[0].isupper() or t.lower().startswith("the "):
                        np = _clean(r, t)
        if np:
            out.append((start, speakers.full(np)))
    return out


def _np_before(r: _Rules, sent: str, lsent: str, start: int) -> str:
    """The words before a speech verb back to punctuation or a boundary word, at most nine."""
    lo = start - 90 if start > 90 else 0
    m = r.last_np_stop.match(lsent, lo, start)
    if m is not None:
        lo = m.end()
    # lower-casing keeps every character in place, so both split into the same words
    lwords = lsent[lo:start].split()
    taken = 0
    boundary = r.np_boundary_words
    for w in reversed(lwords):
        if w in boundary:
            break
        taken += 1
        if taken > 9:
            return ""
    return " ".join(sent[lo:start].split()[-taken:]) if taken else ""


@functools.lru_cache(maxsize=8192)
def _clean(r: _Rules, np: str) -> str:
    """The claimant noun phrase ``np`` trimmed of trailing words and quotes, or "" when it names nobody
    (memoised: the same phrases recur across sentences and articles)."""
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


_new_claim = fast_constructor(Claim)


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
    sc = scan(text)
    hits = sc.hits
    if not hits["cue"] and not hits["noun_outcome"]:
        return []
    spans = sentences if sentences is not None else split_sentences(text)
    if not spans:
        return []
    r = _rules()
    low = sc.low
    starts = [s for s, _ in spans]

    # Only sentences with an outcome cue (or a noun such as "casualties") and a number can hold a claim.
    cues: dict[int, list[tuple[int, int, str]]] = {}
    for hit in sorted(hits["cue"]):
        a = hit[0]
        i = bisect_right(starts, a) - 1
        if i >= 0 and a < spans[i][1]:
            if i in cues:
                cues[i].append(hit)
            else:
                cues[i] = [hit]
    for a, _, _ in hits["noun_outcome"]:
        i = bisect_right(starts, a) - 1
        if i >= 0 and a < spans[i][1] and i not in cues:
            cues[i] = []
    numbers = sorted([a for a, _, _ in hits["num"]])
    digit = r.digit.search
    claim_sentences = []
    for i in sorted(cues):
        s, e = spans[i]
        if bisect_left(numbers, e) > bisect_left(numbers, s) or digit(text, s, e) is not None:
            claim_sentences.append(i)
    if not claim_sentences:
        return []
    last_end = spans[claim_sentences[-1]][1]

    # Speech verbs and "according to" phrases, by sentence, up to the last sentence that holds a
    # claim: a claimant can be a speaker named sentences before ("... the quote goes on").
    speech = sorted([(a, b) for a, b, _ in hits["speech"] if a < last_end])
    if hits["according"]:
        candidates = sorted(
            [(a, b, "speech") for a, b in speech] + [(a, b, "according") for a, b, _ in hits["according"] if a < last_end]
        )
    else:
        candidates = [(a, b, "speech") for a, b in speech]
    verbs: dict[int, list[tuple[int, int, str]]] = {}
    for hit in candidates:
        a, b, kind = hit
        i = bisect_right(starts, a) - 1
        if i < 0:
            continue
        span = spans[i]
        if (
            a < span[1]
            and b <= span[1]
            and (kind == "according" or text[a].islower() or _is_speech_verb(r, text, low, span, a, b))
        ):
            if i in verbs:
                verbs[i].append(hit)
            else:
                verbs[i] = [hit]
    verb_sentences = sorted(verbs)
    n_verbs = len(verb_sentences)
    speech_starts = [a for a, _ in speech]
    breakers = sorted([(a, b) for a, b, _ in hits["breaker"] if a < last_end])
    breaker_starts = [a for a, _ in breakers]

    # Quotation depth: the net count of opening minus closing quotes of each sentence before.
    quote_change: dict[int, int] = {}
    for m in _QUOTE.finditer(text, 0, last_end):
        p = m.start()
        i = bisect_right(starts, p) - 1
        if i >= 0 and p < spans[i][1]:
            quote_change[i] = quote_change.get(i, 0) + (1 if m.group() == "“" else -1)
    quote_order = sorted(quote_change)
    n_quotes = len(quote_order)
    qk = depth = 0

    if dates is None:
        dates = find_dates(text, published=published)
    date_starts = [d.start for d in dates]
    dates_sorted = date_starts == sorted(date_starts)

    speakers = _Speakers()
    claims: list[Claim] = []
    vi = 0  # verb_sentences[vi:] have not been read yet
    for i in claim_sentences:
        while vi < n_verbs and verb_sentences[vi] < i:
            j = verb_sentences[vi]
            _remember(r, speakers, _attributions(r, speakers, text, low, spans[j], verbs[j]))
            vi += 1
        here = _attributions(r, speakers, text, low, spans[i], verbs[i]) if i in verbs else []
        if vi < n_verbs and verb_sentences[vi] == i:
            vi += 1
        # inside a quotation opened in an earlier sentence, or starting with a quote
        while qk < n_quotes and quote_order[qk] < i:
            depth = max(0, depth + quote_change[quote_order[qk]])
            qk += 1
        s, e = spans[i]
        lsent = low[s:e]
        quantities = quantity_tuples(lsent, [a - s for a in numbers[bisect_left(numbers, s) : bisect_left(numbers, e)]])
        if quantities:
            near = dates[bisect_left(date_starts, s) : bisect_left(date_starts, e)] if dates_sorted else dates
            k0, k1 = bisect_left(speech_starts, s), bisect_left(speech_starts, e)
            b0, b1 = bisect_left(breaker_starts, s), bisect_left(breaker_starts, e)
            claims += _sentence_claims(
                r,
                text,
                (s, e),
                lsent,
                quantities,
                [(a - s, b - s, v) for a, b, v in cues[i] if b <= e],
                [(d.start - s, d.end - s, d.surface, d.date, d.precision) for d in near if s <= d.start and d.end <= e],
                [(a - s, b - s) for a, b in speech[k0:k1] if text[a:b] == low[a:b] and not r.not_speech_after.match(text, b, e)]
                if k1 > k0
                else [],
                [(a - s, b - s) for a, b in breakers[b0:b1] if b <= e],
                here,
                speakers.last if depth > 0 or text.startswith(("“", '"'), s) else "",
                article_id,
            )
        _remember(r, speakers, here)
    return claims


def _remember(r: _Rules, speakers: _Speakers, attributions: list[tuple[int, str]]) -> None:
    """The last named claimant of a sentence becomes the running speaker."""
    for _, c in reversed(attributions):
        if c and c.lower() not in r.pronouns:
            speakers.last = c
            return


def _is_speech_verb(r: _Rules, text: str, low: str, span: tuple[int, int], a: int, b: int) -> bool:
    """A lower-case speech verb is one; a capitalised one only in a title-case headline, and not
    as the end of a name ("United States")."""
    if text[a].islower():
        return True
    if not text[a].isupper() or any(low.endswith(name, span[0], b) for name in r.names_with_speech_verbs):
        return False
    words = [w for w in text[span[0] : span[1]].split() if w[0].isalpha()]
    return len(words) >= 3 and all(w[0].isupper() or w.lower() in r.title_small_words for w in words)


_QUOTE = re.compile("[“”]")


def _sentence_claims(
    r: _Rules,
    text: str,
    span: tuple[int, int],
    lsent: str,
    quantities: list[tuple],
    cues: list[tuple[int, int, str]],
    dates: list[tuple[int, int, str, str, str]],
    speech: list[tuple[int, int]],
    breaker_words: list[tuple[int, int]],
    attributions: list[tuple[int, str]],
    quoted: str,
    article_id: str,
) -> list[Claim]:
    """The claims among the number phrases of one sentence.

    Offsets are into the sentence: ``cues`` the outcome cues ``(start, end, outcome)``, ``dates``
    ``(start, end, surface, date, precision)``, ``speech`` the lower-case speech verbs and
    ``breaker_words`` the clause-breaker words; ``attributions`` as :func:`_attributions` gives
    them; ``quoted`` the speaker of a quotation the sentence is in, else "".
    """
    s, e = span
    sent = text[s:e]
    # clause breakers: punctuation found here, breaker words from the shared keyword pass
    found_breaks = [m.span() for m in r.breaker_punct.finditer(lsent)]
    if breaker_words:
        found_breaks = sorted(found_breaks + breaker_words)
    b_starts = [a for a, _ in found_breaks]
    b_ends = [b for _, b in found_breaks]
    n_breaks = len(found_breaks)

    def breaks(lo: int, hi: int) -> bool:
        """Whether a clause breaker lies within ``[lo, hi)``."""
        k = bisect_left(b_starts, lo)
        return k < n_breaks and b_ends[k] <= hi

    last_cue_start = cues[-1][0] if cues else -1
    # entries: [start, end, outcome, group, parts, index of the claim it is counted in, quantity]
    out: list[list] = []
    for qi, q in enumerate(quantities):
        q_start, q_end, _, best, _, qualifier, parts = q
        in_date = False
        for d in dates:
            if d[0] <= q_start < d[1]:
                in_date = True
                break
        if in_date or _negated(r, lsent, q_start):
            continue
        prev = out[-1] if out else None
        # "31 civilians, five of them women": a part of the previous claim, not a claim
        if prev is not None and not parts and best is not None:
            m_of = r.of_them.match(lsent, q_end)
            if m_of:
                prev[4] = prev[4] + ((r.part_of[m_of.group("noun")], best),)
                continue
        noun = ""
        noun_end = q_end
        group = ""
        if parts:
            group = "civilians"
        else:
            if r.unit_after.match(lsent, q_end):
                continue
            m = r.noun_after.match(sent, q_end)
            if m is None:
                m = r.inherit_after.match(lsent, q_end)
            if m is not None:
                noun = " ".join(m.group("noun").lower().split())
                noun_end = m.end()
                if noun in r.inherit:
                    group = prev[3] if prev else "unknown"
                else:
                    group = r.group_of[noun]
                    if best is not None and qualifier == "exact" and noun in r.part_of:
                        parts = ((r.part_of[noun], best),)
        before = lsent[q_start - 40 if q_start > 40 else 0 : q_start]
        stripped = before.rstrip()
        # "including five women": a part of the claim before, or a figure that inherits its outcome
        including = (
            prev is not None
            and stripped.endswith(r.including_last)
            and r.including_before.search(before) is not None
        )
        if including and parts and prev[3] in ("civilians", "unknown") and prev[1] <= q_start:  # type: ignore[index]
            prev[4] = prev[4] + parts  # type: ignore[index]
            continue
        outcome = ""
        # a cue right after the noun is one the keyword pass found after it
        cue_m = r.cue_after.match(lsent, noun_end) if last_cue_start >= noun_end else None
        if noun and noun in r.outcome_of:  # "claimed 50 lives", "145 bodies"
            outcome = r.outcome_of[noun]
        elif cue_m:
            outcome = r.outcome_of[" ".join(cue_m.group("cue").lower().split())]
        elif noun in r.noun_outcomes:  # "40 casualties"
            outcome = r.noun_outcomes[noun]
        if not noun and not parts:
            # A bare number counts people only when it continues a claim or stands next to a cue.
            if (
                prev is not None
                and not cue_m
                and stripped.endswith(r.elliptic_last)
                and r.elliptic_before.search(before)
            ):
                outcome, group = prev[2], prev[3]
            else:
                right = r.cue_right_before.search(lsent, q_start - 40 if q_start > 40 else 0, q_start)
                if not cue_m and not right:
                    continue
                if not outcome:
                    outcome = r.outcome_of[" ".join(right.group("cue").lower().split())]  # type: ignore[union-attr]
                group = prev[3] if prev is not None and "and" in before and r.and_before.search(before) else "unknown"
        if not outcome and including:
            outcome = prev[2]  # type: ignore[index]
        if not outcome:
            # the nearest cue before it, with no clause break between
            back = None
            for cue in cues:
                if cue[1] <= q_start and q_start - cue[1] <= 150:
                    back = cue
            if back is not None and not breaks(back[1], q_start):
                outcome = back[2]
        if not outcome:
            # else the next cue after it, with no clause break between and no object of its own
            for cue_start, cue_end, cue_outcome in cues:
                if cue_start >= noun_end:
                    if not breaks(noun_end, cue_start) and not any(
                        0 <= quantities[k][0] - cue_end <= 12 for k in range(qi + 1, len(quantities))
                    ):
                        outcome = cue_outcome
                    break
        if not outcome:
            continue
        if outcome == "captured":
            outcome = "arrested" if group == "militants" else "abducted"
        out.append([q_start, noun_end, outcome, group or "unknown", parts, len(out) - 1 if including else None, q])

    claims: list[Claim] = []
    place_starts: list[int] | None = None
    n = len(out)
    for k, (c_start, c_end, outcome, group, parts, parent, q) in enumerate(out):
        time = _time(r, sent, lsent, breaks, dates, c_end, out[k + 1][0] if k + 1 < n else len(sent), c_start)
        if not time[0] and parent is not None:
            p_claim = claims[parent]
            time = (p_claim.time_scope, p_claim.date, p_claim.date_precision)
        # The place: the last "in/at/near <Capitalised>" before the figure in its clause and after
        # any speech verb, else one within four words after it.
        if place_starts is None:
            place_starts = [m.start() for m in r.place_start.finditer(sent)]
        place_name = ""
        if place_starts:
            window_start = c_start - 160 if c_start > 160 else 0
            kb = bisect_right(b_ends, c_start) - 1
            if kb >= 0 and b_starts[kb] >= window_start:
                window_start = b_ends[kb]
            for a, b in speech:
                if a >= window_start and b <= c_start:
                    window_start = b
            # r.place.finditer(sent, window_start, c_start), tried only where a match can start
            pos = window_start
            for a in place_starts[bisect_left(place_starts, window_start) : bisect_left(place_starts, c_start)]:
                if a >= pos:
                    m = r.place.match(sent, a, c_start)
                    if m is not None:
                        place_name = m.group("place")
                        pos = m.end()
            if not place_name and place_starts[-1] > c_end:
                m = r.place_after.match(sent, c_end)
                if m and not r.quote_or_comma.search(sent, c_end, m.start("place")):
                    place_name = m.group("place")
        claimant = (_claimant(attributions, c_start) or quoted) if attributions else quoted
        claims.append(
            _new_claim(
                article_id=article_id,
                surface=sent[c_start:c_end],
                start=s + c_start,
                end=s + c_end,
                sentence=sent,
                outcome=outcome,
                group=group,
                low=q[2],
                best=q[3],
                high=q[4],
                qualifier=q[5],
                parts=parts,
                claimant=claimant,
                claimant_type=claimant_type(claimant),
                time_scope=time[0],
                date=time[1],
                date_precision=time[2],
                place_name=place_name,
                scope="site" if place_name else "event",
            )
        )
    return claims


def _negated(r: _Rules, lsent: str, start: int) -> bool:
    words = lsent[start - 20 if start > 20 else 0 : start].split()[-3:]
    if not words or words[-1] not in r.negator_last:  # no negator ends right before the figure
        return False
    for i in range(len(words)):
        if " ".join(words[i:]) in r.negator_words:
            return r.negator_before.search(lsent, max(0, start - 20), start) is not None
    return False


def _time(
    r: _Rules,
    sent: str,
    lsent: str,
    breaks: Callable[[int, int], bool],
    dates: list[tuple[int, int, str, str, str]],
    end: int,
    seg_end: int,
    start: int,
) -> tuple[str, str, str]:
    """The time phrase of a claim: the first after it in its segment, else the last before it."""
    first = None
    for d in dates:
        d_start = d[0]
        if (
            end <= d_start < seg_end
            and not r.speech_just_before.search(lsent, max(0, d_start - 20), d_start)
            and not breaks(end, d_start)
        ):
            first = d
            break
    # every period phrase holds one of its unit words ("past two days"): look for them first
    if r.period_unit.search(lsent, end, seg_end):
        period = r.period.search(lsent, end, seg_end)
        if period and not breaks(end, period.start()) and (first is None or period.start() < first[0]):
            return sent[period.start() : period.end()], "", ""
    if first is not None:
        return first[2], first[3], first[4]
    for d in reversed(dates):
        if d[1] <= start:
            # a date cut off by a clause break or a statement ("On Sunday, X said") is not the claim's
            if not r.hard_break.search(sent, d[1], start):
                # A weekday before a statement verb dates the statement ("On Sunday, X condemned...");
                # a full date with its year frames the whole sentence ("On May 21, 2025, X wrote after a blast...").
                if r.year_in.search(d[2]) or not r.statement.search(sent, d[1], start):
                    return d[2], d[3], d[4]
            break
    return "", "", ""


def _claimant(attributions: list[tuple[int, str]], start: int) -> str:
    """The nearest attribution before the figure in its sentence, else the first after it."""
    found = ""
    for pos, c in attributions:
        if pos > start:
            if found:
                return found
            if c:
                return c
        elif c:
            found = c
    return found

"""Place mentions of an article: spot, keep the real toponyms, resolve them in context, give each a role.

The steps, each a general rule (the cue words live in ``lexicon/roles.json``):

1. **Spot** every gazetteer name with one automaton pass (:meth:`Gazetteer.spot`).
2. **Drop what is not a place.** A name right after a capitalised word that is not a
   preposition or a place is a surname ("Sarfraz Bugti", "Allah Nazar"), and so is every
   later occurrence of that surname ("Bugti said"). A name that may be an ordinary word or a
   surname (``Candidate.needs_context``: Hub, Bela) is kept only after a place cue ("in Hub")
   or before an area noun ("Hub district"). Words of ``not_places`` are never places.
3. **Resolve in context.** Candidates come ranked from the gazetteer; among those nearly as
   good as the first, the article's country (the one its unambiguous places share) wins (not
   over a country or region of that name, nor over a town ten times bigger: "Russia" and
   "London" in an American story), then the one nearest to the article's other places. A name that stays ambiguous is unresolved,
   with its candidates and a reason; nothing raises.
4. **Sub-sites** ("the Red Zone", "PTC building", "Frontier Corps headquarters in Nushki")
   attach to the town the text ties them to: named with them ("... in X", "X's ..."), or
   opening their clause with a locative ("In Gwadar, terrorists ... targeted a labour colony").
   Another town of the same sentence is not enough; such a sub-site stays unattached.
5. **Roles** from the words around the mention: the nearest cue before it in the same
   sentence ("press conference in" -> statement, "belonging to" -> origin, "present in" ->
   actor_base, "attacks in" -> incident_site), a cue after it ("Nushki has been cleared"), the
   role of the list it belongs to ("in Quetta, Gwadar, Mastung and Noshki"), a bare locative
   preposition ("in", "near") in a sentence about violence -> incident_site, a dateline at the
   top of the text; incident sites in sentences about a recalled past event become
   past_incident. Everything else is ``other``.

>>> from geoincident.mentions import find_mentions
>>> from geoincident.records import Candidate, Place
>>> quetta = Place("q", "Quetta", "town", lat=30.18, lon=67.0, country="PK")
>>> class Spot:  # what Gazetteer.spot returns
...     def __init__(self, text, name, cands):
...         self.start = text.index(name); self.end = self.start + len(name)
...         self.surface = name; self.candidates = cands
>>> class Gaz:
...     def spot(self, text):
...         return [Spot(text, "Quetta", (Candidate(quetta, 1.0, "exact", "Quetta"),))]
>>> [(m.surface, m.role) for m in find_mentions("Gunmen attacked a bank in Quetta.", gazetteer=Gaz())]
[('Quetta', 'incident_site')]
>>> [(m.surface, m.role) for m in find_mentions("He told reporters in Quetta.", gazetteer=Gaz())]
[('Quetta', 'statement')]
"""

from __future__ import annotations

import functools
import math
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from geoincident.lexicon.scan import peek, role_phrases, scan
from geoincident.records import Candidate, Mention, Place, fast_constructor

__all__ = ["find_mentions", "resolve_in_context", "mention_event_index", "about_violence", "RoleLexicon", "role_lexicon"]

#: candidates within this much of the best gazetteer score compete on context
SCORE_MARGIN = 0.1
#: a same-named place of the article's country beats a foreign one at most this many times bigger
POPULATION_RATIO = 10
#: same-named candidates closer than this are one place at two levels (a town and its district)
NEAR_SAME_KM = 50.0
#: two candidates further apart than this are different answers (the 161 km of the literature)
AMBIGUOUS_KM = 161.0
_TOWNISH = frozenset({"town", "landmark"})
_BROAD = frozenset({"continent", "country", "province", "admin1", "division"})
#: a line longer than this is a paragraph, not a headline in title case
HEADLINE_MAX_CHARS = 250
#: a foreign place smaller than this, named without any place cue, is more likely a word or a name
SMALL_FOREIGN_POPULATION = 100_000


# ---------------------------------------------------------------------------------------------- lexicon


@dataclass(frozen=True)
class RoleLexicon:
    """``lexicon/roles.json`` compiled once: cue patterns, word sets, the violence automaton (the cue
    and sub-site phrases are found by the shared keyword pass, :mod:`geoincident.lexicon.scan`)."""

    window: int
    left_role: dict[str, str]  # cue phrase (single-spaced, lower) -> role, "weak" or "" (neutral)
    right_cues: dict[str, re.Pattern[str]]  # role -> cue right after a mention, filler adverbs skipped
    right_first_words: frozenset[str]  # the words a right cue can start with (fillers included)
    speech_re: re.Pattern[str]
    modifier_heads: frozenset[str]
    not_name_words: frozenset[str]
    not_places: frozenset[str]
    area_nouns: frozenset[str]
    scope_locatives: frozenset[str]  # "in" of "In Gwadar, ..." (a locative that opens its clause)
    clause_openers: frozenset[str]  # "that" of "He said that in Gwadar, ..."
    violence: Any  # ahocorasick.Automaton: a boundary character + a case form of a violence word -> length


def _alternation(phrases: Collection[str]) -> str:
    ordered = sorted(set(phrases), key=lambda p: (-len(p), p))
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)


#: characters a phrase may follow (it must start a word)
_LEAD = " \n“("


def _case_forms(phrase: str) -> set[str]:
    """The spellings of a word the violence automaton knows (it runs over sentences as they are):
    as written, lower case, Capitalised, Title Case and UPPER CASE.

    >>> sorted(_case_forms("Red Zone"))
    ['RED ZONE', 'Red Zone', 'Red zone', 'red zone']
    """
    low = phrase.lower()
    title = " ".join(w[:1].upper() + w[1:] for w in low.split(" "))
    return {phrase, low, low.capitalize(), title, phrase.upper()}


def _word_automaton(words: Collection[str], *, leads: str) -> Any:
    """An automaton of ``words`` in their case forms after each of ``leads`` -> the word's length."""
    import ahocorasick

    auto = ahocorasick.Automaton()
    for w in words:
        w = " ".join(w.split())
        for form in _case_forms(w):
            for lead in leads:
                auto.add_word(lead + form, len(w))
    auto.make_automaton()
    return auto


def about_violence(text: str, start: int = 0, end: int | None = None) -> bool:
    """Whether a violence word of ``lexicon/roles.json`` stands in ``text[start:end]`` (a whole
    word, in its usual case forms); the automaton stops at the first.

    >>> about_violence("Gunmen attacked. The weather was mild.", 0, 16)
    True
    >>> about_violence("Gunmen attacked. The weather was mild.", 17, 38)
    False
    >>> about_violence("A counter-attack followed", 0, 25), about_violence("an attackable spot", 0, 18)
    (True, False)
    """
    n = len(text)
    end = n if end is None else end
    kept = peek(text)  # the article's keyword pass: the answer is remembered there for the other callers
    if kept is not None:
        key = ("about_violence", start, end)
        found = kept.memo.get(key)
        if found is None:
            found = kept.memo[key] = _about_violence(text, start, end)
        return found
    return _about_violence(text, start, end)


def _about_violence(text: str, start: int, end: int) -> bool:
    lex = role_lexicon()
    n = len(text)
    if start == 0:  # the first word has no boundary character before it
        text, start, end, n = " " + text, 0, end + 1, n + 1
    else:
        start -= 1
    for last, _ in lex.violence.iter(text, start, end):
        after = last + 1
        if after >= n or not (text[after].isalnum() or text[after] == "_"):
            return True
    return False


class _TextCues:
    """The cue phrases and sub-site phrases of one text, from the shared keyword pass over its
    lower-cased copy; the rules then ask for the cue nearest to a place by bisection.

    >>> tc = _TextCues(role_lexicon(), "At least 3 were killed in Quetta, he told reporters in Kabul.")
    >>> tc.nearest(role_lexicon(), 0, 26)  # before "Quetta": the longest cue ending there
    ('incident_site', 'killed in', True)
    >>> tc.nearest(role_lexicon(), 32, 55)  # before "Kabul"
    ('statement', 'told reporters in', True)
    >>> tc.nearest(role_lexicon(), 0, 8)  # "At least" masks its "at"
    ('', '', False)
    """

    __slots__ = ("low", "cues", "cue_ends", "subsites")

    def __init__(self, lex: RoleLexicon, text: str) -> None:
        sc = scan(text)  # the article's keyword pass (kept for the other modules), offsets kept
        text = sc.low
        cues: list[tuple[int, int, str, str]] = []
        subs: list[tuple[int, int]] = []
        n_text = len(text)
        for start, end, (phrase, role, is_subsite) in sc.hits["role"]:  # by end
            if start > 0 and text[start - 1] not in _LEAD:
                continue
            if end < n_text:
                after = text[end]
                if after.isalnum() or after == "_" or after == "-":
                    continue
            if text.startswith(phrase, start):
                if role is not None:
                    cues.append((start, end, role, phrase))
                if is_subsite:
                    subs.append((start, end))
        self.low = text
        self.cues = cues  # by end (the automaton's order)
        self.cue_ends = [hit[1] for hit in cues]
        subs.sort(key=lambda se: (se[0], -se[1]))
        self.subsites: list[tuple[int, int]] = []
        for start, end in subs:  # leftmost-longest
            if not self.subsites or start >= self.subsites[-1][1]:
                self.subsites.append((start, end))

    def nearest(self, lex: RoleLexicon, lo: int, pos: int) -> tuple[str, str, bool]:
        """(role or "weak", phrase, whether only spaces separate it from ``pos``) of the cue that
        ends nearest before ``pos`` and lies in ``[lo, pos)`` within the window (the longest of
        those ending there); a neutral phrase ("at least") masks its words, the search goes on
        to its left."""
        floor = max(lo, pos - lex.window)
        ends = self.cue_ends
        limit = pos
        i = bisect_right(ends, pos) - 1
        while i >= 0:
            e = ends[i]
            if e <= floor:
                break
            best = None
            while i >= 0 and ends[i] == e:
                hit = self.cues[i]
                if hit[0] >= floor and (best is None or hit[0] < best[0]):
                    best = hit
                i -= 1
            if best is None:
                continue
            if not best[2]:  # neutral: only cues left of it count
                limit = best[0]
                i = bisect_right(ends, limit) - 1
                continue
            return best[2], best[3], not self.low[e:limit].strip()
        return "", "", False


@functools.cache
def role_lexicon() -> RoleLexicon:
    """The compiled role cues (cached; loaded on first use).

    >>> role_lexicon().left_role["press conference in"]
    'statement'
    """
    from geoincident.lexicon import load

    data: dict[str, Any] = load("roles")
    left_role = {phrase: role for phrase, (role, _) in role_phrases().items() if role is not None}
    fillers = {w.lower() for w in data["right_fillers"]}
    gap = r"\s+(?:(?:" + _alternation(fillers) + r")\s+)*"
    right = {}
    first_words = set(fillers)
    for role, phrases in data["right_cues"].items():
        first_words.update(p.lower().split()[0] for p in phrases)
        cues = {gap.join(re.escape(w) for w in p.lower().split() if w not in fillers) for p in phrases}
        if cues:
            alt = "|".join(sorted(cues, key=len, reverse=True))
            right[role] = re.compile(gap + r"(?:" + alt + r")\b", re.IGNORECASE)
    return RoleLexicon(
        window=int(data["window_chars"]),
        left_role=left_role,
        right_cues=right,
        right_first_words=frozenset(first_words),
        speech_re=re.compile(r"(?:\s+(?:" + _alternation(data["speech_verbs"]) + r")\b|['’]s\s+remarks\b)"),
        modifier_heads=frozenset(data["modifier_heads"]),
        not_name_words=frozenset(data["not_name_words"]),
        not_places=frozenset(w.casefold() for w in data["not_places"]),
        area_nouns=frozenset(data["area_nouns"]),
        scope_locatives=frozenset(w.lower() for w in data["scope_locatives"]),
        clause_openers=frozenset(w.lower() for w in data["clause_openers"]),
        violence=_word_automaton(data["violence_words"], leads=_LEAD + "-"),
    )


# ----------------------------------------------------------------------------------------- working state


class _Item:
    """A mention being built (mutable while the rules run, frozen into a Mention at the end)."""

    __slots__ = (
        "start", "end", "surface", "candidates", "place", "score", "match", "reason",
        "subsite", "sent", "role", "why", "nxt",
    )  # fmt: skip

    def __init__(self, start: int, end: int, surface: str, candidates: tuple[Candidate, ...], sent: int, nxt: str = ""):
        self.start, self.end, self.surface, self.candidates, self.sent = start, end, surface, candidates, sent
        self.nxt = nxt  # the word right after it ("district" in "Hub district")
        self.place: Place | None = None
        self.score = 0.0
        self.match = ""
        self.reason = ""
        self.subsite = False
        self.role = ""
        self.why = ""


_PREV_WORD = re.compile(r"(?<![\w'’.-])([A-Z][\w'’.-]*) $")
_NEXT_WORD = re.compile(r" ([A-Za-z][\w-]*)")
_LIST_SEP = re.compile(
    r"\s*(?:,\s*(?:(?:and|or)\s+)?|(?:and|or)\s+|&\s*)(?:the\s+(?:[a-z-]+\s+){0,4}of\s+)?|['’]s\s+|\s*/\s*"
)
#: "the Red Zone in Quetta", "headquarters in the district of Nushki"
_SUBSITE_AFTER = re.compile(r"\s+(?:in|at|of|near)\s+(?:the\s+(?:[a-z-]+\s+){0,3}(?:of\s+)?)?")
#: "Quetta's Red Zone", "Quetta’s main train station", "Gwadar press club" (not "Quetta and the ...")
_SUBSITE_BEFORE = re.compile(r"(?:['’]s(?:\s+[a-z][a-z-]*){0,2})?\s+")
_DATELINE_AFTER = re.compile(
    r"\s*(?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,?\s*\d{4})?)?\s*(?::|\s[-–—]\s)|\s*(?:\(\w+\))?\s*:"
)
_WORD = re.compile(r"[A-Za-z][\w'’-]*")


def _km(a: Place, b: Place) -> float:
    """Great-circle distance in km (haversine; plenty for ranking), remembered: the same pairs of
    same-named places come back in article after article.

    >>> round(_km(Place("q", "Quetta", "town", lat=30.18, lon=67.0), Place("g", "Gwadar", "town", lat=25.12, lon=62.33)))
    727
    """
    key = (a.lat, a.lon, b.lat, b.lon)
    km = _KM_CACHE.get(key)
    if km is None:
        p1, p2 = math.radians(a.lat), math.radians(b.lat)
        dp, dl = p2 - p1, math.radians(b.lon - a.lon)
        h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
        km = 12742.0 * math.asin(min(1.0, math.sqrt(h)))
        if len(_KM_CACHE) >= 100_000:
            _KM_CACHE.clear()
        _KM_CACHE[key] = km
    return km


_KM_CACHE: dict[tuple[float, float, float, float], float] = {}


# ------------------------------------------------------------------------------------------ resolution


def _article_context(items: Sequence[_Item]) -> tuple[str, Place | None]:
    """The article's country (most places agree on it) and a centroid of its unambiguous towns.

    A name votes for a country (once per mention) when all its candidates lie in that country
    or its first is a country or region; a town is an anchor when no other place of the
    country shares its name more than 50 km away. Each name is examined once (and each
    gazetteer answer once per process: :func:`_name_facts`).
    """
    counts: dict[str, int] = {}
    firsts: dict[str, _Item] = {}
    for it in items:
        n = counts.get(it.surface)
        if n is None:
            firsts[it.surface] = it
            counts[it.surface] = 1
        else:
            counts[it.surface] = n + 1
    votes: Counter[str] = Counter()
    facts = {surface: _name_facts(it.candidates) for surface, it in firsts.items()}
    for surface, (vote, _) in facts.items():
        if vote:
            votes[vote] += counts[surface]
    if not votes:
        return "", None
    country = votes.most_common(1)[0][0]
    towns: list[Place] = []
    for surface, it in firsts.items():
        top = it.candidates[0].place
        if top.country == country and facts[surface][1]:
            towns.append(top)
    if not towns:
        return country, None
    lat = sum(p.lat for p in towns) / len(towns)
    lon = sum(p.lon for p in towns) / len(towns)
    return country, Place("_centroid", "centroid", "point", lat=lat, lon=lon, country=country)


def _name_facts(candidates: tuple[Candidate, ...]) -> tuple[str, bool]:
    """(the country a name votes for or "", whether its first candidate is an anchor town: a town
    or landmark no other place of its country of that name lies more than 50 km from).

    Remembered by the identity of the gazetteer's answer (the gazetteer hands the same tuple for
    a name article after article).

    >>> q = Place("q", "Quetta", "town", lat=30.18, lon=67.0, country="PK")
    >>> _name_facts((Candidate(q, 1.0, "exact", "Quetta"),))
    ('PK', True)
    """
    hit = _FACTS.get(id(candidates))
    if hit is not None and hit[0] is candidates:
        return hit[1]
    top = candidates[0].place
    if top.feature_type in _BROAD or top.feature_type == "district" or len(candidates) == 1:
        vote = top.country
    else:
        countries = {c.place.country for c in candidates if c.place.country}
        vote = top.country if len(countries) == 1 else ""
    anchor = False
    if top.feature_type in _TOWNISH:
        same = [c.place for c in candidates[1:] if c.place.country == top.country]
        anchor = not same or all(_km(p, top) <= NEAR_SAME_KM for p in same)
    if len(_FACTS) >= 100_000:
        _FACTS.clear()
    _FACTS[id(candidates)] = (candidates, (vote, anchor))  # the tuple kept alive: its id stays its own
    return vote, anchor


_FACTS: dict[int, tuple[tuple[Candidate, ...], tuple[str, bool]]] = {}


def _may_replace(local: Place, top: Place) -> bool:
    """A same-named place of the article's country may replace the gazetteer's first answer unless
    that is a country or region of its own, or a place ten times bigger ("Russia", "London")."""
    if local is top or local.country == top.country:
        return True
    if top.feature_type in _BROAD:
        return False
    return local.population * POPULATION_RATIO >= top.population


def resolve_in_context(
    candidates: Sequence[Candidate], *, country: str = "", near: Place | None = None, want_district: bool = False
) -> tuple[Candidate | None, str]:
    """The candidate to pick given the article's context, and why (or ``None`` and why not).

    >>> a = Place("a", "Mand", "town", lat=26.1, lon=62.0, country="PK")
    >>> b = Place("b", "Mand", "town", lat=20.0, lon=-100.0, country="MX")
    >>> cand = lambda p: Candidate(p, 0.9, "exact", "Mand")
    >>> resolve_in_context([cand(b), cand(a)], country="PK")[0].place.place_id
    'a'
    >>> resolve_in_context([cand(b), cand(a)])
    (None, 'ambiguous: Mand (MX) and Mand (PK) score alike, 14533 km apart, and the article gives no country')
    """
    if not candidates:
        return None, "no gazetteer candidate"
    top = candidates[0]
    close = [c for c in candidates if c.score >= top.score - SCORE_MARGIN]
    if want_district:
        districts = [c for c in close if c.place.feature_type in ("district", "admin2")]
        if districts:
            return districts[0], "named as a district"
    if country:
        local = [c for c in close if c.place.country == country and _may_replace(c.place, top.place)]
        if local:
            if near is not None and len(local) > 1 and local[0].place.feature_type in _TOWNISH:
                # same-named places far apart (not a town and its own district): the nearest wins
                far = [c for c in local if _km(c.place, local[0].place) > NEAR_SAME_KM]
                best = min(far + [local[0]], key=lambda c: (_km(c.place, near), -c.score)) if far else local[0]
                if best is not local[0]:
                    return best, f"nearest to the article's other places in {country}"
            why = f"{top.match} match" if local[0] is top else f"in the article's country {country}"
            return local[0], why
    if len(close) > 1:
        other = close[1]
        km = _km(top.place, other.place)
        pop_a, pop_b = top.place.population, other.place.population
        if (
            other.score >= top.score
            and km > AMBIGUOUS_KM
            and top.place.feature_type not in ("country", "province", "admin1")
            and max(pop_a, pop_b) < 2 * max(1, min(pop_a, pop_b))
        ):
            return None, (
                f"ambiguous: {top.place.name} ({top.place.country}) and {other.place.name} "
                f"({other.place.country}) score alike, {km:.0f} km apart, and the article gives no country"
            )
    return top, f"{top.match} match"


def _resolve_remembered(
    candidates: tuple[Candidate, ...], *, country: str, near: Place | None, want_district: bool
) -> tuple[Candidate | None, str]:
    """:func:`resolve_in_context`, remembered by the identity of the gazetteer's answer (the same
    tuple for a name article after article), the country and ``want_district``; the article's
    ``near`` is only used, each time, for a name whose answer depends on it."""
    key = (id(candidates), country, want_district)
    hit = _RESOLVED.get(key)
    if hit is None or hit[0] is not candidates:
        hit = (candidates, _near_matters(candidates, country=country, want_district=want_district),
               resolve_in_context(candidates, country=country, near=None, want_district=want_district))  # fmt: skip
        if len(_RESOLVED) >= 100_000:
            _RESOLVED.clear()
        _RESOLVED[key] = hit  # the tuple kept alive: its id stays its own
    if hit[1] and near is not None:
        return resolve_in_context(candidates, country=country, near=near, want_district=want_district)
    return hit[2]


_RESOLVED: dict[tuple[int, str, bool], tuple[tuple[Candidate, ...], bool, tuple[Candidate | None, str]]] = {}


def _near_matters(candidates: Sequence[Candidate], *, country: str, want_district: bool) -> bool:
    """Whether :func:`resolve_in_context` would look at ``near`` (same-named places of the
    article's country far apart), mirroring its steps."""
    if not candidates or not country:
        return False
    top = candidates[0]
    close = [c for c in candidates if c.score >= top.score - SCORE_MARGIN]
    if want_district and any(c.place.feature_type in ("district", "admin2") for c in close):
        return False
    local = [c for c in close if c.place.country == country and _may_replace(c.place, top.place)]
    return (
        len(local) > 1
        and local[0].place.feature_type in _TOWNISH
        and any(_km(c.place, local[0].place) > NEAR_SAME_KM for c in local)
    )


# ------------------------------------------------------------------------------------------- the rules


def _is_headline(text: str, pos: int) -> bool:
    """Whether the line around ``pos`` is in title case (names there are not surnames)."""
    a = text.rfind("\n", 0, pos) + 1
    b = text.find("\n", pos)
    b = len(text) if b < 0 else b
    if b - a > HEADLINE_MAX_CHARS:
        return False
    words = [w for w in _WORD.findall(text, a, b) if len(w) > 3]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.6 * len(words)


def _right_cue(lex: RoleLexicon, text: str, end: int, nxt: str) -> str:
    """The role a cue right after a mention gives ("Nushki has been cleared"); ``nxt`` is the
    word after the mention, which must be one a right cue can start with."""
    if nxt.lower() not in lex.right_first_words:
        return ""
    for role, cue in lex.right_cues.items():
        if cue.match(text, end):
            return role
    return ""


def mention_event_index(role: str, event: int) -> int | None:
    """The event a mention is tied to, given its role and the event index of its sentence: every
    mention in a past event's sentences, only the incident sites in the main event's (a town
    where a minister spoke is no place of the event).

    >>> mention_event_index("incident_site", 0), mention_event_index("statement", 0), mention_event_index("other", 2)
    (0, None, 2)
    """
    return event if event > 0 or role == "incident_site" or role == "past_incident" else None


_new_mention = fast_constructor(Mention)


def find_mentions(
    text: str,
    *,
    gazetteer: Any,
    article_id: str = "",
    sentences: Sequence[tuple[int, int]] | None = None,
    past_sentences: Collection[int] = (),
    dateline: str = "",
    segments: Sequence[int] | None = None,
) -> list[Mention]:
    """Every place mention of ``text``, resolved and with a role, in text order.

    ``gazetteer`` needs ``spot(text)`` (and ``resolve(name, country=)`` for a dateline the
    spotter misses, e.g. "ISLAMABAD"); ``sentences`` are ``(start, end)`` spans (split here when
    omitted); ``past_sentences`` are indices of sentences about recalled past events;
    ``dateline`` is the dateline the article reader found ("ISLAMABAD", "Islamabad, Feb 2").
    ``segments``, the event index of each sentence (:func:`geoincident.events.segment_events`),
    marks past sentences too and sets each mention's ``event_index``
    (:func:`mention_event_index`).
    """
    lex = role_lexicon()
    if sentences is None:
        from geoincident.sentences import split_sentences

        sentences = split_sentences(text)
    if not sentences:
        sentences = [(0, len(text))]
    if segments is not None:
        past_sentences = {*past_sentences, *(i for i, k in enumerate(segments) if k > 0)}
    starts = [s for s, _ in sentences]
    tc = _TextCues(lex, text)

    # sub-sites first: a gazetteer name inside "Frontier Corps headquarters" is not a place of its own
    subs: list[_Item] = []
    for start, end in tc.subsites:
        it = _Item(start, end, text[start:end], (), max(0, bisect_right(starts, start) - 1))
        it.subsite = True
        subs.append(it)
    items: list[_Item] = []
    si = 0
    k, n_starts, last_start = 0, len(starts), -1
    for sp in gazetteer.spot(text):
        if not sp.candidates:
            continue
        pos = sp.start
        if pos < last_start:  # spots come in text order; the sentence walk restarts for any that do not
            k = 0
        last_start = pos
        while k + 1 < n_starts and starts[k + 1] <= pos:
            k += 1
        if subs:
            while si < len(subs) and subs[si].end <= sp.start:
                si += 1
            if si < len(subs) and subs[si].start < sp.end:
                if sp.candidates[0].place.feature_type != "landmark":
                    continue
                subs.pop(si)  # the gazetteer knows this sub-site: use it
        nxt = _NEXT_WORD.match(text, sp.end)
        items.append(_Item(pos, sp.end, sp.surface, tuple(sp.candidates), k, nxt.group(1) if nxt else ""))

    items = _drop_non_places(lex, text, items, tc)
    country, near = _article_context(items)
    answers: dict[tuple[str, bool], tuple[Candidate | None, str]] = {}
    for it in items:
        key = (it.surface, it.nxt == "district" or it.nxt == "District")
        answer = answers.get(key)
        if answer is None:  # the same name resolves the same way throughout the article
            answer = answers[key] = _resolve_remembered(it.candidates, country=country, near=near, want_district=key[1])
        cand, why = answer
        if cand is None:
            it.reason = why
        else:
            it.place, it.score, it.match, it.reason = cand.place, cand.score, cand.match, why
            if cand.place.feature_type == "landmark":
                it.subsite = True
                it.reason = f"sub-site known to the gazetteer ({why})"
    _add_dateline(text, items, gazetteer=gazetteer, dateline=dateline, country=country, starts=starts)

    allm = sorted(items + subs, key=lambda x: x.start) if subs else items
    _assign_roles(lex, text, allm, sentences, past_sentences, tc)
    _attach_subsites(lex, text, allm, sentences)
    out = []
    sentence_text: dict[int, str] = {}
    n_segments = len(segments) if segments is not None else 0
    for it in allm:
        if (it.subsite and it.place is None and not it.surface[:1].isupper()) or _weak_foreign(it, country):
            continue
        sentence = sentence_text.get(it.sent)
        if sentence is None:
            s0, s1 = sentences[it.sent]
            sentence = sentence_text[it.sent] = text[s0:s1]
        event = mention_event_index(it.role, segments[it.sent]) if it.sent < n_segments else None  # type: ignore[index]
        reason = f"{it.reason}; role: {it.why}" if it.why else it.reason
        out.append(
            _new_mention(
                article_id, it.surface, it.start, it.end, sentence, it.role,  # type: ignore[arg-type]
                it.place, it.score, it.match, it.candidates[:5], reason, event,
            )  # fmt: skip
        )
    return out


def _drop_non_places(lex: RoleLexicon, text: str, items: list[_Item], tc: _TextCues) -> list[_Item]:
    """Remove surnames, ordinary words and context-only names without a place cue."""
    persons: set[str] = set()
    keep: list[_Item] = []
    starts = {it.start for it in items}
    ends = {it.end for it in items}
    headline_cache: dict[int, bool] = {}
    for it in items:
        if it.surface.casefold() in lex.not_places:
            continue
        # cheap test first: a capital letter two characters back ("X Bugti") before the regex
        prev = None
        if it.start >= 2 and text[it.start - 1] == " ":
            w0 = text.rfind(" ", max(0, it.start - 40), it.start - 1) + 1
            if text[w0 : w0 + 1].isupper():
                prev = _PREV_WORD.search(text, max(0, w0 - 1), it.start)
        if prev and prev.group(1) not in lex.not_name_words and (it.start - 1 - len(prev.group(1))) not in starts:
            if prev.end() - 1 not in ends:
                line = text.rfind("\n", 0, it.start)
                if line not in headline_cache:
                    headline_cache[line] = _is_headline(text, it.start)
                if not headline_cache[line]:
                    persons.add(it.surface)
                    continue
        keep.append(it)
    out: list[_Item] = []
    for it in keep:
        if it.surface in persons:
            continue
        if it.candidates[0].needs_context:
            if lex.speech_re.match(text, it.end):
                continue
            role, _, adjacent = tc.nearest(lex, 0, it.start)
            if not ((role and adjacent and role != "other") or it.nxt.lower() in lex.area_nouns):
                continue
        out.append(it)
    return out


def _add_dateline(
    text: str, items: list[_Item], *, gazetteer: Any, dateline: str, country: str, starts: Sequence[int]
) -> None:
    """A dateline the spotter missed ("ISLAMABAD:") becomes a mention when the gazetteer knows it."""
    if not dateline or not hasattr(gazetteer, "resolve"):
        return
    name = re.split(r"[,:(]", dateline, maxsplit=1)[0].strip()
    if not name:
        return
    pos = text.find(name, 0, 400)
    if pos < 0 or any(it.start <= pos < it.end for it in items):
        return
    res = gazetteer.resolve(name.title() if name.isupper() else name, country=country or None)
    best = getattr(res, "best", None)
    if best is None:
        return
    sent = max(0, bisect_right(starts, pos) - 1)
    it = _Item(pos, pos + len(name), name, tuple(getattr(res, "candidates", ()) or (best,)), sent)
    it.place, it.score, it.match = best.place, best.score, best.match
    it.reason = f"dateline, {best.match} match"
    it.role, it.why = "dateline", "dateline at the top of the article"
    items.append(it)
    items.sort(key=lambda x: x.start)


def _assign_roles(
    lex: RoleLexicon,
    text: str,
    items: list[_Item],
    sentences: Sequence[tuple[int, int]],
    past_sentences: Collection[int],
    tc: _TextCues,
) -> None:
    violent: dict[int, bool] = {}

    def is_violent(sent: int) -> bool:
        if sent not in violent:
            violent[sent] = about_violence(text, *sentences[sent])
        return violent[sent]

    prev: _Item | None = None
    for it in items:
        if it.role:  # set already (dateline)
            prev = it
            continue
        same = prev is not None and prev.sent == it.sent
        lo = prev.end if same and prev is not None else sentences[it.sent][0]
        role, why = "", ""
        after = text[it.end : it.end + 1]
        before = text[it.start - 2 : it.start] if it.start >= 2 else ""
        if it.start <= 300 and _is_dateline(text, it):
            role, why = "dateline", "dateline at the top of the article"
        elif (after in "-–" and after and text[it.end + 1 : it.end + 2].isalpha()) or (
            len(before) == 2 and before[1] in "-–" and before[0].isalpha()
        ):
            role, why = "other", "part of a compound name (a road or route)"
        elif not it.subsite and it.nxt in lex.modifier_heads:
            role, why = "other", f"names an organisation or title ({it.surface} {it.nxt})"
        else:
            cue, phrase, _ = tc.nearest(lex, lo, it.start)
            if cue and cue != "weak":
                role, why = cue, f"cue {phrase!r}"
            elif r := _right_cue(lex, text, it.end, it.nxt):
                role, why = r, "cue after the name"
            elif same and prev is not None and _LIST_SEP.fullmatch(text, prev.end, it.start):
                role, why = prev.role, f"listed with {prev.surface}"
            elif cue == "weak" and _possessive(text, it, items):
                role, why = "other", f"possessive ({it.surface}'s ...) after {phrase!r}"
            elif cue == "weak" and (it.subsite or is_violent(it.sent)):
                role, why = "incident_site", f"{phrase!r} in a sentence about violence"
            elif it.subsite and prev is not None and same and prev.role in ("incident_site", "past_incident"):
                role, why = prev.role, f"facility in a sentence about the incident at {prev.surface}"
            else:
                role = "other"
        if role == "incident_site" and it.sent in past_sentences:
            role, why = "past_incident", why + ", in a sentence about a past event"
        it.role, it.why = role, why
        prev = it
    # a town right after "SUBSITE in" shares the sub-site's role ("the Red Zone in Quetta")
    for a, b in zip(items, items[1:]):
        if a.subsite and a.sent == b.sent and not b.subsite and _SUBSITE_AFTER.fullmatch(text, a.end, b.start):
            if b.role == "other" and a.role in ("incident_site", "past_incident"):
                b.role, b.why = a.role, f"place of {a.surface}"


def _weak_foreign(it: _Item, country: str) -> bool:
    """A small or alternate-named foreign town named without any cue ("Allah Nazar", "Constitution")
    is more likely a word or a name than a place."""
    p = it.place
    if p is None or it.subsite or not country or p.country == country or it.role != "other" or it.why:
        return False
    if p.feature_type in _BROAD or p.feature_type in ("district", "admin2"):
        return False
    return p.population < SMALL_FOREIGN_POPULATION or it.match not in ("exact", "")


_POSSESSIVE = re.compile(r"['’]s\s")


def _possessive(text: str, it: _Item, items: list[_Item]) -> bool:
    """"at India's behest": a possessive place modifies the noun after it, unless that is a sub-site."""
    if not _POSSESSIVE.match(text, it.end):
        return False
    return not any(o.subsite and 0 < o.start - it.end <= 4 for o in items)


def _is_dateline(text: str, it: _Item) -> bool:
    """A place at the very top of the text followed by ":" or "- " (``ISLAMABAD:``, ``Islamabad, Feb 2:``)
    or ending a byline line ("Daijiworld Media Network - Islamabad")."""
    if it.start > 300 or text.count("\n", 0, it.start) > 3:
        return False
    line_start = text.rfind("\n", 0, it.start) + 1
    if _DATELINE_AFTER.match(text, it.end) and (it.start == line_start or not text[line_start : it.start].strip(" -–—")):
        return True
    line_end = text.find("\n", it.end)
    rest = text[it.end : line_end if line_end >= 0 else len(text)]
    return not rest.strip() and re.search(r"\s[-–—]\s*$", text[line_start : it.start]) is not None


def _is_town(it: _Item) -> bool:
    return not it.subsite and it.place is not None and it.place.feature_type not in _BROAD


def _opens_clause(lex: RoleLexicon, text: str, s0: int, town: _Item) -> bool:
    """Whether ``town`` comes right after a locative that opens the sentence or a clause ("In
    Gwadar, ...", "He said that in Gwadar, ...", "; at Mastung ..."): such a phrase places what the
    clause tells.

    >>> it = _Item(16, 22, "Gwadar", (), 0)
    >>> _opens_clause(role_lexicon(), "He said that in Gwadar, ...", 0, it)
    True
    >>> _opens_clause(role_lexicon(), "Militants hit a Gwadar camp", 0, _Item(16, 22, "Gwadar", (), 0))
    False
    """
    words = text[s0 : town.start].rsplit(None, 2)
    if not words or words[-1].lstrip("“\"'‘(").lower() not in lex.scope_locatives:
        return False
    if len(words) == 1:
        return True
    before = words[-2]
    return before[-1] in ",;:—–(“\"" or before.lstrip("“\"'‘(").lower() in lex.clause_openers


def _attach_subsites(lex: RoleLexicon, text: str, items: list[_Item], sentences: Sequence[tuple[int, int]]) -> None:
    """Give each sub-site the place of the town the text ties it to: "the Red Zone in Quetta",
    "Quetta's Red Zone", or a town whose locative opens the clause ("In Gwadar, terrorists ...
    targeted a labour colony"). Another town of the same sentence is not enough ("Nushki has been
    cleared ... militants failed to breach sensitive areas, including the Red Zone"): the
    sub-site then stays unattached."""
    for i, it in enumerate(items):
        if not it.subsite or it.place is not None:
            continue
        town: _Item | None = None
        why = ""
        nxt = items[i + 1] if i + 1 < len(items) else None
        prv = items[i - 1] if i > 0 else None
        if nxt and nxt.sent == it.sent and _is_town(nxt) and _SUBSITE_AFTER.fullmatch(text, it.end, nxt.start):
            town, why = nxt, f"named with it ({text[it.end:nxt.start].strip()} {nxt.surface})"
        elif prv and prv.sent == it.sent and _is_town(prv) and _SUBSITE_BEFORE.fullmatch(text, prv.end, it.start):
            town, why = prv, f"named with it ({prv.surface}{text[prv.end:it.start].rstrip()})"
        else:
            s0 = sentences[it.sent][0]
            j = i - 1
            while j >= 0 and items[j].sent == it.sent:
                t = items[j]
                if _is_town(t) and _opens_clause(lex, text, s0, t):
                    town, why = t, f"its clause opens with {text[s0:t.start].rsplit(None, 1)[-1]} {t.surface}"
                    break
                j -= 1
        if town is None:
            it.reason = "sub-site: the text does not say in which town"
            continue
        it.place, it.score, it.match = town.place, town.score, "subsite"
        it.candidates = town.candidates
        it.reason = f"sub-site of {town.surface}: {why}"
        if it.role == "other" and town.role in ("incident_site", "past_incident"):
            it.role, it.why = town.role, f"facility in {town.surface}"

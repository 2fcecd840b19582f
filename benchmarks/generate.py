"""Realistic synthetic news reports of violent incidents, for benchmarks.

Reports are made from the gazetteer's places and varied sentence patterns: attacks
on several towns, casualty claims with claimants and qualifiers ("at least", "nearly",
breakdowns by day), dates relative to the publication date, a recalled past incident
with its own date and town, the place of a press conference, the home town of the
victims, the country militants are said to operate from, and the boilerplate news
sites wrap stories in (related-news lists, newsletter sign-ups, copyright lines).
Several reports describe the same event in different words, as the press does.

Report ``i`` depends only on ``(seed, i)``: any slice is reproducible on its own, and
any number up to 1,000,000 streams to JSON lines or to a folder of text files::

    python benchmarks/generate.py -n 10000 -o corpus.jsonl
    python benchmarks/generate.py -n 1000000 --seed 7 -o corpus.jsonl
    python benchmarks/generate.py -n 500 -o reports/        # reports/000/000000.txt ...
    python benchmarks/generate.py -n 3 -o -                 # JSON lines on stdout

The sentence patterns are tables below (edit them to vary the corpus); the place
names come from the installed gazetteer, never from this file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

MAX_REPORTS = 1_000_000
REPORTS_PER_EVENT = 3  # on average, reports of one event (they should merge into one incident)
FILES_PER_FOLDER = 1000

# ---------------------------------------------------------------- sentence patterns ----
# {sites} "Quetta, Gwadar and Mastung"; {site} one town; {n_*} numbers as the press
# writes them; {q} a qualifier; {day} "on Saturday"; {date} "January 31"; {actor} a group.

OUTLETS = (
    ("Dawn", "dawn.com"), ("The Express Tribune", "tribune.com.pk"), ("Gulf News", "gulfnews.com"),
    ("Al Jazeera", "aljazeera.com"), ("Daijiworld", "daijiworld.com"), ("Clash Report", "clashreport.com"),
    ("The News International", "thenews.com.pk"), ("Arab News", "arabnews.com"),
    ("Balochistan Post", "thebalochistanpost.net"), ("Geo News", "geo.tv"),
)
ACTORS = (
    "the Balochistan Liberation Army (BLA)", "the banned Baloch Liberation Army", "the BLA",
    "the Balochistan Liberation Front", "Tehreek-e-Taliban Pakistan (TTP)", "militants of Fitna al-Hindustan",
    "the outlawed Baloch Republican Army", "unidentified gunmen",
)
CLAIMANTS = (
    ("Balochistan Chief Minister {person}", "said"), ("the Inter-Services Public Relations (ISPR)", "said"),
    ("provincial government spokesperson {person}", "told reporters"), ("police officials", "said"),
    ("a senior security official", "told {outlet}"), ("hospital sources", "said"),
    ("the military's media wing", "said in a statement"), ("Interior Minister {person}", "said"),
    ("the district deputy commissioner", "confirmed"),
)
PEOPLE = (
    "Sarfraz Bugti", "Shahid Rind", "Talal Chaudhry", "Mohsin Naqvi", "Jan Achakzai", "Ahsan Iqbal",
    "Bashir Ahmed", "Naseem Lehri", "Saima Baloch", "Abdul Wahid",
)
QUALIFIERS = ("at least ", "", "nearly ", "more than ", "over ", "about ", "up to ")
#: counts a sentence pattern may name; a pattern is used only when each it names is 2 or more
COUNTS = ("n_mil", "n_sec", "n_civ", "n_total", "n_women", "n_children", "n_part1", "n_part2", "n_past")
PRESS_MONTHS = (
    "Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."
)
NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
KILLED = ("killed", "martyred", "shot dead", "killed", "left dead")
ATTACKS = (
    ("coordinated attacks", "gun and bomb attacks"), ("a suicide bombing", "the suicide attack"),
    ("an IED blast", "the roadside explosion"), ("clashes", "the fighting"), ("an ambush", "the ambush"),
    ("a grenade attack", "the grenade attack"), ("simultaneous assaults", "the assaults"),
)
TARGETS = (
    "a Frontier Corps (FC) camp", "a police station", "security installations", "a checkpost",
    "a passenger bus", "a labour colony", "the Counter Terrorism Department headquarters", "a market",
    "a railway track", "a convoy of security forces", "government buildings",
)
HEADLINES = (
    "{n_mil} militants killed after {attack} in {site}",
    "{attack_cap} in {sites} leave {n_total} dead",
    "Security forces kill {n_mil} terrorists in {province} operations",
    "{n_civ} civilians among dead in {actor_short} attack on {site}",
    "{attack_cap} in {sites}",
    "{province}: death toll from {attack} rises to {n_total}",
)
LEADS = (
    "{dateline}: Security forces have killed {q}{n_mil} militants during operations across {province} "
    "following {attack} by {actor} on {targets} in {sites}, officials said {day}.",
    "{dateline}: {q_cap}{n_total} people, including {n_civ} civilians and {n_sec} security personnel, "
    "were {killed} when {actor} carried out {attack} in {sites} {day}.",
    "{dateline}: Militants stormed {targets} in {site} {day}, and {q}{n_sec} soldiers were {killed} in the "
    "gunfight that followed, the military said.",
    "{dateline}: {attack_cap} targeting {targets} in {sites} {day} {killed} {q}{n_total} people, "
    "according to {claimant}.",
    "{dateline}: {actor_cap} attacked {targets} in {sites} {day}, officials said, as security forces "
    "launched a search operation in the area.",
)
CLAIM_SENTENCES = (
    "Addressing a press conference in {city}, {claimant} {verb} that {q}{n_mil} terrorists had been {killed} "
    "and {n_sec} security personnel martyred.",
    "\u201cThe bodies of {n_mil} terrorists are in our custody,\u201d {claimant} {verb}.",
    "{claimant_cap} {verb} {n_civ} civilians, including {n_women} women and {n_children} children, were "
    "{killed} in {site}.",
    "According to {claimant}, {q}{n_injured} people were injured and shifted to the Civil Hospital in "
    "{site}.",
    "{claimant_cap} {verb} {n_part1} militants were {killed} {day} and another {n_part2} a day earlier.",
    "The death toll rose to {q}{n_total} overnight, {claimant} {verb}, adding that {n_sec} of the dead were "
    "personnel of the Frontier Corps.",
    "{actor_cap} claimed responsibility and said its fighters had killed {n_claimed} soldiers, a figure "
    "officials rejected.",
    "In {site}, terrorists killed {women} and {children} from a family "
    "belonging to {origin}, {claimant} {verb}.",
)
CONTEXT = (
    "Officials said the attackers struck almost simultaneously, opening fire on {targets} and briefly "
    "blocking the highway between {site} and {site2}.",
    "{claimant_cap} accused the group's leaders of operating from {foreign}, an allegation {foreign} denied.",
    "Mobile internet was suspended in {site} and {site2} as a precaution, and train services to {city} "
    "remained halted for a second day.",
    "Residents of {site2} told {outlet} they heard explosions for nearly {hours} hours.",
    "Security was tightened across {province}, including in {district} district, where {nplaces} towns "
    "reported gunfire.",
    "The Prime Minister condemned the attacks in a statement issued from {city} and vowed to eliminate "
    "terrorism.",
    "{province} has faced a decades-long insurgency, with separatist groups targeting security forces, "
    "infrastructure projects and workers from other provinces.",
    "Schools in {district} district were closed on {weekday} and a curfew was imposed in parts of {site}.",
    "\u201cWe will not let anyone destabilise {province},\u201d {person} said, adding that the attackers had "
    "received support from across the border.",
    "Witnesses in {site} said gunmen arrived on motorcycles shortly after dawn prayers and set several "
    "vehicles on fire before security forces cordoned off the area.",
    "Traders in {site2} kept their shops closed in protest, while the bar association announced a boycott of "
    "the courts for three days.",
    "The {outlet} correspondent in {city} said the provincial assembly would hold a special session to "
    "discuss the law and order situation.",
    "Rescue officials said ambulances from {site2} and {district} were dispatched and that blood donations "
    "had been requested at the Civil Hospital.",
    "Analysts in {city} said the scale of the assault showed that the group had regrouped despite months of "
    "intelligence-based operations in {district}.",
    "The United Nations Secretary-General condemned the violence and called for those responsible to be "
    "brought to justice.",
    "The federal cabinet approved additional funds for the Frontier Corps and the Levies force in "
    "{province} at a meeting chaired in {city}.",
    "Opposition leaders criticised the government's handling of security and demanded a briefing on the "
    "operation in {site}.",
    "Police registered a case under the Anti-Terrorism Act at the Counter Terrorism Department police "
    "station in {city}.",
    "Passengers stranded at the {site2} bus terminal said they had been waiting since the morning for "
    "roads to reopen.",
    "A spokesperson for the group said in a message to journalists that more attacks would follow, a claim "
    "that could not be independently verified.",
    "Human rights groups in {city} urged the authorities to protect civilians and to allow journalists "
    "access to {site}.",
)
PAST = (
    "On {past_date}, a bombing at {past_site}'s railway station killed {q}{n_past} people and injured more "
    "than {n_past_inj}.",
    "The attack came {years} years after an ambush near {past_site} on {past_date} in which {n_past} "
    "soldiers were {killed}.",
    "On {past_date}, a blast hit a school bus near {past_site}, killing {n_word_past} children.",
)
BOILERPLATE = (
    "Sign up for the Daily Briefing\nOur best stories, delivered to your inbox every morning.",
    "Leave a Comment\nYour email address will not be published.",
    "Related News\nFloods displace thousands in Sindh\nWorld\n{related_date}\nMarkets rally after rate cut"
    "\nBusiness\n{related_date}",
    "\u00a9 {outlet} {year}. All rights reserved.",
    "Follow {outlet} on WhatsApp for the latest news.",
)


# --------------------------------------------------------------------------- places ----


@dataclass(frozen=True)
class PlaceNames:
    """Names drawn from the gazetteer, sorted so that a seed gives the same corpus."""

    towns: tuple[str, ...]  # towns of the region reports are about (incident sites)
    districts: tuple[str, ...]
    cities: tuple[str, ...]  # other cities of the country, largest first (press conferences, datelines)
    foreign: tuple[str, ...]  # neighbouring countries
    province: str


def place_names(gazetteer=None, *, province: str = "Balochistan", country: str = "PK") -> PlaceNames:
    """Town, district, city and country names from the gazetteer (curated part)."""
    from geoincident.gazetteer import Gazetteer

    gaz = gazetteer if gazetteer is not None else Gazetteer(worldwide=False)
    towns, districts, cities, countries = set(), set(), {}, {}
    for place in gaz:
        if place.country == country and place.province == province:
            if place.feature_type == "district":
                districts.add(place.name)
            elif place.precision == "town" and place.feature_type != "landmark":
                towns.add((place.name, place.lat, place.lon))
        elif place.country == country and place.precision == "town" and place.population >= 200_000:
            cities[place.name] = max(place.population, cities.get(place.name, 0))
        elif place.feature_type == "country" and place.country != country:
            countries[place.name] = (place.lat, place.lon)
    if not towns:
        raise SystemExit(f"the gazetteer has no towns in {province}: cannot generate reports")
    # neighbours: the countries whose point is nearest the region's towns
    lat = sum(t[1] for t in towns) / len(towns)
    lon = sum(t[2] for t in towns) / len(towns)
    near = sorted(countries, key=lambda c: (countries[c][0] - lat) ** 2 + (countries[c][1] - lon) ** 2)
    town_names = tuple(sorted({t[0] for t in towns}))
    return PlaceNames(
        towns=town_names,
        districts=tuple(sorted(districts)) or town_names,
        cities=tuple(sorted(cities, key=lambda name: (-cities[name], name))) or town_names,
        foreign=tuple(near[:5]) or ("Afghanistan",),
        province=province,
    )


# -------------------------------------------------------------------------- reports ----


def generate_reports(
    n: int, *, seed: int = 0, names: PlaceNames | None = None, start: int = 0
) -> Iterator[dict]:
    """Yield ``n`` reports as JSON-ready dicts (id, title, published, source, url, text).

    >>> names = PlaceNames(("Quetta", "Gwadar", "Turbat"), ("Kech",), ("Karachi",), ("Iran",), "Balochistan")
    >>> a, b = generate_reports(2, seed=1, names=names)
    >>> a == next(generate_reports(1, seed=1, names=names))
    True
    >>> sorted(a)
    ['id', 'published', 'source', 'text', 'title', 'url']
    """
    if not 0 <= n <= MAX_REPORTS:
        raise ValueError(f"n must be between 0 and {MAX_REPORTS:,}, not {n}")
    names = names if names is not None else place_names()
    for i in range(start, start + n):
        yield make_report(i, seed=seed, names=names)


def make_report(i: int, *, seed: int, names: PlaceNames) -> dict:
    """Report number ``i``: a function of ``(seed, i)`` only."""
    event = _event(i // REPORTS_PER_EVENT, seed=seed, names=names)
    rng = random.Random(f"{seed}:report:{i}")
    outlet, domain = rng.choice(OUTLETS)
    published = event["date"] + dt.timedelta(days=rng.choice((0, 1, 1, 2)))
    values = _values(event, rng=rng, names=names, outlet=outlet, published=published)
    leads = [p for p in LEADS if _usable(p, values)]
    paragraphs = [rng.choice(leads).format(**values)]
    claims = [p for p in CLAIM_SENTENCES if _usable(p, values)]
    rng.shuffle(claims)
    context = list(CONTEXT)
    rng.shuffle(context)
    target = rng.randint(3500, 6500)  # characters, as real reports
    paragraphs += [c.format(**values) for c in claims[: rng.randint(2, 5)]]
    if rng.random() < 0.6:
        paragraphs.append(rng.choice(PAST).format(**values))
    for sentence in context:
        if sum(map(len, paragraphs)) >= target:
            break
        paragraphs.append(sentence.format(**values))
    rng.shuffle(paragraphs[2:])
    boilerplate = [b.format(**values) for b in rng.sample(BOILERPLATE, k=rng.randint(0, 3))]
    title = rng.choice([h for h in HEADLINES if _usable(h, values)]).format(**values)
    text = "\n".join([title, *paragraphs, *boilerplate])
    return {
        "id": f"syn-{seed}-{i:07d}",
        "title": title,
        "published": published.isoformat(),
        "source": outlet,
        "url": f"https://www.{domain}/news/{seed}-{i}",
        "text": text,
    }


def _event(e: int, *, seed: int, names: PlaceNames) -> dict:
    rng = random.Random(f"{seed}:event:{e}")
    n_sites = rng.choice((1, 1, 1, 2, 3, 4, 7))
    sites = rng.sample(names.towns, k=min(n_sites, len(names.towns)))
    date = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(11 * 365))
    n_sec = rng.randint(0, 20)
    n_civ = rng.randint(0, 35)
    n_mil = rng.choice((0, rng.randint(1, 10), rng.randint(10, 150)))
    return {
        "date": date,
        "sites": sites,
        "actor": rng.choice(ACTORS),
        "attack": rng.choice(ATTACKS),
        "targets": rng.choice(TARGETS),
        "n_sec": n_sec,
        "n_civ": n_civ,
        "n_mil": n_mil,
        "past_site": rng.choice(names.towns),
        "past_date": date - dt.timedelta(days=rng.randint(200, 3000)),
        "n_past": rng.randint(2, 40),
    }


def _values(event: dict, *, rng: random.Random, names: PlaceNames, outlet: str, published: dt.date) -> dict:
    sites = event["sites"]
    n_women = rng.randint(0, min(5, event["n_civ"]))
    n_children = rng.randint(0, min(4, event["n_civ"] - n_women))
    part1 = rng.randint(1, max(1, event["n_mil"] - 1))
    person = rng.choice(PEOPLE)
    claimant, verb = rng.choice(CLAIMANTS)
    claimant = claimant.format(person=person)
    days_before = (published - event["date"]).days
    attack, attack_again = event["attack"]
    qualifier = rng.choice(QUALIFIERS)
    others = [t for t in names.towns if t != sites[0]] or sites
    actor = event["actor"]
    values = {
        "dateline": rng.choice((*names.cities[:4], sites[0], sites[0])).upper(),
        "province": names.province,
        "sites": _join(sites),
        "site": sites[0],
        "site2": sites[-1] if len(sites) > 1 else rng.choice(others),
        "district": rng.choice(names.districts),
        "city": rng.choice(names.cities[:10]),
        "foreign": rng.choice(names.foreign),
        "origin": rng.choice(names.towns),
        "outlet": outlet,
        "actor": actor,
        "actor_cap": actor[0].upper() + actor[1:],
        "actor_short": "BLA" if "BLA" in actor else "militants",
        "attack": attack if rng.random() < 0.7 else attack_again,
        "attack_cap": attack[0].upper() + attack[1:],
        "targets": event["targets"],
        "killed": rng.choice(KILLED),
        "q": qualifier,
        "q_cap": qualifier.capitalize(),
        "claimant": claimant,
        "person": person,
        "claimant_cap": claimant[0].upper() + claimant[1:],
        "verb": verb.format(outlet=outlet),
        "day": _day_phrase(event["date"], days_before=days_before),
        "date": f"{event['date']:%B} {event['date'].day}",
        "weekday": f"{published:%A}",
        # reports of one event disagree a little on the militants' toll, as they do
        "n_mil": event["n_mil"] + (rng.choice((0, 0, 0, rng.randint(-5, 5))) if event["n_mil"] > 5 else 0),
        "n_sec": event["n_sec"],
        "n_civ": event["n_civ"],
        "n_total": event["n_sec"] + event["n_civ"] + rng.choice((0, 0, 2)),
        "n_injured": rng.randint(3, 80),
        "n_women": n_women,
        "n_children": n_children,
        "women": _count(n_women, "woman", "women"),
        "children": _count(n_children, "child", "children"),
        "n_part1": part1,
        "n_part2": event["n_mil"] - part1 + rng.choice((0, 0, 12)),
        "n_claimed": event["n_sec"] * rng.randint(2, 5) + rng.randint(5, 40),
        "past_site": event["past_site"],
        "past_date": _press_date(event["past_date"]),
        "n_past": event["n_past"],
        "n_past_inj": event["n_past"] + rng.randint(5, 30),
        "n_word_past": _number(min(event["n_past"], 10)),
        "years": max(1, (event["date"] - event["past_date"]).days // 365),
        "hours": rng.choice((6, 12, 20, 40)),
        "nplaces": rng.randint(2, 12),
        "year": published.year,
        "related_date": f"{published:%d/%m/%Y}",
    }
    return values


def _day_phrase(date: dt.date, *, days_before: int) -> str:
    """How a report dates the event: "today", "yesterday", "on Saturday" or "on January 31".

    The choice depends on the date only, so that the reports of one event agree.
    """
    if days_before == 0:
        return "today"
    options = (f"on {date:%A}", f"on {date:%B} {date.day}")
    if days_before == 1:
        options += ("yesterday",)
    return options[date.toordinal() % len(options)]


def _usable(template: str, values: dict) -> bool:
    """False when a count the template names is below 2 ("the bodies of 1 terrorists", "0 civilians")."""
    for key, count in (("{women}", "n_women"), ("{children}", "n_children")):
        if key in template and values[count] < 1:
            return False
    return all(values[key] >= 2 for key in COUNTS if "{" + key + "}" in template)


def _press_date(date: dt.date) -> str:
    """A date as news agencies write it: "Feb. 9, 2024", "May 21, 2025".

    >>> _press_date(dt.date(2024, 2, 9)), _press_date(dt.date(2025, 5, 21))
    ('Feb. 9, 2024', 'May 21, 2025')
    """
    month = PRESS_MONTHS[date.month - 1]
    return f"{month} {date.day}, {date.year}"


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _count(n: int, one: str, many: str) -> str:
    """ "one child", "three children", "12 children".

    >>> _count(1, "child", "children"), _count(3, "woman", "women")
    ('one child', 'three women')
    """
    return f"{_number(n)} {one if n == 1 else many}"


def _number(n: int) -> str:
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else str(n)


# ----------------------------------------------------------------------------- output ----


def write_reports(reports: Iterator[dict], out: str | Path) -> int:
    """Stream reports to a ``.jsonl`` file, ``-`` (stdout), or a folder of ``.txt`` files."""
    import orjson

    count = 0
    if str(out) == "-":
        for report in reports:
            sys.stdout.buffer.write(orjson.dumps(report) + b"\n")
            count += 1
        return count
    out = Path(out)
    if out.suffix in (".jsonl", ".ndjson"):
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".part")
        with open(tmp, "wb") as fh:
            for report in reports:
                fh.write(orjson.dumps(report) + b"\n")
                count += 1
        tmp.replace(out)
        return count
    for report in reports:
        folder = out / f"{count // FILES_PER_FOLDER:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        header = f"{report['title']}\n" if not report["text"].startswith(report["title"]) else ""
        (folder / f"{count:06d}.txt").write_text(header + report["text"] + "\n", encoding="utf-8")
        count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "-n", type=int, default=1000, help=f"number of reports (<= {MAX_REPORTS:,}; default 1000)"
    )
    parser.add_argument("--seed", type=int, default=0, help="same seed, same reports (default 0)")
    parser.add_argument("-o", "--output", default="-", help="FILE.jsonl, a folder, or - for stdout (default)")
    args = parser.parse_args(argv)
    if not 0 <= args.n <= MAX_REPORTS:
        parser.error(f"-n must be between 0 and {MAX_REPORTS:,}")
    try:
        count = write_reports(generate_reports(args.n, seed=args.seed), args.output)
    except BrokenPipeError:  # `generate.py | head`
        sys.stderr.close()
        return 0
    if args.output != "-":
        print(f"wrote {count:,} reports to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

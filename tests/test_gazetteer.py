"""Gazetteer lookup, resolve, spotting, polygons and file errors.

Unit tests run on the hand-made fixture ``tests/fixtures/gazetteer_small`` (curated files left out);
golden lookups (``tests/cases/lookup.jsonl``) run on the real default gazetteer.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geoincident.errors import GazetteerError, UsageError
from geoincident.gazetteer import (
    FUZZY_LIST,
    Gazetteer,
    Resolution,
    Spot,
    WorldLayer,
    build_world_cache,
    check_files,
)
from geoincident.names import key, simple
from geoincident.records import Place

HERE = Path(__file__).parent
FIX = HERE / "fixtures" / "gazetteer_small"
CASES = [json.loads(line) for line in (HERE / "cases" / "lookup.jsonl").read_text("utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def small() -> Gazetteer:
    return Gazetteer(FIX / "places.csv", FIX / "names.csv", worldwide=False, curated=False)


@pytest.fixture(scope="module")
def curated() -> Gazetteer:
    return Gazetteer(worldwide=False)


# ------------------------------------------------------------------------------------------ lookup


def test_exact_variant_normalised_fuzzy(small: Gazetteer) -> None:
    assert small.lookup("Nushki")[0].match == "exact"
    assert small.lookup("Noshki")[0].match == "variant"
    assert small.lookup("Nooshki")[0].match == "normalised"  # oo/u then o/u
    assert small.lookup("Nushky")[0].match == "fuzzy"
    assert all(c.place.name == "Nushki" for c in small.lookup("Noshki"))


def test_scores_are_ranked_and_bounded(small: Gazetteer) -> None:
    cands = small.lookup("Quetta")
    assert [c.place.feature_type for c in cands] == ["town", "district", "division"]
    assert all(0.0 <= c.score <= 1.0 for c in cands)
    assert [c.score for c in cands] == sorted((c.score for c in cands), reverse=True)


def test_ambiguous_name_returns_every_candidate(small: Gazetteer) -> None:
    ids = {c.place.place_id for c in small.lookup("Gwadar", limit=10)}
    assert ids == {"gn:1177446", "pk-district-gwadar"}


def test_type_word_prefers_that_type(small: Gazetteer) -> None:
    assert small.lookup("Gwadar district")[0].place.place_id == "pk-district-gwadar"
    assert small.lookup("Gwadar")[0].place.place_id == "gn:1177446"


def test_near_and_country_bias_rank_but_do_not_drop(small: Gazetteer) -> None:
    plain = small.lookup("Gwadar")
    far = small.lookup("Gwadar", country="IR")
    assert {c.place.place_id for c in plain} == {c.place.place_id for c in far}
    assert far[0].score < plain[0].score
    far_away = small.lookup("Nushki", near=(51.5, -0.1))  # London
    assert far_away[0].score < small.lookup("Nushki")[0].score


def test_near_picks_among_namesakes() -> None:
    gaz = Gazetteer.default()
    assert gaz.lookup("Hyderabad")[0].place.country == "PK"
    assert gaz.lookup("Hyderabad", near=(17.38, 78.48))[0].place.country == "IN"


def test_needs_context_is_carried(small: Gazetteer) -> None:
    assert small.lookup("Hub")[0].needs_context
    assert small.lookup("Bugti")[0].needs_context
    assert not small.lookup("Dera Bugti")[0].needs_context


def test_unknown_name_is_no_match_with_nearest_and_reason(small: Gazetteer) -> None:
    assert small.lookup("Xyzzyville") == []
    res = small.resolve("Xyzzyville")
    assert isinstance(res, Resolution) and res.best is None and not res.resolved
    assert "Xyzzyville" in res.reason
    near = small.resolve("Qwettaa")
    assert near.best is None or near.best.place.name == "Quetta"
    assert small.resolve("") .best is None


@pytest.mark.parametrize("word", ["attack", "killed", "terrorists", "government", "security", "in", "the", "said"])
def test_ordinary_words_do_not_resolve(curated: Gazetteer, word: str) -> None:
    assert curated.resolve(word).best is None


def test_get_and_contains(small: Gazetteer) -> None:
    assert small.get("gn:1168749").name == "Nushki"
    assert "pk-district-nushki" in small and "nope" not in small
    with pytest.raises(GazetteerError, match="no place with id"):
        small.get("nope")
    with pytest.raises(ValueError):
        small.get("gn:0")


def test_len_and_iter(small: Gazetteer) -> None:
    places = list(small)
    assert len(small) == len(places) == 17
    assert len({p.place_id for p in places}) == len(places)


def test_user_file_extends_and_overrides(small: Gazetteer) -> None:
    gaz = Gazetteer(FIX / "places.csv", FIX / "names.csv", FIX / "extra_places.csv", worldwide=False, curated=False)
    assert gaz.get("gn:1168749").population == 99999
    assert small.get("gn:1168749").population != 99999
    red = gaz.resolve("Red Zone").best
    assert red is not None and red.place.parent_id == "gn:1167528" and red.place.precision == "town"
    assert len(gaz) == len(small) + 1


# ------------------------------------------------------------------------------------------ golden


@pytest.mark.parametrize(
    "case",
    [pytest.param(c, marks=pytest.mark.xfail(reason=c["xfail"], strict=True)) if c.get("xfail") else c
     for c in CASES],
    ids=[c["id"] for c in CASES],
)
def test_lookup_cases(case: dict) -> None:
    gaz = Gazetteer.default() if case.get("worldwide") else _curated_only()
    res = gaz.resolve(case["query"], country=case.get("country"))
    got = res.best.place.place_id if res.best else None
    assert got == case["place_id"], res.reason
    if res.best is not None:
        if "match" in case:
            assert res.best.match == case["match"]
        if "district" in case:
            assert res.best.place.district == case["district"]


_CURATED: list[Gazetteer] = []


def _curated_only() -> Gazetteer:
    # Most cases must hold without the worldwide layer too; Gazetteer.default() adds it.
    if not _CURATED:
        _CURATED.append(Gazetteer(worldwide=False))
    return _CURATED[0]


def test_worldwide_fold_is_no_press_variant() -> None:
    # "Koeta", a spelling of Kuta (Bali), shares Quetta's key: a normalised match, not a variant of Quetta
    cands = Gazetteer.default().lookup("Quetta")
    assert [c.place.country for c in cands[:3]] == ["PK", "PK", "PK"]
    foreign = [c for c in cands if c.place.country != "PK"]
    assert foreign and all(c.match == "normalised" and c.score < 0.9 for c in foreign)
    assert all(c.score < cands[2].score for c in foreign)


def _names_to_check(gaz: Gazetteer) -> list[str]:
    world = gaz.world
    assert world is not None
    names = sorted(gaz._surfaces)[::3] + [world.name(row) for row in range(0, world.n_rows, 997)]
    extra = ["Gwâdar", "Nooshki", "Dera  Bugti", "Xyzzyville", "", "Santa Maria", "Mexico City",
             "Quetta city", "Washington", "Tripoli", "Kingston", "Florida", "Georgia", "Brazil", "Europe", "Asia",
             "New York", "Antarctica"]
    return [*names, *(n.upper() for n in names[::7]), *extra]


@pytest.mark.parametrize("limit", [1, 5, 10])
def test_pre_ranked_path_answers_as_the_general_ranking(limit: int) -> None:
    gaz = Gazetteer.default()
    answered = 0
    for name in _names_to_check(gaz):
        fast = gaz._lookup_plain(name, limit)
        if fast is None:  # fuzzy, or a type word: the general path answers
            continue
        answered += 1
        assert list(fast) == gaz._lookup(name, country=None, near=None, limit=limit, cutoff=FUZZY_LIST), name
    assert answered > 0.9 * len(_names_to_check(gaz))


def test_remembered_answers_are_fresh_lists() -> None:
    gaz = Gazetteer.default()
    for name in ("Quetta", "Springfield", "Dalbandin", "Kute", "Quettah"):
        first = gaz.lookup(name)
        assert first, name
        first.clear()
        assert gaz.lookup(name) == gaz.lookup(name) != [], name


# ------------------------------------------------------------------------------------------ worldwide layer

# Six real cities500 rows (GeoNames, CC BY 4.0) with their alternate names: Quetta, and places that share a
# romanisation key with Quetta or Kabul through their spellings (Kuta "Koeta", Cabool "Kabul").
CITIES = FIX / "cities500_small.json"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> WorldLayer:
    import numpy as np

    d = tmp_path_factory.mktemp("world")
    build_world_cache(CITIES, npz=d / "w.npz", pkl=d / "w.spot.pkl")
    return WorldLayer(np.load(d / "w.npz"), automaton_path=d / "w.spot.pkl", source="test")


def _kinds(world: WorldLayer, query: str, hidden: frozenset[int] = frozenset()) -> list[tuple[str, str]]:
    ki, a, b, hs = world.surface(simple(query))
    if ki < 0:
        a, b = world.key_range(world.key_index(key(query)))
    found = world.matches(a, b, hs, set(hidden))
    kinds = ("exact", "variant", "normalised")
    return [(world.name(row), kind) for kind, rows in zip(kinds, found, strict=True) for row in rows]


def test_world_match_kinds(world: WorldLayer) -> None:
    assert _kinds(world, "Quetta") == [("Quetta", "exact"), ("Kuta", "normalised"), ("Kute", "normalised")]
    assert _kinds(world, "Koeta") == [("Kuta", "variant"), ("Kute", "variant"), ("Quetta", "normalised")]
    assert _kinds(world, "KUTA") == [("Kuta", "exact"), ("Kute", "variant")]
    assert _kinds(world, "Kveta") == [("Quetta", "variant")]  # found by spelling; "Kvetah" only by key:
    assert _kinds(world, "Kvetah") == [] and key("Kvetah") != key("Kveta")


def test_world_rows_are_ranked_by_population(world: WorldLayer) -> None:
    # Kābūl (Israel, 14,095 people) and Cabool (USA, 2,130) both list "Kabul" among their names
    assert _kinds(world, "Kabul") == [("Kabul", "exact"), ("Kābūl", "variant"), ("Cabool", "variant")]
    ki, a, b, hs = world.surface("kabul")
    ranks, best = world.answers(a, b, "kabul", hs, set(), 2)
    assert [(c.place.name, c.match) for c in best] == [("Kabul", "exact"), ("Kābūl", "variant")]
    assert ranks == sorted(ranks, reverse=True)


def test_world_hidden_rows_and_unindexed_names(world: WorldLayer) -> None:
    kuta = world.row_of(1639002)
    assert kuta is not None and world.name(kuta) == "Kuta"
    assert _kinds(world, "Koeta", frozenset({kuta})) == [("Kute", "variant"), ("Quetta", "normalised")]
    assert world.row_of(1639001) is None
    for code in ("UET", "KBL"):  # airport codes are left out
        assert world.surface(simple(code))[0] == -1 and world.key_index(key(code)) == -1
    assert world.surface("ku ta")[0] == -1  # and lower-case transliterations


def test_world_spelling_table_agrees_with_the_keys(world: WorldLayer) -> None:
    import json

    for city in json.loads(CITIES.read_text("utf-8")).values():
        for name in [city["name"], *city["alternatenames"]]:
            ki = world.surface(simple(name))[0]
            assert ki == -1 or ki == world.key_index(key(name)), name
    assert world.surface("kuta")[0] >= 0 and world.surface("koeta")[0] == world.key_index(key("Quetta"))


def test_world_place_fields_by_name(world: WorldLayer) -> None:
    row = world.row_of(1167528)
    assert row is not None
    assert world.place(row) == Place(
        place_id="gn:1167528", name="Quetta", feature_type="town", lat=30.18414, lon=67.00141, country="PK",
        geonameid=1167528, population=1565546, source="test",
    )
    assert world.place(row) is world.place(row)


# ------------------------------------------------------------------------------------------ spot


def test_spot_offsets_leftmost_longest(small: Gazetteer) -> None:
    text = "QUETTA: Militants attacked Dera Bugti, Noshki and Gwādar's port; Sarfraz Bugti spoke in Quetta."
    spots = small.spot(text)
    assert all(isinstance(s, Spot) and text[s.start: s.end] == s.surface for s in spots)
    assert [s.surface for s in spots] == ["QUETTA", "Dera Bugti", "Noshki", "Gwādar", "Bugti", "Quetta"]
    assert [s.needs_context for s in spots] == [False, False, False, False, True, False]
    assert spots[2].candidates[0].place.place_id == "gn:1168749"


def test_spot_needs_word_boundaries_and_capitals(small: Gazetteer) -> None:
    assert small.spot("the hubris of quetta-like Nushkis and Hubs") == []
    assert [s.surface for s in small.spot("(Nushki)")] == ["Nushki"]
    assert small.spot("") == []


def test_spot_ranks_curated_above_worldwide() -> None:
    gaz = Gazetteer.default()
    spots = gaz.spot("Attacks in Hyderabad and Kabul.")
    assert [s.surface for s in spots] == ["Hyderabad", "Kabul"]
    assert spots[0].candidates[0].place.country == "PK"
    assert spots[1].candidates[0].place.country == "AF"


@pytest.mark.parametrize("text", ["In the morning the police said.", "Thursday, the Minister and the Hospital"])
def test_spot_skips_ordinary_words(text: str) -> None:
    assert [s.surface for s in Gazetteer.default().spot(text) if not s.needs_context] == []


# ------------------------------------------------------------------------------------------ polygons


def test_district_of_uses_lat_lon_by_name(curated: Gazetteer) -> None:
    assert curated.district_of(lat=30.18414, lon=67.00141).name == "Quetta"
    assert curated.district_of(lat=67.00141, lon=30.18414) is None  # swapped: far outside Pakistan
    assert curated.district_of(lat=25.12163, lon=62.32541).name == "Gwadar"  # on the coast
    assert curated.district_of(lat=35.6892, lon=51.3890) is None  # Tehran


@pytest.mark.parametrize("level", ["country", "province", "district"])
def test_boundaries_are_geojson(curated: Gazetteer, level: str) -> None:
    fc = curated.boundaries(level)
    assert fc["type"] == "FeatureCollection"
    props = fc["features"][0]["properties"]
    assert set(props) >= {"place_id", "name", "level", "province", "division"}
    assert {f["properties"]["level"] for f in fc["features"]} == {level}
    lon, lat = _first_position(fc["features"][0]["geometry"])
    assert 60 < lon < 78 and 23 < lat < 38  # [lon, lat] order


def _first_position(geom: dict) -> list[float]:
    c = geom["coordinates"]
    while isinstance(c[0], list):
        c = c[0]
    return c


def test_unknown_boundary_level(curated: Gazetteer) -> None:
    with pytest.raises(UsageError):
        curated.boundaries("tehsil")


# ------------------------------------------------------------------------------------------ bad files


@pytest.mark.parametrize(
    ("name", "line", "words"),
    [
        ("bad_missing_column.csv", 1, "missing column(s) lon"),
        ("bad_coordinate.csv", 3, "out of range"),
        ("bad_duplicate.csv", 4, "duplicate place_id 'x'"),
        ("bad_encoding.csv", 3, "not UTF-8"),
        ("bad_kind.csv", 2, "unknown kind 'typo'"),
        ("bad_reference.csv", 2, "is in no places file"),
    ],
)
def test_malformed_file_names_file_line_and_fix(name: str, line: int, words: str) -> None:
    path = FIX / name
    with pytest.raises(GazetteerError) as err:
        check_files([path])
    assert err.value.path == str(path) and err.value.line == line
    assert f"{path}:{line}" in str(err.value) and words in str(err.value)


def test_good_files_check(tmp_path: Path) -> None:
    assert check_files([FIX / "places.csv", FIX / "names.csv"], with_default=False) == {
        str(FIX / "places.csv"): 17, str(FIX / "names.csv"): 5}
    with pytest.raises(GazetteerError, match="cannot read"):
        check_files([tmp_path / "missing.csv"])


# ------------------------------------------------------------------------------------------ spot speed-ups


def test_spot_text_is_the_translation_table() -> None:
    import random

    from geoincident.gazetteer import spot_text, spot_translation

    table = spot_translation()
    rng = random.Random(7)
    alphabet = [chr(c) for c in (*range(0x20, 0x7F), *table)] + ["\U0001F600", "\ud800", "ß", "İ", "ﬁ", "\u0627"]
    texts = ["", "Quetta", "Killa-Saifullah’s “Gwādar” — Noshki…", "\udfff lone surrogates \ud800"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 80))) for _ in range(300)]
    for text in texts:
        assert spot_text(text) == text.translate(table), text


def test_spot_offsets_hold_on_non_ascii_text(curated: Gazetteer) -> None:
    text = "«QUETTA»: attacks in ‘Noshki’ and Gwādar — ﬁve killed in Panjgoor…"
    spots = curated.spot(text)
    assert [s.surface for s in spots] == ["QUETTA", "Noshki", "Gwādar", "Panjgoor"]
    assert all(text[s.start:s.end] == s.surface for s in spots)


def test_fuzzy_never_beats_an_exact_match() -> None:
    gaz = Gazetteer.default()
    for name in ("Europe", "Brazil", "Florida", "Quetta", "Asia", "Washington"):
        cands = gaz.lookup(name, limit=10)
        assert cands[0].match == "exact" and all(c.match != "fuzzy" for c in cands), name

"""Gazetteer lookup, resolve, spotting, polygons and file errors.

Unit tests run on the hand-made fixture ``tests/fixtures/gazetteer_small`` (curated files left out);
golden lookups (``tests/cases/lookup.jsonl``) run on the real default gazetteer.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geoincident.errors import GazetteerError, UsageError
from geoincident.gazetteer import Gazetteer, Resolution, Spot, check_files

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

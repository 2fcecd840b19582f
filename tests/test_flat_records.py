"""Records kept on disk: the commands that need the place mentions (demo, map, export, extract -o)
read the records and incidents one at a time and write what they wrote when everything was in memory."""

from __future__ import annotations

import io
import pickle
from pathlib import Path

import orjson
import pytest

from geoincident import maps
from geoincident.cli.extract import _dumps, _write_document
from geoincident.extraction import SCHEMA_VERSION, record_to_dict
from geoincident.incidents import build_incidents, incident_to_dict
from geoincident.layers import LAYERS, IncidentCollection, layer_features, write_layers
from geoincident.pipeline import iter_records, process
from geoincident.records import Place
from geoincident.spill import SpilledSequence, SpillFile

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="module")
def seeds_result():
    result = process([SEEDS], spill_records=True)
    assert result.records and result.incidents and not result.errors
    return result


@pytest.fixture(scope="module")
def seeds_lists(seeds_result):
    """The same run held in memory: the records as extracted, the incidents built from them in memory."""
    records = list(iter_records([SEEDS]))
    return records, build_incidents(records)


def spilled(items) -> SpilledSequence:
    spill = SpillFile()
    for item in items:
        spill.append(item)
    return SpilledSequence(spill)


# -- SpilledSequence -----------------------------------------------------------------


def test_spilled_sequence_reads_like_a_list():
    words = ["b", "a", "c", "a"]
    seq = spilled(words)
    assert len(seq) == 4 and seq == words and list(seq) == words
    assert seq[0] == "b" and seq[-1] == "a" and seq[1:3] == ["a", "c"] and seq[::-2] == ["a", "a"]
    assert seq != ["b", "a", "c"] and seq != ["b", "a", "c", "x"]
    with pytest.raises(IndexError):
        seq[4]
    with pytest.raises(IndexError):
        seq[-5]
    assert pickle.loads(pickle.dumps(seq)) == words and type(pickle.loads(pickle.dumps(seq))) is list
    seq.close()
    assert seq.closed
    with pytest.raises(ValueError):
        seq[0]


def test_reordered_view_reads_the_same_file_in_another_order():
    seq = spilled(["b", "a", "c"])
    view = seq.reordered([2, 0])
    assert list(view) == ["c", "b"] and view[-1] == "b" and len(view) == 2
    assert list(seq) == ["b", "a", "c"]  # the sequence itself is unchanged
    seq.close()


def test_records_read_back_equal_and_are_made_by_their_fast_maker():
    from geoincident.spill import fast_record_pickling

    fast_record_pickling()
    place = Place("q", "Quetta", "town", lat=30.18, lon=67.0)
    data = pickle.dumps(place)
    from geoincident.records import fast_constructor

    if fast_constructor(Place) is not Place:  # a class with __post_init__ is made by itself
        assert b"geoincident.spill" in data and b"_make_Place" in data
    assert pickle.loads(data) == place
    import geoincident.spill as spill

    with pytest.raises(AttributeError):
        spill._make_NoSuchRecord  # noqa: B018
    with pytest.raises(AttributeError):
        spill.no_such_name  # noqa: B018


# -- the pipeline keeps its records on disk --------------------------------------------------


def test_process_keeps_the_records_on_disk_equal_to_those_extracted(seeds_result, seeds_lists, tmp_path):
    records, incidents = seeds_lists
    assert isinstance(seeds_result.records, SpilledSequence)
    assert seeds_result.records == records and seeds_result.articles == len(records)
    assert seeds_result.incidents == incidents  # the same incidents as built in memory, events' totals too
    again = process([SEEDS], spill_records=True, spill_dir=tmp_path)
    assert again.records == records
    assert list(tmp_path.iterdir()) == []  # anonymous temporary files
    again.records.close()
    again.incidents.close()


def test_records_are_kept_in_memory_unless_spilling_is_asked_for(seeds_lists):
    records, incidents = seeds_lists
    plain = process([SEEDS])
    assert isinstance(plain.records, list) and isinstance(plain.incidents, list)
    assert plain.records == records and plain.incidents == incidents


def test_keep_records_false_still_keeps_none(seeds_result):
    lean = process([SEEDS], keep_records=False)
    assert list(lean.records) == [] and lean.articles == seeds_result.articles


# -- layers from lazy sequences ---------------------------------------------------------------


@pytest.mark.parametrize("layer", [name for name in LAYERS if name != "areas"])
def test_layers_from_the_sequences_on_disk_equal_those_from_lists(seeds_result, seeds_lists, layer):
    records, incidents = seeds_lists
    lazy = IncidentCollection(seeds_result.incidents, seeds_result.records)
    assert isinstance(lazy.records, SpilledSequence)  # not read into a tuple
    assert lazy.features(layer) == IncidentCollection(incidents, records).features(layer)
    assert list(lazy.iter_features(layer)) == lazy.features(layer)


def test_unsorted_lazy_sequences_are_read_in_sorted_order(seeds_lists):
    records, incidents = seeds_lists
    backwards_records, backwards_incidents = spilled(records[::-1]), spilled(incidents[::-1])
    lazy = IncidentCollection(backwards_incidents, backwards_records)
    assert not isinstance(lazy.records, tuple) and not isinstance(lazy.incidents, tuple)
    expected = IncidentCollection(incidents, records)
    assert [f["properties"]["article_id"] for f in lazy.iter_features("mentions")] == sorted(
        f["properties"]["article_id"] for f in expected.iter_features("mentions")
    )
    for layer in ("incidents", "mentions", "claims"):
        assert lazy.features(layer) == expected.features(layer)
    assert layer_features("sites", backwards_incidents) == layer_features("sites", incidents)


def test_files_written_from_the_sequences_on_disk_are_byte_identical(seeds_result, seeds_lists, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    records, incidents = seeds_lists
    lazy = write_layers(seeds_result, tmp_path / "lazy")
    listed = write_layers(IncidentCollection(incidents, records), tmp_path / "listed")
    assert [p.name for p in lazy] == [p.name for p in listed]
    for a, b in zip(lazy, listed):
        assert a.read_bytes() == b.read_bytes(), a.name
    write_layers(seeds_result, tmp_path / "lazy.gpkg")
    write_layers(IncidentCollection(incidents, records), tmp_path / "listed.gpkg")
    assert (tmp_path / "lazy.gpkg").read_bytes() == (tmp_path / "listed.gpkg").read_bytes()


def test_map_data_from_the_sequences_on_disk_equals_that_from_lists(seeds_result, seeds_lists):
    records, incidents = seeds_lists
    lazy = maps.map_data(seeds_result.incidents, records=seeds_result.records, gazetteer=False)
    assert lazy["mentions"]["features"], "the seeds mention places"
    assert lazy == maps.map_data(incidents, records=records, gazetteer=False)
    # generators too, and in another order
    assert maps.map_data(iter(incidents), records=iter(records[::-1]), gazetteer=False) == lazy


# -- extract -o: one JSON document written item by item -----------------------------------------


@pytest.mark.parametrize(
    "doc",
    [
        {"schema": "1", "records": [], "incidents": []},
        {"schema": "1", "records": [{"a": [1, {"b": None}], "t": "line\nbreak </script>"}], "incidents": [{}]},
        {"schema": {"v": 2}, "records": [{"x": 1}, {"y": [[]]}], "incidents": [[1, 2], "z"]},
        {},
    ],
    ids=["empty-lists", "nested-and-newline", "nested-schema", "empty-document"],
)
def test_document_written_item_by_item_is_byte_identical(doc):
    out = io.BytesIO()
    _write_document(out, {k: iter(v) if isinstance(v, list) else v for k, v in doc.items()})
    assert out.getvalue() == orjson.dumps(doc, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_INDENT_2) + b"\n"


def test_extract_document_of_the_seeds_is_what_one_dump_gives(seeds_lists):
    records, incidents = seeds_lists
    result = process([SEEDS], spill_records=True)
    out = io.BytesIO()
    _write_document(
        out,
        {
            "schema": SCHEMA_VERSION,
            "records": map(record_to_dict, result.records),
            "incidents": map(incident_to_dict, result.incidents),
        },
    )
    whole = {
        "schema": SCHEMA_VERSION,
        "records": [record_to_dict(r) for r in records],
        "incidents": [incident_to_dict(i) for i in incidents],
    }
    assert out.getvalue() == _dumps(whole, indent=True) + b"\n"

"""Worker processes forked after the gazetteer is loaded read its lazily loaded parts safely."""

import multiprocessing
import os

import pytest

from geoincident.gazetteer import Gazetteer

NAMES = ["Dalbandeen", "Panjgooor", "Quettah", "Karachee", "Peshawer", "Gwaderr"]


def _fuzzy(name: str) -> tuple[str, int]:
    gaz = Gazetteer.default()
    best = gaz.lookup(name, limit=1)
    handle = getattr(gaz.world._arrays, "fid", None)
    return (best[0].place.place_id if best else ""), (handle.fileno() if handle else -1)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is not available on this platform")
def test_forked_workers_do_not_share_the_cache_file_handle():
    gaz = Gazetteer.default()
    assert gaz.world is not None
    parent_handle = gaz.world._arrays.fid
    if gaz.world._fuzzy is not None:
        pytest.skip("the fuzzy index was already read in this process: nothing lazy is left to share")
    expected = [(c[0].place.place_id if (c := Gazetteer(worldwide=True).lookup(n, limit=1)) else "") for n in NAMES]
    with multiprocessing.get_context("fork").Pool(2) as pool:
        answers = pool.map(_fuzzy, NAMES * 4, chunksize=1)
    assert [a for a, _ in answers] == expected * 4
    # each child reads through a handle of its own, not the parent's
    assert all(fd not in (-1, parent_handle.fileno()) for _, fd in answers)
    assert not parent_handle.closed

"""Worker processes forked after the gazetteer is loaded read its lazily loaded parts safely.

Run in a fresh interpreter so that nothing lazy has been read yet, whatever ran before in this one.
"""

import os
import subprocess
import sys

import pytest

SCRIPT = r"""
import multiprocessing
from geoincident.gazetteer import Gazetteer

NAMES = ["Dalbandeen", "Panjgooor", "Quettah", "Karachee", "Peshawer", "Gwaderr"]

def fuzzy(name):
    gaz = Gazetteer.default()
    best = gaz.lookup(name, limit=1)
    return (best[0].place.place_id if best else ""), gaz.world._arrays.fid.fileno()

gaz = Gazetteer.default()
assert gaz.world is not None and gaz.world._fuzzy is None, "the fuzzy index must not be read before the fork"
parent_fd = gaz.world._arrays.fid.fileno()
with multiprocessing.get_context("fork").Pool(2) as pool:
    answers = pool.map(fuzzy, NAMES * 4, chunksize=1)
expected = [(c[0].place.place_id if (c := gaz.lookup(n, limit=1)) else "") for n in NAMES]
assert [a for a, _ in answers] == expected * 4, answers
assert all(fd != parent_fd for _, fd in answers), "a child read through the parent's file handle"
print("ok")
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is not available on this platform")
def test_forked_workers_do_not_share_the_cache_file_handle():
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"

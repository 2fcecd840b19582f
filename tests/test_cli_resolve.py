"""`geoincident resolve` and `geoincident gazetteer check`, run as a user runs them (subprocess)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

FIX = Path(__file__).parent / "fixtures" / "gazetteer_small"
FIELDS = {"query", "place_id", "name", "lat", "lon", "feature_type", "district", "province", "country", "score",
          "match"}
EXPECTED = {  # name -> (district, GeoNames lat, lon of the town from cities500)
    "Noshki": ("Nushki", 29.55218, 66.02288),
    "Nushki": ("Nushki", 29.55218, 66.02288),
    "Gwadar": ("Gwadar", 25.12163, 62.32541),
    "Panjgur": ("Panjgur", 26.97186, 64.09459),
    "Pasni": ("Gwadar", 25.26302, 63.46921),
    "Dalbandin": ("Chagai", 28.88846, 64.40616),
    "Mastung": ("Mastung", 29.79966, 66.84553),
    "Quetta": ("Quetta", 30.18414, 67.00141),
}


def geoincident(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "geoincident", *args], capture_output=True, text=True, timeout=300)


def test_resolve_done_when_names_json() -> None:
    r = geoincident("resolve", *EXPECTED, "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert [o["query"] for o in out] == list(EXPECTED)
    for o in out:
        district, lat, lon = EXPECTED[o["query"]]
        assert FIELDS <= set(o) and isinstance(o["alternatives"], list)
        assert o["feature_type"] == "town" and o["district"] == district and o["province"] == "Balochistan"
        assert math.dist((o["lat"], o["lon"]), (lat, lon)) < 0.02  # about 2 km


def test_resolve_text_and_unresolved_exit_1() -> None:
    r = geoincident("resolve", "Noshki", "Xyzzyville", "Quetta", "--no-worldwide")
    assert r.returncode == 1
    lines = [line for line in r.stdout.splitlines() if not line.startswith(" ")]
    assert lines[0].startswith("Noshki: Nushki (town)")
    assert lines[1].startswith("Xyzzyville: unresolved")
    assert lines[2].startswith("Quetta: Quetta (town)")


def test_resolve_with_user_file_and_options() -> None:
    r = geoincident("resolve", "Red Zone", "--gazetteer", str(FIX / "extra_places.csv"), "--no-worldwide",
                    "--json", "--limit", "1", "--country", "PK", "--near", "30.18,67.0")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)[0]["place_id"] == "fx-landmark-red-zone"


def test_resolve_bad_options_exit_2() -> None:
    r = geoincident("resolve", "Quetta", "--near", "north")
    assert r.returncode == 2 and "LAT,LON" in r.stderr and "Traceback" not in r.stderr


def test_gazetteer_check_default_ok() -> None:
    r = geoincident("gazetteer", "check")
    assert r.returncode == 0, r.stderr
    assert "places.csv" in r.stdout


def test_gazetteer_check_user_file_ok() -> None:
    r = geoincident("gazetteer", "check", str(FIX / "extra_places.csv"))
    assert r.returncode == 0, r.stderr


def test_gazetteer_check_bad_file_exit_2_without_traceback() -> None:
    for name, line in [("bad_coordinate.csv", 3), ("bad_duplicate.csv", 4), ("bad_encoding.csv", 3),
                       ("bad_missing_column.csv", 1)]:
        r = geoincident("gazetteer", "check", str(FIX / name))
        assert r.returncode == 2, name
        assert f"{FIX / name}:{line}" in r.stderr and "Traceback" not in r.stderr, r.stderr

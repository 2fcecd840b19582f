"""`geoincident extract`: placeholder until its issue lands."""

from __future__ import annotations

import argparse


def add_parser(sub: argparse._SubParsersAction, *, parents: list[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("extract", parents=parents, help="(not yet implemented)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    print("not yet implemented")
    return 2

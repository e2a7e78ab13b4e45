"""`zonenews fixture` (placeholder until its issue lands)."""

from __future__ import annotations

import argparse

from zonenews.commands import UsageError


def add_parser(sub: argparse._SubParsersAction) -> None:
    sub.add_parser("fixture", help="(not available yet)")


def run(args: argparse.Namespace) -> int:
    raise UsageError("'fixture' is not available yet")

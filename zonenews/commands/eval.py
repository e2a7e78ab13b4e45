"""`zonenews eval` (placeholder until its issue lands)."""

from __future__ import annotations

import argparse

from zonenews.commands import UsageError


def add_parser(sub: argparse._SubParsersAction) -> None:
    sub.add_parser("eval", help="(not available yet)")


def run(args: argparse.Namespace) -> int:
    raise UsageError("'eval' is not available yet")

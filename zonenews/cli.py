"""The `zonenews` command line; each command lives in zonenews/commands/<name>.py."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from zonenews import __version__
from zonenews.commands import COMMAND_MODULES, UsageError

EPILOG = "Output is JSON Lines, one article per line; the schema is in README.md (The record)."


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, no usage dump
        raise UsageError(f"{message} (see '{self.prog} --help')")


def build_parser() -> tuple[argparse.ArgumentParser, dict]:
    parser = _Parser(prog="zonenews", description="Collect news from China's high-tech and development zone "
                     "sites as clean JSON Lines.", epilog=EPILOG)
    parser.add_argument("--version", action="version", version=f"zonenews {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    modules = {}
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"zonenews.commands.{name}")
        module.add_parser(sub)
        modules[name] = module
    return parser, modules


def main(argv: Sequence[str] | None = None) -> int:
    parser, modules = build_parser()
    try:
        args = parser.parse_args(argv)
        if not args.command:
            parser.print_help(sys.stderr)
            return 2
        return modules[args.command].run(args)
    except UsageError as exc:
        print(f"zonenews: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("zonenews: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

"""`zonenews check`: replay every fixture through the crawl's chain and diff the records (for CI)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from zonenews.commands import UsageError

DEFAULT_DIRS = ("tests/fixtures/sites", "tests/fixtures/pages")


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "check", help="replay saved fixtures and show what changed (exit 1 on any difference)",
        description="Replay every fixture (saved with 'zonenews fixture save', or a <case>.html + <case>.json "
        "pair) through the same chain as a crawl, with the headers it was served with, and print a per-field "
        "diff for each record that no longer matches its expected JSON. crawled_at is never compared.",
        epilog="exit status: 0 all fixtures match, 1 some differ, 2 bad arguments. "
        "Without FIXTURE_DIR: " + " and ".join(DEFAULT_DIRS) + ", where they exist.")
    p.add_argument("paths", nargs="*", metavar="FIXTURE_DIR", help="a folder of fixtures (searched recursively) "
                   "or one fixture file")
    p.add_argument("-q", "--quiet", action="store_true", help="list failing fixtures only")
    p.add_argument("--sites", action="append", default=[], metavar="DIR",
                   help="another folder of site profiles (*.toml); also ZONENEWS_SITES")


def run(args: argparse.Namespace) -> int:
    from zonenews.evaluate import Chain
    from zonenews.fixtures import check_fixture, discover, format_result, needs_profiles

    if args.paths:
        paths = [Path(p) for p in args.paths]
        for path in paths:
            if not path.exists():
                raise UsageError(f"no such file or folder: {path}")
    else:
        paths = [Path(d) for d in DEFAULT_DIRS if Path(d).is_dir()]
        if not paths:
            raise UsageError(f"no fixtures folder here ({', '.join(DEFAULT_DIRS)}); give FIXTURE_DIR")
    cases = discover(paths)
    if not cases:
        raise UsageError(f"no fixtures in {', '.join(map(str, paths))} (save one with 'zonenews fixture save')")

    profiles = {}
    if needs_profiles(cases):
        from zonenews.profiles import ProfileError, load_profiles

        try:
            profiles = load_profiles(args.sites)
        except ProfileError as exc:
            raise UsageError(f"bad profile: {exc}") from None

    chain = Chain()
    passed = failed = 0
    for case in cases:
        result = check_fixture(case, profiles, chain)
        if result.ok:
            passed += 1
            if args.quiet:
                continue
        else:
            failed += 1
        print("\n".join(format_result(result)), flush=True)
    print(f"{passed} passed, {failed} failed")
    sys.stdout.flush()
    return 1 if failed else 0

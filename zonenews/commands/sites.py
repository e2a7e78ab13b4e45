"""`zonenews sites`: list the site profiles."""

from __future__ import annotations

import argparse

from zonenews.commands import UsageError


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sites", help="list site profiles", description=(
        "List the site profiles 'zonenews crawl NAME' and 'zonenews crawl --all' use: the package's own and "
        "those in ZONENEWS_SITES or --sites folders. A bad profile is reported with its file and field."))
    p.add_argument("--sites", action="append", default=[], metavar="DIR", help="another folder of profiles")


def run(args: argparse.Namespace) -> int:
    from zonenews.profiles import ProfileError, load_profiles, profile_dirs

    try:
        profiles = load_profiles(args.sites)
    except ProfileError as exc:
        raise UsageError(f"bad profile: {exc}") from None
    if not profiles:
        folders = ", ".join(str(d) for d in profile_dirs(args.sites))
        print(f"no site profiles (looked in {folders}); see README 'Site profiles' to add one")
        return 0
    width = max(len(name) for name in profiles)
    for name, profile in sorted(profiles.items()):
        print(f"{name:<{width}}  {profile.zone or '-'}  {' '.join(profile.start_urls)}")
    return 0

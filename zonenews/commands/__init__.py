"""One module per `zonenews` command; each has `add_parser(subparsers)` and `run(args) -> int`."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from urllib.parse import urlsplit

from scrapy.settings import Settings

# The order `zonenews --help` lists them in.
COMMAND_MODULES = ("crawl", "clean", "demo", "sites", "eval", "explain", "fixture", "check", "report")


class UsageError(Exception):
    """A bad argument: one line to stderr and exit status 2."""


def add_output_options(p: argparse.ArgumentParser) -> None:
    out = p.add_mutually_exclusive_group()
    out.add_argument("-o", "--output", metavar="FILE", help="append records to FILE ('-' for stdout)")
    out.add_argument("-O", "--overwrite-output", metavar="FILE", help="write records to FILE, replacing it")
    p.add_argument("-s", "--set", metavar="NAME=VALUE", action="append", default=[],
                   help="override a Scrapy setting for this run (repeatable), as 'scrapy crawl -s' does")


def check_url(url: str) -> str:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range or not a number
    except ValueError as exc:
        raise UsageError(f"not a valid URL: {url!r} ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in url):
        raise UsageError(f"not an http(s) URL: {url!r} (give a full URL such as http://www.example.gov.cn/)")
    return url


def check_writable(output: str) -> None:
    if output == "-":
        return
    if Path(output).is_dir():
        raise UsageError(f"output {output} is a folder: give a file name such as {Path(output) / 'out.jsonl'}")
    # The writer makes missing folders when it opens the file; here only check that it could.
    folder = Path(output).resolve().parent
    while not folder.exists():
        folder = folder.parent
    if not folder.is_dir():
        raise UsageError(f"cannot create output folder under {folder}: it is a file")
    if not os.access(folder, os.W_OK) or (Path(output).exists() and not os.access(output, os.W_OK)):
        raise UsageError(f"output {output} is not writable")


def project_settings(overrides: list[str]) -> Settings:
    """zonenews.settings plus -s NAME=VALUE overrides."""
    from zonenews import settings as settings_module

    settings = Settings()
    settings.setmodule(settings_module, priority="project")
    for pair in overrides:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"-s expects NAME=VALUE, got {pair!r}")
        settings.set(name.strip(), value, priority="cmdline")
    return settings


def output_settings(args: argparse.Namespace, default_output: str | None = None) -> tuple[Settings, str | None]:
    """Settings for a command with -o/-O/-s; returns them and the output target."""
    settings = project_settings(args.set)
    output = args.output or args.overwrite_output or default_output
    if output:
        check_writable(output)
        settings.set("ZONENEWS_OUTPUT", output, priority="cmdline")
        overwrite = bool(args.overwrite_output) or (not args.output and default_output is not None)
        settings.set("ZONENEWS_OUTPUT_OVERWRITE", overwrite, priority="cmdline")
    return settings, output


def print_summary(stats: dict, output: str | None) -> None:
    import sys

    from zonenews.stats import summary_lines

    print("\n".join(summary_lines(stats, output)), file=sys.stderr)

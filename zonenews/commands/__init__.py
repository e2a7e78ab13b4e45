"""One module per `zonenews` command; each has `add_parser(subparsers)` and `run(args) -> int`."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from urllib.parse import urlsplit

from scrapy.settings import Settings

# The order `zonenews --help` lists them in.
COMMAND_MODULES = ("crawl", "clean", "demo", "sites", "eval", "fixture", "check")


class UsageError(Exception):
    """A bad argument: one line to stderr and exit status 2."""


def add_output_options(p: argparse.ArgumentParser) -> None:
    out = p.add_mutually_exclusive_group()
    out.add_argument("-o", "--output", metavar="FILE", help="append records to FILE ('-' for stdout)")
    out.add_argument("-O", "--overwrite-output", metavar="FILE", help="write records to FILE, replacing it")
    p.add_argument("-s", "--set", metavar="NAME=VALUE", action="append", default=[],
                   help="override a Scrapy setting for this run (repeatable), as 'scrapy crawl -s' does")


def check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"not an http(s) URL: {url!r} (give a full URL such as http://www.example.gov.cn/)")
    return url


def check_writable(output: str) -> None:
    if output == "-":
        return
    parent = Path(output).resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create output folder {parent}: {exc.strerror}") from None
    if not os.access(parent, os.W_OK) or (Path(output).exists() and not os.access(output, os.W_OK)):
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

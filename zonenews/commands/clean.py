"""`zonenews clean`: saved pages through the crawl's pipeline chain, no network."""

from __future__ import annotations

import argparse
import logging
import sys

from zonenews.commands import UsageError, add_output_options, check_url, output_settings, print_summary
from zonenews.limits import InputLimits
from zonenews.stats import WRITTEN, RunStats


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("clean", help="clean saved pages (HTML files, folders, WARC) without network",
                       description="Turn saved article pages into records through the same chain as a crawl.",
                       epilog="example: zonenews clean saved/ -O cleaned.jsonl")
    p.add_argument("paths", nargs="+", metavar="PATH", help="an HTML file, a folder of them, or a WARC file")
    p.add_argument("--url", help="the URL of the page (default: its canonical or og:url, else the file URI)")
    p.add_argument("--zone", help="zone name recorded in every record's 'zone' field")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--state", metavar="PATH", help="also drop what an earlier run with this state emitted "
                   "(default: no state, so cleaning the same input twice gives the same output)")
    add_output_options(p)


def run(args: argparse.Namespace) -> int:
    from zonenews.offline import InputError, expand_paths, iter_saved_pages, run_chain

    if args.url:
        check_url(args.url)
    settings, output = output_settings(args)
    settings.set("ZONENEWS_STATE", args.state or "", priority="cmdline")
    # A page handed over by name is an article unless it plainly is not; a missing date is no reason.
    settings.set("ZONENEWS_ALLOW_UNDATED", True, priority="cmdline")
    logging.basicConfig(level=logging.WARNING, format="zonenews: %(message)s")
    try:
        files = expand_paths(args.paths)
    except InputError as exc:
        raise UsageError(str(exc)) from None
    if args.url and len(files) > 1:
        raise UsageError("--url names one page, but several files were given")
    stats = RunStats()
    pages = iter_saved_pages(files, stats, url=args.url, zone=args.zone, limits=InputLimits.from_settings(settings))
    if sys.stderr.isatty() and not args.no_progress:
        from tqdm import tqdm

        pages = tqdm(pages, total=len(files), unit="file", desc="cleaning", file=sys.stderr)
    status = 0
    try:
        run_chain(pages, settings, stats)
    except InputError as exc:
        names_output = bool(output) and output != "-" and str(output) in str(exc)
        then = ("choose another output (-o/-O FILE) and run again" if names_output
                else "fix or leave out that file and run again")
        print(f"zonenews: error: {exc}; {then}", file=sys.stderr)
        status = 1
    written = stats.get_value(WRITTEN, 0) > 0 or output == "-"
    print_summary(stats.get_stats(), output if written else None)  # never name an output not written
    return status

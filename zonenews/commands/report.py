"""`zonenews report PATHS... -o report.html`: what a set of crawls brought in, as one HTML page."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from zonenews.commands import UsageError


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="write an HTML report (plots and tables) about record files",
                       description="Read record files (*.jsonl, or folders holding them) with their duplicates "
                       "and summary sidecars, and write one self-contained HTML page: articles per month per "
                       "zone and site, stale sites, runs per site and what changed, field completeness, "
                       "duplicates across sites, top sources, categories and zones. Streams the files: "
                       "memory does not grow with the number of records.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="a record file or a folder searched recursively")
    p.add_argument("-o", "--output", metavar="FILE", default="report.html", help="the HTML file (report.html)")
    p.add_argument("--stale-days", type=int, default=90, metavar="N",
                   help="flag a site whose latest article is more than N days older than the newest crawl (90)")
    p.add_argument("--months", type=int, default=60, metavar="N", help="months the monthly charts show (60)")


def run(args: argparse.Namespace) -> int:
    from zonenews.commands import check_writable
    from zonenews.report import NoRecordFiles, ReportOptions, build_report

    if args.output == "-":
        raise UsageError("report needs a file name for -o (the page is HTML, not records)")
    if args.stale_days < 0 or args.months < 1:
        raise UsageError("--stale-days must be 0 or more and --months 1 or more")
    check_writable(args.output)
    try:
        result = build_report(args.paths, Path(args.output),
                              ReportOptions(stale_days=args.stale_days, months=args.months))
    except NoRecordFiles as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:  # a file unreadable or vanished under us, or the output not writable
        raise UsageError(f"{exc.filename or args.output}: {exc.strerror or exc}") from None
    print(f"records read:       {result.records}\n"
          f"sites:              {result.sites}\n"
          f"record files:       {result.record_files} ({result.summaries} with a run summary)\n"
          f"report:             {result.output}", file=sys.stderr)
    return 0

"""The `zonenews` command line: crawl, clean, demo."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

from scrapy.settings import Settings

from zonenews import __version__
from zonenews.stats import RunStats, summary_lines

EPILOG = "Output is JSON Lines, one article per line; the schema is in README.md (The record)."


class UsageError(Exception):
    """A bad argument: one line to stderr and exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, no usage dump
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _add_output(p: argparse.ArgumentParser) -> None:
    out = p.add_mutually_exclusive_group()
    out.add_argument("-o", "--output", metavar="FILE", help="append records to FILE ('-' for stdout)")
    out.add_argument("-O", "--overwrite-output", metavar="FILE", help="write records to FILE, replacing it")
    p.add_argument("-s", "--set", metavar="NAME=VALUE", action="append", default=[],
                   help="override a Scrapy setting for this run (repeatable), as 'scrapy crawl -s' does")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="zonenews", description="Collect news from China's high-tech and development zone "
                     "sites as clean JSON Lines.", epilog=EPILOG)
    parser.add_argument("--version", action="version", version=f"zonenews {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    crawl = sub.add_parser("crawl", help="crawl zone sites from start URLs", description=(
        "Crawl zone news sites from their home page or a news list page and write one record per article."),
        epilog="example: zonenews crawl http://www.example-zone.gov.cn/ -o data/example.jsonl")
    crawl.add_argument("urls", nargs="+", metavar="URL", help="start URL (http or https)")
    crawl.add_argument("--zone", help="zone name recorded in every record's 'zone' field")
    crawl.add_argument("--allow-host", action="append", default=[], metavar="HOST",
                       help="another host the crawl may follow links to (repeatable)")
    crawl.add_argument("-q", "--quiet", action="store_true", help="log warnings only")
    _add_output(crawl)

    clean = sub.add_parser("clean", help="clean saved pages (HTML files, folders, WARC) without network",
                           description="Turn saved article pages into records through the same chain as a crawl.",
                           epilog="example: zonenews clean saved/ -O cleaned.jsonl")
    clean.add_argument("paths", nargs="+", metavar="PATH", help="an HTML file, a folder of them, or a WARC file")
    clean.add_argument("--url", help="the URL of the page (default: its canonical or og:url, else the file URI)")
    clean.add_argument("--zone", help="zone name recorded in every record's 'zone' field")
    clean.add_argument("--no-progress", action="store_true", help="no progress bar")
    _add_output(clean)

    demo = sub.add_parser("demo", help="serve the bundled demo zone site on 127.0.0.1 and crawl it",
                          description="Serve the offline demo site on a free loopback port, crawl it with the "
                          "real spider and write the records (default: data/demo.jsonl).")
    _add_output(demo)
    return parser


def _settings(args: argparse.Namespace, default_output: str | None = None) -> tuple[Settings, str | None]:
    from zonenews import settings as settings_module

    settings = Settings()
    settings.setmodule(settings_module, priority="project")
    for pair in args.set:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UsageError(f"-s expects NAME=VALUE, got {pair!r}")
        settings.set(name.strip(), value, priority="cmdline")
    output = args.output or args.overwrite_output or default_output
    if output:
        if output != "-":
            parent = Path(output).resolve().parent
            try:
                parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise UsageError(f"cannot create output folder {parent}: {exc.strerror}") from None
            if not os.access(parent, os.W_OK) or (Path(output).exists() and not os.access(output, os.W_OK)):
                raise UsageError(f"output {output} is not writable")
        settings.set("ZONENEWS_OUTPUT", output, priority="cmdline")
        settings.set("ZONENEWS_OUTPUT_OVERWRITE", bool(args.overwrite_output) or (
            not args.output and default_output is not None), priority="cmdline")
    return settings, output


def _check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"not an http(s) URL: {url!r} (give a full URL such as http://www.example.gov.cn/)")
    return url


def run_crawl(settings: Settings, urls: list[str], **spider_args: object) -> dict:
    """Run the zone spider in this process; returns the crawl's stats."""
    from scrapy.crawler import CrawlerProcess

    from zonenews.spiders.zone import ZoneSpider

    process = CrawlerProcess(settings)
    crawler = process.create_crawler(ZoneSpider)
    process.crawl(crawler, start_urls=urls, **spider_args)
    process.start()
    return dict(crawler.stats.get_stats() if crawler.stats else {})


def cmd_crawl(args: argparse.Namespace) -> int:
    urls = [_check_url(u) for u in args.urls]
    settings, output = _settings(args)
    if args.quiet:
        settings.set("LOG_LEVEL", "WARNING", priority="cmdline")
    stats = run_crawl(settings, urls, zone=args.zone, allowed_hosts=args.allow_host)
    _print_summary(stats, output)
    return 0


def cmd_clean(args: argparse.Namespace) -> int:
    from zonenews.offline import InputError, expand_paths, iter_saved_pages, run_chain

    if args.url:
        _check_url(args.url)
    settings, output = _settings(args)
    logging.basicConfig(level=logging.WARNING, format="zonenews: %(message)s")
    try:
        files = expand_paths(args.paths)
    except InputError as exc:
        raise UsageError(str(exc)) from None
    if args.url and len(files) > 1:
        raise UsageError("--url names one page, but several files were given")
    stats = RunStats()
    pages = iter_saved_pages(files, stats, url=args.url, zone=args.zone)
    if sys.stderr.isatty() and not args.no_progress:
        from tqdm import tqdm

        pages = tqdm(pages, total=len(files), unit="page", desc="cleaning", file=sys.stderr)
    try:
        run_chain(pages, settings, stats)
    except InputError as exc:
        print(f"zonenews: error: {exc}", file=sys.stderr)
        _print_summary(stats.get_stats(), output)
        return 1
    _print_summary(stats.get_stats(), output)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from zonenews.demo import serve_demo_site

    settings, output = _settings(args, default_output="data/demo.jsonl")
    for name, value in (("AUTOTHROTTLE_ENABLED", False), ("DOWNLOAD_DELAY", 0), ("LOG_LEVEL", "WARNING"),
                        ("CONCURRENT_REQUESTS_PER_DOMAIN", 8)):
        if settings.getpriority(name) < 40:  # leave what the user set with -s
            settings.set(name, value, priority="cmdline")
    with serve_demo_site() as site:
        print(f"demo site served at {site.base_url}/", file=sys.stderr)
        stats = run_crawl(settings, [site.base_url + "/"], zone="成都高新技术产业开发区")
    _print_summary(stats, output)
    return 0


def _print_summary(stats: dict, output: str | None) -> None:
    print("\n".join(summary_lines(stats, output)), file=sys.stderr)


COMMANDS = {"crawl": cmd_crawl, "clean": cmd_clean, "demo": cmd_demo}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if not args.command:
            parser.print_help(sys.stderr)
            return 2
        return COMMANDS[args.command](args)
    except UsageError as exc:
        print(f"zonenews: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("zonenews: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

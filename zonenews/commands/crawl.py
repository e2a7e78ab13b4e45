"""`zonenews crawl`: crawl zone sites from start URLs."""

from __future__ import annotations

import argparse

from scrapy.settings import Settings

from zonenews.commands import add_output_options, check_url, output_settings, print_summary
from zonenews.distributed import add_redis_options, apply_redis_settings, spider_class


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("crawl", help="crawl zone sites from start URLs", description=(
        "Crawl zone news sites from their home page or a news list page and write one record per article."),
        epilog="example: zonenews crawl http://www.example-zone.gov.cn/ -o data/example.jsonl")
    p.add_argument("urls", nargs="+", metavar="URL", help="start URL (http or https)")
    p.add_argument("--zone", help="zone name recorded in every record's 'zone' field")
    p.add_argument("--allow-host", action="append", default=[], metavar="HOST",
                   help="another host the crawl may follow links to (repeatable)")
    p.add_argument("-q", "--quiet", action="store_true", help="log warnings only")
    add_output_options(p)
    add_redis_options(p)


def run_crawl(settings: Settings, urls: list[str], **spider_args: object) -> dict:
    """Run the zone spider in this process; returns the crawl's stats."""
    from scrapy.crawler import CrawlerProcess

    process = CrawlerProcess(settings)
    crawler = process.create_crawler(spider_class(settings))
    process.crawl(crawler, start_urls=urls, **spider_args)
    process.start()
    return dict(crawler.stats.get_stats() if crawler.stats else {})


def run(args: argparse.Namespace) -> int:
    urls = [check_url(u) for u in args.urls]
    settings, output = output_settings(args)
    if args.quiet:
        settings.set("LOG_LEVEL", "WARNING", priority="cmdline")
    apply_redis_settings(settings, args)
    stats = run_crawl(settings, urls, zone=args.zone, allowed_hosts=args.allow_host)
    print_summary(stats, output)
    return 0

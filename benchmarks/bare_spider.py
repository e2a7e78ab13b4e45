"""The baseline crawler: a bare Scrapy spider that follows the same links and extracts nothing.

    .venv/bin/python benchmarks/bare_spider.py URL [-s NAME=VALUE ...]

It follows every same-host <a>/<area> link through Scrapy's LinkExtractor (attachments and media
skipped, as the zone spider skips them) and prints a JSON line with its stats to stdout. It runs
with Scrapy's default settings plus the same overrides the benchmark gives `zonenews crawl`, so
the difference between the two is the zone spider's link rules and the item pipeline chain.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import IGNORED_EXTENSIONS, LinkExtractor
from scrapy.settings import Settings

# Scrapy's list plus the Chinese office formats zone sites attach (WPS, ET, OFD, DPS).
DENY_EXTENSIONS = sorted({*IGNORED_EXTENSIONS, "wps", "et", "ofd", "dps", "txt", "csv", "xml", "json"})


class BareSpider(Spider):
    name = "bare"

    def __init__(self, start_url: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        host = urlsplit(start_url).hostname or ""
        self.start_urls = [start_url]
        self.allowed_domains = [host]
        # Other hosts are dropped by Scrapy's OffsiteMiddleware (allowed_domains) before any request.
        self.links = LinkExtractor(deny_extensions=DENY_EXTENSIONS)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Request]:
        if not isinstance(response, TextResponse):
            return
        for link in self.links.extract_links(response):
            yield Request(link.url, callback=self.parse)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("url")
    p.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE")
    args = p.parse_args(argv)
    settings = Settings({"LOG_LEVEL": "WARNING", "TELNETCONSOLE_ENABLED": False})
    for pair in args.set:
        name, _, value = pair.partition("=")
        settings.set(name, value, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler, start_url=args.url)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    print(json.dumps({"pages": stats.get("response_received_count", 0),
                      "status_200": stats.get("downloader/response_status_count/200", 0),
                      "elapsed": stats.get("elapsed_time_seconds")}))


if __name__ == "__main__":
    main()

"""Crawling past one machine on scrapy-redis (placeholder: filled in by the distributed-crawl work)."""

from __future__ import annotations

import argparse

from scrapy import Spider
from scrapy.settings import Settings


def add_redis_options(parser: argparse.ArgumentParser) -> None:
    """Command-line options of a distributed crawl."""


def apply_redis_settings(settings: Settings, args: argparse.Namespace) -> None:
    """Switch scheduler, dupefilter and duplicate index to Redis when asked to."""


def spider_class(settings: Settings) -> type[Spider]:
    from zonenews.spiders.zone import ZoneSpider

    return ZoneSpider

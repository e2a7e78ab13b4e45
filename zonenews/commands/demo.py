"""`zonenews demo`: serve the bundled demo site on 127.0.0.1 and crawl it."""

from __future__ import annotations

import argparse
import sys

from zonenews.commands import add_output_options, output_settings, print_summary

DEMO_ZONE = "成都高新技术产业开发区"


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="serve the bundled demo zone site on 127.0.0.1 and crawl it",
                       description="Serve the offline demo site on a free loopback port, crawl it with the "
                       "real spider and write the records (default: data/demo.jsonl).")
    add_output_options(p)


def run(args: argparse.Namespace) -> int:
    from zonenews.commands.crawl import run_crawl
    from zonenews.demo import serve_demo_site

    settings, output = output_settings(args, default_output="data/demo.jsonl")
    for name, value in (("AUTOTHROTTLE_ENABLED", False), ("DOWNLOAD_DELAY", 0), ("LOG_LEVEL", "WARNING"),
                        ("CONCURRENT_REQUESTS_PER_DOMAIN", 8), ("ZONENEWS_STATE", "")):
        if settings.getpriority(name) < 40:  # leave what the user set with -s
            settings.set(name, value, priority="cmdline")
    with serve_demo_site() as site:
        print(f"demo site served at {site.base_url}/", file=sys.stderr)
        stats = run_crawl(settings, [site.base_url + "/"], zone=DEMO_ZONE)
    print_summary(stats, output)
    return 0

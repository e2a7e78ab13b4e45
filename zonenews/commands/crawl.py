"""`zonenews crawl`: crawl zone sites from start URLs or site profiles."""

from __future__ import annotations

import argparse
import os
import re
import sqlite3
import sys
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapy.settings import SETTINGS_PRIORITIES, Settings

from zonenews import settings as project_defaults
from zonenews.commands import (
    UsageError,
    add_output_options,
    check_url,
    check_writable,
    output_settings,
    print_summary,
    project_settings,
)
from zonenews.distributed import DistributedError
from zonenews.distributed.keys import reset_crawl, seed_start_urls
from zonenews.distributed.options import URL_SETTING, redis_url_of, spider_class, use_redis
from zonenews.stats import DUPLICATES, SKIPPED, WRITTEN

# Exit statuses a scheduler can tell apart (README "Scheduled runs", docs/scheduling.md); 2 is a bad argument.
EXIT_OUTPUT_ERROR = 1      # the output could not be written (full disk, closed pipe)
EXIT_CRAWL_FAILED = 3      # nothing could be fetched, or more than ZONENEWS_MAX_ERROR_SHARE of requests failed
EXIT_STATE_LOCKED = 75     # another run holds the state (EX_TEMPFAIL: try again later)
EXIT_STOPPED = 130         # stopped by SIGINT/SIGTERM before the end; the same command goes on

NO_PROFILES = ("--all crawls every site profile, and there are none: zonenews ships without profiles. "
               "Crawl by URL (zonenews crawl http://www.example-zone.gov.cn/), or add *.toml profiles to "
               "zonenews/sites or --sites DIR (README, Site profiles)")

if TYPE_CHECKING:
    from zonenews.dedup.state import StateStore


class StateBusy(Exception):
    """The run state is locked by another run: one line to stderr and EXIT_STATE_LOCKED."""


@dataclass
class CrawlJob:
    """One spider run: a profile, or the start URLs given on the command line."""

    name: str
    spider_args: dict[str, object]
    output: str | None = None
    stats: dict = field(default_factory=dict)


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "crawl", help="crawl zone sites from start URLs or site profiles",
        description="Crawl zone news sites from their home page or a news list page (or by profile name, "
        "see 'zonenews sites') and write one record per article. Without -o/-O each site's records go to "
        "data/<site>/<run-start>.jsonl, with a .summary.json beside it.",
        epilog="examples:\n  zonenews crawl http://www.example-zone.gov.cn/ -o data/example.jsonl\n"
        "  zonenews crawl cdht\n  zonenews crawl --all", formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("targets", nargs="*", metavar="URL|PROFILE", help="start URL (http or https) or profile name")
    p.add_argument("--all", action="store_true", help="crawl every site profile")
    p.add_argument("--sites", action="append", default=[], metavar="DIR",
                   help="another folder of site profiles (*.toml); also ZONENEWS_SITES")
    p.add_argument("--zone", help="zone name for records from start URLs (profiles carry their own)")
    p.add_argument("--allow-host", action="append", default=[], metavar="HOST",
                   help="another host the crawl may follow links to (repeatable)")
    p.add_argument("--data-dir", default="data", metavar="DIR",
                   help="where per-site output and the default state go (default: data)")
    state = p.add_mutually_exclusive_group()
    state.add_argument("--state", metavar="PATH", help="the run state (default: DATA_DIR/state/zonenews.sqlite, "
                       "or $ZONENEWS_STATE): article URLs earlier runs emitted are not fetched again")
    state.add_argument("--no-state", action="store_true", help="keep no state: fetch and emit everything")
    p.add_argument("--full", action="store_true",
                   help="fetch and emit every article again, ignoring what the state knows (it is still updated)")
    p.add_argument("--jobdir", metavar="DIR", help="Scrapy JOBDIR: pause with Ctrl-C and resume with the same "
                   "command (the state alone already makes a rerun skip what was written)")
    p.add_argument("-q", "--quiet", action="store_true", help="log warnings only")
    add_output_options(p)
    add_redis_options(p)


def add_redis_options(parser: argparse.ArgumentParser) -> None:
    """Command-line options of a distributed crawl."""
    g = parser.add_argument_group("distributed crawl (scrapy-redis; see docs/distributed.md)")
    g.add_argument("--redis", metavar="URL", help=(
        f"share the crawl with other workers through Redis at URL, e.g. redis://10.0.0.5:6379/0 "
        f"(default: ${URL_SETTING} or the {URL_SETTING} setting); give each worker its own -o file"))
    g.add_argument("--redis-prefix", metavar="PREFIX", help=(
        f"prefix of the crawl's Redis keys (default: the ZONENEWS_REDIS_PREFIX setting, "
        f"'{project_defaults.ZONENEWS_REDIS_PREFIX}'); one prefix = one crawl"))
    g.add_argument("--seed-only", action="store_true", help=(
        "queue the start URLs in Redis (PREFIX:start_urls) and exit; workers started without URLs "
        "take them from there"))
    g.add_argument("--idle-exit", type=float, metavar="SECONDS", help=(
        f"exit once the shared frontier has stayed empty this long; 0 waits for ever "
        f"(default: the ZONENEWS_REDIS_IDLE_EXIT setting, {project_defaults.ZONENEWS_REDIS_IDLE_EXIT:g})"))
    g.add_argument("--redis-reset", action="store_true", help=(
        "delete the crawl's keys (queue, seen URLs, duplicate index) first; refused while workers run"))


def apply_redis_options(settings: Settings, args: argparse.Namespace) -> bool:
    """Make this run a worker of the shared crawl when asked to; True when --seed-only did all there was."""
    url = redis_url_of(settings, args.redis)
    if not url:
        for flag in ("seed_only", "redis_reset", "idle_exit", "redis_prefix"):
            if getattr(args, flag) not in (None, False):
                raise UsageError(f"--{flag.replace('_', '-')} needs --redis URL (or ${URL_SETTING})")
        return False
    try:
        server, keys = use_redis(settings, url, prefix=args.redis_prefix, idle_exit=args.idle_exit)
        if args.redis_reset:
            removed = reset_crawl(server, keys)
            print(f"reset crawl '{keys.prefix}': {removed} keys deleted", file=sys.stderr)
        if not args.seed_only:
            return False
        urls = [t for t in args.targets if "://" in t]  # start URLs and profile names share one positional
        if not urls:
            raise UsageError("--seed-only needs at least one start URL")
        queued = seed_start_urls(server, keys, urls, zone=args.zone, allowed_hosts=args.allow_host)
    except DistributedError as exc:
        raise UsageError(str(exc)) from None
    print(f"queued {queued} start URLs on {keys.start_urls} at {url}", file=sys.stderr)
    return True


def _safe_name(text: str) -> str:
    """A folder name from a host or profile name: nothing a page could turn into a path."""
    return re.sub(r"[^a-z0-9._-]+", "_", text.lower()).strip("._") or "site"


def _zone_name(zone: str | None) -> str | None:
    """--zone as the gazetteer's official name when it knows the zone (成都高新区 -> 成都高新技术产业开发区)."""
    if not zone:
        return None
    from zonenews.gazetteer import Gazetteer

    known = Gazetteer.load().lookup(zone)
    return known.name if known else zone.strip()


def build_jobs(args: argparse.Namespace) -> list[CrawlJob]:
    from zonenews.profiles import ProfileError, load_profiles

    try:
        profiles = load_profiles(args.sites)
    except ProfileError as exc:
        raise UsageError(f"bad profile: {exc}") from None
    urls = [t for t in args.targets if "://" in t]
    names = [t for t in args.targets if "://" not in t]
    jobs = []
    if args.all:
        if not profiles:
            raise UsageError(NO_PROFILES)
        names = list(profiles)
    for name in names:
        if name not in profiles:
            known = ", ".join(sorted(profiles)) or "none"
            raise UsageError(f"unknown profile {name!r} (known: {known}; 'zonenews sites' lists them)")
        jobs.append(CrawlJob(name, profiles[name].spider_args()))
    if urls:
        for url in urls:
            check_url(url)
        jobs.append(CrawlJob(_safe_name(urlsplit(urls[0]).netloc), {
            "start_urls": urls, "zone": _zone_name(args.zone), "allowed_hosts": args.allow_host}))
    if not jobs and redis_url_of(project_settings(args.set), args.redis):
        # A worker of a distributed crawl takes its start URLs from Redis.
        jobs.append(CrawlJob("redis", {"start_urls": [], "zone": args.zone, "allowed_hosts": args.allow_host}))
    if not jobs:
        raise UsageError("give a start URL, a profile name, or --all")
    if len(jobs) > 1 and redis_url_of(project_settings(args.set), args.redis):
        raise UsageError("--redis shares one crawl: run one profile (or one set of start URLs) per crawl, "
                         "or give each its own --redis-prefix in separate runs")
    return jobs


def run_jobs(settings: Settings, jobs: list[CrawlJob]) -> None:
    """Run every job's spider in this process, each with its own output; fills job.stats."""
    from scrapy.crawler import CrawlerProcess

    process = CrawlerProcess(settings)
    crawlers = []
    for job in jobs:
        crawler = process.create_crawler(spider_class(settings))
        if job.output:  # each crawler holds its own copy of the settings until it starts
            crawler.settings.set("ZONENEWS_OUTPUT", job.output, priority="cmdline")
        process.crawl(crawler, **job.spider_args)
        crawlers.append((job, crawler))
    process.start()
    for job, crawler in crawlers:
        job.stats = dict(crawler.stats.get_stats()) if crawler.stats else {}


def run_crawl(settings: Settings, urls: list[str], **spider_args: object) -> dict:
    """One crawl from start URLs; returns its stats (used by `zonenews demo`)."""
    job = CrawlJob("crawl", {"start_urls": urls, **spider_args})
    run_jobs(settings, [job])
    return job.stats


def _open_state(settings: Settings, args: argparse.Namespace) -> StateStore | None:
    """Open (and lock) the run state now, so a busy state is a clear message, not a traceback."""
    from zonenews.dedup.state import StateLocked, open_state

    if args.no_state:
        settings.set("ZONENEWS_STATE", "", priority="cmdline")
    elif args.state:
        settings.set("ZONENEWS_STATE", args.state, priority="cmdline")
    elif "ZONENEWS_STATE" not in os.environ and settings.getpriority("ZONENEWS_STATE") == SETTINGS_PRIORITIES["project"]:
        # The default state lives under --data-dir, beside the outputs it describes.
        settings.set("ZONENEWS_STATE", str(Path(args.data_dir) / "state" / "zonenews.sqlite"), priority="cmdline")
    if args.full:
        settings.set("ZONENEWS_FULL", True, priority="cmdline")
    try:
        return open_state(settings)
    except StateLocked as exc:
        raise StateBusy(str(exc)) from None
    except (OSError, sqlite3.Error) as exc:
        raise UsageError(f"cannot open the state {settings.get('ZONENEWS_STATE')}: {exc}") from None


def run(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except StateBusy as exc:
        print(f"zonenews: error: {exc}", file=sys.stderr)
        return EXIT_STATE_LOCKED


def _run(args: argparse.Namespace) -> int:
    jobs = build_jobs(args)
    settings, output = output_settings(args)
    if output and output != "-" and settings.getbool("ZONENEWS_OUTPUT_OVERWRITE"):
        try:
            Path(output).write_bytes(b"")  # truncate once, then every job appends
        except OSError as exc:
            raise UsageError(f"cannot write {output}: {exc.strerror}") from None
        settings.set("ZONENEWS_OUTPUT_OVERWRITE", False, priority="cmdline")
    if not output:
        run_start = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        for job in jobs:
            job.output = str(Path(args.data_dir) / _safe_name(job.name) / f"{run_start}.jsonl")
            check_writable(job.output)
    if args.quiet:
        settings.set("LOG_LEVEL", "WARNING", priority="cmdline")
    settings.set("ZONENEWS_RUN_ID", uuid.uuid4().hex, priority="cmdline")
    if apply_redis_options(settings, args):  # first: with Redis, the run state lives there
        return 0
    state = _open_state(settings, args)
    if args.jobdir:
        settings.set("JOBDIR", args.jobdir, priority="cmdline")
    run_jobs(settings, jobs)
    report_jobs(jobs, output, state)
    return exit_status(jobs)


def report_jobs(jobs: list[CrawlJob], output: str | None, state: StateStore | None) -> None:
    """The closing summary of each job on stderr (and of all, for several)."""
    for job in jobs:
        if len(jobs) > 1:
            print(f"[{job.name}]", file=sys.stderr)
        target = job.output or output
        print_summary(job.stats, target if target == "-" or (target and Path(target).exists()) else None)
        known = job.stats.get("zonenews/state/known_skipped", 0)
        if state is not None and known and not job.stats.get(WRITTEN):
            print(f"nothing new: {known} article pages were already known from earlier runs (state: "
                  f"{state.path}); run with --full to fetch and emit them again", file=sys.stderr)
    if len(jobs) > 1:
        totals = {key: sum(j.stats.get(key, 0) for j in jobs) for key in (WRITTEN, DUPLICATES)}
        skipped = sum(v for j in jobs for k, v in j.stats.items() if k.startswith(SKIPPED))
        print(f"[all {len(jobs)} sites] articles written: {totals[WRITTEN]}, duplicates dropped: "
              f"{totals[DUPLICATES]}, pages skipped: {skipped}", file=sys.stderr)


def exit_status(jobs: list[CrawlJob]) -> int:
    """Stopped early beats an output error beats a failed crawl (the reason is logged at its end)."""
    if any(j.stats.get("finish_reason") == "shutdown" for j in jobs):
        print("stopped before the end: run the same command again to go on (the state skips what was "
              "written)", file=sys.stderr)
        return EXIT_STOPPED
    failed = [j for j in jobs if j.stats.get("zonenews/output_error")]
    for job in failed:
        print(f"zonenews: error: {job.stats['zonenews/output_error']} (the crawl of {job.name} stopped)",
              file=sys.stderr)
    if failed:
        return EXIT_OUTPUT_ERROR
    return EXIT_CRAWL_FAILED if any(j.stats.get("zonenews/problem") for j in jobs) else 0

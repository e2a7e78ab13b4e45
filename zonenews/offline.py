"""The offline path: saved pages through the same pipeline chain as a crawl, no network."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from scrapy.settings import BaseSettings

from zonenews.chain import Chain
from zonenews.export import OutputError
from zonenews.extract.document import meta_content
from zonenews.extract.page import UnreadablePage, load_page
from zonenews.items import PageItem
from zonenews.limits import InputLimits, size_text
from zonenews.stats import SKIPPED, Stats

logger = logging.getLogger(__name__)

HTML_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml", ".php", ".asp", ".aspx", ".jsp")
WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")


class InputError(Exception):
    """A path given on the command line cannot be read."""


def run_chain(items: Iterable[PageItem], settings: BaseSettings, stats: Stats) -> None:
    """Push every item through the chain (zonenews.chain.Chain). An output that cannot be written
    ends the run with InputError, before a record could be lost."""
    try:
        chain = Chain(settings, stats)
    except OutputError as exc:
        raise InputError(exc.strerror) from None
    with chain:
        for item in items:
            try:
                chain.process(item)
            except OutputError as exc:
                raise InputError(exc.strerror) from None


def expand_paths(paths: Iterable[str]) -> list[Path]:
    """Files named, and the page files inside folders named, in a stable order."""
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and
                            p.name.lower().endswith(HTML_SUFFIXES + WARC_SUFFIXES))
        elif path.is_file():
            found.append(path)
        elif path.exists():
            raise InputError(f"not a file or folder: {name}")
        else:
            raise InputError(f"no such file or folder: {name}")
    return found


def utc_iso(value: str | float | None) -> str | None:
    """A WARC-Date or a file time as the record's crawled_at (UTC, seconds, 'Z'); None if unknown."""
    if value is None:
        return None
    try:
        when = (datetime.fromtimestamp(value, UTC) if isinstance(value, float)
                else datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC))
    except (ValueError, OverflowError, OSError):
        return None
    return when.isoformat(timespec="seconds").replace("+00:00", "Z")


def page_from_bytes(body: bytes, fallback_url: str, *, url: str | None = None, content_type: str | None = None,
                    zone: str | None = None, fetched_at: str | None = None) -> PageItem:
    """A PageItem for a saved page: its URL is the given one, else canonical/og:url, else the fallback.
    fetched_at (when the page was saved) becomes the record's crawled_at, so cleaning the same
    input twice gives the same output."""
    try:
        page = load_page(body, content_type)
    except UnreadablePage:  # the chain's ExtractPipeline counts it under its reason
        return PageItem(url=url or fallback_url, body=body, content_type=content_type, zone=zone,
                        fetched_at=fetched_at)
    tree = page.tree
    if url is None:
        canonical = next((el.get("href") for el in tree.iter("link")
                          if (el.get("rel") or "").lower() == "canonical" and el.get("href")), None)
        found = canonical or meta_content(tree, "og:url")
        url = found if found and found.startswith(("http://", "https://")) else fallback_url
    return PageItem(url=url, body=body, content_type=content_type, zone=zone, text=page.text, tree=tree,
                    fetched_at=fetched_at)


def iter_saved_pages(files: list[Path], stats: Stats, *, url: str | None = None, zone: str | None = None,
                     limits: InputLimits | None = None) -> Iterator[PageItem]:
    """Pages of every file in turn. A file that cannot be read (or a WARC cut short or inflating past
    its bounds) does not stop the others: when all are done, one InputError names the first problem
    and counts the rest. A page file larger than DOWNLOAD_MAXSIZE is skipped (too_large), as in a crawl."""
    limits = limits or InputLimits.from_settings()
    problems: list[str] = []
    for path in files:
        if path.name.lower().endswith(WARC_SUFFIXES):
            from zonenews.warc import iter_warc_pages

            try:
                yield from iter_warc_pages(path, stats, zone=zone, limits=limits)
            except InputError as exc:
                problems.append(str(exc))
            continue
        try:
            saved = path.stat()
            with path.open("rb") as fh:  # never more than the bound, even from a file still growing
                body = b"" if saved.st_size > limits.page_bytes else fh.read(limits.page_bytes + 1)
        except OSError as exc:
            problems.append(f"{path}: cannot read ({exc.strerror or exc})")
            continue
        if saved.st_size > limits.page_bytes or len(body) > limits.page_bytes:
            logger.warning("%s: over DOWNLOAD_MAXSIZE (%s), skipped (too_large)", path, size_text(limits.page_bytes))
            stats.inc_value(SKIPPED + "too_large")
            continue
        yield page_from_bytes(body, path.resolve().as_uri(), url=url, zone=zone, fetched_at=utc_iso(saved.st_mtime))
    if problems:
        more = f" (and {len(problems) - 1} more unreadable files)" if len(problems) > 1 else ""
        raise InputError(problems[0] + more)

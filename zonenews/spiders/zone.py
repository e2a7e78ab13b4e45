"""The `zone` spider: crawl any zone site from its home page or a news list page."""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from typing import Any, ClassVar
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from zonenews.dedup.state import StateStore, open_state
from zonenews.extract.page import UnreadablePage, load_page
from zonenews.items import PageItem
from zonenews.middlewares import cut_reason
from zonenews.spiders.links import Link, canonical_url, page_links
from zonenews.stats import SKIPPED

NEWS_TEXT = re.compile(r"新闻|动态|资讯|要闻|通知|公告|公示|政策|文件|工作|信息|快讯|媒体|图片|招商|项目|news", re.I)
LEAF_HINT = re.compile(r"/(?:t\d{8}_\d+|art_\d+_\d+|content_\d+|show|detail|article|\d{6,})", re.I)


def _host(url: str) -> str:
    return (urlsplit(url).netloc or "").lower()


def is_private_host(netloc: str) -> bool:
    """A loopback, private or link-local address (or localhost): never reached from a public site."""
    host = netloc.rsplit(":", 1)[0].strip("[]") if netloc.count(":") <= 1 or netloc.startswith("[") else netloc
    if host in ("localhost", "localhost.localdomain") or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_private or address.is_loopback or address.is_link_local or address.is_reserved


class ZoneSpider(Spider):
    name = "zone"
    custom_settings: ClassVar[dict[str, Any]] = {"DEPTH_LIMIT": 0}  # depth is counted here: pagination does not deepen a crawl

    def __init__(self, start_url: str | None = None, start_urls: list[str] | str | None = None,
                 zone: str | None = None, allowed_hosts: list[str] | str | None = None,
                 follow_allow: list[str] | None = None, follow_deny: list[str] | None = None,
                 selectors: dict[str, str] | None = None, profile: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.profile = profile
        self.follow_allow = [re.compile(p) for p in follow_allow or []]
        self.follow_deny = [re.compile(p) for p in follow_deny or []]
        self.selectors = dict(selectors or {})
        urls = [start_url] if start_url else []
        if isinstance(start_urls, str):
            start_urls = [u for u in start_urls.split(",") if u]
        urls += list(start_urls or [])
        if not urls:
            raise ValueError("no start URL: pass -a start_url=URL")
        self.start_urls = [canonical_url(u) for u in urls]
        self.zone = zone
        if isinstance(allowed_hosts, str):
            allowed_hosts = [h for h in allowed_hosts.split(",") if h]
        start_hosts = {_host(u) for u in self.start_urls}
        # A crawl of public sites never enters a private or loopback address, whatever links or
        # profiles say; starting from one (a test site, an intranet) allows them.
        self.private_ok = any(is_private_host(h) for h in start_hosts)
        extra = {h.lower() for h in allowed_hosts or []}
        self.allowed_hosts = start_hosts | {h for h in extra if self.private_ok or not is_private_host(h)}
        # Scrapy's offsite middleware also stops redirects to other hosts.
        self.allowed_domains = sorted({h.split(":")[0] for h in self.allowed_hosts})
        self.pages_per_host: Counter[str] = Counter()
        self.query_variants: Counter[tuple[str, str]] = Counter()
        self.seen: set[str] = set(self.start_urls)  # bounds count distinct URLs, not links to them

    @property
    def state(self) -> StateStore | None:
        """Article URLs earlier runs already have (None without a state, or with --full)."""
        if not hasattr(self, "_state"):
            settings = self.crawler.settings
            self._state = None if settings.getbool("ZONENEWS_FULL") else open_state(settings)
        return self._state

    async def start(self) -> AsyncIterator[Any]:
        for request in self.start_requests():
            yield request

    def start_requests(self) -> Iterator[Request]:
        for url in self.start_urls:
            yield Request(url, callback=self.parse, errback=self.failed, meta={"hops": 0, "list_hops": 0},
                          dont_filter=True)

    def _allowed(self, url: str) -> bool:
        host = _host(url)
        if host not in self.allowed_hosts:
            self.crawler.stats.inc_value("zonenews/offsite_links")
            return False
        if url in self.seen:
            return False
        if self.state is not None and self.state.known(url):
            self.crawler.stats.inc_value("zonenews/state/known_skipped")
            self.seen.add(url)
            return False
        if any(p.search(url) for p in self.follow_deny) or (
                self.follow_allow and not any(p.search(url) for p in self.follow_allow)):
            self.crawler.stats.inc_value("zonenews/profile_filtered")
            return False
        settings = self.crawler.settings
        if self.pages_per_host[host] >= settings.getint("ZONENEWS_MAX_PAGES_PER_HOST"):
            self.crawler.stats.inc_value("zonenews/bounded/pages_per_host")
            return False
        parts = urlsplit(url)
        if parts.query:
            key = (host, parts.path)
            if self.query_variants[key] >= settings.getint("ZONENEWS_MAX_QUERY_VARIANTS"):
                self.crawler.stats.inc_value("zonenews/bounded/query_variants")
                return False
            self.query_variants[key] += 1
        self.pages_per_host[host] += 1
        self.seen.add(url)
        return True

    def _follow(self, response: Response, links: list[Link]) -> Iterator[Request]:
        """Requests for the links worth following, within every bound.

        A list page reached by paging that offers no new article link ends its pager chain:
        endless ?page=N lists and calendars repeat themselves, real archives do not.
        """
        settings, stats = self.crawler.settings, self.crawler.stats
        hops, list_hops = response.meta.get("hops", 0), response.meta.get("list_hops", 0)
        new_leaves = 0
        for link in (lk for lk in links if not lk.pagination):
            if hops + 1 > settings.getint("ZONENEWS_MAX_DEPTH", 6):
                stats.inc_value("zonenews/bounded/depth")
                break
            if self._allowed(link.url):
                new_leaves += 1
                priority = 10 if LEAF_HINT.search(link.url) else (3 if NEWS_TEXT.search(link.text) else 0)
                yield Request(link.url, callback=self.parse, errback=self.failed,
                              meta={"hops": hops + 1, "list_hops": 0}, priority=priority)
        if response.meta.get("is_list") and new_leaves == 0:
            stats.inc_value("zonenews/bounded/exhausted_lists")
            return
        for link in (lk for lk in links if lk.pagination):
            if list_hops + 1 >= settings.getint("ZONENEWS_MAX_LIST_PAGES"):
                stats.inc_value("zonenews/bounded/list_pages")
                break
            if self._allowed(link.url):
                yield Request(link.url, callback=self.parse, errback=self.failed, priority=5,
                              meta={"hops": hops, "list_hops": list_hops + 1, "is_list": True})

    def failed(self, failure: Failure) -> None:
        """A request that gave no page is counted under a reason, like any page skipped: http_N,
        too_large (over DOWNLOAD_MAXSIZE as announced, as received or as inflated), timeout, else
        download_error."""
        if failure.check(HttpError):
            reason = f"http_{failure.value.response.status}"
        elif cut := cut_reason(failure):
            reason = cut
        elif failure.check(IgnoreRequest):
            return  # robots.txt or offsite: a rule of this crawl, not a failure of the site
        else:
            reason = "download_error"
        self.crawler.stats.inc_value(SKIPPED + reason)

    def parse(self, response: Response) -> Iterator[Any]:
        stats = self.crawler.stats
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
        body = response.body
        try:
            page = load_page(body, content_type)
        except UnreadablePage as exc:
            stats.inc_value(SKIPPED + exc.reason)
            return
        yield from self._follow(response, page_links(
            page.tree, response.url, max_list_pages=self.crawler.settings.getint("ZONENEWS_MAX_LIST_PAGES")))
        if response.meta.get("is_list"):
            return  # a page reached by a pager link is a list page, never an article
        yield PageItem(url=response.url, body=body, content_type=content_type or None, status=response.status,
                       zone=self.zone, text=page.text, tree=page.tree,
                       meta={"selectors": self.selectors} if self.selectors else {})

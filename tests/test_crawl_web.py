"""A real crawl of the multi-site fixture web (tests/fixtureweb) served on 127.0.0.2-6.

Five zone sites in five CMS families: GBK without a charset header, TRS createPageHTML pagers,
Hanweb <script type="text/xml"> lists, PHPCMS query URLs, a JSON-LD portal; robots.txt, redirects
(one to another site), 404/500, traps, off-site links and articles republished across sites.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from w3lib.url import canonicalize_url

from tests.conftest import read_jsonl, run_cli
from tests.fixtureweb import build_fixture_web
from zonenews.devserver import SiteGroup
from zonenews.evaluate import char_f1

TRAP_BOUND = 5  # requests under a trap's path that the crawl may spend before it notices


@pytest.fixture(scope="module")
def web_crawl(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("web")
    build_fixture_web(root / "web")
    manifest = json.loads((root / "web" / "manifest.json").read_text("utf-8"))
    out = root / "out.jsonl"
    with SiteGroup(root / "web") as group:
        starts = [group.url(name, site["start"]) for name, site in manifest["sites"].items()]
        proc = run_cli("crawl", *starts, "-O", str(out), "-q", "-s", "AUTOTHROTTLE_ENABLED=0",
                       "-s", "DOWNLOAD_DELAY=0", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8", timeout=300)
        requests = {name: list(site.requests) for name, site in group.sites.items()}
        host_site = {urlsplit(site.base_url).netloc: name for name, site in group.sites.items()}
        key = {(a["site"], a["path"]): _key(group.url(a["site"], a["path"]), host_site)
               for a in manifest["articles"]}
    assert proc.returncode == 0, proc.stderr[-3000:]
    records = read_jsonl(out)
    dropped = read_jsonl(out.with_name("out.jsonl.duplicates"))
    return {"manifest": manifest, "records": {_key(r["url"], host_site): r for r in records},
            "n_records": len(records), "dropped": {_key(d["url"], host_site): d for d in dropped},
            "requests": requests, "key": key, "host_site": host_site, "stderr": proc.stderr}


def _key(url: str, host_site: dict[str, str]) -> tuple[str, str]:
    parts = urlsplit(canonicalize_url(url))
    return host_site.get(parts.netloc, parts.netloc), parts.path + (f"?{parts.query}" if parts.query else "")


def test_reaches_at_least_98_percent_of_articles(web_crawl: dict) -> None:
    articles = [web_crawl["key"][(a["site"], a["path"])] for a in web_crawl["manifest"]["articles"]]
    reached = set(web_crawl["records"]) | set(web_crawl["dropped"])
    missed = [k for k in articles if k not in reached]
    assert len(articles) >= 100
    assert len(missed) <= 0.02 * len(articles), missed


def test_emits_no_non_article_and_one_record_per_url(web_crawl: dict) -> None:
    articles = {web_crawl["key"][(a["site"], a["path"])] for a in web_crawl["manifest"]["articles"]}
    extra = set(web_crawl["records"]) - articles
    assert not extra, extra
    assert web_crawl["n_records"] == len(web_crawl["records"])


def test_fields_match_the_manifest(web_crawl: dict) -> None:
    wrong = []
    for article in web_crawl["manifest"]["articles"]:
        record = web_crawl["records"].get(web_crawl["key"][(article["site"], article["path"])])
        if record is None:
            continue
        for name in ("title", "published_at", "source", "category"):
            if record[name] != article[name]:
                wrong.append((article["path"], name, record[name], article[name]))
        if char_f1(record["body"], "\n".join(article["body"])) < 0.95:
            wrong.append((article["path"], "body"))
    assert not wrong, wrong[:10]


def test_robots_offsite_and_traps_respected(web_crawl: dict) -> None:
    manifest, requests = web_crawl["manifest"], web_crawl["requests"]
    for item in manifest["disallowed"]:
        assert item["path"] not in requests[item["site"]], item
    for trap in manifest["traps"]:
        hits = [r for r in requests[trap["site"]] if r.startswith(trap["path_prefix"])]
        assert len(hits) <= TRAP_BOUND + 6, (trap, len(hits))  # + a calendar's days within the depth bound


def test_republished_articles_emitted_once_and_distinct_notices_kept(web_crawl: dict) -> None:
    key, records = web_crawl["key"], web_crawl["records"]
    for group in web_crawl["manifest"]["republished"]:
        kept = [m for m in group if key[(m["site"], m["path"])] in records]
        assert len(kept) == 1, group
    for group in web_crawl["manifest"]["near_duplicates_distinct"]:
        for member in group:  # notices from one template, each a distinct article
            assert key[(member["site"], member["path"])] not in web_crawl["dropped"], member


def test_summary_counts_skips(web_crawl: dict) -> None:
    assert "pages skipped:" in web_crawl["stderr"]
    assert "duplicates dropped:" in web_crawl["stderr"]


def test_second_site_not_contacted_when_crawling_one(tmp_path: Path) -> None:
    build_fixture_web(tmp_path / "web")
    manifest = json.loads((tmp_path / "web" / "manifest.json").read_text("utf-8"))
    with SiteGroup(tmp_path / "web") as group:
        proc = run_cli("crawl", group.url("hanweb", manifest["sites"]["hanweb"]["start"]), "-O",
                       str(tmp_path / "o.jsonl"), "-q", "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0")
        assert proc.returncode == 0, proc.stderr[-2000:]
        others = {name: len(site.requests) for name, site in group.sites.items() if name != "hanweb"}
    assert not any(others.values()), others  # hanweb links and 301s to portal; neither is followed


def test_robots_txt_holds_for_every_start_url_of_a_host(tmp_path: Path) -> None:
    """Scrapy 2.19 hands a host's robots.txt only to the first request waiting for it; the others
    went ahead as if there were none (zonenews.middlewares.SharedRobotsTxtMiddleware fixes it)."""
    from zonenews.devserver import StaticSite

    (tmp_path / "private").mkdir()
    (tmp_path / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n")
    for name in ("index.html", "a.html", "b.html", "private/p.html", "private/q.html"):
        (tmp_path / name).write_text("<html><body><p>页面</p></body></html>", "utf-8")
    with StaticSite(tmp_path) as site:
        urls = [site.url(p) for p in ("/", "/a.html", "/private/p.html", "/b.html", "/private/q.html")]
        proc = run_cli("crawl", *urls, "-O", str(tmp_path / "o.jsonl"), "-q", "-s", "AUTOTHROTTLE_ENABLED=0",
                       "-s", "DOWNLOAD_DELAY=0")
        requests = list(site.requests)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "/robots.txt" in requests and "/a.html" in requests
    assert not [r for r in requests if r.startswith("/private/")], requests

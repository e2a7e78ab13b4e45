"""Tests of zonenews.devserver and the tests/fixtureweb generator (loopback only)."""

from __future__ import annotations

import http.client
import json
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # plain `pytest` without an installed package
    sys.path.insert(0, str(ROOT))

from tests.fixtureweb import Manifest, build_fixture_web  # noqa: E402
from zonenews.devserver import SiteGroup, StaticSite  # noqa: E402

pytestmark = pytest.mark.timeout(60)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect, urllib.request.ProxyHandler({}))


def get(url: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    assert urlsplit(url).hostname.startswith("127."), url  # type: ignore[union-attr]
    req = urllib.request.Request(url, method=method)
    try:
        with _opener.open(req, timeout=10) as resp:
            return resp.status, dict(resp.headers.items()), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers.items()), err.read()


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Manifest]:
    dest = tmp_path_factory.mktemp("fixtureweb")
    return dest, build_fixture_web(dest)


@pytest.fixture(scope="module")
def group(web: tuple[Path, Manifest]) -> Iterator[SiteGroup]:
    with SiteGroup(web[0]) as g:
        yield g


@pytest.fixture
def site(tmp_path: Path) -> Iterator[StaticSite]:
    (tmp_path / "sub").mkdir()
    (tmp_path / "index.html").write_text("<html><body>home {{site:nowhere}}</body></html>", encoding="utf-8")
    (tmp_path / "sub" / "index.html").write_text("<p>sub</p>", encoding="utf-8")
    (tmp_path / "list.html").write_text("<p>list page 1</p>", encoding="utf-8")
    (tmp_path / "_p2.html").write_text("<p>list page 2</p>", encoding="utf-8")
    (tmp_path / "style.css").write_text("body{}", encoding="utf-8")
    (tmp_path / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n", encoding="utf-8")
    (tmp_path / "_tpl.html").write_text('<a href="trap?n={{endless:next}}">{{endless:value}}</a>', encoding="utf-8")
    (tmp_path / "_routes.json").write_text(json.dumps({
        "slow": {"/slow.html": 0.4},
        "files": {"/list.html?page=2": "_p2.html", "/slow.html": "list.html", "/x/*": "list.html"},
        "endless": {"/trap": {"param": "n", "type": "int", "start": 1, "template": "_tpl.html"}},
        "headers": {"*.css": {"Cache-Control": "max-age=60"}},
    }), encoding="utf-8")
    (tmp_path.parent / f"{tmp_path.name}-secret.txt").write_text("secret", encoding="utf-8")
    with StaticSite(tmp_path) as s:
        yield s


# -- StaticSite ---------------------------------------------------------------------------------
def test_static_site_basics(site: StaticSite) -> None:
    assert site.base_url.startswith("http://127.0.0.1:") and not site.base_url.endswith("/")
    status, headers, body = get(site.base_url + "/")
    assert status == 200 and headers["Content-Type"] == "text/html"
    assert b"{{site:nowhere}}" in body  # unknown names are left alone
    assert get(site.base_url + "/sub/")[2] == b"<p>sub</p>"
    status, headers, _ = get(site.base_url + "/sub")
    assert status == 301 and headers["Location"] == site.base_url + "/sub/"
    assert get(site.base_url + "/list.html?page=3")[2] == b"<p>list page 1</p>"  # query ignored
    assert get(site.base_url + "/list.html?page=2")[2] == b"<p>list page 2</p>"  # files route
    assert get(site.base_url + "/x/anything?y=1")[2] == b"<p>list page 1</p>"  # files glob
    status, headers, body = get(site.base_url + "/style.css")
    assert headers["Content-Type"] == "text/css" and headers["Cache-Control"] == "max-age=60"
    assert get(site.base_url + "/robots.txt")[1]["Content-Type"] == "text/plain"
    status, headers, body = get(site.base_url + "/list.html", method="HEAD")
    assert status == 200 and body == b"" and headers["Content-Length"] == str(len(b"<p>list page 1</p>"))


def test_static_site_hidden_and_traversal(site: StaticSite) -> None:
    for path in ("/_routes.json", "/_p2.html", "/_tpl.html", "/../" + site.root.name + "-secret.txt",
                 "/%2e%2e/" + site.root.name + "-secret.txt", "/sub/../../" + site.root.name + "-secret.txt",
                 "/missing.html"):
        assert get(site.base_url + path)[0] == 404, path
    conn = http.client.HTTPConnection(site.host, site.port, timeout=5)  # raw path, no client normalisation
    conn.request("GET", "/../../etc/passwd")
    assert conn.getresponse().status == 404
    conn.close()


def test_static_site_records_requests_and_slow(site: StaticSite) -> None:
    site.clear_requests()
    get(site.base_url + "/list.html?page=9")
    get(site.base_url + "/nothing", method="HEAD")
    t0 = time.monotonic()
    assert get(site.base_url + "/slow.html")[0] == 200
    assert time.monotonic() - t0 >= 0.35
    assert site.requests == ["/list.html?page=9", "/nothing", "/slow.html"]


def test_endless_route(site: StaticSite) -> None:
    assert get(site.base_url + "/trap")[2] == b'<a href="trap?n=2">1</a>'
    assert get(site.base_url + "/trap?n=41")[2] == b'<a href="trap?n=42">41</a>'
    assert get(site.base_url + "/trap?n=junk")[2] == b'<a href="trap?n=2">1</a>'


def test_stop_releases_port(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("x", encoding="utf-8")
    s = StaticSite(tmp_path).start()
    url = s.base_url
    assert get(url + "/")[0] == 200
    s.stop()
    s.stop()  # idempotent
    with pytest.raises(urllib.error.URLError):
        get(url + "/")


# -- SiteGroup on the fixture web ---------------------------------------------------------------
def test_group_distinct_hosts(group: SiteGroup, web: tuple[Path, Manifest]) -> None:
    manifest = web[1]
    assert set(group.sites) == set(manifest.sites) == {"dede", "trs", "hanweb", "php", "portal"}
    hosts = {urlsplit(s.base_url).hostname for s in group.sites.values()}
    assert len(hosts) == len(group.sites)
    assert all(h and h.startswith("127.0.0.") and h != "127.0.0.1" for h in hosts)
    for name in group.sites:
        assert group.url(name, "/a?b=1") == group.sites[name].base_url + "/a?b=1"
        assert group.site_of(group.url(name, "/x")) == name


def test_site_placeholder_substitution(group: SiteGroup) -> None:
    body = get(group.url("dede"))[2].decode("gbk")
    assert "{{site:" not in body
    for other in ("trs", "hanweb", "php", "portal"):
        assert f'href="{group.sites[other].base_url}/"' in body


def test_gbk_site(group: SiteGroup, web: tuple[Path, Manifest]) -> None:
    path = next(a["path"] for a in web[1].articles_of("dede") if not a["lying_header"])
    status, headers, body = get(group.url("dede", path))
    assert status == 200 and headers["Content-Type"] == "text/html"  # no charset parameter
    assert b"<meta charset=gb2312>" in body
    file = web[0] / "dede" / path.lstrip("/")
    assert body == file.read_bytes()  # GBK bytes intact (no placeholders in article pages)
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")


def test_lying_header(group: SiteGroup, web: tuple[Path, Manifest]) -> None:
    liars = [a for a in web[1].articles if a["lying_header"]]
    assert liars
    for art in liars:
        _, headers, body = get(group.url(art["site"], art["path"]))
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        assert art["title"] in body.decode("gbk")


def test_redirects(group: SiteGroup, web: tuple[Path, Manifest]) -> None:
    manifest = web[1]
    assert {r["cross_site"] for r in manifest.redirects} == {True, False}
    for r in manifest.redirects:
        status, headers, _ = get(group.url(r["site"], r["path"]))
        assert status == 301
        assert headers["Location"] == group.url(r["location_site"], r["location_path"])
        assert get(headers["Location"])[0] == 200
        if not r["cross_site"]:
            assert manifest.article(r["location_site"], r["location_path"])["redirected_from"] == [r["path"]]


def test_broken_links(group: SiteGroup, web: tuple[Path, Manifest]) -> None:
    statuses = {b["status"] for b in web[1].broken}
    assert statuses == {404, 500}
    for b in web[1].broken:
        assert get(group.url(b["site"], b["path"]))[0] == b["status"]


def test_files_routes_and_query_pages(group: SiteGroup, web: tuple[Path, Manifest]) -> None:
    lists = {(x["site"], x["column"]): x for x in web[1].lists}
    for (_site, col), lst in lists.items():
        if col == "yqdt":
            assert len(lst["pages"]) >= 3
    php_pages = lists[("php", "yqdt")]["pages"]
    bodies = [get(group.url("php", p))[2] for p in php_pages]
    assert len(set(bodies)) == len(bodies)
    # parameter order does not matter for files routes
    swapped = "/index.php?catid=8&page=2&m=content&c=index&a=lists"
    assert get(group.url("php", swapped))[2] == bodies[1]
    hanweb = lists[("hanweb", "yqdt")]["pages"]
    assert "pageNum=2" in hanweb[1]
    assert get(group.url("hanweb", hanweb[1]))[2] != get(group.url("hanweb", hanweb[0]))[2]
    assert get(group.url("portal", "/news/?page=2"))[0] == 200
    assert get(group.url("trs", "/search?q=%E4%BA%BA%E6%89%8D"))[0] == 200
    for name in group.sites:
        assert get(group.url(name, "/_routes.json"))[0] == 404


def test_robots_and_disallowed(group: SiteGroup, web: tuple[Path, Manifest]) -> None:
    manifest = web[1]
    assert len(manifest.disallowed) >= 2
    for d in manifest.disallowed:
        robots = get(group.url(d["site"], "/robots.txt"))[2].decode()
        assert "Disallow: /private/" in robots and d["path"].startswith("/private/")
        status, _, body = get(group.url(d["site"], d["path"]))
        assert status == 200 and d["title"] in body.decode(manifest.sites[d["site"]]["encoding"])
        assert (d["site"], d["path"]) not in manifest.article_keys()
    assert get(group.url("php", "/robots.txt"))[0] == 404


def test_traps(group: SiteGroup, web: tuple[Path, Manifest]) -> None:
    for trap in web[1].traps:
        url = group.url(trap["site"], trap["entry"])
        enc = web[1].sites[trap["site"]]["encoding"]
        seen = set()
        for _ in range(5):
            status, _, body = get(url)
            assert status == 200
            text = body.decode(enc)
            assert "{{endless:" not in text
            seen.add(text)
            nxt = [h for h in _hrefs(text) if h.split("?")[0].endswith(trap["path_prefix"].rsplit("/", 1)[1])]
            assert nxt
            url = urllib.request.urljoin(url, nxt[-1].replace("&amp;", "&"))
        assert len(seen) == 5  # every step is a new page


def _hrefs(text: str) -> list[str]:
    import re

    return re.findall(r'href="([^"]+)"', text)


def test_requests_recorded(group: SiteGroup) -> None:
    s = group.sites["portal"]
    before = len(s.requests)
    get(group.url("portal", "/news/?page=2"))
    get(group.url("portal", "/nope.html"))
    assert s.requests[before:] == ["/news/?page=2", "/nope.html"]


# -- manifest -----------------------------------------------------------------------------------
def test_manifest_shape(web: tuple[Path, Manifest]) -> None:
    dest, manifest = web
    assert Manifest.load(dest / "manifest.json") == manifest
    assert len(manifest.articles) >= 110
    assert len(manifest.article_keys()) == len(manifest.articles)
    families = {s["family"] for s in manifest.sites.values()}
    assert len(families) == 5
    assert manifest.sites["dede"]["encoding"] == "gbk"
    assert len(manifest.republished) >= 4
    assert all(2 <= len(g) <= 3 and len({m["site"] for m in g}) == len(g) for g in manifest.republished)
    keys = manifest.article_keys()
    assert all((m["site"], m["path"]) in keys for g in manifest.republished for m in g)
    shas = [{manifest.article(m["site"], m["path"])["body_sha"] for m in g} for g in manifest.republished]
    assert sum(len(s) > 1 for s in shas) == 1  # one copy has an extra sentence
    for g in manifest.republished:
        assert len({manifest.article(m["site"], m["path"])["source"] for m in g}) == len(g)
    notices = [a for a in manifest.articles if a["template_group"] and a["kind"] == "notice"]
    assert len(notices) >= 6 and all(100 <= a["body_chars"] <= 260 for a in notices)
    assert len({a["body_sha"] for a in manifest.articles}) == len(manifest.articles) - sum(
        len(g) - len(s) for g, s in zip(manifest.republished, shas, strict=True))
    news = [a for a in manifest.articles if a["kind"] != "notice"]
    assert all(a["body_chars"] >= 400 for a in news)
    assert sum(a["print_copy"] for a in manifest.articles) >= 2
    assert {a["path"] for a in manifest.non_articles} >= {"/", "/search?q="}
    assert len(manifest.traps) >= 2 and len(manifest.offsite_targets) >= 5
    assert any(s["href"].startswith("mailto:") for s in manifest.special_links)
    assert any(s["href"].startswith("javascript:") for s in manifest.special_links)


def test_manifest_deterministic(web: tuple[Path, Manifest], tmp_path: Path) -> None:
    t0 = time.monotonic()
    again = build_fixture_web(tmp_path / "again")
    assert time.monotonic() - t0 < 2.0
    assert again == web[1]
    files = sorted(p.relative_to(web[0]) for p in web[0].rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(tmp_path / "again") for p in (tmp_path / "again").rglob("*") if p.is_file())
    for rel in files[::7]:
        assert (web[0] / rel).read_bytes() == (tmp_path / "again" / rel).read_bytes()


def test_articles_served(group: SiteGroup, web: tuple[Path, Manifest]) -> None:
    manifest = web[1]
    for art in manifest.articles:
        status, headers, body = get(group.url(art["site"], art["path"]))
        assert status == 200, art["path"]
        assert headers["Content-Type"].startswith("text/html")
        text = body.decode(manifest.sites[art["site"]]["encoding"])
        assert f">{art['title']}<" in text.replace("&quot;", '"'), art["path"]
        assert art["body"][0] in text or art["body"][0].replace("“", "&ldquo;") in text
        for img in art["images"]:
            assert get(group.url(art["site"], img["path"]))[0] == 200
        for att in art["attachments"]:
            assert get(group.url(art["site"], att["path"]), method="HEAD")[0] == 200
        if art["print_copy"]:
            assert text.count(art["body"][-1]) == 2


def test_non_articles_served(group: SiteGroup, web: tuple[Path, Manifest]) -> None:
    for page in web[1].non_articles:
        assert get(group.url(page["site"], page["path"]))[0] == 200, page

"""Benchmark inputs built from the project's own saved pages.

* :func:`clean_corpus`: the saved fixture pages (tests/fixtures/pages) and the demo site
  pages (zonenews/demo/site), replicated with a distinct URL per copy.
* :func:`build_crawl_site`: a one-host site of N article pages for the crawl benchmark. Each
  article is one of the fixture pages used as a template: its body paragraphs (the page text
  that the expected JSON lists as body) and its title are replaced by generated zone-news text
  (the fixture web's vocabulary, tests/fixtureweb/textdata.py), so no two articles are
  duplicates while the page chrome, encoding, hidden copies and metadata of each CMS family stay
  as they are. Column list pages (20 links a page, numbered pager with 下一页/末页) link them all.
"""

from __future__ import annotations

import datetime as dt
import html
import importlib
import json
import math
import random
import re
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import lxml.html
from common import ROOT
from lxml import etree

from zonenews.clean.text import match_key
from zonenews.demo import demo_site_root
from zonenews.extract.document import parse_html
from zonenews.extract.encoding import decode_html
from zonenews.spiders.links import SKIP_EXTENSIONS

FIXTURE_PAGES = ROOT / "tests" / "fixtures" / "pages"
DEMO_HOST = "http://www.demo-zone.example"
HTML_EXTS = (".html", ".htm", ".shtml")

# Text slots in a template: U+E000/U+E001 (private use) never occur in the saved pages.
_SLOT_RE = re.compile("\ue000(T|\\d+)\ue001")
TITLE_SLOT = "\ue000T\ue001"
MIN_SLOT_KEY = 16  # shorter text nodes (labels, headings, table cells) stay as they are


@dataclass(frozen=True)
class SavedPage:
    name: str
    body: bytes
    url: str
    expected: dict[str, Any] | None  # the fixture's expected record (None for demo pages)


@cache
def saved_pages() -> tuple[SavedPage, ...]:
    """The fixture pages (with their expected records) and the demo site pages."""
    pages: list[SavedPage] = []
    for path in sorted(FIXTURE_PAGES.glob("*/*.html")):
        name = f"{path.parent.name}/{path.stem}"
        try:
            expected = json.loads(path.with_suffix(".json").read_text("utf-8"))
        except (OSError, ValueError):  # a case still being written: a page, not a template
            pages.append(SavedPage(name, path.read_bytes(), f"http://fixture.example/{name}.html", None))
            continue
        pages.append(SavedPage(name, path.read_bytes(), expected["url"], expected))
    demo = demo_site_root()
    for path in sorted(demo.rglob("*.html")):
        rel = path.relative_to(demo).as_posix()
        pages.append(SavedPage(f"demo/{rel}", path.read_bytes(), f"{DEMO_HOST}/{rel}", None))
    return tuple(pages)


def variant_path(url: str, k: int) -> str:
    """A site path for copy k of a page at url, keeping the dated directories of the original path
    (some pages are dated only by their URL) and ending in an HTML file name."""
    parts = urlsplit(url)
    directory, _, name = (parts.path or "/").rpartition("/")
    stem, dot, ext = name.partition(".")
    if not name and not parts.query:  # /2021/03/18/slug/
        return f"{directory}-{k}/"
    if parts.query or "." + ext.lower() not in HTML_EXTS:  # index.php?id=412, /?p=5678, /detail/8123
        return f"{directory}/{stem or 'index'}-{k}.html"
    return f"{directory}/{stem}{k:05d}{dot}{ext}"


def variant_url(url: str, k: int) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, variant_path(url, k), "", ""))


def clean_corpus(min_pages: int) -> list[tuple[bytes, str]]:
    """(page bytes, URL) for at least min_pages pages: every saved page, copy after copy."""
    pages = saved_pages()
    copies = max(1, math.ceil(min_pages / len(pages)))
    return [(p.body, variant_url(p.url, c)) for c in range(copies) for p in pages]


# -- generated text ------------------------------------------------------------------------------------
@cache
def _fixtureweb() -> tuple[ModuleType, ModuleType]:
    """tests/fixtureweb's text generator and vocabulary (read only)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return (importlib.import_module("tests.fixtureweb.content"),
            importlib.import_module("tests.fixtureweb.textdata"))


class TextMaker:
    """Zone-news titles and paragraphs, deterministic per seed."""

    def __init__(self, seed: int) -> None:
        content, textdata = _fixtureweb()
        self.content, self.textdata = content, textdata
        self.rng = random.Random(seed)
        self.zone = content.Zone("云岭高新区", "云岭高新技术产业开发区", "云岭高新技术产业开发区管理委员会",
                                 ["云岭科学城", "翠湖智谷", "南湖产业园"], "0871-65551234",
                                 "ylgxq@yunling.example", "云岭市科技大道66号")
        self.ent: dict[str, Any] = {}
        self.pool: list[str] = []
        self.new_article()

    def new_article(self) -> str:
        """Start a new article (new entities, fresh sentence pool); returns its title."""
        date = dt.date(2020, 1, 1) + dt.timedelta(days=self.rng.randrange(1400))
        self.ent = self.content.entities(self.rng, self.zone, date)
        self.pool = []
        title_t, _opening = self.rng.choice(self.textdata.TITLE_KINDS)
        return _safe(self.content.fill(title_t, self.ent) + f"（{self.rng.randrange(1, 10**6)}）")

    def sentence(self) -> str:
        if not self.pool:
            self.pool = self.rng.sample(self.textdata.SENTENCES, len(self.textdata.SENTENCES))
        return _safe(self.content.fill(self.pool.pop(), self.ent))

    def paragraph(self, length: int) -> str:
        text = self.sentence()
        while len(text) < 0.9 * length:
            text += self.sentence()
        return text


def _safe(text: str) -> str:
    """Generated text goes into markup as is: keep it free of markup characters."""
    return re.sub(r"[<>&\"']", "", text)


# -- article templates ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class ArticleTemplate:
    name: str
    url: str
    encoding: str
    markup: str  # the page with its title and body text nodes replaced by slots
    slot_lengths: tuple[int, ...]
    date: str

    def render(self, maker: TextMaker) -> bytes:
        title = maker.new_article()
        paragraphs = [maker.paragraph(n) for n in self.slot_lengths]

        def fill(m: re.Match[str]) -> str:
            return title if m.group(1) == "T" else paragraphs[int(m.group(1))]

        return _SLOT_RE.sub(fill, self.markup).encode(self.encoding, errors="xmlcharrefreplace")


def _local_href(href: str) -> str:
    """Links in a template: attachments keep their (host-less) path, everything else points home, so
    that both crawlers see exactly the list pages and the articles and never leave 127.0.0.1."""
    value = href.strip()
    if not value or value.startswith(("#", "javascript:", "mailto:", "tel:")):
        return href
    parts = urlsplit(value)
    if PurePosixPath(parts.path).suffix.lower().lstrip(".") in SKIP_EXTENSIONS:
        return urlunsplit(("", "", parts.path, parts.query, ""))
    return "/"


def make_template(page: SavedPage) -> ArticleTemplate:
    assert page.expected is not None
    text, encoding = decode_html(page.body)
    root = parse_html(text)
    title: str = page.expected["title"]
    body_keys = [match_key(p) for p in page.expected["body"].split("\n") if p.strip()]
    slots: dict[str, int] = {}
    lengths: list[int] = []

    def sub(value: str | None) -> str | None:
        if not value or not value.strip():
            return value
        if title in value:
            return value.replace(title, TITLE_SLOT)
        key = match_key(value)
        if len(key) < MIN_SLOT_KEY or not any(key in body for body in body_keys):
            return value
        if key not in slots:
            slots[key] = len(slots)
            lengths.append(len(value.strip()))
        return f"\ue000{slots[key]}\ue001"

    doomed: list[etree._Element] = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.lower()
        if tag == "base":
            doomed.append(el)
        if tag in ("a", "area") and el.get("href") is not None:
            el.set("href", _local_href(el.get("href") or ""))
        for attr in ("content", "alt", "title", "value"):
            value = el.get(attr)
            if value and title in value:
                el.set(attr, value.replace(title, TITLE_SLOT))
        if tag in ("script", "style"):
            if el.text and title in el.text:
                el.text = el.text.replace(title, TITLE_SLOT)
        else:
            el.text = sub(el.text)
        el.tail = sub(el.tail)
    for el in doomed:
        el.drop_tree()  # type: ignore[attr-defined]
    doctype = root.getroottree().docinfo.doctype or "<!DOCTYPE html>"
    markup = lxml.html.tostring(root, encoding="unicode", doctype=doctype)
    return ArticleTemplate(page.name, page.url, encoding, markup, tuple(lengths),
                           str(page.expected.get("published_at") or "")[:10])


@cache
def article_templates() -> tuple[ArticleTemplate, ...]:
    return tuple(make_template(p) for p in saved_pages()
                 if p.expected is not None and isinstance(p.expected.get("title"), str) and p.expected["title"]
                 and isinstance(p.expected.get("body"), str) and p.expected["body"].strip())


# -- the crawl site ------------------------------------------------------------------------------------
COLUMNS = {"yqdt": "园区动态", "tzgg": "通知公告", "zcwj": "政策文件", "mtjj": "媒体聚焦"}
PER_PAGE = 20


@dataclass(frozen=True)
class CrawlSite:
    root: Path
    articles: int
    list_pages: int  # column pages, the home page included

    @property
    def pages(self) -> int:
        return self.articles + self.list_pages


def _list_page(label: str, col: str, page: int, npages: int, items: list[tuple[str, str, str]]) -> str:
    def href(n: int) -> str:
        return f"/col/{col}/" if n == 1 else f"/col/{col}/index_{n - 1}.html"

    lis = "".join(f'<li><a href="{html.escape(u)}" title="{t}">{t}</a><span>{d}</span></li>'
                  for u, t, d in items)
    pager = [f'<a href="{href(1)}">首页</a>']
    if page > 1:
        pager.append(f'<a href="{href(page - 1)}">上一页</a>')
    for n in range(max(1, page - 4), min(npages, page + 4) + 1):
        pager.append(f"<b>{n}</b>" if n == page else f'<a href="{href(n)}">{n}</a>')
    if page < npages:
        pager.append(f'<a href="{href(page + 1)}">下一页</a>')
    pager.append(f'<a href="{href(npages)}">末页</a>')
    nav = "".join(f'<a href="/col/{c}/">{name}</a>' for c, name in COLUMNS.items())
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{label} - 云岭高新区</title></head>'
            f'<body><div class="nav"><a href="/">首页</a>{nav}</div><div class="crumb">首页 &gt; {label}</div>'
            f'<ul class="list">{lis}</ul><div class="page">{"".join(pager)}'
            f"<span>共{npages}页</span></div><div class=\"footer\">云岭高新区管委会 版权所有</div></body></html>")


def build_crawl_site(dest: Path, n_articles: int, seed: int = 8) -> CrawlSite:
    """Write the site into dest (served by zonenews.devserver.StaticSite)."""
    templates = article_templates()
    maker = TextMaker(seed)
    columns = list(COLUMNS)
    entries: dict[str, list[tuple[str, str, str]]] = {c: [] for c in columns}
    for i in range(n_articles):
        template = templates[i % len(templates)]
        path = variant_path(template.url, i)
        file = dest / path.lstrip("/")
        if path.endswith("/"):
            file = file / "index.html"
        if file.exists():
            raise RuntimeError(f"two articles at {path}")
        file.parent.mkdir(parents=True, exist_ok=True)
        body = template.render(maker)
        file.write_bytes(body)
        title = _title_of(body, template.encoding)
        entries[columns[i % len(columns)]].append((path, title, template.date))
    list_pages = 1
    for col, items in entries.items():
        npages = max(1, math.ceil(len(items) / PER_PAGE))
        list_pages += npages
        for page in range(1, npages + 1):
            name = "index.html" if page == 1 else f"index_{page - 1}.html"
            out = dest / "col" / col / name
            out.parent.mkdir(parents=True, exist_ok=True)
            chunk = items[(page - 1) * PER_PAGE:page * PER_PAGE]
            out.write_text(_list_page(COLUMNS[col], col, page, npages, chunk), encoding="utf-8")
    nav = "".join(f'<li><a href="/col/{c}/">{name}</a></li>' for c, name in COLUMNS.items())
    (dest / "index.html").write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>云岭高新区</title></head><body>'
        f'<ul class="nav"><li><a href="/">首页</a></li>{nav}</ul></body></html>', encoding="utf-8")
    return CrawlSite(dest, n_articles, list_pages)


def _title_of(body: bytes, encoding: str) -> str:
    found = re.search(r"<title>(.*?)</title>", body.decode(encoding, "replace"), re.S | re.I)
    return html.escape(html.unescape(found.group(1)).strip()) if found else "文章"

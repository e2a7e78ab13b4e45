"""Links a zone page offers: anchors, Hanweb <script type="text/xml"> records, TRS createPageHTML pages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePosixPath
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from lxml import etree
from w3lib.url import canonicalize_url

from zonenews.clean.text import normalize_space

# Never fetched: attachments, media, styles and scripts.
SKIP_EXTENSIONS = frozenset(
    ["pdf", "doc", "docx", "xls", "xlsx", "wps", "et", "ppt", "pptx", "dps", "zip", "rar", "7z", "gz", "tar", "ofd", "txt", "csv", "xml", "json", "jpg", "jpeg", "png", "gif", "bmp", "webp", "svg", "ico", "tif", "tiff", "mp3", "mp4", "avi", "mov", "wmv", "flv", "swf", "exe", "apk", "dmg", "iso", "css", "js", "woff", "woff2", "ttf", "eot"]
)
TRACKING_PARAMS = re.compile(r"^(?:utm_\w+|spm|from|share|source|fbclid|gclid|jsessionid|phpsessid|sid|"
                             r"sessionid|timestamp|_|t|ts|random|rand|r)$", re.I)
NEXT_TEXT = re.compile(r"^(?:下一页|下页|后页|后一页|下一頁|next|>|>>|›|»|＞)$", re.I)
PAGINATION_URL = re.compile(
    r"(?:list_\d+_\d+|index_\d+)\.s?html?$|[?&](?:page|pagenum|pageno|pageindex|p|pn|currentpage|"
    r"cur_page|curpage|start)=\d+", re.I
)
_CREATE_PAGE = re.compile(
    r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,\s*['\"]([\w-]+)['\"]\s*,\s*['\"](\w+)['\"]"
)
_SCRIPT_HREF = re.compile(r"""href\s*=\s*["']([^"'<>\s]+)["']""", re.I)


@dataclass(frozen=True, slots=True)
class Link:
    url: str
    text: str
    pagination: bool = False


@lru_cache(maxsize=50_000)  # every page of a site links the same menus again
def canonical_url(url: str) -> str:
    """Fragment-free URL with tracking/session parameters dropped and the query sorted."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING_PARAMS.match(k)]
    path = re.sub(r";jsessionid=[^/?#]*", "", parts.path, flags=re.I)
    cleaned = urlunsplit((parts.scheme, parts.netloc.lower(), path or "/", urlencode(query), ""))
    return canonicalize_url(cleaned)


@lru_cache(maxsize=50_000)
def is_fetchable(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    suffix = PurePosixPath(parts.path).suffix.lower().lstrip(".")
    return suffix not in SKIP_EXTENSIONS


def is_pagination(url: str, text: str) -> bool:
    return bool(NEXT_TEXT.match(text)) or (bool(PAGINATION_URL.search(url)) and (text.isdigit() or not text)) \
        or text in ("尾页", "末页", "最后一页", "上一页", "首页上一页")


def _script_links(root: etree._Element) -> list[tuple[str, str]]:
    """Hrefs written by inline scripts: Hanweb JCMS's <script type="text/xml"> CDATA records,
    document.write'd 上一篇/下一篇 links and the like."""
    found = []
    for script in root.iter("script"):
        body = script.text or ""
        if "href" in body:
            found += [(m.group(1), "") for m in _SCRIPT_HREF.finditer(body)
                      if "+" not in m.group(1) and not m.group(1).startswith("javascript:")]
    return found


_TOTAL_PAGES = re.compile(r"total_?page(?:s|count)?\s*[:=]\s*['\"]?(\d+)", re.I)
_UNIT_ID = re.compile(r"unit_?id\s*[:=]\s*['\"]?(\d+)", re.I)


def _numbered_pages(root: etree._Element, base_url: str, limit: int) -> list[str]:
    """Hanweb JCMS pages its lists by script (jpage({unitid: 5678, totalPage: 3, ...}));
    its page URLs are the list URL with ?uid=<unitid>&pageNum=<n>."""
    pages: list[str] = []
    for script in root.iter("script"):
        body = script.text or ""
        if "pageNum" not in body and "pagenum" not in body.lower():
            continue
        total, unit = _TOTAL_PAGES.search(body), _UNIT_ID.search(body)
        if not total or not unit:
            continue
        list_url = base_url.split("?", 1)[0]
        pages += [f"{list_url}?uid={unit.group(1)}&pageNum={n}" for n in range(2, min(int(total.group(1)), limit) + 1)]
    return pages


def _created_pages(root: etree._Element, base_url: str, limit: int) -> list[str]:
    """TRS WCM writes its pager with createPageHTML(count, current, "index", "html")."""
    pages = []
    for script in root.iter("script"):
        for m in _CREATE_PAGE.finditer(script.text or ""):
            count, prefix, ext = int(m.group(1)), m.group(3), m.group(4)
            pages += [urljoin(base_url, f"{prefix}.{ext}")]
            pages += [urljoin(base_url, f"{prefix}_{n}.{ext}") for n in range(1, min(count, limit))]
    return pages


def _join(origin: str, base_url: str, href: str) -> str:
    """urljoin, short-cut for the absolute and root-relative links that make up most of a page."""
    if href.startswith(("http://", "https://")):
        return href
    if href.startswith("/") and not href.startswith("//") and "\\" not in href and "/." not in href:
        return origin + href
    return urljoin(base_url, href)


def page_links(root: etree._Element, base_url: str, *, max_list_pages: int = 200) -> list[Link]:
    """Every link on the page worth considering, resolved and canonical, in page order."""
    base_el = root.find(".//base")
    if base_el is not None and base_el.get("href"):
        base_url = urljoin(base_url, base_el.get("href") or "")
    parts = urlsplit(base_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    raw: list[tuple[str, str, bool]] = []
    for a in root.iter("a", "area"):
        href = (a.get("href") or "").strip()
        if href and not href.startswith(("#", "javascript:", "mailto:", "tel:")):
            text = normalize_space(a.text_content())
            raw.append((href, text, False))
    raw += [(href, text, False) for href, text in _script_links(root)]
    raw += [(url, "", True) for url in _created_pages(root, base_url, max_list_pages)]
    raw += [(url, "", True) for url in _numbered_pages(root, base_url, max_list_pages)]
    links: dict[str, Link] = {}
    for href, text, created in raw:
        try:
            url = canonical_url(_join(origin, base_url, href))
        except ValueError:
            continue
        if not is_fetchable(url):
            continue
        link = Link(url, text, created or is_pagination(url, text))
        if url not in links or (link.pagination and not links[url].pagination):
            links[url] = link
    return list(links.values())

"""The breadcrumb trail (当前位置：首页 > 新闻中心 > 园区动态) as a category list."""

from __future__ import annotations

import re

from lxml import etree

from zonenews.clean.text import fold_traditional, match_key, normalize_space
from zonenews.extract.blocks import Block, class_tokens

CRUMB_TOKENS = frozenset(["breadcrumb", "breadcrumbs", "crumb", "crumbs", "position", "location", "weizhi", "dqwz", "curmb", "wz", "dangqian", "navpath", "path", "bread"])
# 当前位置 / 您的位置 / 您当前所在位置 / 你现在的位置 / 所在位置 ...
POSITION_LABEL = re.compile(
    r"^\s*(?:(?:您|你)?(?:当前|现在|目前)?(?:所在|所处)?的?位置\s*(?:是)?|you\s+are\s+here|current\s+(?:position|location)"
    r"|your\s+(?:position|location)|location)\s*[:：]?\s*", re.I)
CRUMB_SEPARATOR = re.compile(r"\s*(?:>>|->|－>|>|»|›|＞|→|/|\\|＼)\s*")
HOME_LABELS = frozenset({"首页", "主页", "网站首页", "返回首页", "home", "本站首页", "门户首页", "首頁"})
LEAF_LABELS = frozenset({"正文", "详情", "内容", "正文内容", "详细内容", "文章内容", "浏览内容", "阅读正文", "详情页",
                         "查看内容", "信息详情", "新闻详情", "文章详情", "details", "detail", "content", "text",
                         "article", "正文阅读"})
# Separators a trail uses between its links (not "/" or "|", which menus use too).
TRAIL_SEPARATOR = re.compile(r">>|->|>|»|›|＞|→")


def _starts_at_home(text: str) -> bool:
    """首页 > 新闻中心 > ...: a trail from the home link even without a label or a class."""
    parts = CRUMB_SEPARATOR.split(fold_traditional(text), maxsplit=2)
    return len(parts) == 3 and parts[0].replace(" ", "").lower() in HOME_LABELS


def _trail_of_links(block: Block) -> bool:
    """网站名 › 门户 › 园区新闻 › 查看内容: links joined by trail separators, short, above the article."""
    return (len(block.text) <= 150 and len(block.links) >= 2 and len(TRAIL_SEPARATOR.findall(block.text)) >= 2
            and block.link_density >= 0.3)


def _crumb_element(blocks: list[Block], before: int) -> etree._Element | None:
    for block in blocks:
        if block.hidden or not block.text or len(block.text) > 300:
            continue
        if POSITION_LABEL.match(fold_traditional(block.text)) or _starts_at_home(block.text):
            return block.owner
        if block.index < before and _trail_of_links(block):
            return block.owner
        el: etree._Element | None = block.owner
        for _ in range(3):
            if el is None:
                break
            if class_tokens(el) & CRUMB_TOKENS:
                text = normalize_space(el.text_content())
                if len(text) <= 300 and (CRUMB_SEPARATOR.search(text) or len(list(el.iter("a"))) >= 2):
                    return el
            el = el.getparent()
    return None


def _is_home_link(a: etree._Element) -> bool:
    """The site-name link a trail starts with: it points at the root or says 首页 in its title."""
    href = (a.get("href") or "").strip()
    return (a.get("title") or "").strip() in HOME_LABELS or href in ("/", "./", "index.html", "index.php") or (
        "://" in href and href.rstrip("/").count("/") == 2)


def _items(el: etree._Element) -> list[str]:
    lis = [normalize_space(li.text_content()) for li in el.iter("li")]
    if len(lis) >= 2:
        return lis
    text = normalize_space(el.text_content())
    if m := POSITION_LABEL.match(fold_traditional(text)):
        text = text[m.end():]
    if TRAIL_SEPARATOR.search(text):
        return TRAIL_SEPARATOR.split(text)
    if CRUMB_SEPARATOR.search(text):
        return CRUMB_SEPARATOR.split(text)
    return [normalize_space(a.text_content()) for a in el.iter("a")]


def find_category(blocks: list[Block], title: str | None, site_names: set[str], before: int = 0) -> list[str]:
    """Breadcrumb labels after the home link; the article's own title or 正文 is not a category.
    before: the index of the first body block (a label-less trail must stand above it)."""
    el = _crumb_element(blocks, before)
    if el is None:
        return []
    items = [i[len(m.group(0)):] if (m := POSITION_LABEL.match(fold_traditional(i))) else i for i in _items(el)]
    items = [i.strip(" :：") for i in items]
    items = [i for i in items if i]
    homes = [n for n, i in enumerate(items) if fold_traditional(i.replace(" ", "")).lower() in HOME_LABELS]
    first_link = next(iter(el.iter("a")), None)
    if homes:
        items = items[homes[0] + 1:]
    elif items and (match_key(items[0]) in site_names or (first_link is not None and _is_home_link(first_link))):
        items = items[1:]
    title_key = match_key(title or "")
    while items:
        last = items[-1]
        last_key = match_key(last)
        if last.lower() in LEAF_LABELS or (title_key and len(last_key) >= 6 and
                                   (title_key.startswith(last_key) or last_key.startswith(title_key))):
            items.pop()
        else:
            break
    return [i for i in items if len(i) <= 40]

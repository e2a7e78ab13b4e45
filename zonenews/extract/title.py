"""The article heading: matched against <title> and meta titles, never the site name."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from zonenews.clean.text import match_key, normalize_space
from zonenews.extract.blocks import Block, class_tokens
from zonenews.extract.document import json_ld_nodes, meta_content

# Separators CMSes put between the article title and the site name in <title>.
TITLE_SEPARATORS = re.compile(r"\s*(?:_|\||｜|——|--|\s[-–—·]\s|::|－)\s*")
# "标题-XX高新区" with a bare hyphen: split only when the tail reads like a site's name.
SITE_SUFFIX = re.compile(r"^(.{4,}?)\s*[-－–]\s*([^-－–]{2,24}(?:区|网|府|会|园|站|心|局|委|门户|平台|官网))$")
SITE_PREFIX = re.compile(r"^([^-－–]{2,24}(?:区|网|府|会|园|站|心|局|委|门户|平台|官网|报|刊))\s*[-－–]\s*(.{4,})$")
TITLE_TOKENS = frozenset(
    ["title", "tit", "bt", "biaoti", "headline", "heading", "articletitle", "newstitle", "arttitle", "detailtitle", "contenttitle", "wztitle", "xwbt", "h1"]
)
SUBTITLE_TOKENS = frozenset(["ft", "fubiaoti", "yinti", "subtitle", "fbt", "ftitle", "futi", "yt", "ytitle", "yinti", "subhead", "kicker", "subheading"])


@dataclass(slots=True)
class TitleMatch:
    text: str | None
    block: Block | None  # the heading block on the page, when the title came from one


def _ld_headline(root: etree._Element) -> str | None:
    return next((normalize_space(n["headline"]) for n in json_ld_nodes(root) if isinstance(n.get("headline"), str)),
                None)


def is_title_like(block: Block) -> bool:
    if block.hidden or not (4 <= len(block.text) <= 160) or block.link_density > 0.5:
        return False
    if block.is_heading:
        return True
    tokens = class_tokens(block.owner)
    parent = block.owner.getparent()
    if parent is not None and len(parent) == 1:  # <div class="title"><span>...</span></div>
        tokens |= class_tokens(parent)
    if len(block.owner) == 1 and normalize_space(block.owner[0].text_content()) == block.text:
        tokens |= class_tokens(block.owner[0])  # <td><span id="lblTitle">...</span></td>
    if tokens & SUBTITLE_TOKENS:
        return False
    return bool(tokens & TITLE_TOKENS) or (block.is_bold and block.centered)


def is_subtitle_block(block: Block) -> bool:
    """A 引题/副题 element next to the title (by class), which is neither title nor body."""
    return bool(class_tokens(block.owner) & SUBTITLE_TOKENS)


_WORD = re.compile(r"[\u3400-\u9fff]|[A-Za-z0-9]+(?:[-'][A-Za-z0-9]+)*")


def title_weight(segment: str) -> int:
    """How much a <title> segment says: Chinese characters count one each, other words one each
    (so "西桥高新区 Xiqiao Hi-tech Zone" weighs less than the Chinese headline beside it)."""
    return len(_WORD.findall(segment))


def _proximity(block: Block, body: tuple[int, int] | None, first_text: int | None) -> float:
    """The title sits just above the body; a heading far above it (a logo) or below it (a
    related list) is less likely to be it, and a line after the body's first paragraph (a
    footer's site name, a related headline) never is."""
    if body is None:
        return 0.0
    start, end = body
    if first_text is not None and block.index > first_text:
        return -8.0
    if start - 8 <= block.index <= start + 2:
        return 3.0
    if block.index < start - 25 or block.index > end:
        return -4.0
    return 0.0


def find_title(root: etree._Element, blocks: list[Block], body: tuple[int, int] | None = None,
               first_text: int | None = None) -> TitleMatch:
    """Best heading on the page for the article title; body is the (first, last) block index of
    a first guess of the article body, first_text the index of its first prose paragraph."""
    title_el = root.find(".//title")
    page_title = normalize_space(title_el.text_content()) if title_el is not None else ""
    segments = [s for s in TITLE_SEPARATORS.split(page_title) if s]
    if len(segments) == 1 and (m := SITE_SUFFIX.match(page_title) or SITE_PREFIX.match(page_title)):
        segments = [m.group(1), m.group(2)]
    # The article's part of <title> is its longest segment ("站点--标题" and "标题_栏目_站点" alike);
    # the shorter ones name the site and its sections.
    main = max(segments, key=title_weight) if segments else ""
    main_key = match_key(main)
    site_keys = {match_key(s) for s in segments if s is not main}
    page_key = match_key(page_title)
    meta_title = meta_content(root, "ArticleTitle", "og:title", "twitter:title") or _ld_headline(root)
    if meta_title:
        meta_title = max(TITLE_SEPARATORS.split(meta_title), key=len) or meta_title
    meta_key = match_key(meta_title or "")

    best: tuple[float, Block] | None = None
    for block in blocks:
        if not is_title_like(block):
            continue
        key = match_key(block.text)
        if not key or key in site_keys:
            continue
        score = _proximity(block, body, first_text)
        if meta_key and key == meta_key:
            score += 10
        elif key == main_key:
            # A <title> with no separator may be the site name alone, matched by the logo.
            score += 10 if site_keys else (0 if block.boilerplate else 5)
        elif len(key) >= 4 and (key in page_key or (meta_key and key in meta_key)):
            score += 6
        elif len(key) >= 8 and (main_key.startswith(key[:8]) or meta_key.startswith(key[:8])) and (
                block.is_heading or len(key) <= 60):
            score += 4
        score += {"h1": 3, "h2": 2, "h3": 1}.get(block.tag, 0.5)
        score -= 3 if block.boilerplate else 0
        if best is None or score > best[0]:
            best = (score, block)
    if best and best[0] >= 6:
        return TitleMatch(best[1].text, best[1])
    if meta_title:
        return TitleMatch(normalize_space(meta_title), None)
    if best and best[0] >= 2.5 and not best[1].boilerplate:
        return TitleMatch(best[1].text, best[1])
    return TitleMatch(main or None, None)

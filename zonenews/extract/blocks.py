"""Linearise a page into text blocks in reading order.

Every extractor reads the same block list: the title finder looks for headings, the
meta-line reader for 来源/日期 lines near the title, the body finder for the densest run of
paragraph text. A block is the text between two block boundaries (block tags and <br>).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from zonenews.clean.text import normalize_space
from zonenews.extract.document import UNSEEN_TAGS

BLOCK_TAGS = frozenset(
    ["address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "html", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "thead", "tfoot", "tr", "ul", "caption"]
)
HEADING_TAGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])
BOILERPLATE_TAGS = frozenset(["nav", "header", "footer", "aside"])

# class/id tokens that name page chrome by what it is: navigation, sharing, printing, related
# lists, pagers, comments, ads. Such a region is chrome unless it holds much plain text.
BOILERPLATE_TOKENS = frozenset(
    ["nav", "navbar", "navigation", "menu", "menus", "topmenu", "mainnav", "subnav", "copyright", "banquan", "share", "bdshare", "jiathis", "fenxiang", "print", "dayin", "fontsize", "zihao", "related", "relate", "xgxw", "xgwz", "xgyd", "xglj", "tuijian", "recommend", "rank", "paihang", "prev", "next", "prenext", "sxp", "pager", "pagination", "paging", "pagebar", "comment", "comments", "pinglun", "reply", "breadcrumb", "breadcrumbs", "crumb", "crumbs", "weizhi", "dqwz", "curmb", "search", "sousuo", "login", "toolbar", "ad", "ads", "advert", "qrcode", "ewm", "erweima", "friendlink", "yqlj", "wza", "skip", "lxwm", "lianxi"]
)
# Tokens that only say where a region sits or how it looks (`left_bottom`, `sideBorder`,
# `article-header`, `and-w-sidebar`): layout wrappers carry them as often as chrome does, so such a
# region is chrome only when it holds no prose.
LAYOUT_TOKENS = frozenset(
    ["header", "head", "top", "topbar", "footer", "foot", "bottom", "copy", "font", "hot", "sidebar", "side", "aside", "position", "location", "tools", "hd", "contact", "video", "player"]
)
# Whole class names (not tokens: `field-label-hidden` is a visible label) that hide an element from
# a desktop reader, Bootstrap's phone-only classes included (a mobile copy of the article).
HIDDEN_CLASSES = frozenset(["hidden", "hide", "d-none", "print-only", "printonly", "visible-print", "sr-only",
                            "visually-hidden", "invisible", "hidden-lg", "hidden-md", "d-md-none", "d-lg-none",
                            "d-xl-none", "visible-xs", "visible-sm", "visible-xs-block", "visible-sm-block"])
# Prose in a layout-token region: text outside links in pieces of this many characters, with a
# sentence mark, adding up to PROSE_CHARS.
PROSE_PIECE_CHARS = 40
PROSE_CHARS = 150
_SENTENCE = re.compile(r"[。！？；，.!?;,]")

_TOKEN_SPLIT = re.compile(r"[\s_\-]+|(?<=[a-z])(?=[A-Z])")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_CENTER_STYLE = re.compile(r"text-align\s*:\s*center", re.I)
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(?:bold|[6-9]00)", re.I)


@dataclass(slots=True)
class Block:
    """One run of text between block boundaries."""

    text: str
    owner: etree._Element
    link_chars: int = 0
    bold_chars: int = 0
    links: list[tuple[str, str]] = field(default_factory=list)
    images: list[etree._Element] = field(default_factory=list)
    hidden: bool = False
    boilerplate: bool = False
    index: int = 0

    @property
    def tag(self) -> str:
        return self.owner.tag if isinstance(self.owner.tag, str) else ""

    @property
    def is_heading(self) -> bool:
        return self.tag in HEADING_TAGS

    @property
    def is_bold(self) -> bool:
        chars = len(self.text.replace(" ", ""))
        return chars > 0 and self.bold_chars >= chars

    @property
    def link_density(self) -> float:
        return self.link_chars / max(1, len(self.text))

    @property
    def centered(self) -> bool:
        el: etree._Element | None = self.owner
        for _ in range(2):
            if el is None:
                break
            if (el.get("align") or "").lower() == "center" or el.tag == "center":
                return True
            if _CENTER_STYLE.search(el.get("style") or ""):
                return True
            el = el.getparent()
        return False


def class_tokens(el: etree._Element) -> set[str]:
    raw = f"{el.get('class') or ''} {el.get('id') or ''}"
    return {t.lower() for t in _TOKEN_SPLIT.split(raw) if t}


def is_hidden(el: etree._Element) -> bool:
    if el.get("hidden") is not None or (el.get("aria-hidden") or "").lower() == "true":
        return True
    if _HIDDEN_STYLE.search(el.get("style") or ""):
        return True
    return bool(HIDDEN_CLASSES.intersection((el.get("class") or "").lower().split()))


def _text_and_link_len(el: etree._Element) -> tuple[int, int]:
    text = len(normalize_space(el.text_content()))
    links = sum(len(normalize_space(a.text_content())) for a in el.iter("a"))
    return text, links


def is_boilerplate_region(el: etree._Element, tokens: set[str] | None = None) -> bool:
    """Page chrome by tag or class/id, unless it holds a lot of plain text (then it is content);
    a region named only by a layout token is chrome unless it holds prose."""
    tokens = class_tokens(el) if tokens is None else tokens
    if el.tag not in BOILERPLATE_TAGS and not tokens & BOILERPLATE_TOKENS:
        return bool(tokens & LAYOUT_TOKENS) and not holds_prose(el)
    text, links = _text_and_link_len(el)
    return not (text > 400 and links < 0.3 * text)


def holds_prose(el: etree._Element) -> bool:
    """Text outside links in sentence-sized pieces: an article, not a menu or a copyright line."""
    total = 0
    for node in el.iter():
        if not isinstance(node.tag, str) or node.tag == "a":
            pieces = [node.tail] if isinstance(node.tag, str) else []
        else:
            pieces = [node.text, node.tail] if node is not el else [node.text]
        for piece in pieces:
            if piece and len(piece := piece.strip()) >= PROSE_PIECE_CHARS and _SENTENCE.search(piece):
                total += len(piece)
                if total >= PROSE_CHARS:
                    return True
    return False


# A link around this much text with sentences in it (a whole article wrapped in a link to its
# text version) is read as text: no menu item, headline or teaser is that long.
PROSE_LINK_CHARS = 200


def is_prose_link(el: etree._Element) -> bool:
    if el.text and len(el) == 0 and len(el.text) < PROSE_LINK_CHARS:
        return False  # the common case, decided without walking the subtree
    text = normalize_space(el.text_content())
    return len(text) >= PROSE_LINK_CHARS and len(_SENTENCE.findall(text)) >= 3


# CSS or script source shown as text (a self-closed <style />, code pasted in a page): rules
# like `margin: 0;` and braces, never the case in prose.
_CODE_RULE = re.compile(r"[A-Za-z-]+\s*:\s*[^;{}]{1,60};|[{}]|\)\s*;|=\s*function\b")


def looks_like_code(text: str) -> bool:
    if len(text) < 40 or ("{" not in text and ";" not in text):
        return False
    return len(_CODE_RULE.findall(text)) >= 4 and sum(map(len, _CODE_RULE.findall(text))) > 0.25 * len(text)


def drop_unseen(root: etree._Element) -> None:
    """Remove scripts, styles and other never-visible elements, keeping their tails."""
    for el in list(root.iter(*UNSEEN_TAGS)):
        parent = el.getparent()
        if parent is None:
            continue
        if el.tail:
            prev = el.getprevious()
            if prev is not None:
                prev.tail = (prev.tail or "") + el.tail
            else:
                parent.text = (parent.text or "") + el.tail
        parent.remove(el)


# A table cell with more text than this, or a nested table, is page layout, not data.
MAX_DATA_CELL_CHARS = 200


def _classify_cells(root: etree._Element) -> tuple[set[etree._Element], set[etree._Element]]:
    """(layout cells, data cells) of every table.

    A layout cell (the only cell of its row, or one holding a nested table or much text) is
    a block of its own. A data cell is read inline, its <p>s included, so that a data row
    becomes one line with its cells separated by spaces.
    """
    layout, data = set(), set()
    for cell in root.iter("td", "th"):
        row = cell.getparent()
        if (row is not None and sum(1 for c in row if c.tag in ("td", "th")) == 1) or cell.find(".//table") is not None or len(cell.text_content()) > MAX_DATA_CELL_CHARS:
            layout.add(cell)
        elif any(isinstance(d.tag, str) and d.tag in BLOCK_TAGS for d in cell.iterdescendants()):
            data.add(cell)
    return layout, data


class _Linearizer:
    def __init__(self, root: etree._Element) -> None:
        self.blocks: list[Block] = []
        self.parts: list[str] = []
        self.link_chars = 0
        self.bold_chars = 0
        self.links: list[tuple[str, str]] = []
        self.images: list[etree._Element] = []
        self.owners: list[etree._Element] = [root]
        self.hidden_depth = 0
        self.boiler_depth = 0
        self.link_depth = 0
        self.bold_depth = 0
        self.layout_cells, self.data_cells = _classify_cells(root)
        self.data_depth = 0  # inside a data cell, block tags only separate words

    def add(self, text: str | None) -> None:
        if not text:
            return
        self.parts.append(text)
        n = len(text.strip())
        if self.link_depth:
            self.link_chars += n
        if self.bold_depth:
            self.bold_chars += n

    def flush(self) -> None:
        text = normalize_space("".join(self.parts))
        if text or self.images:
            self.blocks.append(Block(
                text=text, owner=self.owners[-1], link_chars=min(self.link_chars, len(text)),
                bold_chars=self.bold_chars, links=self.links, images=self.images,
                hidden=self.hidden_depth > 0, boilerplate=self.boiler_depth > 0 or looks_like_code(text),
                index=len(self.blocks),
            ))
        self.parts, self.links, self.images = [], [], []
        self.link_chars = self.bold_chars = 0

    def is_block(self, el: etree._Element) -> bool:
        if self.data_depth and el not in self.data_cells:
            return False
        return el.tag in BLOCK_TAGS or el in self.layout_cells

    def run(self, start: etree._Element) -> list[Block]:
        marks: dict[etree._Element, tuple[bool, bool]] = {}
        bold_marked: set[etree._Element] = set()
        counted_links: set[etree._Element] = set()
        for event, el in etree.iterwalk(start, events=("start", "end")):
            tag = el.tag
            if not isinstance(tag, str):
                if event == "end":
                    self.add(el.tail)
                continue
            if event == "start":
                if el in self.data_cells:
                    self.data_depth += 1
                    self.parts.append(" ")
                elif self.data_depth and (tag in BLOCK_TAGS or tag == "br"):
                    self.parts.append(" ")
                elif self.is_block(el) or tag == "br":
                    self.flush()
                    if tag != "br":
                        self.owners.append(el)
                # Class names are read once; inside chrome, nested chrome changes nothing.
                tokens = class_tokens(el) if (el.get("class") or el.get("id")) else set()
                hid = is_hidden(el)
                boiler = el is not start and not self.boiler_depth and is_boilerplate_region(el, tokens)
                if hid or boiler:
                    marks[el] = (hid, boiler)
                    self.hidden_depth += hid
                    self.boiler_depth += boiler
                if tag == "a":
                    if not is_prose_link(el):
                        self.link_depth += 1
                        counted_links.add(el)
                    href = (el.get("href") or "").strip()
                    if href:
                        self.links.append((href, normalize_space(el.text_content())))
                elif tag in ("strong", "b") or _BOLD_STYLE.search(el.get("style") or ""):
                    self.bold_depth += 1
                    bold_marked.add(el)
                elif tag == "img":
                    self.images.append(el)
                self.add(el.text)
            else:
                if el in counted_links:
                    self.link_depth -= 1
                    counted_links.discard(el)
                elif el in bold_marked:
                    self.bold_depth -= 1
                    bold_marked.discard(el)
                elif tag in ("td", "th"):
                    self.parts.append(" ")
                if el in self.data_cells:
                    self.data_depth -= 1
                elif self.is_block(el):
                    self.flush()
                    self.owners.pop()
                if el in marks:
                    hid, boiler = marks.pop(el)
                    self.hidden_depth -= hid
                    self.boiler_depth -= boiler
                if el is not start:
                    self.add(el.tail)
        self.flush()
        return self.blocks


def linearize(root: etree._Element) -> list[Block]:
    """The page's text blocks in document order (call drop_unseen first)."""
    body = root.find("body")
    return _Linearizer(root).run(body if body is not None else root)

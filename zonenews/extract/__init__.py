"""Extract: one page's HTML to the raw fields of an article.

`extract_article` parses the page once, linearises it into blocks and lets each field
finder read those blocks. Nothing here decides what is boilerplate text; that is `clean`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

from lxml import etree

from zonenews.clean.text import match_key, normalize_space
from zonenews.extract.blocks import Block, drop_unseen, holds_prose, linearize
from zonenews.extract.breadcrumb import find_category
from zonenews.extract.content import densest_run, first_paragraph, inline_linked
from zonenews.extract.dates import (
    ANY_DATE_LABEL,
    DATE_RE,
    PUBLISH_LABEL,
    date_by_htmldate,
    date_from_markup,
    date_from_url,
    find_date,
)
from zonenews.extract.document import json_ld_nodes, meta_content
from zonenews.extract.labels import (
    AUTHOR_LABELS,
    BYLINE,
    EDITOR_LABELS,
    LABEL_RE,
    SOURCE_LABELS,
    clean_value,
    labelled_values,
)
from zonenews.extract.media import collect_attachments, collect_images
from zonenews.extract.page import load_page
from zonenews.extract.title import (
    TITLE_SEPARATORS,
    TitleMatch,
    find_title,
    is_subtitle_block,
    is_title_like,
    title_weight,
)

# Blocks after the body run still searched for attachments and 责任编辑 lines.
TRAILING_WINDOW = 15


@dataclass(slots=True)
class Paragraph:
    """A candidate body line with what the cleaning rules need to judge it."""

    text: str
    link_density: float = 0.0
    heading: bool = False
    inline_links: bool = False  # its links sit inside its sentences (content.inline_linked)


@dataclass(slots=True)
class RawArticle:
    url: str
    title: str | None = None
    published_at: str | None = None
    source: str | None = None
    author: str | None = None
    editor: str | None = None
    category: list[str] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    images: list[dict] = field(default_factory=list)
    attachments: list[dict] = field(default_factory=list)
    run_link_density: float = 0.0
    dated_links: int = 0  # lines in the body run that are a headline link with a date: a list page's items
    encoding: str | None = None
    page_type: str | None = None  # what the page says it is (og:type, JSON-LD): "article", "list" or None
    run_indices: tuple[int, ...] = ()  # the body run's block indices (for `zonenews explain`)
    # The paragraphs of the element the page marks as its article (itemprop=articleBody, a lone
    # <article>), when our body run lies mostly outside it: a candidate body of its own.
    marked_paragraphs: list[Paragraph] | None = None
    # The date came from htmldate's guess: a date for the record, no evidence that the page is an
    # article (home and list pages show dates too).
    date_guessed: bool = False


# Short bracketed words before a label: 【纠错】【责任编辑：X】.
_LEADING_TAGS = re.compile(r"^(?:\s*[【\[][^】\]:：]{1,6}[】\]])+\s*")


# "（责任编辑 Editor：刘洋）": the Chinese label before an English one.
_BILINGUAL_LABEL = re.compile(r"^[（(]?\s*[\u4e00-\u9fff]{2,4}\s+(?=[A-Za-z][A-Za-z ]{1,15}\s*[:：])")


def _labelled_fields(lines: list[str], body_lines: list[str]) -> dict[str, str]:
    """source/author/editor from meta lines near the title, then from body lines that open with
    a label (责任编辑：XX at the end; not "转载请注明来源：XX" inside a notice)."""
    found: dict[str, str] = {}
    opening = [line for line in (_BILINGUAL_LABEL.sub("", _LEADING_TAGS.sub("", x)) for x in body_lines)
               if (m := LABEL_RE.search(line)) and m.start() <= 2]
    for line in lines + body_lines[:3] + body_lines[-3:]:
        if "author" not in found and (m := BYLINE.match(line)):
            found["author"] = " ".join(m.group("names").replace("、", " ").split())
    for line in lines + opening:
        if not LABEL_RE.search(line):
            continue
        for label, value in labelled_values(line):
            for name, labels, spaces in (("source", SOURCE_LABELS, False), ("author", AUTHOR_LABELS, True),
                                         ("editor", EDITOR_LABELS, True)):
                if label in labels and name not in found and (cleaned := clean_value(value, allow_spaces=spaces)):
                    found[name] = cleaned
    return found


def _header_zone(blocks: list[Block], run: list[Block], title_block: Block | None) -> list[Block]:
    """Blocks from the title (or just before the run) to the first prose paragraph."""
    first = run[first_paragraph(run)].index if run and first_paragraph(run) < len(run) else (
        run[-1].index + 1 if run else len(blocks))
    start = title_block.index + 1 if title_block is not None and title_block.index < first else max(
        0, (run[0].index if run else first) - 3)
    return [b for b in blocks[start:first] if not b.hidden]


def _marked_article(root: etree._Element) -> etree._Element | None:
    """The one element the page marks as its article text (itemprop=articleBody, else a lone <article>)."""
    for path in ('//*[@itemprop="articleBody"]', "//article"):
        found = root.xpath(path)
        if len(found) == 1:
            return found[0]
        if found:
            return None
    return None


def _css_elements(root: etree._Element, css: str | None) -> list[etree._Element]:
    if not css:
        return []
    from cssselect import HTMLTranslator

    return [el for el in root.xpath(HTMLTranslator().css_to_xpath(css)) if isinstance(el, etree._Element)]


def _within(blocks: list[Block], elements: list[etree._Element]) -> list[Block]:
    inside = {id(d) for el in elements for d in el.iter()}
    return [b for b in blocks if id(b.owner) in inside]


def _centered_line(block: Block) -> bool:
    """A short centred line that is no sentence: a subtitle under the title."""
    return block.centered and len(block.text) <= 60 and not block.text.endswith(("。", "：", ":"))


def spaced_text(block: Block) -> str:
    """A meta line with its pieces apart: 来源：X<i></i>文：Y reads "来源：X 文：Y", not "来源：X文：Y"."""
    if len(block.owner) == 0 or len(block.text) > 200:
        return block.text
    pieces = [normalize_space(t) for t in block.owner.itertext()]
    joined = " ".join(p for p in pieces if p)
    return joined if len(joined) <= len(block.text) + 40 else block.text


def _common_ancestor(elements: list[etree._Element]) -> etree._Element | None:
    """The innermost element holding them all; None when that is the whole page."""
    if not elements:
        return None
    chain = list(elements[0].iterancestors())
    common = {id(elements[0]): 0} | {id(a): n + 1 for n, a in enumerate(chain)}
    lineup = [elements[0], *chain]
    depth = 0
    for el in elements[1:]:
        node: etree._Element | None = el
        while node is not None and id(node) not in common:
            node = node.getparent()
        if node is None:
            return None
        depth = max(depth, common[id(node)])
    found = lineup[depth]
    return None if found.tag in ("body", "html") else found


def _only_captions(text: str, captions: set[str]) -> bool:
    """A line made of image captions only (a row of captioned pictures)."""
    if not captions:
        return False
    rest = text
    for caption in sorted(captions, key=lambda c: (-len(c), c)):  # longest first, in a fixed order
        rest = rest.replace(caption, "")
    return not match_key(rest)


# Blocks just above the title still searched for a date and labels (政府信息公开 metadata tables).
PRE_TITLE_WINDOW = 12


def _before_title(blocks: list[Block], title_block: Block | None) -> list[Block]:
    if title_block is None:
        return []
    start = max(0, title_block.index - PRE_TITLE_WINDOW)
    # Chrome by class is allowed here: metadata tables sit in "xxgk-head" and the like.
    return [b for b in blocks[start:title_block.index] if not b.hidden and b.link_density < 0.5]


def extract_tree(root: etree._Element, url: str, today: date,
                 selectors: dict[str, str] | None = None) -> RawArticle:
    """Raw article fields from a parsed page; a site profile's CSS selectors override the
    automatic title, body and date finders where given."""
    selectors = selectors or {}
    date_in_markup = date_from_markup(root, today)  # reads JSON-LD scripts, so before they go
    page_type = page_type_of(root)
    meta_source = meta_content(root, "ContentSource", "source", "og:site_name_source")
    drop_unseen(root)
    blocks = linearize(root)
    visible = [b for b in blocks if not b.hidden]
    guess = densest_run(visible)
    first_text = guess[first_paragraph(guess)].index if guess and first_paragraph(guess) < len(guess) else None
    title = find_title(root, visible, (guess[0].index, guess[-1].index) if guess else None, first_text)
    if title.block is None and title.text:  # a title from <title> or meta: find its line on the page
        key = match_key(title.text)
        title.block = next((b for b in visible if match_key(b.text) == key), None)
    if title_els := _css_elements(root, selectors.get("title")):
        owners = {id(b.owner): b for b in visible}
        el: etree._Element | None = title_els[0]
        while el is not None and id(el) not in owners:
            el = el.getparent()
        title = TitleMatch(normalize_space(title_els[0].text_content()) or None,
                           owners[id(el)] if el is not None else None)
    if body_els := _css_elements(root, selectors.get("body")):
        run = _within(visible, body_els)
    else:
        run = densest_run(visible, stop=title.block)
        if sum(len(b.text) for b in run) < 30:  # everything hidden: a page revealed by script
            run = densest_run(blocks, stop=title.block)
    if title.block is not None and run and run[0].index <= title.block.index <= run[-1].index:
        run = [b for b in run if b.index > title.block.index]
    header = _header_zone(blocks, run, title.block)
    header_idx = {b.index for b in header}

    published = None
    if date_els := _css_elements(root, selectors.get("published_at")):
        published = find_date(" ".join(el.text_content() for el in date_els), today)
    before = _before_title(blocks, title.block)
    # Labelled dates near the title (publish labels before any label), then unlabelled ones,
    # then markup, then a publish label inside the body, then the URL.
    for zone, label in ((header, PUBLISH_LABEL), (before, PUBLISH_LABEL), (header, ANY_DATE_LABEL),
                        (before, ANY_DATE_LABEL), (header, None)):
        if published:
            break
        for block in zone:
            if block.link_density < 0.5 and (published := find_date(block.text, today, label)):
                break
    if not published:
        published = date_in_markup
    if not published:
        for block in run:
            if block.link_density < 0.3 and (published := find_date(block.text, today, PUBLISH_LABEL)):
                break

    end = run[-1].index + 1 if run else 0
    trailing = [b for b in blocks[end:end + TRAILING_WINDOW] if not b.hidden]
    fields = _labelled_fields([spaced_text(b) for b in header + before],
                              [b.text for b in run + trailing if len(b.text) <= 80])
    if "source" not in fields and meta_source:
        fields["source"] = clean_value(meta_source, allow_spaces=False) or ""

    skip = frozenset(id(img) for b in blocks if b.hidden or b.boilerplate for img in b.images)
    scope = _common_ancestor([b.owner for b in run] + ([title.block.owner] if title.block is not None else []))
    images, captions = collect_images(run, url, scope, skip)
    attachments, attachment_idx = collect_attachments(run + [b for b in trailing if not b.boilerplate], url)
    first = first_paragraph(run)
    paragraphs = []
    for pos, block in enumerate(run):
        if not block.text or block.boilerplate or block.index in attachment_idx or _only_captions(
                block.text, captions):
            continue
        if pos < first and block.index in header_idx and (
                block.is_heading or is_subtitle_block(block) or is_title_like(block) or _centered_line(block)):
            continue  # 引题/副题, an English title and headings between the title and the first paragraph
        paragraphs.append(Paragraph(block.text, block.link_density, block.is_heading,
                                    bool(block.link_chars) and inline_linked(block)))

    title_el = root.find(".//title")
    site_names = set()
    if title_el is not None:  # every segment of <title> but the article's (the longest)
        segments = [s for s in TITLE_SEPARATORS.split(title_el.text_content() or "") if s.strip()]
        main = max(segments, key=title_weight) if segments else ""
        site_names = {match_key(s) for s in segments if s is not main}
    run_chars = sum(len(b.text) for b in run) or 1
    marked = _marked_article(root)
    marked_paragraphs = None
    if marked is not None:
        inside = {id(d) for d in marked.iter()}
        if sum(len(b.text) for b in run if id(b.owner) in inside) < 0.5 * run_chars and holds_prose(marked):
            marked_paragraphs = [Paragraph(b.text, b.link_density, b.is_heading) for b in visible
                                 if id(b.owner) in inside and b.text and not b.boilerplate]
    published = published or date_from_url(url, today)
    date_guessed = False
    if not published:  # last: htmldate may change the tree
        published = date_by_htmldate(root, today)
        date_guessed = published is not None
    return RawArticle(
        url=url,
        title=title.text,
        published_at=published,
        source=fields.get("source") or None,
        author=fields.get("author"),
        editor=fields.get("editor"),
        category=find_category(blocks, title.text, site_names, run[0].index if run else len(blocks)),
        paragraphs=paragraphs,
        images=images,
        attachments=attachments,
        run_link_density=sum(b.link_chars for b in run) / run_chars,
        dated_links=sum(1 for b in run if b.links and b.link_chars >= 8 and DATE_RE.search(b.text)),
        page_type=page_type,
        run_indices=tuple(b.index for b in run),
        marked_paragraphs=marked_paragraphs,
        date_guessed=date_guessed,
    )


def extract_article(body: bytes, url: str, content_type: str | None = None,
                    today: date | None = None, selectors: dict[str, str] | None = None) -> RawArticle:
    """Raw article fields from the response bytes (raises UnreadablePage, an EmptyPage, when there
    is no page to read)."""
    page = load_page(body, content_type)
    raw = extract_tree(page.tree, url, today or date.today(), selectors)
    raw.encoding = page.encoding
    return raw


ARTICLE_TYPES = frozenset(["article", "newsarticle", "reportagenewsarticle", "blogposting", "analysisnewsarticle",
                           "backgroundnewsarticle", "opinionnewsarticle", "report", "pressrelease"])
LIST_TYPES = frozenset(["collectionpage", "itemlist", "searchresultspage", "profilepage"])


def page_type_of(root: etree._Element) -> str | None:
    """"article" or "list" when the page's own markup says so (JSON-LD @type, og:type), else None."""
    for node in json_ld_nodes(root):
        types = node.get("@type")
        for kind in (types if isinstance(types, list) else [types]):
            if isinstance(kind, str) and kind.lower() in ARTICLE_TYPES:
                return "article"
            if isinstance(kind, str) and kind.lower() in LIST_TYPES:
                return "list"
    og = (meta_content(root, "og:type") or "").lower()
    return "article" if og == "article" else None


def site_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()

"""Parse a decoded page once into an lxml tree that every extractor shares."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import lxml.html
from lxml import etree

from zonenews.clean.text import normalize_space

# lxml refuses str input that carries an XML encoding declaration.
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
# Characters an XML tree cannot hold (lxml refuses them when text is set later), raw or as entities.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False, huge_tree=True)

# libxml2 stops reading at 2048 nested elements (256 without huge_tree) and drops the rest of
# the page; past MAX_NESTING open tags a page is flattened before it is parsed again.
MAX_NESTING = 512
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)\b[^>]*>")
# Elements that never nest (void) or that the parser closes by itself when the next one opens.
_NOT_NESTING = frozenset(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
                          "source", "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option"])

# Dropped before anything reads the tree: never visible article text.
UNSEEN_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg",
               "select", "textarea", "button", "input", "canvas", "map", "audio", "video")


class EmptyPage(ValueError):
    """The response has no HTML to read."""


def parse_html(text: str) -> etree._Element:
    """Parse HTML text into a tree; raise EmptyPage when there is nothing to parse."""
    text = _NOT_XML.sub("", _XML_DECL.sub("", text, count=1).replace("\x0b", " ").replace("\x0c", " "))
    if not text.strip():
        raise EmptyPage("empty document")
    try:
        root = lxml.html.document_fromstring(text, parser=_PARSER)
        if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in _PARSER.error_log):
            root = lxml.html.document_fromstring(flatten_nesting(text), parser=_PARSER)
    except (etree.ParserError, ValueError) as exc:
        raise EmptyPage(str(exc)) from exc
    if root is None:
        raise EmptyPage("empty document")
    if "&#" in text:  # &#1; or &#xFFFF; put what the raw text could not hold into the tree
        _drop_non_xml(root)
    _hoist_titles(root)
    if root.find("body") is None:  # only head elements: without a body, readers would walk the head
        root.append(etree.Element("body"))
    return root


def flatten_nesting(text: str, limit: int = MAX_NESTING) -> str:
    """Drop the start and end tags of elements nested deeper than limit, keeping their text."""
    stack: list[tuple[str, bool]] = []  # open elements: (name, tag kept)
    kept = 0
    out: list[str] = []
    pos = 0
    for m in _TAG.finditer(text):
        name = m.group(2).lower()
        if name in _NOT_NESTING or m.group(0).endswith("/>"):
            continue
        if not m.group(1):
            keep = kept < limit
            stack.append((name, keep))
            kept += keep
        else:
            for i in range(len(stack) - 1, max(-1, len(stack) - 65), -1):  # a stray end tag is ignored
                if stack[i][0] == name:
                    break
            else:
                continue
            keep = stack[i][1]
            kept -= sum(k for _, k in stack[i:])
            del stack[i:]
        if not keep:
            out.append(text[pos:m.start()])
            pos = m.end()
    out.append(text[pos:])
    return "".join(out)


def _drop_non_xml(root: etree._Element) -> None:
    for el in root.iter():
        if el.text and _NOT_XML.search(el.text):
            el.text = _NOT_XML.sub("", el.text)
        if el.tail and _NOT_XML.search(el.tail):
            el.tail = _NOT_XML.sub("", el.tail)


def _hoist_titles(root: etree._Element) -> None:
    """A <title> outside <head> (a broken template) is never shown, and its text is raw markup:
    the first one becomes the page title when <head> has none, every other one goes. Title text
    is normalised here: separator patterns (`\\s*_\\s*`) take quadratic time on long space runs."""
    head = root.find("head")
    has_title = head is not None and head.find("title") is not None
    for el in list(root.iter("title")):
        if el.text:
            el.text = normalize_space(el.text)
        parent = el.getparent()
        if parent is None or parent is head:
            continue
        el.drop_tree()  # keeps the text that follows it
        if not has_title:
            if head is None:
                head = etree.Element("head")
                root.insert(0, head)
            el.tail = None
            head.append(el)
            has_title = True


def meta_content(root: etree._Element, *names: str) -> str | None:
    """First non-empty <meta name|property|itemprop=...> content among names (case-insensitive)."""
    wanted = {n.lower() for n in names}
    for meta in root.iter("meta"):
        key = (meta.get("name") or meta.get("property") or meta.get("itemprop") or "").strip().lower()
        if key in wanted:
            value = normalize_space(meta.get("content") or "")
            if value:
                return value
    return None


def json_ld_nodes(root: etree._Element) -> Iterator[dict]:
    """Every object of the page's JSON-LD blocks (top level, lists and @graph)."""
    for script in root.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except (ValueError, RecursionError):  # RecursionError: absurdly nested JSON
            continue
        for node in data if isinstance(data, list) else [data]:
            if isinstance(node, dict):
                yield node
                yield from (n for n in node.get("@graph") or [] if isinstance(n, dict))

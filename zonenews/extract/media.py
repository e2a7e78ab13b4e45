"""Content images with their captions, and attachment links (pdf, doc, xls, ...)."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit

from lxml import etree

from zonenews.clean.text import normalize_space
from zonenews.extract.blocks import Block, class_tokens
from zonenews.extract.labels import SOCIAL_PROMPT

ATTACHMENT_EXTENSIONS = frozenset(
    ["pdf", "doc", "docx", "xls", "xlsx", "wps", "et", "zip", "rar", "7z", "ofd", "ppt", "pptx", "txt", "csv", "dps"]
)
_JUNK_IMAGE = re.compile(
    r"logo|icon|\bico\b|qrcode|(?<![a-z])qr(?![a-z])|ewm|erweima|二维码|share|weixin|wechat|weibo|\bbtn|button|"
    r"arrow|spacer|blank|/skins?/|/templets?/|/themes?/|"
    r"loading|\bdot\b|\bbg\b|gotop|print|close|wza|jiucuo|dzjg|gongan|beian|conac",
    re.I,
)
_FILENAME_LIKE = re.compile(r"^[\w\-. ]+\.(?:jpe?g|png|gif|bmp|webp)$|^(?:img|image|pic|图片|photo)\d*$", re.I)
_GENERIC_LINK_TEXT = frozenset({"下载", "点击下载", "附件下载", "点击查看", "查看", "附件", "download"})
CAPTION_TOKENS = frozenset(["caption", "figcaption", "imgtitle", "pictitle", "tuzhu", "tz", "picnote", "imgnote",
                            "cap", "imgcap", "piccap", "photocaption", "imgdesc", "picdesc"])
# "pic-txt", "img_title", "photo-note": a picture word and a text word in one class name.
_PICTURE_WORDS = frozenset({"pic", "img", "image", "photo", "tu", "figure"})
_TEXT_WORDS = frozenset({"txt", "text", "title", "tit", "note", "desc", "info", "name", "intro", "word", "ms"})
# Galleries' thumbnail strips repeat the pictures; they are navigation.
_THUMB_TOKENS = frozenset({"thumb", "thumbs", "thumbnail", "thumbnails", "small", "gallery-thumbs"})
MAX_CAPTION = 80


def attachment_extension(url: str) -> str | None:
    """The attachment type of a link: its path's extension, or a file name in its query
    (downfile.jsp?filename=a.ofd)."""
    parts = urlsplit(url)
    suffix = PurePosixPath(parts.path).suffix.lower().lstrip(".")
    if suffix in ATTACHMENT_EXTENSIONS:
        return suffix
    for _key, value in parse_qsl(parts.query):
        suffix = PurePosixPath(value).suffix.lower().lstrip(".")
        if suffix in ATTACHMENT_EXTENSIONS:
            return suffix
    return None


def _image_url(img: etree._Element, base_url: str) -> str | None:
    # Lazy-loading pages put a placeholder in src and the picture in data-src.
    src = (img.get("data-src") or img.get("data-original") or img.get("data-lazy-src") or img.get("src") or "").strip()
    if not src or src.startswith(("data:", "javascript:")):
        return None
    probe = f"{src} {img.get('class') or ''} {img.get('id') or ''} {img.get('alt') or ''}"
    if _JUNK_IMAGE.search(probe) or SOCIAL_PROMPT.search(img.get("alt") or ""):
        return None
    for dim in ("width", "height"):
        value = (img.get(dim) or "").strip().rstrip("px")
        if value.isdigit() and int(value) < 40:
            return None
    return urljoin(base_url, src)


def _alt_caption(img: etree._Element) -> str | None:
    alt = normalize_space(img.get("alt") or img.get("title") or "")
    if len(alt) < 4 or _FILENAME_LIKE.match(alt):
        return None
    return alt


def is_caption_element(el: etree._Element) -> bool:
    if el.tag in ("figcaption", "caption"):
        return True
    tokens = class_tokens(el)
    return bool(tokens & CAPTION_TOKENS) or bool(tokens & _PICTURE_WORDS and tokens & _TEXT_WORDS)


def _centered(el: etree._Element) -> bool:
    style = (el.get("style") or "").replace(" ", "").lower()
    return (el.get("align") or "").lower() == "center" or "text-align:center" in style or el.tag == "center"


def _caption_candidate(el: etree._Element | None, *, loose: bool = False) -> etree._Element | None:
    """el if it reads as a caption: caption markup, or a short centred line with no picture
    (loose: any short line with no picture or link)."""
    if el is None or not isinstance(el.tag, str) or el.tag in ("img", "br", "table", "ul", "ol"):
        return None
    if el.tag == "tr" and len(el) == 1:  # a caption row: judge its one cell
        el = el[0]
    text = normalize_space(el.text_content())
    if not text or len(text) > MAX_CAPTION or el.find(".//img") is not None or el.find(".//a[@href]") is not None:
        return None
    if is_caption_element(el) or loose:
        return el
    bold = el.find(".//strong") is not None or el.find(".//b") is not None or el.tag in ("h2", "h3", "h4", "h5")
    return el if _centered(el) and not bold else None


def _next_element(el: etree._Element) -> etree._Element | None:
    nxt = el.getnext()
    while nxt is not None and (not isinstance(nxt.tag, str) or nxt.tag == "br"):
        nxt = nxt.getnext()
    return nxt


def dom_caption(img: etree._Element) -> etree._Element | None:
    """The element that captions img: <figcaption>, a caption after it in its own box, or the
    element after the box that holds nothing but the picture."""
    node = img
    for _ in range(3):
        parent = node.getparent()
        if parent is None:
            return None
        if parent.tag == "figure":
            return next((c for c in parent.iter("figcaption")), None)
        if (node.tail or "").strip():
            return None
        nxt = _next_element(node)
        if (cap := _caption_candidate(nxt)) is not None:
            return cap
        if nxt is not None and _caption_candidate(nxt, loose=True) is not None and normalize_space(
                parent.text_content()) == normalize_space(nxt.text_content()):
            return nxt  # <li><div><img></div><p>caption</p></li>: the box's only words
        if normalize_space(parent.text_content()):
            return None  # the box has text of its own: an inline picture
        node = parent
    return None


def _in_chrome(img: etree._Element) -> bool:
    el = img.getparent()
    for _ in range(4):
        if el is None:
            return False
        tokens = class_tokens(el)
        if tokens & _THUMB_TOKENS or (el.tag == "a" and not _image_url_like(el.get("href") or "")
                                       and (el.get("href") or "").strip() not in ("", "#")):
            return True
        el = el.getparent()
    return False


def _beside_a_prompt(img: etree._Element) -> bool:
    """A QR code or banner next to "长按识别二维码 / 关注我们": the smallest box around it says so."""
    el = img.getparent()
    for _ in range(3):
        if el is None:
            return False
        text = normalize_space(el.text_content())
        if len(text) > 120:
            return False
        if SOCIAL_PROMPT.search(text) or "二维码" in text:
            return True
        el = el.getparent()
    return False


def _image_url_like(href: str) -> bool:
    return PurePosixPath(urlsplit(href).path).suffix.lower() in (".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp")


def collect_images(run: list[Block], base_url: str, scope: etree._Element | None = None,
                   skip: frozenset[int] = frozenset()) -> tuple[list[dict], set[str]]:
    """Content images with captions, and the caption texts (which are not body).

    Pictures come from the body run and, for galleries beside the text, from scope (the box
    holding the title and the body), leaving out thumbnails and pictures that link elsewhere.
    """
    imgs: list[etree._Element] = [img for block in run for img in block.images]
    if scope is not None:
        seen = {id(i) for i in imgs}
        imgs += [i for i in scope.iter("img") if id(i) not in seen and not _in_chrome(i)]
    images: list[dict] = []
    captions: set[str] = set()
    for img in imgs:
        url = _image_url(img, base_url)
        if url is None or any(i["url"] == url for i in images) or _beside_a_prompt(img):
            continue
        cap_el = dom_caption(img)
        if id(img) in skip and cap_el is None:
            continue  # a picture in page chrome, unless a caption says it belongs to the story
        caption = normalize_space(cap_el.text_content()) if cap_el is not None else None
        if caption:
            captions.add(caption)
        caption = caption or _alt_caption(img)
        if caption and SOCIAL_PROMPT.search(caption):
            continue  # a "follow us" banner, not a picture of the story
        images.append({"url": url, "caption": caption})
    return images, captions


def collect_attachments(blocks: list[Block], base_url: str) -> tuple[list[dict], set[int]]:
    """Attachment links and the indexes of blocks that are attachment lines, not body text."""
    found: dict[str, dict] = {}
    lines: set[int] = set()
    for block in blocks:
        covered = 0
        for href, text in block.links:
            url = urljoin(base_url, href)
            if not url.startswith(("http://", "https://")) or not attachment_extension(url):
                continue
            covered += len(text)
            name = text
            if not name or name.lower() in _GENERIC_LINK_TEXT:
                name = unquote(PurePosixPath(urlsplit(url).path).name)
            found.setdefault(url.split("#")[0], {"url": url.split("#")[0], "name": name})
        if covered and covered >= 0.5 * len(block.text.replace(" ", "")) - 6:
            lines.add(block.index)
    return list(found.values()), lines

"""Content images with their captions, and attachment links (pdf, doc, xls, ...)."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from lxml import etree

from zonenews.clean.text import normalize_space
from zonenews.extract.blocks import Block, class_tokens
from zonenews.extract.labels import SOCIAL_PROMPT

ATTACHMENT_EXTENSIONS = frozenset(
    ["pdf", "doc", "docx", "xls", "xlsx", "wps", "et", "zip", "rar", "7z", "ofd", "ppt", "pptx", "txt", "csv", "dps"]
)
_JUNK_IMAGE = re.compile(
    r"logo|icon|\bico\b|qrcode|\bqr\b|ewm|erweima|share|weixin|wechat|weibo|\bbtn|button|arrow|spacer|blank|"
    r"loading|\bdot\b|\bbg\b|gotop|print|close|wza|jiucuo|dzjg|gongan|beian|conac",
    re.I,
)
_FILENAME_LIKE = re.compile(r"^[\w\-. ]+\.(?:jpe?g|png|gif|bmp|webp)$|^(?:img|image|pic|图片|photo)\d*$", re.I)
_GENERIC_LINK_TEXT = frozenset({"下载", "点击下载", "附件下载", "点击查看", "查看", "附件", "download"})
CAPTION_TOKENS = frozenset(["caption", "figcaption", "imgtitle", "pictitle", "tuzhu", "tz", "picnote", "imgnote"])


def attachment_extension(url: str) -> str | None:
    suffix = PurePosixPath(urlsplit(url).path).suffix.lower().lstrip(".")
    return suffix if suffix in ATTACHMENT_EXTENSIONS else None


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


def _is_caption_block(block: Block) -> bool:
    if block.tag == "figcaption" or class_tokens(block.owner) & CAPTION_TOKENS:
        return True
    return (block.centered and 0 < len(block.text) <= 60 and not block.is_heading and not block.is_bold
            and not block.links and not block.text.endswith(("。", "：", ":")))


def collect_images(run: list[Block], base_url: str) -> tuple[list[dict], set[int]]:
    """Images in the body run and the indexes of blocks that are their captions."""
    images: list[dict] = []
    caption_blocks: set[int] = set()
    for pos, block in enumerate(run):
        for img in block.images:
            url = _image_url(img, base_url)
            if url is None or any(i["url"] == url for i in images):
                continue
            caption = None
            following = run[pos + 1] if pos + 1 < len(run) else None
            if not block.text and following is not None and following.text and _is_caption_block(following):
                caption = following.text
                caption_blocks.add(following.index)
            caption = caption or _alt_caption(img)
            if caption and SOCIAL_PROMPT.search(caption):
                continue  # a "follow us" banner, not a picture of the story
            images.append({"url": url, "caption": caption})
    return images, caption_blocks


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

"""From raw extracted fields to the published record (see schema/record.schema.json)."""

from __future__ import annotations

from datetime import UTC, datetime

from zonenews.clean.boilerplate import boilerplate_rule, is_header_date, too_linked
from zonenews.clean.repeats import drop_repeats
from zonenews.clean.text import content_hash, guess_lang, match_key, normalize_space
from zonenews.extract import RawArticle, site_of

# Key order of every record; the JSON Schema lists the same fields.
RECORD_FIELDS = (
    "url", "site", "zone", "title", "published_at", "published_date", "source", "author", "editor", "category",
    "body", "images", "attachments", "zones_mentioned", "lang", "content_hash", "crawled_at",
)


def body_lines(raw: RawArticle) -> list[str]:
    """Article lines with chrome removed and in-page repeats dropped."""
    lines: list[str] = []
    seen_prose = False
    for para in raw.paragraphs:
        text = normalize_space(para.text)
        if not text or too_linked(para.link_density, para.inline_links) or boilerplate_rule(text):
            continue
        if not seen_prose and is_header_date(text):
            continue
        seen_prose = seen_prose or len(text) >= 30
        lines.append(text)
    return drop_repeats(lines, raw.title)


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def build_record(raw: RawArticle, *, zone: str | None = None, crawled_at: str | None = None,
                 zones_mentioned: list[str] | None = None) -> dict:
    """The record for one article, keys in RECORD_FIELDS order."""
    title = normalize_space(raw.title) if raw.title else None
    body = "\n".join(body_lines(raw))
    title_key = match_key(title or "")
    images = [
        {"url": img["url"], "caption": None if img["caption"] and match_key(img["caption"]) == title_key
         else img["caption"]}
        for img in raw.images
    ]
    return {
        "url": raw.url,
        "site": site_of(raw.url),
        "zone": zone,
        "title": title,
        "published_at": raw.published_at,
        # The date part alone, so DuckDB/pandas read one type (published_at mixes dates and date-times).
        "published_date": raw.published_at[:10] if raw.published_at else None,
        "source": raw.source,
        "author": raw.author,
        "editor": raw.editor,
        "category": raw.category,
        "body": body,
        "images": images,
        "attachments": raw.attachments,
        "zones_mentioned": zones_mentioned or [],
        "lang": guess_lang(f"{title or ''}\n{body}"),
        "content_hash": content_hash(body),
        "crawled_at": crawled_at or utc_now(),
    }

"""Publish dates: parse the forms zone sites print and pick the article's own date."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from lxml import etree

from zonenews.clean.text import fold_traditional
from zonenews.extract.document import json_ld_nodes, meta_content

CHINA = timezone(timedelta(hours=8))
EARLIEST = date(1990, 1, 1)

DATE_RE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*(?P<sep>[-/.年])\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})(?!\d)\s*日?"
    r"(?:[T\s]*(?P<H>\d{1,2})\s*[:：时]\s*(?P<M>\d{2})(?:\s*[:：分]\s*(?P<S>\d{2}))?)?"
)
_MONTHS = {m: n for n, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
    ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
    ("dec", "december")), start=1) for m in names}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
# English pages: "Mar 18, 2020", "March 18, 2020 10:30", "18 March 2020".
EN_DATE_RE = re.compile(
    rf"(?<![A-Za-z])(?:(?P<mon>{_MONTH})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d{{2}})"
    rf"|(?P<d2>\d{{1,2}})\s+(?P<mon2>{_MONTH})\.?,?\s+(?P<y2>(?:19|20)\d{{2}}))"
    r"(?:,?\s+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?", re.I)

# What may stand right before a date for it to count as labelled: the publish date first, then
# any date label (成文日期, 更新时间, a bare 时间 ...).
PUBLISH_LABEL = re.compile(
    r"(?:发布时间|发布日期|发表时间|发布于|生成日期|(?<!成文)(?<!更新)(?<!发文)日期|release\s+date|publish\s+date|"
    r"published|(?<![a-z])date)\s*[:：]?\s*[\[【(（]?\s*$", re.I)
ANY_DATE_LABEL = re.compile(
    r"(?:发布时间|发布日期|发表时间|发文日期|成文日期|生成日期|更新时间|发布于|日期|时间|date|updated|posted|"
    r"published|time)\s*[:：]?\s*[\[【(（]?\s*$", re.I)

# Dates in article URLs, most specific first.
URL_DATE_PATTERNS = (
    re.compile(r"/t((?:19|20)\d{2})(\d{2})(\d{2})_\d+"),                        # TRS: t20200305_123.html
    re.compile(r"/art/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/"),                   # Hanweb: /art/2021/5/6/
    re.compile(r"/((?:19|20)\d{2})[-_/]?(\d{2})[-_/]?(\d{2})/"),                # /2019/1202/, /20191202/
    re.compile(r"/((?:19|20)\d{2})-(\d{1,2})-(\d{1,2})/"),                       # /2022-06-01/
    re.compile(r"[/_-]((?:19|20)\d{2})(\d{2})(\d{2})\d{0,8}\.s?html?$"),           # /20191202123.html
)


def _valid(d: date, today: date) -> bool:
    return EARLIEST <= d <= today + timedelta(days=1)


def format_match(m: re.Match[str], today: date) -> str | None:
    """ISO text for a DATE_RE match: YYYY-MM-DD, or with the time and +08:00 when given."""
    try:
        d = date(int(m["y"]), int(m["m"]), int(m["d"]))
    except ValueError:
        return None
    if not _valid(d, today):
        return None
    if m["H"] is None:
        return d.isoformat()
    hour, minute, second = int(m["H"]), int(m["M"]), m["S"]
    if hour > 23 or minute > 59 or (second is not None and int(second) > 59):
        return d.isoformat()
    clock = f"{hour:02d}:{minute:02d}" + (f":{int(second):02d}" if second is not None else "")
    return f"{d.isoformat()}T{clock}+08:00"


def find_date(text: str, today: date, label: re.Pattern[str] | None = None) -> str | None:
    """The first valid date in text; with a label pattern, only one right after such a label."""
    for pattern in (DATE_RE, EN_DATE_RE):
        for m in pattern.finditer(text):
            if label is not None and not label.search(fold_traditional(text[max(0, m.start() - 16):m.start()])):
                continue
            found = format_match(m, today) if pattern is DATE_RE else _format_english(m, today)
            if found:
                return found
    return None


def _format_english(m: re.Match[str], today: date) -> str | None:
    month = _MONTHS[(m["mon"] or m["mon2"]).lower()]
    try:
        d = date(int(m["y"] or m["y2"]), month, int(m["d"] or m["d2"]))
    except ValueError:
        return None
    if not _valid(d, today):
        return None
    if m["H"] is None or int(m["H"]) > 23 or int(m["M"]) > 59:
        return d.isoformat()
    return f"{d.isoformat()}T{int(m['H']):02d}:{m['M']}" + (f":{m['S']}" if m["S"] else "") + "+08:00"


def parse_machine_date(value: str, today: date) -> str | None:
    """A date from a meta tag or JSON-LD (ISO 8601 with or without zone, or a plain date)."""
    value = value.strip()
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return find_date(value, today)
    if dt.tzinfo is not None:
        dt = dt.astimezone(CHINA)
    if not _valid(dt.date(), today):
        return None
    if len(value) <= 10:
        return dt.date().isoformat()
    return dt.replace(tzinfo=CHINA).isoformat(timespec="seconds").replace(":00+08:00", "+08:00") \
        if dt.second == 0 else dt.replace(tzinfo=CHINA).isoformat(timespec="seconds")


_META_DATE_NAMES = ("article:published_time", "pubdate", "publishdate", "publish_date", "publishtime",
                    "datepublished", "dc.date.issued", "dc.date.created", "dc.date", "firstpublishedtime",
                    "og:article:published_time", "og:release_date", "releasedate", "articledate")


def date_from_markup(root: etree._Element, today: date) -> str | None:
    """Publish date from meta tags, JSON-LD or <time itemprop=datePublished>."""
    found = meta_content(root, *_META_DATE_NAMES)
    if found and (parsed := parse_machine_date(found, today)):
        return parsed
    for node in json_ld_nodes(root):
        published = node.get("datePublished")
        if isinstance(published, str) and (parsed := parse_machine_date(published, today)):
            return parsed
    for el in root.iter("time"):
        marked = (el.get("itemprop") or "").lower() == "datepublished" or el.get("pubdate") is not None
        if marked and (parsed := parse_machine_date(el.get("datetime") or "", today)):
            return parsed
    return None


def date_by_htmldate(root: etree._Element, today: date) -> str | None:
    """htmldate's reading of the page (its own meta, markup and text heuristics, no URL), for
    pages whose date is in no form we read. It may change the tree it is given: call it last."""
    import logging

    from htmldate import find_date

    logging.getLogger("htmldate").setLevel(logging.ERROR)
    markup = etree.tostring(root, encoding="unicode")
    try:
        found = find_date(root, extensive_search=False, original_date=True, outputformat="%Y-%m-%d",
                          max_date=(today + timedelta(days=1)).isoformat())
    except Exception:  # htmldate has no error contract; a page it cannot read has no date from it
        return None
    if not found:
        return None
    try:
        day = date.fromisoformat(found)
    except ValueError:
        return None
    # htmldate mends impossible dates (2023-02-30 becomes 2023-02-01): keep only a date the page shows.
    shown = re.search(rf"{day.year}\D{{1,3}}0?{day.month}\D{{1,3}}0?{day.day}(?!\d)|{found.replace('-', '')}", markup)
    return found if shown and _valid(day, today) else None


def date_from_url(url: str, today: date) -> str | None:
    """Last resort: the date a CMS writes into the article's path."""
    path = url.split("?", 1)[0]
    for pattern in URL_DATE_PATTERNS:
        for m in pattern.finditer(path):
            try:
                d = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                continue
            if _valid(d, today):
                return d.isoformat()
    return None

"""Is this page an article, and which body is its text? One decision for every path.

Our own extractor answers first. Where its answer is doubtful (a body too short to be an
article, or a body run full of links, so the page would be dropped), trafilatura gives a second
opinion on the same HTML; where our body lies outside the element the page marks as its article,
that element's text is a candidate too. Its body wins only on evidence: enough prose, no list of dated links,
and, for a link-heavy page, the page's own markup or a publish date saying it is an article.
Every page is either a record or a skip with a reason; `zonenews explain` prints this verdict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from zonenews.clean.record import build_record
from zonenews.clean.text import bigram_f1, match_key, normalize_space
from zonenews.extract import Paragraph, RawArticle
from zonenews.extract.dates import DATE_RE

# An article has a title, this much body text, and few links in its body run.
MIN_BODY_CHARS = 40
MAX_RUN_LINK_DENSITY = 0.35
MAX_DATED_LINKS = 3  # more dated headline links in the body run than this: a list page
# A page that says it is an article (JSON-LD, og:type) may carry more links in its text.
ARTICLE_RUN_LINK_DENSITY = 0.6
# A second opinion is accepted when this share of its text is prose lines.
MIN_PROSE_SHARE = 0.6
_SENTENCE = re.compile(r"[。！？；，,.!?;]")


@dataclass(slots=True)
class Candidate:
    """One extractor's body for the page, with the figures the choice rests on."""

    name: str
    body: str
    prose_share: float
    dated_lines: int
    agreement: float | None = None  # bigram F1 against our own body


@dataclass(slots=True)
class Verdict:
    record: dict[str, Any] | None
    reason: str | None                      # why there is no record ("no_title", "not_article")
    winner: str | None = None               # "zonenews", "trafilatura" or "markup"
    doubts: list[str] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)


def prose_share(lines: list[str]) -> float:
    total = sum(len(x) for x in lines) or 1
    return sum(len(x) for x in lines if len(x) >= 30 and _SENTENCE.search(x)) / total


def dated_lines(lines: list[str]) -> int:
    """Short lines holding a date: a list of headlines, not an article's paragraphs."""
    return sum(1 for x in lines if len(x) <= 60 and DATE_RE.search(x))


def candidate(name: str, body: str) -> Candidate:
    lines = body.split("\n") if body else []
    return Candidate(name, body, prose_share(lines), dated_lines(lines))


def doubts_about(record: dict[str, Any], raw: RawArticle) -> list[str]:
    """What would make our own answer drop the page."""
    found = []
    if len(record["body"]) < MIN_BODY_CHARS:
        found.append("short_body")
    limit = ARTICLE_RUN_LINK_DENSITY if raw.page_type == "article" else MAX_RUN_LINK_DENSITY
    if raw.run_link_density > limit:
        found.append("link_dense_run")
    if raw.dated_links > MAX_DATED_LINKS and raw.page_type != "article":
        found.append("dated_link_list")
    return found


def trafilatura_body(html: str, url: str) -> str:
    """trafilatura's main text for the page, one paragraph per line ('' when it finds none)."""
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(html, url=url, include_comments=False, with_metadata=False)
    except Exception:  # trafilatura has no error contract; a page it cannot read gives no opinion
        return ""
    text = (getattr(doc, "text", None) if doc is not None and not isinstance(doc, dict)
            else (doc or {}).get("text")) or ""
    return "\n".join(line for line in (normalize_space(x) for x in text.split("\n")) if line)


def _acceptable(second: Candidate, raw: RawArticle, doubts: list[str]) -> bool:
    if len(match_key(second.body)) < MIN_BODY_CHARS or raw.page_type == "list":
        return False
    if second.prose_share < MIN_PROSE_SHARE or second.dated_lines > MAX_DATED_LINKS:
        return False
    if "short_body" in doubts and len(doubts) == 1:
        return True
    # A link-dense run is what list pages look like: the page must say it is an article.
    dated = raw.published_at is not None and not raw.date_guessed
    return raw.page_type == "article" or (dated and "dated_link_list" not in doubts)


# The page's marked article replaces our body only when it is this large a part of it.
MIN_MARKED_SHARE = 0.4


def _weigh_against_markup(verdict: Verdict, raw: RawArticle, html: str, zone: str | None,
                          crawled_at: str | None) -> None:
    """Our body lies mostly outside the element the page marks as its article (a long comment thread
    or a sidebar read as the article): the marked element's own text wins when it is prose and not a
    mere teaser of ours; trafilatura's body is shown beside it for the record."""
    assert verdict.record is not None and raw.marked_paragraphs is not None
    ours = verdict.candidates[0]
    marked_record = build_record(replace(raw, paragraphs=raw.marked_paragraphs), zone=zone, crawled_at=crawled_at)
    marked = candidate("markup", marked_record["body"])
    marked.agreement = bigram_f1(ours.body, marked.body)
    second = candidate("trafilatura", trafilatura_body(html, raw.url))
    second.agreement = bigram_f1(ours.body, second.body)
    verdict.candidates += [marked, second]
    if len(marked.body) >= MIN_MARKED_SHARE * len(ours.body) and _acceptable(marked, raw, ["short_body"]):
        verdict.record, verdict.winner = marked_record, "markup"


def judge(raw: RawArticle, html: str | None, *, zone: str | None = None, crawled_at: str | None = None,
          allow_undated: bool = False) -> Verdict:
    """The record for a page, or the reason it has none."""
    record = build_record(raw, zone=zone, crawled_at=crawled_at)
    if not record["title"]:
        return Verdict(None, "no_title")
    ours = candidate("zonenews", record["body"])
    verdict = Verdict(record, None, "zonenews", doubts_about(record, raw), [ours])
    if verdict.doubts and html:
        second = candidate("trafilatura", trafilatura_body(html, raw.url))
        second.agreement = bigram_f1(ours.body, second.body)
        verdict.candidates.append(second)
        if _acceptable(second, raw, verdict.doubts):
            paragraphs = [Paragraph(line) for line in second.body.split("\n")]
            verdict.record = build_record(replace(raw, paragraphs=paragraphs), zone=zone, crawled_at=crawled_at)
            verdict.winner = "trafilatura"
            verdict.doubts = doubts_about(verdict.record, replace(raw, run_link_density=0.0, dated_links=0))
    elif raw.marked_paragraphs and html:
        _weigh_against_markup(verdict, raw, html, zone, crawled_at)
    if verdict.doubts:
        return Verdict(None, "not_article", None, verdict.doubts, verdict.candidates)
    dated = verdict.record["published_at"] and not raw.date_guessed
    if not dated and not allow_undated and raw.page_type != "article":
        return Verdict(None, "not_article", None, ["no_date"], verdict.candidates)
    return verdict

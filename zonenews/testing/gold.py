"""Real pages with their datasets' gold (the `../shared/realpages` format) and how we score on them.

A gold corpus is a folder of `<name>.html` (the page's bytes as published) + `<name>.json` (the
gold: `gold_kind` full | snippets | date_only, `title`, `published_at`, `body` as a list of
paragraphs). Unlike our fixtures, the gold was written by others, to their conventions, so a page
is scored only on what its gold gives: body by character-bigram F1 (full gold), the title, the date.
"""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zonenews.clean.text import bigram_f1, match_key

GOLD_KINDS = frozenset({"full", "snippets", "date_only"})


@dataclass(slots=True)
class GoldCase:
    html: Path
    gold: dict[str, Any]

    @property
    def name(self) -> str:
        return self.html.stem

    @property
    def url(self) -> str:
        """The page's URL, or one on its host (DAnIEL records only the host): dates are never read from it."""
        return self.gold.get("url") or f"http://{self.gold.get('host') or 'gold.invalid'}/{self.name}.html"

    def gold_body(self) -> str | None:
        """The full gold body without the headline the DAnIEL annotators put first."""
        body = self.gold.get("body")
        if self.gold.get("gold_kind") != "full" or not isinstance(body, list):
            return None
        if self.gold.get("body_first_paragraph_is_title"):
            body = body[1:]
        return "\n".join(body)


def is_gold_file(path: Path) -> bool:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("gold_kind") in GOLD_KINDS


def is_gold_folder(folder: Path) -> bool:
    """A folder of real pages with gold (its first .json file says so)."""
    first = next(iter(sorted(folder.glob("*.json"))), None)
    return first is not None and is_gold_file(first)


def load_gold(folder: Path) -> list[GoldCase]:
    """Every page of a gold folder that has both its files, in name order."""
    cases = []
    for gold_path in sorted(folder.glob("*.json")):
        html = gold_path.with_suffix(".html")
        if html.is_file() and is_gold_file(gold_path):
            cases.append(GoldCase(html, json.loads(gold_path.read_text("utf-8"))))
    return cases


@dataclass(slots=True)
class GoldResult:
    case: GoldCase
    record: dict[str, Any] | None
    reason: str | None
    body_f1: float | None = None      # full gold only
    title_ok: bool | None = None      # where the gold has a title
    date_ok: bool | None = None       # where the gold has a date
    repeated: int = 0


def score_gold(case: GoldCase, record: dict[str, Any] | None, reason: str | None) -> GoldResult:
    from zonenews.evaluate import repeated_paragraphs

    result = GoldResult(case, record, reason)
    body = record["body"] if record else ""
    if (gold_body := case.gold_body()) is not None:
        result.body_f1 = bigram_f1(body, gold_body)
    if case.gold.get("title"):
        result.title_ok = bool(record) and match_key(record["title"] or "") == match_key(case.gold["title"])
    if case.gold.get("published_at"):
        result.date_ok = bool(record) and (record.get("published_at") or "")[:10] == case.gold["published_at"]
    result.repeated = repeated_paragraphs(body)
    return result


def summarize_gold(results: list[GoldResult]) -> dict[str, float]:
    f1s = sorted(r.body_f1 for r in results if r.body_f1 is not None) or [0.0]
    titles = [r.title_ok for r in results if r.title_ok is not None]
    dates = [r.date_ok for r in results if r.date_ok is not None]
    return {
        "pages": len(results),
        "pages_without_record": sum(r.record is None for r in results),
        "body_f1_median": statistics.median(f1s),
        "body_f1_p10": f1s[int(0.1 * (len(f1s) - 1))],
        "body_f1_mean": round(statistics.fmean(f1s), 6),
        "title_accuracy": sum(titles) / (len(titles) or 1),
        "dates_right": sum(dates),
        "dates_gold": len(dates),
        "repeated_paragraphs": sum(r.repeated for r in results),
    }


def evaluate_gold(cases: list[GoldCase], chain: Any) -> list[GoldResult]:
    """Every page through the chain (zonenews.evaluate.Chain), scored on its gold."""
    results = []
    for case in cases:
        record, reason = chain.run(case.html.read_bytes(), case.url)
        results.append(score_gold(case, record, reason))
    return results


def trafilatura_gold(cases: list[GoldCase]) -> dict[str, float]:
    """The same figures for trafilatura alone (its title and date from its metadata)."""
    import trafilatura

    results = []
    for case in cases:
        doc = trafilatura.bare_extraction(case.html.read_bytes(), url=case.url, with_metadata=True)
        doc = doc.as_dict() if doc is not None and hasattr(doc, "as_dict") else (doc or {})
        text = doc.get("text") or ""
        record = {"title": doc.get("title") or "", "published_at": doc.get("date"), "body": text} if text else None
        results.append(score_gold(case, record, None if record else "no text"))
    return summarize_gold(results)


def worst(results: list[GoldResult], count: int = 15) -> list[str]:
    """The pages that score lowest, for the eval report."""
    scored = sorted((r for r in results if r.body_f1 is not None), key=lambda r: (r.body_f1 or 0.0, r.case.name))
    lines = []
    for r in scored[:count]:
        why = f" (skipped: {r.reason})" if r.record is None else ""
        lines.append(f"  {r.case.name}: body F1 {r.body_f1:.3f}{why}")
    return lines

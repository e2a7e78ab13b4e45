"""Accuracy on a folder of fixture pairs (<case>.html + <case>.json), for zonenews and trafilatura alone."""

from __future__ import annotations

import json
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.settings import Settings

from zonenews.clean.text import match_key, normalize_space
from zonenews.offline import page_from_bytes
from zonenews.stats import RunStats

EXACT_FIELDS = ("title", "published_at", "source", "author", "editor", "category")


@dataclass
class Case:
    html: Path
    expected: dict[str, Any]

    @property
    def name(self) -> str:
        return f"{self.html.parent.name}/{self.html.stem}"


@dataclass
class CaseResult:
    case: Case
    record: dict[str, Any] | None
    fields: dict[str, bool] = field(default_factory=dict)
    body_f1: float = 0.0
    repeated_paragraphs: int = 0
    leaks: list[str] = field(default_factory=list)


def load_cases(folder: Path) -> list[Case]:
    cases = []
    for html in sorted(folder.rglob("*.html")):
        expected = html.with_suffix(".json")
        if expected.exists():
            cases.append(Case(html, json.loads(expected.read_text("utf-8"))))
    return cases


def char_f1(got: str, expected: str) -> float:
    """F1 over the multiset of letters and digits: order-free, whitespace- and punctuation-blind."""
    g, e = Counter(match_key(got)), Counter(match_key(expected))
    if not g and not e:
        return 1.0
    common = sum((g & e).values())
    if not common:
        return 0.0
    precision, recall = common / sum(g.values()), common / sum(e.values())
    return 2 * precision * recall / (precision + recall)


def repeated_paragraphs(body: str) -> int:
    keys = [match_key(p) for p in body.split("\n")]
    long_keys = [k for k in keys if len(k) >= 10]
    return len(long_keys) - len(set(long_keys))


def default_settings() -> Settings:
    from zonenews import settings as settings_module

    settings = Settings()
    settings.setmodule(settings_module)
    settings.set("ZONENEWS_ALLOW_UNDATED", True)
    return settings


class _Collect:
    """A last pipeline stage that keeps the records in memory."""

    records: list[dict[str, Any]]

    def __init__(self) -> None:
        self.records = []


def clean_one(body: bytes, url: str, settings: Settings | None = None) -> dict[str, Any] | None:
    """The record the offline chain makes of one page (no cross-page dedup), or None if skipped."""
    settings = settings or default_settings()
    collected: list[dict[str, Any]] = []
    stats = RunStats()
    page = page_from_bytes(body, url, url=url)
    chain_settings = settings.copy()
    chain_settings.set("ITEM_PIPELINES", {
        "zonenews.pipelines.ExtractPipeline": 100, "zonenews.pipelines.CleanPipeline": 200})
    from scrapy.exceptions import DropItem

    from zonenews.offline import build_pipelines

    current: Any = page
    try:
        for pipeline in build_pipelines(chain_settings, stats):
            current = pipeline.process_item(current)
    except DropItem:
        return None
    collected.append(current)
    return collected[0]


def evaluate_case(case: Case) -> CaseResult:
    record = clean_one(case.html.read_bytes(), case.expected["url"])
    result = CaseResult(case, record)
    if record is None:
        result.fields = dict.fromkeys(EXACT_FIELDS, False)
        return result
    for name in EXACT_FIELDS:
        result.fields[name] = record.get(name) == case.expected.get(name)
    result.fields["attachments"] = sorted(map(json.dumps, record["attachments"])) == sorted(
        map(json.dumps, case.expected.get("attachments", [])))
    result.fields["images"] = sorted(i["url"] for i in record["images"]) == sorted(
        i["url"] for i in case.expected.get("images", []))
    result.body_f1 = char_f1(record["body"], case.expected["body"])
    result.repeated_paragraphs = repeated_paragraphs(record["body"])
    result.leaks = [s for s in case.expected.get("body_must_not_contain", []) if s in record["body"]]
    return result


def trafilatura_result(case: Case) -> dict[str, Any]:
    import trafilatura

    doc = trafilatura.bare_extraction(case.html.read_bytes(), url=case.expected["url"], with_metadata=True)
    doc = doc.as_dict() if doc is not None and hasattr(doc, "as_dict") else (doc or {})
    body = "\n".join(normalize_space(x) for x in (doc.get("text") or "").split("\n") if x.strip())
    return {"title": doc.get("title"), "published_at": doc.get("date"), "body_f1": char_f1(
        body, case.expected["body"])}


def summarize(results: list[CaseResult]) -> dict[str, float]:
    n = len(results) or 1
    summary = {f"{name}_accuracy": sum(r.fields.get(name, False) for r in results) / n
               for name in (*EXACT_FIELDS, "attachments", "images")}
    f1s = sorted(r.body_f1 for r in results) or [0.0]
    summary["body_f1_median"] = statistics.median(f1s)
    summary["body_f1_p10"] = f1s[int(0.1 * (len(f1s) - 1))]
    summary["repeated_paragraphs"] = sum(r.repeated_paragraphs for r in results)
    summary["boilerplate_leaks"] = sum(len(r.leaks) for r in results)
    summary["pages"] = len(results)
    return summary

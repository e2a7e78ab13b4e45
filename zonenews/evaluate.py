"""Accuracy on a folder of fixtures, for zonenews and for trafilatura alone, and the accuracy baseline.

A folder may hold fixture pairs (<case>.html + <case>.json, as tests/fixtures/pages) and saved site
fixtures (<case>.html.gz + .response.json + .expected.json, see zonenews.fixtures); both load as a Case.
"""

from __future__ import annotations

import gzip
import json
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy.settings import Settings

from zonenews.clean.text import match_key, normalize_space
from zonenews.offline import page_from_bytes
from zonenews.stats import RunStats

EXACT_FIELDS = ("title", "published_at", "source", "author", "editor", "category")

# Figures of summarize() where a smaller number is better; for every other figure larger is better
# ("pages" included: shrinking the corpus is a change the baseline has to be told about).
LOWER_IS_BETTER = frozenset({"repeated_paragraphs", "boilerplate_leaks", "pages_without_record"})
BASELINE_TOLERANCE = 1e-6


@dataclass
class Case:
    """One fixture: the page bytes, how they were served, and the expected record."""

    html: Path                       # the page: <case>.html, or a site fixture's <case>.html.gz
    expected: dict[str, Any]
    url: str | None = None           # the final URL (site fixtures); pairs use expected["url"]
    content_type: str | None = None  # the Content-Type header the page was served with
    zone: str | None = None
    profile: str | None = None       # the site profile the fixture was saved with
    kind: str = "pair"               # "pair" or "site"
    expected_path: Path | None = None
    error: str | None = None         # a broken fixture (missing part, bad JSON): why

    @property
    def stem(self) -> str:
        name = self.html.name
        for suffix in (".html.gz", ".html"):
            if name.endswith(suffix):
                return name[: -len(suffix)]
        return self.html.stem

    @property
    def name(self) -> str:
        return f"{self.html.parent.name}/{self.stem}"

    @property
    def page_url(self) -> str:
        return self.url or str(self.expected.get("url") or self.html.resolve().as_uri())

    def page_bytes(self) -> bytes:
        data = self.html.read_bytes()
        return gzip.decompress(data) if self.html.name.endswith(".gz") else data


@dataclass
class CaseResult:
    case: Case
    record: dict[str, Any] | None
    fields: dict[str, bool] = field(default_factory=dict)
    body_f1: float = 0.0
    repeated_paragraphs: int = 0
    leaks: list[str] = field(default_factory=list)


def load_pair(html: Path) -> Case:
    path = html.with_suffix(".json")
    try:
        expected = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        return Case(html, {}, kind="pair", expected_path=path, error=f"cannot read {path.name}: {exc}")
    if not isinstance(expected, dict) or not isinstance(expected.get("url"), str):
        return Case(html, {}, kind="pair", expected_path=path,
                    error=f"{path.name} must be a JSON object with the page's 'url'")
    return Case(html, expected, kind="pair", expected_path=path)


def load_cases(folder: Path) -> list[Case]:
    """Every fixture under folder, pairs and saved site fixtures, in name order (broken ones left out)."""
    from zonenews.fixtures import discover

    return [c for c in discover([folder]) if c.error is None]


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


class Chain:
    """The Extract and Clean stages (zonenews.chain.Chain, no cross-page dedup), built once."""

    def __init__(self, settings: Settings | None = None) -> None:
        from zonenews.chain import Chain as Runner

        self.stats = RunStats()
        self.runner = Runner(settings or default_settings(), self.stats, pipelines={
            "zonenews.pipelines.ExtractPipeline": 100, "zonenews.pipelines.CleanPipeline": 200})

    def run(self, body: bytes, url: str, *, content_type: str | None = None, zone: str | None = None,
            selectors: dict[str, str] | None = None) -> tuple[dict[str, Any] | None, str | None]:
        """(record, None), or (None, the reason the page was skipped)."""
        page = page_from_bytes(body, url, url=url, content_type=content_type, zone=zone)
        if selectors:
            page.meta["selectors"] = dict(selectors)
        outcome = self.runner.process(page)
        return outcome.record, outcome.reason


_CHAIN: Chain | None = None


def default_chain() -> Chain:
    global _CHAIN
    if _CHAIN is None:
        _CHAIN = Chain()
    return _CHAIN


def replay(case: Case, chain: Chain | None = None,
           selectors: dict[str, str] | None = None) -> tuple[dict[str, Any] | None, str | None]:
    """A fixture's page through the chain, served as it was saved (URL, Content-Type, zone)."""
    return (chain or default_chain()).run(case.page_bytes(), case.page_url, content_type=case.content_type,
                                          zone=case.zone, selectors=selectors)


def score(case: Case, record: dict[str, Any] | None) -> CaseResult:
    result = CaseResult(case, record)
    if record is None:
        result.fields = dict.fromkeys((*EXACT_FIELDS, "attachments", "images"), False)
        return result
    for name in EXACT_FIELDS:
        result.fields[name] = record.get(name) == case.expected.get(name)
    result.fields["attachments"] = sorted(map(json.dumps, record["attachments"])) == sorted(
        map(json.dumps, case.expected.get("attachments", [])))
    result.fields["images"] = sorted(i["url"] for i in record["images"]) == sorted(
        i["url"] for i in case.expected.get("images", []))
    result.body_f1 = char_f1(record["body"], case.expected.get("body", ""))
    result.repeated_paragraphs = repeated_paragraphs(record["body"])
    result.leaks = [s for s in case.expected.get("body_must_not_contain", []) if s in record["body"]]
    return result


def evaluate_case(case: Case, chain: Chain | None = None) -> CaseResult:
    return score(case, replay(case, chain)[0])


def trafilatura_result(case: Case) -> dict[str, Any]:
    """trafilatura alone on the same page: title, date, body F1, repeats and leaks in its text."""
    import trafilatura

    doc = trafilatura.bare_extraction(case.page_bytes(), url=case.page_url, with_metadata=True)
    doc = doc.as_dict() if doc is not None and hasattr(doc, "as_dict") else (doc or {})
    body = "\n".join(normalize_space(x) for x in (doc.get("text") or "").split("\n") if x.strip())
    return {"title": doc.get("title"), "published_at": doc.get("date"), "author": doc.get("author"),
            "body": body, "body_f1": char_f1(body, case.expected.get("body", "")),
            "repeated_paragraphs": repeated_paragraphs(body),
            "leaks": [s for s in case.expected.get("body_must_not_contain", []) if s in body]}


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


def summarize_trafilatura(cases: list[Case], results: list[dict[str, Any]]) -> dict[str, float | None]:
    """The summarize() figures for trafilatura's output; None where trafilatura has no such field.

    trafilatura gives dates without a time, so published_at is compared on the date part."""
    n = len(cases) or 1
    pairs = list(zip(cases, results, strict=True))
    summary: dict[str, float | None] = dict.fromkeys(
        f"{name}_accuracy" for name in (*EXACT_FIELDS, "attachments", "images"))
    summary["title_accuracy"] = sum(
        normalize_space(r["title"] or "") == (c.expected.get("title") or "") for c, r in pairs) / n
    summary["published_at_accuracy"] = sum(
        (r["published_at"] or None) == ((c.expected.get("published_at") or "")[:10] or None) for c, r in pairs) / n
    summary["author_accuracy"] = sum((r["author"] or None) == c.expected.get("author") for c, r in pairs) / n
    f1s = sorted(r["body_f1"] for r in results) or [0.0]
    summary["body_f1_median"] = statistics.median(f1s)
    summary["body_f1_p10"] = f1s[int(0.1 * (len(f1s) - 1))]
    summary["repeated_paragraphs"] = sum(r["repeated_paragraphs"] for r in results)
    summary["boilerplate_leaks"] = sum(len(r["leaks"]) for r in results)
    summary["pages"] = len(results)
    return summary


# -- the accuracy baseline (tests/fixtures/accuracy_baseline.json) ------------------------------------

@dataclass
class Change:
    metric: str
    baseline: float
    now: float

    @property
    def worse(self) -> bool:
        if self.metric in LOWER_IS_BETTER:
            return self.now > self.baseline + BASELINE_TOLERANCE
        return self.now < self.baseline - BASELINE_TOLERANCE

    @property
    def better(self) -> bool:
        if self.metric in LOWER_IS_BETTER:
            return self.now < self.baseline - BASELINE_TOLERANCE
        return self.now > self.baseline + BASELINE_TOLERANCE

    def __str__(self) -> str:
        direction = "lower is better" if self.metric in LOWER_IS_BETTER else "higher is better"
        return f"{self.metric}: baseline {self.baseline:g}, now {self.now:g} ({direction})"


def read_baseline(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text("utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("metrics"), dict):
        raise ValueError(f"{path}: not an accuracy baseline (no 'metrics' object)")
    return data


def compare_to_baseline(summary: dict[str, float], metrics: dict[str, float]) -> list[Change]:
    """Every figure of the baseline next to today's (a figure summarize no longer gives counts as 0)."""
    return [Change(name, float(old), float(summary.get(name, 0))) for name, old in metrics.items()]


def regressions(summary: dict[str, float], metrics: dict[str, float]) -> list[Change]:
    return [c for c in compare_to_baseline(summary, metrics) if c.worse]


def updated_baseline(old: dict[str, Any] | None, summary: dict[str, float], corpus: list[str],
                     reason: str | None, today: str | None = None,
                     name: str = "FILE") -> tuple[dict[str, Any], list[Change]]:
    """The baseline file with today's figures, and the figures that changed (each with its old value).

    A history entry records the date, the changes and the reason (required by the caller for a lowering)."""
    today = today or datetime.now(UTC).date().isoformat()
    old_metrics = dict((old or {}).get("metrics", {}))
    changes = [c for c in compare_to_baseline(summary, old_metrics) if c.worse or c.better]
    new_names = [name for name in summary if name not in old_metrics]
    history = list((old or {}).get("history", []))
    if changes or new_names or old is None:
        entry: dict[str, Any] = {"date": today}
        raised = {c.metric: [c.baseline, c.now] for c in changes if c.better}
        lowered = {c.metric: [c.baseline, c.now] for c in changes if c.worse}
        if raised:
            entry["raised"] = raised
        if lowered:
            entry["lowered"] = lowered
        if new_names and old is not None:
            entry["added"] = {name: summary[name] for name in new_names}
        if old is None:
            entry["created"] = True
        if reason:
            entry["reason"] = reason
        history.append(entry)
    data = {
        "about": ("zonenews accuracy on the corpus below (zonenews eval); a pytest test fails "
                  "when a figure is worse. Raise: zonenews eval " + " ".join(corpus) + f" --update-baseline {name}. "
                  "Lower: add --allow-lower --reason '...' (and give the reason in the commit message)."),
        "corpus": corpus,
        "tolerance": BASELINE_TOLERANCE,
        "lower_is_better": sorted(LOWER_IS_BETTER),
        "updated": today,
        "metrics": {name: summary[name] for name in summary},
        "history": history,
    }
    return data, changes

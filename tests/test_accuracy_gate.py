"""The accuracy gate: the evaluation over the fixture corpus must not fall below tests/fixtures/accuracy_baseline.json.

Raise the baseline (one command, when figures improve):
    zonenews eval tests/fixtures/pages --update-baseline tests/fixtures/accuracy_baseline.json
Lower it (recorded in the file's history; give the reason in the commit message too):
    ... --update-baseline tests/fixtures/accuracy_baseline.json --allow-lower --reason "why"
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import FIXTURE_PAGES, ROOT, run_cli
from zonenews.commands.eval import update_baseline
from zonenews.evaluate import (
    BASELINE_TOLERANCE,
    Chain,
    evaluate_case,
    load_cases,
    read_baseline,
    regressions,
    summarize,
)

BASELINE = ROOT / "tests" / "fixtures" / "accuracy_baseline.json"
SMALL_CORPUS = FIXTURE_PAGES / "static_plain"


def corpus_summary(folders: list[Path]) -> dict[str, float]:
    chain = Chain()
    return summarize([evaluate_case(case, chain) for folder in folders for case in load_cases(folder)])


def test_accuracy_is_not_below_the_baseline() -> None:
    baseline = read_baseline(BASELINE)
    summary = corpus_summary([ROOT / folder for folder in baseline["corpus"]])
    worse = regressions(summary, baseline["metrics"])
    assert not worse, (
        f"accuracy fell below {BASELINE.relative_to(ROOT)}:\n  " + "\n  ".join(map(str, worse))
        + "\nFix the regression, or if it is intended: zonenews eval tests/fixtures/pages --update-baseline "
        "tests/fixtures/accuracy_baseline.json --allow-lower --reason \"why\" (and say why in the commit message)")
    assert set(baseline["metrics"]) == set(summary), "the baseline must pin every figure summarize() gives"


REAL_PAGES = ROOT.parent / "shared" / "realpages"
REAL_BASELINE = ROOT / "tests" / "fixtures" / "realpages_baseline.json"


def test_accuracy_on_real_pages_is_not_below_their_baseline() -> None:
    """Real pages nobody here wrote (../shared/realpages, kept outside this repo): every change to
    extract/ or clean/ is judged there. On a machine without them the test says so and skips."""
    import pytest

    from zonenews.testing.gold import evaluate_gold, load_gold, summarize_gold

    if not REAL_PAGES.is_dir():
        pytest.skip(f"no real pages at {REAL_PAGES}: the real-pages accuracy gate runs where they are")
    baseline = read_baseline(REAL_BASELINE)
    summary = summarize_gold(evaluate_gold(load_gold(REAL_PAGES), Chain()))
    worse = regressions(summary, baseline["metrics"])
    assert not worse, (
        f"accuracy on real pages fell below {REAL_BASELINE.relative_to(ROOT)}:\n  " + "\n  ".join(map(str, worse))
        + "\nFix the regression, or if it is intended: zonenews eval ../shared/realpages --update-baseline "
        "tests/fixtures/realpages_baseline.json --allow-lower --reason \"why\"")
    assert summary["pages_without_record"] == 0, "every real article page must come out as a record"
    assert summary["repeated_paragraphs"] == 0


def test_regressions_respect_direction_and_tolerance() -> None:
    base = {"title_accuracy": 0.9, "body_f1_p10": 0.95, "repeated_paragraphs": 2, "pages": 40}
    same = {"title_accuracy": 0.9 - BASELINE_TOLERANCE / 10, "body_f1_p10": 0.95, "repeated_paragraphs": 2,
            "pages": 40}
    assert regressions(same, base) == []
    better = {"title_accuracy": 1.0, "body_f1_p10": 0.99, "repeated_paragraphs": 0, "pages": 41}
    assert regressions(better, base) == []
    worse = {"title_accuracy": 0.89, "body_f1_p10": 0.95, "repeated_paragraphs": 3, "pages": 39}
    assert [c.metric for c in regressions(worse, base)] == ["title_accuracy", "repeated_paragraphs", "pages"]


def _eval(*args: str) -> object:
    return run_cli("eval", str(SMALL_CORPUS), "--no-trafilatura", *args, timeout=60)


def test_update_baseline_raises_freely_and_lowers_only_with_a_reason(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    proc = _eval("--update-baseline", str(baseline), "--json")
    assert proc.returncode == 0, proc.stderr
    printed, _end = json.JSONDecoder().raw_decode(proc.stdout)
    measured = json.loads(baseline.read_text("utf-8"))["metrics"]
    assert printed["zonenews"] == measured and printed["trafilatura"] is None and measured["pages"] == 7

    # raising is one command: a figure below today's is raised without any flag
    data = json.loads(baseline.read_text("utf-8"))
    data["metrics"]["body_f1_p10"] = measured["body_f1_p10"] - 0.1
    baseline.write_text(json.dumps(data), "utf-8")
    proc = _eval("--update-baseline", str(baseline))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(baseline.read_text("utf-8"))
    assert data["metrics"]["body_f1_p10"] == measured["body_f1_p10"]
    assert "body_f1_p10" in data["history"][-1]["raised"]

    # lowering is refused without --allow-lower, and the file stays as it was
    data["metrics"]["body_f1_median"] = 1.5
    data["metrics"]["boilerplate_leaks"] = -1
    baseline.write_text(json.dumps(data), "utf-8")
    before = baseline.read_text("utf-8")
    proc = _eval("--update-baseline", str(baseline))
    assert proc.returncode == 1
    assert "body_f1_median" in proc.stderr and "boilerplate_leaks" in proc.stderr and "--allow-lower" in proc.stderr
    assert baseline.read_text("utf-8") == before

    # ... and accepted with it, the reason recorded
    proc = _eval("--update-baseline", str(baseline), "--allow-lower", "--reason", "new hard fixture pages")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(baseline.read_text("utf-8"))
    assert data["metrics"]["body_f1_median"] == measured["body_f1_median"]
    assert data["history"][-1]["reason"] == "new hard fixture pages"
    assert set(data["history"][-1]["lowered"]) == {"body_f1_median", "boilerplate_leaks"}

    # nothing changed: the file is left alone (the command's own code, in this process)
    before = baseline.read_text("utf-8")
    assert update_baseline(baseline, measured, data["corpus"], False, None) == 0
    assert baseline.read_text("utf-8") == before

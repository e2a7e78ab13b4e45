"""Every saved fixture page through the `zonenews clean` chain, compared field by field.

The expected JSON beside each page was written by reading the page, not by running this code.
"""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURE_PAGES
from zonenews.evaluate import EXACT_FIELDS, Case, evaluate_case, load_cases

CASES = load_cases(FIXTURE_PAGES)
MIN_BODY_F1 = 0.95


def test_corpus_is_broad_enough() -> None:
    families = {c.html.parent.name for c in CASES}
    assert len(CASES) >= 40 and len(families) >= 6, (len(CASES), families)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_fixture_page(case: Case) -> None:
    result = evaluate_case(case)
    assert result.record is not None, "the page was skipped"
    for name in EXACT_FIELDS:
        assert result.record[name] == case.expected[name], name
    assert result.fields["attachments"], (result.record["attachments"], case.expected["attachments"])
    assert result.fields["images"], (result.record["images"], case.expected["images"])
    assert result.body_f1 >= MIN_BODY_F1, (result.record["body"], case.expected["body"])
    assert result.repeated_paragraphs == 0
    assert not result.leaks

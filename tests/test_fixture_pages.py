"""Every fixture through the crawl's chain, compared field by field, one test per fixture (site/case).

- tests/fixtures/pages/<family>/<case>.html + .json: saved pages whose expected JSON was written by reading
  the page, not by running this code (body compared by character F1 >= 0.95, no repeats, no leaks);
- tests/fixtures/sites/<site>/<case>.*: pages saved with `zonenews fixture save` and reviewed by hand,
  replayed with the headers they were served with (compared exactly, crawled_at never);
- every site profile (zonenews/sites/*.toml) has at least one fixture under tests/fixtures/sites/<name>/.

The comparison is zonenews.fixtures.check_case, the very code `zonenews check` runs.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest

import zonenews
from tests.conftest import FIXTURE_PAGES, ROOT
from zonenews.evaluate import Case, Chain, load_cases
from zonenews.fixtures import check_case, check_fixture, discover, format_result, needs_profiles

FIXTURE_SITES = ROOT / "tests" / "fixtures" / "sites"
PROFILES_DIR = Path(zonenews.__file__).resolve().parent / "sites"

CASES = load_cases(FIXTURE_PAGES)
SITE_FIXTURES = discover([FIXTURE_SITES]) if FIXTURE_SITES.is_dir() else []
PROFILE_FILES = sorted(PROFILES_DIR.glob("*.toml"))


@cache
def chain() -> Chain:
    return Chain()


@cache
def profiles() -> dict[str, Any]:
    from zonenews.profiles import load_profiles

    return load_profiles() if needs_profiles(SITE_FIXTURES) else {}


def test_corpus_is_broad_enough() -> None:
    families = {c.html.parent.name for c in CASES}
    assert len(CASES) >= 40 and len(families) >= 6, (len(CASES), families)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_fixture_page(case: Case) -> None:
    result = check_case(case, chain())
    assert result.ok, "\n".join(format_result(result, ROOT))


@pytest.mark.parametrize("case", SITE_FIXTURES, ids=[c.name for c in SITE_FIXTURES])
def test_site_fixture(case: Case) -> None:
    result = check_fixture(case, profiles(), chain())
    assert result.ok, "\n".join(format_result(result, ROOT))


@pytest.mark.parametrize("path", PROFILE_FILES, ids=[p.stem for p in PROFILE_FILES])
def test_site_profile_has_a_fixture(path: Path) -> None:
    from zonenews.profiles import parse_profile

    profile = parse_profile(path)
    folder = FIXTURE_SITES / profile.name
    saved = [c for c in discover([folder]) if c.kind == "site"] if folder.is_dir() else []
    assert saved, (
        f"site profile {profile.name!r} ({path.name}) has no fixture under {folder.relative_to(ROOT)}/: save one "
        f"with 'zonenews fixture save --profile {profile.name} URL' (or --from-file PAGE --url URL), review "
        "its .expected.json by hand and commit the three files")

"""Shared test fixtures: real servers on 127.0.0.1 and the real command line in subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.redis_server import redis_server  # noqa: F401 - the session's real redis-server, a fixture
from zonenews.demo import serve_demo_site
from zonenews.devserver import StaticSite
from zonenews.schema import record_schema

ROOT = Path(__file__).resolve().parents[1]
FIXTURE_PAGES = ROOT / "tests" / "fixtures" / "pages"


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 180, env: dict[str, str] | None = None,
            module: str = "zonenews") -> subprocess.CompletedProcess[str]:
    """Run `python -m zonenews ARGS` (a Twisted reactor cannot restart, so every crawl gets a process)."""
    # No run state unless a test asks for one: crawls must not leave data/state behind in the repo.
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", "ZONENEWS_STATE": "", **(env or {})}
    return subprocess.run([sys.executable, "-m", module, *args], cwd=cwd or ROOT, capture_output=True,
                          text=True, timeout=timeout, env=full_env)


_VALIDATOR = jsonschema.Draft202012Validator(record_schema())


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """The lines of a JSONL output; every article record among them must match the published schema."""
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    for row in rows:
        if "content_hash" in row:
            _VALIDATOR.validate(row)
            assert list(row) == list(record_schema()["properties"]), "keys in the documented order"
    return rows


@pytest.fixture(scope="session")
def demo_site() -> Iterator[StaticSite]:
    with serve_demo_site() as site:
        yield site


@pytest.fixture(scope="session")
def demo_crawl(tmp_path_factory: pytest.TempPathFactory, demo_site: StaticSite) -> dict[str, Any]:
    """One real crawl of the demo site over HTTP, shared by the tests that read its output."""
    out = tmp_path_factory.mktemp("demo") / "demo.jsonl"
    proc = run_cli("crawl", demo_site.base_url + "/", "-O", str(out), "-q", "-s", "AUTOTHROTTLE_ENABLED=0",
                   "-s", "DOWNLOAD_DELAY=0", "--zone", "成都高新技术产业开发区")
    assert proc.returncode == 0, proc.stderr[-3000:]
    return {"out": out, "records": read_jsonl(out), "proc": proc, "requests": list(demo_site.requests)}

"""Interruptions (issue #6): a kill at any moment leaves only whole JSON Lines records, and a
rerun that appends (-o) neither loses nor repeats one; SIGINT/SIGTERM stop a crawl the Scrapy
way, with every counted record flushed.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT
from zonenews.devserver import StaticSite

COLUMNS, PER_COLUMN = 10, 30  # 300 articles
KILLS = 5
FAST = ("-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0", "-s", "LOG_LEVEL=WARNING")
_CHARS = ("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定"
          "行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些")


def _article(title: str, seed: str) -> str:
    rnd = random.Random(seed)
    body = "".join(f"<p>{''.join(rnd.choice(_CHARS) for _ in range(rnd.randrange(60, 120)))}。</p>" for _ in range(4))
    return (f'<html><head><meta charset="utf-8"><title>{title}_高新区</title></head><body>'
            f'<div class="nav"><a href="/">首页</a></div><h1>{title}</h1><div class="info">发布时间：2023-05-06</div>'
            f'<div class="content">{body}</div></body></html>')


def build_site(root: Path) -> set[str]:
    """A home page, COLUMNS list pages and COLUMNS * PER_COLUMN articles; returns the article paths."""
    articles: set[str] = set()
    columns = []
    for c in range(COLUMNS):
        links = []
        for i in range(PER_COLUMN):
            path = f"/col{c}/2023/0506/{c * 1000 + i}.html"
            file = root / path.lstrip("/")
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text(_article(f"高新区第{c}栏目第{i}篇新闻", path), "utf-8")
            links.append(f'<li><a href="{path}">高新区第{c}栏目第{i}篇新闻</a></li>')
            articles.add(path)
        (root / f"col{c}").mkdir(exist_ok=True)
        (root / f"col{c}" / "index.html").write_text(
            f"<html><head><title>栏目{c}</title></head><body><ul>{''.join(links)}</ul></body></html>", "utf-8")
        columns.append(f'<a href="/col{c}/">新闻栏目{c}</a>')
    (root / "index.html").write_text(f"<html><head><title>高新区</title></head><body>{''.join(columns)}</body></html>",
                                     "utf-8")
    return articles


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[StaticSite, set[str]]]:
    root = tmp_path_factory.mktemp("killsite")
    articles = build_site(root)
    with StaticSite(root) as served:
        yield served, articles


def start_crawl(url: str, out: Path, cwd: Path, *extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "zonenews", "crawl", url, "-o", str(out), *FAST, *extra],
                            cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def line_count(path: Path) -> int:
    try:
        with path.open("rb") as fh:
            return sum(1 for _ in fh)
    except FileNotFoundError:
        return 0


def wait_for_lines(proc: subprocess.Popen[str], out: Path, at_least: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while line_count(out) < at_least and proc.poll() is None:
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"no {at_least} records within {timeout}s")
        time.sleep(0.005)


def whole_records(path: Path) -> list[dict]:
    """Every line of path parsed; fails on a partial or invalid line."""
    data = path.read_bytes() if path.exists() else b""
    assert not data or data.endswith(b"\n"), f"partial last line: {data[-200:]!r}"
    records = []
    for n, line in enumerate(data.split(b"\n")[:-1], 1):
        try:
            records.append(json.loads(line))
        except ValueError:
            pytest.fail(f"line {n} is not a whole record: {line[:200]!r}")
    return records


def test_sigkill_at_random_moments_loses_and_repeats_nothing(site: tuple[StaticSite, set[str]],
                                                             tmp_path: Path) -> None:
    served, articles = site
    out, state = tmp_path / "out.jsonl", tmp_path / "state.sqlite"
    rnd = random.Random(6)
    written = 0
    for kill in range(KILLS):
        proc = start_crawl(served.base_url + "/", out, tmp_path, "-s", f"ZONENEWS_STATE={state}")
        wait_for_lines(proc, out, written + rnd.randrange(1, 25))  # well inside the crawl
        time.sleep(rnd.random() * 0.05)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
        records = whole_records(out)
        assert len(records) >= written, "a kill never takes back what was written"
        written = len(records)
        assert written < len(articles), f"kill {kill + 1} came too late: the crawl had finished"
    proc = start_crawl(served.base_url + "/", out, tmp_path, "-s", f"ZONENEWS_STATE={state}",
                       "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8")  # the rest, quickly
    _stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr[-3000:]
    records = whole_records(out)
    urls = [r["url"].removeprefix(served.base_url) for r in records]
    assert set(urls) == articles, f"lost: {sorted(articles - set(urls))[:10]}"
    repeated = sorted({u for u in urls if urls.count(u) > 1})
    assert not repeated, f"written twice: {repeated[:10]}"


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_sigint_and_sigterm_stop_gracefully_and_flush(signum: int, site: tuple[StaticSite, set[str]],
                                                      tmp_path: Path) -> None:
    served, articles = site
    out = tmp_path / "out.jsonl"
    proc = start_crawl(served.base_url + "/", out, tmp_path, "-s", "ZONENEWS_STATE=",
                       "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1")
    wait_for_lines(proc, out, 10)
    proc.send_signal(signum)
    started = time.monotonic()
    _stdout, stderr = proc.communicate(timeout=60)
    assert time.monotonic() - started < 30, "a graceful stop does not wait for the whole crawl"
    assert "Traceback" not in stderr, stderr[-3000:]
    assert proc.returncode == 130, "a stopped run does not look like a finished one to a scheduler"
    assert "run the same command again" in stderr
    records = whole_records(out)
    assert 10 <= len(records) < len(articles), "stopped early, not at the end of the crawl"
    m = re.search(r"^articles written:\s+(\d+)$", stderr, re.M)
    assert m, f"no run summary after the signal: {stderr[-2000:]}"
    assert int(m.group(1)) == len(records), "every record counted as written is in the file"
    summary = tmp_path / "out.jsonl.summary"
    if summary.exists():  # the run summary extension writes one beside the output
        assert json.loads(summary.read_text("utf-8"))["finish_reason"] == "shutdown"


def test_a_killed_writer_never_leaves_half_a_line_for_the_next_run(tmp_path: Path) -> None:
    """Big records (many pages each) written in a loop, killed at random; reopening for append
    cuts a partial last line, so the next run starts on a line boundary."""
    out = tmp_path / "w.jsonl"
    script = ("import sys\nfrom zonenews.export import JsonLinesWriter\nw = JsonLinesWriter(sys.argv[1])\n"
              "i = 0\nwhile True:\n    w.write({'i': i, 'body': '高新区' * 100_000})\n    i += 1\n")
    rnd = random.Random(7)
    for _ in range(5):
        proc = subprocess.Popen([sys.executable, "-c", script, str(out)], cwd=ROOT)
        deadline = time.monotonic() + 30
        while (out.stat().st_size if out.exists() else 0) < rnd.randrange(1, 20) * 300_000:
            assert time.monotonic() < deadline and proc.poll() is None
            time.sleep(0.001)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        from zonenews.export import JsonLinesWriter

        JsonLinesWriter(str(out)).close()  # what the next appending run does first
        records = whole_records(out)
        assert [r["i"] for r in records] == list(range(len(records)))
        out.unlink()

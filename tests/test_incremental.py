"""Scheduled, incremental runs: a state remembers what earlier runs emitted."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from w3lib.url import canonicalize_url

from tests.conftest import ROOT, read_jsonl, run_cli
from tests.fixtureweb import build_fixture_web
from zonenews.dedup.state import StateStore
from zonenews.devserver import SiteGroup, StaticSite

FAST = ("-q", "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0")
PARAGRAPH = "{name}园区今年以来持续优化营商环境，第{n}批重点项目顺利推进，{n}家企业新入驻，带动就业岗位{n}00余个。"


def write_article(site: Path, n: int) -> None:
    body = "".join(f"<p>{PARAGRAPH.format(name=name, n=n)}</p>" for name in ("东区", "西区", "南区", "北区"))
    (site / f"a{n}.html").write_text(
        f"<html><head><title>第{n}号新闻_示例高新区</title></head><body><div class='nav'><a href='index.html'>首页</a>"
        f"</div><h1>第{n}号新闻</h1><div class='info'>发布时间：2021-03-{n:02d} 来源：示例高新区</div>"
        f"<div class='content'>{body}</div></body></html>", "utf-8")


def write_index(site: Path, count: int) -> None:
    links = "".join(f"<li><a href='a{n}.html'>第{n}号新闻</a></li>" for n in range(1, count + 1))
    (site / "index.html").write_text(f"<html><body><ul>{links}</ul></body></html>", "utf-8")


def test_second_run_fetches_no_article_and_emits_only_new_ones(tmp_path: Path) -> None:
    site, state = tmp_path / "site", tmp_path / "state.sqlite"
    site.mkdir()
    for n in range(1, 6):
        write_article(site, n)
    write_index(site, 5)
    with StaticSite(site) as server:
        first = tmp_path / "run1.jsonl"
        assert run_cli("crawl", server.base_url + "/", "--state", str(state), "-O", str(first), *FAST).returncode == 0
        assert len(read_jsonl(first)) == 5
        server.clear_requests()
        second = tmp_path / "run2.jsonl"
        proc = run_cli("crawl", server.base_url + "/", "--state", str(state), "-O", str(second), *FAST)
        assert proc.returncode == 0
        assert read_jsonl(second) == []
        assert not [r for r in server.requests if r.startswith("/a")], "no article page fetched again"
        assert "nothing new: 5 article pages were already known" in proc.stderr and str(state) in proc.stderr
        for n in (6, 7):
            write_article(site, n)
        write_index(site, 7)
        third = tmp_path / "run3.jsonl"
        assert run_cli("crawl", server.base_url + "/", "--state", str(state), "-O", str(third), *FAST).returncode == 0
        assert sorted(r["url"].rsplit("/", 1)[1] for r in read_jsonl(third)) == ["a6.html", "a7.html"]
        full = tmp_path / "full.jsonl"
        proc = run_cli("crawl", server.base_url + "/", "--state", str(state), "--full", "-O", str(full), *FAST)
        assert proc.returncode == 0 and len(read_jsonl(full)) == 7


def test_a_busy_state_is_refused_with_a_message(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite"
    store = StateStore.open(state)
    try:
        proc = run_cli("crawl", "http://127.0.0.1:9/", "--state", str(state), "-O", str(tmp_path / "o.jsonl"))
    finally:
        store.close()
    assert proc.returncode == 75, "a busy state is not a bad argument (2): a scheduler retries it later"
    assert "in use" in proc.stderr and "Traceback" not in proc.stderr


def test_republished_article_from_an_earlier_run_is_a_duplicate(tmp_path: Path) -> None:
    build_fixture_web(tmp_path / "web")
    manifest = json.loads((tmp_path / "web" / "manifest.json").read_text("utf-8"))
    state = tmp_path / "state.sqlite"
    outputs = []
    with SiteGroup(tmp_path / "web") as group:
        for n, name in enumerate(manifest["sites"]):  # one site per run, as a schedule would
            out = tmp_path / f"run{n}.jsonl"
            start = group.url(name, manifest["sites"][name]["start"])
            assert run_cli("crawl", start, "--state", str(state), "-O", str(out), *FAST).returncode == 0
            outputs.append(out)
        bodies = [r["content_hash"] for out in outputs for r in read_jsonl(out)]
        urls = [r["url"] for out in outputs for r in read_jsonl(out)]
        republished = [[canonicalize_url(group.url(m["site"], m["path"])) for m in members]
                       for members in manifest["republished"]]
    assert len(urls) == len(set(urls))
    assert len(bodies) == len(set(bodies))
    for members in republished:
        assert len([u for u in members if u in set(urls)]) == 1, members


def test_killed_crawl_rerun_loses_and_repeats_nothing(tmp_path: Path) -> None:
    build_fixture_web(tmp_path / "web")
    state, out = tmp_path / "state.sqlite", tmp_path / "out.jsonl"
    with SiteGroup(tmp_path / "web") as group:
        manifest = json.loads((tmp_path / "web" / "manifest.json").read_text("utf-8"))
        starts = [group.url(name, site["start"]) for name, site in manifest["sites"].items()]
        command = [sys.executable, "-m", "zonenews", "crawl", *starts, "--state", str(state), "-o", str(out),
                   "-q", "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0.01",
                   "-s", "CONCURRENT_REQUESTS=2"]
        env = {**os.environ, "ZONENEWS_STATE": ""}
        for kill_after in (15, 45):
            proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and proc.poll() is None:
                if out.exists() and out.read_bytes().count(b"\n") >= kill_after:
                    proc.send_signal(signal.SIGKILL)
                    break
                time.sleep(0.02)
            proc.wait(timeout=30)
        final = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert final.returncode == 0, final.stderr[-2000:]
        reference = tmp_path / "reference.jsonl"
        assert run_cli("crawl", *starts, "-O", str(reference), *FAST).returncode == 0
    lines = out.read_text("utf-8").splitlines()
    records = [json.loads(line) for line in lines]  # every line is a whole record
    urls = [r["url"] for r in records]
    assert len(urls) == len(set(urls)), {u for u in urls if urls.count(u) > 1}
    assert len({r["content_hash"] for r in records}) == len(records)
    assert len(records) == len(read_jsonl(reference)), "no record lost"

"""Distributed crawling on a real Redis (zonenews.distributed, zonenews.dedup.redis_index).

A real redis-server on 127.0.0.1 (tests/redis_server.py) and the five-site fixture web on
127.0.0.2-6; every crawl is a real `python -m zonenews crawl` process. The reference is a
single-process crawl of the same web: the workers' parts together must hold the same articles,
each exactly once, also when a worker is killed mid-crawl.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from w3lib.url import canonicalize_url

from tests.conftest import ROOT, run_cli
from tests.fixtureweb import build_fixture_web
from tests.redis_server import RedisServer
from zonenews.clean.text import match_key
from zonenews.dedup.index import SHORT_BODY, DuplicateIndex
from zonenews.dedup.redis_index import RedisDuplicateIndex
from zonenews.devserver import SiteGroup

FAST = ["-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0", "-s", "LOG_LEVEL=WARNING",
        "-s", "ZONENEWS_STATE="]
# Workers give up 1 s after the shared frontier empties; a killed one is declared dead after 2 s.
WORKER = ["--idle-exit", "1", "-s", "ZONENEWS_REDIS_WORKER_TTL=2"]


def zonenews(*args: str, stderr: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("ZONENEWS_REDIS_URL", None)
    with stderr.open("wb") as err:
        return subprocess.Popen([sys.executable, "-m", "zonenews", *args], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=err)


def finish(proc: subprocess.Popen[bytes], stderr: Path, timeout: float = 60) -> str:
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise AssertionError(f"worker did not exit: {stderr.read_text('utf-8', 'replace')[-3000:]}") from None
    text = stderr.read_text("utf-8", "replace")
    assert proc.returncode == 0, text[-3000:]
    return text


def records_of(*paths: Path) -> list[dict[str, Any]]:
    """Every record of the parts (a killed worker's part may end with a torn line: skipped)."""
    out = []
    for path in paths:
        if path.exists():
            # A worker may be mid-write: a torn last line (even a torn character) is skipped.
            for line in path.read_bytes().decode("utf-8", "replace").splitlines():
                with contextlib.suppress(ValueError):
                    out.append(json.loads(line))
    return out


def pages_fetched(stderr: str) -> int:
    m = re.search(r"pages fetched:\s+(\d+)", stderr)
    return int(m.group(1)) if m else 0


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    root = tmp_path_factory.mktemp("distweb")
    build_fixture_web(root / "web")
    manifest = json.loads((root / "web" / "manifest.json").read_text("utf-8"))
    with SiteGroup(root / "web") as group:
        host_site = {urlsplit(site.base_url).netloc: name for name, site in group.sites.items()}

        def key(url: str) -> tuple[str, str]:
            parts = urlsplit(canonicalize_url(url))
            return host_site.get(parts.netloc, parts.netloc), parts.path + (f"?{parts.query}" if parts.query else "")

        # An article's story: republished copies are one story (which copy is kept may differ).
        story = {key(group.url(a["site"], a["path"])): key(group.url(a["site"], a["path"]))
                 for a in manifest["articles"]}
        for i, members in enumerate(manifest["republished"]):
            for m in members:
                story[key(group.url(m["site"], m["path"]))] = ("republished", str(i))
        starts = [group.url(name, site["start"]) for name, site in manifest["sites"].items()]
        disallowed = {key(group.url(d["site"], d["path"])) for d in manifest["disallowed"]}
        yield {"root": root, "group": group, "starts": starts, "key": key, "story": story,
               "disallowed": disallowed}


@pytest.fixture(scope="module")
def single(web: dict[str, Any]) -> dict[str, Any]:
    """The reference: one process, no Redis."""
    group: SiteGroup = web["group"]
    for site in group.sites.values():
        site.clear_requests()
    out = web["root"] / "single.jsonl"
    err = web["root"] / "single.log"
    finish(zonenews("crawl", *web["starts"], "-O", str(out), *FAST, stderr=err), err, timeout=120)
    return {"records": records_of(out), "requests": group.all_requests()}


def stories(web: dict[str, Any], records: list[dict[str, Any]]) -> Counter:
    return Counter(web["story"].get(web["key"](r["url"]), web["key"](r["url"])) for r in records)


def assert_same_articles_once(web: dict[str, Any], single: dict[str, Any], records: list[dict[str, Any]]) -> None:
    urls = Counter(r["url"] for r in records)
    assert not [u for u, n in urls.items() if n > 1], "a page emitted twice across the parts"
    bodies = Counter(r["content_hash"] for r in records)
    assert not [h for h, n in bodies.items() if n > 1], "a body emitted twice across the parts"
    got, want = stories(web, records), stories(web, single["records"])
    assert not [s for s, n in got.items() if n > 1], "a republished story emitted twice"
    assert set(want) - set(got) == set(), "articles missing against the single-process crawl"
    assert set(got) - set(want) == set(), "articles the single-process crawl does not emit"
    assert len(records) == len(single["records"])


def assert_redis_left_clean(client: Any) -> None:
    assert client.hlen("zone:workers") == 0, "every worker unregistered"
    assert not client.keys("zone:inflight:*"), "no leased request left"
    assert client.zcard("zone:requests") == 0 and client.llen("zone:start_urls") == 0
    assert client.scard("zone:dupefilter") > 100 and client.hlen("zone:dedup:exact") > 100  # persisted


# -- crawls -----------------------------------------------------------------------------------

def test_two_workers_share_one_crawl(web: dict[str, Any], single: dict[str, Any], redis_server: RedisServer,
                                     tmp_path: Path) -> None:
    """Two workers started at once with the same command: one frontier, each article once."""
    client = redis_server.client(db=1)
    client.flushdb()
    group: SiteGroup = web["group"]
    for site in group.sites.values():
        site.clear_requests()
    parts = [tmp_path / "part1.jsonl", tmp_path / "part2.jsonl"]
    logs = [tmp_path / "w1.log", tmp_path / "w2.log"]
    procs = [zonenews("crawl", *web["starts"], "--redis", redis_server.url(db=1), "-o", str(part), *FAST, *WORKER,
                      stderr=log) for part, log in zip(parts, logs, strict=True)]
    errs = [finish(proc, log) for proc, log in zip(procs, logs, strict=True)]

    assert all(pages_fetched(err) > 0 for err in errs), "both workers fetched pages"
    assert all(records_of(part) for part in parts), "both workers wrote records"
    assert_same_articles_once(web, single, records_of(*parts))
    # One frontier: no page fetched more often than by the single process (robots.txt: once a worker).
    got, want = (Counter(p for reqs in requests.values() for p in reqs if p != "/robots.txt")
                 for requests in (group.all_requests(), single["requests"]))
    assert set(got) == set(want)
    assert not [p for p, n in got.items() if n > want[p]], "a page fetched by both workers"
    assert client.scard("zone:seeded") == len(web["starts"]), "start URLs seeded once"
    assert_redis_left_clean(client)


WORKER_WITHOUT_URLS = """
import sys
from scrapy.crawler import CrawlerProcess
from zonenews.commands import project_settings
from zonenews.distributed.options import spider_class, use_redis
redis_url, output = sys.argv[1], sys.argv[2]
settings = project_settings(sys.argv[3:])
settings.set("ZONENEWS_OUTPUT", output, priority="cmdline")
use_redis(settings, redis_url, idle_exit=1.0)
process = CrawlerProcess(settings)
process.crawl(spider_class(settings), start_urls=[])
process.start()
"""


def test_seed_only_then_workers_without_urls(web: dict[str, Any], single: dict[str, Any],
                                             redis_server: RedisServer, tmp_path: Path) -> None:
    """--seed-only queues the start URLs on zone:start_urls; workers given no URL take them from there."""
    client = redis_server.client(db=2)
    client.flushdb()
    url = redis_server.url(db=2)
    log = tmp_path / "seed.log"
    err = finish(zonenews("crawl", *web["starts"], "--redis", url, "--seed-only", "--zone", "测试区", *FAST,
                          stderr=log), log)
    assert "queued 5 start URLs" in err
    assert client.llen("zone:start_urls") == 5 and client.zcard("zone:requests") == 0
    sets = ["AUTOTHROTTLE_ENABLED=0", "DOWNLOAD_DELAY=0", "LOG_LEVEL=WARNING", "ZONENEWS_STATE=",
            "ZONENEWS_REDIS_WORKER_TTL=2"]
    parts = [tmp_path / "part1.jsonl", tmp_path / "part2.jsonl"]
    logs = [tmp_path / "w1.log", tmp_path / "w2.log"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    procs = []
    for part, wlog in zip(parts, logs, strict=True):
        with wlog.open("wb") as fh:
            procs.append(subprocess.Popen([sys.executable, "-c", WORKER_WITHOUT_URLS, url, str(part), *sets],
                                          cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=fh))
    for proc, wlog in zip(procs, logs, strict=True):
        finish(proc, wlog)
    records = records_of(*parts)
    assert_same_articles_once(web, single, records)
    assert {r["zone"] for r in records} == {"测试区"}, "the seed's zone travels with its requests"
    assert_redis_left_clean(client)


def test_killed_worker_loses_no_article(web: dict[str, Any], single: dict[str, Any], redis_server: RedisServer,
                                        tmp_path: Path) -> None:
    """SIGKILL a worker with requests in flight: a second worker re-queues them once the dead one's
    heartbeat expires, and the parts still hold every article, once (docs/distributed.md says when
    one record may be written twice)."""
    client = redis_server.client(db=3)
    client.flushdb()
    url = redis_server.url(db=3)
    group: SiteGroup = web["group"]
    for site in group.sites.values():
        site.clear_requests()
    part1, part2 = tmp_path / "part1.jsonl", tmp_path / "part2.jsonl"
    log1, log2 = tmp_path / "w1.log", tmp_path / "w2.log"
    w1 = zonenews("crawl", *web["starts"], "--redis", url, "-o", str(part1), *FAST, *WORKER, stderr=log1)
    def leased() -> list[str]:  # the requests a worker has popped and not finished
        return [json.loads(v.split(b":", 1)[1])["url"]
                for worker in client.hkeys("zone:workers") for v in client.hvals(b"zone:inflight:" + worker)]

    deadline = time.monotonic() + 60
    while w1.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
        if len(records_of(part1)) >= 15 and len(leased()) >= 3:
            os.kill(w1.pid, signal.SIGKILL)
            break
    w1.wait(timeout=30)
    held = leased()  # read after the kill: what the dead worker still holds
    assert held and w1.returncode == -signal.SIGKILL, "killed mid-crawl with requests in flight"
    assert client.zcard("zone:requests") > 0, "the crawl was not over"
    before = group.all_requests()

    err2 = finish(zonenews("crawl", *web["starts"], "--redis", url, "-o", str(part2), *FAST, *WORKER,
                           stderr=log2), log2)
    assert re.search(r"stopped without heartbeat: re-queued its \d+ in-flight requests", err2), err2[-2000:]
    records = records_of(part1, part2)
    # The one documented exception to exactly-once: a record written in the instant between its
    # write and its page's lease release is written again by the worker that refetches the page.
    twice = {u for u, n in Counter(r["url"] for r in records).items() if n > 1}
    assert twice <= set(held) and len(twice) <= 1, twice
    records = list({r["url"]: r for r in records}.values())
    assert_same_articles_once(web, single, records)
    # Every request the dead worker held was fetched again by the second worker (robots.txt allowing).
    after = {web["key"](group.url(site, path)) for site, reqs in group.all_requests().items()
             for path in reqs[len(before[site]):]}
    assert {web["key"](u) for u in held} - web["disallowed"] <= after
    assert_redis_left_clean(client)


# -- the request queue: JSON, never pickle ----------------------------------------------------

class WritesFile:
    """A pickle whose loading writes a file: what an attacker with write access to Redis would plant."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[Any, ...]:
        return (Path.write_text, (self.path, "code ran"))


def test_queued_request_round_trips_as_json() -> None:
    from scrapy import Request
    from scrapy.utils.request import request_from_dict

    from zonenews.distributed import serializer
    from zonenews.spiders.zone import ZoneSpider

    spider = ZoneSpider(start_url="http://a.example/")
    request = Request("http://a.example/新闻?id=1", callback=spider.parse, errback=spider.failed, method="POST",
                      headers={"Referer": "http://a.example/", "X-Bytes": b"\xff\x00"}, body=b"\x00\xff\x80body",
                      cookies={"k": "v"}, priority=10, dont_filter=True, flags=["f"], cb_kwargs={"n": 1},
                      meta={"hops": 2, "list_hops": 1, "is_list": True, "zonenews_zone": "西岭高新区",
                            "redirect_urls": ["http://a.example/old"], "download_timeout": 30.5})
    data = serializer.dumps(request.to_dict(spider=spider))
    entry = json.loads(data)  # plain JSON, readable with redis-cli
    assert entry["url"] == request.url and entry["meta"]["zonenews_zone"] == "西岭高新区"
    assert entry["callback"] == "parse" and entry["headers"]["Referer"] == ["http://a.example/"]
    again = request_from_dict(serializer.loads(data), spider=spider)
    assert again.to_dict(spider=spider) == request.to_dict(spider=spider)
    assert again.body == b"\x00\xff\x80body" and again.headers.getlist("X-Bytes") == [b"\xff\x00"]
    with pytest.raises(TypeError, match="JSON cannot carry"):
        serializer.dumps(Request("http://a.example/", meta={"x": object()}).to_dict())


def test_planted_pickle_is_refused_and_the_worker_goes_on(web: dict[str, Any], single: dict[str, Any],
                                                          redis_server: RedisServer, tmp_path: Path) -> None:
    """Whoever can write to the Redis queue cannot run code on a worker: a planted pickle (and JSON that
    names a class or a callback of its choosing) is dropped, logged and counted; the crawl is complete."""
    import pickle

    control, target = tmp_path / "control-ran", tmp_path / "worker-ran"
    pickle.loads(pickle.dumps(WritesFile(control)))  # the payload is live: loading it runs code
    assert control.read_text() == "code ran"
    client = redis_server.client(db=6)
    client.flushdb()
    request = {"url": web["starts"][0], "callback": "parse", "errback": None, "headers": {}, "body": "",
               "meta": {"hops": 0, "list_hops": 0}, "method": "GET"}
    planted = [pickle.dumps(WritesFile(target)), b"\x00not json at all",
               json.dumps({**request, "_class": "subprocess.Popen"}), json.dumps({**request, "callback": "close"})]
    client.zadd("zone:requests", {entry: -1000 + i for i, entry in enumerate(planted)})  # popped first
    part, log = tmp_path / "part.jsonl", tmp_path / "w.log"
    err = finish(zonenews("crawl", *web["starts"], "--redis", redis_server.url(db=6), "-o", str(part), *FAST,
                          *WORKER, stderr=log), log)

    assert not target.exists(), "the worker loaded the planted pickle"
    refused = re.findall(r"refused an entry of zone:requests that is not a JSON request of this crawl \((.*?)\)", err)
    assert len(refused) == 4 and "request class 'subprocess.Popen'" in refused and "callback 'close'" in refused
    assert_same_articles_once(web, single, records_of(part))
    assert not set(client.zrange("zone:requests", 0, -1)) & {p if isinstance(p, bytes) else p.encode() for p in planted}
    assert_redis_left_clean(client)


# -- the command layer ------------------------------------------------------------------------

IMPORTED_REDIS_MODULES = "import sys, {modules}; print(sorted(m for m in sys.modules if m.startswith('scrapy_redis')))"


def test_importing_the_cli_does_not_import_scrapy_redis() -> None:
    """Every command imports the CLI; only a distributed crawl's components import scrapy-redis."""
    cli = ["zonenews.cli", "zonenews.distributed", "zonenews.distributed.options",
           *(f"zonenews.commands.{name}" for name in ("crawl", "clean", "demo", "sites", "eval", "fixture", "check"))]
    for modules, want_imported in ((cli, False), ([*cli, "zonenews.distributed.spider"], True)):
        proc = subprocess.run([sys.executable, "-c", IMPORTED_REDIS_MODULES.format(modules=", ".join(modules))],
                              cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, proc.stderr
        assert (proc.stdout.strip() != "[]") is want_imported, (modules, proc.stdout)


def test_the_package_leaves_messages_and_exits_to_the_command_layer() -> None:
    import ast

    found = []
    for path in sorted((ROOT / "zonenews" / "distributed").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("zonenews.commands"):
                found.append(f"{path.name}:{node.lineno} imports {node.module}")
            elif isinstance(node, ast.Name) and node.id in {"print", "SystemExit", "exit"}:
                found.append(f"{path.name}:{node.lineno} {node.id}")
    assert not found, found


@pytest.mark.parametrize("args, words", [
    (("http://a.example/", "--seed-only"), "--seed-only needs --redis URL"),
    (("http://a.example/", "--redis-prefix", "p"), "--redis-prefix needs --redis URL"),
    (("http://a.example/", "--redis", "http://127.0.0.1:6379/0"), "not a Redis URL: 'http://127.0.0.1:6379/0'"),
    (("http://a.example/", "--redis", "{redis}", "--redis-prefix", "a b"), "bad Redis key prefix 'a b'"),
    (("http://a.example/", "--redis", "{redis}", "--idle-exit", "-1"), "--idle-exit must be 0 or more"),
    (("--redis", "redis://127.0.0.1:1/0"), "cannot reach Redis at redis://127.0.0.1:1/0"),
    (("--redis", "{redis}", "--seed-only"), "--seed-only needs at least one start URL"),
])
def test_bad_redis_options_get_one_line_and_status_2(args: tuple[str, ...], words: str, redis_server: RedisServer,
                                                     tmp_path: Path) -> None:
    args = tuple(a.replace("{redis}", redis_server.url(db=5)) for a in args)
    proc = run_cli("crawl", *args, "-o", str(tmp_path / "out.jsonl"))
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2 and len(lines) == 1, proc.stderr
    assert lines[0].startswith("zonenews: error: ") and words in lines[0], lines


def test_reset_is_refused_while_a_worker_lives_then_done(redis_server: RedisServer, tmp_path: Path) -> None:
    client = redis_server.client(db=5)
    client.flushdb()
    client.sadd("zone:dupefilter", "f1", "f2")
    client.sadd("zone:seeded", "http://a.example/")
    client.hset("zone:workers", "elsewhere:1:abc", "{}")
    client.set("zone:worker:elsewhere:1:abc", 1, px=60_000)  # its heartbeat: alive
    seed = ("crawl", "http://a.example/", "--redis", redis_server.url(db=5), "--redis-reset", "--seed-only")
    proc = run_cli(*seed)
    assert proc.returncode == 2 and proc.stderr.strip().splitlines() == [
        "zonenews: error: refusing to reset crawl 'zone': 1 workers still running (elsewhere:1:abc)"]
    assert client.scard("zone:dupefilter") == 2 and client.llen("zone:start_urls") == 0, "nothing touched"

    client.delete("zone:worker:elsewhere:1:abc")  # the worker died: its registry entry is stale
    proc = run_cli(*seed)
    assert proc.returncode == 0, proc.stderr
    assert "reset crawl 'zone': 3 keys deleted" in proc.stderr and "queued 1 start URLs on zone:start_urls" in proc.stderr
    assert not client.exists("zone:dupefilter", "zone:seeded", "zone:workers")
    assert [json.loads(v)["url"] for v in client.lrange("zone:start_urls", 0, -1)] == ["http://a.example/"]


# -- the Redis duplicate index ----------------------------------------------------------------

BODY = ("3月15日，西岭高新区举行2024年一季度重大项目集中开工仪式，共有32个项目集中开工，总投资达186.5亿元。"
        "本次开工项目涵盖新一代信息技术、生物医药、高端装备制造等主导产业，其中10亿元以上项目8个。"
        "西岭高新区管委会主任在致辞中表示，将持续优化营商环境，全力做好要素保障，推动项目早建成、早投产、早见效。"
        "据介绍，今年以来，西岭高新区坚持把项目建设作为经济工作的主抓手，累计签约项目56个，协议投资额超过420亿元。"
        "下一步，高新区将围绕主导产业链精准招商，强化项目全生命周期服务，为全年经济目标任务完成奠定坚实基础。"
        "仪式结束后，与会人员实地察看了西岭芯谷二期、菁湖生物医药产业园等重点项目建设现场。"
        "大家纷纷表示，要以此次集中开工为契机，倒排工期、挂图作战，确保项目按期建成投用，为区域发展注入强劲动能。")
OTHER = ("为深入贯彻落实创新驱动发展战略，江海经济技术开发区近日出台《关于支持科技型中小企业高质量发展的若干措施》。"
         "措施共包括研发投入奖补、人才引育、知识产权保护、金融支持等四个方面十八条具体政策。"
         "对首次认定的国家高新技术企业给予30万元奖励，对年度研发投入增长超过20%的企业按增量部分给予补助。"
         "开发区科技局相关负责人表示，政策的出台将进一步激发企业创新活力，加快培育一批专精特新企业。"
         "据统计，截至去年底，江海开发区共有国家高新技术企业612家，科技型中小企业入库数量连续三年位居全省前列。"
         "此外，开发区还将设立总规模10亿元的科技创新基金，重点投向集成电路、人工智能和生物医药等战略性新兴产业领域，"
         "并建立企业服务专员制度，为企业提供政策解读、项目申报和融资对接等全流程服务。")
NOTICE = "关于{name}等企业拟认定为{year}年度高新技术企业的公示。经企业申报、专家评审，现予以公示，公示期为五个工作日。"


@pytest.fixture
def index(redis_server: RedisServer) -> RedisDuplicateIndex:
    client = redis_server.client(db=4)
    client.flushdb()
    return RedisDuplicateIndex(client)


def test_index_exact_near_distinct(index: RedisDuplicateIndex) -> None:
    assert min(len(match_key(BODY)), len(match_key(OTHER))) >= SHORT_BODY  # the 0.8 regime; notices are short
    assert index.check_and_add("http://a.example/1.html", BODY) is None
    exact = index.check_and_add("http://b.example/9.html", "  " + BODY.replace("，", ",") + "\n")
    assert exact is not None and exact.duplicate_of == "http://a.example/1.html" and exact.similarity == 1.0
    near = index.check_and_add("http://c.example/2.html", "来源：中国高新网\n" + BODY + "（编辑：张三）")
    assert near is not None and near.duplicate_of == "http://a.example/1.html" and 0.8 <= near.similarity < 1
    assert index.check_and_add("http://c.example/3.html", OTHER) is None, "another article on the same topic"
    assert index.find(OTHER) is not None and index.find(BODY[:150] + OTHER[150:]) is None
    notice = NOTICE.format(name="西岭芯片", year=2023)
    assert index.check_and_add("http://d.example/1.html", notice) is None
    assert index.check_and_add("http://d.example/2.html", NOTICE.format(name="江海生物", year=2023)) is None, \
        "two notices of one template are distinct articles"
    assert len(index) == 4


def test_index_answers_like_the_in_process_index(index: RedisDuplicateIndex) -> None:
    local = DuplicateIndex()
    sentences = [s + "。" for s in (BODY + OTHER).split("。") if s]
    docs = [("http://x.example/0.html", BODY), ("http://x.example/1.html", OTHER)]
    for i in range(2, 40):  # copies with sentences dropped or rotated; short notices from one template
        rotated = sentences[i % len(sentences):] + sentences[:i % len(sentences)]
        docs.append((f"http://x.example/{i}.html", "".join(rotated[: 4 + i % 6])))
        docs.append((f"http://y.example/{i}.html", NOTICE.format(name=f"企业{i % 7}", year=2020 + i % 3)))
    kept = 0
    for url, body in docs:
        got, want = index.check_and_add(url, body), local.check_and_add(url, body)
        assert (got is None) == (want is None), url
        if got is not None and want is not None:  # the same similarity (equal candidates may tie)
            assert got.similarity == want.similarity, url
        kept += got is None
    assert len(index) == len(local) and 10 < kept < len(docs) - 10
    assert (index.signature_of("http://x.example/0.html") == local.signature_of("http://x.example/0.html")).all()


def test_index_same_url_again_is_not_its_own_duplicate(index: RedisDuplicateIndex) -> None:
    """A killed worker's page fetched again by another worker: kept, not dropped as a copy of itself."""
    assert index.check_and_add("http://a.example/1.html", BODY) is None
    assert index.check_and_add("http://a.example/1.html", BODY) is None
    assert index.check_and_add("http://a.example/2.html", BODY) is not None


def test_index_is_race_safe_across_clients(index: RedisDuplicateIndex, redis_server: RedisServer) -> None:
    """Eight workers (threads, each with its own connection) add the same and near-same bodies at once:
    exactly one of each article is kept."""
    groups = [BODY, OTHER, BODY[::2] + BODY[1::2], OTHER[::2] + OTHER[1::2]]
    results: list[tuple[int, Any]] = []
    barrier = threading.Barrier(8)

    def worker(n: int) -> None:
        mine = RedisDuplicateIndex(redis_server.client(db=4))
        barrier.wait()
        for g, body in enumerate(groups):
            variant = body if n % 2 else body + f"（转载自第{n}号）"  # exact and near copies
            results.append((g, mine.check_and_add(f"http://w{n}.example/{g}.html", variant)))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    kept = Counter(g for g, found in results if found is None)
    assert len(results) == 32 and kept == {0: 1, 1: 1, 2: 1, 3: 1}, kept
    assert len(index) == 4

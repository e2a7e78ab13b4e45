"""The duplicate index: abridged reposts, chains of copies, template notices, the disk store.

Every backend (in memory, the SQLite store, Redis) is held to the same answers.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import scrapy.settings

from tests.conftest import ROOT
from tests.fixtureweb import build_fixture_web
from tests.redis_server import RedisServer
from zonenews.clean.text import match_key
from zonenews.dedup import make_index
from zonenews.dedup.index import DuplicateIndex, fingerprint
from zonenews.dedup.redis_index import RedisDuplicateIndex
from zonenews.dedup.store import DiskDuplicateIndex

# A ~1,200-character zone news story in ten paragraphs.
PARAGRAPHS = [
    "3月12日上午，西岭高新区2024年一季度重大项目集中开工仪式在芯谷产业园举行，"
    "此次集中开工项目共计二十三个，总投资达一百八十六亿元，涵盖集成电路、生物医药和智能制造等领域。",
    "区党工委书记王建国在致辞中指出，项目是经济发展的生命线，要坚持把招商引资和项目建设作为头号工程，"
    "以项目的大突破带动发展的大跨越，全力以赴稳住经济基本盘。",
    "据介绍，本次开工的晶圆封测基地项目由深圳某上市企业投资建设，占地约二百亩，建成后可年产高端芯片封装产品四十亿颗，"
    "预计实现年产值六十亿元，新增就业岗位一千二百个。",
    "菁湖生物医药产业园二期同步启动，规划建设标准化厂房和研发楼宇三十五万平方米，"
    "将重点引进创新药、医疗器械和体外诊断企业，打造长江中游重要的生物医药产业集聚区。",
    "在优化营商环境方面，高新区推行拿地即开工审批模式，企业从签订土地出让合同到取得施工许可证平均用时缩短至七个工作日，"
    "比去年同期压缩了六成以上。",
    "高新区管委会相关负责人表示，今年将围绕主导产业链条开展精准招商，全年计划引进亿元以上项目一百个，"
    "力争固定资产投资增长百分之十二，规模以上工业增加值增长百分之十。",
    "为保障项目顺利推进，高新区成立了由主要领导挂帅的项目建设指挥部，实行一个项目、一名领导、一个专班的包保机制，"
    "定期召开调度会，协调解决用地、用能、融资等难题。",
    "与此同时，高新区还加快完善配套设施，新建人才公寓两千套、国际学校一所，开通园区通勤公交专线六条，"
    "让来高新区工作的科技人才住得安心、干得舒心。",
    "仪式结束后，与会人员实地察看了光电显示模组、氢能装备制造等重点项目建设现场，"
    "听取了项目进展情况汇报，并就加快施工进度、确保安全生产提出了具体要求。",
    "大家纷纷表示，要以此次集中开工为契机，倒排工期、挂图作战，确保项目早日建成投产、早日达产见效，"
    "为高新区建设世界一流科技园区注入强劲动能。（记者 李明 通讯员 张华）",
]
FULL = "\n".join(PARAGRAPHS)

NOTICE = ("关于{name}等{n}家企业拟认定为{year}年度高新技术企业的公示。根据《高新技术企业认定管理办法》，经企业申报、"
          "专家评审，{name}等{n}家企业拟认定为高新技术企业，现予以公示，公示期为{year}年{m}月{d}日至{m}月{e}日。"
          "联系人：{person}，电话：0731-8{n}6{d}2{m}。")


def notice(i: int) -> str:
    names = ["西岭芯片", "江海生物", "菁湖药业", "光谷智造", "云帆软件", "临港新材", "华辰电子", "北斗导航"]
    people = ["张伟", "李娜", "王芳", "刘洋", "陈静", "杨帆", "赵磊", "黄敏"]
    return NOTICE.format(name=names[i % 8], n=10 + i, year=2020 + i % 4, m=1 + i % 12, d=1 + i % 9, e=10 + i % 9,
                         person=people[(i * 3) % 8])


@pytest.fixture(params=["memory", "disk", "redis"])
def make(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator:
    """A factory of empty indexes of one backend."""
    made: list = []

    def new() -> DuplicateIndex:
        if request.param == "memory":
            index: DuplicateIndex = DuplicateIndex()
        elif request.param == "disk":
            index = DiskDuplicateIndex(tmp_path / f"store{len(made)}.sqlite")
        else:
            server: RedisServer = request.getfixturevalue("redis_server")
            index = RedisDuplicateIndex(server.client(db=5), prefix=f"t{len(made)}")
            index.clear()
        made.append(index)
        return index

    yield new
    for index in made:
        if isinstance(index, DiskDuplicateIndex):
            index.close()


def abridged_copies() -> dict[str, str]:
    lead = PARAGRAPHS[0]
    return {"one paragraph dropped": "\n".join(PARAGRAPHS[:4] + PARAGRAPHS[5:]),
            "two paragraphs dropped": "\n".join(PARAGRAPHS[:2] + PARAGRAPHS[3:8] + PARAGRAPHS[9:]),
            "lead shortened": "\n".join([lead[lead.index("此次"):], PARAGRAPHS[1][:30] + "。", *PARAGRAPHS[2:]]),
            "last two dropped, 来源 line": "来源：省政府网站\n" + "\n".join(PARAGRAPHS[:8])}


def jaccard(a: str, b: str) -> float:
    return float((fingerprint(a).signature == fingerprint(b).signature).mean())


def test_abridged_copies_are_duplicates_of_the_first_copy_seen(make) -> None:
    for name, copy in abridged_copies().items():
        for first, second in ((FULL, copy), (copy, FULL)):  # whichever arrives first is kept
            index = make()
            assert index.check_and_add("http://a.example/1.html", first) is None
            found = index.check_and_add("http://b.example/2.html", second)
            assert found is not None and found.duplicate_of == "http://a.example/1.html", name
    assert min(jaccard(FULL, c) for c in abridged_copies().values()) < 0.8  # the old rule missed some


def test_abridged_chain_comes_out_once_in_every_arrival_order(make) -> None:
    """The chain of issue 13: B drops a paragraph of A, C drops another of B; A and C are not
    near copies by Jaccard (A~B, B~C, A!~C), but C is wholly contained in A."""
    chain = {"http://a.example/a.html": FULL,
             "http://b.example/b.html": "\n".join(PARAGRAPHS[:9]),
             "http://c.example/c.html": "\n".join(PARAGRAPHS[1:9])}
    bodies = list(chain.values())
    assert jaccard(bodies[0], bodies[2]) < 0.8 <= min(jaccard(bodies[0], bodies[1]), jaccard(bodies[1], bodies[2]))
    for order in itertools.permutations(chain):
        index = make()
        answers = [index.check_and_add(url, chain[url]) for url in order]
        assert answers[0] is None and all(a is not None and a.duplicate_of == order[0] for a in answers[1:]), order
        assert len(index) == 1


def _disjoint_chain() -> dict[str, str]:
    """A and C each hold most of B, not of each other: no rule can make A~C."""
    return {"http://a.example/a.html": "\n".join(PARAGRAPHS[:8]),
            "http://b.example/b.html": FULL,
            "http://c.example/c.html": "\n".join(PARAGRAPHS[2:])}


def test_a_copy_matching_a_dropped_copy_is_a_duplicate_of_the_kept_one(make) -> None:
    chain = _disjoint_chain()
    a, b, c = chain
    probe = make()
    probe.add(a, chain[a])
    assert probe.find(chain[c]) is None and probe.find(chain[b]) is not None  # A!~C, A~B
    for order in itertools.permutations(chain):
        index = make()
        answers = [index.check_and_add(url, chain[url]) for url in order]
        kept = [url for url, found in zip(order, answers, strict=True) if found is None]
        if order.index(b) < 2:  # B arrives before the later of A and C: one copy
            assert kept == [order[0]], order
            assert all(f is not None and f.duplicate_of == order[0] for f in answers[1:]), order
        else:  # A and C both before B: both stand (a stream cannot take A back)
            assert kept == list(order[:2]) and answers[2] is not None, order


def test_resumed_run_still_knows_the_copies_it_dropped(tmp_path: Path) -> None:
    """A~B, B~C, A!~C across a kill: the dropped B must still catch C after the store is reopened."""
    chain = _disjoint_chain()
    a, b, c = chain
    path = tmp_path / "state.sqlite"
    first = DiskDuplicateIndex.open(path)
    assert first.check_and_add(a, chain[a]) is None
    assert first.check_and_add(b, chain[b]).duplicate_of == a
    first.close()
    again = DiskDuplicateIndex.open(path)
    try:
        found = again.check_and_add(c, chain[c])
        assert found is not None and found.duplicate_of == a
        assert len(again) == 1
    finally:
        again.close()


def test_template_notices_and_distinct_articles_are_kept(make) -> None:
    index = make()
    notices = [notice(i) for i in range(24)]
    assert len({match_key(n) for n in notices}) == 24 and max(len(match_key(n)) for n in notices) < 250
    for i, body in enumerate(notices):
        assert index.check_and_add(f"http://n.example/{i}.html", body) is None, body


def test_fixture_web_template_families_not_merged_and_republished_found(tmp_path: Path) -> None:
    manifest = build_fixture_web(tmp_path / "web")
    body = {(a["site"], a["path"]): "\n".join(a["body"]) for a in manifest.articles}
    index = DiskDuplicateIndex()
    for group in manifest.near_duplicates_distinct:
        for m in group:
            assert index.check_and_add(f"{m['site']}{m['path']}", body[(m["site"], m["path"])]) is None, m
    for group in manifest.republished:
        answers = [index.check_and_add(f"{m['site']}{m['path']}", body[(m["site"], m["path"])]) for m in group]
        assert answers[0] is None and all(a is not None for a in answers[1:]), group


def test_same_url_again_gets_its_recorded_answer(make) -> None:
    index = make()
    copy = abridged_copies()["one paragraph dropped"]
    assert index.check_and_add("http://a.example/1.html", FULL) is None
    assert index.check_and_add("http://a.example/1.html", FULL) is None  # a refetch is not its own copy
    dropped = index.check_and_add("http://b.example/1.html", copy)
    assert dropped is not None
    again = index.check_and_add("http://b.example/1.html", copy)
    assert again is not None and again.duplicate_of == dropped.duplicate_of
    assert len(index) == 1


def test_backends_give_the_same_answers(redis_server: RedisServer, tmp_path: Path) -> None:
    docs = _mixed_docs()
    redis_index = RedisDuplicateIndex(redis_server.client(db=5), prefix="same")
    redis_index.clear()
    indexes = [DuplicateIndex(), DiskDuplicateIndex(tmp_path / "s.sqlite"), redis_index]
    answers = [[_answer(ix.check_and_add(url, body)) for url, body in docs] for ix in indexes]
    assert answers[0] == answers[1] == answers[2]
    kept = sum(a is None for a in answers[0])
    assert 10 < kept < len(docs) - 10
    assert len({len(ix) for ix in indexes}) == 1


def _mixed_docs() -> list[tuple[str, str]]:
    docs = [(f"http://x.example/{i}.html", notice(i)) for i in range(6)]
    for i in range(24):  # windows of the story, with and without a 来源 line, plus notices
        start, width = i % 4, 6 + i % 5
        body = "\n".join(PARAGRAPHS[start:start + width])
        docs.append((f"http://y.example/{i}.html", ("来源：高新区\n" if i % 3 == 0 else "") + body))
        docs.append((f"http://z.example/{i}.html", notice(i + i % 3)))
    return docs


def _answer(found: object) -> tuple[str, float] | None:
    return None if found is None else (found.duplicate_of, found.similarity)  # type: ignore[attr-defined]


def test_answers_do_not_depend_on_the_hash_seed() -> None:
    script = ("import json, sys; sys.path.insert(0, '.'); from tests.test_dedup_index import _mixed_docs; "
              "from zonenews.dedup.store import DiskDuplicateIndex; ix = DiskDuplicateIndex(); "
              "print(json.dumps([(lambda f: f and [f.duplicate_of, f.similarity])(ix.check_and_add(u, b)) "
              "for u, b in _mixed_docs()]))")
    outputs = {subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("0", "1", "4242")}
    assert len(outputs) == 1 and len(json.loads(outputs.pop())) == len(_mixed_docs())


def test_disk_store_survives_reopen_and_is_what_a_run_with_a_state_uses(tmp_path: Path) -> None:
    path = tmp_path / "state" / "zonenews.sqlite"
    settings = scrapy.settings.Settings({"ZONENEWS_STATE": str(path)})
    index = make_index(settings)
    assert isinstance(index, DiskDuplicateIndex) and make_index(settings) is index  # one per state, shared
    for i, body in enumerate([FULL, notice(1), notice(2)]):
        assert index.check_and_add(f"http://a.example/{i}.html", body) is None
    assert index.check_and_add("http://b.example/0.html", abridged_copies()["lead shortened"]) is not None
    signature = index.signature_of("http://a.example/0.html")
    index.close()
    reopened = make_index(settings)
    try:
        assert reopened is not index and len(reopened) == 3
        assert (reopened.signature_of("http://a.example/0.html") == signature).all()
        found = reopened.check_and_add("http://c.example/9.html", abridged_copies()["two paragraphs dropped"])
        assert found is not None and found.duplicate_of == "http://a.example/0.html"
        assert reopened.check_and_add("http://c.example/8.html", notice(1)).duplicate_of == "http://a.example/1.html"
    finally:
        reopened.close()
    temporary = make_index(scrapy.settings.Settings({"ZONENEWS_STATE": ""}))
    assert isinstance(temporary, DiskDuplicateIndex) and temporary.path is None and not len(temporary)

"""The article decision (zonenews.clean.verdict): gates, the second opinion, and what explain shows."""

from __future__ import annotations

from zonenews.evaluate import Chain

PARAGRAPHS = [
    "高新区管委会近日召开专题会议，研究部署科技型企业培育工作，提出到年底新增高新技术企业一百家的目标。",
    "会议指出，要围绕集成电路、生物医药和智能制造三大主导产业，完善企业梯度培育体系，强化政策精准供给。",
    "会议要求，各部门要加强协同配合，建立重点企业服务专员制度，及时协调解决企业发展中遇到的困难和问题。",
    "据介绍，今年以来全区已兑现各类科技扶持资金两亿元，惠及企业三百余家，带动研发投入同比增长百分之二十。",
]


def linked(text: str) -> str:
    """A paragraph whose second clause is a link (a portal that links named things): about 0.4 of
    the text is link text, above the 0.35 a plain page's body run may carry."""
    parts = text.split("，")
    return "，".join(f'<a href="/tag/{i}.html">{p}</a>' if i in (1, 3) else p for i, p in enumerate(parts))


def page(body: str, head: str = "") -> bytes:
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>高新区部署科技型企业培育工作_新闻中心</title>
{head}</head><body><div class="nav"><a href="/">首页</a> <a href="/news/">新闻中心</a></div>
<h1>高新区部署科技型企业培育工作</h1><div class="info">发布时间：2024-05-06</div>
<div class="content">{body}</div><div class="footer">版权所有 某某高新区管委会</div></body></html>""".encode()


ARTICLE_MARKUP = '<meta property="og:type" content="article"><script type="application/ld+json">{"@type": "NewsArticle", "headline": "高新区部署科技型企业培育工作"}</script>'


def test_a_plain_article_is_ours_without_a_second_opinion() -> None:
    chain = Chain()
    record, reason = chain.run(page("".join(f"<p>{p}</p>" for p in PARAGRAPHS)), "http://zone.example.cn/a/1.html")
    assert reason is None and record is not None
    assert record["body"] == "\n".join(PARAGRAPHS)
    assert chain.stats.get_value("zonenews/body_from/zonenews") == 1
    assert chain.stats.get_value("zonenews/body_from/trafilatura") is None


def test_a_link_dense_article_that_says_it_is_one_is_kept() -> None:
    """Run link density above the plain limit: an article page by its JSON-LD and og:type is kept."""
    body = "".join(f"<p>{linked(p)}</p>" for p in PARAGRAPHS)
    record, reason = Chain().run(page(body, ARTICLE_MARKUP), "http://zone.example.cn/a/2.html")
    assert reason is None and record is not None
    for paragraph in PARAGRAPHS:
        assert paragraph in record["body"]


def test_a_link_dense_dated_article_without_markup_is_kept_on_a_second_opinion() -> None:
    body = "".join(f"<p>{linked(p)}</p>" for p in PARAGRAPHS)
    chain = Chain()
    record, reason = chain.run(page(body), "http://zone.example.cn/a/3.html")
    assert reason is None and record is not None
    for paragraph in PARAGRAPHS:
        assert paragraph in record["body"]
    assert chain.stats.get_value("zonenews/body_from/trafilatura") == 1


def test_a_list_page_stays_a_skip_whatever_the_second_opinion() -> None:
    items = "".join(f'<li><a href="/a/{i}.html">{p[:24]}</a><span>2024-05-0{i + 1}</span></li>'
                    for i, p in enumerate(PARAGRAPHS * 2))
    list_markup = '<script type="application/ld+json">{"@type": "CollectionPage"}</script>'
    record, reason = Chain().run(page(f"<ul>{items}</ul>", list_markup), "http://zone.example.cn/news/")
    assert record is None and reason == "not_article"


def test_the_same_page_gives_the_same_record_under_any_hash_seed(tmp_path) -> None:
    import json
    import os
    import subprocess
    import sys

    html = tmp_path / "a.html"
    html.write_bytes(page("".join(f"<p>{p}</p><p>{p}</p>" for p in PARAGRAPHS) + "<p>图为会议现场</p>"))
    outputs = []
    for seed in ("1", "12345"):
        out = tmp_path / f"out{seed}.jsonl"
        env = dict(os.environ, PYTHONHASHSEED=seed)
        subprocess.run([sys.executable, "-m", "zonenews", "clean", str(html), "-O", str(out), "--no-progress"],
                       env=env, check=True, capture_output=True, timeout=120)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert json.loads(outputs[0])["body"].count(PARAGRAPHS[0]) == 1


COMMENTS = [
    "这篇报道说得很对，我们园区的企业这两年确实感受到了政策的温度，特别是研发费用加计扣除和人才公寓这两项政策，"
    "让我们这样的初创公司省下了不少成本，希望后续还能继续保持，也希望审批流程能够再简化一些，少跑几趟腿就更好了。",
    "作为在高新区工作了十年的老员工，我见证了这里从一片农田变成现在的产业新城，交通、学校、医院都越来越完善，"
    "但是通勤高峰的拥堵问题还是比较严重，建议有关部门多开几条公交线路，地铁站出口也可以再增加几个，方便大家上下班。",
    "文章提到的一百家高新技术企业目标很鼓舞人心，不过我更关心的是中小企业融资难的问题，银行贷款门槛还是太高，"
    "抵押物要求太严格，希望政府能够牵头设立更多的风险补偿资金池，让轻资产的科技企业也能够比较容易地拿到贷款。",
    "我们公司去年刚刚通过了高新技术企业认定，整个申报过程得到了园区服务专员的全程指导，非常专业也非常耐心，"
    "在这里点个赞，也想提一个小建议，申报系统在高峰期经常卡顿，材料上传很慢，希望技术部门能够尽快升级一下服务器。",
]


def test_long_reader_comments_do_not_outweigh_the_marked_article() -> None:
    """A four-paragraph article in its <article> element, and a longer thread of reader comments in
    plain divs after it: the body is the article, not the comments."""
    comments = "".join(f"<div><div>网友{i}：</div><div>{c}</div></div>" for i, c in enumerate(COMMENTS))
    related = "".join(f'<li><a href="/a/{i}.html">高新区第{i}批重点项目集中开工仪式举行</a></li>' for i in range(8))
    html_page = page(f"<article>{''.join(f'<p>{p}</p>' for p in PARAGRAPHS)}</article><ul>{related}</ul>"
                     f"<div>{comments}</div>")
    record, reason = Chain().run(html_page, "http://zone.example.cn/a/4.html")
    assert reason is None and record is not None
    assert all(p in record["body"] for p in PARAGRAPHS)
    assert not any(c[:20] in record["body"] for c in COMMENTS)

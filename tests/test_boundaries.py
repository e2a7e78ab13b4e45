"""Boundaries (issue #6): a crawl requests only the hosts the run allows, and page text never
becomes code or a file path.

Site A (127.0.0.1, the start URL) links and redirects in every way we know to site B on another
loopback address (127.0.0.3) and to site C on A's own IP but another port; B and C record every
request they receive.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, read_jsonl, run_cli
from zonenews.clean.record import build_record
from zonenews.devserver import StaticSite
from zonenews.extract import extract_article
from zonenews.offline import page_from_bytes

FAST = ("-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0", "-s", "ZONENEWS_STATE=", "-q")
ARTICLE_TITLE = "本站正常文章测试页面"


def article_html(title: str, head: str = "", body: str = "") -> str:
    paragraph = ("成都高新区管委会召开专题会议，研究部署数字经济产业发展工作，会议强调要持续优化营商环境，推动重点项目早落地、"
                 "早投产、早见效，为全市经济高质量发展作出更大贡献。")
    return (f'<html><head><meta charset="utf-8"><title>{title}_高新区</title>{head}</head><body>'
            f'<div class="nav"><a href="/">首页</a></div><h1>{title}</h1><div class="info">发布时间：2023-05-06</div>'
            f'<div class="content"><p>{paragraph}{title}</p><p>{title}{paragraph}</p>{body}</div></body></html>')


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, StaticSite]]:
    root = tmp_path_factory.mktemp("bounds")
    for name in ("b", "c"):
        _write(root / name / "index.html", article_html(f"别的网站{name}首页"))
        for page in ("x", "redir", "refresh", "proto", "upper", "tls", "area", "form", "iframe", "next",
                     "based", "userinfo", "js", "start_redir", "start_refresh"):
            _write(root / name / f"{page}.html", article_html(f"别的网站{name}页面{page}"))
    b = StaticSite(root / "b", host="127.0.0.3")
    try:
        b.start()
    except OSError:
        pytest.skip("cannot bind 127.0.0.3 (a loopback address other than 127.0.0.1)")
    with b, StaticSite(root / "c", host="127.0.0.1") as c:
        a_root = root / "a"
        B, C, bnet = b.base_url, c.base_url, f"127.0.0.3:{b.port}"
        links = [
            f"{B}/x.html", f"{B}/", f"//{bnet}/proto.html", f"HTTP://{bnet}/upper.html", f"https://{bnet}/tls.html",
            f"http://user@{bnet}/userinfo.html", f"http://127.0.0.1@{bnet}/userinfo.html",
            f"ftp://{bnet}/x.html", f"file:///{bnet}/x.html", "file:///etc/passwd", f"javascript:location.href='{B}/js.html'",
            f"JavaScript:window.open('{B}/js.html')", f"mailto:office@{bnet}", f"data:text/html,<a href='{B}/x.html'>x</a>",
            f"view-source:{B}/x.html", f"{B}/x.pdf", "/go/b.html", "/go/chain.html", "/go/c.html", "/meta.html",
            "/base/page.html", "/news/2023/0506/1.html",
        ]
        anchors = "".join(f'<a href="{href}">链接{i}</a><br>' for i, href in enumerate(links))
        _write(a_root / "index.html", (
            "<html><head><title>高新区</title>"
            f'<link rel="next" href="{B}/next.html"><link rel="canonical" href="{B}/"></head><body>{anchors}'
            f'<map><area href="{B}/area.html"></map><form action="{B}/form.html"><input name="q"></form>'
            f'<iframe src="{B}/iframe.html"></iframe><img src="{B}/x.png"><script src="{B}/x.js"></script>'
            f"<script>document.write('<a href=\"{B}/js.html\">x</a>')</script></body></html>"))
        _write(a_root / "news/2023/0506/1.html", article_html(ARTICLE_TITLE))
        _write(a_root / "meta.html", f'<html><head><meta http-equiv="refresh" content="0; url={B}/refresh.html">'
                                     "<title>跳转</title></head><body>跳转中</body></html>")
        _write(a_root / "start_refresh.html", f'<html><head><meta http-equiv="refresh" content="0; url={B}/start_refresh.html">'
                                              "<title>跳转</title></head><body>跳转中</body></html>")
        _write(a_root / "base/page.html", f'<html><head><base href="{B}/"><title>基准</title></head>'
                                          '<body><a href="based.html">相对链接</a></body></html>')
        _write(a_root / "_routes.json", json.dumps({"redirects": {
            "/go/b.html": f"{B}/redir.html", "/go/chain.html": "/go/b.html", "/go/c.html": f"{C}/redir.html",
            "/start_redir.html": f"{B}/start_redir.html"}}))
        with StaticSite(a_root, host="127.0.0.1") as a:
            yield {"a": a, "b": b, "c": c, "root": root}  # type: ignore[dict-item]


@pytest.fixture(scope="module")
def crawl(sites: dict[str, Any]) -> dict[str, Any]:
    a, b, c, root = sites["a"], sites["b"], sites["c"], sites["root"]
    for site in (a, b, c):
        site.clear_requests()
    out = root / "out.jsonl"
    proc = run_cli("crawl", a.base_url + "/", "-O", str(out), *FAST, cwd=root, timeout=120)
    return {"proc": proc, "records": read_jsonl(out) if out.exists() else [],
            "a": list(a.requests), "b": list(b.requests), "c": list(c.requests)}


def test_the_crawl_of_a_stays_on_a(crawl: dict[str, Any]) -> None:
    assert crawl["proc"].returncode == 0, crawl["proc"].stderr[-3000:]
    assert ARTICLE_TITLE in [r["title"] for r in crawl["records"]]
    assert not [r for r in crawl["records"] if r["site"] == "127.0.0.3"]
    assert {"/", "/news/2023/0506/1.html", "/meta.html", "/base/page.html", "/go/b.html", "/go/chain.html"} <= set(
        crawl["a"]), "the crawl did follow A's own links and redirects"


def test_no_link_redirect_or_scheme_reaches_another_host(crawl: dict[str, Any]) -> None:
    assert crawl["b"] == [], "127.0.0.3 received requests (robots.txt included)"


def test_a_redirect_to_another_port_of_the_same_ip_is_not_followed(crawl: dict[str, Any], sites: dict[str, Any]) -> None:
    assert crawl["c"] == []
    assert not [r for r in crawl["records"] if r["url"].startswith(sites["c"].base_url)]


def test_a_start_url_that_redirects_away_is_not_followed(sites: dict[str, Any]) -> None:
    a, b, root = sites["a"], sites["b"], sites["root"]
    b.clear_requests()
    out = root / "start.jsonl"
    proc = run_cli("crawl", a.base_url + "/start_redir.html", a.base_url + "/start_refresh.html", "-O", str(out),
                   *FAST, cwd=root, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert list(b.requests) == []


# -- page text never becomes code or a file path ------------------------------------------------------

def test_format_and_template_syntax_in_a_page_stays_text() -> None:
    title = "高新区%s%(x)s{0}{title}{{site:b}}${HOME}$(id)`id`测试"
    body = "<p>正文中的格式符%s %(name)s {0} {body!r} {{site:b}} ${PATH} $(rm -rf /) `id` __import__('os').system('id')。</p>" * 2
    record = build_record(extract_article(article_html(title, body=body).encode(), "http://127.0.0.1/a.html",
                                          "text/html", date(2024, 1, 1)))
    assert record["title"] == title
    assert "__import__('os').system('id')" in record["body"] and "{{site:b}}" in record["body"]


@pytest.mark.parametrize("href", ["file:///etc/passwd", "../../../etc/passwd", "javascript:alert(1)",
                                  "/etc/passwd", "data:text/html,x", "ftp://127.0.0.3/x.html"])
def test_a_page_cannot_choose_its_url_or_a_file(href: str, tmp_path: Path) -> None:
    """zonenews clean takes a page's canonical/og:url only when it is an http(s) URL."""
    html = article_html("高新区规范链接测试", head=f'<link rel="canonical" href="{href}"><meta property="og:url" content="{href}">')
    fallback = (tmp_path / "p.html").as_uri()
    page = page_from_bytes(html.encode(), fallback)
    assert page.url == fallback


def test_clean_writes_only_the_output_it_is_given(tmp_path: Path) -> None:
    page = tmp_path / "in" / "page.html"
    evil = "../../../../tmp/zonenews-evil"
    _write(page, article_html("高新区输出路径测试", head=f'<link rel="canonical" href="http://127.0.0.1/{evil}.jsonl">',
                              body=f'<p><a href="{evil}.pdf">附件：{evil}.pdf</a></p>'))
    before = {p for p in tmp_path.rglob("*")}
    proc = run_cli("clean", str(page), "-O", str(tmp_path / "out.jsonl"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    created = {p for p in tmp_path.rglob("*")} - before
    assert {p.name for p in created} <= {"out.jsonl", "out.jsonl.duplicates", "out.jsonl.summary"}, created
    assert not Path("/tmp/zonenews-evil.jsonl").exists() and not Path("/tmp/zonenews-evil.pdf").exists()


def test_no_eval_exec_or_shell_on_any_code_path() -> None:
    """A static review aid: no eval/exec/compile, os.system/popen, shell=True or pickle/marshal/yaml loads in
    zonenews/ (json.loads is data only; re.compile takes patterns from code and site profiles, never pages)."""
    found = []
    for path in sorted((ROOT / "zonenews").rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                owner = getattr(func.value, "id", "") if isinstance(func, ast.Attribute) else ""
                if name in {"eval", "exec", "__import__", "system", "popen"} or (
                        name == "compile" and owner != "re") or (
                        name in {"loads", "load"} and owner in {"pickle", "marshal", "yaml", "dill", "shelve"}):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {owner}.{name}")
                for kw in node.keywords:
                    if kw.arg == "shell" and isinstance(kw.value, ast.Constant) and kw.value.value:
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno} shell=True")
            elif isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
                if any(n in {"pickle", "marshal", "shelve", "dill"} for n in names):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} import {names}")
    assert not found, found

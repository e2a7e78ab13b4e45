"""The brief's example page (its article appears twice) in five HTML renditions a zone CMS could
serve: each must give the same record, exactly, and the same bytes under any hash seed.

The text is ../shared/example-zone-page.txt as the brief quotes it; the renditions are written
here from it (the page's own HTML is not kept), one per way sites carry a second copy.
"""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from tests.conftest import ROOT
from zonenews.evaluate import Chain

EXAMPLE = ROOT.parent / "shared" / "example-zone-page.txt"
TITLE = "2019年国家高新区发展战略研讨会在成都高新区举行"
SUBHEADING = "60余家高新区代表齐聚菁蓉汇"


def article_parts() -> tuple[str, list[str]]:
    """(first paragraph, the paragraphs after the mid-page title line) of the first copy."""
    lines = [x.strip() for x in EXAMPLE.read_text("utf-8").split("\n")]
    start = lines.index("来源:未知 日期:2019-12-02 点击:") + 1
    end = lines.index("主页 > 新闻中心 > 高新区新闻 >")
    text = [x for x in lines[start:end] if x]
    assert text[1] == TITLE and text[2] == SUBHEADING
    return text[0], text[2:]


def paragraphs_html(tag: str = "p") -> str:
    first, rest = article_parts()
    caption = f'<p align="center"><img src="/uploads/191202/1-1.jpg"><br>{TITLE}</p>'
    return f"<{tag}>{first}</{tag}>{caption}" + "".join(f"<{tag}>{html.escape(p)}</{tag}>" for p in rest)


def br_html() -> str:
    first, rest = article_parts()
    return (f"&nbsp;&nbsp;{first}<br><br><img src='/uploads/191202/1-1.jpg'><br>{TITLE}<br><br>"
            + "<br><br>".join(f"&nbsp;&nbsp;&nbsp;{html.escape(p)}" for p in rest))


HEAD = f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{TITLE}_高新区新闻_成都高新区</title></head><body><div class="top"><a href="/">Network</a></div>
<div class="nav"><a href="/">主页</a> <a href="/a/xwzx/">新闻中心</a> <a href="/a/gxqxw/">高新区新闻</a></div>"""
CRUMB = '<div class="place">当前位置:<a href="/">主页</a> &gt; <a href="/a/xwzx/">新闻中心</a> &gt; <a href="/a/xwzx/gxqxw/">高新区新闻</a> &gt;</div>'
META = '<div class="info">来源:未知 日期:2019-12-02 点击:<script src="/plus/count.php?aid=1035"></script></div>'
COPY_CRUMB = '<div><a href="/">主页</a> &gt; <a href="/a/xwzx/">新闻中心</a> &gt; <a href="/a/xwzx/gxqxw/">高新区新闻</a> &gt;</div>'
COPY_META = "<div>2019-12-02 来源:未知 点击:</div>"
TOOLS = '<div class="tools">【<a href="javascript:window.print()">打印本页</a>】【<a href="javascript:window.close()">关闭窗口</a>】</div>'
FOOT = '<div class="footer">版权所有 成都高新区管委会 蜀ICP备05000000号</div></body></html>'


def rendition(name: str) -> str:
    desktop = f"{CRUMB}<h1>{TITLE}</h1>{META}<div class='content'>{paragraphs_html()}</div>{TOOLS}"
    copy = f"{COPY_CRUMB}<h2>{TITLE}</h2>{COPY_META}<div>{paragraphs_html()}</div>"
    body = {
        "print_copy_visible": f"<div class='main'>{desktop}</div><div class='printarea'>{copy}</div>",
        "print_copy_hidden": f"<div class='main'>{desktop}</div><div style='display:none'>{copy}</div>",
        "br_paragraphs": (f"<div class='main'>{CRUMB}<h1>{TITLE}</h1>{META}<div class='content'>{br_html()}</div>"
                          f"{TOOLS}</div><div id='printcontent'>{COPY_CRUMB}<b>{TITLE}</b>{COPY_META}"
                          f"<div>{br_html()}</div></div>"),
        "table_layout": (f"<table><tr><td>{CRUMB}</td></tr><tr><td class='title'>{TITLE}</td></tr><tr><td>{META}</td>"
                         f"</tr><tr><td>{paragraphs_html()}</td></tr><tr><td>{TOOLS}</td></tr></table>"
                         f"<table><tr><td>{COPY_CRUMB}</td></tr><tr><td><b>{TITLE}</b></td></tr><tr><td>{COPY_META}"
                         f"</td></tr><tr><td>{paragraphs_html()}</td></tr></table>"),
        "mobile_copy": (f"<div class='main'>{desktop}</div><div class='m-article'>{COPY_CRUMB}"
                        f"<div class='m-title'>{TITLE}</div>{COPY_META}<div class='m-content'>"
                        f"{paragraphs_html()}</div></div>"),
    }[name]
    return HEAD + body + FOOT


RENDITIONS = ("print_copy_visible", "print_copy_hidden", "br_paragraphs", "table_layout", "mobile_copy")


@pytest.mark.skipif(not EXAMPLE.is_file(), reason="the brief's example page text is not on this machine")
@pytest.mark.parametrize("name", RENDITIONS)
def test_example_page_rendition_is_exactly_right(name: str) -> None:
    first, rest = article_parts()
    record, reason = Chain().run(rendition(name).encode("utf-8"), "http://www.example-zone.gov.cn/a/xwzx/2019/1202/1035.html")
    assert reason is None, reason
    assert record["title"] == TITLE
    assert record["published_at"] == "2019-12-02"
    assert record["source"] is None
    assert record["category"] == ["新闻中心", "高新区新闻"]
    assert record["body"].split("\n") == [first, *rest]
    assert all(img["caption"] is None for img in record["images"])


def test_renditions_read_the_example_text(tmp_path: Path) -> None:
    if not EXAMPLE.is_file():
        pytest.skip("the brief's example page text is not on this machine")
    first, rest = article_parts()
    assert first.startswith("9月10日") and len(rest) == 7 and rest[-1].endswith("迸发出许多思想的火花。")

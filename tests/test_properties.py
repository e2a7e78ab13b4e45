"""Property tests of the cleaning chain (issue #6): any bytes or HTML-ish text goes through
decode -> parse -> extract -> clean without raising, and what comes out is clean text.

Example counts are kept modest so that this file runs in a few seconds.
"""

from __future__ import annotations

import json
import re
import time
from datetime import date
from html import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zonenews.clean.boilerplate import RULES, boilerplate_rule, is_header_date
from zonenews.clean.record import RECORD_FIELDS, build_record
from zonenews.clean.repeats import MIN_REPEAT_KEY, drop_repeats
from zonenews.clean.text import match_key, normalize_space
from zonenews.extract import extract_article
from zonenews.extract.document import EmptyPage, flatten_nesting, parse_html
from zonenews.extract.encoding import decode_html

URL = "http://127.0.0.1/news/2023/0506/1.html"
TODAY = date(2024, 1, 1)
FAST = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
SLOWER = settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))

# -- strategies ----------------------------------------------------------------------------------

HAN = "高新区管委会成都发展战略研讨举行企业项目投资创新园区建设签约产业人才政策服务数字经济"
CHINESE = st.text(alphabet=HAN + "。，！？：；“”（）《》、 \u3000abcXYZ0123", max_size=80)
ENTITIES = st.sampled_from(["&amp;", "&nbsp;", "&#12288;", "&#x4e2d;", "&quot;", "&#0;", "&#1;", "&#x80;",
                            "&#xFFFF;", "&#xFFFE;", "&#xD800;", "&bogus;", "&#99999999;", "&#128512;", "&#", "&"])
TAGS = ["p", "div", "span", "a", "b", "strong", "h1", "h2", "table", "tr", "td", "th", "tbody", "br", "title",
        "li", "ul", "font", "center", "nav", "footer", "header", "img", "head", "body", "html", "meta", "pre",
        "section", "article", "form", "iframe"]
# Every piece of markup whose text must never reach a body carries the word MARK.
MARKUP = st.sampled_from([
    '<p class="content">', '<div style="display:none">', '<a href="/news/1.html">', '<div class="nav">',
    '<!-- MARK comment <p>MARK</p> -->', '<?xml version="1.0"?>', '<?php echo "MARK"; ?>', '<meta charset="gbk">',
    "<script>var MARK = '<p>MARK</p>'; document.write(\"<div>MARK</div>\");</script>",
    "<script type='application/ld+json'>{\"headline\": \"MARK\"}</script>", "<style>p{MARK:red}</style>",
    "<noscript>MARK</noscript>", "<textarea>MARK<b>MARK</b></textarea>", "<template><p>MARK</p></template>",
    "<svg><text>MARK</text></svg>", "<select><option>MARK</option></select>", "<button>MARK</button>",
    "<title>MARK<p>MARK</p></title>", "<iframe><p>MARK</p></iframe>", "<object>MARK</object>",
    '<img alt="MARK" src="/a.png">', '<a href="javascript:MARK()">', '<input value="MARK">',
    "\x00", "\x01", "\x1b", "\x7f", "\x85", "\ufeff", "\u200b", "\u3000", "\r\n", "\t", "\x0b", "\x0c",
    "2019-12-02", "2019年13月45日", "0000-00-00", "来源：高新区", "责任编辑：张三", "首页 / 新闻中心", "&", '"', "'",
])
PIECES = st.one_of(CHINESE, CHINESE, ENTITIES, MARKUP, st.sampled_from(TAGS).map("<{}>".format),
                   st.sampled_from(TAGS).map("</{}>".format))
HTMLISH = st.lists(PIECES, max_size=80).map("".join)
CONTENT_TYPES = st.one_of(st.none(), st.sampled_from([
    "text/html", "text/html; charset=utf-8", "text/html; charset=gbk", "text/html; charset=GB2312",
    "text/html; charset=big5", "text/html; charset=utf-16", "text/html; charset=bogus", "text/html; charset=",
    "text/html; charset=rot13", "text/html; charset=base64", "text/html; charset=idna", "text/html; charset=utf-7",
    "text/html; charset=undefined", "text/html; charset=zlib", "application/octet-stream", "",
]), st.text(max_size=40))
# Codec names Python knows (many are not charsets at all) in a page's own meta tag.
LYING_LABELS = st.sampled_from(["rot13", "base64", "uu", "zlib", "hex", "bz2", "quopri", "undefined", "idna",
                                "punycode", "unicode_escape", "raw_unicode_escape", "utf-7", "hz", "utf-32",
                                "utf-16", "mbcs", "x-user-defined", "gb2312", "big5", "latin-1", "", "\u4e2d"])


def run_chain(body: bytes, content_type: str | None = None) -> dict | None:
    """extract_article + build_record, as a crawl runs them; None when there is no HTML."""
    try:
        raw = extract_article(body, URL, content_type, TODAY)
    except EmptyPage:
        return None
    return build_record(raw)


def long_keys(body: str) -> list[str]:
    return [k for k in (match_key(line) for line in body.split("\n")) if len(k) >= MIN_REPEAT_KEY]


def assert_clean_record(record: dict) -> None:
    assert list(record) == list(RECORD_FIELDS)
    json.dumps(record, ensure_ascii=False)  # always serialisable
    body = record["body"]
    assert "<" not in body and ">" not in body, body  # no tag survives
    assert "MARK" not in body, body  # no script, style, comment or other unseen text
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x84\x86-\x9f\ufffd\ufeff]", body), repr(body)
    assert all(line == line.strip() and line for line in body.split("\n")) or body == ""
    keys = long_keys(body)
    assert len(keys) == len(set(keys)), body  # no paragraph of >= 10 letters twice
    if record["title"] is not None:  # (a <title>'s text is raw: "<b>" in it is text, not a tag)
        assert record["title"] == normalize_space(record["title"]) and record["title"]


# -- the lower pieces ----------------------------------------------------------------------------

@FAST
@given(st.binary(max_size=4000), CONTENT_TYPES)
def test_decode_html_never_raises(body: bytes, content_type: str | None) -> None:
    text, encoding = decode_html(body, content_type)
    assert isinstance(text, str) and encoding
    if body.startswith(b"\xef\xbb\xbf") or (not body.startswith((b"\xff\xfe", b"\xfe\xff"))
                                            and _is_utf8(body)):
        assert encoding == "utf-8"


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@FAST
@given(st.binary(max_size=300), LYING_LABELS, st.booleans())
def test_a_charset_label_that_is_not_a_charset_is_ignored(body: bytes, label: str, in_header: bool) -> None:
    page = body if in_header else b'<meta charset="' + label.encode("utf-8") + b'">' + body
    text, encoding = decode_html(page, f"text/html; charset={label}" if in_header else None)
    assert encoding not in ("rot-13", "base64", "uu", "zlib", "hex", "bz2", "quopri", "undefined", "idna",
                            "punycode", "unicode-escape", "raw-unicode-escape", "utf-7")
    assert isinstance(text, str)


@FAST
@given(st.text())
def test_text_normalisers_on_any_string(text: str) -> None:
    norm = normalize_space(text)
    assert normalize_space(norm) == norm
    assert not re.search(r"\s\s", norm) and norm == norm.strip()
    key = match_key(text)
    assert match_key(key) == key == match_key(norm)
    assert all(ch.isalnum() for ch in key)
    assert boilerplate_rule(text) == boilerplate_rule(norm) in {None, *(name for name, _ in RULES)}


LINES = st.lists(st.one_of(st.text(max_size=60), CHINESE, st.sampled_from([
    "高新区管委会召开全体会议部署下半年工作", "高新区管委会召开全体会议部署下半年工作。", "高 新 区管委会召开全体会议部署下半年工作",
    "ＡＢＣ高新区管委会召开全体会议部署下半年工作", "（一）", "完", "——", "……", ""])), max_size=25)


@FAST
@given(LINES, st.one_of(st.none(), st.text(max_size=30), st.just("高新区管委会召开全体会议部署下半年工作")))
def test_drop_repeats_keeps_order_drops_only_repeats_and_is_idempotent(lines: list[str], title: str | None) -> None:
    out = drop_repeats(lines, title)
    remaining = iter(lines)
    assert all(any(kept is line for line in remaining) for kept in out), "a subsequence, in order"
    keys = [match_key(line) for line in out if len(match_key(line)) >= MIN_REPEAT_KEY]
    assert len(keys) == len(set(keys))
    assert drop_repeats(out, title) == out
    first_long = next((line for line in lines if len(match_key(line)) >= MIN_REPEAT_KEY
                       and match_key(line) != match_key(title or "")), None)
    if first_long is not None:
        assert first_long in out, "the first copy of a paragraph is the one kept"


@FAST
@given(st.integers(1, 3000), st.sampled_from(["div", "span", "font", "b", "table", "ul"]))
def test_deep_nesting_keeps_the_text(depth: int, tag: str) -> None:
    page = f"<html><body>{f'<{tag}>' * depth}正文文字{f'</{tag}>' * depth}<p>页尾文字</p></body></html>"
    root = parse_html(page)
    text = root.text_content()
    assert "正文文字" in text and "页尾文字" in text
    assert len(flatten_nesting(page)) <= len(page)


SPACES = [" " * 100_000, "\u3000" * 100_000 + "x", "2019-1-1" + " " * 50_000 + "x", "首页" + " " * 50_000 + "x",
          "来源：" + "\xa0" * 50_000 + "日期：2019-01-01" + " " * 50_000 + "】"]


@pytest.mark.parametrize("run", SPACES, ids=["spaces", "ideographic", "date", "crumb", "labels"])
def test_long_whitespace_runs_take_linear_time(run: str) -> None:
    """Patterns such as \\s*>\\s* are quadratic on a long run of spaces: raw text is normalised first."""
    started = time.perf_counter()
    boilerplate_rule(run)
    is_header_date(run)
    page = (f"<html><head><title>高新区{run}_成都高新区</title><meta name='PubDate' content='{run}'>"
            f"<meta property='og:title' content='{run}'></head><body><div class='breadcrumb'>{run}</div>"
            f"<h1>高新区{run}</h1><div>发布时间：{run}</div><p>{run}</p><p>正文{run}正文</p></body></html>")
    run_chain(page.encode(), "text/html; charset=utf-8")
    assert time.perf_counter() - started < 3


# -- the whole chain -----------------------------------------------------------------------------

@FAST
@given(st.binary(max_size=3000), CONTENT_TYPES)
def test_chain_never_raises_on_random_bytes(body: bytes, content_type: str | None) -> None:
    record = run_chain(body, content_type)
    if record is not None:
        assert list(record) == list(RECORD_FIELDS)
        json.dumps(record, ensure_ascii=False)


@SLOWER
@given(HTMLISH, st.sampled_from(["utf-8", "gb18030", "big5"]), st.booleans())
def test_chain_on_htmlish_text_leaks_no_markup(html: str, encoding: str, declare: bool) -> None:
    body = html.encode(encoding, "replace")
    record = run_chain(body, f"text/html; charset={encoding}" if declare else None)
    if record is not None:
        assert_clean_record(record)


# Article-like pages: a title, chrome, paragraphs of real length, repeats and short lines.
WORDS = ["高新区", "管委会", "成都", "发展", "战略", "研讨会", "举行", "企业", "项目", "投资", "创新", "园区", "建设", "签约",
         "产业", "人才", "政策", "服务", "2019年", "12月", "3日", "数字经济", "“", "”", "（", "）", "《", "》", "、", " ",
         "\u3000", "&nbsp;", "&amp;", "AI", "5G", "Ａ", "１", "\u200b", "<b>高新区</b>", "<span>园区</span>",
         "<em>产业</em>", "<a href='/news/1.html'>项目</a>"]
SENTENCE = st.lists(st.sampled_from(WORDS), min_size=10, max_size=25).map(lambda ws: "".join(ws) + "。")
PARAGRAPH = st.lists(SENTENCE, min_size=1, max_size=4).map("".join)
CHROME = st.sampled_from(["首页 > 新闻中心 > 园区动态", "来源：高新区 发布时间：2019-12-02 点击：", "【打印本页】【关闭窗口】",
                          "上一篇：高新区召开大会", "版权所有 成都高新区管委会", "责任编辑：张三", "分享到：", "相关新闻", "2019-12-02",
                          "<script>document.write('MARK')</script>", "<style>.MARK{}</style>"])
SHORT = st.sampled_from(["一、总体要求", "（一）", "附件：", "完", "图为签约现场", "高新区供图", "2019年12月2日", "成都高新区管委会",
                         "——", "……", "<b>二、重点任务</b>", "<strong>会议指出</strong>"])
TITLE_TEXT = st.lists(st.sampled_from(WORDS[:18]), min_size=3, max_size=10).map("".join)


@st.composite
def article_pages(draw: st.DrawFn) -> str:
    """Distinct paragraphs (one of them maybe twice) with chrome and distinct short lines between.

    (Many identical short lines between copies of one paragraph are not generated: once the copies
    are dropped, the short lines form a run longer than the body finder widens over, MAX_WIDEN.)"""
    title = draw(TITLE_TEXT)
    paragraphs = draw(st.lists(PARAGRAPH, min_size=1, max_size=8, unique_by=match_key))
    if draw(st.booleans()):  # the same paragraph again, as CMS copies do
        paragraphs.append(draw(st.sampled_from(paragraphs)))
    shorts = iter(draw(st.lists(SHORT, unique=True, max_size=4)))
    parts = []
    for text in paragraphs:
        if draw(st.integers(0, 5)) == 0:
            parts.append(f"<p>{draw(CHROME)}</p>")
        if draw(st.integers(0, 2)) == 0 and (short := next(shorts, None)):
            parts.append(f"<p>{short}</p>")
        wrap = draw(st.sampled_from(["<p>{}</p>", "<div>{}</div>", "{}<br>", "<p><span>{}</span></p>",
                                     "<p style='text-indent:2em'>{}</p>"]))
        parts.append(wrap.format(text))
    return (f"<html><head><title>{title}_成都高新区</title></head><body><div class='nav'><a href='/'>首页</a>"
            f"<a href='/a/'>新闻</a></div><h1>{title}</h1><div class='info'>来源：高新区 发布时间：2019-12-02</div>"
            f"<div class='content'>{''.join(parts)}</div><div class='footer'>版权所有 成都高新区</div></body></html>")


def rewrap(record: dict) -> bytes:
    """A cleaned record as the simplest page: its title and its body lines as <p>s."""
    paragraphs = "".join(f"<p>{escape(line)}</p>" for line in record["body"].split("\n"))
    title = escape(record["title"])
    return f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{paragraphs}</body></html>".encode()


@SLOWER
@given(article_pages(), st.sampled_from(["utf-8", "gb18030"]))
def test_cleaning_is_idempotent(page: str, encoding: str) -> None:
    record = run_chain(page.encode(encoding), f"text/html; charset={encoding}")
    assert record is not None
    assert_clean_record(record)
    if not record["title"] or len(record["body"]) < 40:  # not an article: the pipeline drops it
        return
    again = run_chain(rewrap(record), "text/html; charset=utf-8")
    assert again is not None
    assert again["title"] == record["title"]
    assert again["body"] == record["body"]
    assert again["content_hash"] == record["content_hash"]


def test_deeply_nested_json_ld_does_not_lose_the_article() -> None:
    page = ("<html><head><title>高新区召开数字经济产业发展大会_成都高新区</title>"
            f"<script type='application/ld+json'>{'[' * 100_000}</script></head><body>"
            "<h1>高新区召开数字经济产业发展大会</h1><div>发布时间：2023-05-06</div><div class='content'>"
            "<p>成都高新区管委会召开专题会议，研究部署数字经济产业发展工作，会议强调要持续优化营商环境，推动重点项目早落地。</p>"
            "</div></body></html>")
    record = run_chain(page.encode(), "text/html; charset=utf-8")
    assert record is not None and record["title"] == "高新区召开数字经济产业发展大会"

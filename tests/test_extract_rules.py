"""Extraction on small hand-written pages, one tricky template habit each."""

from __future__ import annotations

from zonenews.clean.record import build_record
from zonenews.extract import extract_article

PARAS = "".join(f"<p>园区第{n}项工作扎实推进，企业服务持续优化，全年新增市场主体{n}00余户，带动就业{n}千人。</p>"
                for n in range(1, 6))
NAV = "<div class='nav'>" + "".join(f"<a href='/c{n}/'>栏目{n}</a>" for n in range(8)) + "</div>"


def record(html: str, url: str = "http://www.example.gov.cn/a/1.html") -> dict:
    return build_record(extract_article(html.encode("utf-8"), url))


def test_logo_heading_matching_a_bare_site_title_is_not_the_title() -> None:
    page = (f"<html><head><title>示例高新区</title></head><body><div class='header'><h1>示例高新区</h1></div>{NAV}"
            f"<div class='main'><h2>示例高新区召开二季度经济运行分析会</h2><div>发布时间：2022-07-08</div>"
            f"<div class='content'>{PARAS}</div></div></body></html>")
    rec = record(page)
    assert rec["title"] == "示例高新区召开二季度经济运行分析会"
    assert rec["published_at"] == "2022-07-08"


def test_metadata_table_above_the_title() -> None:
    table = ("<table class='xxgk'><tr><td>索引号：</td><td>11510100MB1234567X/2023-00012</td>"
             "<td>主题分类：</td><td>工业、交通</td></tr><tr><td>发布机构：</td><td>示例高新区管委会</td>"
             "<td>成文日期：</td><td>2023-04-28</td></tr><tr><td>发布日期：</td><td>2023-05-06</td>"
             "<td>文号：</td><td>示高管发〔2023〕12号</td></tr></table>")
    page = (f"<html><head><title>关于印发示例政策的通知_示例高新区</title></head><body>{NAV}{table}"
            f"<h1>关于印发示例政策的通知</h1><div class='content'>{PARAS}</div></body></html>")
    rec = record(page)
    assert rec["title"] == "关于印发示例政策的通知"
    assert rec["published_at"] == "2023-05-06"
    assert rec["source"] == "示例高新区管委会"
    assert "索引号" not in rec["body"] and "文号" not in rec["body"]


def test_hidden_print_copy_and_related_dates() -> None:
    related = "<ul class='list'>" + "".join(
        f"<li><a href='/a/{n}.html'>其他新闻标题第{n}条</a><span>2024-0{n}-01</span></li>" for n in range(1, 6)) + "</ul>"
    page = (f"<html><head><title>园区新闻标题 - 示例高新区</title></head><body>{NAV}<h1>园区新闻标题</h1>"
            f"<p>2021年3月5日</p><div class='content'>{PARAS}</div>"
            f"<div style='display:none' class='print'>{PARAS}</div>{related}</body></html>")
    rec = record(page)
    assert rec["published_at"] == "2021-03-05"
    assert rec["body"].count("第1项工作") == 1
    assert "其他新闻" not in rec["body"]


def test_word_pasted_paragraphs_and_gbk_without_declaration() -> None:
    word = "".join(
        f"<p class=MsoNormal style='text-indent:32.0pt'><span style='font-family:仿宋_GB2312'>园区第{n}项"
        f"</span><span lang=EN-US>{n}</span><span>号工作扎实推进，企业服务持续优化。</span><o:p></o:p></p>"
        for n in range(1, 8))
    page = (f"<html><head><title>标题一则_示例</title></head><body><h1>标题一则</h1>"
            f"<div>日期：2020-01-02</div><div class='TRS_Editor'>{word}</div></body></html>")
    rec = build_record(extract_article(page.encode("gbk"), "http://www.example.gov.cn/a/2.html"))
    assert rec["body"].split("\n")[0] == "园区第1项1号工作扎实推进，企业服务持续优化。"
    assert len(rec["body"].split("\n")) == 7

"""Each cleaning and extraction rule on its own: what it removes and what it must keep."""

from __future__ import annotations

from datetime import date

import pytest

from zonenews.clean.boilerplate import boilerplate_rule
from zonenews.clean.repeats import drop_repeats
from zonenews.clean.text import content_hash, match_key, normalize_space
from zonenews.extract.dates import ANY_DATE_LABEL, PUBLISH_LABEL, date_from_url, find_date, parse_machine_date
from zonenews.extract.labels import clean_value, labelled_values

TODAY = date(2026, 11, 29)


@pytest.mark.parametrize("line, rule", [
    ("当前位置:主页 > 新闻中心 > 高新区新闻 >", "breadcrumb"),
    ("首页 > 新闻中心 > 园区动态", "breadcrumb"),
    ("来源:未知 日期:2019-12-02 点击:", "meta_line"),
    ("[2016-04-12] 来源：高新区招商局", "meta_line"),
    ("发布时间：2020-03-05 10:23:45　来源：成都高新区管委会　作者：张三", "meta_line"),
    ("字号：大 中 小", "meta_line"),
    ("【大 中 小】", "toolbar"),
    ("【打印本页】【关闭窗口】", "toolbar"),
    ("打印本页 关闭窗口", "toolbar"),
    ("分享到：微信 微博", "share"),
    ("扫一扫在手机打开当前页", "share"),
    ("上一篇：成都高新区举办招商推介会", "prev_next"),
    ("相关新闻", "related_heading"),
    ("点击蓝字 关注我们", "social_prompt"),
    ("长按识别二维码关注“成都高新”", "social_prompt"),
    ("版权所有 © 2019 成都高新区管委会 蜀ICP备12345号", "copyright"),
    ("川公网安备 51019002000123号", "copyright"),
    ("责任编辑：李四", "meta_line"),
    ("（审核：王五）", "meta_line"),
    ("（初审：王五 复审：李四）", "editor_line"),
    ("附件：", "attachment_label"),
    ("網站標識碼：4401000001", "copyright"),
])
def test_chrome_lines_are_named(line: str, rule: str) -> None:
    assert boilerplate_rule(line) == rule


@pytest.mark.parametrize("line", [
    "9月10日,2019年国家高新区发展战略研讨会暨国家高新区(成都)创新高层论坛在成都高新区菁蓉汇开幕。",
    "时间：2020年6月10日（星期三）下午2:30",
    "一、活动时间和地点",
    "60余家高新区代表齐聚菁蓉汇",
    "各有关单位：",
    "成都高新区管委会",
    "2020年5月25日",
    "（完）",
    "来源于企业的创新需求是园区发展的动力。",
])
def test_article_lines_are_kept(line: str) -> None:
    assert boilerplate_rule(line) is None


def test_repeats_differing_in_spacing_and_punctuation_width_are_dropped() -> None:
    para = "高新区代表称，建区30多年来，东湖高新区形成了渐进改革的园区管理体制。"
    variant = "高新区代表称,建区３０多年来, 东湖高新区形成了渐进改革的园区管理体制."
    assert drop_repeats([para, "第二段内容在这里，足够长的一句话。", variant]) == [para, "第二段内容在这里，足够长的一句话。"]


def test_title_repeated_as_a_line_is_dropped() -> None:
    title = "2019年国家高新区发展战略研讨会在成都高新区举行"
    assert drop_repeats([title, "正文第一段，内容足够长。", title], title=title) == ["正文第一段，内容足够长。"]


def test_short_repeated_lines_stay() -> None:
    lines = ["一等奖", "甲公司", "二等奖", "乙公司", "一等奖", "丙公司", "（一）", "（一）"]
    assert drop_repeats(lines) == lines


def test_a_merged_copy_of_earlier_paragraphs_is_dropped() -> None:
    first = "第一段讲的是园区今年的招商引资工作，新签约项目二十个，总投资超过一百亿元，创历史新高。"
    second = "第二段讲的是人才工作，园区新引进高层次人才三百余名，建成人才公寓两千套，服务持续优化。"
    assert drop_repeats([first, second, first + second]) == [first, second]


def test_a_heading_quoted_in_an_earlier_paragraph_stays() -> None:
    intro = "《江海开发区支持新一代信息技术产业高质量发展若干政策》已经管委会主任办公会审议通过。"
    heading = "江海开发区支持新一代信息技术产业高质量发展若干政策"
    assert drop_repeats([intro, heading]) == [intro, heading]


def test_normalize_and_hash() -> None:
    assert normalize_space("\u3000\u3000正文\xa0内容\u200b  在这里 ") == "正文 内容 在这里"
    assert match_key("Ａ，Ｂ 1") == "ab1"
    assert content_hash("正文，内容。") == content_hash("正文,内容.")


@pytest.mark.parametrize("text, labelled, expected", [
    ("发布时间：2019-12-02 10:23:45", True, "2019-12-02T10:23:45+08:00"),
    ("日期:2019-12-02", True, "2019-12-02"),
    ("2019年12月2日", False, "2019-12-02"),
    ("[2019/12/02 10:23]", False, "2019-12-02T10:23+08:00"),
    ("2031-01-01", False, None),
    ("1989-06-01", False, None),
    ("2019-02-30", False, None),
])
def test_dates(text: str, labelled: bool, expected: str | None) -> None:
    assert find_date(text, TODAY, ANY_DATE_LABEL if labelled else None) == expected


def test_publish_label_wins_over_other_date_labels() -> None:
    line = "成文日期：2023-04-28 发布日期：2023-05-06"
    assert find_date(line, TODAY, PUBLISH_LABEL) == "2023-05-06"
    assert find_date(line, TODAY, ANY_DATE_LABEL) == "2023-04-28"


@pytest.mark.parametrize("url, expected", [
    ("http://x.gov.cn/xwzx/202003/t20200305_123456.html", "2020-03-05"),
    ("http://x.gov.cn/art/2021/5/6/art_1234_567.html", "2021-05-06"),
    ("http://x.gov.cn/a/xwzx/2019/1202/123.html", "2019-12-02"),
    ("http://x.gov.cn/news/detail/2022-06-01/abc.html", "2022-06-01"),
    ("http://x.gov.cn/news/123.html", None),
])
def test_dates_in_urls(url: str, expected: str | None) -> None:
    assert date_from_url(url, TODAY) == expected


def test_machine_dates_convert_to_china_time() -> None:
    assert parse_machine_date("2020-03-05T02:23:45Z", TODAY) == "2020-03-05T10:23:45+08:00"
    assert parse_machine_date("2020-03-05", TODAY) == "2020-03-05"


def test_labels_and_placeholders() -> None:
    pairs = labelled_values("来源:未知 日期:2019-12-02 点击:")
    assert pairs == [("来源", "未知"), ("日期", "2019-12-02"), ("点击", "")]
    assert clean_value("未知", allow_spaces=False) is None
    assert clean_value("admin", allow_spaces=False) is None
    assert clean_value("本站", allow_spaces=False) == "本站"
    assert labelled_values("來源：珠海高新區管委會")[0] == ("来源", "珠海高新區管委會")

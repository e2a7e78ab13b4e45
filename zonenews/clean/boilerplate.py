"""Named rules for lines that are page chrome, not article text.

Each rule is a small predicate over one line; `boilerplate_rule` names the first that
matches so that tests and run statistics can say why a line went.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from zonenews.clean.text import fold_traditional, normalize_space
from zonenews.extract.breadcrumb import CRUMB_SEPARATOR, HOME_LABELS, POSITION_LABEL
from zonenews.extract.dates import DATE_RE
from zonenews.extract.labels import BYLINE, LABEL_RE, SOCIAL_PROMPT, label_count, label_name

# Words that make up toolbars: a line of nothing but these (and brackets) is chrome.
TOOLBAR_WORDS = (
    "打印本页", "打印此页", "打印文章", "打印本文", "打印", "关闭窗口", "关闭本页", "关闭", "返回顶部", "返回列表", "返回",
    "加入收藏", "收藏本页", "收藏", "保存本页", "无障碍", "长者模式", "关怀版", "适老化", "繁体", "简体", "繁體",
    "English", "字号", "字体", "大", "中", "小", "默认", "分享", "纠错", "我要纠错", "A+", "A-", "Top",
    "打印版本", "打印页面", "回到顶部", "顶部", "在看", "点赞", "转发", "收藏", "评论", "打印该页", "打印正文", "返回上页", "返回上一页", "返回首页", "关闭页面", "保存页面",
    "Print", "Close", "Close window", "Font size", "Font", "Large", "Medium", "Small", "Share", "Back",
    "Back to top", "Bookmark", "Email", "E-mail", "Save", "Print this page", "Text size",
)
_TOOLBAR = re.compile("|".join(sorted(map(re.escape, TOOLBAR_WORDS), key=len, reverse=True)), re.I)
_LEADING_TOOLBAR = re.compile(r"^(?:\s*[【\[]\s*(?:" + _TOOLBAR.pattern + r")\s*[】\]])+\s*", re.I)
_BRACKETS_AND_SEPARATORS = re.compile(r"[\s\[\]【】()（）|｜丨:：/,，、·•>\-_]+")

_SHARE = re.compile(r"^[\[【]?\s*(?:分享到|分享至|分享：|分享:|一键分享|扫一扫|微信扫一扫|手机扫一扫|扫描二维码|用手机扫|"
                    r"手机阅读|手机浏览|打开微信)")
# A reposted article's note of the title it had at its origin.
_ORIGINAL_TITLE = re.compile(r"^[\[【(（]?\s*原标题\s*[:：]")
_PREV_NEXT = re.compile(r"^[\[【(（]?\s*(?:上一篇|下一篇|上一条|下一条|上篇|下篇|上一页|下一页|上一則|下一則|前一篇|后一篇)")
_RELATED_HEADING = re.compile(
    r"^[\[【]?\s*(?:相关新闻|相关阅读|相关链接|相关文章|相关信息|相关稿件|推荐阅读|热点新闻|热门文章|热门新闻|延伸阅读|猜你喜欢|"
    r"最新动态|最新新闻|更多新闻|图片新闻|专题专栏)\s*[\]】]?\s*[:：]?\s*(?:更多\s*>*)?$"
)
_COPYRIGHT = re.compile(r"版权所有|Copyright|©|ICP备|ICP证|公网安备|网站标识码|主办单位|承办单位|技术支持|建议使用|"
                        r"浏览器浏览|分辨率|网站地图|政府网站找错|主办：|承办：", re.I)
_COMMENT = re.compile(r"^(?:发表评论|网友评论|我要评论|评论区|全部评论|请文明发言|验证码|查看评论|已有\d+人)")
_EDITOR = re.compile(r"^[\[【(（]?\s*(?:责任编辑|编辑|责编|审核|校对|初审|复审|终审|审校|签发|值班编辑)\s*[:：]")
_ATTACHMENT_LABEL = re.compile(r"^(?:附件|相关附件|附件下载|附件列表|下载附件|attachments?|annex(?:es)?|downloads?)"
                               r"\s*[:：]?$|^.{0,12}(?:下载|附件)\s*[:：]$", re.I)
# Reprint notices, permalinks and forum edit stamps.
_REPRINT = re.compile(r"^[\[【(（]?\s*(?:本文链接|原文链接|本文地址|文章链接|转载请注明|转载请保留|版权声明|免责声明|声明[:：]|"
                      r"本站部分文章|本文来源于网络|如有侵权)|^本帖最后由.{1,40}编辑$|^[（(]\s*(?:企业供稿|供稿|来稿|投稿)\s*[)）]$")
_COUNTER = re.compile(r"^(?:点击|浏览|阅读|访问)(?:数|量|次数)?\s*[:：]?\s*\d*\s*次?$")
_COUNTER_ANYWHERE = re.compile(r"(?:点击|浏览|阅读|访问)(?:数|量|次数)?\s*[:：]?\s*\d+|\d+\s*(?:次浏览|人阅读|次阅读)")
# A label line is a meta line when short, unless its label is a bare 时间/日期 (notices write
# "时间：2020年3月10日" as text).
_WEAK_LABELS = frozenset({"时间", "日期", "date", "time"})
_DATE_ONLY = re.compile(r"^[\[【(（]?\s*(?:(?:发布)?(?:时间|日期)\s*[:：]\s*)?" + DATE_RE.pattern + r"\s*[\]】)）]?$")


def _is_breadcrumb(line: str) -> bool:
    if POSITION_LABEL.match(line) and len(line) <= 200:
        return True
    parts = CRUMB_SEPARATOR.split(line, maxsplit=1)
    return len(parts) == 2 and parts[0].replace(" ", "").lower() in HOME_LABELS and len(line) <= 200


def _is_meta(line: str) -> bool:
    """来源:未知 日期:2019-12-02 点击: and its kin: two labels, or a strong label with a date, or
    a short line opening with a strong label. 时间：/日期： with a date alone is notice text."""
    if len(line) > 200:
        return False
    line = _LEADING_TOOLBAR.sub("", line)  # 【纠错】【责任编辑：X】: read past the toolbar words
    count, strong, starts_strong = label_count(line)
    has_date = bool(DATE_RE.search(line))
    if (count >= 2 and strong >= 1) or (strong >= 1 and has_date) or (starts_strong and len(line) <= 50):
        return True
    if _COUNTER.match(line) or (has_date and len(line) <= 60 and _COUNTER_ANYWHERE.search(line)):
        return True
    first = LABEL_RE.match(line.lstrip(" [【(（"))
    return bool(first) and len(line) <= 40 and label_name(first) not in _WEAK_LABELS


def _is_toolbar(line: str) -> bool:
    if len(line) > 60:
        return False
    rest = _BRACKETS_AND_SEPARATORS.sub("", _TOOLBAR.sub("", line))
    return not rest


RULES: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("breadcrumb", _is_breadcrumb),
    ("meta_line", _is_meta),
    ("toolbar", _is_toolbar),
    ("share", lambda line: bool(_SHARE.match(line)) and len(line) <= 80),
    ("social_prompt", lambda line: bool(SOCIAL_PROMPT.search(line)) and len(line) <= 60),
    ("original_title", lambda line: bool(_ORIGINAL_TITLE.match(line)) and len(line) <= 120),
    ("byline", lambda line: bool(BYLINE.match(line))),
    ("prev_next", lambda line: bool(_PREV_NEXT.match(line))),
    ("related_heading", lambda line: bool(_RELATED_HEADING.match(line))),
    ("copyright", lambda line: bool(_COPYRIGHT.search(line)) and len(line) <= 200),
    ("comment", lambda line: bool(_COMMENT.match(line)) and len(line) <= 60),
    ("editor_line", lambda line: bool(_EDITOR.match(line)) and len(line) <= 60),
    ("attachment_label", lambda line: bool(_ATTACHMENT_LABEL.match(line))),
    ("reprint_notice", lambda line: bool(_REPRINT.match(line)) and len(line) <= 160),
)


# Every rule judges short lines only (chrome is terse); longer lines are prose by construction.
MAX_RULE_LINE = 200


def boilerplate_rule(line: str) -> str | None:
    """Name of the first rule that calls this line chrome, or None for article text.

    The line is normalised first (lines from a page already are): the rules' `\\s*` around
    separators take quadratic time on a long run of spaces."""
    if len(line) > MAX_RULE_LINE:
        return None
    line = fold_traditional(normalize_space(line))
    for name, rule in RULES:
        if rule(line):
            return name
    return None


def is_header_date(line: str) -> bool:
    """A line that is only a date (and maybe its label): meta when it stands above the body."""
    return bool(_DATE_ONLY.match(normalize_space(line)))


# Lines mostly made of link text are navigation or related lists.
MAX_LINK_DENSITY = 0.6
# ... unless they are sentences a portal has linked word by word (links inside the sentences).
MAX_INLINE_LINK_DENSITY = 0.85


def too_linked(link_density: float, inline_links: bool = False) -> bool:
    """A line that is navigation or a related list by its links (not linked-up prose)."""
    return link_density >= (MAX_INLINE_LINK_DENSITY if inline_links else MAX_LINK_DENSITY)

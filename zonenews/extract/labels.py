"""The label vocabulary of zone-CMS meta lines (来源: / 发布时间: / 责任编辑: ...).

Which label feeds which record field:
- source: 来源, 信息来源, 文章来源, 稿源, 出处, 来源单位, 供稿, 供稿单位, 发布机构
- author: 作者, 撰稿, 撰稿人, 记者, 文, 通讯员
- editor: 责任编辑, 编辑, 责编
Date labels and counters (发布时间, 日期, 点击, 浏览次数 ...) only end the value before them.
"""

from __future__ import annotations

import re

from zonenews.clean.text import fold_traditional

# Labels are matched on text passed through fold_traditional (Big5 sites' 來源 counts as 来源),
# English ones case-insensitively (English versions of zone sites).
SOURCE_LABELS = ("信息来源", "文章来源", "来源单位", "供稿单位", "发布机构", "来源", "稿源", "出处", "供稿", "source")
AUTHOR_LABELS = ("撰稿人", "撰稿", "作者", "记者", "通讯员", "author", "written by", "文")
EDITOR_LABELS = ("责任编辑", "责编", "编辑", "editor", "edited by")
DATE_LABELS = ("发布时间", "发布日期", "发表时间", "生成日期", "发文日期", "成文日期", "更新时间", "发布于",
               "发佈时间", "release date", "publish date", "published", "updated", "posted", "日期", "时间",
               "date", "time")
COUNTER_LABELS = ("点击数", "点击量", "点击率", "点击", "浏览次数", "浏览量", "浏览", "阅读次数", "阅读量",
                  "阅读", "访问量", "访问次数", "字号", "字体", "发布者", "发布人", "审核", "校对", "摄影",
                  "views", "hits", "clicks", "font size", "photo by", "photo")
# The metadata table of 政府信息公开 pages (索引号, 文号, 主题分类 ...).
DISCLOSURE_LABELS = ("索引号", "发文字号", "文号", "主题分类", "体裁分类", "组配分类", "服务对象", "公开方式",
                     "公开范围", "公开时限", "有效性", "发文机关", "所属机构", "信息分类", "关键词", "主题词")
# Labels that mark a line as a meta line even when alone on a short line.
STRONG_LABELS = frozenset((*SOURCE_LABELS, *AUTHOR_LABELS[:-1], *EDITOR_LABELS, *DATE_LABELS[:-4],
                           *DISCLOSURE_LABELS, "点击数", "点击量", "点击", "浏览次数", "阅读次数", "访问量",
                           "发布者", "发布人", "views", "hits"))

_ALL = sorted({*SOURCE_LABELS, *AUTHOR_LABELS, *EDITOR_LABELS, *DATE_LABELS, *COUNTER_LABELS,
               *DISCLOSURE_LABELS}, key=len, reverse=True)
_CJK_LABELS = [x for x in _ALL if not x.isascii() and x != "文"]
_LATIN_LABELS = [x for x in _ALL if x.isascii()]
# A label is followed by a colon. "文" needs no letter before it and takes "文/王琳" too, as photo
# credits write it; English labels stand as words. In a metadata table the label is a cell of its
# own, with no colon ("发布机构 XX 成文日期 YY"), so long labels standing alone between spaces count too.
_CELL_LABELS = [x for x in _ALL if len(x) >= 3 and x in STRONG_LABELS and not x.isascii()]
LABEL_RE = re.compile(
    r"(?<![\u4e00-\u9fff])文\s*/\s*图\s*[:：]|(?<![\u4e00-\u9fff])[文图]\s*[:：/]|(?:" + "|".join(_CJK_LABELS) + r")\s*[:：]"
    r"|(?<![A-Za-z])(?:" + "|".join(x.replace(" ", r"\s+") for x in _LATIN_LABELS) + r")\s*[:：]"
    r"|(?:(?<=^)|(?<=\s))(?:" + "|".join(_CELL_LABELS) + r")(?=\s)", re.I)


def label_name(match: re.Match[str]) -> str:
    """The label of a LABEL_RE match, as the label lists spell it."""
    name = " ".join(match.group(0).rstrip(":：/ ").split()).lower()
    return "文" if name.startswith("文") and "/" in name else name  # 文/图：X names the writer


PLACEHOLDERS = frozenset(
    ["未知", "空", "无", "暂无", "佚名", "匿名", "admin", "administrator", "管理员", "超级管理员", "系统管理员", "网站管理员", "system", "null", "none", "-", "--", "不详", "本站编辑"]
)

_VALUE_TRIM = " \t|｜丨/\\【】[]()（）<>《》,，;；.。·•"
# A value ends at a clause break: "来源：XX，谢谢合作" is a notice, its source is XX.
_VALUE_END = re.compile(r"[，,。；;！!？?]|\s[·•|｜丨/]\s|\s+[【\[]|\s+(?:字号|大\s*中\s*小)|\s*(?:阅读|浏览|点击|访问)(?:数|量|次数)?\s*\d")


def labelled_values(line: str) -> list[tuple[str, str]]:
    """[(label, value)] for every 'label: value' pair on a meta line; a value ends at the next label."""
    matches = list(LABEL_RE.finditer(fold_traditional(line)))
    pairs = []
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(line)
        label = label_name(m)  # the folded label; the value stays as printed
        pairs.append((label, line[m.end():end].strip(_VALUE_TRIM)))
    return pairs


def label_count(line: str) -> tuple[int, int, bool]:
    """(labels, strong labels) a line carries, and whether it starts with a strong one."""
    line = fold_traditional(line)
    labels = [label_name(m) for m in LABEL_RE.finditer(line)]
    head = line.lstrip(" [【(（").strip()
    first = LABEL_RE.match(head)
    starts_strong = bool(first) and label_name(first) in STRONG_LABELS
    return len(labels), sum(lbl in STRONG_LABELS for lbl in labels), starts_strong


def clean_value(value: str, *, allow_spaces: bool) -> str | None:
    """A field value, or None when it is empty or a placeholder such as 未知 or admin."""
    value = _VALUE_END.split(value.strip(_VALUE_TRIM), maxsplit=1)[0]
    if value.isascii():  # English values are words with spaces between them
        value = value if len(value) <= 80 else ""
    elif not allow_spaces or len(value) > 30:
        value = value.split(" ")[0]
    value = value.strip(_VALUE_TRIM)
    if not value or value.lower() in PLACEHOLDERS or (len(value) > 40 and not value.isascii()):
        return None
    return value


# Calls to action of WeChat public-account articles reposted on zone sites (lines and banners).
SOCIAL_PROMPT = re.compile(r"点击蓝字|关注我们|长按识别|长按二维码|识别二维码|扫码关注|阅读原文|点个在看|点亮在看|"
                           r"分享.?点赞|点赞.?在看|在看.?分享|欢迎关注|一键关注")

# A reporter's byline on a line of its own: 本报记者 何佳 / 记者 张三 李四 (the author field takes it;
# the inline lead "本报讯（记者 张三）..." is body and names no author).
BYLINE = re.compile(r"^[(（]?\s*(?:本报|本网|本台|本刊|新华社)?(?:首席)?(?:记者|通讯员)\s*"
                    r"(?P<names>[\u4e00-\u9fff]{2,4}(?:[、\s]+[\u4e00-\u9fff]{2,4}){0,3})\s*[)）]?$")

"""Text normalisation shared by every step that compares or emits text."""

from __future__ import annotations

import hashlib
import re
import unicodedata

# Zero-width and bidi marks that CMS editors paste in; they are invisible and break matching.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\ufffd"), None)
# Control characters (C0 but whitespace, DEL, C1 but NEL) from stray bytes and &#1;-style entities.
_INVISIBLE.update(dict.fromkeys([*range(0x00, 0x09), *range(0x0e, 0x1c), *range(0x7f, 0x85), *range(0x86, 0xa0)]))
_SPACE_RUN = re.compile(r"\s+")


def normalize_space(text: str) -> str:
    """Collapse every whitespace run (incl. \\u3000 and nbsp) to one space; strip invisibles."""
    return _SPACE_RUN.sub(" ", text.translate(_INVISIBLE)).strip()


_NOT_ALNUM = re.compile(r"[\W_]+")


def match_key(text: str) -> str:
    """A key under which two paragraphs count as the same.

    NFKC folds full-width letters, digits and punctuation to half-width; whitespace,
    punctuation and symbols are dropped, so repeats that differ only in spacing or
    punctuation width share a key.
    """
    folded = unicodedata.normalize("NFKC", text.translate(_INVISIBLE)).lower()
    return _NOT_ALNUM.sub("", folded)  # keeps exactly the letters and numbers (categories L*, N*)


# Traditional forms of the characters that page chrome and meta labels are made of, so that
# one set of rules reads Big5 sites too. One character for one keeps string offsets aligned.
_TRADITIONAL_PAIRS = (
    "關关閉闭網网識识碼码備备權权頁页擊击覽览閱阅編编輯辑責责發发時时間间來来號号頂顶體体當当錄录處处據据"
    "訊讯記记訪访問问數数導导聯联繫系門门戶户臺台開开標标題题點点瀏浏讀读製制圖图書书國国與与為为產产業业"
    "區区園园聞闻動动態态資资專专欄栏熱热條条級级電电話话郵邮務务環环視视頻频報报規规劃划設设計计術术維维"
    "護护辦办廳厅請请評评論论驗验證证掃扫機机舊旧內内後后傳传際际經经濟济廣广東东華华單单會会員员網网"
)
_TRADITIONAL = str.maketrans(dict(zip(_TRADITIONAL_PAIRS[::2], _TRADITIONAL_PAIRS[1::2], strict=True)))


def fold_traditional(text: str) -> str:
    """Map the traditional characters of chrome and labels to simplified ones, offsets unchanged."""
    return text.translate(_TRADITIONAL)


def content_hash(body: str) -> str:
    """SHA-1 of the body's match key: stable across whitespace and punctuation-width changes."""
    return hashlib.sha1(match_key(body).encode("utf-8")).hexdigest()


_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")


def guess_lang(text: str) -> str | None:
    """'zh' when Han characters dominate the letters, 'en' for Latin text, else None."""
    han = len(_HAN.findall(text))
    latin = len(_LATIN.findall(text))
    if han == 0 and latin == 0:
        return None
    if han * 3 >= latin:  # a Han character carries about a word; Latin words are ~5 letters
        return "zh"
    return "en"


def bigram_f1(got: str, expected: str) -> float:
    """F1 over character bigrams of the letters and digits, line by line: how far two texts agree,
    order-aware within a line, blind to whitespace and punctuation."""
    from collections import Counter

    def grams(text: str) -> Counter[str]:
        counts: Counter[str] = Counter()
        for line in text.split("\n"):
            key = match_key(line)
            counts.update(key[i:i + 2] for i in range(len(key) - 1))
        return counts

    g, e = grams(got), grams(expected)
    if not g and not e:
        return 1.0
    common = sum((g & e).values())
    if not common:
        return 0.0
    precision, recall = common / sum(g.values()), common / sum(e.values())
    return 2 * precision * recall / (precision + recall)

"""Text normalisation shared by every step that compares or emits text."""

from __future__ import annotations

import hashlib
import re
import unicodedata

# Zero-width and bidi marks that CMS editors paste in; they are invisible and break matching.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\ufffd"), None)
_SPACE_RUN = re.compile(r"\s+")


def normalize_space(text: str) -> str:
    """Collapse every whitespace run (incl. \\u3000 and nbsp) to one space; strip invisibles."""
    return _SPACE_RUN.sub(" ", text.translate(_INVISIBLE)).strip()


def match_key(text: str) -> str:
    """A key under which two paragraphs count as the same.

    NFKC folds full-width letters, digits and punctuation to half-width; whitespace,
    punctuation and symbols are dropped, so repeats that differ only in spacing or
    punctuation width share a key.
    """
    folded = unicodedata.normalize("NFKC", text.translate(_INVISIBLE)).lower()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LN")


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

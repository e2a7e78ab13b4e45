"""In-page duplicates: a second copy of the article, repeated paragraphs, the title again.

The rule: a line whose match key (letters and digits after NFKC folding) has at least
MIN_REPEAT_KEY characters is dropped when the same key was already kept; one of at least
MIN_CONTAINED_KEY also when it lies inside a kept paragraph or kept paragraphs cover it (a copy
whose paragraphs were merged or split differently). Shorter lines inside a paragraph are
headings or quotes that name what the text talks about, and stay. Shorter lines
(list markers such as （一）, table cells, 完) are never treated as repeats: short lines
recur legitimately and a false merge loses text.
"""

from __future__ import annotations

from zonenews.clean.text import match_key

MIN_REPEAT_KEY = 10
MIN_CONTAINED_KEY = 50
# Containment checks are quadratic; past this many kept paragraphs only exact keys count.
MAX_CONTAINMENT_CHECKS = 400


def _covered(key: str, kept_long: list[str]) -> bool:
    if any(key in prev for prev in kept_long):
        return True
    residual = key
    for prev in kept_long:
        if prev in residual:
            residual = residual.replace(prev, "")
    return len(residual) < max(MIN_REPEAT_KEY, 0.1 * len(key))


def drop_repeats(lines: list[str], title: str | None = None) -> list[str]:
    """Lines in order, each once; the title is not repeated as a line."""
    title_key = match_key(title or "")
    seen: set[str] = set()
    kept_long: list[str] = []
    out: list[str] = []
    for line in lines:
        key = match_key(line)
        if not key:  # separators such as ------ or ……: no text to keep
            continue
        if title_key and key == title_key:
            continue
        if len(key) >= MIN_REPEAT_KEY:
            if key in seen:
                continue
            if (len(key) >= MIN_CONTAINED_KEY and len(kept_long) <= MAX_CONTAINMENT_CHECKS
                    and _covered(key, kept_long)):
                continue
            kept_long.append(key)
        seen.add(key)
        out.append(line)
    return out

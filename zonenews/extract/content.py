"""Find the article body: the run of blocks with the most paragraph text and the fewest links."""

from __future__ import annotations

import re

from zonenews.extract.blocks import Block
from zonenews.extract.media import attachment_extension

# A block's worth: its plain characters, minus link text twice over, minus a per-block cost
# so that menus of short items sink while long paragraphs float. Plain lines without links cost
# little: name lists, table rows and signatures are short but still the article.
BLOCK_COST = 15
PLAIN_BLOCK_COST = 4
_SENTENCE_MARK = re.compile(r"[。！？；，,.!?;]")


def block_value(block: Block) -> float:
    if not block.text:
        return 0.0  # an image on its own line neither helps nor breaks a run
    if block.boilerplate:
        return -(len(block.text) + BLOCK_COST)
    plain = len(block.text) - block.link_chars
    return plain - 2 * block.link_chars - (BLOCK_COST if block.link_chars else PLAIN_BLOCK_COST)


def densest_run(blocks: list[Block], stop: Block | None = None) -> list[Block]:
    """The contiguous run of blocks with the highest total value (Kadane), widened to its
    short sibling lines (a salutation, a caption, a signature and its date), never past stop."""
    best_sum, best = 0.0, (0, -1)
    current, start = 0.0, 0
    for i, block in enumerate(blocks):
        if current <= 0:
            current, start = 0.0, i
        current += block_value(block)
        if current > best_sum:
            best_sum, best = current, (start, i)
    start, end = best
    if end < start:
        return []
    start, end = _widen(blocks, start, end, stop)
    return blocks[start:end + 1]


MAX_WIDEN = 6


def _lineage(block: Block, levels: int = 3) -> list:
    chain, el = [], block.owner
    while el is not None and len(chain) < levels:
        chain.append(el)
        el = el.getparent()
    return chain


def _same_container(a: Block, b: Block) -> bool:
    """Both blocks sit in one container: one's parent is the other's owner, parent or grandparent."""
    la, lb = _lineage(a), _lineage(b)
    return any(x is y for x in la[:2] for y in lb) or any(x is y for x in la for y in lb[:2])


def _widen(blocks: list[Block], start: int, end: int, stop: Block | None) -> tuple[int, int]:
    for step in (-1, 1):
        edge = start if step < 0 else end
        for _ in range(MAX_WIDEN):
            nxt = edge + step
            if not 0 <= nxt < len(blocks):
                break
            block = blocks[nxt]
            linky = block.link_density >= 0.5 and not all(attachment_extension(h) for h, _ in block.links)
            if block is stop or block.boilerplate or linky or not _same_container(block, blocks[edge]):
                break
            edge = nxt
        if step < 0:
            start = edge
        else:
            end = edge
    return start, end


def is_paragraph(block: Block) -> bool:
    """Running prose rather than a heading, label or meta line."""
    plain = len(block.text) - block.link_chars
    return plain >= 30 and bool(_SENTENCE_MARK.search(block.text)) and block.link_density < 0.3


def first_paragraph(run: list[Block]) -> int:
    """Position in run of the first prose paragraph (len(run) when none)."""
    return next((i for i, b in enumerate(run) if is_paragraph(b)), len(run))

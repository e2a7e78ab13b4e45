"""Find the article body: the run of blocks with the most paragraph text and the fewest links."""

from __future__ import annotations

import re

from zonenews.extract.blocks import Block

# A block's worth: its plain characters, minus link text twice over, minus a per-block cost
# so that menus of short items sink while long paragraphs float.
BLOCK_COST = 15
_SENTENCE_MARK = re.compile(r"[。！？；，,.!?;]")


def block_value(block: Block) -> float:
    if not block.text:
        return 0.0  # an image on its own line neither helps nor breaks a run
    if block.boilerplate:
        return -(len(block.text) + BLOCK_COST)
    plain = len(block.text) - block.link_chars
    return plain - 2 * block.link_chars - BLOCK_COST


def densest_run(blocks: list[Block]) -> list[Block]:
    """The contiguous run of blocks with the highest total value (Kadane)."""
    best_sum, best = 0.0, (0, -1)
    current, start = 0.0, 0
    for i, block in enumerate(blocks):
        if current <= 0:
            current, start = 0.0, i
        current += block_value(block)
        if current > best_sum:
            best_sum, best = current, (start, i)
    return blocks[best[0]:best[1] + 1]


def is_paragraph(block: Block) -> bool:
    """Running prose rather than a heading, label or meta line."""
    plain = len(block.text) - block.link_chars
    return plain >= 30 and bool(_SENTENCE_MARK.search(block.text)) and block.link_density < 0.3


def first_paragraph(run: list[Block]) -> int:
    """Position in run of the first prose paragraph (len(run) when none)."""
    return next((i for i, b in enumerate(run) if is_paragraph(b)), len(run))

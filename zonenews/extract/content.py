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
    if block.link_chars and inline_linked(block):  # linked words inside sentences are still text
        return len(block.text) - block.link_chars / 2 - BLOCK_COST
    return plain - 2 * block.link_chars - (BLOCK_COST if block.link_chars else PLAIN_BLOCK_COST)


def inline_linked(block: Block) -> bool:
    """Prose whose links sit inside its sentences (a portal linking names and places), not a
    headline link with a teaser after it or a line of links."""
    plain = len(block.text) - block.link_chars
    if plain < 12 or len(_SENTENCE_MARK.findall(block.text)) < 2 or not block.links:
        return False
    first = block.links[0][1]
    return bool(first) and not block.text.startswith(first)


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


_ORG_NAME = re.compile(r"^[\u4e00-\u9fff（）()]{4,30}(?:局|委|委员会|会|中心|公司|办公室|办|政府|管委会|部|处|院|所|厅|组|科|队)$")
_DATE_LINE = re.compile(r"^\s*(?:19|20)\d{2}\s*[年./-]\s*\d{1,2}\s*[月./-]\s*\d{1,2}\s*日?\s*$")


def _signature_box(block: Block, edge: Block) -> bool:
    """A signature line (issuer, date) in a sibling box of the text (<div class="article-sign">)."""
    if block.links or not (_ORG_NAME.match(block.text) or _DATE_LINE.match(block.text)):
        return False
    la, lb = _lineage(block), _lineage(edge)
    return len(la) == len(lb) == 3 and la[2] is lb[2]


def _toolbar(block: Block) -> bool:
    """A short line to step over: links that only run scripts (print, close, font size), or a
    short piece of chrome inside the text (a video box's label)."""
    if len(block.text) > 30:
        return False
    if block.links:
        return all(h.lower().startswith(("javascript:", "#")) for h, _ in block.links)
    return block.boilerplate and len(block.text) <= 20


def _lineage(block: Block, levels: int = 3) -> list:
    chain, el = [], block.owner
    while el is not None and len(chain) < levels:
        chain.append(el)
        el = el.getparent()
    return chain


def _same_container(a: Block, b: Block) -> bool:
    """Both blocks sit in one container: one's parent is the other's owner, parent or grandparent
    (for table cells: their rows sit in one table)."""
    if a.tag in ("td", "th") and b.tag in ("td", "th"):
        ra, rb = a.owner.getparent(), b.owner.getparent()
        if ra is not None and rb is not None and ra.getparent() is rb.getparent():
            return True
    la, lb = _lineage(a), _lineage(b)
    return any(x is y for x in la[:2] for y in lb) or any(x is y for x in la for y in lb[:2])


def _widen(blocks: list[Block], start: int, end: int, stop: Block | None) -> tuple[int, int]:
    for step in (-1, 1):
        edge = pos = start if step < 0 else end
        for _ in range(MAX_WIDEN):
            pos += step
            if not 0 <= pos < len(blocks) or blocks[pos] is stop:
                break
            block = blocks[pos]
            if _toolbar(block):  # 【打印】【关闭】 between the text and its signature: step over it
                continue
            linky = block.link_density >= 0.5 and not all(attachment_extension(h) for h, _ in block.links)
            if block.boilerplate or linky or not (_same_container(block, blocks[edge]) or _signature_box(
                    block, blocks[edge])):
                break
            edge = pos
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

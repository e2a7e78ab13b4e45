"""`zonenews explain FILE|URL`: why a page becomes this record, or why it is skipped."""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

from zonenews.commands import UsageError, check_url

MAX_BLOCKS = 120


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "explain", help="show how one page is read: blocks, body run, candidates, verdict",
        description="Read one saved page or URL the way the chain does and print its text blocks (with the "
        "body run marked), the title and date found, each body candidate (ours, and trafilatura's when ours "
        "is doubtful) with its figures, and the verdict: the record, or the reason the page is skipped.",
        epilog="examples:\n  zonenews explain saved/article.html\n  zonenews explain http://www.example.gov.cn/a/1.html",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("page", metavar="FILE|URL", help="a saved HTML file, or an http(s) URL to fetch once")
    p.add_argument("--url", help="the page's URL, for a saved file (default: its file URI)")
    p.add_argument("--all-blocks", action="store_true", help=f"print every block (default: at most {MAX_BLOCKS})")
    p.add_argument("--crawl", action="store_true", help="judge as a crawl does (an undated page is skipped)")


def _read(args: argparse.Namespace) -> tuple[bytes, str, str | None]:
    if args.page.startswith(("http://", "https://")):
        from zonenews.fixtures import FetchError, fetch, header_value
        from zonenews.settings import DOWNLOAD_MAXSIZE, DOWNLOAD_TIMEOUT, USER_AGENT

        try:
            response = fetch(check_url(args.page), user_agent=USER_AGENT, timeout=DOWNLOAD_TIMEOUT,
                             max_size=DOWNLOAD_MAXSIZE)
        except FetchError as exc:
            raise UsageError(str(exc)) from None
        return response.body, response.final_url, header_value(response.headers, "Content-Type")
    path = Path(args.page)
    if not path.is_file():
        raise UsageError(f"no such file: {path} (give a saved HTML file or an http(s) URL)")
    try:
        return path.read_bytes(), check_url(args.url) if args.url else path.resolve().as_uri(), None
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None


def block_lines(body: bytes, content_type: str | None, run: set[int], limit: int | None) -> list[str]:
    from zonenews.extract.blocks import drop_unseen, linearize
    from zonenews.extract.content import block_value
    from zonenews.extract.page import load_page

    tree = load_page(body, content_type).tree
    drop_unseen(tree)
    lines = ["blocks (R: body run, H: hidden, C: chrome; value as the body finder weighs it):"]
    shown = [b for b in linearize(tree) if b.text]
    for block in shown[:limit]:
        flags = ("R" if block.index in run else " ") + ("H" if block.hidden else " ") + ("C" if block.boilerplate else " ")
        text = block.text if len(block.text) <= 70 else block.text[:67] + "..."
        lines.append(f"  {flags} {block.index:>4} {block.tag:<8} {block_value(block):>7.0f}  {text}")
    if limit is not None and len(shown) > limit:
        lines.append(f"  ... {len(shown) - limit} more blocks (--all-blocks)")
    return lines


def run(args: argparse.Namespace) -> int:
    from zonenews.clean.verdict import judge
    from zonenews.extract import extract_tree
    from zonenews.extract.page import UnreadablePage, load_page

    body, url, content_type = _read(args)
    print(f"page: {url} ({len(body)} bytes)")
    try:
        page = load_page(body, content_type)
    except UnreadablePage as exc:
        print(f"verdict: skipped ({exc.reason}): the response is no page to read")
        return 0
    raw = extract_tree(page.tree, url, date.today())
    print(f"encoding: {page.encoding}; the page says it is: {raw.page_type or '-'}")
    print("\n".join(block_lines(body, content_type, set(raw.run_indices), None if args.all_blocks else MAX_BLOCKS)))
    print(f"title: {raw.title!r}\npublished_at: {raw.published_at!r}\n"
          f"body run: {len(raw.run_indices)} blocks, link density {raw.run_link_density:.2f}, "
          f"{raw.dated_links} dated headline links")
    verdict = judge(raw, page.text, allow_undated=not args.crawl)
    print("doubts about our body: " + (", ".join(verdict.doubts) or "none"))
    for c in verdict.candidates:
        agreement = "" if c.agreement is None else f", agreement with ours {c.agreement:.2f}"
        print(f"candidate {c.name}: {len(c.body)} chars, prose share {c.prose_share:.2f}, "
              f"{c.dated_lines} dated short lines{agreement}")
    if verdict.record is None:
        print(f"verdict: skipped ({verdict.reason})" + (f": {', '.join(verdict.doubts)}" if verdict.doubts else ""))
        return 0
    print(f"verdict: a record, body from {verdict.winner}")
    print(json.dumps(verdict.record, ensure_ascii=False, indent=2))
    return 0

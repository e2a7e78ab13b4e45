"""`zonenews eval`: accuracy on a folder of fixtures, zonenews next to trafilatura; the accuracy baseline."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from zonenews.commands import UsageError, check_writable

EPILOG = """examples:
  zonenews eval tests/fixtures/pages
  zonenews eval tests/fixtures/pages --update-baseline tests/fixtures/accuracy_baseline.json
  zonenews eval tests/fixtures/pages --update-baseline tests/fixtures/accuracy_baseline.json \\
      --allow-lower --reason "new hard fixture: article twice in one table"

--update-baseline writes the figures when none is worse than the file's; a lower figure needs
--allow-lower and a --reason, which the file records (give it in the commit message too)."""

ROWS = (
    ("title", "title_accuracy"), ("published_at", "published_at_accuracy"), ("source", "source_accuracy"),
    ("author", "author_accuracy"), ("editor", "editor_accuracy"), ("category", "category_accuracy"),
    ("attachments", "attachments_accuracy"), ("images", "images_accuracy"),
    ("body F1 median", "body_f1_median"), ("body F1 p10", "body_f1_p10"),
    ("repeated paragraphs", "repeated_paragraphs"), ("boilerplate leaks", "boilerplate_leaks"),
)
MAX_MISSES = 20


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("eval", help="accuracy on a folder of fixtures, next to trafilatura's",
                       description="Per-field accuracy and body character F1 (median, p10) of zonenews on a "
                       "folder of fixtures (<case>.html + <case>.json pairs, or saved site fixtures), and of "
                       "trafilatura alone on the same pages, side by side.",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("dirs", nargs="+", metavar="DIR", help="a folder of fixtures")
    p.add_argument("--no-trafilatura", action="store_true", help="zonenews only (faster)")
    p.add_argument("--json", action="store_true", help="print the figures as JSON instead of a table")
    p.add_argument("--update-baseline", metavar="FILE",
                   help="write the figures to this accuracy baseline when none is worse than it")
    p.add_argument("--allow-lower", action="store_true", help="with --update-baseline: accept worse figures")
    p.add_argument("--reason", help="with --update-baseline: why (required with --allow-lower; recorded)")


def run(args: argparse.Namespace) -> int:
    from zonenews.evaluate import Chain, evaluate_case, summarize, summarize_trafilatura, trafilatura_result
    from zonenews.fixtures import discover

    if (args.allow_lower or args.reason is not None) and not args.update_baseline:
        raise UsageError("--allow-lower and --reason go with --update-baseline FILE")
    if args.allow_lower and not (args.reason or "").strip():
        raise UsageError('--allow-lower needs --reason "why the accuracy may go down" (it is recorded)')
    dirs = [Path(d) for d in args.dirs]
    for folder in dirs:
        if not folder.is_dir():
            raise UsageError(f"not a folder: {folder}")
    if args.update_baseline:
        check_writable(args.update_baseline)
    from zonenews.testing.gold import is_gold_folder

    gold = [d for d in dirs if is_gold_folder(d)]
    if gold:
        if len(gold) != len(dirs):
            raise UsageError("give either folders of real pages with gold or folders of fixtures, not both")
        return run_gold(args, dirs)
    found = discover(dirs)
    for case in found:
        if case.error:
            print(f"zonenews: warning: skipping {case.name}: {case.error}", file=sys.stderr)
    cases = [c for c in found if c.error is None]
    if not cases:
        raise UsageError(f"no fixtures in {', '.join(map(str, dirs))}")

    chain = Chain()
    results = [evaluate_case(case, chain) for case in cases]
    summary = summarize(results)
    theirs = None
    if not args.no_trafilatura:
        theirs = summarize_trafilatura(cases, [trafilatura_result(case) for case in cases])
    corpus = [_display_path(d) for d in dirs]
    if args.json:
        print(json.dumps({"corpus": corpus, "zonenews": summary, "trafilatura": theirs}, ensure_ascii=False,
                         indent=2))
    else:
        print("\n".join(table(summary, theirs, corpus) + misses(results)))
    if args.update_baseline:
        return update_baseline(Path(args.update_baseline), summary, corpus, args.allow_lower, args.reason)
    return 0


GOLD_ROWS = (
    ("pages", "pages"), ("pages without record", "pages_without_record"), ("body F1 median", "body_f1_median"),
    ("body F1 p10", "body_f1_p10"), ("body F1 mean", "body_f1_mean"), ("title", "title_accuracy"),
    ("dates right", "dates_right"), ("dates in gold", "dates_gold"), ("repeated paragraphs", "repeated_paragraphs"),
)


def run_gold(args: argparse.Namespace, dirs: list[Path]) -> int:
    """Real pages with their datasets' gold: body bigram F1, titles, dates, pages without a record."""
    from zonenews.evaluate import Chain
    from zonenews.testing.gold import evaluate_gold, load_gold, summarize_gold, trafilatura_gold, worst

    cases = [case for folder in dirs for case in load_gold(folder)]
    if not cases:
        raise UsageError(f"no pages with gold in {', '.join(map(str, dirs))}")
    results = evaluate_gold(cases, Chain())
    summary = summarize_gold(results)
    theirs = None if args.no_trafilatura else trafilatura_gold(cases)
    corpus = [_display_path(d) for d in dirs]
    if args.json:
        print(json.dumps({"corpus": corpus, "zonenews": summary, "trafilatura": theirs}, ensure_ascii=False, indent=2))
    else:
        print(f"{len(cases)} real pages with gold in {', '.join(corpus)}\n")
        print(f"{'':<22}{'zonenews':>10}" + (f"{'trafilatura':>14}" if theirs else ""))
        for label, key in GOLD_ROWS:
            value = summary[key]
            cell = f"{value:.3f}" if isinstance(value, float) and key != "pages" else str(value)
            other = "" if not theirs else (f"{theirs[key]:.3f}" if isinstance(theirs[key], float) else str(theirs[key]))
            print(f"{label:<22}{cell:>10}" + (f"{other:>14}" if theirs else ""))
        print("\nlowest body F1:\n" + "\n".join(worst(results)))
    if args.update_baseline:
        return update_baseline(Path(args.update_baseline), summary, corpus, args.allow_lower, args.reason)
    return 0


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _cell(key: str, value: float | None) -> str:
    if value is None:
        return "-"
    if key.endswith("_accuracy"):
        return f"{100 * value:.1f}%"
    if key.startswith("body_f1"):
        return f"{value:.3f}"
    return str(int(value))


def table(ours: dict[str, Any], theirs: dict[str, Any] | None, corpus: list[str]) -> list[str]:
    lines = [f"{ours['pages']} pages in {', '.join(corpus)}", ""]
    header = f"{'':<22}{'zonenews':>10}" + (f"{'trafilatura':>14}" if theirs is not None else "")
    lines.append(header)
    for label, key in ROWS:
        line = f"{label:<22}{_cell(key, ours.get(key)):>10}"
        if theirs is not None:
            line += f"{_cell(key, theirs.get(key)):>14}"
        lines.append(line)
    if theirs is not None:
        lines += ["", "trafilatura gives no source, editor, category, attachments or images ('-'); its dates "
                  "carry no time, so published_at is compared on the date part for it."]
    return lines


def misses(results: list[Any]) -> list[str]:
    wrong = [(r.case.name, [name for name, ok in r.fields.items() if not ok], r.body_f1) for r in results]
    wrong = [(name, fields, f1) for name, fields, f1 in wrong if fields or f1 < 0.95]
    if not wrong:
        return []
    lines = ["", "zonenews misses:"]
    for name, fields, f1 in wrong[:MAX_MISSES]:
        what = ", ".join(fields) + ("; " if fields and f1 < 0.95 else "") + (f"body F1 {f1:.3f}" if f1 < 0.95 else "")
        lines.append(f"  {name}: {what}")
    if len(wrong) > MAX_MISSES:
        lines.append(f"  ... and {len(wrong) - MAX_MISSES} more pages")
    return lines


def update_baseline(path: Path, summary: dict[str, float], corpus: list[str], allow_lower: bool,
                    reason: str | None) -> int:
    from zonenews.evaluate import read_baseline, updated_baseline

    old = None
    if path.exists():
        try:
            old = read_baseline(path)
        except (OSError, ValueError) as exc:
            raise UsageError(f"cannot read baseline {path}: {exc}") from None
        if old.get("corpus") not in (None, corpus):
            print(f"zonenews: warning: {path} was measured on {old.get('corpus')}, this run on {corpus}",
                  file=sys.stderr)
    data, changes = updated_baseline(old, summary, corpus, (reason or "").strip() or None,
                                     name=_display_path(path))
    worse = [c for c in changes if c.worse]
    if worse and not allow_lower:
        print(f"\nbaseline {path} not updated: {len(worse)} figure(s) would go down:", file=sys.stderr)
        for change in worse:
            print(f"  {change}", file=sys.stderr)
        print('If that is intended, run again with --allow-lower --reason "why" (the reason is recorded in the '
              "baseline; give it in the commit message too).", file=sys.stderr)
        return 1
    if old is not None and not changes and set(summary) <= set(old["metrics"]):
        print(f"\nbaseline {path}: no figure changed; file left as it was")
        return 0
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if old is None:
        print(f"\nbaseline {path} written ({len(data['metrics'])} figures)")
    else:
        print(f"\nbaseline {path} updated:")
        for change in changes:
            print(f"  {'raised' if change.better else 'LOWERED'} {change}")
        for name in sorted(set(summary) - set(old["metrics"])):
            print(f"  added {name}: {summary[name]:g}")
    return 0

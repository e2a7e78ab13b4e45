"""The report as one self-contained HTML page: inline CSS and SVG, no script, nothing fetched."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from pathlib import Path

from zonenews.report import charts
from zonenews.report.inputs import Inputs
from zonenews.report.tally import COMPLETENESS_FIELDS, Tally
from zonenews.report.views import (
    biggest_changes,
    freshness,
    month_axis,
    site_run_totals,
    top_series,
)

CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Zen Hei",sans-serif;margin:24px;color:#222;
max-width:1200px}
h1{font-size:22px}h2{font-size:18px;border-bottom:1px solid #ccc;padding-bottom:4px;margin-top:32px}
table{border-collapse:collapse;font-size:13px;margin:8px 0}th,td{border:1px solid #ddd;padding:3px 8px}
th{background:#f3f3f3;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
.stale{color:#b00;font-weight:bold}.note{color:#666;font-size:13px}
svg.chart{max-width:100%;height:auto;display:block;margin:8px 0}
.row{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}.row>div{flex:1 1 520px}
"""


@dataclass
class ReportOptions:
    stale_days: int = 90
    months: int = 60  # months the monthly charts show, ending at the latest one
    top: int = 15  # rows of each top list
    series: int = 10  # sites or zones drawn in the monthly charts; the rest are summed as 'other'


def table(head: Iterable[str], rows: Iterable[Iterable[object]], numeric_from: int = 1) -> str:
    cells = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = []
    for row in rows:
        tds = []
        for i, value in enumerate(row):
            cls = ' class="n"' if i >= numeric_from else ""
            tds.append(value if isinstance(value, Raw) else f"<td{cls}>{escape(str(value))}</td>")
        body.append("<tr>" + "".join(tds) + "</tr>")
    return f"<table><tr>{cells}</tr>{''.join(body)}</table>"


class Raw(str):
    """A table cell already written as HTML."""


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "-"


def shaded(part: int, whole: int) -> Raw:
    share = part / whole if whole else 0
    light = 100 - round(45 * share)  # darker green for fuller fields, so a drop stands out
    return Raw(f'<td class="n" style="background:hsl(120,45%,{light}%)">{pct(part, whole)}</td>')


def counts_text(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))) or "-"


def month_table(kind: str, axis: list[str], series: list[tuple[str, Counter]]) -> str:
    """The numbers behind a monthly chart, folded away."""
    rows = [(m, *(counts.get(m, 0) for _, counts in series)) for m in axis]
    return (f'<details class="months-{kind}"><summary>numbers per {kind}</summary>'
            f"{table(('month', *(label for label, _ in series)), rows)}</details>")


def monthly_section(tally: Tally, opts: ReportOptions) -> str:
    site_months = {site: st.months for site, st in tally.sites.items()}
    axis = month_axis([*site_months.values()], opts.months)
    shown = set(axis)
    dated = sum(sum(c.values()) for c in site_months.values())
    earlier = sum(n for c in site_months.values() for m, n in c.items() if m not in shown)
    by_zone, by_site = top_series(tally.zone_months, opts.series), top_series(site_months, opts.series)
    parts = ["<h2>Articles per month</h2>",
             charts.monthly_bars("months-zone", "per zone", axis, by_zone), month_table("zone", axis, by_zone),
             charts.monthly_bars("months-site", "per site", axis, by_site), month_table("site", axis, by_site),
             f'<p class="note">{dated} dated articles, {tally.records - dated} undated; the charts show '
             f"{len(axis)} months ({escape(axis[0]) if axis else '-'} to {escape(axis[-1]) if axis else '-'}), "
             f"{earlier} articles fall earlier.</p>"]
    return "\n".join(parts)


def freshness_section(tally: Tally, opts: ReportOptions) -> str:
    rows = freshness(tally, opts.stale_days)
    stale = [r for r in rows if r.stale]
    cells = [(r.site, r.latest or "none", "-" if r.days is None else r.days,
              Raw('<td class="stale">stale</td>') if r.stale else "ok") for r in rows]
    return "\n".join([
        "<h2>Latest article per site</h2>",
        f'<p class="note">A site whose latest article is more than {opts.stale_days} days older than the newest '
        f"crawl in these files ({escape(tally.latest_crawl[:10] or '-')}) is stale: a template change or a broken "
        f"crawl. Stale sites: {len(stale)} of {len(rows)}.</p>",
        charts.freshness_bars("freshness", rows),
        table(("site", "latest article", "days before newest crawl", "status"), cells),
    ])


def runs_section(tally: Tally) -> str:
    totals = site_run_totals(tally.runs)
    if not totals:
        return "<h2>Runs per site</h2><p class='note'>No run summaries beside these record files.</p>"
    rows = [(site, t.runs, t.pages_fetched, t.articles_written, counts_text(t.skipped), t.duplicates_dropped,
             sum(t.errors.values()), counts_text(t.errors), t.last_run) for site, t in totals.items()]
    head = ("site", "runs", "pages fetched", "articles written", "skipped by reason", "duplicates dropped",
            "errors", "errors by kind", "last run")
    changes = biggest_changes(tally.runs)
    change_rows = [(c.site, f"{c.score:.0%}", *(f"{c.previous[k]} → {c.latest[k]}" for k in c.latest))
                   for c in changes]
    metric_names = tuple(changes[0].latest) if changes else ()
    return "\n".join([
        "<h2>Runs per site</h2>", '<p class="note">Totals over every run summary read.</p>', table(head, rows),
        "<h3>Changed most against the previous run</h3>",
        table(("site", "largest change", *metric_names), change_rows) if changes
        else '<p class="note">No site has two runs that differ.</p>',
    ])


def completeness_section(tally: Tally) -> str:
    rows = [(site, st.records, *(shaded(st.filled[f], st.records) for f in COMPLETENESS_FIELDS))
            for site, st in sorted(tally.sites.items())]
    return "\n".join(["<h2>Field completeness per site</h2>",
                      '<p class="note">Share of records with the field filled (a list field: not empty).</p>',
                      table(("site", "records", *COMPLETENESS_FIELDS), rows)])


def duplicates_section(tally: Tally, opts: ReportOptions) -> str:
    d = tally.duplicates
    pairs = sorted(d.pairs.items(), key=lambda kv: (-kv[1], kv[0]))[: opts.top]
    rows = [(first, copy, n, f"{d.similarity_sum[first, copy] / n:.2f}") for (first, copy), n in pairs]
    return "\n".join([
        "<h2>Duplicates</h2>",
        f"<p>{d.dropped} duplicates dropped, {d.cross_site} of them copies on another site: "
        f"<b>{d.stories_republished}</b> stories republished across sites.</p>",
        "<h3>Top republishing site pairs</h3>",
        table(("first published on", "republished on", "copies", "mean similarity"), rows, numeric_from=2) if rows
        else '<p class="note">No story was republished across sites.</p>',
    ])


def top_section(tally: Tally, opts: ReportOptions) -> str:
    blocks = []
    for name, title, counter in (("sources", "Top sources", tally.sources),
                                 ("categories", "Top categories (last breadcrumb label)", tally.categories),
                                 ("zones", "Zones most mentioned", tally.zones_mentioned)):
        items = counter.top(opts.top)
        chart = charts.top_bars(f"top-{name}", title, items) if items else '<p class="note">none</p>'
        blocks.append(f"<div><h3>{escape(title)}</h3>{chart}{table((name, 'records'), items)}</div>")
    return '<h2>Sources, categories, zones</h2><div class="row">' + "".join(blocks) + "</div>"


def files_section(inputs: Inputs, tally: Tally) -> str:
    rows = [(str(p), "yes" if inputs.sidecars[p].summary else "no", "yes" if inputs.sidecars[p].duplicates else "no")
            for p in inputs.record_files]
    skipped = "".join(f"<li>{escape(str(p))}</li>" for p in inputs.not_records if p not in inputs.sidecar_files)
    return "\n".join(["<h2>Files read</h2>", table(("record file", "summary", "duplicates"), rows),
                      f'<p class="note">{tally.lines_skipped} lines in record files were not records.</p>',
                      f"<p>Not record files, skipped:</p><ul>{skipped}</ul>" if skipped else ""])


def render(inputs: Inputs, tally: Tally, opts: ReportOptions) -> str:
    sections = [monthly_section(tally, opts), freshness_section(tally, opts), runs_section(tally),
                completeness_section(tally), duplicates_section(tally, opts), top_section(tally, opts),
                files_section(inputs, tally)]
    head = (f"<p>{tally.records} records from {len(tally.sites)} sites in {len(inputs.record_files)} record "
            f"files; {len(tally.runs)} run summaries.</p>")
    return ("<!DOCTYPE html>\n<html lang=\"zh\"><head><meta charset=\"utf-8\"><title>zonenews report</title>"
            f"<style>{CSS}</style></head><body><h1>zonenews report</h1>{head}\n" + "\n".join(sections)
            + "\n</body></html>\n")


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, "utf-8")
    tmp.replace(path)

"""Charts as inline SVG strings, drawn by matplotlib's SVG backend with no GUI and no network.

The same data always gives the same bytes: a fixed hash salt for the ids matplotlib derives, no date
in the metadata, text kept as text (the browser's fonts draw CJK labels), and every id prefixed with
the chart's name so several charts in one page never share one.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import matplotlib

matplotlib.use("Agg")  # never a GUI backend, whatever MPLBACKEND says

from matplotlib import rc_context
from matplotlib.figure import Figure

RC = {
    "svg.hashsalt": "zonenews-report",
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.sans-serif": ["Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "DejaVu Sans"],
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": matplotlib.cycler(color=[matplotlib.colormaps["tab20"](i) for i in range(20)]),
}
STALE_COLOR, FRESH_COLOR, BAR_COLOR = "#d62728", "#2ca02c", "#1f77b4"


@contextmanager
def _quiet() -> Iterator[None]:
    """Fonts missing on this machine are the viewer's business (text stays text): no log noise."""
    font_log = logging.getLogger("matplotlib.font_manager")
    level = font_log.level
    font_log.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            with rc_context(RC):
                yield
    finally:
        font_log.setLevel(level)


def to_svg(fig: Figure, name: str) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None}, bbox_inches="tight")
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{name}-\1"', svg)
    svg = re.sub(r'(url\(#|href="#)([^")]+)', rf"\1{name}-\2", svg)
    return svg.replace("<svg ", f'<svg class="chart" data-chart="{name}" ', 1)


def monthly_bars(name: str, title: str, axis: list[str], series: list[tuple[str, Counter]]) -> str:
    """Stacked bars of articles per month, one colour per series (site or zone)."""
    with _quiet():
        fig = Figure(figsize=(11, 4.2))
        ax = fig.subplots()
        bottom = [0] * len(axis)
        for label, counts in series:
            values = [counts.get(m, 0) for m in axis]
            ax.bar(range(len(axis)), values, bottom=bottom, label=label, width=0.85)
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        step = max(1, len(axis) // 24)
        ax.set_xticks(range(0, len(axis), step), axis[::step], rotation=60, ha="right")
        ax.set_ylabel("articles")
        ax.set_title(title, loc="left")
        if series:
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        return to_svg(fig, name)


def freshness_bars(name: str, rows: list[Any]) -> str:
    """Days from each site's latest article to the newest crawl; stale sites in red."""
    dated = [r for r in rows if r.days is not None]
    with _quiet():
        fig = Figure(figsize=(8, 0.6 + 0.28 * max(len(dated), 1)))
        ax = fig.subplots()
        ax.barh(range(len(dated)), [max(r.days, 0) for r in dated],
                color=[STALE_COLOR if r.stale else FRESH_COLOR for r in dated])
        ax.set_yticks(range(len(dated)), [r.site for r in dated])
        ax.invert_yaxis()
        ax.set_xlabel("days since the latest article (to the newest crawl)")
        return to_svg(fig, name)


def top_bars(name: str, title: str, items: list[tuple[str, int]]) -> str:
    with _quiet():
        fig = Figure(figsize=(6, 0.7 + 0.26 * max(len(items), 1)))
        ax = fig.subplots()
        ax.barh(range(len(items)), [n for _, n in items], color=BAR_COLOR)
        ax.set_yticks(range(len(items)), [label for label, _ in items])
        ax.invert_yaxis()
        ax.set_title(title, loc="left")
        return to_svg(fig, name)

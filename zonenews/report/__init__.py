"""`zonenews report`: one self-contained HTML page about a set of record files and their run summaries.

inputs.py finds the files, tally.py streams them into counters, views.py derives the figures,
charts.py draws SVG, page.py writes the HTML.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from zonenews.report.inputs import Inputs, NoRecordFiles, find_inputs
from zonenews.report.page import ReportOptions, render, write
from zonenews.report.tally import Tally, read_duplicates, read_records, read_summary

__all__ = ["NoRecordFiles", "ReportOptions", "ReportResult", "build_report", "tally_inputs"]


@dataclass
class ReportResult:
    records: int
    sites: int
    record_files: int
    summaries: int
    output: Path


def run_site(sites: Counter, fallback: str) -> str:
    """The site a run summary belongs to: the one most of its records came from."""
    if not sites:
        return fallback
    return sorted(sites.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


def tally_inputs(inputs: Inputs) -> Tally:
    tally = Tally()
    for path in inputs.record_files:
        sites = read_records(path, tally)
        side = inputs.sidecars[path]
        if side.duplicates:
            read_duplicates(side.duplicates, tally)
        if side.summary and (run := read_summary(side.summary, run_site(sites, path.stem))):
            tally.runs.append(run)
    return tally


def build_report(paths: list[str], output: Path, options: ReportOptions | None = None) -> ReportResult:
    """Read the record files under paths and write the report to output (raises NoRecordFiles)."""
    inputs = find_inputs(paths)
    tally = tally_inputs(inputs)
    write(output, render(inputs, tally, options or ReportOptions()))
    return ReportResult(tally.records, len(tally.sites), len(inputs.record_files), len(tally.runs), output)

"""`zonenews report`: numbers from hand-written record files, one self-contained page, drawn in a real browser."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, run_cli

SITE_A, SITE_B = "www.a-zone.gov.cn", "www.b-zone.gov.cn"
ZONE_A, ZONE_B = "甲高新技术产业开发区", "乙经济技术开发区"
CHART_NAMES = ("months-zone", "months-site", "freshness", "top-sources", "top-categories", "top-zones")


def record(site: str, n: int, **fields: Any) -> dict[str, Any]:
    """A record with every field, in schema order; `fields` overrides the empty defaults."""
    published_at = fields.pop("published_at", None)
    rec = {"url": f"http://{site}/art/{n}.html", "site": site, "zone": None, "title": f"标题{n}",
           "published_at": published_at, "published_date": published_at[:10] if published_at else None,
           "source": None, "author": None, "editor": None, "category": [], "body": f"正文第{n}段。",
           "images": [], "attachments": [], "zones_mentioned": [], "lang": "zh",
           "content_hash": f"{n:040x}", "crawled_at": "2024-03-01T02:00:00Z"}
    rec.update(fields)
    return rec


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")


def summary(finished_at: str, fetched: int, written: int, skipped: dict[str, int], errors: dict[str, int],
            dups: int = 0) -> str:
    return json.dumps({"spider": "zone", "finished_at": finished_at, "pages_fetched": fetched,
                       "articles_written": written, "duplicates_dropped": dups, "pages_skipped": skipped,
                       "errors": errors, "output": "x"})


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """Two sites: A crawled twice (the second run fetched three times as many pages), B once and stale."""
    root = tmp_path / "data"
    img = [{"url": "http://x/1.jpg", "caption": None}]
    write_jsonl(root / "a" / "run1.jsonl", [
        record(SITE_A, 1, zone=ZONE_A, published_at="2024-01-05", source="甲区管委会", category=["新闻", "园区动态"],
               images=img, zones_mentioned=[ZONE_A, ZONE_B]),
        record(SITE_A, 2, zone=ZONE_A, published_at="2024-01-20T10:23+08:00", source="甲区管委会",
               category=["新闻", "园区动态"], zones_mentioned=[ZONE_A]),
        record(SITE_A, 3, zone=ZONE_A, published_at="2024-02-03", author="张三", category=["通知公告"]),
        record(SITE_A, 4, zone=ZONE_A),  # undated
    ])
    (root / "a" / "run1.summary.json").write_text(
        summary("2024-02-01T03:00:00Z", 10, 4, {"not_article": 2}, {"http_404": 1}), "utf-8")
    write_jsonl(root / "a" / "run2.jsonl", [
        record(SITE_A, 5, zone=ZONE_A, published_at="2024-02-25", source="科技日报", category=["园区动态"],
               crawled_at="2024-03-05T02:00:00Z"),
        record(SITE_A, 6, zone=ZONE_A, published_at="2024-02-28", source="甲区管委会", category=["园区动态"],
               attachments=[{"url": "http://x/a.pdf", "name": "附件"}], crawled_at="2024-03-05T02:00:00Z"),
    ])
    (root / "a" / "run2.summary.json").write_text(
        summary("2024-03-05T03:00:00Z", 30, 2, {"not_article": 5, "http_500": 1}, {"http_500": 1}), "utf-8")
    write_jsonl(root / "b" / "run1.jsonl", [
        record(SITE_B, 7, zone=ZONE_B, published_at="2023-05-10", source="乙区融媒体中心", category=["要闻"]),
        record(SITE_B, 8, zone=ZONE_B, published_at="2023-06-01", category=["要闻"], zones_mentioned=[ZONE_A]),
    ])
    (root / "b" / "run1.summary.json").write_text(
        summary("2024-03-01T03:00:00Z", 12, 2, {}, {}, dups=3), "utf-8")
    write_jsonl(root / "b" / "run1.duplicates.jsonl", [
        {"url": f"http://{SITE_B}/c/1.html", "duplicate_of": f"http://{SITE_A}/art/1.html", "similarity": 0.9},
        {"url": f"http://{SITE_B}/c/2.html", "duplicate_of": f"http://{SITE_A}/art/2.html", "similarity": 1.0},
        {"url": f"http://{SITE_B}/c/3.html", "duplicate_of": f"http://{SITE_B}/art/7.html", "similarity": 1.0},
    ])
    write_jsonl(root / "notes.jsonl", [{"note": "not a record"}])  # no content_hash: skipped
    return root


def cells(html: str, first: str) -> list[str]:
    """The cells of the first table row whose first cell is `first`, tags stripped."""
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        values = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        if values and values[0] == first:
            return values
    raise AssertionError(f"no table row for {first!r}")


def section(html: str, heading: str) -> str:
    start = html.index(f"<h2>{heading}</h2>")
    end = html.find("<h2>", start + 4)
    return html[start:end if end > 0 else None]


def test_report_numbers(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    proc = run_cli("report", str(data), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "records read:       8" in proc.stderr and "sites:              2" in proc.stderr
    assert str(out) in proc.stderr
    html = out.read_text("utf-8")
    assert "8 records from 2 sites in 3 record files; 3 run summaries." in html

    months = section(html, "Articles per month")
    assert "7 dated articles, 1 undated" in months
    zone_table = re.search(r'<details class="months-zone">(.*?)</details>', months, re.S).group(1)
    assert cells(zone_table, "2024-01") == ["2024-01", "2", "0"]  # zones ordered by count: A 5, B 2
    assert cells(zone_table, "2024-02") == ["2024-02", "3", "0"]
    assert cells(zone_table, "2023-06") == ["2023-06", "0", "1"]

    fresh = section(html, "Latest article per site")
    assert cells(fresh, SITE_A) == [SITE_A, "2024-02-28", "6", "ok"]  # newest crawl 2024-03-05
    assert cells(fresh, SITE_B) == [SITE_B, "2023-06-01", "278", "stale"]

    runs = section(html, "Runs per site")
    assert cells(runs, SITE_A)[:8] == [SITE_A, "2", "40", "6", "not_article 7, http_500 1", "0", "2",
                                       "http_404 1, http_500 1"]
    changed = runs[runs.index("Changed most"):]
    assert cells(changed, SITE_A) == [SITE_A, "200%", "10 → 30", "4 → 2", "2 → 6", "0 → 0", "1 → 1"]
    assert SITE_B not in changed, "one run: nothing to compare"

    complete = section(html, "Field completeness per site")
    # published_at, source, author, category, images, attachments
    assert cells(complete, SITE_A) == [SITE_A, "6", "83%", "67%", "17%", "83%", "17%", "17%"]
    assert cells(complete, SITE_B) == [SITE_B, "2", "100%", "50%", "0%", "100%", "0%", "0%"]

    dups = section(html, "Duplicates")
    assert "3 duplicates dropped, 2 of them copies on another site: <b>2</b> stories republished" in dups
    assert cells(dups, SITE_A) == [SITE_A, SITE_B, "2", "0.95"]

    tops = section(html, "Sources, categories, zones")
    assert cells(tops, "甲区管委会") == ["甲区管委会", "3"]
    assert cells(tops, "园区动态") == ["园区动态", "4"]
    assert cells(tops, ZONE_A) == [ZONE_A, "3"]

    files = section(html, "Files read")
    assert "notes.jsonl" in files and "run1.duplicates.jsonl" not in files


def test_report_is_self_contained_and_deterministic(data: Path, tmp_path: Path) -> None:
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / f"r{seed}.html"
        proc = run_cli("report", str(data), "-o", str(out), env={"PYTHONHASHSEED": seed})
        assert proc.returncode == 0, proc.stderr
        outs.append(out.read_bytes())
    assert outs[0] == outs[1], "same files, same bytes"
    html = outs[0].decode("utf-8")
    assert html.count("<svg") == len(CHART_NAMES)
    for forbidden in ("<script", "<link", "<img", "src=", "@import", "url(http"):
        assert forbidden not in html, forbidden
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "no id shared by two charts"


def test_report_errors(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    write_jsonl(tmp_path / "empty" / "x.jsonl", [{"url": "a", "duplicate_of": "b", "similarity": 1.0}])
    for args, words in ((["report", str(tmp_path / "empty")], "no record files"),
                        (["report", str(tmp_path / "missing")], "no such file or folder")):
        proc = run_cli(*args, "-o", str(tmp_path / "r.html"))
        assert proc.returncode == 2
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("zonenews: error:") and words in lines[0], proc.stderr
    assert not (tmp_path / "r.html").exists()


# -- in a real browser ------------------------------------------------------------------------------------

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
                  "--force-device-scale-factor=1")
# Appended to a copy of the page (never to the report): writes each chart's box into the DOM.
MEASURE = ("<script>document.body.insertAdjacentHTML('beforeend','<pre id=\"boxes\">'+"
           "[...document.querySelectorAll('svg.chart')].map(s=>{const r=s.getBoundingClientRect();"
           "return [s.dataset.chart,r.left,r.top,r.width,r.height].map(String).join(',')}).join(';')+'</pre>')"
           "</script>")


def chromium() -> str:
    for name in ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    pytest.skip("no Chromium to render the report in (make system-deps installs the Debian package chromium)")


def browse(page: Path, tmp_path: Path, *extra: str, height: int = 3000) -> str:
    proc = subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}",
                           f"--window-size=1200,{height}", *extra, page.as_uri()],
                          capture_output=True, text=True, timeout=90)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


def test_report_draws_in_chromium(data: Path, tmp_path: Path) -> None:
    from PIL import Image  # matplotlib's own dependency

    out = tmp_path / "report.html"
    assert run_cli("report", str(data), "-o", str(out)).returncode == 0
    measured = tmp_path / "measured.html"
    measured.write_text(out.read_text("utf-8").replace("</body>", MEASURE + "</body>"), "utf-8")
    dom = browse(measured, tmp_path, "--dump-dom")
    boxes = {}
    # The last match: the script's own text, also in the DOM, holds the tag too.
    for entry in re.findall(r'<pre id="boxes">(.*?)</pre>', dom, re.S)[-1].split(";"):
        name, *numbers = entry.split(",")
        boxes[name] = [round(float(v)) for v in numbers]
    assert sorted(boxes) == sorted(CHART_NAMES)
    bottom = max(top + h for _, top, _, h in boxes.values())
    shot = tmp_path / "shot.png"
    browse(out, tmp_path, f"--screenshot={shot}", height=bottom + 40)
    image = Image.open(shot).convert("RGB")
    for name, (left, top, width, height) in boxes.items():
        assert width > 150 and height > 60, (name, width, height)
        region = image.crop((left, top, left + width, top + height))
        raw = region.tobytes()
        pixels = [tuple(raw[i:i + 3]) for i in range(0, len(raw), 3)]
        inked = sum(1 for p in pixels if min(p) < 200) / len(pixels)
        coloured = sum(1 for r, g, b in pixels if max(r, g, b) - min(r, g, b) > 80)
        assert inked > 0.01, f"chart {name} looks blank ({inked:.1%} inked)"
        assert coloured > 50, f"chart {name} has no coloured bars"


# -- scale -------------------------------------------------------------------------------------------------

MEASURE_RUN = textwrap.dedent("""
    import resource, sys, time
    from pathlib import Path
    from zonenews.report import build_report
    started = time.monotonic()
    result = build_report([sys.argv[1]], Path(sys.argv[2]))
    print(result.records, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, time.monotonic() - started)
""")


def generate(path: Path, n: int) -> None:
    """n records over 20 sites, 10 years of months, 300 sources, 40 categories."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body = "园区企业服务持续优化，全年新增市场主体百余户，带动就业千人。" * 8
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            site = f"www.site{i % 20}.gov.cn"
            date = f"{2015 + i % 10}-{1 + i % 12:02d}-{1 + i % 28:02d}"
            fh.write(json.dumps(record(site, i, zone=f"第{i % 7}开发区", published_at=date, source=f"来源{i % 300}",
                                       category=["新闻", f"栏目{i % 40}"], body=body,
                                       zones_mentioned=[f"第{i % 11}开发区"]), ensure_ascii=False) + "\n")


def peak_kib(tmp_path: Path, n: int) -> tuple[int, int, float]:
    records = tmp_path / f"n{n}" / "records.jsonl"
    generate(records, n)
    proc = subprocess.run([sys.executable, "-c", MEASURE_RUN, str(records), str(tmp_path / f"n{n}.html")],
                          capture_output=True, text=True, timeout=120, cwd=ROOT,
                          env={**os.environ, "PYTHONHASHSEED": "0"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    count, kib, seconds = proc.stdout.split()
    return int(count), int(kib), float(seconds)


def test_report_on_many_records_streams(tmp_path: Path) -> None:
    small_count, small_kib, _ = peak_kib(tmp_path, 5_000)
    count, kib, seconds = peak_kib(tmp_path, 50_000)
    assert (small_count, count) == (5_000, 50_000)
    assert seconds < 20, f"50k records took {seconds:.1f} s"
    # 45k more records (~40 MB of JSON) may not cost more than a few MB: only counters are kept.
    assert kib - small_kib < 16 * 1024, f"peak memory grew {(kib - small_kib) / 1024:.0f} MB from 5k to 50k records"

"""The command line: help texts, one-line errors with exit status 2, -o/-O/-o - semantics."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import read_jsonl, run_cli
from zonenews.demo import demo_site_root

PAGE = demo_site_root() / "a/xwzx/2019/1202/1035.html"
OTHER = demo_site_root() / "tzgg/202003/t20200305_2256.html"


@pytest.mark.parametrize("args", [(), ("crawl",), ("clean",), ("demo",)])
def test_help_lists_commands(args: tuple[str, ...]) -> None:
    proc = run_cli(*args, "--help")
    assert proc.returncode == 0
    assert "usage: zonenews" in proc.stdout


@pytest.mark.parametrize("args, words", [
    (("crawl", "not-a-profile"), "unknown profile"),
    (("crawl",), "give a start URL"),
    (("crawl", "http://"), "not an http(s) URL"),
    (("crawl", "ftp://example.org/"), "not an http(s) URL"),
    (("clean", "/no/such/file.html"), "no such file or folder"),
    (("clean", str(PAGE), "-s", "NOVALUE"), "NAME=VALUE"),
    (("clean", str(PAGE), "-o", "a.jsonl", "-O", "b.jsonl"), "not allowed with"),
    (("frobnicate",), "invalid choice"),
    (("clean", str(PAGE), "-O", str(PAGE / "out.jsonl")), "output folder"),
])
def test_bad_arguments_get_one_line_and_status_2(args: tuple[str, ...], words: str) -> None:
    proc = run_cli(*args)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert words in lines[0] and "Traceback" not in proc.stderr


def test_o_appends_and_capital_o_overwrites(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    assert run_cli("clean", str(PAGE), "-o", str(out)).returncode == 0
    assert run_cli("clean", str(OTHER), "-o", str(out)).returncode == 0
    assert len(read_jsonl(out)) == 2
    assert run_cli("clean", str(OTHER), "-O", str(out)).returncode == 0
    assert len(read_jsonl(out)) == 1


def test_dash_writes_records_to_stdout() -> None:
    proc = run_cli("clean", str(PAGE), "-o", "-")
    assert proc.returncode == 0
    assert proc.stdout.count("\n") == 1 and '"title":"2019年' in proc.stdout
    assert "articles written:   1" in proc.stderr


def test_clean_uses_the_canonical_url_else_the_file_uri(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    html = OTHER.read_bytes()
    page.write_bytes(html)
    rec = read_jsonl_from(run_cli("clean", str(page), "-o", "-").stdout)[0]
    assert rec["url"] == page.resolve().as_uri()
    page.write_bytes(html.replace(b"<head>", b'<head><link rel="canonical" href="http://zone.example/a/1.html">', 1))
    rec = read_jsonl_from(run_cli("clean", str(page), "-o", "-").stdout)[0]
    assert rec["url"] == "http://zone.example/a/1.html"
    assert rec["site"] == "zone.example"


def read_jsonl_from(text: str) -> list[dict]:
    import json

    return [json.loads(line) for line in text.splitlines() if line.strip()]

"""JSON Lines output stays valid: whole lines only, a partial tail is repaired on reopen."""

from __future__ import annotations

import json
from pathlib import Path

from zonenews.export import JsonLinesWriter, repair_tail, sidecar_path


def test_records_are_whole_utf8_lines(tmp_path: Path) -> None:
    out = tmp_path / "o.jsonl"
    with JsonLinesWriter(str(out)) as writer:
        writer.write({"title": "成都高新区", "n": 1})
        writer.write({"title": "第二条", "n": 2})
    text = out.read_text("utf-8")
    assert text.endswith("\n") and "成都高新区" in text
    assert [json.loads(line)["n"] for line in text.splitlines()] == [1, 2]


def test_partial_last_line_is_cut_when_appending(tmp_path: Path) -> None:
    out = tmp_path / "o.jsonl"
    out.write_bytes(b'{"a":1}\n{"a":2}\n{"a":3, "tit')
    with JsonLinesWriter(str(out)) as writer:
        writer.write({"a": 4})
    assert [json.loads(line)["a"] for line in out.read_text().splitlines()] == [1, 2, 4]


def test_repair_tail_on_a_file_without_newline(tmp_path: Path) -> None:
    out = tmp_path / "o.jsonl"
    out.write_bytes(b'{"a":')
    assert repair_tail(out) == 5
    assert out.read_bytes() == b""
    assert repair_tail(tmp_path / "missing.jsonl") == 0


def test_overwrite_truncates(tmp_path: Path) -> None:
    out = tmp_path / "o.jsonl"
    out.write_text('{"old":1}\n')
    with JsonLinesWriter(str(out), overwrite=True) as writer:
        writer.write({"new": 1})
    assert out.read_text() == '{"new":1}\n'


def test_sidecar_path() -> None:
    assert sidecar_path("data/out.jsonl") == "data/out.jsonl.duplicates"
    assert sidecar_path("out.json") == "out.json.duplicates"
    assert sidecar_path("-") is None

"""`zonenews fixture save`, `zonenews check` and `zonenews eval` end to end, pages served on 127.0.0.1."""

from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURE_PAGES, run_cli
from zonenews.devserver import StaticSite
from zonenews.evaluate import Chain
from zonenews.fixtures import case_name_for, safe_name, site_folder_name

GBK_PAGE = FIXTURE_PAGES / "static_plain" / "gbk_no_charset_declared.html"  # no charset anywhere
GBK_TITLE = "开发区召开2021年工业经济调度会"
ARTICLE_PATH = "/news/kfqdt/2021/0506/1135.htm"
NO_PROXY = {"no_proxy": "*", "NO_PROXY": "*"}  # the fetch goes to 127.0.0.1 and nowhere else


def read_json(path: Path) -> Any:
    return json.loads(path.read_text("utf-8"))


def one_line_error(proc: Any) -> str:
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    return lines[0]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StaticSite]:
    root = tmp_path_factory.mktemp("site")
    page = root / ARTICLE_PATH.lstrip("/")
    page.parent.mkdir(parents=True)
    shutil.copy(GBK_PAGE, page)
    shutil.copy(GBK_PAGE, root / "news" / "lie.htm")
    (root / "_routes.json").write_text(json.dumps({
        "redirects": {"/old.html": ARTICLE_PATH, "/away.html": "http://127.0.0.2:9/elsewhere.html"},
        "headers": {"/news/lie.htm": {"Content-Type": "text/html; charset=big5"}},
    }), "utf-8")
    with StaticSite(root) as served:
        yield served


def save(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> Any:
    return run_cli("fixture", "save", *args, cwd=cwd, env={**NO_PROXY, **(env or {})}, timeout=60)


def test_save_a_gbk_page_served_without_charset_and_replay_it(site: StaticSite, tmp_path: Path) -> None:
    url = site.url(ARTICLE_PATH)
    proc = save(url, "-d", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    case = tmp_path / "news_kfqdt_2021_0506_1135"
    body, response, expected = (Path(f"{case}{s}") for s in (".html.gz", ".response.json", ".expected.json"))
    assert gzip.decompress(body.read_bytes()) == GBK_PAGE.read_bytes()  # the bytes as received
    meta = read_json(response)
    assert meta["final_url"] == url and meta["status"] == 200 and meta["source"] == "http"
    assert ["Content-Type", "text/html"] in meta["headers"]  # served without a charset
    record = read_json(expected)
    assert record["title"] == GBK_TITLE and record["url"] == url and record["published_at"] == "2021-05-06"
    assert record["_saved_at"] == meta["saved_at"]
    assert "crawled_at" not in record and "content_hash" not in record
    assert str(expected) in proc.stdout and "review" in proc.stdout.lower()

    # the same bytes served with a lying charset=big5 header: the live site garbles the page ...
    assert save(site.url("/news/lie.htm"), "-d", str(tmp_path)).returncode == 0
    lie = read_json(tmp_path / "news_lie.expected.json")
    assert lie["title"] != GBK_TITLE, "decode_html no longer trusts a charset header: pick another lying header"
    # ... without the header the bytes decode fine, so only a replay of the header reproduces it
    assert Chain().run(GBK_PAGE.read_bytes(), lie["url"])[0]["title"] == GBK_TITLE

    check = run_cli("check", str(tmp_path))  # both replay exactly as they were served
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.strip().splitlines()[-1] == "2 passed, 0 failed"


def test_redirects_followed_on_the_same_host_only(site: StaticSite, tmp_path: Path) -> None:
    proc = save(site.url("/old.html"), "-d", str(tmp_path / "a"))
    assert proc.returncode == 0, proc.stderr
    meta = read_json(tmp_path / "a" / "old.response.json")
    assert meta["url"] == site.url("/old.html") and meta["final_url"] == site.url(ARTICLE_PATH)
    assert read_json(tmp_path / "a" / "old.expected.json")["url"] == site.url(ARTICLE_PATH)

    proc = save(site.url("/away.html"), "-d", str(tmp_path / "b"))
    assert proc.returncode == 1 and "another host" in one_line_error(proc)
    proc = save(site.url("/no/such/page.html"), "-d", str(tmp_path / "c"))
    assert proc.returncode == 1 and "HTTP 404" in one_line_error(proc)
    assert not (tmp_path / "b").exists() and not (tmp_path / "c").exists()


def test_default_folder_case_name_and_no_silent_overwrite(site: StaticSite, tmp_path: Path) -> None:
    url = site.url(ARTICLE_PATH) + "?id=1135&page=../../x"
    assert save(url, cwd=tmp_path).returncode == 0
    folder = tmp_path / "tests" / "fixtures" / "sites" / "127.0.0.1"
    expected = folder / "news_kfqdt_2021_0506_1135_id_1135_page_x.expected.json"
    assert expected.is_file(), sorted(p.name for p in folder.iterdir())
    expected.write_text(expected.read_text("utf-8").replace(GBK_TITLE, "hand-corrected"), "utf-8")
    again = save(url, cwd=tmp_path)
    assert again.returncode == 2 and "--force" in one_line_error(again)
    assert "hand-corrected" in expected.read_text("utf-8")
    assert save(url, "--force", cwd=tmp_path).returncode == 0
    assert "hand-corrected" not in expected.read_text("utf-8")


def test_profile_gives_folder_zone_and_replay(site: StaticSite, tmp_path: Path) -> None:
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    (profiles / "hsdz.toml").write_text(
        f'name = "hsdz"\nzone = "黄石经济技术开发区"\nstart_urls = ["{site.url("/news/")}"]\n', "utf-8")
    env = {"ZONENEWS_SITES": str(profiles)}
    proc = save(site.url(ARTICLE_PATH), "--profile", "hsdz", cwd=tmp_path, env=env)
    assert proc.returncode == 0, proc.stderr
    folder = tmp_path / "tests" / "fixtures" / "sites" / "hsdz"
    meta = read_json(folder / "news_kfqdt_2021_0506_1135.response.json")
    record = read_json(folder / "news_kfqdt_2021_0506_1135.expected.json")
    assert meta["profile"] == "hsdz" and meta["zone"] and record["zone"] == meta["zone"]
    check = run_cli("check", cwd=tmp_path, env=env)  # default folder: tests/fixtures/sites
    assert check.returncode == 0, check.stdout
    assert "ok    hsdz/news_kfqdt_2021_0506_1135" in check.stdout
    gone = run_cli("check", cwd=tmp_path)  # the profile is needed to replay as a crawl would
    assert gone.returncode == 1 and "profile 'hsdz' not found" in gone.stdout


def test_from_file_then_check_passes_then_fails_after_an_edit(tmp_path: Path) -> None:
    url = "http://www.hsdz.gov.cn" + ARTICLE_PATH
    proc = save("--from-file", str(GBK_PAGE), "--url", url, "--content-type", "text/html", "-d", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    meta = read_json(tmp_path / "news_kfqdt_2021_0506_1135.response.json")
    assert meta["source"] == "file" and meta["final_url"] == url and meta["headers"] == [["Content-Type", "text/html"]]
    for suffix in (".html.gz", ".expected.json"):  # and a broken copy: no .response.json
        shutil.copy(tmp_path / f"news_kfqdt_2021_0506_1135{suffix}", tmp_path / f"broken{suffix}")

    path = tmp_path / "news_kfqdt_2021_0506_1135.expected.json"
    record = read_json(path)
    assert record["title"] == GBK_TITLE and record["url"] == url
    record["title"] = "开发区召开2020年工业经济调度会"
    record["body"] = record["body"].replace("28.4%", "28.5%")
    record["crawled_at"] = "1999-01-01T00:00:00Z"  # volatile: never compared
    path.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    check = run_cli("check", str(tmp_path))
    assert check.returncode == 1
    out = check.stdout
    assert "FAIL  " in out and "title:" in out and "crawled_at" not in out
    assert 'expected: "开发区召开2020年工业经济调度会"' in out and f'got:      "{GBK_TITLE}"' in out
    assert "--- expected" in out and any(line.strip().startswith("-") and "28.5%" in line for line in out.splitlines())
    assert any(line.strip().startswith("+") and "28.4%" in line for line in out.splitlines())
    assert any(line.startswith("ERROR ") and "/broken (" in line and "missing broken.response.json" in line
               for line in out.splitlines())
    assert out.strip().splitlines()[-1] == "0 passed, 2 failed"


def test_check_accepts_the_fixture_page_pairs(tmp_path: Path) -> None:
    for suffix in (".html", ".json"):
        shutil.copy(GBK_PAGE.with_suffix(suffix), tmp_path / ("page" + suffix))
    expected = read_json(tmp_path / "page.json")
    expected["source"] = "别的来源"
    (tmp_path / "page.json").write_text(json.dumps(expected, ensure_ascii=False), "utf-8")
    proc = run_cli("check", str(FIXTURE_PAGES), str(tmp_path), "-q")
    assert proc.returncode == 1
    pairs = len(list(FIXTURE_PAGES.rglob("*.json")))
    lines = proc.stdout.strip().splitlines()
    assert lines[-1] == f"{pairs} passed, 1 failed"  # every pair of tests/fixtures/pages passes
    assert lines[0].startswith("FAIL  ") and "/page (" in lines[0]
    assert lines[1:4] == ["  source:", '    expected: "别的来源"', '    got:      "开发区经济发展局"']


def test_eval_prints_zonenews_and_trafilatura_side_by_side() -> None:
    proc = run_cli("eval", str(FIXTURE_PAGES / "static_plain"))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("7 pages in ")
    header = next(line for line in lines if "zonenews" in line and "trafilatura" in line)
    assert header.index("zonenews") < header.index("trafilatura")
    rows = {line[:22].strip(): line[22:].split() for line in lines[lines.index(header) + 1:] if line[:22].strip()}
    assert rows["title"][0] == "100.0%" and rows["title"][1].endswith("%")
    assert rows["source"][1] == "-"  # trafilatura has no such field
    for row in ("published_at", "body F1 median", "body F1 p10", "repeated paragraphs", "boilerplate leaks"):
        assert len(rows[row]) == 2, row


@pytest.mark.parametrize("url, name", [
    ("http://a.example/news/kfqdt/2021/0506/1135.htm", "news_kfqdt_2021_0506_1135"),
    ("http://a.example/index.php?m=content&c=index&a=show&id=412", "index_m_content_c_index_a_show_id_412"),
    ("http://a.example/../../etc/passwd", "etc_passwd"),
    ("http://a.example/%2e%2e%2f%2e%2e%2fx/..%5C..%5Cy.html?p=/../z", "x_y_p_z"),
    ("http://a.example/新闻/通知.html", "page_f0fe7e9e"),
    ("http://a.example/", "index"),
])
def test_case_names_are_sanitised(url: str, name: str) -> None:
    assert case_name_for(url) == name
    assert safe_name("../../Mein Fall") == "mein_fall" and safe_name("x" * 200).startswith("x" * 60)
    assert len(safe_name("x" * 200)) <= 80 and site_folder_name("http://WWW.Example.gov.cn:8080/") == "www.example.gov.cn"


@pytest.mark.parametrize("args, words", [
    (("fixture",), "required: ACTION"),
    (("fixture", "save"), "give the page URL"),
    (("fixture", "save", "ftp://example.org/a.html"), "not an http(s) URL"),
    (("fixture", "save", "--from-file", str(GBK_PAGE)), "needs --url"),
    (("fixture", "save", "--from-file", "/no/such/page.html", "--url", "http://a.example/"), "no such file"),
    (("fixture", "save", "http://127.0.0.1:9/a.html", "--profile", "no-such-profile"), "unknown profile"),
    (("check", "/no/such/folder"), "no such file or folder"),
    (("eval", "/no/such/folder"), "not a folder"),
    (("eval", str(FIXTURE_PAGES), "--update-baseline", "/tmp/b.json", "--allow-lower"), "needs --reason"),
])
def test_bad_arguments_get_one_line_and_status_2(args: tuple[str, ...], words: str) -> None:
    proc = run_cli(*args, env=NO_PROXY)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert words in one_line_error(proc)


def test_check_refuses_a_folder_without_fixtures(tmp_path: Path) -> None:
    (tmp_path / "notes.html").write_text("<p>not a fixture</p>", "utf-8")
    proc = run_cli("check", str(tmp_path))
    assert proc.returncode == 2 and "no fixtures in" in one_line_error(proc)
    proc = run_cli("check", cwd=tmp_path)  # no FIXTURE_DIR and no tests/fixtures/sites here
    assert proc.returncode == 2 and "give FIXTURE_DIR" in one_line_error(proc)

"""`bomscan rules fetch` against a local HTTP server on 127.0.0.1: it replaces the cached CSL
atomically and keeps the previous copy on any failure (exit 3, one line)."""

from __future__ import annotations

import json

import pytest
from conftest import serve

GOOD = json.dumps(
    {"results": [{"name": "A", "source": "x"}, {"name": "B", "source": "y"}]}
).encode()
ROUTES = {
    "/good.json": (200, GOOD),
    "/fail.json": (500, b"oops"),
    "/bad.json": (200, b'{"results": [{"name": "trunc'),
    "/notcsl.json": (200, b'{"items": []}'),
}


@pytest.fixture(scope="module")
def server():
    with serve(ROUTES) as url:
        yield url


def fetch(cli, url, dest):
    return cli("rules", "fetch", "--url", url, "--dest", str(dest), "--timeout", "5", timeout=30)


def test_fetch_writes_the_file_and_says_where(cli, server, tmp_path):
    r = fetch(cli, server + "/good.json", tmp_path)
    assert r.returncode == 0, r.stderr
    target = tmp_path / "consolidated.json"
    assert json.loads(target.read_bytes()) == json.loads(GOOD)
    assert str(target) in r.stdout and "2 records" in r.stdout
    assert [p.name for p in tmp_path.iterdir()] == ["consolidated.json"]  # no temp file left


@pytest.mark.parametrize(
    "path, message",
    [("/fail.json", "HTTP 500"), ("/bad.json", "not valid JSON"), ("/notcsl.json", 'no "results"')],
)
def test_failure_keeps_the_previous_copy(cli, server, tmp_path, path, message):
    assert fetch(cli, server + "/good.json", tmp_path).returncode == 0
    before = (tmp_path / "consolidated.json").read_bytes()
    r = fetch(cli, server + path, tmp_path)
    assert r.returncode == 3
    assert message in r.stderr and "kept the previous copy" in r.stderr
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert (tmp_path / "consolidated.json").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["consolidated.json"]


def test_url_from_environment(cli, server, tmp_path):
    r = cli(
        "rules",
        "fetch",
        "--dest",
        str(tmp_path),
        timeout=30,
        env={"BOMSCAN_CSL_URL": server + "/good.json"},
    )
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "consolidated.json").exists()


def test_fetched_json_imports(cli, server, tmp_path):
    assert fetch(cli, server + "/good.json", tmp_path).returncode == 0
    r = cli("rules", "import-csl", str(tmp_path / "consolidated.json"), "-o", str(tmp_path / "r"))
    assert r.returncode == 0, r.stderr
    assert "read 2 rows" in r.stdout

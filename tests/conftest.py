"""Shared test helpers: run the CLI as a user would, find the shared reference material."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
SHARED = REPO.parent / "shared"


def run_cli(
    *args: str, cwd: Path | str | None = None, env: dict | None = None, timeout: float = 120
):
    """Run ``python -m bomscan`` in a subprocess (the code in this checkout)."""
    full_env = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    for var in ("BOMSCAN_DEBUG", "COLUMNS", "LINES", "NO_COLOR"):  # a report as piped, by default
        full_env.pop(var, None)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bomscan", *args],
        cwd=cwd or REPO,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture(autouse=True, scope="session")
def no_stored_lists(tmp_path_factory):
    """Every test starts with no stored lists (an empty data directory), whatever the machine
    has stored with ``bomscan rules update``; a test that stores lists sets its own."""
    os.environ["BOMSCAN_DATA_DIR"] = str(tmp_path_factory.mktemp("bomscan-data"))


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.fail(f"shared reference material not found at {SHARED} (CI provides ../shared)")
    return SHARED


@contextmanager
def serve(routes: dict[str, tuple]) -> Iterator[str]:
    """A local HTTP server on 127.0.0.1 answering GET ``path`` with ``routes[path]`` (status,
    body, and optionally the Content-Length to announce: more than the body is a download cut
    short); 404 otherwise. Yields its base URL. Tests of commands whose job is to download."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            status, body, *length = routes.get(self.path, (404, b"no"))
            self.send_response(status)
            self.send_header("Content-Length", str(length[0] if length else len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        t.join(timeout=5)

"""The installed ``bomscan`` command as a person meets it: in a terminal (a pseudo-terminal of 80
or 120 columns), and through pipes.

Every other CLI test runs the command with pipes; a crash that only a terminal triggers (Click
8.2 removed ``click.get_terminal_size``, and every ``bomscan report`` in a terminal exited 70)
went unseen by all of them. Here stdout and stderr are each their own pseudo-terminal, so the
report, colour and the progress line can be told apart as a user sees them.
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import select
import shutil
import struct
import subprocess
import sys
import sysconfig
import termios
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from rich.cells import cell_len

REPO = Path(__file__).resolve().parents[2]
CAMERA = str(REPO / "examples" / "camera-hbom.cdx.json")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
WIDTHS = (80, 120)


def installed_command() -> list[str]:
    """The console script pip installed beside this interpreter (what a user types), or
    ``python -m bomscan`` where the package runs from a checkout without being installed."""
    script = shutil.which("bomscan", path=sysconfig.get_path("scripts"))
    return [script] if script else [sys.executable, "-m", "bomscan"]


def terminal_env(**extra: str) -> dict[str, str]:
    """The environment of an interactive shell: no COLUMNS exported, no NO_COLOR, TERM set."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR", "BOMSCAN_DEBUG", "CI")
    }
    env["TERM"] = "xterm-256color"
    env.update(extra)
    return env


@dataclass
class Session:
    code: int
    out: str  # what the terminal showed on stdout, CRLF folded to LF
    err: str

    def plain_lines(self) -> list[str]:
        return ANSI.sub("", self.out).split("\n")

    def widest(self) -> int:
        return max((cell_len(line) for line in self.plain_lines()), default=0)


def _open_pty(cols: int, rows: int = 40) -> tuple[int, int]:
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    return master, slave


def _drain(fds: dict[int, bytearray], proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    open_fds = set(fds)
    while open_fds:
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"bomscan did not finish within {timeout} s in a terminal")
        ready, _, _ = select.select(list(open_fds), [], [], 0.2)
        for fd in ready:
            try:
                data = os.read(fd, 65536)
            except OSError:  # EIO: the child closed its side of the terminal
                data = b""
            if data:
                fds[fd] += data
            else:
                open_fds.discard(fd)
        if not ready and proc.poll() is not None:
            break


def in_terminal(*args: str, cols: int = 80, env=None, cwd=None, timeout=120) -> Session:
    """Run the installed command with stdout and stderr on two pseudo-terminals ``cols`` wide."""
    out_m, out_s = _open_pty(cols)
    err_m, err_s = _open_pty(cols)
    proc = subprocess.Popen(
        [*installed_command(), *args],
        stdin=subprocess.DEVNULL,
        stdout=out_s,
        stderr=err_s,
        env=env or terminal_env(),
        cwd=cwd or REPO,
        start_new_session=True,
    )
    os.close(out_s)
    os.close(err_s)
    bufs = {out_m: bytearray(), err_m: bytearray()}
    try:
        _drain(bufs, proc, timeout)
        code = proc.wait(timeout=timeout)
    finally:
        os.close(out_m)
        os.close(err_m)
    text = {fd: b.decode("utf-8", "replace").replace("\r\n", "\n") for fd, b in bufs.items()}
    return Session(code, text[out_m], text[err_m])


def piped(*args: str, env=None, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*installed_command(), *args],
        env=env or terminal_env(),
        cwd=cwd or REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


def widest(text: str) -> int:
    return max((cell_len(line) for line in ANSI.sub("", text).split("\n")), default=0)


@pytest.mark.parametrize("cols", WIDTHS)
def test_the_readme_first_command_prints_the_table_in_a_terminal(cols):
    s = in_terminal("report", CAMERA, cols=cols)
    assert s.code == 0, s.err
    assert "internal error" not in s.err
    assert "Exposure by listed entity, ranked by spend" in ANSI.sub("", s.out)
    assert "Hangzhou Hikvision" in ANSI.sub("", s.out)
    assert s.widest() <= cols, "the table fits the terminal, no row wraps"
    assert "\x1b[" in s.out, "a terminal gets colour"


@pytest.mark.parametrize("cols", WIDTHS)
def test_no_color_in_a_terminal_means_no_escape_codes(cols):
    s = in_terminal("report", CAMERA, "--fail-on", "any", cols=cols, env=terminal_env(NO_COLOR="1"))
    assert s.code == 1
    assert "\x1b[" not in s.out
    assert "\x1b[" not in s.err
    assert s.widest() <= cols


@pytest.mark.parametrize("cols", WIDTHS)
def test_the_gate_fails_in_a_terminal_with_exit_1_and_says_why_on_stderr(cols):
    s = in_terminal("report", CAMERA, "--fail-on", "any", cols=cols)
    assert s.code == 1
    assert "gate failed" in s.err
    assert "gate failed" not in s.out, "diagnostics stay off the report"


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_machine_formats_in_a_terminal_are_plain_json(fmt):
    s = in_terminal("report", CAMERA, "-f", fmt, cols=80)
    assert s.code == 0, s.err
    assert "\x1b[" not in s.out, "no colour codes inside JSON, even on a terminal"
    json.loads(s.out)


@pytest.mark.parametrize("cols", WIDTHS)
@pytest.mark.parametrize("fmt", ["csv", "markdown"])
def test_text_formats_in_a_terminal(fmt, cols):
    s = in_terminal("report", CAMERA, "-f", fmt, cols=cols)
    assert s.code == 0, s.err
    assert "\x1b[" not in s.out
    assert "Hangzhou Hikvision" in s.out


@pytest.mark.parametrize("fmt", ["xlsx", "html"])
def test_file_formats_from_a_terminal(fmt, tmp_path):
    target = tmp_path / f"report.{fmt}"
    s = in_terminal("report", CAMERA, "-f", fmt, "-o", str(target), cols=80)
    assert s.code == 0, s.err
    assert target.stat().st_size > 1000
    assert s.out.strip() == "", "the report went to the file, not the terminal"


def test_a_binary_format_without_a_file_is_a_usage_error_in_a_terminal():
    s = in_terminal("report", CAMERA, "-f", "xlsx", cols=80)
    assert s.code == 2
    assert "-o FILE" in s.err


@pytest.mark.parametrize("cols", WIDTHS)
@pytest.mark.parametrize(
    "args",
    [
        ("explain", "Hik vision digital"),
        ("rules", "list"),
        ("--help",),
        ("report", "--help"),
        ("rules", "--help"),
    ],
    ids=["explain", "rules-list", "help", "report-help", "rules-help"],
)
def test_every_command_fits_the_terminal(args, cols):
    s = in_terminal(*args, cols=cols)
    assert s.code == 0, s.err
    assert s.out.strip()
    assert s.widest() <= cols


@pytest.mark.parametrize("cols", WIDTHS)
def test_rules_show_wraps_text_and_keeps_urls_whole(cols):
    s = in_terminal("rules", "show", "huawei", cols=cols)
    assert s.code == 0, s.err
    assert "Huawei Technologies Co., Ltd." in s.out
    for line in s.plain_lines():
        if cell_len(line) > 80:  # only an unbreakable word (a URL, a path) may run past 80
            words = line.split()
            assert len(words) <= 3 and max(cell_len(w) for w in words) > 60, line


def test_rules_list_is_coloured_on_a_terminal_and_plain_under_no_color():
    assert "\x1b[" in in_terminal("rules", "list", cols=120).out
    plain = in_terminal("rules", "list", cols=120, env=terminal_env(NO_COLOR="1"))
    assert plain.code == 0
    assert "\x1b[" not in plain.out


def test_long_work_shows_progress_on_the_terminal_stderr_only(tmp_path):
    """Progress appears after a delay (1 s; shortened here so the example is 'long work')."""
    env = terminal_env(BOMSCAN_PROGRESS_DELAY="0")
    s = in_terminal("report", str(REPO / "examples" / "procurement-ledger.csv"), env=env)
    assert s.code == 0, s.err
    assert "\r" in s.err and "\x1b[K" in s.err, "a redrawn progress line on the terminal"
    assert "\r" not in s.out, "no progress in the report"


def test_piped_output_has_no_progress_and_no_colour():
    env = terminal_env(BOMSCAN_PROGRESS_DELAY="0")
    r = piped("report", str(REPO / "examples" / "procurement-ledger.csv"), env=env)
    assert r.returncode == 0, r.stderr
    assert "\r" not in r.stderr and "\x1b[" not in r.stderr
    assert "\x1b[" not in r.stdout


def test_piped_table_is_80_columns_unless_columns_says_otherwise():
    narrow = piped("report", CAMERA)
    assert narrow.returncode == 0
    assert widest(narrow.stdout) == 80, "the 80-column convention when nothing gives a width"
    wide = piped("report", CAMERA, env=terminal_env(COLUMNS="120"))
    assert wide.returncode == 0
    assert 80 < widest(wide.stdout) <= 120, "COLUMNS is honoured through a pipe"


def test_the_terminal_width_wins_over_nothing_and_columns_wins_over_the_terminal():
    at_120 = in_terminal("report", CAMERA, cols=120)
    assert 80 < at_120.widest() <= 120
    told_100 = in_terminal("report", CAMERA, cols=120, env=terminal_env(COLUMNS="100"))
    assert 80 < told_100.widest() <= 100


def test_width_reads_columns_then_the_terminal_then_defaults_to_80(monkeypatch):
    from bomscan import terminal

    monkeypatch.setenv("COLUMNS", "123")
    assert terminal.width() == 123
    monkeypatch.setenv("COLUMNS", "20")
    assert terminal.width() == terminal.MIN_WIDTH, "the tables need 60 columns"
    monkeypatch.delenv("COLUMNS")
    if not os.isatty(sys.__stdout__.fileno()):  # pytest's own output is piped in CI
        assert terminal.width() == 80


def test_colour_choice_flag_then_no_color_then_auto(monkeypatch):
    from bomscan import terminal

    monkeypatch.setenv("NO_COLOR", "1")
    assert terminal.color_wanted(None) is False
    assert terminal.color_wanted(True) is True
    monkeypatch.delenv("NO_COLOR")
    assert terminal.color_wanted(None) is None
    assert terminal.use_color(None, to_terminal=True) is True
    assert terminal.use_color(None, to_terminal=False) is False
    assert terminal.use_color(False, to_terminal=True) is False


def test_wrap_counts_chinese_characters_as_two_cells():
    from bomscan.terminal import wrap

    lines = wrap("名称 华为技术有限公司 華為技術有限公司 Huawei Technologies", 24)
    assert all(cell_len(line) <= 24 for line in lines), lines
    assert wrap("see https://example.org/a/very/long/path/that/does/not/fit", 20) == [
        "see",
        "https://example.org/a/very/long/path/that/does/not/fit",
    ], "URLs stay whole and copyable"

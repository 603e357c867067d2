"""The console script's entry point leaves the interpreter the ordinary way: ``SystemExit`` with
the command's code, so exit handlers, buffered output and callers embedding it all behave."""

from __future__ import annotations

import sys

import pytest

from bomscan import cli


@pytest.mark.parametrize(("argv", "code"), [(["--version"], 0), (["report"], 2)])
def test_entry_raises_system_exit_with_the_code(monkeypatch, capsys, argv, code):
    monkeypatch.setattr(sys, "argv", ["bomscan", *argv])
    with pytest.raises(SystemExit) as exc:
        cli.entry()  # an os._exit here would end the test run itself
    assert (exc.value.code or 0) == code
    out = capsys.readouterr()
    assert ("bomscan" in out.out) if code == 0 else ("Usage" in out.err)


def test_binary_format_without_output_suggests_a_file_name(monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "led.csv").write_text("Vendor,Amount\nAcme,1\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        cli.main(["report", "led.csv", "-f", "xlsx"])
    assert exc.value.code == 2
    assert "-o report.xlsx" in capsys.readouterr().err

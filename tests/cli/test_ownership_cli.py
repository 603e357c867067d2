"""``--ownership`` as a user meets it: the shipped example in a terminal and through a pipe,
the config key, and a bad ownership file as one line on stderr with exit 3."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_terminal_sessions import in_terminal, piped, terminal_env

REPO = Path(__file__).resolve().parents[2]
LEDGER = str(REPO / "examples" / "ownership" / "ledger.csv")
OWNERSHIP = str(REPO / "examples" / "ownership" / "ownership.csv")
AS_OF = ("--as-of", "2026-12-01")


def _json(*args: str, cwd=None):
    p = piped("report", LEDGER, *AS_OF, "-f", "json", *args, cwd=cwd)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout), p.stderr


def test_without_ownership_the_example_ledger_is_clean_of_listed_names():
    rep, _ = _json()
    assert rep["findings"] == [] and rep["possible_matches"] == []


def test_the_example_names_each_case_through_ownership():
    rep, err = _json("--ownership", OWNERSHIP, "--affiliates-rule", "in-force")
    found = {(f["value"], f["date"]): f for f in rep["findings"]}
    kestrel = found[("Kestrel Acoustics Ltd", "2025-10-15")]  # inside the rule's first window
    assert kestrel["entity"]["id"] == "iflytek"
    assert kestrel["ownership"]["share"] == 60 and kestrel["via"][0]["share"] == 60
    assert ("Kestrel Acoustics Ltd", "2026-11-20") in found  # after reimposition, in force
    assert found[("Larkspur Sensor Modules Co", "2025-10-20")]["ownership"]["share"] == 55
    ouzel = found[("Ouzel Precision Parts GmbH", "2025-10-21")]
    assert [v["share"] for v in ouzel["via"]] == [70, 80]
    review = {(f["value"], f["date"]): f for f in rep["possible_matches"]}
    suspended = review[("Kestrel Acoustics Ltd", "2026-03-02")]["ownership"]["rules"]
    assert [r["status"] for r in suspended] == ["suspended"]
    assert review[("Harrier Audio Components Ltd", "2025-10-22")]["ownership"]["share"] == 30
    assert "do not settle" not in err  # the user decided


def test_gate_fails_on_the_finding_not_on_the_review_items():
    p = piped(
        "report", LEDGER, *AS_OF, "--ownership", OWNERSHIP, "--fail-on", "restricted",
        "--from", "2026-01-01", "--to", "2026-06-30", "-f", "json",
    )  # fmt: skip
    assert p.returncode == 0, p.stderr  # only the suspended-period line: a review item
    assert json.loads(p.stdout)["possible_matches"]
    p = piped("report", LEDGER, *AS_OF, "--ownership", OWNERSHIP, "--fail-on", "restricted")
    assert p.returncode == 1


def test_unsettled_dates_warn_on_stderr_when_the_user_has_not_chosen():
    rep, err = _json("--ownership", OWNERSHIP)
    assert "BIS Affiliates Rule" in err and "--affiliates-rule" in err
    assert any("--affiliates-rule" in w for w in rep["warnings"])


def test_in_a_terminal_the_table_shows_the_chain_with_shares():
    s = in_terminal("report", LEDGER, *AS_OF, "--ownership", OWNERSHIP, cols=120)
    assert s.code == 0, s.err
    words = " ".join(" ".join(s.plain_lines()).split())  # cells wrap within their column
    assert "(70%) >" in words and "Ouzel Holdings BV (80%)" in words
    assert "Harrier Audio Components Ltd: owned 30% by iFLYTEK" in words
    assert s.widest() <= 120


def test_the_config_names_the_ownership_file(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".bomscan.toml").write_text(
        f'ownership = ["{OWNERSHIP}"]\naffiliates-rule = "suspended"\n'
    )
    rep, _ = _json(cwd=tmp_path)
    late = [f for f in rep["possible_matches"] if f["date"] == "2026-11-20"]
    assert late and late[0]["ownership"]["rules"][0]["status"] == "unsettled"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("IFLYTEK CO LTD,Alpha Ltd,140,,,x", ":2: share '140' is outside 0-100"),
        ("IFLYTEK CO LTD,Alpha Ltd,60,2024-13-01,,x", ":2: valid_from '2024-13-01' is not a date"),
        ("Alpha Ltd,Beta Ltd,60,,,x\nBeta Ltd,Alpha Ltd,60,,,x", ": ownership cycle: "),
    ],
)
def test_a_bad_ownership_file_is_one_line_and_exit_3(tmp_path, rows, message):
    _bad_file(tmp_path, "owner,owned,share,valid_from,valid_to,source\n" + rows + "\n", message)


def test_a_header_twice_and_an_unreadable_file_are_one_line(tmp_path):
    _bad_file(tmp_path, "owner,Owner,owned,share\nA,B,C,60\n", ":1: ownership CSV has the column")
    p = piped("report", LEDGER, "--ownership", str(tmp_path / "missing.csv"))
    assert p.returncode == 3 and "missing.csv: cannot read" in p.stderr


def _bad_file(tmp_path, text: str, message: str) -> None:
    own = tmp_path / "own.csv"
    own.write_text(text)
    p = piped("report", LEDGER, "--ownership", str(own), env=terminal_env())
    assert p.returncode == 3
    assert p.stdout == ""
    (line,) = p.stderr.strip().splitlines()
    assert str(own) in line and message in line and "Traceback" not in p.stderr

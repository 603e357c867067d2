"""The pre-merge check as a user meets it: exit codes, gate levels, SARIF on the new line,
suppressions with expiry, baseline, terminal manners. Built on examples/camera-hbom.csv.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bomscan.cli import main

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_CSV = REPO / "examples" / "camera-hbom.csv"
LISTED = ("Hikvision", "Dahua", "HiSilicon", "EZVIZ")
HIKVISION_ROW = (
    'CAM9,1,"Hangzhou Hikvision Digital Technology Co., Ltd.",DS-2CD2043G2-I,'
    "4 MP bullet camera,Arrow Electronics,99.00,99.00,USD"
)
DAHUA_ROW = (
    'PTZ9,1,"Zhejiang Dahua Technology Co., Ltd.",SD22204DB-GNY,PTZ camera,Avnet,150.00,150.00,USD'
)
IFLYTEK_ROW = "MIC1,1,iFLYTEK Co. Ltd.,XFM10621,Voice module,Avnet,12.00,12.00,USD"


def clean_rows() -> list[str]:
    """The example BOM without any row that names a listed entity."""
    lines = EXAMPLE_CSV.read_text(encoding="utf-8").splitlines()
    return [ln for ln in lines if not any(x in ln for x in LISTED)]


def write_bom(path: Path, rows: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A throwaway repository (a ``.git`` dir marks its top level) with a clean BOM in hw/."""
    (tmp_path / ".git").mkdir()
    write_bom(tmp_path / "hw" / "bom.csv", clean_rows())
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BOMSCAN_CONFIG", raising=False)
    return tmp_path


def run(capsys, *args: str) -> tuple[int, str, str]:
    """Run the CLI in-process (fast) and return exit code, stdout, stderr."""
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    cap = capsys.readouterr()
    code = exc.value.code if isinstance(exc.value.code, int) else 0
    return code, cap.out, cap.err


def add_hikvision(repo: Path) -> int:
    """Append a Hikvision row to hw/bom.csv and return its line number."""
    rows = clean_rows() + [HIKVISION_ROW]
    write_bom(repo / "hw" / "bom.csv", rows)
    return len(rows)


def sarif_results(text: str) -> list[dict]:
    return json.loads(text)["runs"][0]["results"]


def test_clean_bom_passes_with_empty_but_valid_sarif(repo, capsys):
    code, out, err = run(capsys, "report", "hw/bom.csv", "--fail-on", "any", "--format", "sarif")
    assert code == 0, err
    log = json.loads(out)
    assert log["version"] == "2.1.0"
    assert log["runs"][0]["results"] == []
    assert log["runs"][0]["tool"]["driver"]["rules"], "rules are listed even with no results"


def test_bom_gaining_a_hikvision_line_fails_with_a_result_on_that_line(repo, capsys):
    line = add_hikvision(repo)
    code, out, err = run(capsys, "report", "hw/bom.csv", "--fail-on", "any", "--format", "sarif")
    assert code == 1
    assert "gate failed" in err
    results = sarif_results(out)
    assert len(results) == 1
    loc = results[0]["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "hw/bom.csv"
    assert loc["region"]["startLine"] == line
    assert results[0]["ruleId"] == "us-ndaa-889"
    assert results[0]["level"] == "error"


def test_uri_is_relative_to_the_git_top_level_from_a_subdirectory(repo, capsys, monkeypatch):
    add_hikvision(repo)
    monkeypatch.chdir(repo / "hw")
    code, out, _ = run(capsys, "report", "bom.csv", "--format", "sarif")
    assert code == 0  # no --fail-on: findings never fail
    uri = sarif_results(out)[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "hw/bom.csv"


def test_without_fail_on_findings_never_fail(repo, capsys):
    add_hikvision(repo)
    code, out, _ = run(capsys, "report", "hw/bom.csv", "--format", "json")
    assert code == 0
    assert json.loads(out)["summary"]["findings"] == 1


def test_future_suppression_passes_expired_fails_and_warns(repo, capsys):
    add_hikvision(repo)
    cfg = repo / ".bomscan.toml"
    entry = '[[suppress]]\nentity = "hikvision"\nreason = "Legacy camera, swap tracked in HW-42"\n'
    cfg.write_text(entry + "expires = 2999-12-31\n", encoding="utf-8")
    code, out, err = run(capsys, "report", "hw/bom.csv", "--fail-on", "any", "--format", "json")
    assert code == 0, err
    rep = json.loads(out)
    assert rep["summary"]["findings"] == 0 and rep["summary"]["suppressed"] == 1
    assert rep["summary"]["exposed_spend"] == 0.0, "suppressed findings do not count in totals"
    assert rep["suppressed"][0]["reason"] == "Legacy camera, swap tracked in HW-42"
    assert "warning" not in err

    cfg.write_text(entry + "expires = 2020-01-31\n", encoding="utf-8")
    code, out, err = run(capsys, "report", "hw/bom.csv", "--fail-on", "any", "--format", "sarif")
    assert code == 1
    assert len(sarif_results(out)) == 1
    assert ".bomscan.toml:1: suppress entry 1 expired on 2020-01-31" in err


def test_baseline_reports_and_gates_only_new_findings(repo, capsys, tmp_path):
    add_hikvision(repo)
    code, old, _ = run(capsys, "report", "hw/bom.csv", "--format", "json")
    assert code == 0
    base = repo / "baseline.json"
    base.write_text(old, encoding="utf-8")
    # same BOM against its own baseline: nothing new, the gate passes
    code, out, _ = run(
        capsys,
        "report",
        "hw/bom.csv",
        "--baseline",
        "baseline.json",
        "--fail-on",
        "any",
        "-f",
        "json",
    )
    assert code == 0
    assert json.loads(out)["summary"]["baselined"] == 1
    # a Dahua line above the old finding: only it is reported, and it gates
    rows = clean_rows()
    write_bom(repo / "hw" / "bom.csv", rows[:3] + [DAHUA_ROW] + rows[3:] + [HIKVISION_ROW])
    code, out, _ = run(
        capsys,
        "report",
        "hw/bom.csv",
        "--baseline",
        "baseline.json",
        "--fail-on",
        "any",
        "-f",
        "json",
    )
    assert code == 1
    rep = json.loads(out)
    assert [f["entity"]["id"] for f in rep["findings"]] == ["dahua"]
    assert rep["findings"][0]["locator"]["line"] == 4
    assert rep["summary"]["baselined"] == 1 and rep["baseline"]["baselined"] == 1


def test_broken_bom_exits_3_with_one_line(repo, capsys):
    bad = repo / "hw" / "broken.cdx.json"
    bad.write_text('{"bomFormat": "CycloneDX", "components": [', encoding="utf-8")
    code, out, err = run(capsys, "report", "hw/broken.cdx.json", "--fail-on", "any")
    assert code == 3
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "broken.cdx.json" in lines[0]


def test_bad_baseline_is_an_input_error(repo, capsys):
    (repo / "old.json").write_text('{"not": "a report"}', encoding="utf-8")
    code, _, err = run(capsys, "report", "hw/bom.csv", "--baseline", "old.json")
    assert code == 3
    assert "old.json" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("fail_on", "expected"),
    [("restricted", 1), ("prohibited", 0)],
)
def test_gate_levels_follow_the_lists(repo, capsys, fail_on, expected):
    # iFLYTEK is on the Entity List only: restricted, not prohibited
    write_bom(repo / "hw" / "bom.csv", clean_rows() + [IFLYTEK_ROW])
    code, out, _ = run(capsys, "report", "hw/bom.csv", "--fail-on", fail_on, "-f", "json")
    assert code == expected
    assert json.loads(out)["findings"][0]["level"] == "restricted"


def test_help_documents_exit_codes_and_levels(capsys):
    code, out, _ = run(capsys, "report", "--help")
    assert code == 0
    for text in ("Exit codes", "1  gate failed", "2  usage or configuration error", "70"):
        assert text in out
    flat = " ".join(out.split())
    assert "prohibited = NDAA §889, FCC Covered List" in flat


def test_quiet_silences_warnings(repo, capsys):
    add_hikvision(repo)
    (repo / ".bomscan.toml").write_text(
        '[[suppress]]\nname = "Nobody Ltd"\nreason = "stale"\n', encoding="utf-8"
    )
    _, _, err = run(capsys, "report", "hw/bom.csv")
    assert "matched no finding" in err
    _, _, err = run(capsys, "report", "hw/bom.csv", "--quiet")
    assert err == ""


def _subprocess(repo: Path, *args: str, env_extra: dict | None = None):
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "bomscan", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_no_colour_codes_on_a_pipe_but_color_forces_them(repo):
    add_hikvision(repo)
    p = _subprocess(repo, "report", "hw/bom.csv", "--fail-on", "any")
    assert p.returncode == 1
    assert "Hikvision" in p.stdout
    assert "\x1b[" not in p.stdout and "\x1b[" not in p.stderr
    forced = _subprocess(repo, "report", "hw/bom.csv", "--color", env_extra={"NO_COLOR": "1"})
    assert "\x1b[" in forced.stdout, "an explicit --color wins over NO_COLOR and the pipe"

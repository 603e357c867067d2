"""The composite GitHub Action, run locally: its ``run:`` scripts are taken from action.yml and
executed with bash the way a runner does (``bash --noprofile --norc -eo pipefail``), with
``GITHUB_OUTPUT``/``GITHUB_STEP_SUMMARY`` files; ``uses:`` steps (setup-python, upload-sarif)
are GitHub's own and are only checked for their wiring.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml", reason="PyYAML comes with pre-commit (test extra)")

REPO = Path(__file__).resolve().parents[2]
ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
EXAMPLE = (REPO / "examples" / "camera-hbom.csv").read_text(encoding="utf-8").splitlines()
LISTED = ("Hikvision", "Dahua", "HiSilicon", "EZVIZ")
EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def clean_rows() -> list[str]:
    return [ln for ln in EXAMPLE if not any(x in ln for x in LISTED)]


def run_action(inputs: dict, workdir: Path, tmp: Path) -> tuple[int, dict, str]:
    """Run every ``run:`` step in order; return (exit code of the last step run, outputs, log)."""
    values = {k: str(v.get("default", "")) for k, v in ACTION["inputs"].items()}
    values.update(inputs)
    step_outputs: dict[str, dict] = {}
    bindir = tmp / "bin"
    bindir.mkdir(exist_ok=True)
    if not (bindir / "python").exists():
        # a wrapper, not a symlink: a symlink to a venv's python, outside the venv, starts the
        # base interpreter without the venv's packages
        (bindir / "python").write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
        (bindir / "python").chmod(0o755)
    runner_temp = tmp / "runner-temp"
    runner_temp.mkdir(exist_ok=True)
    summary = tmp / "step-summary.md"

    def resolve(expr: str) -> str:
        if expr.startswith("inputs."):
            return values[expr[len("inputs.") :]]
        if expr == "github.action_path":
            return str(REPO)
        if expr == "runner.temp":
            return str(runner_temp)
        m = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expr)
        if m:
            return step_outputs.get(m.group(1), {}).get(m.group(2), "")
        raise AssertionError(f"action.yml uses an expression the test does not know: {expr}")

    log = []
    code = 0
    for i, step in enumerate(ACTION["runs"]["steps"]):
        if "run" not in step:
            continue
        assert step.get("shell") == "bash"
        out_file = tmp / f"output-{i}"
        out_file.write_text("", encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "NO_COLOR"))}
        env.update(
            {
                k: EXPR.sub(lambda m: resolve(m.group(1)), str(v))
                for k, v in (step.get("env") or {}).items()
            }
        )
        env.update(
            PATH=f"{bindir}{os.pathsep}{env.get('PATH', '')}",
            GITHUB_OUTPUT=str(out_file),
            GITHUB_STEP_SUMMARY=str(summary),
            RUNNER_TEMP=str(runner_temp),
        )
        script = tmp / f"step-{i}.sh"
        script.write_text(step["run"], encoding="utf-8")
        p = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        log.append(f"--- {step.get('name')} (exit {p.returncode})\n{p.stdout}{p.stderr}")
        outs = dict(line.split("=", 1) for line in out_file.read_text().splitlines() if "=" in line)
        if step.get("id"):
            step_outputs[step["id"]] = outs
        code = p.returncode
        if code != 0:
            break
    return code, step_outputs.get("run", {}), "\n".join(log)


def test_action_wiring_is_injection_safe_and_complete():
    assert ACTION["runs"]["using"] == "composite"
    for name in ("paths", "fail-on", "config", "baseline", "upload-sarif", "version", "format"):
        assert name in ACTION["inputs"], name
    for step in ACTION["runs"]["steps"]:
        if "run" in step:
            assert "${{" not in step["run"], f"{step['name']}: pass inputs via env, not ${{{{ }}}}"
    uses = {s["uses"].split("@")[0]: s for s in ACTION["runs"]["steps"] if "uses" in s}
    upload = uses["github/codeql-action/upload-sarif"]
    assert "inputs.upload-sarif == 'true'" in upload["if"] and "always()" in upload["if"]
    assert "steps.run.outputs.sarif" in upload["with"]["sarif_file"]
    install = next(s for s in ACTION["runs"]["steps"] if s.get("id") == "install")
    assert install["env"]["ACTION_PATH"] == "${{ github.action_path }}"


@pytest.fixture
def workdir(tmp_path):
    w = tmp_path / "work"
    (w / ".git").mkdir(parents=True)
    (w / "hw").mkdir()
    return w


def test_action_fails_the_gate_writes_sarif_json_and_appends_the_summary(workdir, tmp_path):
    rows = clean_rows()
    (workdir / "hw" / "cam-bom.csv").write_text(
        "\n".join(
            rows + ['CAM9,1,"Hangzhou Hikvision Digital Technology Co., Ltd.",X1,cam,,9,9,USD']
        )
        + "\n",
        encoding="utf-8",
    )
    (tmp_path / "step-summary.md").write_text("previous step's summary\n", encoding="utf-8")
    code, out, log = run_action(
        {"paths": "hw/*-bom.csv\n", "version": "preinstalled"}, workdir, tmp_path
    )
    assert code == 1, log
    assert out["exit-code"] == "1" and out["gate"] == "failed" and out["findings"] == "1"
    sarif = json.loads(Path(out["sarif"]).read_text(encoding="utf-8"))
    (res,) = sarif["runs"][0]["results"]
    loc = res["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "hw/cam-bom.csv"
    assert loc["region"]["startLine"] == len(rows) + 1
    assert json.loads(Path(out["json"]).read_text(encoding="utf-8"))["gate"]["failed"] is True
    summary = (tmp_path / "step-summary.md").read_text(encoding="utf-8")
    assert summary.startswith("previous step's summary\n"), "the summary is appended"
    assert "<!-- bomscan -->" in summary and "failed" in summary
    assert "Hangzhou Hikvision" in log, "the table goes to the job log"


def test_action_passes_on_a_clean_bom(workdir, tmp_path):
    (workdir / "hw" / "bom.csv").write_text("\n".join(clean_rows()) + "\n", encoding="utf-8")
    code, out, log = run_action(
        {"paths": "hw/bom.csv", "version": "preinstalled", "fail-on": "prohibited"},
        workdir,
        tmp_path,
    )
    assert code == 0, log
    assert out["gate"] == "passed" and out["findings"] == "0"
    assert json.loads(Path(out["sarif"]).read_text(encoding="utf-8"))["runs"][0]["results"] == []
    assert "passed" in (tmp_path / "step-summary.md").read_text(encoding="utf-8")


def test_action_input_error_exits_3_and_still_writes_a_summary(workdir, tmp_path):
    (workdir / "hw" / "bom.cdx.json").write_text("{ not json", encoding="utf-8")
    code, out, log = run_action(
        {"paths": "hw/bom.cdx.json", "version": "preinstalled"}, workdir, tmp_path
    )
    assert code == 3, log
    assert out["gate"] == "error" and out["sarif"] == ""
    assert "could not run" in (tmp_path / "step-summary.md").read_text(encoding="utf-8")

"""The pre-commit hook, through ``pre-commit try-repo`` on a throwaway git repository.

pre-commit pip-installs bomscan into its own environment (from the package index or the pip
cache), which takes about a minute the first time; if it cannot, the test fails with
pre-commit's own output rather than skipping silently.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = (REPO / "examples" / "camera-hbom.csv").read_text(encoding="utf-8").splitlines()
LISTED = ("Hikvision", "Dahua", "HiSilicon", "EZVIZ")
GIT = [
    "git",
    "-c",
    "user.email=test@example.invalid",
    "-c",
    "user.name=test",
    "-c",
    "commit.gpgsign=false",
    "-c",
    "init.defaultBranch=main",
]


def git(cwd: Path, *args: str) -> None:
    subprocess.run([*GIT, *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def hook_repo(dest: Path) -> Path:
    """A committed snapshot of this checkout's package (what `pip install <repo>` needs)."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("bomscan", "rules"):
        shutil.copytree(REPO / name, dest / name, ignore=ignore)
    for name in ("pyproject.toml", ".pre-commit-hooks.yaml", "README.md", "LICENSE"):
        if (REPO / name).exists():
            shutil.copy2(REPO / name, dest / name)
    if not (dest / "README.md").exists():  # pyproject names it as the readme
        (dest / "README.md").write_text("# bomscan\n", encoding="utf-8")
    git(dest, "init", "-q")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "snapshot")
    return dest


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    if shutil.which("git") is None:
        pytest.fail("git is needed to run pre-commit try-repo")
    base = tmp_path_factory.mktemp("precommit")
    hook = hook_repo(base / "hook")
    work = base / "work"
    work.mkdir()
    git(work, "init", "-q")
    e = {k: v for k, v in os.environ.items() if not k.startswith(("NO_COLOR", "PRE_COMMIT"))}
    e["PRE_COMMIT_HOME"] = str(base / "cache")
    return hook, work, e


def try_repo(env, *files: str) -> subprocess.CompletedProcess:
    hook, work, e = env
    git(work, "add", "-A")
    p = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hook), "bomscan", "--files", *files],
        cwd=work,
        env=e,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if (
        "An unexpected error has occurred" in p.stdout + p.stderr
        or "CalledProcessError" in p.stderr
    ):
        log = Path(e["PRE_COMMIT_HOME"]) / "pre-commit.log"
        detail = log.read_text(encoding="utf-8")[-3000:] if log.exists() else ""
        pytest.fail(
            f"pre-commit could not build the hook environment:\n{p.stdout}{p.stderr}{detail}"
        )
    return p


def test_hook_fails_on_a_bom_with_hikvision_and_passes_a_clean_one(env):
    hook, work, _ = env
    clean = [ln for ln in EXAMPLE if not any(x in ln for x in LISTED)]
    (work / "camera-bom.csv").write_text("\n".join(clean) + "\n", encoding="utf-8")
    (work / "notes.json").write_text("{}", encoding="utf-8")  # not a BOM: not passed
    p = try_repo(env, "camera-bom.csv", "notes.json")
    assert p.returncode == 0, p.stdout + p.stderr
    assert "Passed" in p.stdout

    rows = clean + ['CAM9,1,"Hangzhou Hikvision Digital Technology Co., Ltd.",X1,cam,,9,9,USD']
    (work / "camera-bom.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    p = try_repo(env, "camera-bom.csv")
    assert p.returncode == 1, p.stdout + p.stderr
    assert "Failed" in p.stdout and "gate failed" in p.stdout
    assert f"camera-bom.csv:{len(rows)}" in p.stdout

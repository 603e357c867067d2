"""Project config: discovery, option defaults (flags > file > built-in), suppressions, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bomscan import config
from bomscan.cli import main
from bomscan.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]
BOM = (REPO / "examples" / "camera-hbom.csv").read_text(encoding="utf-8")


@pytest.fixture
def repo(tmp_path, monkeypatch):
    top = tmp_path / "repo"
    (top / ".git").mkdir(parents=True)
    (top / "hw").mkdir()
    (top / "hw" / "bom.csv").write_text(BOM, encoding="utf-8")
    monkeypatch.chdir(top)
    monkeypatch.delenv("BOMSCAN_CONFIG", raising=False)
    return top


def run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    cap = capsys.readouterr()
    return exc.value.code or 0, cap.out, cap.err


def test_discovery_walks_up_and_stops_at_the_git_top_level(repo, monkeypatch):
    (repo.parent / ".bomscan.toml").write_text('format = "json"\n', encoding="utf-8")
    monkeypatch.chdir(repo / "hw")
    assert config.find_config() is None, "a config above the repository must not leak in"
    (repo / ".bomscan.toml").write_text('format = "json"\n', encoding="utf-8")
    assert config.find_config() == repo / ".bomscan.toml"
    assert config.load().options == {"format": "json"}


def test_pyproject_tool_table_and_explicit_path(repo):
    (repo / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.bomscan]\nfail-on = "prohibited"\n'
        '[[tool.bomscan.suppress]]\nentity = "dahua"\nreason = "r"\n',
        encoding="utf-8",
    )
    cfg = config.load()
    assert cfg.path == repo / "pyproject.toml"
    assert cfg.options["fail_on"] == "prohibited"
    assert cfg.suppressions[0].entity == "dahua" and cfg.suppressions[0].line == 6
    (repo / "other.toml").write_text('currency = "eur"\n', encoding="utf-8")
    assert config.load("other.toml", explicit=True).options == {"currency": "EUR"}
    # a pyproject without the table is ignored by discovery
    (repo / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert config.find_config() is None


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('format = "json"\nfail-on = "sometimes"\n', 2, "fail-on: must be one of"),
        ('[[suppress]]\nentity = "dahua"\n', 1, "needs a non-empty reason"),
        (
            '[[suppress]]\nentity = "dahua"\nreason = "r"\n\n[[suppress]]\nreason = "x"\n',
            5,
            "suppress entry 2: needs at least one of entity, name, file",
        ),
        (
            '[[suppress]]\nentity = "d"\nreason = "r"\nexpires = "soon"\n',
            1,
            "expires must be a date",
        ),
        ('colour = "red"\n', 1, "unknown key 'colour'"),
        ('format = "json\n', 1, "not valid TOML"),
    ],
)
def test_bad_config_exits_2_with_one_line_naming_file_and_line(repo, capsys, text, line, words):
    (repo / ".bomscan.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError):
        config.load()
    code, out, err = run(capsys, "report", "hw/bom.csv")
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert f".bomscan.toml:{line}: " in err and words in err


def test_missing_explicit_config_is_a_usage_error(repo, capsys):
    code, _, err = run(capsys, "report", "hw/bom.csv", "--config", "nope.toml")
    assert code == 2 and "nope.toml" in err


def test_flags_override_config_defaults(repo, capsys):
    (repo / ".bomscan.toml").write_text('format = "json"\nfail-on = "any"\n', encoding="utf-8")
    code, out, _ = run(capsys, "report", "hw/bom.csv")
    assert code == 1, "fail-on from the config file gates"
    assert json.loads(out)["gate"]["fail_on"] == "any", "format from the config file"
    code, out, _ = run(capsys, "report", "hw/bom.csv", "--fail-on", "none", "-f", "markdown")
    assert code == 0 and out.startswith("<!-- bomscan -->")


def test_name_and_file_matching_unused_warning_and_show_suppressed(repo, capsys):
    (repo / ".bomscan.toml").write_text(
        "[[suppress]]\n"
        'name = "ZHEJIANG DAHUA   technology co., ltd."\n'
        'file = "hw/*.csv"\n'
        'reason = "Approved by <b>legal</b> | LEG-7"\n'
        "expires = 2999-01-01\n"
        "[[suppress]]\n"
        'entity = "dahua"\n'
        'file = "other/*.csv"\n'
        'reason = "never matches"\n',
        encoding="utf-8",
    )
    code, out, err = run(capsys, "report", "hw/bom.csv", "-f", "json", "--fail-on", "any")
    rep = json.loads(out)
    assert code == 1  # Hikvision and others still gate
    assert rep["summary"]["suppressed"] == 2
    assert {s["line"] for s in rep["suppressed"]} == {3, 17}
    assert all(f["entity"]["id"] != "dahua" for f in rep["findings"])
    assert all(e["entity"]["id"] != "dahua" for e in rep["exposures"])
    assert "suppress entry 2 matched no finding" in err and ".bomscan.toml:6" in err

    _, table, _ = run(capsys, "report", "hw/bom.csv", "--show-suppressed")
    assert "Suppressed by configuration (2)" in table and "LEG-7" in table
    _, table, _ = run(capsys, "report", "hw/bom.csv")
    assert "2 finding(s) suppressed" in table and "LEG-7" not in table
    _, md, _ = run(capsys, "report", "hw/bom.csv", "-f", "markdown", "--show-suppressed")
    assert "Suppressed (2)" in md
    assert "&lt;b&gt;legal&lt;/b&gt; \\| LEG-7" in md, "reasons are escaped in Markdown"


def test_markdown_written_without_findings_and_escapes_names(repo, capsys):
    (repo / "hw" / "clean.csv").write_text(
        "Ref,Manufacturer,MPN,Ext Price,Currency\nR1,@octocat <img src=x>,R-1,1.00,USD\n",
        encoding="utf-8",
    )
    code, md, _ = run(capsys, "report", "hw/clean.csv", "-f", "markdown", "--fail-on", "any")
    assert code == 0
    assert md.startswith("<!-- bomscan -->")
    assert "passed" in md and "0 finding(s)" in md
    assert "<img" not in md

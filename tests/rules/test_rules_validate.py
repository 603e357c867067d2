"""`bomscan rules validate`: the shipped rules pass; every kind of broken rules file is reported
with its file and line and exit code 3; a hostile rules file is only data."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from bomscan.cli import cli as bomscan_cli
from bomscan.rules import collect, shipped_rules_dir

LISTS = textwrap.dedent(
    """\
    [ruleset]
    name = "test"
    version = "1"
    updated = 2024-01-01

    [[list]]
    id = "test-list"
    name = "Test list"
    authority = "Test authority"
    url = "https://example.org/list"
    level = "restricted"
    meaning = "Test meaning."
    """
)

ENTITY = textwrap.dedent(
    """\
    [[entity]]
    id = "acme"
    name = "Acme Widgets Co., Ltd."
    aliases = ["Acme"]
    sources = ["https://example.org/acme"]

      [[entity.listing]]
      list = "test-list"
      citation = "1 FR 1"
      start = 2020-01-01
      source_url = "https://example.org/acme-listing"
    """
)


def validate(*dirs):
    res = CliRunner().invoke(bomscan_cli, ["rules", "validate", *map(str, dirs)])
    return res.exit_code, res.stdout, res.stderr


def write(d: Path, **files: str) -> Path:
    d.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (d / f"{name}.toml").write_text(text, encoding="utf-8")
    return d


def test_shipped_rules_validate():
    code, out, err = validate()
    assert code == 0, err
    assert out.startswith("ok: ") and "entities" in out
    ruleset, problems = collect([shipped_rules_dir()])
    assert problems == []
    assert {"hikvision", "dahua", "huawei", "lorex", "megvii"} <= set(ruleset.entities)


def test_a_valid_directory_passes(tmp_path):
    code, out, _ = validate(write(tmp_path / "r", lists=LISTS, ents=ENTITY))
    assert code == 0
    assert "1 entities, 1 lists, 1 listings" in out


# (description, files, expected fragment, expected line of the problem in its file)
CASES = [
    (
        "broken TOML",
        {"lists": LISTS, "ents": ENTITY + '\n[[entity]]\nid = "x\n'},
        "not valid TOML",
        ENTITY.count("\n") + 3,
    ),
    (
        "unknown top-level key",
        {"lists": 'include = "other.toml"\n' + LISTS},
        "unknown top-level key 'include'",
        1,
    ),
    (
        "missing required key",
        {"lists": LISTS, "ents": ENTITY.replace('name = "Acme Widgets Co., Ltd."\n', "")},
        "missing required key 'name'",
        1,
    ),
    (
        "bad id",
        {"lists": LISTS, "ents": ENTITY.replace('id = "acme"', 'id = "Acme Widgets"')},
        "id must be lowercase kebab-case",
        1,
    ),
    (
        "bad date",
        {"lists": LISTS, "ents": ENTITY.replace("start = 2020-01-01", 'start = "2020-01-01"')},
        "'start' must be a date",
        7,
    ),
    (
        "end before start",
        {"lists": LISTS, "ents": ENTITY + "  end = 2019-01-01\n"},
        "end 2019-01-01 is before start 2020-01-01",
        7,
    ),
    (
        "unknown list",
        {"lists": LISTS, "ents": ENTITY.replace('list = "test-list"', 'list = "no-such-list"')},
        "unknown list 'no-such-list'",
        7,
    ),
    (
        "unknown parent",
        {
            "lists": LISTS,
            "ents": ENTITY
            + '\n  [[entity.affiliation]]\n  parent = "ghost"\n  relation = "subsidiary"\n  source_url = "https://example.org"\n',
        },
        "unknown parent 'ghost'",
        1,
    ),
    (
        "affiliation cycle",
        {
            "lists": LISTS,
            "ents": ENTITY
            + '\n  [[entity.affiliation]]\n  parent = "beta"\n  relation = "subsidiary"\n  source_url = "https://example.org"\n'
            + '\n[[entity]]\nid = "beta"\nname = "Beta"\n\n  [[entity.affiliation]]\n  parent = "acme"\n  relation = "brand"\n  source_url = "https://example.org"\n',
        },
        "affiliation cycle",
        1,
    ),
    (
        "duplicate entity id",
        {"lists": LISTS, "ents": ENTITY, "more": ENTITY},
        "entity 'acme' defined twice",
        1,
    ),
    (
        "duplicate list id",
        {"lists": LISTS, "more": LISTS.split("[[list]]")[1].join(["[[list]]", ""])},
        "list 'test-list' defined twice",
        1,
    ),
    (
        "aliases without sources",
        {"lists": LISTS, "ents": ENTITY.replace('sources = ["https://example.org/acme"]\n', "")},
        "has aliases but no 'sources'",
        1,
    ),
    (
        "bad level",
        {"lists": LISTS.replace('"restricted"', '"forbidden"')},
        "level 'forbidden' is not one of",
        6,  # problems inside a table point at its header line
    ),
    (
        "bad relation",
        {
            "lists": LISTS,
            "ents": ENTITY
            + '\n  [[entity.affiliation]]\n  parent = "acme"\n  relation = "cousin"\n  source_url = "https://example.org"\n',
        },
        "relation 'cousin' is not one of",
        13,
    ),
    (
        "listing not an array of tables",
        {"lists": LISTS, "ents": ENTITY.split("\n\n")[0] + '\nlisting = "EL"\n'},
        "entity 'acme': 'listing' must be an array of tables",
        1,
    ),
    (
        "affiliation entry not a table",
        {"lists": LISTS, "ents": ENTITY.split("\n\n")[0] + '\naffiliation = ["acme-parent"]\n'},
        "entity 'acme' affiliation 1: must be a table",
        1,
    ),
]


@pytest.mark.parametrize("what, files, fragment, line", CASES, ids=[c[0] for c in CASES])
def test_each_kind_of_error_is_reported_with_file_and_line(tmp_path, what, files, fragment, line):
    d = write(tmp_path / "r", **files)
    code, _, err = validate(d)
    assert code == 3, err
    hits = [ln for ln in err.splitlines() if fragment in ln]
    assert hits, err
    # "path/file.toml:LINE: message"
    assert any(f".toml:{line}: " in h for h in hits), (hits, line)
    assert "problem(s) found" in err


def test_every_problem_is_listed_not_only_the_first(tmp_path):
    bad = ENTITY.replace('id = "acme"', 'id = "Acme"').replace("start = 2020-01-01", "start = 2020")
    code, _, err = validate(write(tmp_path / "r", lists="foo = 1\n" + LISTS, ents=bad))
    assert code == 3
    assert "unknown top-level key 'foo'" in err
    assert "kebab-case" in err and "'start' must be a date" in err
    assert "3 problem(s) found" in err


def test_non_utf8_file(tmp_path):
    d = write(tmp_path / "r", lists=LISTS)
    (d / "ents.toml").write_bytes(ENTITY.replace("Acme Widgets", "Acme Wïdgets").encode("latin-1"))
    code, _, err = validate(d)
    assert code == 3
    assert "ents.toml: not UTF-8 text" in err


def test_empty_or_missing_directory(tmp_path):
    (tmp_path / "empty").mkdir()
    code, _, err = validate(tmp_path / "empty")
    assert code == 3 and "no *.toml rules files" in err
    code, _, err = validate(tmp_path / "missing")
    assert code == 3 and "not a rules directory" in err


def test_report_with_broken_rules_is_one_line_exit_3(cli, tmp_path):
    d = write(
        tmp_path / "r", lists=LISTS, ents=ENTITY.replace('list = "test-list"', 'list = "nope"')
    )
    ledger = tmp_path / "l.csv"
    ledger.write_text("Vendor Name,Amount\nAcme,1\n", encoding="utf-8")
    r = cli("report", str(ledger), "--rules", str(d))
    assert r.returncode == 3
    assert r.stderr.count("\n") == 1 and "ents.toml:7: " in r.stderr and "Traceback" not in r.stderr


def test_same_entity_id_in_a_later_directory_overrides(tmp_path):
    a = write(tmp_path / "rules", lists=LISTS, ents=ENTITY)
    b = write(
        tmp_path / "x" / "rules", ents=ENTITY.replace("Acme Widgets Co., Ltd.", "Acme Override")
    )
    ruleset, problems = collect([a, b])
    assert problems == []
    assert ruleset.entities["acme"].name == "Acme Override"
    assert [i.name for i in ruleset.infos] == ["test", "rules"]  # unnamed set: its directory


HOSTILE = textwrap.dedent(
    """\
    [ruleset]
    name = "__import__('os').system('touch PWNED')"
    version = "{{7*7}}"

    [[list]]
    id = "h"
    name = "$(cat /etc/passwd)"
    authority = "__import__('os')"
    url = "file:///etc/passwd"
    level = "restricted"
    meaning = "${HOME} `id`"

    [[entity]]
    id = "evil"
    name = "__import__('subprocess').call('touch PWNED2', shell=True)"
    aliases = ["../../../../etc/passwd", "<script>alert(1)</script>"]
    sources = ["file:///etc/shadow"]
    "__import__" = "os"
    include = "/etc/passwd"
    path = "../secrets.toml"

      [[entity.listing]]
      list = "h"
      citation = "!!python/object/apply:os.system ['id']"
      start = 2020-01-01
      source_url = "/etc/passwd"
    """
)


def test_hostile_rules_file_is_rejected_or_inert_and_opens_no_other_file(tmp_path, monkeypatch):
    d = write(tmp_path / "r", evil=HOSTILE)
    huge = "A" * 2_000_000
    (d / "huge.toml").write_text(
        f'[[entity]]\nid = "huge"\nname = "{huge}"\nsources = ["x"]\n', encoding="utf-8"
    )
    (d / "deep.toml").write_text("x = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    opened: list[str] = []
    active = [True]

    def hook(event, args):
        if active[0] and event == "open" and isinstance(args[0], str | bytes | Path):
            opened.append(str(args[0]))

    sys.addaudithook(hook)
    try:
        ruleset, problems = collect([d])
    finally:
        active[0] = False
    msgs = [str(p) for p in problems]
    # the smuggled keys are problems, not features
    assert any("unknown key '__import__'" in m for m in msgs), msgs
    assert any("unknown key 'include'" in m for m in msgs)
    assert any("unknown key 'path'" in m for m in msgs)
    assert any("huge.toml" in m and "longer than" in m for m in msgs)
    assert all(len(m) < 400 for m in msgs)  # a huge value is never echoed back
    assert any("deep.toml" in m for m in msgs)
    # nothing was executed, and only the rules files themselves were opened
    assert not (tmp_path / "PWNED").exists() and not (tmp_path / "PWNED2").exists()
    files = {str(p) for p in d.glob("*.toml")}
    assert files <= set(opened)  # the hook saw the reads, so the next check means something
    assert set(opened) <= files, set(opened) - files
    # the list with only odd-looking text is loaded as inert strings
    assert ruleset.lists["h"].name == "$(cat /etc/passwd)"

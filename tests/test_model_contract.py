"""The JSON contract comes from bomscan.model: every example's report validates against the
shipped JSON Schema, reads back into the typed model and serialises to the same bytes; the
shipped schema is the one the dataclasses generate; a key outside the contract is refused."""

from __future__ import annotations

import json
import textwrap

import jsonschema_rs
import pytest
from conftest import EXAMPLES

from bomscan.model import SCHEMA_PATH, Report, json_schema

LEDGER = str(EXAMPLES / "procurement-ledger.csv")
CASES = {
    "cdx-json": [str(EXAMPLES / "camera-hbom.cdx.json")],
    "cdx-xml": [str(EXAMPLES / "camera-hbom.cdx.xml")],
    "csv-bom": [str(EXAMPLES / "camera-hbom.csv"), "--fail-on", "any"],
    "ledger": [LEDGER],
    "ledger-fx-groups": [
        LEDGER,
        "--currency",
        "USD",
        "--fx",
        str(EXAMPLES / "fx-rates-usd.csv"),
        "--group-by",
        "Cost Center",
        "--from",
        "2022-01-01",
    ],
}


@pytest.fixture(scope="module")
def validator():
    return jsonschema_rs.validator_for(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def report_json(cli, *args, cwd=None, env=None) -> dict:
    r = cli("-q", "report", *args, "-f", "json", "--as-of", "2025-06-01", cwd=cwd, env=env)
    assert r.returncode in (0, 1), r.stderr
    return json.loads(r.stdout)


@pytest.mark.parametrize("args", CASES.values(), ids=CASES.keys())
def test_every_example_report_follows_the_contract(cli, validator, args):
    data = report_json(cli, *args)
    assert [str(e) for e in validator.iter_errors(data)] == []
    again = Report.from_json(data).to_json()
    assert json.dumps(again) == json.dumps(data), "typed and back: same keys, order and values"


def test_suppressed_and_baselined_reports_follow_the_contract(cli, validator, tmp_path):
    cfg = tmp_path / ".bomscan.toml"
    cfg.write_text(
        textwrap.dedent(
            """\
            [[suppress]]
            entity = "dahua"
            reason = "Legacy NVR, replacement tracked in HW-123"
            """
        ),
        encoding="utf-8",
    )
    first = report_json(cli, LEDGER, "--group-by", "Cost Center")
    old = tmp_path / "old.json"
    old.write_text(json.dumps(first), encoding="utf-8")
    data = report_json(
        cli, LEDGER, "--group-by", "Cost Center", "--baseline", str(old), "--config", str(cfg)
    )
    assert "baseline" in data and "suppressed" in data
    assert [str(e) for e in validator.iter_errors(data)] == []
    assert json.dumps(Report.from_json(data).to_json()) == json.dumps(data)


def test_the_shipped_schema_is_the_one_the_model_generates():
    shipped = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert shipped == json_schema(), "regenerate it: python -m bomscan.model"


def test_a_key_outside_the_contract_is_refused(cli, validator):
    data = report_json(cli, str(EXAMPLES / "camera-hbom.cdx.json"))
    data["summary"]["surprise"] = 1
    assert list(validator.iter_errors(data))
    with pytest.raises(ValueError, match="surprise"):
        Report.from_json(data)

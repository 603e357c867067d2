"""Same inputs, same bytes: JSON, CSV and SARIF reports are byte-identical across processes, and
do not depend on the order the inputs are given in (except where the report lists them).

Ties in rankings are broken by documented keys (``bomscan/exposure.py``): exposures by spend
descending then entity id; findings by source, item, line, field, name. ``--as-of`` is passed
because the JSON report records the screening date (default: today).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

REPO = Path(__file__).resolve().parents[2]
EX = REPO / "examples"
INPUTS = [
    EX / "camera-hbom.cdx.json",
    EX / "camera-hbom.cdx.xml",
    EX / "camera-hbom.csv",
    EX / "procurement-ledger.csv",
]
FORMATS = [  # csv: see test_csv_report_is_order_independent (two processes, both orders)
    "json",
    pytest.param(
        "sarif",
        marks=pytest.mark.skipif(
            importlib.util.find_spec("bomscan.formats.sarif_format") is None,
            reason="SARIF formatter (bomscan/formats/sarif_format.py) not present yet",
        ),
    ),
]


def _report(fmt: str, inputs: list[Path]) -> bytes:
    proc = subprocess.run(
        [sys.executable, "-m", "bomscan", "report", *map(str, inputs), "-f", fmt,
         "--as-of", "2026-01-01"],
        cwd=REPO,
        capture_output=True,
        timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout
    return proc.stdout


@pytest.mark.parametrize("fmt", FORMATS)
def test_same_inputs_give_identical_bytes(fmt):
    assert _report(fmt, INPUTS) == _report(fmt, INPUTS)


def _without_input_order(report: dict) -> dict:
    """The parts of the JSON report that list inputs in the order given are sorted here; the rest
    (exposures, findings, totals) must be identical as they are."""
    report = dict(report)
    for key in ("inputs", "sources", "warnings", "skipped"):
        if isinstance(report.get(key), list):
            report[key] = sorted(
                report[key], key=lambda x: orjson.dumps(x, option=orjson.OPT_SORT_KEYS)
            )
    return report


def test_input_order_does_not_change_the_ranking():
    forward = orjson.loads(_report("json", INPUTS))
    backward = orjson.loads(_report("json", INPUTS[::-1]))
    assert forward["exposures"] == backward["exposures"]
    assert forward["findings"] == backward["findings"]
    assert forward["summary"] == backward["summary"]
    assert _without_input_order(forward) == _without_input_order(backward)


def test_csv_report_is_order_independent():
    """Two processes, inputs in opposite orders: byte-identical CSV."""
    assert _report("csv", INPUTS) == _report("csv", INPUTS[::-1])


@pytest.mark.parametrize("first", ["USD", "EUR"])
def test_groups_tied_on_spend_are_ordered_by_currency(tmp_path, first):
    """A group spent the same in two currencies: its two rows come out EUR then USD, whichever
    the ledger lists first (the tie was once left to hash order)."""
    from bomscan.pipeline import ReportRequest, run

    second = "EUR" if first == "USD" else "USD"
    path = tmp_path / "l.csv"
    path.write_text(
        "Posting Date,Vendor Name,Cost Center,Amount,Currency\n"
        f"2024-01-05,Hikvision USA Inc,CC-1,10.00,{first}\n"
        f"2024-01-06,Hikvision USA Inc,CC-1,10.00,{second}\n"
        f"2024-01-07,Acme Tools,CC-2,10.00,{first}\n"
        f"2024-01-08,Acme Tools,CC-2,10.00,{second}\n"
    )
    r = run(ReportRequest(inputs=[str(path)], group_by=["Cost Center"]))
    assert [(g.group["Cost Center"], g.currency) for g in r.groups] == [
        ("CC-1", "EUR"),
        ("CC-1", "USD"),
    ]
    assert [(g.group["Cost Center"], g.currency) for g in r.group_totals] == [
        ("CC-1", "EUR"),
        ("CC-1", "USD"),
        ("CC-2", "EUR"),
        ("CC-2", "USD"),
    ]

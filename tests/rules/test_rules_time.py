"""Time in the rules, seen through `bomscan report`: listings count on the --as-of date only,
affiliations on each line's date, and spend is split at the listing's start."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bomscan.pipeline import ReportRequest, run


def ledger(tmp_path: Path, rows: list[tuple[str, str, float]]) -> Path:
    p = tmp_path / "ledger.csv"
    p.write_text(
        "Posting Date,Vendor Name,Amount,Currency\n"
        + "".join(f'{d},"{v}",{a:.2f},USD\n' for d, v, a in rows),
        encoding="utf-8",
    )
    return p


def report(cli, path, as_of_flag, as_of, fail_on=None):
    """The pipeline in-process (what `bomscan report -f json --as-of` prints), for speed."""
    assert as_of_flag == "--as-of"
    req = ReportRequest(inputs=[str(path)], as_of=date.fromisoformat(as_of), fail_on=fail_on)
    return run(req).to_json()


def by_id(rep):
    return {e["entity"]["id"]: e for e in rep["exposures"]}


def test_lorex_counts_for_dahua_only_while_dahua_owned_it(cli, tmp_path):
    p = ledger(
        tmp_path,
        [
            ("2021-05-01", "Lorex Technology Inc.", 1000),
            ("2024-05-01", "Lorex Technology Inc.", 2000),
        ],
    )
    rep = report(cli, p, "--as-of", "2025-06-01")
    dahua = by_id(rep)["dahua"]
    assert dahua["spend"] == pytest.approx(1000)
    assert dahua["affiliates"][0]["entity"]["id"] == "lorex"
    f = next(f for f in rep["findings"] if f["date"] == "2021-05-01")
    assert f["via"][0]["valid_to"] == "2022-11-24"
    assert "until 2022-11-24" in f["via"][0]["note"]
    (ne,) = rep["not_exposed"]
    assert ne["entity"]["id"] == "lorex" and ne["spend"] == pytest.approx(2000)
    assert ne["first_date"] == "2024-05-01"
    assert (
        "until 2022-11-24" in ne["reason"] and "not affiliated on the line's date" in ne["reason"]
    )


def test_undated_line_uses_the_as_of_date_for_affiliations(cli, tmp_path):
    p = tmp_path / "l.csv"
    p.write_text("Vendor Name,Amount,Currency\nLorex Technology Inc.,500,USD\n", encoding="utf-8")
    assert by_id(report(cli, p, "--as-of", "2022-01-01"))["dahua"]["spend_undated"] == 500
    assert "dahua" not in by_id(report(cli, p, "--as-of", "2023-01-01"))


def test_as_of_before_the_listing_start_does_not_count(cli, tmp_path):
    p = ledger(tmp_path, [("2019-01-10", "Megvii Technology Limited", 300)])
    rep = report(cli, p, "--as-of", "2019-06-01")  # EL addition is 2019-10-09
    assert rep["exposures"] == []
    assert rep["not_exposed"][0]["reason"] == "no listing in force on 2019-06-01"
    assert "megvii" in by_id(report(cli, p, "--as-of", "2019-10-09"))


def test_a_listing_that_ended_does_not_count_after_its_end(cli, tmp_path):
    p = ledger(tmp_path, [("2024-06-01", "Megvii Technology Limited", 100)])
    during = by_id(report(cli, p, "--as-of", "2024-12-31"))["megvii"]
    assert "us-dod-1260h" in [x["list"] for x in during["entity"]["listings"]]
    assert during["level"] == "prohibited"
    after = by_id(report(cli, p, "--as-of", "2025-01-07"))["megvii"]  # 1260H ended 2025-01-07
    assert "us-dod-1260h" not in [x["list"] for x in after["entity"]["listings"]]
    assert after["level"] == "restricted"
    assert not report(cli, p, "--as-of", "2025-02-01", "prohibited")["gate"]["failed"]
    assert report(cli, p, "--as-of", "2024-12-01", "prohibited")["gate"]["failed"]
    r = cli("report", str(p), "--as-of", "2024-12-01", "--fail-on", "prohibited")
    assert r.returncode == 1  # the CI gate a user sees


def test_spend_is_split_at_the_listing_start(cli, tmp_path):
    p = ledger(
        tmp_path,
        [
            ("2019-10-08", "Megvii Technology Limited", 300),  # the day before 84 FR 54002
            ("2019-10-09", "Megvii Technology Limited", 400),  # effective date: since listing
            ("2023-02-01", "Megvii Technology Limited", 50),
        ],
    )
    m = by_id(report(cli, p, "--as-of", "2025-06-01"))["megvii"]
    assert m["spend"] == pytest.approx(750)
    assert m["spend_before_listing"] == pytest.approx(300)
    assert m["spend_since_listing"] == pytest.approx(450)
    assert m["spend_undated"] == pytest.approx(0)

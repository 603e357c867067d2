"""``--engine spark`` and ``bomscan.spark``: the same report as the embedded engine, from
Spark in local mode bound to loopback (marker ``spark``: ``python -m pytest -m spark``; .ci/run
runs them with ``.[spark]`` installed)."""

from __future__ import annotations

import json
import shutil
from datetime import date

import polars as pl
import pytest

from bomscan import config as project_config
from bomscan.errors import InputError
from bomscan.pipeline import ReportRequest, run
from tests.conftest import run_cli

pytestmark = pytest.mark.spark
pyspark = pytest.importorskip("pyspark", reason="pip install '.[spark]'")
if shutil.which("java") is None:
    pytest.skip("Spark needs a Java runtime (.ci/run installs one)", allow_module_level=True)

VENDORS = [
    "HANGZHOU HIKVISION DIGITAL TECH CO LTD",
    "Zhejiang Dahua Technology Co., Ltd.",
    "EZVIZ Network Co., Ltd.",  # an affiliate: rolls up to Hikvision
    "Acme Fasteners GmbH",
    "Northwind Office Supply Inc",
    "Contoso Logistics LLC",
]
CURRENCIES = ["USD", "EUR", "GBP"]


@pytest.fixture(scope="module")
def spark():
    from bomscan.sources.spark import session

    return session("local[2]")


def ledger(rows: int = 3000, *, text: bool = False) -> pl.DataFrame:
    """A generated ledger: several currencies, four years of dates, cost centers, credits;
    ``text``: amounts and dates written as text ("$1,234.50", "03/15/2024")."""
    r = pl.int_range(rows, eager=True)
    df = pl.DataFrame({"r": r}).select(
        pl.lit(pl.Series(VENDORS)).gather(pl.col("r") % len(VENDORS)).alias("Vendor Name"),
        (((pl.col("r") * 7919) % 200_000) / 100 - 50).round(2).alias("Amount"),
        pl.lit(pl.Series(CURRENCIES)).gather((pl.col("r") // 7) % 3).alias("Currency"),
        (pl.date(2022, 1, 1) + pl.duration(days=(pl.col("r") * 13) % 1400)).alias("Posting Date"),
        pl.format("CC-{}", pl.col("r") % 4).alias("Cost Center"),
    )
    if text:
        df = df.with_columns(
            pl.format("${}", pl.col("Amount")).alias("Amount"),
            pl.col("Posting Date").dt.strftime("%m/%d/%Y"),
        )
    return df


def exposures(rep) -> list[dict]:
    """The exposures as JSON, without the input paths (two paths, one table)."""
    return [{k: v for k, v in e.items() if k != "sources"} for e in rep.to_json()["exposures"]]


def both(path: str, **kw) -> tuple:
    """The embedded engine's report and the Spark engine's, of the same input."""
    base = {"as_of": date(2026, 12, 1), "lists": [], **kw}
    return (
        run(ReportRequest(inputs=[path], **base)),
        run(ReportRequest(inputs=[path], engine="spark", **base)),
    )


def same(a, b) -> None:
    """Exposures, totals, per-currency figures, groups and the number of findings agree."""
    da, db = a.to_json(), b.to_json()
    for key in ("summary", "exposures", "groups", "group_totals", "lists"):
        assert da.get(key) == db.get(key), key
    assert len(a.findings) == len(b.findings) and len(a.findings) > 0
    assert {(f.entity.id, f.value, f.spend) for f in a.findings} == {
        (f.entity.id, f.value, f.spend) for f in b.findings
    }


def test_reports_are_equal_with_groups_and_a_period(spark, tmp_path):
    path = tmp_path / "ledger.parquet"
    ledger().write_parquet(path)
    a, b = both(
        str(path), group_by=["Cost Center", "year"], date_from=date(2023, 1, 1),
        date_to=date(2024, 12, 31),
    )  # fmt: skip
    same(a, b)
    assert {e.currency for e in b.exposures} == set(CURRENCIES)
    assert any(aff.entity.id == "ezviz" for e in b.exposures for aff in e.affiliates)


def test_text_amounts_and_dates_are_read_as_the_embedded_engine_reads_them(spark, tmp_path):
    path = tmp_path / "text.parquet"
    ledger(text=True).write_parquet(path)
    a, b = both(str(path), date_from=date(2024, 1, 1))
    same(a, b)
    assert b.summary.total_spend is None or b.summary.by_currency[0].total_spend


def test_fx_conversion_is_equal(spark, tmp_path):
    path = tmp_path / "ledger.parquet"
    ledger().write_parquet(path)
    fx = tmp_path / "fx.csv"
    fx.write_text("date,currency,rate\n2021-12-31,EUR,1.1\n2021-12-31,GBP,1.3\n")
    a, b = both(str(path), currency="USD", fx_path=str(fx))
    same(a, b)
    assert b.summary.currency == "USD" and b.summary.exposed_spend


def test_a_suppression_applies_the_same(spark, tmp_path):
    path = tmp_path / "ledger.parquet"
    ledger().write_parquet(path)
    cfg_path = tmp_path / ".bomscan.toml"
    cfg_path.write_text('[[suppress]]\nentity = "dahua"\nreason = "approved waiver W-12"\n')
    cfg = project_config.load(str(cfg_path), explicit=True)
    a, b = both(str(path), config=cfg)
    same(a, b)
    assert b.summary.suppressed and all(f.entity.id != "dahua" for f in b.findings)


def test_a_directory_of_parquet_files_and_a_catalog_table(spark, tmp_path):
    whole = ledger()
    d = tmp_path / "lake"
    d.mkdir()
    whole.head(1000).write_parquet(d / "part-0.parquet")
    whole.tail(2000).write_parquet(d / "part-1.parquet")
    one = tmp_path / "one.parquet"
    whole.write_parquet(one)
    a = run(ReportRequest(inputs=[str(one)], as_of=date(2026, 12, 1), lists=[]))
    b = run(ReportRequest(inputs=[str(d)], engine="spark", as_of=date(2026, 12, 1), lists=[]))
    assert exposures(a) == exposures(b)
    assert len(a.findings) == len(b.findings)
    files = {f.extra["file"].rsplit("/", 1)[-1] for f in b.findings}
    assert files == {"part-0.parquet", "part-1.parquet"}  # file and row within it
    spark.read.parquet(str(one)).createOrReplaceTempView("ap_lines")
    c = run(
        ReportRequest(inputs=["spark:ap_lines"], engine="spark", as_of=date(2026, 12, 1), lists=[])
    )
    assert exposures(c) == exposures(a)


def test_the_dataframe_api_reports_and_screens_every_matched_row(spark, tmp_path):
    from bomscan import spark as bs

    path = tmp_path / "ledger.parquet"
    ledger().write_parquet(path)
    df = spark.read.parquet(str(path))
    rep = bs.report(df, vendor="Vendor Name", amount="Amount", currency="Currency",
                    date="Posting Date", as_of=date(2026, 12, 1))  # fmt: skip
    cli = run(ReportRequest(inputs=[str(path)], as_of=date(2026, 12, 1), lists=[]))
    assert exposures(rep) == exposures(cli)
    hits = bs.screen(df, vendor="Vendor Name", date="Posting Date", as_of=date(2026, 12, 1))
    got = pl.from_arrow(hits.toArrow())
    assert got.height == len(cli.findings)
    assert set(got["bomscan_entity_id"]) == {"hikvision", "dahua"}
    ezviz = got.filter(pl.col("Vendor Name").str.starts_with("EZVIZ"))
    assert set(ezviz["bomscan_via"]) == {"Hangzhou EZVIZ Network Co., Ltd."}
    assert set(got.columns) >= {"Amount", "bomscan_lists", "bomscan_score", "bomscan_method"}


def test_a_missing_column_names_the_table_and_the_column(spark, tmp_path):
    from bomscan import spark as bs

    df = spark.createDataFrame([("Acme", 1.0)], "Supplier string, Total double")
    with pytest.raises(InputError) as exc:
        bs.screen(df, vendor="Vendor Name")
    assert "no column 'Vendor Name'" in str(exc.value) and "Supplier" in str(exc.value)


def test_an_empty_table_is_not_a_clean_result(spark, tmp_path):
    path = tmp_path / "empty.parquet"
    ledger().head(0).write_parquet(path)
    a, b = both(str(path))
    assert a.to_json()["summary"] == b.to_json()["summary"]
    assert b.summary.lines_read == 0 and b.findings == []


def test_the_cli_route_exit_codes_and_stdout(tmp_path):
    path = tmp_path / "ledger.parquet"
    ledger(600).write_parquet(path)
    p = run_cli(
        "report", str(path), "--engine", "spark", "--spark-master", "local[2]",
        "--fail-on", "prohibited", "-f", "json", timeout=300,
    )  # fmt: skip
    assert p.returncode == 1, p.stderr
    rep = json.loads(p.stdout)  # stdout holds the report only
    assert rep["gate"]["failed"] and rep["exposures"]
    bad = run_cli("report", str(tmp_path / "nope"), "--engine", "spark", timeout=300)
    assert bad.returncode == 3
    assert f"{tmp_path / 'nope'}: no such file or directory" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_without_pyspark_the_engine_says_how_to_install_it(monkeypatch, tmp_path):
    import builtins

    real = builtins.__import__

    def no_pyspark(name, *a, **kw):
        if name.startswith("pyspark"):
            raise ImportError(name)
        return real(name, *a, **kw)

    from bomscan.errors import ConfigError
    from bomscan.sources import spark as spark_source

    monkeypatch.setattr(builtins, "__import__", no_pyspark)
    with pytest.raises(ConfigError) as exc:
        spark_source.session("local[1]")
    assert "pip install 'bomscan[spark]'" in str(exc.value)


def test_unit_price_times_quantity_and_text_dates_in_screen(spark, tmp_path):
    """A table with a unit price and a quantity but no amount column totals unit x quantity on
    both engines; ``screen`` reads text dates in the table's format (an affiliate on its
    dates)."""
    from bomscan import spark as bs

    df = (
        ledger(text=True)
        .rename({"Amount": "Unit Price"})
        .with_columns(
            pl.col("Unit Price").str.strip_prefix("$").cast(pl.Float64),
            (pl.int_range(pl.len()) % 5 + 1).alias("Qty"),
        )
    )
    path = tmp_path / "priced.parquet"
    df.write_parquet(path)
    a, b = both(str(path))
    same(a, b)
    hits = bs.screen(spark.read.parquet(str(path)), vendor="Vendor Name", date="Posting Date",
                     as_of=date(2026, 12, 1))  # fmt: skip
    assert hits.count() == len(a.findings)

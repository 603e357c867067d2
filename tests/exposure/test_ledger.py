"""Spend ledgers end to end: encodings, Excel/Parquet input, FX, credits, unparsed rows, slicing."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bomscan import exposure
from bomscan.pipeline import ReportRequest, run
from tests.conftest import EXAMPLES, REPO, run_cli

HEADER = "Posting Date,Vendor Name,Cost Center,Amount,Currency\n"
ROWS = [
    '2024-01-05,HANGZHOU HIKVISION DIGITAL TECH CO LTD,CC-1,"1,000.00",USD',
    "2024-02-05,Acme Tools Ltd,CC-2,500.00,USD",
    "2024-03-05,Hikvision USA Inc,CC-1,(200.00),USD",
    "2024-03-06,Café Müller GmbH,CC-2,see invoice,USD",
]


SAMPLE = HEADER + "\n".join(ROWS) + "\n"


def ledger(tmp_path, text=SAMPLE, name="l.csv", encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return str(p)


def report(*paths, **kw):
    """The pipeline in-process, as its JSON (what ``bomscan report -f json`` prints)."""
    return run(ReportRequest(inputs=list(paths), **kw)).to_json()


def check_basic(r):
    s = r["summary"]
    assert s["lines_read"] == 4
    assert s["total_spend"] == pytest.approx(1300.0)  # credit reduces spend
    assert s["exposed_spend"] == pytest.approx(800.0)
    assert s["credit_lines"] == 1 and s["credits"] == pytest.approx(-200.0)
    assert s["lines_unparsed_amount"] == 1
    assert r["unparsed_amounts"][0]["value"] == "see invoice"
    assert r["unparsed_amounts"][0]["line"] == 5
    assert {f["locator"]["line"] for f in r["findings"]} == {2, 4}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_encodings_detected(tmp_path, encoding):
    r = report(ledger(tmp_path, encoding=encoding))
    check_basic(r)
    assert not any("guessed" in w for w in r["warnings"])


def test_command_exit_cleans_up_and_keeps_status(tmp_path):
    """The command leaves without the interpreter's teardown (cli.entry): its temporary UTF-8
    copy of a UTF-16 ledger is still removed, the report is whole, and the exit status is
    the gate's."""
    path = ledger(tmp_path, encoding="utf-16")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {"TMPDIR": str(tmp)}
    out = tmp_path / "r.json"
    p = run_cli("report", str(path), "--format", "json", "-o", str(out), env=env)
    assert p.returncode == 0, p.stderr
    check_basic(json.loads(out.read_text()))
    p = run_cli("report", str(path), "--format", "json", "--fail-on", "prohibited", env=env)
    assert p.returncode == 1
    assert json.loads(p.stdout)["gate"]["failed"] is True  # stdout flushed whole
    assert list(tmp.iterdir()) == []  # the transcoded copies were deleted at exit


def test_cp1252_guessed_and_warned(tmp_path):
    r = report(ledger(tmp_path, encoding="cp1252"))
    check_basic(r)
    assert any("guessed" in w for w in r["warnings"])
    assert r["inputs"][0]["meta"]["encoding_guessed"] is True


def test_tsv(tmp_path):
    text = (HEADER + "\n".join(ROWS)).replace(",", "\t").replace('"1\t000.00"', "1000.00")
    r = report(ledger(tmp_path, text=text + "\n", name="l.tsv"))
    assert r["inputs"][0]["meta"]["delimiter"] == "\t"
    assert r["summary"]["exposed_spend"] == pytest.approx(800.0)


def test_parquet_input(tmp_path):
    p = tmp_path / "l.parquet"
    pl.DataFrame(
        {
            "Invoice Date": ["2024-01-05", "2024-02-05"],
            "Supplier": ["Dahua Technology USA Inc.", "Acme Tools Ltd"],
            "Net Amount": [250.0, -50.0],
            "Currency": ["USD", "USD"],
        }
    ).with_columns(pl.col("Invoice Date").str.to_date()).write_parquet(p)
    r = report(str(p))
    assert r["inputs"][0]["meta"]["format"] == "parquet"
    assert r["summary"]["total_spend"] == pytest.approx(200.0)
    assert r["summary"]["exposed_spend"] == pytest.approx(250.0)
    assert r["findings"][0]["date"] == "2024-01-05"


def test_excel_input_with_title_row_and_sheet(tmp_path):
    import xlsxwriter

    p = tmp_path / "l.xlsx"
    wb = xlsxwriter.Workbook(str(p))
    wb.add_worksheet("Notes").write_string(0, 0, "nothing here")
    ws = wb.add_worksheet("Spend")
    ws.write_string(0, 0, "AP export 2024")
    ws.write_row(2, 0, ["Posting Date", "Payee", "Invoice Amount", "Company Code"])
    ws.write_datetime(
        3, 0, __import__("datetime").datetime(2024, 1, 5), wb.add_format({"num_format": "d/m/yy"})
    )
    ws.write_string(3, 1, "Huawei Technologies Co., Ltd.")
    ws.write_number(3, 2, 1234.5)
    ws.write_string(3, 3, "US01")
    ws.write_string(4, 0, "2024-02-01")
    ws.write_string(4, 1, "Acme")
    ws.write_string(4, 2, "n/a")
    wb.close()
    r = report(str(p), sheet="Spend")
    assert r["summary"]["exposed_spend"] == pytest.approx(1234.5)
    assert r["findings"][0]["locator"]["line"] == 4  # the spreadsheet's row number
    assert r["findings"][0]["date"] == "2024-01-05"
    assert r["unparsed_amounts"] == [{"source": str(p), "line": 5, "item": 1, "value": "n/a"}]
    bad = run_cli("report", str(p), "--sheet", "Nope")
    assert bad.returncode == 3 and "no sheet 'Nope'" in bad.stderr and "Spend" in bad.stderr


def test_fx_with_rates_converts_and_records_rate(tmp_path):
    r = report(
        str(EXAMPLES / "procurement-ledger.csv"),
        currency="USD",
        fx_path=str(EXAMPLES / "fx-rates-usd.csv"),
    )
    s = r["summary"]
    assert s["currency"] == "USD" and not s["mixed_currencies"]
    cny = [f for f in r["findings"] if f["currency_original"] == "CNY"]
    assert cny and all(f["fx_rate"] and f["fx_rate_date"] for f in cny)
    f = cny[0]
    assert f["spend"] == pytest.approx(f["amount_original"] * f["fx_rate"], abs=0.01)
    assert f["fx_rate_date"] <= f["date"]


def test_fx_missing_rate_is_counted_not_dropped(tmp_path):
    fx = tmp_path / "fx.csv"
    fx.write_text("date,currency,rate\n2024-02-01,EUR,1.1\n")
    text = HEADER + "2024-01-05,Hikvision USA Inc,CC-1,100,EUR\n2024-02-05,Acme,CC-1,100,EUR\n"
    r = report(ledger(tmp_path, text=text), currency="USD", fx_path=str(fx))
    s = r["summary"]
    assert s["lines_without_rate"] == 1
    assert s["total_spend"] == pytest.approx(110.0)
    assert any("no FX rate" in w for w in r["warnings"])
    eur = [b for b in s["by_currency"] if b["currency"] == "EUR"]
    assert eur and eur[0]["total_spend"] == pytest.approx(100.0)


def test_mixed_currencies_without_rates_are_never_summed():
    r = report(str(EXAMPLES / "procurement-ledger.csv"))
    s = r["summary"]
    assert s["mixed_currencies"] and s["total_spend"] is None and s["currency"] is None
    assert s["mixed_currencies_reason"]
    assert {b["currency"] for b in s["by_currency"]} >= {"USD", "EUR", "CNY"}
    assert any("never summed" in w for w in r["warnings"])


def test_period_and_group_by_with_group_totals(tmp_path):
    r = report(
        ledger(tmp_path),
        date_from=__import__("datetime").date(2024, 2, 1),
        group_by=["Cost Center", "month"],
    )
    assert r["summary"]["lines_read"] == 4
    assert r["summary"]["lines_skipped"]["total"] == 1  # January is outside the period
    totals = {(g["group"]["Cost Center"], g["group"]["month"]): g for g in r["group_totals"]}
    cc1 = totals[("CC-1", "2024-03")]
    assert cc1["total_spend"] == pytest.approx(-200.0) and cc1["exposed_spend"] == -200.0
    assert totals[("CC-2", "2024-02")]["total_spend"] == pytest.approx(500.0)
    assert r["findings"][0]["groups"] == {"Cost Center": "CC-1", "month": "2024-03"}
    bad = run_cli("report", ledger(tmp_path), "--group-by", "Nope")
    assert bad.returncode == 2 and "Cost Center" in bad.stderr


@pytest.fixture
def resolver_calls(monkeypatch) -> list[str]:
    """Every name the resolver is asked about during the test, in order."""
    from bomscan.resolve import Resolver

    seen: list[str] = []
    orig = Resolver.match_names

    def counting(self, names, min_score=0.8):
        names = list(names)
        seen.extend(names)
        return orig(self, names, min_score)

    monkeypatch.setattr(Resolver, "match_names", counting)
    return seen


def test_distinct_names_resolved_once(tmp_path, resolver_calls):
    seen = resolver_calls
    vendors = ["Hikvision USA Inc", "Acme Tools Ltd", "Beta Corp"]
    rows = [f"2024-01-{1 + i % 28:02d},{vendors[i % 3]},CC-1,{i}.00,USD" for i in range(30000)]
    r = report(ledger(tmp_path, text=HEADER + "\n".join(rows) + "\n"))
    assert r["summary"]["lines_read"] == 30000
    assert sorted(seen) == sorted(vendors)  # each distinct name once, not once per row
    assert r["summary"]["names_screened"] == 3


def test_many_vendors_go_through_the_name_gate(tmp_path, resolver_calls):
    """With thousands of vendors, those sharing no word with any alias key are screened out
    before the resolver (resolve/gate.py), and the report is the same."""
    seen = resolver_calls
    vendors = [f"Acme Tools {i} Ltd" for i in range(1500)] + ["Hikvision USA Inc"]
    rows = [f"2024-01-02,{v},CC-1,10.00,USD" for v in vendors]
    r = report(ledger(tmp_path, text=HEADER + "\n".join(rows) + "\n"))
    assert seen == ["Hikvision USA Inc"]
    assert r["summary"]["names_screened"] == len(vendors)
    assert [f["value"] for f in r["findings"]] == ["Hikvision USA Inc"]


def test_cli_json_and_exit_code(tmp_path):
    res = run_cli("report", ledger(tmp_path), "-f", "json")
    assert res.returncode == 0, res.stderr
    check_basic(json.loads(res.stdout))


def test_namecache_is_used_by_build_report():
    assert hasattr(exposure, "NameCache")


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"a",
        b"a\n",
        b"a\nb",
        b"\n\n",
        b"x" * (1 << 20),
        b"x" * (1 << 20) + b"\n",
        b"x\ny" * 400_000,
    ],
)
@pytest.mark.parametrize("numpy_from", [0, 1 << 40])
def test_physical_line_count(tmp_path, monkeypatch, data, numpy_from):
    """The count that decides whether item -> line is exact (chunk edges, no final newline),
    by both ways of counting (numpy for large files)."""
    from bomscan.sources import tabular

    monkeypatch.setattr(tabular, "NUMPY_COUNT_MIN", numpy_from)
    p = tmp_path / "f.csv"
    p.write_bytes(data)
    want = data.count(b"\n") + (0 if data[-1:] in (b"\n", b"") else 1)
    assert tabular.LineIndex(str(p)).lines() == want


def test_each_ledger_keeps_its_own_date_format_and_currency_text(tmp_path):
    """Two ledgers, one ISO-dated, one day-first, in one report: each finding carries the date
    its own file meant (the pass parses the dates of the rows it lists afterwards, per file),
    and currency cells written ' usd ' and 'USD' are one currency."""
    iso = ledger(
        tmp_path,
        text=HEADER
        + "2018-06-01,Hikvision USA Inc,CC-1,100.00, usd \n2024-01-02,Acme,CC-1,5,USD\n",
        name="iso.csv",
    )
    dayfirst = ledger(
        tmp_path,
        text=HEADER + "25/12/2020,ZTE Corporation,CC-2,40.00,USD\n13/01/2021,Acme,CC-2,1,USD\n",
        name="dmy.csv",
    )
    r = report(iso, dayfirst)
    dates = {f["value"]: f["date"] for f in r["findings"]}
    assert dates == {"Hikvision USA Inc": "2018-06-01", "ZTE Corporation": "2020-12-25"}
    assert [b["currency"] for b in r["summary"]["by_currency"]] == ["USD"]
    assert r["summary"]["total_spend"] == pytest.approx(146.0)
    # Hikvision's first listing is NDAA section 889 (2018-08-13): June 2018 is before it;
    # ZTE's December 2020 spend is after its listings
    since = {e["entity"]["id"]: e["spend_since_listing"] for e in r["exposures"]}
    assert since == {"hikvision": pytest.approx(0.0), "zte": pytest.approx(40.0)}


def test_vendor_first_seen_after_the_warm_up_is_still_found(tmp_path, monkeypatch, line_index):
    """A listed vendor whose first row comes after the warm-up rows is resolved after the pass
    and its rows are collected by one more pass: the report equals one where the warm-up saw
    every row (findings, dates, lines, totals)."""
    from bomscan import exposure
    from bomscan.sources import schema

    rows = [f"2024-01-{1 + i % 28:02d},Acme Tools {i % 7} Ltd,CC-1,{i}.00, usd " for i in range(40)]
    rows += [
        "2024-02-05,ZTE Corporation,CC-2,250.00,USD",
        "2024-03-01,Hikvision USA Inc,CC-1,(10.00),",
        "2024-03-02,Hikvision USA Inc,CC-1,see invoice,USD",  # also kept as unparsed
        "2024-03-03,ZTE Corporation,CC-1,12.00,USD,extra",  # also kept as ragged
    ]
    path = ledger(tmp_path, text=HEADER + "\n".join(rows) + "\n")
    full = report(path)
    monkeypatch.setattr(schema, "WARM_UP_ROWS", 5)
    found = []  # what each resolution of new names found: the warm-up's, then the pass's
    real = exposure.NameCache.learn

    def spy(self, names):
        found.append(real(self, names))
        return found[-1]

    monkeypatch.setattr(exposure.NameCache, "learn", spy)
    late = report(path)
    assert found == [False, True]  # none listed in the first 5 rows: found after the pass
    strip = ("generated_at",)
    assert {k: v for k, v in late.items() if k not in strip} == {
        k: v for k, v in full.items() if k not in strip
    }
    assert sorted((f["value"], f["date"], f["locator"]["line"]) for f in late["findings"]) == [
        ("Hikvision USA Inc", "2024-03-01", 43),
        ("Hikvision USA Inc", "2024-03-02", 44),
        ("ZTE Corporation", "2024-02-05", 42),
        ("ZTE Corporation", "2024-03-03", 45),
    ]
    assert [(u["value"], u["line"]) for u in late["unparsed_amounts"]] == [("see invoice", 44)]


# A ledger with every kind of record the pass treats specially: a blank line, a record of
# empty fields, records with no name (one with only a PO number), a ragged row, an unparsed
# amount, a quoted name with padding, and listed vendors.
MESSY = [
    "Posting Date,Vendor Name,PO Number,Cost Center,Amount,Currency",
    "2024-01-02,Hikvision USA Inc,PO-1,CC-1,100.00,USD",
    "",
    ",,,,,",
    "2024-01-03,,PO-2,CC-1,,",
    "2024-01-04,Acme,PO-3,CC-1,see invoice,USD",
    "2024-01-05,ZTE Corporation,PO-4,CC-2,5.00,USD,extra",
    ",,PO-5,,,",
    '2024-01-06," Dahua Technology USA Inc. ",PO-6,CC-2,"1,000.00",usd',
    "2024-01-07,Acme,PO-7,CC-1,(20.00),USD",
]


def _messy(tmp_path, eol="\n", final=True, name="messy.csv", encoding="utf-8"):
    text = eol.join(MESSY) + (eol if final else "")
    return ledger(tmp_path, text=text, name=name, encoding=encoding)


@pytest.fixture(params=["indexed", "scanned"])
def line_index(request, monkeypatch):
    """Both ways the pass gets its kept rows back: read at byte offsets from the line index
    (every file indexed, in blocks of 16 bytes so rows cross block edges), or filtered from a
    scan (files too small to index)."""
    from bomscan.sources import tabular

    if request.param == "indexed":
        monkeypatch.setattr(tabular, "NUMPY_COUNT_MIN", 0)
        monkeypatch.setattr(tabular.LineIndex, "BLOCK", 16)
    else:
        monkeypatch.setattr(tabular, "NUMPY_COUNT_MIN", 1 << 40)
    return request.param


@pytest.mark.parametrize("eol,final", [("\n", True), ("\r\n", True), ("\n", False)])
def test_blank_records_are_not_lines_and_kept_rows_come_back_whole(
    tmp_path, line_index, eol, final
):
    """The pass reads four cells of a record; a blank record (a blank line, a row of empty
    fields) is not a line, but a row with only a PO number is one, without a name. The listed
    rows come back with every column, at their lines."""
    r = report(_messy(tmp_path, eol, final))
    s = r["summary"]
    assert s["lines_read"] == 7
    assert s["lines_without_name"] == 2
    assert s["lines_ragged"] == 1 and s["lines_unparsed_amount"] == 1
    assert s["total_spend"] == pytest.approx(1085.0)
    assert s["credit_lines"] == 1
    got = [
        (f["value"], f["locator"]["line"], f["date"], f["spend"], f["currency"], f["extra"])
        for f in r["findings"]
    ]
    assert sorted(got) == [
        (
            "Dahua Technology USA Inc.",
            9,
            "2024-01-06",
            1000.0,
            "USD",
            {"PO Number": "PO-6", "Cost Center": "CC-2"},
        ),
        (
            "Hikvision USA Inc",
            2,
            "2024-01-02",
            100.0,
            "USD",
            {"PO Number": "PO-1", "Cost Center": "CC-1"},
        ),
        (
            "ZTE Corporation",
            7,
            "2024-01-05",
            5.0,
            "USD",
            {"PO Number": "PO-4", "Cost Center": "CC-2"},
        ),
    ]
    assert [(u["value"], u["line"]) for u in r["unparsed_amounts"]] == [("see invoice", 6)]


def test_kept_rows_read_by_offset_equal_the_scanned_ones(tmp_path, monkeypatch):
    """The line index reads back exactly the records the scan numbered, at every block edge,
    and is what the fetch uses when every record is one line."""
    from bomscan.sources import tabular

    monkeypatch.setattr(tabular, "NUMPY_COUNT_MIN", 0)
    path = _messy(tmp_path, "\r\n")
    head = open(path, "rb").read()
    reads = []
    real = tabular.LineIndex.read_lines

    def spy(self, numbers):
        out = real(self, numbers)
        reads.append(out is not None)
        return out

    monkeypatch.setattr(tabular.LineIndex, "read_lines", spy)
    for block in (1, 8, 16, 64, 8192):
        monkeypatch.setattr(tabular.LineIndex, "BLOCK", block)
        res = tabular.read(path, head, size=len(head))
        records = len(MESSY) - 1
        everything = res.lines.collect()
        for items in (list(range(records)), [0, records - 1], [1, 2, 3], [5]):
            got = res.pass_view.fetch(items, records)
            want = everything.filter(pl.col("item").is_in(items))
            assert got.equals(want), (block, items)
    assert reads and all(reads)


def test_multi_line_records_fall_back_to_the_scan(tmp_path, line_index):
    """A quoted line break makes records and lines differ: the fetch then filters a scan and
    the lines are recomputed, so findings still point at the record's first line."""
    rows = MESSY[:2] + ['2024-01-03,"Acme\nTools",PO-2,CC-1,5.00,USD'] + MESSY[6:7]
    r = report(ledger(tmp_path, text="\n".join(rows) + "\n"))
    assert [(f["value"], f["locator"]["line"]) for f in r["findings"]] == [
        ("Hikvision USA Inc", 2),
        ("ZTE Corporation", 5),
    ]
    assert r["summary"]["lines_read"] == 3


def test_report_is_the_same_whichever_way_rows_come_back(tmp_path, monkeypatch):
    """The whole report (totals, findings, unparsed rows, warnings) does not depend on how the
    kept rows were fetched."""
    from bomscan.sources import tabular

    path = _messy(tmp_path)
    monkeypatch.setattr(tabular, "NUMPY_COUNT_MIN", 1 << 40)
    scanned = report(path, group_by=["Cost Center"])
    monkeypatch.setattr(tabular, "NUMPY_COUNT_MIN", 0)
    indexed = report(path, group_by=["Cost Center"])
    strip = ("generated_at",)
    assert {k: v for k, v in indexed.items() if k not in strip} == {
        k: v for k, v in scanned.items() if k not in strip
    }


@settings(max_examples=300, deadline=None)
@given(
    rows=st.lists(
        st.lists(
            st.sampled_from(["", " ", "a", "10.5", "x y", '"a,b"', '"say ""hi"""', '""']),
            min_size=0,
            max_size=6,
        ),
        max_size=30,
    ),
    crlf=st.booleans(),
    final=st.booleans(),
    delimiter=st.sampled_from([",", ";", "\t"]),
)
def test_head_field_counts_line_by_line_agree_with_the_csv_module(rows, crlf, final, delimiter):
    """The line-by-line shortcut (lines with balanced quotes, some holding the delimiter) finds
    the same short and long rows as the csv module over the whole head."""
    from bomscan.sources import tabular

    eol = "\r\n" if crlf else "\n"
    text = eol.join(["h1,h2,h3".replace(",", delimiter)] + [delimiter.join(r) for r in rows])
    text += eol if final else ""
    args = (text, delimiter, 1, 3, True)
    assert tabular._plain_field_counts(*args) == tabular._csv_field_counts(*args)


@pytest.mark.parametrize(
    "rows,pad,from_head",
    [(3000, 0, True), (30000, 0, True), (30001, 1, True), (5000, 300, False)],
)
def test_sample_from_the_head_is_the_scans_first_records(tmp_path, rows, pad, from_head):
    """The per-file decisions read their sample from the head bytes when those hold it: the
    same records as a scan, whether the head is the whole file or ends inside a quoted
    multi-line field; and no sample from the head (the scan is used) when the head holds too
    few whole records."""
    from bomscan.sources import tabular

    body = "".join(
        f'2024-01-{1 + i % 28:02d},"Vendor {i}\nBranch {"x" * pad}",{i}.50,USD\n'
        for i in range(rows)
    )
    path = ledger(tmp_path, text="Posting Date,Vendor Name,Amount,Currency\n" + body)
    data = open(path, "rb").read()
    head = data[: tabular.HEAD_BYTES]
    opts = tabular.csv_scan_options(["Posting Date", "Vendor Name", "Amount", "Currency"], ",", 1)
    sample = tabular._head_sample(head, len(data) <= len(head), opts)
    if not from_head:
        assert sample is None
        return
    scanned = pl.scan_csv(path, n_rows=2 * tabular.SAMPLE_ROWS, **opts).collect()
    assert sample.collect().equals(scanned)


@settings(max_examples=200, deadline=None)
@given(
    lines=st.lists(
        st.one_of(st.just(b""), st.binary(max_size=40).map(lambda b: b.replace(b"\n", b"."))),
        min_size=1,
        max_size=60,
    ),
    final=st.booleans(),
    block=st.sampled_from([1, 3, 8, 24, 2040, 8192]),  # words (8, 24, 2040) or bytes summed
    pick=st.randoms(use_true_random=False),
)
def test_line_index_reads_back_any_line(tmp_path_factory, lines, final, block, pick):
    """The line index finds every line wherever block edges fall: empty lines, CRs, a last line
    without a line break, lines longer than a block."""
    from bomscan.sources import tabular

    data = b"\n".join(lines) + (b"\n" if final else b"")
    path = tmp_path_factory.mktemp("idx") / "f.csv"
    path.write_bytes(data)
    index = tabular.LineIndex(str(path))
    index.BLOCK = block
    tabular.NUMPY_COUNT_MIN, saved = 0, tabular.NUMPY_COUNT_MIN
    try:
        total = index.lines()
    finally:
        tabular.NUMPY_COUNT_MIN = saved
    want = data.count(b"\n") + (0 if data[-1:] in (b"\n", b"") else 1)
    assert total == want
    numbers = sorted(pick.sample(range(1, total + 1), min(total, 7))) if total else []
    assert index.read_lines(numbers) == [data.split(b"\n")[n - 1] for n in numbers]


_PEAK_PROBE = """
import sys
from bomscan.sources import check_line_lengths
from bomscan.sources.tabular import LineIndex
import numpy  # noqa: F401  (loaded before measuring)

def peak_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM"):
            return int(line.split()[1]) // 1024

def reset_peak():
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")

path = sys.argv[1]
grew = []
for scan in (lambda: check_line_lengths(path), lambda: LineIndex(path).lines()):
    reset_peak()
    before = peak_mb()
    scan()
    grew.append(peak_mb() - before)
print(*grew)
"""


@pytest.mark.skipif(
    not os.access("/proc/self/clear_refs", os.W_OK), reason="needs Linux's peak-RSS reset"
)
def test_whole_file_scans_do_not_hold_the_file_in_memory(tmp_path):
    """The two scans that read a large ledger's every byte before the pass (the long-line check
    and the line index) read it through a memory map; each window's pages are dropped once
    read, so the peak memory does not grow with the file (on a kernel that maps whole page-
    cache folios per fault they used to: 830 MB of peak at 10M rows instead of 540)."""
    path = tmp_path / "big.csv"
    with open(path, "wb") as fh:
        row = b"Posting Date,Vendor,Amount," + b"x" * 72 + b"\n"
        chunk = row * (1 << 16)  # 6.5 MB
        for _ in range(40):  # 262 MB
            fh.write(chunk)
    p = subprocess.run(
        [sys.executable, "-c", _PEAK_PROBE, str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=120,
    )
    assert p.returncode == 0, p.stderr
    check_grew, index_grew = (int(x) for x in p.stdout.split())
    assert check_grew < 32 and index_grew < 32, (check_grew, index_grew)


def test_line_index_of_a_vanished_file_says_so_without_a_traceback(tmp_path, capsys):
    """The index counts in a background thread: a file gone meanwhile gives no count and no
    index (the report then falls back to the scan, which reports the file), not a thread
    traceback on stderr."""
    from bomscan.sources import tabular

    index = tabular.LineIndex(str(tmp_path / "gone.csv"))
    assert index.lines() == -1
    assert index.read_lines([1]) is None
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("where", ["head", "body"])
def test_a_row_with_extra_fields_anywhere_is_counted_and_listed(tmp_path, line_index, where):
    """A row with more fields than the header, in the first MiB (which the reader checks
    itself) or far past it (which only the scan sees): counted, listed at its line, kept in
    the totals, and found when its vendor is listed."""
    from bomscan.sources import tabular

    rows = [
        f"2024-01-{1 + i % 28:02d},Acme Tools {i % 50} Ltd,CC-1,10.00,USD" for i in range(30000)
    ]
    at = 3 if where == "head" else 29000  # row 29000 lies past the first MiB
    rows[at] = "2024-02-05,ZTE Corporation,CC-2,250.00,USD,extra"
    path = ledger(tmp_path, text=HEADER + "\n".join(rows) + "\n")
    assert (len(HEADER) + sum(len(r) + 1 for r in rows[:at]) > tabular.HEAD_BYTES) == (
        where == "body"
    )
    r = report(path)
    s = r["summary"]
    assert s["lines_read"] == 30000 and s["lines_ragged"] == 1
    assert s["total_spend"] == pytest.approx(29999 * 10.0 + 250.0)
    assert [(f["value"], f["locator"]["line"]) for f in r["findings"]] == [
        ("ZTE Corporation", at + 2)
    ]
    assert any(f"line(s) {at + 2}" in w for w in r["warnings"])


# amounts as finance exports write them, and texts the number reader might take differently
# from the text path: spaces, signs, exponents, non-finite values, quotes, formats, junk
AMOUNT_TEXTS = [
    "12.50", "7", "-3.25", " 4.5", "4.5 ", "1e3", "+5", ".5", "5.", "-0", "inf", "-Infinity",
    "NaN", "1e400", '"8.75"', '" 9.5 "', "", '""', "$1,234.00", '"1,234.56"', "n/a", "(20.00)",
    "0x10", "1_000", "١٢", "12.5 USD", "EUR 3", "1.5\u00a0", "\u00a01.5", "1 000", "1.0e-3",
    "-.5", "5e", "e5", "--5", "+-5", "0.1.2", "1,5", "12.", "007", "1E+2", "\t3",
]  # fmt: skip
PLAIN_HEAD = [
    "2024-01-05,Hikvision USA Inc,CC-1,100.00,USD",
    "2024-01-06,Acme Tools Ltd,CC-2,50,USD",
    "2024-01-07,ZTE Corporation,CC-1,25.5,EUR",
    "2024-01-08,Acme Tools Ltd,CC-2,,USD",
]

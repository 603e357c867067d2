"""BOMs and ledgers as third parties write them, read without options: component values are
not money, three capitals are not a currency, one name column finds the header, a workbook's
notes sheet is passed over, a late Windows-1252 byte is named, and an input that names no
one is never reported clean. Each test carries its own small file."""

from __future__ import annotations

import json

import pytest
import xlsxwriter


def report(cli, *args, code=0):
    r = cli("-q", "report", *map(str, args), "-f", "json", "--as-of", "2025-01-01")
    assert r.returncode == code, r.stderr
    return json.loads(r.stdout) if code in (0, 1) else r


def test_a_kicad_value_column_is_never_spend(cli, tmp_path):
    bom = tmp_path / "bom.csv"
    bom.write_text(
        "Reference,Qty,Value,Footprint,Mfg,MPN\n"
        "R1 R2,2,10k,R_0402,Yageo,RC0402FR-0710KL\n"
        "C1,1,100nF,C_0402,Murata,GRM155R71C104KA88D\n"
        "U1,1,MGA-81563,SOT-363,Broadcom,MGA-81563-TR1G\n"
        "TP1,1,GND,TestPoint,,\n"
    )
    rep = report(cli, bom)
    s = rep["summary"]
    assert s["total_spend"] is None and [b["currency"] for b in s["by_currency"]] == [None]
    assert "amount" not in rep["inputs"][0]["meta"]["columns"]


def test_a_value_named_like_an_amount_but_holding_values_is_not_read_as_money(cli, tmp_path):
    bom = tmp_path / "bom.csv"
    bom.write_text(
        "Manufacturer,Part,Amount\nYageo,RC0402,10k\nMurata,GRM155,100nF\nTI,LM358,2.2u\n"
    )
    r = cli("report", str(bom), "-f", "json")
    rep = json.loads(r.stdout)
    assert rep["summary"]["total_spend"] is None
    assert "column 'Amount' is not read as amount" in r.stderr


def test_three_capitals_that_are_no_currency_never_become_one(cli, tmp_path):
    led = tmp_path / "led.csv"
    led.write_text(
        "Vendor Name,Amount,Currency\nAcme Ltd,10.00,USD\nBeta Ltd,5.00,GND\nGamma,GND 7,\n"
    )
    rep = report(cli, led)
    currencies = {b["currency"] for b in rep["summary"]["by_currency"]}
    assert currencies <= {"USD", None} and "GND" not in json.dumps(rep["summary"])
    assert [u["value"] for u in rep["unparsed_amounts"]] == ["GND 7"]


def test_a_currency_in_the_header_name_is_the_amounts_currency(cli, tmp_path):
    cart = tmp_path / "cart.csv"
    cart.write_text(
        '"Index","Quantity","Part Number","Manufacturer Part Number","Manufacturer",'
        '"Unit Price","Extended Price CAD"\n'
        '"1","2","277-8599-ND","1715190","Phoenix Contact","5.26000","10.52"\n'
        '"2","6","296-43024-1-ND","DRV8871DDAR","Texas Instruments","3.86000","23.16"\n'
        '"3","1","311-10.0KCRCT-ND","RC0805FR-0710KL","Yageo","0.10000","0.10"\n'
    )
    rep = report(cli, cart)
    (b,) = rep["summary"]["by_currency"]
    assert b["currency"] == "CAD" and b["total_spend"] == pytest.approx(33.78)
    cols = rep["inputs"][0]["meta"]["columns"]
    assert cols["distributor_part"] == ["Part Number"]  # Digi-Key's numbers end in -ND
    assert cols["part"] == ["Manufacturer Part Number"]


def test_one_name_column_finds_the_header_of_a_us_checkbook(cli, tmp_path):
    book = tmp_path / "checkbook.csv"
    book.write_text(
        "Check/Payment Date,Dept. Descrptn,Vendor Name,Commitmt Item Name,Invoice Net Amt\n"
        "07/01/2019,Police,Hikvision USA Inc,Equipment,1200.50\n"
        "07/02/2019,Parks,Acme Mowers,Supplies,300.00\n"
    )
    rep = report(cli, book)
    assert rep["inputs"][0]["kind"] == "ledger"
    assert rep["summary"]["total_spend"] == pytest.approx(1500.50)
    assert rep["findings"][0]["entity"]["id"] == "hikvision"
    assert rep["findings"][0]["date"] == "2019-07-01"


def test_a_uk_transparency_file_reads_with_beneficiary_names(cli, tmp_path):
    spend = tmp_path / "spend.csv"
    spend.write_text(
        "Body Name,Service Area,Payment Date,Beneficiary Name,Amount\n"
        "Anytown Council,CCTV,2023-04-03,Zhejiang Dahua Technology Co Ltd,4500.00\n"
        "Anytown Council,Parks,2023-04-04,Green Spaces Ltd,-250.00\n"
    )
    rep = report(cli, spend)
    assert rep["summary"]["total_spend"] == pytest.approx(4250.00)
    assert rep["summary"]["credit_lines"] == 1
    assert rep["findings"][0]["entity"]["id"] == "dahua"


def test_an_empty_column_flag_switches_a_role_off(cli, tmp_path):
    led = tmp_path / "led.csv"
    led.write_text("Vendor Name,Amount\nAcme Ltd,10.00\n")
    rep = report(cli, led, "--column", "amount=")
    assert rep["summary"]["total_spend"] is None
    assert "amount" not in rep["inputs"][0]["meta"]["columns"]


def test_empty_trailing_columns_are_ignored_quietly(cli, tmp_path):
    led = tmp_path / "led.csv"
    led.write_text("Vendor Name,Amount,,,,\nAcme Ltd,10.00,,,,\n")
    r = cli("report", str(led), "-f", "json")
    assert r.returncode == 0 and "has no header" not in r.stderr


def test_a_late_windows_1252_byte_decides_the_whole_files_encoding(cli, tmp_path):
    """A council export whose first non-ASCII byte (a Windows-1252 dash) sits past the first
    MiB is read as Windows-1252 without any option: the name is right, and stderr says which
    line showed it."""
    text = "Vendor Name,Amount\n" + "Acme Ltd,1\n" * 120_000
    text += "Montagu Evans \u2013 Client Account,5\n"
    led = tmp_path / "late.csv"
    led.write_bytes(text.encode("cp1252"))
    r = cli("report", str(led), "-f", "json")
    assert r.returncode == 0, r.stderr
    assert "not UTF-8 from line 120002 on; encoding guessed as cp1252" in r.stderr
    rep = json.loads(r.stdout)
    assert rep["summary"]["lines_read"] == 120_001
    assert rep["inputs"][0]["meta"]["encoding"] == "cp1252"
    assert "\ufffd" not in r.stdout


def test_a_late_cyrillic_page_is_told_from_a_dash(cli, tmp_path):
    """A Russian supplier name in Windows-1251 after an ASCII first MiB reads as Cyrillic, not
    as the Windows-1252 letters its bytes would also spell."""
    text = "Vendor Name,Amount\n" + "Acme Ltd,1\n" * 120_000
    text += "\u0410\u041e \u041b\u0430\u0431\u043e\u0440\u0430\u0442\u043e\u0440\u0438\u044f "
    text += "\u041a\u0430\u0441\u043f\u0435\u0440\u0441\u043a\u043e\u0433\u043e,5\n"
    led = tmp_path / "late1251.csv"
    led.write_bytes(text.encode("cp1251"))
    rep = report(cli, led)
    assert rep["inputs"][0]["meta"]["encoding"] == "cp1251"
    assert rep["summary"]["lines_read"] == 120_001


def test_a_mixed_file_is_read_and_its_first_bad_line_named(cli, tmp_path):
    """UTF-8 names in the first MiB and a Windows-1252 byte later: no single encoding reads it,
    so it stays UTF-8 and stderr names the line and the option that reads it right."""
    text = "Vendor Name,Amount\nSoci\u00e9t\u00e9 G\u00e9n\u00e9rale,1\n".encode()
    text += b"Acme Ltd,1\n" * 120_000 + b"Montagu Evans \x96 Client Account,5\n"
    led = tmp_path / "mixed.csv"
    led.write_bytes(text)
    r = cli("report", str(led), "-f", "json")
    assert r.returncode == 0
    assert f"{led}:120003: not UTF-8" in r.stderr and "--encoding cp1252" in r.stderr
    assert json.loads(r.stdout)["inputs"][0]["meta"]["encoding"] == "utf-8"


def test_a_totals_row_below_a_ledger_is_not_spend(cli, tmp_path):
    """A spend export ending in 'Grand Total:' would double the spend if read as a line: it is
    listed as skipped at its line instead, and the lines' total stands."""
    led = tmp_path / "ap.csv"
    led.write_text(
        "Vendor Name,Invoice Date,Amount\nAcme Ltd,2024-01-03,10.00\n"
        "Hikvision USA Inc,2024-01-04,20.00\n,,\nGrand Total:,,30.00\n"
    )
    s = report(cli, led)["summary"]
    assert s["total_spend"] == 30 and s["lines_read"] == 2
    assert [(r["count"], r["lines"]) for r in s["lines_skipped"]["reasons"]] == [(1, [5])]


def test_a_vendor_called_total_inside_the_table_is_a_line(cli, tmp_path):
    """'TOTAL' with a date is a fuel supplier's line, not a totals row; and only rows below
    the table's last line are looked at."""
    led = tmp_path / "fuel.csv"
    led.write_text(
        "Vendor Name,Invoice Date,Amount\nTOTAL,2024-01-03,10.00\nTotal,,5.00\n"
        "Acme,2024-01-05,1.00\n"
    )
    s = report(cli, led)["summary"]
    assert s["total_spend"] == 16 and s["lines_read"] == 3 and s["lines_skipped"]["total"] == 0


def test_a_placeholder_for_a_name_is_no_name(cli, tmp_path):
    """'N/A' as a maker and 'REDACTED' as a supplier name nobody: such a line counts as naming
    no one (never as a screened, clean name), while its other name is still screened."""
    bom = tmp_path / "bom.csv"
    bom.write_text(
        "Reference,Manufacturer,Supplier,Qty\nR1,N/A,REDACTED,1\nU1,n/a,Hikvision USA Inc,1\n"
    )
    s = report(cli, bom)["summary"]
    assert s["lines_without_name"] == 1 and s["names_screened"] == 1 and s["findings"] == 1


def test_an_eagle_part_column_is_the_reference_not_the_mpn(cli, tmp_path):
    """Eagle's "Part" is the reference designator (R1) and KiCad's the symbol: beside a
    package or footprint column the bare "Part" is never the maker's part number, so a later
    MPN column is."""
    bom = tmp_path / "eagle.csv"
    bom.write_text(
        "Part,Value,Device,Package,MPN,Manufacturer\nR1,10k,R-US,0603,RC0603FR-0710KL,Yageo\n"
    )
    cols = report(cli, bom)["inputs"][0]["meta"]["columns"]
    assert cols["part"] == ["MPN"]


def test_a_name_header_ending_in_a_number_sign_holds_numbers_not_names(cli, tmp_path):
    """'Vendor #' is the vendor's id in the ERP, not its name: only 'Vendor Name' is screened,
    so the id 10042 is never matched against the lists."""
    led = tmp_path / "ap.csv"
    led.write_text("Vendor #,Vendor Name,Invoice Date,Amount\n10042,Acme Ltd,2024-01-02,5.00\n")
    meta = report(cli, led)["inputs"][0]["meta"]
    assert meta["name_columns"] == ["Vendor Name"]


def test_an_unknown_encoding_is_a_one_line_error(cli, tmp_path):
    led = tmp_path / "led.csv"
    led.write_text("Vendor Name,Amount\nAcme,1\n")
    r = report(cli, led, "--encoding", "klingon", code=3)
    assert r.stderr.strip().splitlines() == [
        f"bomscan: error: {led}: --encoding 'klingon' is not a known text encoding"
    ]


def _workbook(path, sheets: dict[str, list[list[str]]]) -> None:
    wb = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for i, row in enumerate(rows):
            ws.write_row(i, 0, row)
    wb.close()


def test_a_workbook_whose_first_sheet_is_notes_is_read_from_its_ledger_sheet(cli, tmp_path):
    book = tmp_path / "spend.xlsx"
    _workbook(
        book,
        {
            "Read me": [["Spend export, FY2024"], ["Prepared by finance"]],
            "Spend": [["Vendor Name", "Amount"], ["Hikvision USA Inc", "100.00"]],
        },
    )
    rep = report(cli, book)
    assert rep["inputs"][0]["meta"]["sheet"] == "Spend" and rep["summary"]["findings"] == 1


def test_a_workbook_with_a_tab_per_year_reads_every_year(cli, tmp_path):
    """Two ledger sheets with one header (a tab per year): both are read, each named in the
    report, so 2023's spend is not left out because 2024 came first."""
    book = tmp_path / "two.xlsx"
    _workbook(
        book,
        {
            "Notes": [["see tabs"]],
            "2023": [["Vendor Name", "Amount"], ["Acme", "1"], ["Hikvision USA Inc", "100.00"]],
            "2024": [
                ["Vendor Name", "Amount", ""],
                ["Acme", "2"],
                ["Zhejiang Dahua Technology Co., Ltd.", "7"],
            ],
        },
    )
    rep = report(cli, book)
    assert [i["source"] for i in rep["inputs"]] == [f"{book}[2023]", f"{book}[2024]"]
    assert rep["summary"]["lines_read"] == 4 and rep["summary"]["total_spend"] == 110
    where = {(f["source"], f["locator"]["line"]) for f in rep["findings"]}
    assert where == {(f"{book}[2023]", 3), (f"{book}[2024]", 3)}


def test_sheets_with_different_columns_are_refused_naming_them(cli, tmp_path):
    """A data sheet and a summary of it (neither the first sheet) would count spend twice: the
    one-line error names the sheets and --sheet, and --sheet reads the one chosen."""
    book = tmp_path / "two.xlsx"
    data = [["Vendor Name", "Invoice", "Amount"], ["Acme", "A1", "1"]]
    summary = [["Vendor Name", "Total"], ["Acme", "1"]]
    _workbook(book, {"Read me": [["FY2024"]], "Data": data, "By vendor": summary})
    r = report(cli, book, code=3)
    assert "'Data', 'By vendor'" in r.stderr and "--sheet" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert report(cli, book, "--sheet", "Data")["summary"]["lines_read"] == 1


def test_a_bom_naming_no_organisation_is_never_clean(cli, tmp_path):
    bom = tmp_path / "jlc.csv"
    bom.write_text(
        '"Comment","Designator","Footprint","LCSC Part #"\n'
        '"100n","C1,C2","C_0402","C1525"\n"10k","R1","R_0402","C25744"\n'
    )
    rep = report(cli, bom)
    assert rep["summary"]["names_screened"] == 0
    assert "nothing could be screened" in rep["summary"]["unscreened"]["reason"]
    table = cli("report", str(bom)).stdout
    assert "NOT SCREENED" in table and "No exposure" not in table
    gated = cli("report", str(bom), "--fail-on", "any")
    assert gated.returncode == 3 and "--allow-unscreened" in gated.stderr
    assert gated.stderr.strip().splitlines()[-1].startswith(f"bomscan: error: {bom}: ")
    assert cli("report", str(bom), "--fail-on", "any", "--allow-unscreened").returncode == 0


@pytest.mark.parametrize(
    ("fmt", "says"),
    [
        ("markdown", "**Not screened:**"),
        ("html", "Not screened:"),
        ("sarif", '"toolExecutionNotifications"'),
        ("json", '"unscreened"'),
    ],
)
def test_every_format_says_an_input_was_not_screened(cli, tmp_path, fmt, says):
    bom = tmp_path / "jlc.csv"
    bom.write_text(
        '"Comment","Designator","LCSC Part #"\n"100n","C1","C1525"\n"10k","R1","C25744"\n'
    )
    r = cli("-q", "report", str(bom), "-f", fmt)
    assert r.returncode == 0 and says in r.stdout


def test_the_workbook_says_an_input_was_not_screened(cli, tmp_path):
    import fastexcel

    bom = tmp_path / "jlc.csv"
    bom.write_text(
        '"Comment","Designator","LCSC Part #"\n"100n","C1","C1525"\n"10k","R1","C25744"\n'
    )
    out = tmp_path / "r.xlsx"
    assert cli("-q", "report", str(bom), "-f", "xlsx", "-o", str(out)).returncode == 0
    summary = fastexcel.read_excel(str(out)).load_sheet_by_name("Summary").to_polars()
    row = summary.filter(summary["Item"] == "Not screened")
    assert row.height == 1 and "nothing could be screened" in str(row["Value"][0])


# --- found in review: a miss or doubled spend each ---------------------------------------------


def test_one_stray_windows_byte_keeps_a_utf8_files_chinese_names(cli, tmp_path):
    """A UTF-8 export with one Windows-1252 dash past the first MiB stays UTF-8: its Chinese
    names after the dash are read as written and found."""
    row = b"Acme Industrial Supply Co,1\n"
    data = b"Vendor,Amount\n" + row * (1_100_000 // len(row)) + b"Acme \x96 Dash Ltd,3\n"
    data += "杭州海康威视数字技术股份有限公司,99\n".encode() * 5
    led = tmp_path / "mixed.csv"
    led.write_bytes(data)
    rep = report(cli, led)
    assert rep["inputs"][0]["meta"]["encoding"] == "utf-8"
    assert rep["summary"]["findings"] == 5


def test_a_part_column_of_part_numbers_beside_a_package_column_is_screened(cli, tmp_path):
    bom = tmp_path / "bom.csv"
    bom.write_text("Part,Package,Quantity,Description\nDS-2CD2083G2-IU,Box,4,camera\n")
    rep = report(cli, bom)
    assert rep["inputs"][0]["meta"]["columns"]["part"] == ["Part"]
    assert rep["summary"]["findings"] == 1


def test_a_totals_row_at_the_end_of_a_large_ledger_is_not_spend(cli, tmp_path):
    """Past the first MiB the end of the file is looked at too: the totals row and the note
    below it are listed as skipped, and the spend is the lines' sum, not twice it."""
    rows = "Acme Supplies Ltd,Office,10\n" * 45_000
    led = tmp_path / "big.csv"
    led.write_text(f"Vendor,Category,Amount\n{rows}Total,,450000\n\nPrepared by finance,,\n")
    s = report(cli, led)["summary"]
    assert s["total_spend"] == 450_000 and s["lines_read"] == 45_000
    assert [r["lines"] for r in s["lines_skipped"]["reasons"]] == [[45_002], [45_004]]


def test_a_note_below_a_totals_row_is_no_line(cli, tmp_path):
    led = tmp_path / "ap.csv"
    led.write_text("Vendor,Amount\nAcme,10\nTotal,10\nPrepared by J. Smith,\n")
    s = report(cli, led)["summary"]
    assert s["total_spend"] == 10 and s["lines_read"] == 1 and s["names_screened"] == 1


def test_a_line_with_total_in_another_cell_is_a_line(cli, tmp_path):
    led = tmp_path / "ap.csv"
    led.write_text(
        "Vendor,Category,Amount\nHuawei Technologies Co Ltd,Telecom,1000\nAcme,Office,50\n"
        "Huawei Technologies Co Ltd,Total,2000\n"
    )
    rep = report(cli, led)
    assert rep["summary"]["total_spend"] == 3050
    assert rep["exposures"][0]["spend"] == 3000


def test_a_bom_with_only_its_product_is_never_clean(cli, tmp_path):
    """No component at all: the gate cannot pass on it (nothing was screened)."""
    bom = tmp_path / "prod.cdx.json"
    bom.write_text(
        '{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,'
        '"metadata":{"component":{"type":"device","name":"router"}},"components":[]}'
    )
    r = cli("report", str(bom), "--fail-on", "restricted")
    assert r.returncode == 3 and "no line was read: nothing could be screened" in r.stderr


def test_a_tab_holding_every_row_of_another_is_refused(cli, tmp_path):
    book = tmp_path / "spend.xlsx"
    head = ["Vendor Name", "Invoice Date", "Amount"]
    jan, feb = ["Acme", "2024-01-03", "10"], ["Huawei Technologies Co Ltd", "2024-02-03", "100"]
    _workbook(book, {"All": [head, jan, feb], "Jan": [head, jan], "Feb": [head, feb]})
    r = report(cli, book, code=3)
    assert "sheet 'All' holds every row of sheet 'Jan'" in r.stderr and "--sheet" in r.stderr


def test_a_repeated_vendor_header_is_screened_too(cli, tmp_path):
    led = tmp_path / "ap.csv"
    led.write_text("Vendor,Vendor,Amount\nAcme,Huawei Technologies Co Ltd,5\n")
    assert report(cli, led)["summary"]["findings"] == 1

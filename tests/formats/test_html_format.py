"""The HTML report as a user gets it from ``bomscan report --format html``: self-contained,
deterministic, escaped, and with charts whose numbers agree with the report's tables.

The browser checks (layout, screenshot, escaping in a real DOM) are in test_html_browser.py.
"""

from __future__ import annotations

import copy
import csv
import dataclasses
import re
from datetime import date

import pytest
from conftest import EXAMPLES, run_cli

from bomscan.formats import RenderContext, html_format
from bomscan.formats.html import series
from bomscan.model import Report

LEDGER = str(EXAMPLES / "procurement-ledger.csv")
FX = ["--currency", "USD", "--fx", str(EXAMPLES / "fx-rates-usd.csv")]
XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = '"><img src=x onerror=alert(1)>'


AS_OF = "2026-06-30"


def pipeline_report(*inputs: str, fx: bool = False) -> Report:
    """The typed report, built in-process (the CLI is exercised by :func:`cli_html`)."""
    from bomscan.pipeline import ReportRequest, run

    kw = {"currency": "USD", "fx_path": FX[3]} if fx else {}
    return run(ReportRequest(inputs=list(inputs), as_of=date.fromisoformat(AS_OF), **kw))


def cli_html(tmp_path, *args: str) -> str:
    """``bomscan report ... --format html -o FILE`` as a user runs it; returns the page."""
    out = tmp_path / "report.html"
    res = run_cli("-q", "report", *args, "--format", "html", "-o", str(out), "--as-of", AS_OF)
    assert res.returncode == 0, res.stderr
    assert res.stdout == ""  # the report went to the file
    return out.read_text("utf-8")


@pytest.fixture(scope="module")
def mixed() -> Report:
    return pipeline_report(LEDGER)


@pytest.fixture(scope="module")
def usd() -> Report:
    return pipeline_report(LEDGER, fx=True)


def _svgs(page: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", page, flags=re.S)


def assert_self_contained(page: str) -> None:
    low = page.lower()
    assert low.startswith("<!doctype html>")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "default-src 'none'" in page  # CSP: nothing may load, no script may run
    for banned in ("<script", "<link", "<iframe", "<object", "<embed", "<img", "@import"):
        assert banned not in low, banned
    tags = re.findall(r"<[a-z][^>]*>", low)
    assert not [t for t in tags if re.search(r"\s(src|on[a-z]+|style)=", t)]
    # every url(...) is a reference to a pattern inside the same SVG
    assert all(u.startswith("#") for u in re.findall(r"url\(([^)]*)\)", page))
    # the only http(s) URLs are link targets (never fetched)
    for m in re.finditer(r"https?://", page):
        before = page[max(0, m.start() - 6) : m.start()]
        assert before.endswith('href="'), page[m.start() - 40 : m.start() + 40]
    assert "@media print" in page and "@media (max-width" in page


def test_example_ledger_mixed_currencies(tmp_path, mixed):
    page = cli_html(tmp_path, LEDGER)
    # the CLI's page is byte for byte the rendering of the same report: deterministic output
    assert page == html_format.render(mixed, RenderContext())
    assert_self_contained(page)
    text = re.sub(r"<[^>]+>", " ", page)
    # summary per currency, never summed, and said so
    assert "nothing is summed across currencies" in text
    for figure in ("1,391,708.60", "111,793.16", "424,932.52"):
        assert figure in text
    # one exposure chart per currency
    bars = [s for s in _svgs(page) if 'class="chart bars"' in s]
    assert [re.search(r"<title[^>]*>([^<]*)</title>", s).group(1) for s in bars] == [
        "Exposure by listed parent (CNY)",
        "Exposure by listed parent (EUR)",
        "Exposure by listed parent (USD)",
    ]
    # time series per currency: months for CNY (2021-01..2022-10), quarters for longer spans
    assert "In CNY, per month, 2021-01 to 2022-10" in text
    assert "In USD, per quarter" in text
    # every finding is in the table with its file and line
    section = page[page.index('<section id="findings">') : page.index('<section id="review">')]
    lines = re.findall(r"procurement-ledger\.csv:(\d+)</span>", section.replace("/<wbr>", "/"))
    findings = mixed.findings
    assert sorted(int(x) for x in lines) == sorted(f.locator.line for f in findings)


def test_example_ledger_converted(tmp_path, usd):
    page = cli_html(tmp_path, LEDGER, *FX)
    assert page == html_format.render(usd, RenderContext())
    assert_self_contained(page)
    text = re.sub(r"<[^>]+>", " ", page)
    s = usd.summary
    assert f"{s.total_spend:,.2f} USD" in text and f"{s.exposed_spend:,.2f} USD" in text
    assert "nothing is summed across currencies" not in text
    assert "Amounts converted into" in text
    svgs = _svgs(page)
    # one bar chart, one time chart per exposed entity; all accessible images
    assert sum('class="chart bars"' in s for s in svgs) == 1
    assert sum('class="chart timeline"' in s for s in svgs) == len(usd.exposures)
    for s in svgs:
        assert 'role="img"' in s and "<title id=" in s and "<desc id=" in s
        cid = re.search(r'id="(chart-\d+)"', s).group(1)
        assert f'aria-labelledby="{cid}-t {cid}-d"' in s
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))  # pattern and title ids never collide across charts
    # stacked affiliates are named with their values under the bar, not only coloured
    bar = next(s for s in svgs if 'class="chart bars"' in s)
    dahua = next(e for e in usd.exposures if e.entity.id == "dahua")
    for a in dahua.affiliates:
        assert f"{a.entity.name}: {a.spend:,.2f}" in bar
    # listing dates inside the period are marked on the entity's chart; earlier ones are named
    hik = next(s for s in svgs if "Spend over time: Hangzhou Hikvision" in s)
    assert "2021-03-12: FCC Covered List listed" in hik
    assert 'class="marker"' in hik
    assert "NDAA §889 listed 2018-08-13 (before the charted period)" in text
    # the lists and their citations
    for x in usd.lists:
        assert html_format.esc(x.legal_basis) in page
    assert "84 FR 54002" in text


def test_output_is_deterministic(usd):
    a = html_format.render(usd, RenderContext())
    again = pipeline_report(LEDGER, fx=True)
    assert html_format.render(again, RenderContext()) == a
    assert html_format.render(copy.deepcopy(usd), RenderContext(color=True, width=40)) == a


def test_chart_series_agree_with_the_report(usd, mixed):
    for report in (usd, mixed):
        exposures = {(e.entity.id, e.currency): e for e in report.exposures}
        for chart in series.exposure_bars(report):
            for bar in chart.bars:
                e = exposures[(bar.entity_id, chart.currency)]
                assert sum(s.value for s in bar.segments) == pytest.approx(e.spend, abs=0.01)
                assert sum(s.lines for s in bar.segments) == e.lines
        charted = 0
        for tl in series.spend_over_time(report):
            for s in tl.entities:
                e = exposures[(s.entity_id, tl.currency)]
                assert sum(s.since) == pytest.approx(e.spend_since_listing, abs=0.01)
                assert sum(s.before) == pytest.approx(e.spend_before_listing, abs=0.01)
                charted += 1
        assert charted == len(exposures)


def test_bom_without_dates_has_no_time_series():
    page = html_format.render(pipeline_report(str(EXAMPLES / "camera-hbom.cdx.json")), None)
    assert_self_contained(page)
    assert "No dated amounts among the findings" in page
    assert 'class="chart timeline"' not in page
    assert 'class="chart bars"' in page


def test_no_amounts_charts_line_counts(usd):
    r = copy.deepcopy(usd)
    for e in r.exposures:
        for k in ("spend", "spend_since_listing", "spend_before_listing", "spend_undated"):
            setattr(e, k, None)
        e.exact_spend = None  # the unrounded amount too: no amount at all
        for a in e.affiliates:
            a.spend = None
    for f in r.findings:
        f.spend = f.exact_spend = None
    page = html_format.render(r, RenderContext())
    assert "Matched lines (no amounts in these inputs)" in page
    assert 'class="chart timeline"' not in page


def test_no_exposure(tmp_path):
    csv = tmp_path / "clean.csv"
    csv.write_text("Vendor,Amount,Currency\nAcme Widgets,100.00,USD\nGlobex,50,USD\n")
    page = html_format.render(pipeline_report(str(csv)), None)
    assert_self_contained(page)
    assert "No exposure found" in page
    assert "<svg" not in page


# ------------------------------------------------------------------------------- escaping

NON_TEXT_KEYS = {"date", "start", "end", "first_date", "last_date", "as_of", "from", "to"}
NON_TEXT_KEYS |= {"updated", "id", "list", "schema_version", "granularity"}


def _poison(obj, payload: str):
    """Append the payload to every user-visible string, and to the keys of free-form maps.

    Walks the typed report: a record's fields are named by their JSON key (``from``)."""
    if dataclasses.is_dataclass(obj):
        changes = {}
        for f in dataclasses.fields(obj):
            k, v = f.metadata.get("key", f.name), getattr(obj, f.name)
            if k in NON_TEXT_KEYS:
                continue
            if k in ("extra", "columns") and isinstance(v, dict):
                changes[f.name] = {kk + payload: _poison(vv, payload) for kk, vv in v.items()}
            else:
                changes[f.name] = _poison(v, payload)
        return dataclasses.replace(obj, **changes)
    if isinstance(obj, dict):
        out = {}
        for k, v in obj.items():
            if k in NON_TEXT_KEYS:
                out[k] = v
            elif k in ("extra", "columns") and isinstance(v, dict):
                out[k] = {kk + payload: _poison(vv, payload) for kk, vv in v.items()}
            else:
                out[k] = _poison(v, payload)
        return out
    if isinstance(obj, list):
        return [_poison(v, payload) for v in obj]
    if isinstance(obj, str):
        return obj + payload
    return obj


def hostile_report(base: Report) -> Report:
    r = _poison(base, XSS_SCRIPT + XSS_IMG)
    # a rules file may carry a javascript: URL: it must not become a link
    r.lists[0].url = "javascript:alert(1)"
    r.exposures[0].entity.listings[0].source_url = "javascript:alert(1)//"
    r.warnings.append("</style><script>alert(2)</script>")
    return r


def assert_escaped(page: str) -> None:
    low = page.lower()
    assert "<script" not in low
    assert "<img" not in low
    assert "</style><" not in low.split("</style>", 1)[1]  # only the stylesheet closes a style
    assert "javascript:" not in re.sub(
        r"&[a-z#0-9]+;", "", " ".join(re.findall(r'href="[^"]*"', low))
    )
    assert (
        "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    )


def test_every_user_string_is_escaped(usd, mixed):
    for base in (usd, mixed):
        page = html_format.render(hostile_report(base), RenderContext())
        assert_escaped(page)
        # the payload reached names in charts, tables, paths, extra columns and warnings
        assert page.count("&lt;script&gt;alert(1)") > 100
        for svg in _svgs(page):
            assert "&lt;script&gt;" in svg


EVIL = f"{XSS_SCRIPT} Evil Corp{XSS_IMG}"


def hostile_inputs(tmp_path) -> list[str]:
    """A rules directory and a ledger whose names, headers, citations and URLs carry markup.

    Returns the CLI arguments (ledger and ``--rules``) that report on them.
    """
    rules = tmp_path / "rules"
    rules.mkdir()
    toml = lambda v: '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'  # noqa: E731
    (rules / "evil.toml").write_text(
        "[[entity]]\n"
        'id = "evil-corp"\n'
        f"name = {toml(EVIL)}\n"
        f"aliases = [{toml(EVIL)}]\n"
        'sources = ["test"]\n'
        "[[entity.listing]]\n"
        'list = "us-bis-entity-list"\n'
        f"citation = {toml('<script>alert(3)</script> 99 FR 1')}\n"
        "start = 2024-01-15\n"
        'source_url = "javascript:alert(1)"\n',
        encoding="utf-8",
    )
    ledger = tmp_path / "ledger.csv"
    with ledger.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Posting Date", "Vendor Name", "Amount", "Currency", f"Note {XSS_IMG}"])
        w.writerow(["2024-01-05", EVIL, "1000.00", "USD", XSS_IMG])
        w.writerow(["2024-02-05", EVIL, "500.00", "USD", "<b>bold</b>"])
        w.writerow(["2024-02-05", "Hikvision", "500.00", "USD", "x"])
    return [str(ledger), "--rules", str(rules)]


def test_hostile_vendor_in_a_real_ledger(tmp_path):
    """End to end: user-supplied rules and ledger carrying markup show as text."""
    page = cli_html(tmp_path, *hostile_inputs(tmp_path))
    assert_self_contained(page)
    low = page.lower()
    assert "<script" not in low and "<img" not in low and "<b>" not in low
    assert html_format.esc(EVIL) in page
    assert page.count(html_format.esc(EVIL)) >= 6  # summary, chart, table, findings...
    assert "&lt;script&gt;alert(3)&lt;/script&gt; 99 FR 1" in page
    assert 'href="javascript' not in low
    assert "&lt;b&gt;bold&lt;/b&gt;" in page
    for svg in _svgs(page):
        if "Evil Corp" in svg:
            assert "<title" in svg and "&lt;script&gt;" in svg

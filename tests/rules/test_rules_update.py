"""`bomscan rules update` and `bomscan rules diff` against a local HTTP server on 127.0.0.1
serving a CSL built from the shared real CSL sample rows: after an update every report screens
against the stored lists without an option and names them; a failed download keeps them; a
diff of two snapshots names the added entity and, with a ledger, the spend it touches."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import serve

SAMPLE = (
    Path(__file__).resolve().parents[3] / "shared/samples/watchman/csl_consolidated_2023_sample.csv"
)
# a CSL-only entity of the sample: the Military End-User List row of 85 FR 83799
AASPT = "Academy of Aerospace Solid Propulsion Technology"


def _csl_without(name: str) -> bytes:
    """The sample without the rows naming ``name``: the 'previous' list."""
    lines = SAMPLE.read_bytes().splitlines(keepends=True)
    return b"".join(ln for ln in lines if name.encode() not in ln)


ROUTES: dict[str, tuple[int, bytes]] = {}


@pytest.fixture(scope="module")
def server():
    if not SAMPLE.is_file():
        pytest.fail(f"shared CSL sample not found at {SAMPLE}")
    ROUTES.update(
        {
            "/csl.csv": (200, SAMPLE.read_bytes()),
            "/old.csv": (200, _csl_without(AASPT)),
            "/fail.csv": (500, b"oops"),
            "/empty.csv": (200, b""),
            "/cut.csv": (200, SAMPLE.read_bytes()[:4000], len(SAMPLE.read_bytes())),
        }
    )
    with serve(ROUTES) as url:
        yield url


@pytest.fixture
def data(tmp_path):
    return {"BOMSCAN_DATA_DIR": str(tmp_path / "data"), "BOMSCAN_CACHE_DIR": str(tmp_path / "c")}


@pytest.fixture
def ledger(tmp_path):
    led = tmp_path / "ap.csv"
    led.write_text(
        "Vendor Name,Invoice Date,Amount,Currency\n"
        f"{AASPT},2024-02-01,5000.00,USD\nAcme Ltd,2024-02-02,10.00,USD\n"
    )
    return led


def update(cli, env, url):
    return cli("rules", "update", "--url", url, "--timeout", "5", env=env, timeout=60)


def report(cli, env, *args):
    r = cli("report", *args, "-f", "json", env=env, timeout=60)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout), r.stderr


def test_update_then_report_cites_the_csl_notice_even_with_the_server_gone(
    cli, server, data, ledger
):
    r = update(cli, data, server + "/csl.csv")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("lists csl ") and "entities from" in r.stdout
    # no --rules: the stored lists are on by default; the download URL now goes nowhere
    env = {**data, "BOMSCAN_CSL_URL": "http://127.0.0.1:9/gone.json"}
    for extra in ((), ("--offline",)):
        rep, err = report(cli, env, str(ledger), *extra)
        (finding,) = rep["findings"]
        assert finding["value"] == AASPT
        listing = rep["exposures"][0]["entity"]["listings"][0]
        assert listing["citation"] == "85 FR 83799"
        assert "days old" not in err
    names = [x["name"] for x in rep["rulesets"]]
    assert names == ["bomscan-shipped", "csl"]
    # --lists none: only the shipped rules
    rep, _ = report(cli, env, str(ledger), "--lists", "none")
    assert rep["findings"] == []


def test_a_failed_download_keeps_the_lists_in_use(cli, server, data, ledger):
    assert update(cli, data, server + "/csl.csv").returncode == 0
    current = Path(data["BOMSCAN_DATA_DIR"], "lists/csl/CURRENT").read_text()
    for bad in ("/fail.csv", "/empty.csv", "/missing.csv", "/cut.csv"):
        r = update(cli, data, server + bad)
        assert r.returncode == 3
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and "still using csl " in lines[0], r.stderr
        assert Path(data["BOMSCAN_DATA_DIR"], "lists/csl/CURRENT").read_text() == current
    rep, _ = report(cli, data, str(ledger))
    assert [f["value"] for f in rep["findings"]] == [AASPT]
    leftovers = [p.name for p in Path(data["BOMSCAN_DATA_DIR"], "lists/csl").iterdir()]
    assert sorted(leftovers) == sorted(["CURRENT", current.strip()])


def test_stale_lists_are_named_in_a_warning(cli, server, data, ledger):
    assert update(cli, data, server + "/csl.csv").returncode == 0
    version = _age(data, 10)
    _, err = report(cli, data, str(ledger))
    assert f"stored lists csl {version} are 10 days old (max-age 7)" in err
    assert "bomscan rules update" in err


def test_diff_names_the_added_entity_and_the_spend_it_touches(cli, server, data, ledger):
    assert update(cli, data, server + "/old.csv").returncode == 0
    assert update(cli, data, server + "/csl.csv").returncode == 0
    r = cli("rules", "diff", "csl@previous", "csl", "-f", "json", env=data, timeout=60)
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert [e["name"] for e in d["added"]] == [f"{AASPT} (AASPT)"]
    assert d["removed"] == [] and d["created"] is None
    r = cli("rules", "diff", "csl@previous", "csl", str(ledger), env=data, timeout=60)
    assert r.returncode == 0, r.stderr
    assert f"Added (1):\n  {AASPT} (AASPT)" in r.stdout
    assert (
        "Exposure the change creates (matched only under NEW):\n  1 line(s); spend 5,000.00 USD"
        in r.stdout
    )
    r = cli("rules", "diff", "csl@previous", "csl", str(ledger), "-f", "json", env=data)
    d = json.loads(r.stdout)
    assert d["created"]["by_currency"] == [{"currency": "USD", "lines": 1, "spend": 5000.0}]
    assert d["ended"]["findings"] == []


def test_diff_of_two_csl_files_without_a_store(cli, tmp_path):
    old = tmp_path / "old.csv"
    old.write_bytes(_csl_without(AASPT))
    r = cli("rules", "diff", str(old), str(SAMPLE), "-f", "markdown")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(f"# Lists changed from {old} to {SAMPLE}")
    assert f"## Added (1)\n- {AASPT} (AASPT)" in r.stdout


def test_diff_of_something_that_is_no_snapshot_is_one_line(cli, tmp_path):
    r = cli("rules", "diff", str(SAMPLE), str(tmp_path / "nope"))
    assert r.returncode == 3
    assert len(r.stderr.strip().splitlines()) == 1 and "not a stored list version" in r.stderr
    r = cli("rules", "diff", "csl@previous", "csl")
    assert r.returncode == 3 and "no such stored list version (stored: none)" in r.stderr


@pytest.mark.parametrize("damage", ["current", "source", "gone"])
def test_stored_lists_that_cannot_be_read_are_an_error_not_a_fallback(
    cli, server, data, ledger, damage
):
    """A report that quietly lost its stored lists would call their entities clean: a damaged
    store is a one-line error (exit 3) until it is updated or --lists none is given."""
    assert update(cli, data, server + "/csl.csv").returncode == 0
    base = Path(data["BOMSCAN_DATA_DIR"], "lists/csl")
    version = (base / "CURRENT").read_text().strip()
    if damage == "current":
        (base / "CURRENT").write_text("nonsense\n")
    elif damage == "source":
        (base / version / "source.json").write_text("{")
    else:
        (base / version).rename(base / "moved-away")
    r = cli("report", str(ledger), env=data)
    assert r.returncode == 3 and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert "stored lists csl" in r.stderr and "cannot be read" in r.stderr
    assert cli("report", str(ledger), "--lists", "none", env=data).returncode == 0
    assert update(cli, data, server + "/csl.csv").returncode == 0  # an update mends it
    assert cli("report", str(ledger), env=data).returncode == 0


def test_lists_named_but_never_stored_is_an_error(cli, data, ledger):
    r = cli("report", str(ledger), "--lists", "csl", env=data)
    assert r.returncode == 3 and "--lists csl: nothing stored" in r.stderr


def test_the_same_list_stored_twice_a_day_stays_in_use(cli, server, data, ledger):
    assert update(cli, data, server + "/csl.csv").returncode == 0
    assert update(cli, data, server + "/csl.csv").returncode == 0
    rep, _ = report(cli, data, str(ledger))
    assert [f["value"] for f in rep["findings"]] == [AASPT]


def test_diff_names_lines_whose_match_changed_and_what_it_could_not_screen(cli, tmp_path, ledger):
    """The AASPT row moved from the MEU List to the Entity List: its ledger line is matched
    under both snapshots, as another list; an input that names nobody is said to be unscreened."""
    moved = tmp_path / "moved.csv"
    moved.write_bytes(
        SAMPLE.read_bytes().replace(
            b"Military End User (MEU) List - Bureau of Industry and Security",
            b"Entity List (EL) - Bureau of Industry and Security",
        )
    )
    nobody = tmp_path / "nobody.csv"
    nobody.write_text("Vendor Name,Invoice Date,Amount\nRedacted,2024-01-01,100\n")
    r = cli("rules", "diff", str(SAMPLE), str(moved), str(ledger))
    assert r.returncode == 0, r.stderr
    assert "Exposure the change alters" in r.stdout and AASPT in r.stdout
    r = cli("rules", "diff", str(SAMPLE), str(moved), str(nobody))
    assert "NOT SCREENED: no line names a manufacturer, supplier or vendor" in r.stdout
    assert "nothing could be screened" in r.stderr


def test_the_data_dir_is_isolated_in_tests():
    """No test reads the machine's stored lists (conftest points BOMSCAN_DATA_DIR at a temp
    directory)."""
    assert "bomscan-data" in os.environ["BOMSCAN_DATA_DIR"]


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv", "sarif", "html", "json", "xlsx"])
def test_every_format_names_the_stored_lists_and_their_date(
    cli, server, data, ledger, fmt, tmp_path
):
    assert update(cli, data, server + "/csl.csv").returncode == 0
    version = Path(data["BOMSCAN_DATA_DIR"], "lists/csl/CURRENT").read_text().strip()
    out = tmp_path / f"report.{fmt}"
    r = cli("report", str(ledger), "-f", fmt, "-o", str(out), env=data, timeout=60)
    assert r.returncode == 0, r.stderr
    if fmt == "xlsx":
        import fastexcel

        sheet = fastexcel.read_excel(str(out)).load_sheet("Summary", header_row=None)
        text = " ".join(str(v) for row in sheet.to_polars().iter_rows() for v in row)
    else:
        text = out.read_text(encoding="utf-8")
    text = " ".join(text.replace("\\(", "(").replace("\\)", ")").split())  # wrapped, escaped
    today = version[:10]
    assert f"csl {version} (updated {today})" in text or (
        f'"version": "{version}"' in text and f'"updated": "{today}"' in text
    )


def _age(data: dict, days: int) -> str:
    """Make the stored version look ``days`` old; its name."""
    base = Path(data["BOMSCAN_DATA_DIR"], "lists/csl")
    version = (base / "CURRENT").read_text().strip()
    meta_path = base / version / "source.json"
    meta = json.loads(meta_path.read_text())
    meta["fetched"] = (datetime.now(UTC) - timedelta(days=days)).isoformat()
    meta_path.write_text(json.dumps(meta))
    return version


def test_config_auto_update_refreshes_stale_lists_unless_offline(cli, server, data, ledger):
    assert update(cli, data, server + "/old.csv").returncode == 0
    stale = _age(data, 30)
    (ledger.parent / ".bomscan.toml").write_text("max-age = 14\nauto-update = true\n")
    # the stored version came from /old.csv: point it at the newer list, as a mirror would be
    meta_path = Path(data["BOMSCAN_DATA_DIR"], "lists/csl", stale, "source.json")
    meta = json.loads(meta_path.read_text())
    meta["url"] = server + "/csl.csv"
    meta_path.write_text(json.dumps(meta))
    cfg = ("--config", str(ledger.parent / ".bomscan.toml"))
    rep, err = report(cli, data, str(ledger), *cfg, "--offline")
    assert "are 30 days old (max-age 14)" in err and rep["findings"] == []
    rep, err = report(cli, data, str(ledger), *cfg)
    assert "days old" not in err
    assert [f["value"] for f in rep["findings"]] == [AASPT]
    assert Path(data["BOMSCAN_DATA_DIR"], "lists/csl/CURRENT").read_text().strip() != stale


def test_a_bad_max_age_in_config_is_one_line(cli, tmp_path, ledger):
    cfg = tmp_path / ".bomscan.toml"
    cfg.write_text("max-age = 0\n")
    r = cli("report", str(ledger), "--config", str(cfg))
    assert r.returncode != 0 and len(r.stderr.strip().splitlines()) == 1
    assert "max-age: must be a number of days above 0" in r.stderr

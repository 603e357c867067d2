"""`bomscan rules import-csl`: the official Consolidated Screening List (CSV 2019 and current, and
JSON) becomes a rules directory that validates and that `bomscan report` ranks spend with."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bomscan.rules import collect
from bomscan.rules.csl import SOURCES, entity_id, import_csl
from bomscan.rules.tomlw import dumps_table

FIXTURES = Path(__file__).parent / "fixtures" / "csl"


@pytest.fixture(scope="module")
def samples(shared_dir):
    w = shared_dir / "samples" / "watchman"
    return w / "csl_consolidated_2023_sample.csv", w / "csl_2019_sample.csv"


@pytest.fixture(scope="module")
def imported(samples, tmp_path_factory):
    cur, old = samples
    base = tmp_path_factory.mktemp("csl")
    s_cur, s_old = import_csl(cur, base / "cur"), import_csl(old, base / "old")
    return str(s_cur), base / "cur", str(s_old), base / "old"


def entities(d: Path) -> dict[str, dict]:
    doc = tomllib.loads((d / "entities.toml").read_text(encoding="utf-8"))
    return {e["name"]: e for e in doc["entity"]}


def test_import_writes_rules_that_validate(cli, imported):
    _, cur, _, old = imported
    r = cli("rules", "validate", str(cur), str(old))
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("ok: ")


def test_summary_counts_rows_entities_merges_and_skips(imported):
    s_cur, _, s_old, _ = imported
    assert "read 13 rows" in s_cur and "skipped 4 rows (4 individuals)" in s_cur
    # 2019: 115 rows; 20 individuals and 2 vessels skipped; duplicates of one entity merged
    assert "read 115 rows" in s_old
    assert "20 individuals" in s_old and "2 vessels" in s_old
    assert "merged 5 rows" in s_old and "wrote 88 entities" in s_old


def test_cleaning_the_csl_quirks(imported):
    _, cur, _, old = imported
    cetc = entities(cur)[
        "China Electronics Technology Group Corporation 13th Research Institute (CETC 13)"
    ]
    # aliases split on "; ", the trailing "and" removed
    assert cetc["aliases"][:2] == ["Hebei Semiconductor Research Institute", "HSRI"]
    assert "CETC Research Institute 13" in cetc["aliases"]
    assert not any(a.startswith("and ") for a in cetc["aliases"])
    assert cetc["weak_aliases"] == ["CETC 13"]  # from the name's parenthesis; exact match only
    (lst,) = cetc["listing"]
    assert lst["list"] == "csl-el" and lst["citation"] == "83 FR 37423; 87 FR 77505"
    assert str(lst["start"]) == "2018-08-01"
    assert lst["license_policy"].startswith("Policy of denial")
    assert cetc["country"] == "CN"
    old_ents = entities(old)
    # stray cp1252 byte U+0092 -> right single quote
    assert "Gui’an New District Huawei Investment Co., Ltd., Guiyang, Guizhou" in old_ents
    # the trailing full stop of the last alias, and its "and ", are gone
    inst = old_ents["54th Research Institute of China"]
    assert inst["aliases"][-2:] != []
    assert (
        "Shijiazhuang Communication Observation and Control Technology Institute" in inst["aliases"]
    )
    # leading space
    assert "ADRIAN MANUEL HERNANDEZ" in old_ents
    # "; and any successor, sub-unit, or subsidiary thereof" is not part of the name
    sino = entities(cur)["Sinobright Import and Export Company"]
    assert "successor" in sino["notes"]
    assert sino["listing"][0]["name_on_list"].endswith("subsidiary thereof")


def test_same_entity_rows_merge_into_one_entity(imported):
    _, _, _, old = imported
    ents = entities(old)
    naser = ents["AL NASER WINGS AIRLINES"]
    assert [x["list"] for x in naser["listing"]] == ["csl-dpl", "csl-dpl"]
    assert "country" not in naser  # addresses in two countries: none is guessed
    assert "Addresses in several countries: AE, IQ." in naser["notes"]


def test_levels_per_source_are_documented():
    assert {
        "EL",
        "MEU",
        "UVL",
        "DPL",
        "ISN",
        "DTC",
        "SDN",
        "FSE",
        "SSI",
        "CAP",
        "CMIC",
        "MBS",
        "PLC",
    } <= set(SOURCES)
    assert SOURCES["EL"].level == SOURCES["MEU"].level == SOURCES["UVL"].level == "restricted"
    assert SOURCES["CMIC"].level == "investment"
    readme = (Path(__file__).resolve().parents[2] / "rules" / "README.md").read_text(
        encoding="utf-8"
    )
    for code, sd in SOURCES.items():
        assert f"| {code} |" in readme and sd.level in readme


def test_ids_are_deterministic(samples, tmp_path):
    cur, _ = samples
    import_csl(cur, tmp_path / "a")
    import_csl(cur, tmp_path / "b")
    a = (tmp_path / "a" / "entities.toml").read_text(encoding="utf-8")
    assert a == (tmp_path / "b" / "entities.toml").read_text(encoding="utf-8")
    # case and punctuation do not change an id; the slug is ASCII, the hash keeps it unique
    assert entity_id("Sinobright Import and Export Company") == entity_id(
        "SINOBRIGHT IMPORT AND EXPORT COMPANY."
    )
    assert entity_id("北京旷视科技有限公司").startswith("csl-")


def test_json_form_merges_el_and_meu_and_cleans(tmp_path, cli):
    out = tmp_path / "json"
    summary = str(import_csl(FIXTURES / "csl_sample.json", out))
    assert "read 12 rows" in summary
    assert "skipped 2 rows (1 individuals, 1 vessels)" in summary
    assert "merged 1 rows" in summary
    assert cli("rules", "validate", str(out)).returncode == 0
    ents = entities(out)
    ex = ents["Exampletown Optics Research Institute"]
    assert sorted(x["list"] for x in ex["listing"]) == ["csl-el", "csl-meu"]
    assert {x["citation"] for x in ex["listing"]} == {"99 FR 11111", "99 FR 22222"}
    assert ex["country"] == "CN"
    lab = ents["Sample Lab's Instruments Co., Ltd."]
    assert lab["aliases"] == ["Sample Labs", "Sample Lab Instruments"]
    assert str(lab["listing"][0]["end"]) == "2023-01-15"
    child = ents["Child Example Networks Co., Ltd."]
    assert "affiliated entity of Parent Example Co., Ltd. (PEC)" in child["notes"]
    (aff,) = child["affiliation"]
    assert (
        aff["parent"] == ents["Parent Example Co., Ltd."]["id"] and aff["relation"] == "affiliate"
    )
    assert "Example Trading’s Company" in ents
    sdn = ents["Example Trading’s Company"]["listing"][0]
    assert sdn["citation"] == "SDN entry 99998" and "start" not in sdn  # no date in the CSL
    lists = tomllib.loads((out / "lists.toml").read_text(encoding="utf-8"))
    urls = {x["id"]: x["url"] for x in lists["list"]}
    assert (
        urls["csl-meu"]
        == "https://www.bis.doc.gov/index.php/policy-guidance/lists-of-parties-of-concern"
    )
    assert lists["ruleset"]["name"] == "csl-import"


def test_not_a_csl_file_is_one_line_exit_3(cli, tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text('{"results": 3}', encoding="utf-8")
    r = cli("rules", "import-csl", str(bad), "-o", str(tmp_path / "o"))
    assert r.returncode == 3 and "x.json" in r.stderr and "Traceback" not in r.stderr
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    r = cli("rules", "import-csl", str(bad), "-o", str(tmp_path / "o"))
    assert r.returncode == 3 and "needs 'source' and 'name'" in r.stderr


def _ledger(tmp_path: Path) -> Path:
    p = tmp_path / "ledger.csv"
    p.write_text(
        "Posting Date,Vendor Name,Amount,Currency\n"
        '2023-03-01,Hebei Semiconductor Research Institute,"12,500.00",USD\n'
        '2017-06-01,CETC 13,"1,000.00",USD\n'
        '2023-04-01,Digi-Key Electronics,"300.00",USD\n'
        '2023-05-01,"Gui’an New District Huawei Investment Co., Ltd.","700.00",USD\n',
        encoding="utf-8",
    )
    return p


def test_report_ranks_spend_with_the_csl_citation(cli, imported, tmp_path):
    _, cur, _, old = imported
    r = cli(
        "report",
        str(_ledger(tmp_path)),
        "--rules",
        str(cur),
        "--rules",
        str(old),
        "--no-default-rules",
        "--as-of",
        "2024-01-01",
        "-f",
        "json",
    )
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    top = rep["exposures"][0]
    assert top["rank"] == 1
    assert top["entity"]["name"].startswith("China Electronics Technology Group Corporation 13th")
    assert top["spend"] == pytest.approx(13_500.0)
    assert top["spend_since_listing"] == pytest.approx(12_500.0)  # listed 2018-08-01
    assert top["spend_before_listing"] == pytest.approx(1_000.0)
    (lst,) = top["entity"]["listings"]
    assert lst["citation"] == "83 FR 37423; 87 FR 77505" and lst["list"] == "csl-el"
    assert lst["level"] == "restricted"
    assert rep["exposures"][1]["entity"]["listings"][0]["citation"] == "84 FR 22961"
    assert [x["name"] for x in rep["rulesets"]] == ["csl-import", "csl-import"]
    r = cli("report", str(_ledger(tmp_path)), "--rules", str(cur), "--as-of", "2024-01-01")
    assert r.returncode == 0 and "Hebei" in r.stdout


TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60)


@given(TEXT, st.lists(TEXT, max_size=4))
def test_toml_writer_round_trips_any_text(s, xs):
    doc = tomllib.loads(dumps_table("t", {"s": s, "xs": xs, "k": 1}))
    assert doc["t"] == {"s": s, "xs": xs, "k": 1}


def test_import_reads_only_its_input(samples, tmp_path):
    cur, _ = samples
    out = tmp_path / "o"
    import_csl(cur, out)
    ruleset, problems = collect([out])
    assert problems == [] and len(ruleset.entities) == 9

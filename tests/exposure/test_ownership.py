"""Exposure through ownership (``--ownership``): companies whose names share nothing with a
listed party, owned by one, on the dates the lists' 50% rules are in force."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import pytest

from bomscan.errors import InputError
from bomscan.pipeline import ReportRequest, run

RULES = """
[ruleset]
name = "test"
version = "1"

[[list]]
id = "el"
name = "Entity List"
authority = "BIS"
url = "https://example.test/el"
level = "restricted"
meaning = "licence needed"

[[list]]
id = "sdn"
name = "SDN List"
authority = "OFAC"
url = "https://example.test/sdn"
level = "prohibited"
meaning = "blocked"

[[ownership_rule]]
id = "affiliates"
name = "Affiliates Rule"
lists = ["el"]
threshold = 50.0
wording = "owned 50 percent or more, directly or indirectly, individually or in the aggregate"
citation = "90 FR 47201"
source_url = "https://example.test/affiliates"
  [[ownership_rule.period]]
  status = "in-force"
  start = 2025-09-29
  end = 2025-11-10
  citation = "90 FR 47201"
  source_url = "https://example.test/ifr"
  [[ownership_rule.period]]
  status = "suspended"
  start = 2025-11-10
  end = 2026-11-10
  citation = "suspension rule"
  source_url = "https://example.test/suspension"
  [[ownership_rule.period]]
  status = "unsettled"
  start = 2026-11-10
  citation = "suspension rule"
  source_url = "https://example.test/suspension"
  note = "reimposed absent an extension"

[[ownership_rule]]
id = "ofac"
name = "OFAC 50 Percent Rule"
lists = ["sdn"]
threshold = 50.0
wording = "in the aggregate"
citation = "OFAC guidance 2014-08-13"
source_url = "https://example.test/ofac"
  [[ownership_rule.period]]
  status = "in-force"
  start = 2014-08-13
  citation = "OFAC guidance 2014-08-13"
  source_url = "https://example.test/ofac"

[[entity]]
id = "hikvision"
name = "Hangzhou Hikvision Digital Technology Co., Ltd."
aliases = ["Hikvision"]
sources = ["https://example.test/hik"]
  [[entity.listing]]
  list = "el"
  citation = "84 FR 54002"
  start = 2019-10-09
  source_url = "https://example.test/84fr54002"

[[entity]]
id = "dahua"
name = "Zhejiang Dahua Technology Co., Ltd."
aliases = ["Dahua"]
sources = ["https://example.test/dahua"]
  [[entity.listing]]
  list = "el"
  citation = "84 FR 54002"
  start = 2019-10-09
  source_url = "https://example.test/84fr54002"

[[entity]]
id = "blocked-co"
name = "Blocked Trading Company"
sources = ["https://example.test/blocked"]
  [[entity.listing]]
  list = "sdn"
  citation = "OFAC"
  start = 2020-01-01
  source_url = "https://example.test/sdn"
"""


def _rules(tmp_path: Path) -> Path:
    d = tmp_path / "rules"
    d.mkdir(exist_ok=True)
    (d / "rules.toml").write_text(RULES)
    return d


def _write(tmp_path: Path, name: str, text: str) -> str:
    p = tmp_path / name
    p.write_text(textwrap.dedent(text).lstrip())
    return str(p)


def _report(tmp_path: Path, ledger: str, ownership: str, **kw):
    req = ReportRequest(
        inputs=[ledger],
        rules_dirs=[str(_rules(tmp_path))],
        default_rules=False,
        lists=[],
        ownership=[ownership],
        as_of=date(2026, 12, 1),
        **kw,
    )
    return run(req)


def _ledger(tmp_path: Path, *rows: str) -> str:
    return _write(tmp_path, "ledger.csv", "vendor,amount,currency,date\n" + "\n".join(rows) + "\n")


OWN = """
owner,owned,share,valid_from,valid_to,source
HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO LTD,Nordlicht Optik GmbH,60,2020-01-01,,annual report 2024
"""


def test_owned_company_is_a_finding_inside_the_affiliates_rule_window(tmp_path):
    ledger = _ledger(tmp_path, "Nordlicht Optik GmbH,1000,USD,2025-10-15")
    rep = _report(tmp_path, ledger, _write(tmp_path, "own.csv", OWN))
    assert [f.value for f in rep.findings] == ["Nordlicht Optik GmbH"]
    f = rep.findings[0]
    assert f.entity.id == "hikvision"
    assert f.ownership.gating and f.ownership.share == 60
    assert f.via[0].share == 60 and "annual report 2024" in f.via[0].source_url
    assert f.lists == ["el"] and f.level == "restricted"
    assert rep.exposures[0].entity.id == "hikvision" and rep.exposures[0].spend == 1000


def test_inside_the_suspension_it_is_a_review_item_with_the_rule_status(tmp_path):
    ledger = _ledger(tmp_path, "Nordlicht Optik GmbH,1000,USD,2026-03-01")
    rep = _report(tmp_path, ledger, _write(tmp_path, "own.csv", OWN), fail_on="restricted")
    assert rep.findings == []
    assert not rep.gate.failed
    (item,) = rep.possible_matches
    assert item.ownership.rules[0].status == "suspended"
    assert item.ownership.rules[0].outcome == "review"


def test_after_reimposition_it_is_a_finding_when_the_user_says_in_force(tmp_path):
    ledger = _ledger(tmp_path, "Nordlicht Optik GmbH,1000,USD,2026-11-20")
    own = _write(tmp_path, "own.csv", OWN)
    rep = _report(tmp_path, ledger, own, affiliates_rule="in-force")
    assert len(rep.findings) == 1 and rep.findings[0].ownership.rules[0].status == "unsettled"
    assert not any("do not settle" in w for w in rep.warnings)
    suspended = _report(tmp_path, ledger, own, affiliates_rule="suspended")
    assert suspended.findings == [] and len(suspended.possible_matches) == 1


def test_unsettled_without_a_choice_is_in_force_with_a_warning(tmp_path):
    ledger = _ledger(tmp_path, "Nordlicht Optik GmbH,1000,USD,2026-11-20")
    rep = _report(tmp_path, ledger, _write(tmp_path, "own.csv", OWN))
    assert len(rep.findings) == 1
    assert any("Affiliates Rule" in w and "--affiliates-rule" in w for w in rep.warnings)


def test_two_listed_owners_aggregate(tmp_path):
    own = _write(
        tmp_path,
        "own.csv",
        """
        owner,owned,share,valid_from,valid_to,source
        Hikvision,Nordlicht Optik GmbH,30,,,filing
        Dahua,Nordlicht Optik GmbH,25,,,filing
        """,
    )
    ledger = _ledger(tmp_path, "Nordlicht Optik GmbH,1000,USD,2025-10-15")
    rep = _report(tmp_path, ledger, own)
    (f,) = rep.findings
    assert f.ownership.share == 55
    assert [o.id for o in f.ownership.owners] == ["dahua", "hikvision"]
    assert f.entity.id == "hikvision"  # the spend rolls up to the larger holder


def test_a_thirty_percent_holding_alone_is_a_review_item(tmp_path):
    own = _write(
        tmp_path,
        "own.csv",
        """
        owner,owned,share,valid_from,valid_to,source
        Hikvision,Nordlicht Optik GmbH,30,,,filing
        """,
    )
    ledger = _ledger(tmp_path, "Nordlicht Optik GmbH,1000,USD,2025-10-15")
    rep = _report(tmp_path, ledger, own)
    assert rep.findings == []
    (item,) = rep.possible_matches
    assert item.ownership.share == 30 and not item.ownership.gating


def test_a_chain_multiplies(tmp_path):
    own = _write(
        tmp_path,
        "own.csv",
        """
        owner,owned,share,valid_from,valid_to,source
        Blocked Trading Company,Middle Holdings BV,80,,,registry
        Middle Holdings BV,Nordlicht Optik GmbH,70,,,registry
        """,
    )
    ledger = _ledger(tmp_path, "Nordlicht Optik GmbH,1000,USD,2024-05-01")
    rep = _report(tmp_path, ledger, own)
    (f,) = rep.findings
    assert f.entity.id == "blocked-co" and f.level == "prohibited"
    assert [v.share for v in f.via] == [70, 80]


def test_a_cycle_is_an_error_naming_the_file(tmp_path):
    own = _write(
        tmp_path,
        "own.csv",
        """
        owner,owned,share,valid_from,valid_to,source
        Hikvision,Alpha Ltd,60,,,x
        Beta Ltd,Gamma Ltd,60,,,x
        Alpha Ltd,Beta Ltd,60,,,x
        Beta Ltd,Alpha Ltd,10,,,x
        """,
    )
    with pytest.raises(InputError) as exc:
        _report(tmp_path, _ledger(tmp_path, "Alpha Ltd,1,USD,2025-10-15"), own)
    message = str(exc.value)
    assert "ownership cycle:" in message and "own.csv:" in message
    assert "Gamma" not in message  # the cycle itself, not what hangs off it
    assert message.count("Alpha Ltd") == 2 and message.count("Beta Ltd") == 1


def test_a_share_of_140_is_an_error_with_its_line(tmp_path):
    own = _write(
        tmp_path,
        "own.csv",
        """
        owner,owned,share,valid_from,valid_to,source
        Hikvision,Alpha Ltd,60,,,x
        Hikvision,Beta Ltd,140,,,x
        """,
    )
    with pytest.raises(InputError) as exc:
        _report(tmp_path, _ledger(tmp_path, "Alpha Ltd,1,USD,2025-10-15"), own)
    assert str(exc.value).startswith(f"{own}:3: share '140' is outside 0-100")


FIXTURES = Path(__file__).resolve().parents[1] / "rules" / "fixtures" / "ownership"
TEST_LISTED_PARENT = """
[[entity]]
id = "test-parent"
name = "Apple Inc."
sources = ["test fixture: a made-up listing of a real GLEIF parent, to follow its records"]
  [[entity.listing]]
  list = "sdn"
  citation = "test"
  start = 2020-01-01
  source_url = "https://example.test/made-up"
"""


def test_gleif_level_2_with_level_1_names_reaches_the_consolidated_child(tmp_path):
    """Real GLEIF records (CC0): APPLE ENERGY LLC is directly consolidated by Apple Inc. (here
    under a made-up test listing). A consolidation states no percentage: under a rule that
    counts ownership only (OFAC's) it is listed for review; under one that counts control
    (``control = true``, as Section 889's affiliates) it is a finding."""
    rules = _rules(tmp_path)
    (rules / "parent.toml").write_text(TEST_LISTED_PARENT)
    ledger = _ledger(tmp_path, "Apple Energy LLC,500,USD,2024-05-01")
    gleif = [str(FIXTURES / "gleif-rr-sample.csv"), str(FIXTURES / "gleif-lei-sample.csv")]
    req = ReportRequest(
        inputs=[ledger], rules_dirs=[str(rules)], default_rules=False, lists=[],
        ownership=gleif, as_of=date(2026, 12, 1),
    )  # fmt: skip
    rep = run(req)
    assert rep.findings == []
    (item,) = rep.possible_matches
    assert "no ownership share stated" in item.ownership.rules[0].note
    text = (rules / "rules.toml").read_text()
    (rules / "rules.toml").write_text(
        text.replace('id = "ofac"\n', 'id = "ofac"\ncontrol = true\n')
    )
    (f,) = run(req).findings
    assert f.entity.id == "test-parent" and f.level == "prohibited"
    assert f.via[0].share is None and "549300YX4S1LLSMK2627" in f.via[0].source_url
    assert f.via[0].note.startswith("controlled by Apple Inc. (no share stated)")


def test_a_review_share_above_the_threshold_hides_no_finding(tmp_path):
    ledger = _ledger(tmp_path, "Nordlicht Optik GmbH,1000,USD,2025-10-15")
    rep = _report(tmp_path, ledger, _write(tmp_path, "own.csv", OWN), ownership_review=65.0)
    assert len(rep.findings) == 1 and rep.findings[0].ownership.share == 60


def test_one_holding_given_twice_is_counted_once_and_said(tmp_path):
    own = _write(
        tmp_path,
        "own.csv",
        """
        owner,owned,share,valid_from,valid_to,source
        Hikvision,Nordlicht Optik GmbH,30,2020-01-01,,provider export
        Hikvision,Nordlicht Optik GmbH,30,2020-01-01,,GLEIF
        """,
    )
    ledger = _ledger(tmp_path, "Nordlicht Optik GmbH,1000,USD,2025-10-15")
    rep = _report(tmp_path, ledger, own)
    assert rep.findings == [] and rep.possible_matches[0].ownership.share == 30
    assert any("counted once" in w for w in rep.warnings)


OLD_SUBSIDIARY = """
[[entity]]
id = "old-sub"
name = "Old Sub Radio Ltd"
sources = ["https://example.test/old-sub"]
  [[entity.affiliation]]
  parent = "hikvision"
  relation = "subsidiary"
  valid_to = 2022-01-01
  source_url = "https://example.test/sold"
"""


def test_a_rules_entity_whose_affiliation_ended_is_still_seen_through_ownership(tmp_path):
    """A company in the rules that no longer rolls up to its former parent (sold in 2021) is
    still seen through the ownership file when a listed party owns it now."""
    rules = _rules(tmp_path)
    (rules / "old.toml").write_text(OLD_SUBSIDIARY)
    own = _write(
        tmp_path,
        "own.csv",
        """
        owner,owned,share,valid_from,valid_to,source
        Blocked Trading Company,Old Sub Radio Ltd,60,2023-01-01,,registry
        """,
    )
    ledger = _ledger(tmp_path, "Old Sub Radio Ltd,1000,USD,2024-05-01")
    (f,) = _report(tmp_path, ledger, own).findings
    assert f.entity.id == "blocked-co" and f.matched_entity.id == "old-sub"
    assert f.lists == ["sdn"] and f.ownership.share == 60


def test_bods_statements_are_read_as_edges(tmp_path):
    from bomscan.rules.ownership import load_ownership

    edges = load_ownership([str(FIXTURES / "bods-0.4-sample.json")])
    assert edges.height >= 1 and edges["share"].drop_nulls().is_between(0, 100).all()


def test_the_ownership_cache_never_answers_for_a_changed_file(tmp_path, monkeypatch):
    """The joined ownership is cached (docs/perf.md); an edited file is joined again."""
    monkeypatch.setenv("BOMSCAN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("BOMSCAN_NO_CACHE", raising=False)
    ledger = _ledger(tmp_path, "Nordlicht Optik GmbH,1000,USD,2025-10-15")
    own = _write(tmp_path, "own.csv", OWN)
    first = _report(tmp_path, ledger, own)
    assert len(first.findings) == 1 and list((tmp_path / "cache").glob("ownership-*.pickle"))
    again = _report(tmp_path, ledger, own)
    assert [f.ownership for f in again.findings] == [f.ownership for f in first.findings]
    Path(own).write_text(Path(own).read_text().replace(",60,", ",30,"))
    changed = _report(tmp_path, ledger, own)
    assert changed.findings == [] and changed.possible_matches[0].ownership.share == 30
    review = _report(tmp_path, ledger, own, ownership_review=40.0)
    assert review.possible_matches == []  # the options are part of the key too

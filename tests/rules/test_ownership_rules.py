"""The ownership rules as data (``[[ownership_rule]]``): the shipped rules say what their
sources say, and a bad rule is a problem with its file and line."""

from __future__ import annotations

from datetime import date

from bomscan.rules import load_default_ruleset
from bomscan.rules.loader import collect

RULE = """
[ruleset]
name = "t"
version = "1"

[[ownership_rule]]
id = "r"
name = "A rule"
lists = ["el"]
threshold = {threshold}
wording = "owned 50 percent or more"
citation = "x"
source_url = "https://example.test"
  [[ownership_rule.period]]
  status = "{status}"
  start = 2025-01-01
  end = 2025-06-01
  citation = "x"
  source_url = "https://example.test"
  [[ownership_rule.period]]
  status = "suspended"
  start = {second}
  citation = "x"
  source_url = "https://example.test"
"""


def _problems(tmp_path, **kw) -> list[str]:
    values = {"threshold": "50.0", "status": "in-force", "second": "2025-06-01", **kw}
    (tmp_path / "r.toml").write_text(RULE.format(**values))
    return [str(p) for p in collect([tmp_path])[1]]


def test_the_shipped_affiliates_rule_has_its_dated_windows():
    rule = load_default_ruleset().ownership_rules["bis-affiliates-rule"]
    assert rule.period_on(date(2025, 9, 28)) is None
    assert rule.period_on(date(2025, 9, 29)).status == "in-force"
    assert rule.period_on(date(2025, 11, 9)).status == "in-force"
    assert rule.period_on(date(2025, 11, 10)).status == "suspended"
    assert rule.period_on(date(2026, 11, 9)).status == "suspended"
    assert rule.period_on(date(2026, 11, 10)).status == "unsettled"
    assert "us-bis-entity-list" in rule.lists and rule.threshold == 50


def test_every_shipped_rule_and_period_has_a_source():
    rules = load_default_ruleset().ownership_rules
    assert {"ofac-50-percent", "bis-affiliates-rule", "ndaa-889-affiliates"} <= set(rules)
    for rule in rules.values():
        assert rule.source_url.startswith("http") and rule.citation and rule.wording
        assert all(p.source_url.startswith("http") and p.citation for p in rule.periods)
    assert load_default_ruleset().ownership_rule_of("us-treasury-ns-cmic") is None


def test_shipped_shares_carry_their_source():
    ent = load_default_ruleset().entities["hikrobot"]
    (aff,) = ent.affiliations
    assert aff.share == 60 and "60%" in aff.share_source


def test_a_valid_rule_loads(tmp_path):
    assert _problems(tmp_path) == []


def test_an_unknown_status_is_a_problem_with_its_line(tmp_path):
    (p,) = _problems(tmp_path, status="paused")
    assert p.startswith(f"{tmp_path / 'r.toml'}:14: ") and "status 'paused' is not one of" in p


def test_overlapping_periods_are_a_problem(tmp_path):
    (p,) = _problems(tmp_path, second="2025-03-01")
    assert "periods overlap" in p


def test_a_threshold_outside_0_100_is_a_problem(tmp_path):
    (p,) = _problems(tmp_path, threshold="140")
    assert "'threshold' must be a number in 0-100" in p

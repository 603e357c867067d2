"""`bomscan explain NAME`: how a name normalises and why each candidate passes or fails."""

from __future__ import annotations

import json


def test_explain_shows_normal_form_and_passing_candidate(cli):
    r = cli("explain", "HANGZHOU HIKVISION DIGITAL TECH CO LTD")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "normalised:  hikvision digital technology" in out
    first = next(line for line in out.splitlines() if line.strip().startswith(("PASS", "fail")))
    assert first.strip().startswith("PASS") and "[hikvision]" in first


def test_explain_json_lists_failing_lookalike_with_reason(cli):
    r = cli("explain", "Sensata Technologies", "--format", "json")
    assert r.returncode == 0, r.stderr
    info = json.loads(r.stdout)
    assert info["name"] == "Sensata Technologies"
    assert info["threshold"] > info["review_threshold"]
    assert all(not c["passes"] for c in info["candidates"])
    assert all(c["score"] < info["threshold"] for c in info["candidates"])


def test_explain_chinese_bank_is_not_dahua(cli):
    info = json.loads(cli("explain", "大华银行", "--format", "json").stdout)
    assert not any(c["passes"] and c["entity_id"] == "dahua" for c in info["candidates"])
    ok = json.loads(cli("explain", "浙江大华技术股份有限公司", "--format", "json").stdout)
    assert ok["candidates"][0]["entity_id"] == "dahua" and ok["candidates"][0]["passes"]

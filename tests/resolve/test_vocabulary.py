"""The vocabulary files (bomscan/resolve/data/*.tsv): well-formed, reviewed, self-contained."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from bomscan.resolve import normalise
from bomscan.resolve import vocabulary as V
from bomscan.resolve.normalise import pre_tokens

COLUMNS = {
    "legal_forms.tsv": ["form", "normalised", "label", "use", "source"],
    "generic_words.tsv": ["word", "canonical", "weight", "source"],
    "regions.tsv": ["name", "canonical", "territory", "source"],
    "cn_places.tsv": ["name", "script", "source"],
}


@pytest.mark.parametrize("name", sorted(COLUMNS))
def test_each_file_has_its_columns_and_no_empty_cell(name: str) -> None:
    rows = V.read_table(name)
    assert rows
    for row in rows:
        assert list(row) == COLUMNS[name], row
        assert all(row[c] for c in COLUMNS[name] if c != "territory"), row


def _scripts(text: str) -> set[str]:
    return {unicodedata.name(c, "?").split()[0] for c in text if c.isalpha()}


def test_legal_form_rows_are_consistent() -> None:
    """The normalised column is what the normaliser makes of the form; each label is in the
    form's own script or in Latin (the generator once labelled 股份有限公司 in Amharic)."""
    for r in V.read_table("legal_forms.tsv"):
        assert r["normalised"] == " ".join(pre_tokens(r["form"])), r
        assert _scripts(r["label"]) <= _scripts(r["form"]) | {"LATIN"}, r
        assert set(r["use"].split()) <= {"phrase", "han-suffix"}, r
        assert r["source"] in ("rigour", "bomscan"), r
    labels = {r["form"]: r["label"] for r in V.read_table("legal_forms.tsv")}
    assert labels["股份有限公司"] == "JSC"


def test_generic_words_and_regions_are_consistent() -> None:
    for r in V.read_table("generic_words.tsv"):
        assert r["weight"] in ("ubiquitous", "business"), r
        assert r["canonical"] in V.GENERIC_CLASSES[r["canonical"]], r
    names = {r["name"] for r in V.read_table("regions.tsv")}
    for r in V.read_table("regions.tsv"):
        assert r["canonical"] in names, r
    for r in V.read_table("cn_places.tsv"):
        assert r["script"] == ("latin" if r["name"].isascii() else "han"), r


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Shenzhen Foo Keji Youxian Gongsi", "foo technology"),
        ("Hangzhou Hikvision Digital Technology Youxian Gongsi", "hikvision digital technology"),
        ("Zhejiang Dahua Jishu Gufen Youxian Gongsi", "dahua technology"),  # jishu: generic
        ("Foo Youxian Zeren Gongsi", "foo"),
        ("Foo Jituan Gufen Youxian Gongsi", "foo"),
        ("Foo Konggu Jituan", "foo holdings group"),
        ("杭州海康威视数字技术股份有限公司", "海康威视 digital technology"),
        ("华为技术有限责任公司", "华为 technology"),
        ("Foo Kabushiki Kaisha", "foo"),
    ],
)
def test_chinese_legal_forms_and_their_pinyin(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_the_package_reads_nothing_outside_itself() -> None:
    """No runtime path or docstring points at ../shared (a clone does not have it)."""
    pkg = Path(V.__file__).parent
    for f in [*pkg.glob("*.py"), *pkg.glob("data/*")]:
        assert "shared/" not in f.read_text(encoding="utf-8"), f
    notice = (pkg / "data" / "NOTICE").read_text(encoding="utf-8")
    assert "OpenSanctions Datenbanken GmbH" in notice and "MIT" in notice

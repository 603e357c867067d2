"""Chinese script bridges: the pinyin syllable file and pinyin compounds."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from bomscan.resolve.translit import is_pinyin_compound, pinyin_syllables
from bomscan.resolve.vocabulary import read_table

ROOT = Path(__file__).resolve().parents[2]


def test_the_syllable_file_is_what_its_generator_derives_from_pypinyin() -> None:
    """Exactly, under the pypinyin version that wrote the file; under another (the lowest
    supported one has a syllable or two fewer), nearly."""
    spec = importlib.util.spec_from_file_location("gen", ROOT / "scripts/gen_pinyin_syllables.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    derived = frozenset(gen.syllables())
    written = {r["source"] for r in read_table("pinyin_syllables.tsv")}
    if written == {gen.source()}:
        assert pinyin_syllables() == derived
    else:
        assert len(pinyin_syllables() ^ derived) <= 5, pinyin_syllables() ^ derived
    assert {"hua", "wei", "zhong", "xing", "lv"} <= pinyin_syllables()


@pytest.mark.parametrize(
    ("word", "compound"),
    [
        ("huawei", True),
        ("zhongxing", True),
        ("huafei", True),
        ("hua", False),  # one syllable: ordinary, not a compound
        ("hikvision", False),
        ("huawie", False),  # a typo breaks the syllables
        ("kaspersky", False),
    ],
)
def test_pinyin_compounds(word: str, compound: bool) -> None:
    assert is_pinyin_compound(word) is compound

"""Chinese script bridges: Traditional to Simplified characters, and Han text to pinyin.

Why: a supplier master may hold a listed company's registered name in Traditional characters
(華為技術) or as the full pinyin of its registered name ("Haikang Weishi Shuzi Jishu Gufen
Youxian Gongsi"), while the rules hold the Simplified name. Names are compared in Simplified
characters, and every Han alias is also indexed under the pinyin of its distinctive core, so a
pinyin legal name meets the Chinese alias it transliterates.

Both libraries are pure-Python wheels (opencc-python-reimplemented, pypinyin) and are imported
only when a name holds Han characters (Traditional) or when an index is built (pinyin): a
Latin-only run never loads them.
"""

from __future__ import annotations

from functools import cache, lru_cache


@cache
def _t2s():
    from opencc import OpenCC

    return OpenCC("t2s")


@lru_cache(maxsize=65536)
def simplified(text: str) -> str:
    """``text`` with Traditional Chinese characters in their Simplified form (others kept)."""
    return _t2s().convert(text)


def pinyin(han: str) -> str:
    """The toneless pinyin of a Han string, syllables joined ("海康威视" -> "haikangweishi"),
    as a pinyin legal name writes the word once its spaces are closed up."""
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(han, errors="ignore")).casefold()


@cache
def pinyin_syllables() -> frozenset[str]:
    """Every toneless pinyin syllable ("hua", "wei", "zhong"): a name that is one syllable is
    a common Chinese name part, never specific to one company. Read from
    ``data/pinyin_syllables.tsv`` (written from pypinyin by scripts/gen_pinyin_syllables.py)."""
    from .vocabulary import read_table

    return frozenset(r["syllable"] for r in read_table("pinyin_syllables.tsv"))


# the vowels of toneless pinyin (ü written v)
VOWELS = frozenset("aeiouvê")


@cache
def _voiced_syllables() -> frozenset[str]:
    """The syllables with a vowel: the table's interjection readings ("m", "n", "ng", "hm")
    would let almost any word split into syllables."""
    return frozenset(s for s in pinyin_syllables() if not VOWELS.isdisjoint(s))


@lru_cache(maxsize=65536)
def is_pinyin_compound(word: str) -> bool:
    """Whether ``word`` splits wholly into two or three toneless pinyin syllables ("huawei",
    "huacheng", "zhongxing"): such a word spelt from a Chinese name is shared by many names
    (``contain._pinyin_cores``), and a consonant away from one is usually another Chinese
    name, not a typo (``score.two_names``)."""
    syllables = _voiced_syllables()
    n = len(word)
    # ends[i]: the fewest syllables spelling word[:i] (0 for the empty prefix)
    ends: list[int | None] = [0] + [None] * n
    for i in range(n):
        if ends[i] is None:
            continue
        for j in range(i + 1, min(n, i + 6) + 1):
            if word[i:j] in syllables and (ends[j] is None or ends[j] > ends[i] + 1):
                ends[j] = ends[i] + 1
    return ends[n] is not None and 2 <= ends[n] <= 3

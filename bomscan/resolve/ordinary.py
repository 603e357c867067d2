"""Ordinary words: a listed name made of them says little on its own.

"Pacific", "Sense", "Mobile" or a single Chinese syllable ("Hua") name countless unrelated
companies; "Hikvision", "Huawei" or "Megvii" name one. The resolver asks this when a name
*contains* a listed name, or shares with it only one word: an ordinary word there is at most a
possible match to review, never a finding by itself.

A token is ordinary when it is an English word (Webster's Second International, 1934, public
domain, as shipped by the ``english-words`` package) or a toneless pinyin syllable. A whole
alias is ordinary when the rules call it weak (``weak_aliases``: words many vendors share) or
every one of its distinctive tokens is ordinary. The word list is loaded only while an index
is built (the built index keeps the answers), never on a cached run.
"""

from __future__ import annotations

from functools import cache

from .translit import pinyin_syllables


@cache
def english_words() -> frozenset[str]:
    from english_words import get_english_words_set

    return frozenset(get_english_words_set(["web2"], lower=True, alpha=True))


def is_ordinary(token: str) -> bool:
    """An English word or one pinyin syllable (Han tokens: never; they are compared whole)."""
    if not token.isascii() or not token.isalpha():
        return False
    return token in english_words() or token in pinyin_syllables()

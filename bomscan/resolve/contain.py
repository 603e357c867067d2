"""Containment: a name that holds a listed name whole, and what it adds.

The fuzzy score (``score.py``) is symmetric: every word a name adds pulls it down, whatever
the word, so "<Listed> Technologies Düsseldorf GmbH" or "<Listed> Device Co., Ltd." fall below
the finding threshold. Screening asks an asymmetric question: does the name contain a listed
name, and is what it adds a place, a legal form, a qualifier or a line of business?

A name *contains* an alias when the alias's distinctive core (its distinctive tokens, numbers
aside, joined) equals a run of consecutive distinctive tokens of the name, joined ("Hik
Vision" holds "Hikvision"), or, for a Han core, the start of one of the name's Han tokens
(华为终端 holds 华为; the rest of a Han token cannot be read as words, so it counts as
other words, and a two-character core found inside a longer Han word is ordinary: Chinese
writes no spaces, and two-character words and shop names are legion). Legal forms, regions and Chinese registration places are already gone from both
(the normaliser removes them). What the name adds is then sorted into qualifiers (world cities,
``data/world_places.tsv``; generic words: ubiquitous ones, or those the entity's own aliases
use) and other words. The score:

* a **specific** core (a coined or rare word: Hikvision, Huawei, ZTE) is a finding either way,
  ``SPECIFIC_QUALIFIED`` with qualifiers only, ``SPECIFIC_WITH_WORDS`` with other words (the
  reason names them, for the reviewer);
* an **ordinary** core, or a core followed by a street word ("Kaspersky Street Bakery" names a
  street), or one pieced together from more words than it has (below) (``ordinary.py``: the core of a weak alias, English words and pinyin
  syllables only, or a Han core whose pinyin is such a core: Dahua and 大华, Pacific, Sense;
  a property of the core, whichever alias has it) is a finding with qualifiers only (``ORDINARY_QUALIFIED``) and a
  possible match with other words or a line of business the entity does not use
  (``ORDINARY_WITH_WORDS``): DAHUA ELECTRONICS CORPORATION is a different company.

Cores shorter than ``MIN_CORE`` characters (two for Han) are never looked for, and a core of
exactly ``MIN_CORE`` characters only at the start of a name ("ZTE Kangxun Telecom"), so a
three-letter name inside a longer one is not taken for it.

Three refinements, each a property of the rules, not of a name:

* joined ordinary words are ordinary unless the rules also write them as one coined word
  ("Sense Time" is SenseTime written apart);
* a pinyin spelling of a Chinese alias (the resolver adds them) that is a compound of two or
  three syllables is ordinary unless the rules write it in Latin too: "guotou" spells 国投
  and many other names;
* a two-character Han core whose pinyin the rules list as a name on its own (华为: "Huawei")
  is read inside a longer Han word as that name, not as two characters that meet;

and a Latin word may be a listed name run together with the start of a generic word or
legal form ("HuaweiTe", "HyteraCo": the short names of a registry), read as the name.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import cache

from .normalise import Parsed, is_han
from .ordinary import is_ordinary
from .postings import Postings
from .vocabulary import UBIQUITOUS_GENERIC, world_places

SPECIFIC_QUALIFIED = 0.95
SPECIFIC_WITH_WORDS = 0.92
ORDINARY_QUALIFIED = 0.90
ORDINARY_WITH_WORDS = 0.80
MIN_CORE = 3
_MAX_RUN = 6  # tokens: longer cores are full names, found by the fuzzy score


@dataclass(frozen=True, slots=True)
class Hit:
    """The best alias a name contains: its index, score, and what the name adds."""

    alias: int
    score: float
    core: str
    places: tuple[str, ...]  # cities the name adds
    words: tuple[str, ...]  # other words it adds (lines of business among them)
    ordinary: bool

    def reason(self, alias: str) -> str:
        kind = "the ordinary name" if self.ordinary else "the whole listed name"
        out = f"contains {kind} '{self.core}' of alias '{alias}'"
        if self.places:
            out += "; adds place " + ", ".join(f"'{p}'" for p in self.places)
        if self.words:
            out += "; adds other words " + ", ".join(f"'{w}'" for w in self.words)
        elif not self.places:
            out += "; adds only legal forms, regions or generic words"
        if self.ordinary and self.words:
            out += " (an ordinary name with other words: review, not a finding)"
        return out


class Containment:
    """The cores of a resolver's aliases, looked up in every run of a name's tokens."""

    def __init__(
        self,
        entity_ids: list[str],
        parsed: Sequence[Parsed],
        weak: list[bool],
        ordinary: Callable[[str], bool] = is_ordinary,
        spelt: Collection[int] = (),
    ):
        by_core: list[tuple[int, tuple[str, ...]]] = []
        self._ordinary: set[str] = set()  # ordinary cores
        self._words = array("i", [len(p.distinctive) for p in parsed])
        generic: dict[str, set[str]] = {}
        alone: set[str] = set()  # cores some alias (not a pinyin spelling) is on its own
        written: set[str] = set()  # cores of aliases the rules write (not pinyin spellings)
        words: set[str] = set()  # cores made of ordinary words ("Sense Time")
        coined: set[str] = set()  # one-word cores that are no ordinary word ("SenseTime")
        for i, p in enumerate(parsed):
            generic.setdefault(entity_ids[i], set()).update(p.generic)
            core = p.distinctive
            if not core or len(core) > _MAX_RUN:
                continue
            key = "".join(core)
            if weak[i]:
                self._ordinary.add(key)
            elif all(map(ordinary, core)):
                words.add(key)
            elif len(core) == 1:
                coined.add(key)
            # a weak alias matches only when equal (the rules say so): never contained
            if not weak[i] and len(key) >= (2 if is_han(key) else MIN_CORE):
                by_core.append((i, (key,)))
                if i not in spelt:
                    written.add(key)
                    if len(core) == 1 and p.tokens == core:
                        alone.add(key)
        self._by_core = Postings.from_runs(by_core)
        # ordinary words joined are ordinary, unless the rules also write them as one coined
        # word: "Sense Time" is SenseTime's name written apart, not two ordinary words
        self._ordinary |= words - coined
        self._ordinary |= _ordinary_han(self._by_core, self._ordinary)
        # a pinyin spelling of a Chinese alias that the rules never write in Latin is
        # ordinary (_pinyin_cores); a two-character Han core whose pinyin the rules list as a
        # name on its own is read inside a longer Han word as that name (华为 in 华为云计算)
        self._ordinary |= _pinyin_cores(self._by_core, self._ordinary | written)
        self._han_alone = _han_spelling(self._by_core, alone - self._ordinary)
        # per alias, the generic words of every name of its entity
        of_entity = {e: frozenset(g) for e, g in generic.items()}
        self._generic: list[frozenset[str]] = [of_entity[e] for e in entity_ids]

    def postings(self) -> Postings:
        """The cores' index (the resolver builds a loaded one's dict before a large batch)."""
        return self._by_core

    def keys(self) -> frozenset[str]:
        """Every core a name may contain (the name gate lets names holding one through)."""
        return frozenset(self._by_core)

    def best(self, q: Parsed) -> list[Hit]:
        """The highest-scoring aliases ``q`` contains, in rule order (empty: none)."""
        best: list[Hit] = []
        for key, rest, start, pieces, cut in _runs(list(q.distinctive), self._by_core.__contains__):
            if key not in self._by_core or (len(key) == MIN_CORE and not start):
                continue
            if pieces == 2 and key in self._han_alone:
                pieces = 1  # 华为 cut from 华为云计算技术: Huawei, not two characters
            street = _names_a_street(rest, q.distinctive, key)
            for i in self._by_core[key]:
                hit = self._hit(q, i, key, rest, street or pieces > self._words[i], cut)
                if not best or hit.score > best[0].score:
                    best = [hit]
                elif hit.score == best[0].score:
                    best.append(hit)
        return sorted(best, key=lambda h: h.alias)

    def _hit(
        self, q: Parsed, i: int, core: str, rest: list[str], joined: bool, cut: str = ""
    ) -> Hit:
        places, words = _sort_out(rest)
        if cut:  # the word cut short after a run-together name: a word, never a place
            words.append(cut)
        ordinary = core in self._ordinary or joined
        business = sorted(q.generic - self._generic[i] - UBIQUITOUS_GENERIC)
        if ordinary:
            other = words + business
            score = ORDINARY_WITH_WORDS if other else ORDINARY_QUALIFIED
            return Hit(i, score, core, tuple(places), tuple(other), True)
        score = SPECIFIC_WITH_WORDS if words else SPECIFIC_QUALIFIED
        return Hit(i, score, core, tuple(places), tuple(words), False)


def _pinyin_cores(by_core: Postings, skip: set[str]) -> frozenset[str]:
    """The Latin cores not in ``skip`` (those already ordinary, and those the rules write in
    Latin: Huawei) that are pinyin compounds of two or three syllables (Guotou, Yingshi). Spelt
    from a two- or three-character Chinese name, such a word names many companies (国投 and
    果投; 萤石 and 影视 are all "guotou", "yingshi")."""
    from .translit import is_pinyin_compound

    return frozenset(k for k in by_core if k.isascii() and k not in skip and is_pinyin_compound(k))


def _han_spelling(by_core: Postings, alone: set[str]) -> frozenset[str]:
    """The two-character Han cores whose pinyin is a specific name listed on its own (华为:
    "Huawei"): found inside a longer Han word, such a core is that name, not two characters
    that happen to meet (大华 in 大华银行)."""
    han = [k for k in by_core if len(k) == 2 and is_han(k)]
    if not han or not alone:
        return frozenset()
    from .translit import pinyin

    return frozenset(k for k in han if pinyin(k) in alone)


def _ordinary_han(by_core: Postings, ordinary: set[str]) -> set[str]:
    """The Han cores whose pinyin is an ordinary core (大华: "dahua", a weak alias)."""
    han = [k for k in by_core if is_han(k)]
    if not han:
        return set()
    from .translit import pinyin

    return {k for k in han if pinyin(k) in ordinary}


# a listed name followed by one of these names a street, not the company ("Kaspersky Street
# Bakery"): grammar of addresses, like the normaliser's connectors
STREET_WORDS = frozenset(
    "street st road rd avenue ave lane boulevard blvd square plaza drive highway".split()
)


def _runs(qd: list[str], listed: Callable[[str], bool]):
    """(joined run, the tokens outside it, whether it starts the name, how many pieces it was
    put together from, the word cut short after it) for every run of consecutive tokens and
    every leading part of a Han token (two characters or more). A run of several tokens matching a core written as fewer words
    ("Hua Wei" for "Huawei"), or two Han characters cut from a longer Han word (大华 of 大华银行:
    Chinese writes no spaces, and two-character words and shop names are legion), is pieced
    together (more pieces than the alias has words): such a hit is only as strong as an
    ordinary name's. A Latin token that is not itself ``listed`` may also be a listed name run
    together with a word cut short (``run_together_heads``), the cut word then added."""
    n = len(qd)
    for a in range(n):
        for b in range(a + 1, min(n, a + _MAX_RUN) + 1):
            yield "".join(qd[a:b]), qd[:a] + qd[b:], a == 0, b - a, ""
        t = qd[a]
        if is_han(t):
            for k in range(2, len(t)):  # a two-character cut counts as pieced (see above)
                yield t[:k], [*qd[:a], t[k:], *qd[a + 1 :]], a == 0, 2 if k == 2 else 1, ""
        elif not listed(t):  # "HuaweiTe": the name, then a word cut short (a word added);
            # a listed token is that name ("Huaweinet" is not Huawei plus "net")
            for head in run_together_heads(t):
                yield head, qd[:a] + qd[a + 1 :], a == 0, 1, t[len(head) :]


# A Latin token may be a listed name run together with the start of a generic word or legal
# form, as fixed-width fields write vendors ("HuaweiTe", "HyteraCo", "NubiaTec": the IEEE
# registry's short names): a head of MIN_HEAD+ letters, a tail of 2 to MAX_TAIL.
MIN_HEAD, MAX_TAIL = 4, 6


def run_together_heads(token: str) -> list[str]:
    """The heads of ``token`` that leave, as its tail, the start of a generic word or legal
    form (two to MAX_TAIL letters): "huaweite" -> ["huawei"]. The name gate asks the same."""
    if len(token) < MIN_HEAD + 2 or not token.isascii():
        return []
    cut_short = cut_short_starts()
    return [
        token[:-k]
        for k in range(2, min(MAX_TAIL, len(token) - MIN_HEAD) + 1)
        if token[-k:] in cut_short
    ]


@cache
def cut_short_starts() -> frozenset[str]:
    """Every start (two to MAX_TAIL letters) of a one-word Latin generic word or legal form."""
    from .normalise import GENERIC, LEGAL

    words = [w for w in (*GENERIC, *LEGAL) if w.isascii() and w.isalpha()]
    return frozenset(w[:k] for w in words for k in range(2, min(MAX_TAIL, len(w)) + 1))


def _sort_out(rest: list[str]) -> tuple[list[str], list[str]]:
    """The added tokens as (places, other words); a place may be two or three tokens."""
    places: list[str] = []
    words: list[str] = []
    known = world_places() if rest else frozenset()
    i = 0
    while i < len(rest):
        for m in (3, 2, 1):
            phrase = " ".join(rest[i : i + m])
            if len(rest) - i >= m and phrase in known:
                places.append(phrase)
                i += m
                break
        else:
            words.append(rest[i])
            i += 1
    return places, words


def _names_a_street(rest: list[str], tokens: tuple[str, ...], core: str) -> bool:
    """Whether the word after the contained core is a street word (see STREET_WORDS)."""
    if not rest:
        return False
    joined = "".join(tokens)
    at = joined.find(core)
    after = joined[at + len(core) :]
    return any(after.startswith(w) for w in STREET_WORDS if w in rest)

"""A cheap, sound screen in front of the resolver: which names cannot reach any alias at all.

Why: a spend ledger names tens of thousands of vendors, and almost none of them shares a word
with a rule set of a few hundred aliases. Parsing each one fully (legal forms, places, number
words, two passes to a fixed point: 25-40 us a name) only to find no candidate was the largest
fixed cost of a large ledger report. This screen looks at a name's raw words instead (about
2 us) and lets through every name that *could* get a candidate; the resolver sees only those.

Why it is sound (never drops a name the resolver would match): the resolver finds a name's
aliases only through its exact key, its normalised form, or an index key built from the
name's distinctive tokens (tokens, merges of adjacent tokens, the whole distinctive string,
its one-deletion variants, that string plus removed legal forms; see ``resolver._parsed_keys``).
Each of those contains a whole distinctive token, except the one-deletion variants of a
one-token string, which are that token less one character. For an ASCII name a distinctive
token is one of its raw words as ``pre_tokens`` splits them, unless the word is changed on the
way, which only these words can be, and they always let the name through:

* number words and ordinals ("forty", "1st"), turned into digits;
* words that start a country/region or place phrase, which may come back in canonical form
  (or be kept after "of": "Bank of China");

and only these words are never distinctive, so they are not looked at (``_NEVER``): legal
forms (dropped, unless nothing else is left) and generic words (never distinctive), when no
region or place phrase starts with them. A name made of nothing else is let through (the
safety net that restores legal forms, and exact or normalised matches of such names).
So a name passes when it is not ASCII, or when one of its words is such a changeable word, or
is a substring of an alias key (or, less one character, equal to one). Fuzzy-generic words
("Techology") stay in the test as plain words: being demoted only removes them.

The screen is built from the resolver's own keys; for a list the size of the Consolidated
Screening List the substring table would be large and most words would pass anyway, so it is
only built for small rule sets (``MAX_KEY_CHARS``). tests/test_name_gate.py checks soundness on
the labelled set, every alias and thousands of perturbations of them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import polars as pl

from . import _tables as T
from .normalise import CN_PLACES, GENERIC, LEGAL, REGIONS, _clean, _tokens_of, pre_tokens

MAX_KEY_CHARS = 200_000  # total characters of alias keys up to which the screen is built

_ORDINAL = re.compile(r"^\d+(?:st|nd|rd|th)$")
_BRACKETS = re.compile(r"[()\[\]{}]")


def _word_kinds() -> tuple[frozenset[str], frozenset[str], dict[str, list[tuple[str, ...]]]]:
    """(words never distinctive, words that always may come back changed, the rest of each
    multi-word region/place phrase by its first word): see the module text."""
    starts_changed: set[str] = set()
    rest: dict[str, list[tuple[str, ...]]] = {}
    for phrase in (*REGIONS, *CN_PLACES):
        words = phrase.split()
        if words:
            starts_changed.add(words[0])
            rest.setdefault(words[0], []).append(tuple(words[1:]))
    changed = set(T.NUMBER_WORDS) | set(T.TENS_WORDS) | set(T.ORDINAL_WORDS)
    changed |= {w for w, tails in rest.items() if () in tails}  # a region/place on its own
    never = {w for w in (*LEGAL, *GENERIC) if " " not in w and w not in starts_changed}
    never |= {w for w in T.CONNECTORS if w not in starts_changed}
    multi = {w: tails for w, tails in rest.items() if w not in changed}
    return frozenset(never), frozenset(changed), multi


_NEVER, _CHANGED, _PHRASE_TAILS = _word_kinds()
_TAIL_STARTS = frozenset(_PHRASE_TAILS)


def _in_order(tail: tuple[str, ...], words: list[str], start: int) -> bool:
    """Whether ``tail``'s words all occur after ``start``, in order (not necessarily next to
    each other: words between them may be dropped before a later pass sees the phrase)."""
    j = start
    for t in tail:
        try:
            j = words.index(t, j) + 1
        except ValueError:
            return False
    return True


class NameGate:
    """``passes(name)``: False only for a name no alias of ``resolver`` can be found through."""

    def __init__(self, resolver) -> None:
        self.enabled = False
        if not getattr(resolver, "indexed", False):
            return  # unindexed: every alias is a candidate of every name
        keys = {
            *getattr(resolver, "_index", {}),
            *getattr(resolver, "_exact", {}),
            *getattr(resolver, "_norm", {}),
        }
        if sum(map(len, keys)) > MAX_KEY_CHARS:
            return
        subs: set[str] = set()
        for k in keys:
            n = len(k)
            for i in range(n):
                for j in range(i + 1, n + 1):
                    subs.add(k[i:j])
        self._subs = frozenset(subs)
        self._subs_series = pl.Series(sorted(subs), dtype=pl.String)
        self._del_lengths = pl.Series(sorted({len(k) + 1 for k in keys}), dtype=pl.UInt32)
        alphabet = sorted({c for k in keys for c in k})
        self._foreign_re = "[^" + "".join(re.escape(c) for c in alphabet) + "]" if alphabet else "."
        self._keys_by_len: dict[int, frozenset[str]] = {}
        for k in keys:
            self._keys_by_len.setdefault(len(k), set()).add(k)  # type: ignore[arg-type]
        self._verdict: dict[str, bool] = {}
        self.enabled = True

    def _word_may_hit(self, w: str) -> bool:
        v = self._verdict.get(w)
        if v is None:
            if w in _NEVER:
                v = False
            elif w in self._subs or w in _CHANGED or (w[0].isdigit() and _ORDINAL.match(w)):
                v = True
            else:  # one character less, equal to a key (only keys of that length can be)
                keys = self._keys_by_len.get(len(w) - 1)
                v = keys is not None and any(w[:i] + w[i + 1 :] in keys for i in range(len(w)))
            self._verdict[w] = v
        return v

    def passes(self, name: str) -> bool:
        if not self.enabled or not name.isascii():
            return True
        words = pre_tokens(name)
        if _BRACKETS.search(name):  # the tagger splits at brackets first: its words too
            words = words + [w for part in _BRACKETS.split(_clean(name)) for w in _tokens_of(part)]
        if any(map(self._word_may_hit, words)):
            return True
        if not _TAIL_STARTS.isdisjoint(words):
            for i, w in enumerate(words):  # "united ... states": a region that may form later
                tails = _PHRASE_TAILS.get(w)
                if tails is not None and any(_in_order(t, words, i + 1) for t in tails):
                    return True
        # nothing but legal forms, generic words and connectors (or no word at all): the
        # safety net keeps them, and exact/normalised keys may be made of them
        return all(w in _NEVER for w in words)

    def screen(self, names: Sequence[str]) -> list[str]:
        """The names that pass, in order."""
        if not self.enabled:
            return list(names)
        series = pl.Series("name", list(names), dtype=pl.String)
        return series.filter(self.mask(series)).to_list()

    def mask(self, names: pl.Series) -> pl.Series:
        """``passes`` for a column of names (no nulls), mostly in polars: a ledger's vendors are
        split into words natively, each distinct word is judged once, and only names whose
        words need the tokeniser's special cases (apostrophes, ``&``, dotted initialisms, a
        word that may start a region or place phrase) go through ``passes`` one by one."""
        n = names.len()
        if not self.enabled or n == 0:
            return pl.Series("pass", [True] * n, dtype=pl.Boolean)
        frame = pl.DataFrame({"name": names}).with_row_index("_i")
        frame = frame.with_columns(
            (~pl.col("name").str.contains(r"^[\x00-\x7f]*$")).alias("_wide"),
            pl.col("name").str.contains(r"['`&]|(?:^|[^A-Za-z])(?:[A-Za-z]\.){2,}").alias("_odd"),
        )
        words = (
            frame.select(
                "_i",
                pl.col("name")
                .str.to_lowercase()
                .str.replace_all(r"[^a-z0-9]+", " ")
                .str.strip_chars()
                .str.split(" ")
                .alias("w"),
            )
            .explode("w")
            .filter(pl.col("w") != "")
        )
        # each distinct word judged as _word_may_hit does, natively where it can: only a word
        # that could be a key plus one character (the key's characters, its length + 1) is
        # checked deletion by deletion in Python
        w = pl.col("w")
        judged = (
            words.select(w.unique())
            .with_columns(
                w.is_in(pl.Series(list(_NEVER), dtype=pl.String).implode()).alias("_never"),
                w.is_in(pl.Series(list(_PHRASE_TAILS), dtype=pl.String).implode()).alias("_tail"),
                (
                    w.is_in(pl.Series(list(_CHANGED), dtype=pl.String).implode())
                    | w.str.contains(_ORDINAL.pattern)
                    | w.is_in(self._subs_series.implode())
                ).alias("_sure_hit"),
                (
                    w.str.len_chars().is_in(self._del_lengths.implode())
                    & (w.str.count_matches(self._foreign_re) < 2)
                ).alias("_maybe"),
            )
            .with_columns(pl.col("_sure_hit") & ~pl.col("_never"))
        )
        check = judged.filter(~pl.col("_never") & ~pl.col("_sure_hit") & pl.col("_maybe"))["w"]
        late = {x for x in check.to_list() if self._word_may_hit(x)}
        judged = judged.select(
            "w",
            "_never",
            "_tail",
            (pl.col("_sure_hit") | w.is_in(pl.Series(list(late), dtype=pl.String).implode())).alias(
                "_hit"
            ),
        )
        per_name = (
            words.join(judged, on="w", how="left")
            .group_by("_i")
            .agg(pl.col("_hit").any(), pl.col("_never").all(), pl.col("_tail").any())
        )
        frame = frame.join(per_name, on="_i", how="left", maintain_order="left").with_columns(
            pl.col("_hit").fill_null(False),
            pl.col("_never").fill_null(True),  # no word at all
            pl.col("_tail").fill_null(False),
        )
        sure = pl.col("_wide") | (~pl.col("_odd") & (pl.col("_hit") | pl.col("_never")))
        unsure = ~sure & (pl.col("_odd") | pl.col("_tail"))
        frame = frame.with_columns(sure.alias("_sure"), unsure.alias("_unsure"))
        out = frame["_sure"].to_list()
        for i, name in frame.filter(pl.col("_unsure")).select("_i", "name").iter_rows():
            out[i] = self.passes(name)
        return pl.Series("pass", out, dtype=pl.Boolean)

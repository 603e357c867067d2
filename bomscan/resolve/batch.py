"""Vectorised pair scoring (issue 19): the fuzzy scores of many (name, alias) pairs at once.

Why: at list scale the resolver scores tens of thousands of shortlisted pairs, and scoring them
one at a time in Python (``score.score_prepared``, about 10 us a pair plus the objects each
builds) was the largest part of matching 20,000 names against a CSL-sized rule set. Here the
pairs of one batch are arrays: each side's words are numbered in a vocabulary built once per
batch, the word similarities (``score.tok_sim``) are computed once per distinct pair of
words, and the penalties once per distinct pair of generic-word, region or number sets; the
rest (the length bound, the anchor, the greedy one-to-one alignment of the Dice coefficient,
the caps) are numpy operations over all pairs.

It covers the common shape: both sides in one script (not bilingual), the same number of
distinctive words on each side (so no adjacent words are joined, ``score._merge``) and at
most ``MAX_WORDS`` of them. ``eligible`` says which pairs; the others are scored by
``score_prepared`` one at a time. Each step is written as the same floating-point operations
in the same order as ``score_prepared``, so the scores are equal bit for bit;
tests/resolve/test_resolve_vectorised.py checks them pair for pair on generated names.

This is an override of the plain path (each pair through ``score_prepared``, see
``Resolver._score_shortlist``), and can be deleted together with that test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from .normalise import Parsed
from .score import (
    NO_ANCHOR_CAP,
    NUMBER_CONFLICT,
    NUMBER_ONESIDED,
    OUTSIDE_BUDGET,
    REGION_CONFLICT,
    TYPO_WEIGHT,
    generic_terms,
    is_anchor,
    tok_sim,
)

MAX_WORDS = 4
_UNITS = 2 * MAX_WORDS  # words, adjacent pairs and the whole string: at most 2k of them


class Vocab:
    """Numbers for strings (words, anchor units, normal forms) and for sets of words. The
    aliases' are built with the index and kept with it; a batch's names number theirs on top
    (``for_batch``), so the index's numbering never grows."""

    def __init__(self) -> None:
        self.words: list[str] = []
        self.sets: list[frozenset[str]] = []
        self._ids: dict[str, int] | None = {}
        self._set_ids: dict[frozenset[str], int] = {}

    def __getstate__(self) -> dict:
        return {"words": self.words, "sets": self.sets}  # the dicts are rebuilt when needed

    def __setstate__(self, state: dict) -> None:
        self.words, self.sets = state["words"], state["sets"]
        self._ids = None
        self._set_ids = {s: n for n, s in enumerate(self.sets)}

    def _numbers(self) -> dict[str, int]:
        if self._ids is None:
            self._ids = dict(zip(self.words, range(len(self.words)), strict=True))
        return self._ids

    def word(self, t: str) -> int:
        ids = self._numbers()
        n = ids.get(t)
        if n is None:
            n = ids[t] = len(self.words)
            self.words.append(t)
        return n

    def set_id(self, s: frozenset[str]) -> int:
        n = self._set_ids.get(s)
        if n is None:
            n = self._set_ids[s] = len(self.sets)
            self.sets.append(s)
        return n

    def for_batch(self) -> Vocab:
        """A numbering that starts as this one and takes a batch's new strings and sets
        without adding them here."""
        out = Vocab()
        out.words, out.sets = list(self.words), list(self.sets)
        out._ids = _Overlay(self._numbers())
        out._set_ids = dict(self._set_ids)
        return out


class _Overlay(dict):
    """A dict that answers from ``base`` first (read-only), new keys kept here."""

    def __init__(self, base: dict) -> None:
        super().__init__()
        self._base = base

    def get(self, key, default=None):
        n = self._base.get(key)
        return n if n is not None else super().get(key, default)


class Sides:
    """One side's scoring data for many parsed names, as arrays (row = item): the number of
    distinctive words (0: a shape ``score_pairs`` does not cover), their numbers, weights and
    weight sum, the anchor units' numbers, the generic-word, region and number sets' numbers,
    the normal form's number, the joined words and legal forms. ``prepared``: the items'
    ``score.prepare`` tuples; ``pad``: the number of an empty slot (each side its own, so
    empty slots never meet)."""

    def __init__(self, items: Iterable[tuple[Parsed, tuple]], vocab: Vocab, pad: int):
        num, sid = vocab.word, vocab.set_id
        # one pass into flat lists (no object per item: the prepared tuples die young)
        flat: list[int] = []
        toks: list[int] = []
        units: list[int] = []
        weights: list[float] = []
        total: list[float] = []
        self.compact: list[str] = []
        self.legal: list[str] = []
        for p, (d, wsum, joined, us, _, legal, ws, _) in items:
            ok = 0 < len(d) <= MAX_WORDS and p.script != "mixed"
            if not ok:
                d, us, ws = (), (), ()
            flat += (len(d), sid(p.generic), sid(p.regions), sid(p.numbers), num(p.norm))
            toks += [num(t) for t in d]
            toks += [pad] * (MAX_WORDS - len(d))
            units += [num(u) for u in us]
            units += [pad] * (_UNITS - len(us))
            weights += ws
            weights += [0.0] * (MAX_WORDS - len(ws))
            total.append(wsum)
            self.compact.append(joined)
            self.legal.append(legal)
        n = len(total)
        cols = np.array(flat, dtype=np.int64).reshape(n, 5)
        self.k, self.generic, self.regions, self.numbers, self.norm = cols.T.copy()
        self.toks = np.array(toks, dtype=np.int64).reshape(n, MAX_WORDS)
        self.units = np.array(units, dtype=np.int64).reshape(n, _UNITS)
        self.weights = np.array(weights, dtype=np.float64).reshape(n, MAX_WORDS)
        self.total = np.array(total, dtype=np.float64)
        self.length = np.array([len(c) for c in self.compact], dtype=np.int64)


def eligible(q: Sides, a: Sides, qi: np.ndarray, ai: np.ndarray) -> np.ndarray:
    """The pairs ``score_pairs`` scores: as many words on both sides, one script each."""
    k = q.k[qi]
    return (k > 0) & (k == a.k[ai])


def _per_distinct(x: np.ndarray, y: np.ndarray, fn: Callable[[int, int], float]) -> np.ndarray:
    """``fn(x[n], y[n])`` for every n (non-negative numbers), computed once per distinct
    pair."""
    if not len(x):
        return np.zeros(0, dtype=np.float64)
    width = int(y.max()) + 1
    keys, inverse = np.unique(x * width + y, return_inverse=True)
    vals = np.array([fn(*divmod(k, width)) for k in keys.tolist()], dtype=np.float64)
    return vals[inverse.reshape(-1)]


def _penalties(q: Sides, a: Sides, qi, ai, sets: list[frozenset]) -> tuple[np.ndarray, ...]:
    """(``score._pen_value`` of each pair, whether the regions conflict): the same additions
    in the same order (0.0 for a term the plain path skips: adding it changes nothing)."""
    gq, ga = q.generic[qi], a.generic[ai]
    g1 = _per_distinct(gq, ga, lambda u, v: generic_terms(sets[u], sets[v])[0])
    g2 = _per_distinct(gq, ga, lambda u, v: generic_terms(sets[u], sets[v])[1])
    clash = _per_distinct(
        q.regions[qi],
        a.regions[ai],
        lambda u, v: float(bool(sets[u] and sets[v] and not (sets[u] & sets[v]))),
    ).astype(bool)
    nq, na = q.numbers[qi], a.numbers[ai]
    empty = sets.index(frozenset()) if frozenset() in sets else -1  # the empty set's number
    both = (nq != empty) & (na != empty)
    num = np.where(nq != na, np.where(both, NUMBER_CONFLICT, NUMBER_ONESIDED), 0.0)
    pen = g1 + g2
    pen = pen + np.where(clash, REGION_CONFLICT, 0.0)
    return pen + num, clash


def _similarities(qt: np.ndarray, at: np.ndarray, words: list[str]) -> np.ndarray:
    """Per pair, the k x k matrix of ``tok_sim`` of its words (-1.0 where a side has no word
    there), each distinct pair of distinct words computed once."""
    n = len(qt)
    x = np.broadcast_to(qt[:, :, None], (n, MAX_WORDS, MAX_WORDS))
    y = np.broadcast_to(at[:, None, :], (n, MAX_WORDS, MAX_WORDS))
    sims = np.where((x >= 0) & (y >= 0), 0.0, -1.0)
    sims[x == y] = 1.0
    todo = (x != y) & (sims == 0.0)
    sims[todo] = _per_distinct(x[todo], y[todo], lambda u, v: tok_sim(words[u], words[v]))
    return sims


def _dice(sims: np.ndarray, qw: np.ndarray, aw: np.ndarray, total: np.ndarray) -> np.ndarray:
    """``score._dice_value`` of each pair: the greedy one-to-one alignment by descending
    similarity (ties to the later word of the name, then of the alias, as sorting the
    (similarity, i, j) triples in reverse has it), each aligned pair adding
    ``s * (w_i + w_j)`` in that order."""
    n = len(sims)
    flat = sims.reshape(n, MAX_WORDS * MAX_WORDS).copy()
    matched = np.zeros(n, dtype=np.float64)
    rows = np.arange(n)
    last = MAX_WORDS * MAX_WORDS - 1
    for _ in range(MAX_WORDS):
        pick = last - np.argmax(flat[:, ::-1], axis=1)
        s = flat[rows, pick]
        take = s > 0
        if not take.any():
            break
        i, j = np.divmod(pick, MAX_WORDS)
        matched += np.where(take, s * (qw[rows, i] + aw[rows, j]), 0.0)
        used = flat.reshape(n, MAX_WORDS, MAX_WORDS)
        used[rows[take], i[take], :] = -1.0
        used[rows[take], :, j[take]] = -1.0
    return matched / total


def score_pairs(
    q: Sides, a: Sides, qi: np.ndarray, ai: np.ndarray, floor: float, vocab: Vocab
) -> np.ndarray:
    """``score_prepared(q, qp, a, ap, floor)`` of the eligible pairs (``eligible``): name row
    ``qi[n]`` against alias row ``ai[n]``."""
    words = vocab.words
    pen, clash = _penalties(q, a, qi, ai, vocab.sets)
    wq, wa = q.total[qi], a.total[ai]
    lq, la = q.length[qi], a.length[ai]
    cq = [q.compact[r] for r in qi.tolist()]
    ca = [a.compact[r] for r in ai.tolist()]
    gone = np.zeros(len(qi), dtype=bool)
    if floor > 0.0:
        bound = np.minimum(1.0, 2.0 * np.minimum(wq, wa) / (wq + wa) + 0.05)
        gap = np.abs(lq - la)
        typo = 1.0 - TYPO_WEIGHT * gap / np.maximum(np.maximum(lq, la), 1)
        bound = np.where(gap <= 3, np.maximum(bound, typo), np.maximum(bound, OUTSIDE_BUDGET))
        for n in np.flatnonzero(bound - pen < floor).tolist():
            gone[n] = not (cq[n].startswith(ca[n]) or ca[n].startswith(cq[n]))
    qu, au = q.units[qi], a.units[ai]
    anchor = (qu[:, :, None] == au[:, None, :]).any(axis=(1, 2))
    for n in np.flatnonzero(~anchor & ~gone & (np.abs(lq - la) <= 1)).tolist():
        anchor[n] = is_anchor(cq[n], ca[n])
    sims = _similarities(q.toks[qi], a.toks[ai], words)
    dice = _dice(sims, q.weights[qi], a.weights[ai], wq + wa)
    compact = np.zeros(len(qi), dtype=np.float64)
    ql = [q.legal[r] for r in qi.tolist()]
    al = [a.legal[r] for r in ai.tolist()]
    for n in np.flatnonzero(~gone & (lq != la)).tolist():
        if cq[n] == ca[n] + al[n] or ca[n] == cq[n] + ql[n]:
            compact[n] = 1.0 - 0.5 / max(lq[n], la[n])
            anchor[n] = True
    d = np.maximum(dice, compact)
    d = np.where(anchor, d, np.minimum(d, NO_ANCHOR_CAP))
    s = np.maximum(0.0, np.minimum(1.0, d - pen))
    s[gone] = 0.0
    s[(q.norm[qi] == a.norm[ai]) & ~clash] = 1.0
    return s


def may_be_capped(q: Sides, a: Sides, qi: np.ndarray, ai: np.ndarray, ordinary) -> np.ndarray:
    """Per eligible pair, whether ``Resolver._ordinary_anchor`` can hold: the two share a
    word and every word they share is ordinary (``ordinary``: per word number, of the
    aliases' words). Only those pairs need the full test."""
    qt, at = q.toks[qi], a.toks[ai]
    shared = ((qt[:, :, None] == at[:, None, :]) & (at[:, None, :] >= 0)).any(axis=1)
    plain = shared & ~ordinary[np.maximum(at, 0)]
    return shared.any(axis=1) & ~plain.any(axis=1)

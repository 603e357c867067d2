"""A cheap, sound screen in front of the resolver: which names cannot reach any alias at all.

Why: a spend ledger names tens of thousands of vendors, and almost none of them shares a word
with a rule set of a few hundred aliases. Parsing each one fully (legal forms, places, number
words, two passes to a fixed point: 25-40 us a name) only to find no candidate was the largest
fixed cost of a large ledger report. This screen looks at a name's raw words instead (about
2 us) and lets through every name that *could* get a candidate; the resolver sees only those.

Why it is sound (never drops a name the resolver would match): the resolver finds a name's
aliases (those reached only by equality aside: see below) only through its exact key, its
normalised form, or an index key built from the name's distinctive tokens (tokens, merges of
adjacent tokens, the whole distinctive string, its one-deletion variants, that string plus
removed legal forms; see the resolver module's index keys).
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

The screen is built from the resolver's own keys, and costs next to nothing to build: a word
is a substring of a key when it is one of the joined key text (a word, letters and digits,
holds no separator, so it cannot span two keys), and, for a column of words, when it is a
prefix of the first key suffix sorting at or after it (a binary search in the sorted
suffixes). For a list the size of the Consolidated Screening List most words would pass
anyway, so the screen stands aside for large rule sets (``MAX_KEY_CHARS``).

Weak aliases (``weak_aliases`` in the rules: a name made of words many unrelated vendors share,
"Pacific Networks Corp") and aliases without a distinctive token (generic words and legal forms
only: "Group Technology" in a user's rule set) have no index keys and are never fuzzy
candidates: the resolver indexes only the other aliases (and, unindexed, scores only them; the
screen stands aside for an unindexed resolver anyway). A name reaches one of them only when its
exact key or its normalised form *equals* the alias's; the gate calls every such alias weak
(here and in the code), and ``Resolver.lookup_keys`` hands their keys over apart
(``exact_weak``, ``normalised_weak``). The substring
test would miss some of those names: a misspelt generic word is written as its canon, so "Group
Techology" has the normal form "group technology" and no word that is part of its key. So the
substring test above uses only the keys of the other aliases (index keys, and exact and
normalised keys of an alias that is not weak), and a weak alias's exact key E and normalised
form K are targets a name may hit only if (``_weak_may_equal``):

* E: the name's raw words (``pre_tokens``, the words E is made of) are, as a set, E's words;
* K: (1) every raw word is a word of K or may vanish (``_vanishes``), and (2) every word t of K
  that only a raw word can bring (an anchor, ``_sources``) has one of its sources in the name.

E's condition is what equality of exact keys means. (1) holds because a raw word w that may
not vanish comes through every pass verbatim, so it is a word of the normal form. What a pass
drops or rewrites is: a word of a legal-form, generic, region or place phrase (of any length:
the whole phrase goes); a connector ("the", trailing ones); a number word, an ordinal ("1st")
or a single digit (joined to a tens word: "forty 4"); a legal prefix after a legal form ("Co
Lt"); and a word taken for a misspelt generic word or a cut legal form
(``normalise.fuzzy_generic``: a prefix of 4+ letters of a legal form, or of a generic word
when at least half of it; or 7+ letters within one edit of a generic word of 6+, and then one
of the word and its one-deletion variants is one of the generic word and its one-deletion
variants, a swap of two neighbours included). A word in none of these is in no phrase, so it is
tagged a plain word, and plain words are never dropped (the safety net only brings words back);
a later pass reads the normal form's words and treats w the same way. (2) holds because the
words a pass writes that are not words it read are digits, canonical generic spellings, legal
forms (fuzzy or brought back) and canonical region names ("apac" -> "asia pacific"). The first
three need no particular raw word: a word of K that is one of them is not an anchor. A word
written as (part of) a region's canon stands for a region phrase the same pass read, so one of
that phrase's words (any one that is not itself a non-anchor) was in the pass's input: by
induction over passes, a word's sources are itself and the sources of such a word of each
phrase whose canon holds it, and a phrase made only of non-anchors makes it a non-anchor. A K
without anchors needs only (1). The bracket words ``passes`` adds are the name's own words.

Not exact, but tight where it counts: Pacific Networks Corp's K is "pacific network"
("network" is a canonical generic word), so a name needs "pacific" (or "apac") and nothing but
those two words and words that may vanish. "Pacific Networks Corp (USA)", "PACIFIC NETWORKING
CO LTD" and "Pacific Netwrks" pass, "Pacific Supply 15481 BV" does not; "Pacific Group" passes
(every other word of it may vanish) and is left to the resolver. The column form decides (1)
and the presence of one anchor's sources natively, and runs ``passes`` on the few names left.
tests/resolve/test_name_gate.py checks soundness on the labelled set, every alias and thousands of
perturbations of them, and that the column form decides exactly as ``passes``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

import polars as pl

from . import vocabulary as V
from .contain import MAX_TAIL, MIN_HEAD, cut_short_starts, run_together_heads
from .normalise import (
    CN_PLACES,
    GENERIC,
    GENERIC_BY_PREFIX,
    GENERIC_LATIN,
    LEGAL,
    LEGAL_BY_PREFIX,
    LEGAL_LATIN,
    LEGAL_PREFIXES,
    REGION_CANON,
    REGIONS,
    clean,
    pre_tokens,
    tokens_of,
)
from .resolver import Resolver

MAX_KEY_CHARS = 200_000  # total characters of alias keys up to which the screen is built

_ORDINAL = re.compile(r"^\d+(?:st|nd|rd|th)$")
_BRACKETS = re.compile(r"[()\[\]{}]")
# the column form's mirror of ``tokens_of`` on a lowercased ASCII piece (see ``_rewritten``)
_CONTROL = r"[\x00-\x08\x0b-\x1f\x7f]"  # what ``clean`` turns into spaces
_DOTTED_RUN = r"(^|[^a-z])((?:[a-z]\.){2,})"  # ``normalise._DOTTED`` without its lookarounds
_MARK = "\x01"  # a control character: none is left in a piece when the runs are marked


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
    changed = set(V.NUMBER_WORDS) | set(V.TENS_WORDS) | set(V.ORDINAL_WORDS)
    changed |= {w for w, tails in rest.items() if () in tails}  # a region/place on its own
    never = {w for w in (*LEGAL, *GENERIC) if " " not in w and w not in starts_changed}
    never |= {w for w in V.CONNECTORS if w not in starts_changed}
    multi = {w: tails for w, tails in rest.items() if w not in changed}
    return frozenset(never), frozenset(changed), multi


_NEVER, _CHANGED, _PHRASE_TAILS = _word_kinds()
_TAIL_STARTS = frozenset(_PHRASE_TAILS)
_TAIL_WORDS = frozenset(t for tails in _PHRASE_TAILS.values() for tail in tails for t in tail)


@cache
def _rewrite_tables() -> tuple[frozenset[str], frozenset[str], frozenset[str], dict]:
    """(words that may vanish from a name on their own, the generic words a 7+ letter word may
    be a misspelling of with their one-deletion variants, words a pass may write without a
    particular raw word, {word: the region phrases whose canon holds it}): see the module
    text. Built on first use (a rule set with aliases reached only by equality), once per
    process."""
    vanish = {w for p in (*LEGAL, *GENERIC, *REGIONS, *CN_PLACES) for w in p.split()}
    vanish |= V.CONNECTORS | set(V.NUMBER_WORDS) | set(V.TENS_WORDS) | set(V.ORDINAL_WORDS)
    vanish |= set(LEGAL_PREFIXES) | set("0123456789")
    # ``fuzzy_generic``'s prefix tests (their 4+ letters, and a generic word's half)
    vanish |= {k for k in LEGAL_BY_PREFIX if len(k) >= 4}
    vanish |= {
        k
        for k, gs in GENERIC_BY_PREFIX.items()
        if len(k) >= 4 and any(len(k) >= 0.5 * len(g) for g in gs)
    }
    near = set()
    for g in GENERIC_LATIN:
        if len(g) >= 6:
            near.add(g)
            near.update(g[:i] + g[i + 1 :] for i in range(len(g)))
    free = {w for v in GENERIC.values() for w in v.split()}
    for k in LEGAL:
        free.update(k.split())
    for k in LEGAL_LATIN:  # the forms ``fuzzy_generic`` writes, as a later pass reads them
        free.update(k.split() if k.isascii() else pre_tokens(k))
    made_by: dict[str, list[tuple[str, ...]]] = {}
    for phrase, canon in REGION_CANON.items():
        for w in canon.split():
            made_by.setdefault(w, []).append(tuple(phrase.split()))
    return frozenset(vanish), frozenset(near), frozenset(free), made_by


_DIGITS = re.compile(r"^[0-9]+$")
_LONG_ALPHA = "^[a-z]{7,}$"  # the only words ``fuzzy_generic`` may take within one edit


def _vanishes(w: str) -> bool:
    """Whether a raw (lowercased ASCII) word may not come through to the normal form verbatim."""
    vanish, near = _rewrite_tables()[:2]
    if w in vanish or (w[:1].isdigit() and _ORDINAL.match(w)):
        return True
    return (
        len(w) >= 7
        and w.isalpha()
        and (w in near or any(w[:i] + w[i + 1 :] in near for i in range(len(w))))
    )


def _sources(t: str) -> frozenset[str] | None:
    """The raw words one of which a name needs for ``t`` to be a word of its normal form, or
    None when a pass may write ``t`` from no particular word (see the module text)."""
    _, _, free, made_by = _rewrite_tables()

    def anchorless(w: str) -> bool:
        return w in free or bool(_DIGITS.match(w))

    if anchorless(t):
        return None
    out = {t}
    todo = [t]
    while todo:
        for phrase in made_by.get(todo.pop(), ()):
            u = next((x for x in phrase if not anchorless(x)), None)
            if u is None:
                return None
            if u not in out:
                out.add(u)
                todo.append(u)
    return frozenset(out)


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

    def __init__(self, resolver: Resolver) -> None:
        self.enabled = False
        # unindexed (None): every alias is a candidate of every name
        lk = resolver.lookup_keys()
        if lk is None:
            return
        # the keys of aliases reached only by equality ("weak" here and below: a weak alias,
        # or one with no distinctive token) are targets of ``_weak_may_equal``; the others'
        # are what a word must be part of (see the module text)
        every = lk.index | lk.exact | lk.exact_weak | lk.normalised | lk.normalised_weak
        if sum(map(len, every)) > MAX_KEY_CHARS:
            return
        keys = {*lk.index, *lk.exact, *lk.normalised}
        self._keys = keys
        self._init_weak(
            [(k, True) for k in sorted(lk.exact_weak)]
            + [(k, False) for k in sorted(lk.normalised_weak)]
        )
        # a word (ASCII letters and digits) is a substring of a key when it is one of this
        # text: it holds no NUL, so it cannot span two keys
        self._text = "\x00".join(keys)
        self._suffixes: pl.Series | None = None  # built on first use by ``mask``
        self._del_lengths = pl.Series(sorted({len(k) + 1 for k in keys}), dtype=pl.UInt32)
        alphabet = sorted({c for k in keys for c in k})
        self._foreign_re = "[^" + "".join(re.escape(c) for c in alphabet) + "]" if alphabet else "."
        self._keys_by_len: dict[int, frozenset[str]] = {}
        for k in keys:
            self._keys_by_len.setdefault(len(k), set()).add(k)  # type: ignore[arg-type]
        self._verdict: dict[str, bool] = {}
        self.enabled = True

    def _init_weak(self, targets: list[tuple[str, bool]]) -> None:
        """The weak aliases' exact keys (True) and normal forms (False) as targets of
        ``_weak_may_equal``: each with its words, whether it is an exact key, and one source
        set per anchor; indexed by the sources of one anchor each (the most telling: one that
        cannot vanish, then the longest), or always tried when it has none."""
        self._targets: list[tuple[frozenset[str], bool, list[frozenset[str]]]] = []
        self._by_source: dict[str, list[int]] = {}
        self._unanchored: list[int] = []
        for key, is_exact in targets:
            words = frozenset(key.split())
            if is_exact:
                anchors = {t: frozenset([t]) for t in words}
            else:
                anchors = {t: src for t in words if (src := _sources(t)) is not None}
            j = len(self._targets)
            self._targets.append((words, is_exact, list(anchors.values())))
            if not anchors:
                self._unanchored.append(j)
                continue
            best = min(anchors, key=lambda t: (_vanishes(t), -len(t), t))
            for w in anchors[best]:
                self._by_source.setdefault(w, []).append(j)
        self._weak_words = frozenset(w for words, _, _ in self._targets for w in words)

    def _weak_may_equal(self, words: list[str]) -> bool:
        """Whether a name of these raw words may have a weak alias's exact key or normal form
        (see the module text)."""
        if not self._targets:
            return False
        ws = set(words)
        tried = list(self._unanchored)
        for w in ws:
            tried.extend(self._by_source.get(w, ()))
        for j in dict.fromkeys(tried):
            allowed, is_exact, anchors = self._targets[j]
            if all(not ws.isdisjoint(src) for src in anchors) and all(
                w in allowed or (not is_exact and _vanishes(w)) for w in ws
            ):
                return True
        return False

    def _word_may_hit(self, w: str) -> bool:
        v = self._verdict.get(w)
        if v is None:
            if w in _NEVER:
                v = False
            elif w in self._text or w in _CHANGED or (w[0].isdigit() and _ORDINAL.match(w)):
                v = True
            else:  # one character less, equal to a key (only keys of that length can be)
                keys = self._keys_by_len.get(len(w) - 1)
                v = keys is not None and any(w[:i] + w[i + 1 :] in keys for i in range(len(w)))
                # a listed name run together with a word cut short ("huaweite")
                v = v or any(h in self._text for h in run_together_heads(w))
            self._verdict[w] = v
        return v

    def passes(self, name: str) -> bool:
        if not self.enabled or not name.isascii():
            return True
        words = pre_tokens(name)
        if _BRACKETS.search(name):  # the tagger splits at brackets first: its words too
            words = words + [w for part in _BRACKETS.split(clean(name)) for w in tokens_of(part)]
        if any(map(self._word_may_hit, words)):
            return True
        if not _TAIL_STARTS.isdisjoint(words):
            for i, w in enumerate(words):  # "united ... states": a region that may form later
                tails = _PHRASE_TAILS.get(w)
                if tails is not None and any(_in_order(t, words, i + 1) for t in tails):
                    return True
        # nothing but legal forms, generic words and connectors (or no word at all): the
        # safety net keeps them, and exact/normalised keys may be made of them
        return all(w in _NEVER for w in words) or self._weak_may_equal(words)

    def screen(self, names: Sequence[str]) -> list[str]:
        """The names that pass, in order."""
        if not self.enabled:
            return list(names)
        series = pl.Series("name", list(names), dtype=pl.String)
        return series.filter(self.mask(series)).to_list()

    def _substrings(self, words: pl.Series) -> pl.Series:
        """The (distinct) words that are substrings of a key, natively: a word is one exactly
        when it is a prefix of the first key suffix sorting at or after it (every string
        sorting between the word and a suffix it prefixes has it as a prefix too). The sorted
        suffixes are built on first use: ``passes`` alone does not need them."""
        if self._suffixes is None:
            sufs = {k[i:] for k in self._keys for i in range(len(k))}
            self._suffixes = pl.Series(list(sufs), dtype=pl.String).sort()
        sufs = self._suffixes
        if words.len() == 0 or sufs.len() == 0:
            return words.clear()
        at = sufs.search_sorted(words, side="left")
        found = (at < sufs.len()) & sufs.gather(at.clip(0, sufs.len() - 1)).str.starts_with(words)
        return words.filter(found)

    def mask(self, names: pl.Series) -> pl.Series:
        """``passes`` for a column of names (no nulls), natively in polars: the same answer,
        name for name (tests/resolve/test_name_gate.py).

        Why this shape: run over the ~50,000 distinct vendors of a large ledger, this screen is
        on the report's critical path, so it makes few passes over the names and runs Python
        for very few of them. Names are cut at spaces only: no rewrite of ``tokens_of`` (dotted
        initialisms, "&", apostrophes) reaches past a space, so a name's words are its
        pieces' words. Each distinct piece is cut into words once: as it is when it is all
        letters and digits, else through ``_rewritten``. Each word is judged as
        ``_word_may_hit`` does (in Python only the few that could be a key plus one
        character), and its verdict goes to the names it occurs in. Only a name whose answer
        may hang on a region or place phrase forming ("United ... States": the order of its
        words matters), or that may equal a weak alias's key (``_weak_candidates``), goes
        through ``passes``. The bracket words ``passes`` adds repeat an ASCII name's own
        words, so they change nothing else."""
        n = names.len()
        if not self.enabled or n == 0:
            return pl.Series("pass", [True] * n, dtype=pl.Boolean)
        w = pl.col("w")
        never, sure = pl.col("_never"), pl.col("_sure")
        foreign = self._foreign_re
        words = _word_table(
            names,
            judged=[
                w.is_in(_series(_NEVER)).alias("_never"),
                (w.is_in(_series(_CHANGED)) | w.str.contains(_ORDINAL.pattern)).alias("_sure"),
                w.is_in(_series(_TAIL_STARTS)).alias("_tail"),
                w.is_in(_series(_TAIL_WORDS)).alias("_tail_word"),
                # at most one character no key has: else neither a substring of a key nor a
                # key plus one character
                (~w.str.contains(f"{foreign}.*{foreign}")).alias("_near"),
            ],
        )
        near = words.filter(~never & ~sure & pl.col("_near"))["w"].unique()
        subs = self._substrings(near.filter(~near.str.contains(foreign)))
        # one character more than a key (its length): the few such words are checked deletion
        # by deletion
        maybe = near.filter(
            near.str.len_chars().is_in(self._del_lengths.implode()) & ~near.is_in(subs.implode())
        )
        late = [x for x in maybe.to_list() if self._word_may_hit(x)]
        hits = pl.concat([subs, pl.Series(late, dtype=pl.String), self._run_together(words)])
        words = words.with_columns((~never & (sure | w.is_in(hits.implode()))).alias("_hit"))
        nobody = pl.Series("pass", [False] * n, dtype=pl.Boolean)

        def names_with(cond: pl.Expr) -> pl.Series:
            at = words.filter(cond).select(pl.col("_i").explode())["_i"]
            return nobody.clone().scatter(at, True)

        wide = names.str.len_bytes() != names.str.len_chars()
        sure_pass = wide | names_with(pl.col("_hit")) | ~names_with(~never)
        # a region/place phrase can only form with one of its later words in the name
        unsure = ~sure_pass & names_with(pl.col("_tail")) & names_with(pl.col("_tail_word"))
        if self._targets:  # names that may have a weak alias's exact key or normal form
            unsure |= self._weak_candidates(names, ~sure_pass & ~unsure, names_with)
        at = unsure.arg_true()
        if at.len():
            sure_pass = sure_pass.scatter(at, [self.passes(names[i]) for i in at.to_list()])
        return sure_pass.alias("pass")

    def _run_together(self, words: pl.DataFrame) -> pl.Series:
        """The words that are a head in the key text and a generic word or legal form cut
        short (``contain.run_together_heads``), natively: per tail length, the words whose
        tail is such a start and whose head is a substring of a key."""
        w = pl.col("w")
        cand = words.filter(~pl.col("_never") & ~pl.col("_sure"))["w"].unique()
        cand = cand.filter(cand.str.len_chars() >= MIN_HEAD + 2)
        cut_short = _series(cut_short_starts())
        out = []
        for k in range(2, MAX_TAIL + 1):
            pairs = pl.DataFrame({"w": cand}).filter(
                (w.str.len_chars() - k >= MIN_HEAD) & w.str.slice(-k).is_in(cut_short)
            )
            heads = pairs["w"].str.slice(0, pairs["w"].str.len_chars() - k)
            subs = self._substrings(heads.unique())
            out.append(pairs.filter(heads.is_in(subs.implode()))["w"])
        return pl.concat(out).unique()

    def _weak_candidates(self, names: pl.Series, open_: pl.Series, names_with) -> pl.Series:
        """Of the ``open_`` names, those that meet what every weak target asks of all names,
        natively: one of the sources of its indexed anchor (unless a target has no anchor),
        and no word that is neither a word of some target nor may vanish (``_vanishes``).
        ``_weak_may_equal`` decides the rest. Only the names with a source are looked at
        again, word by word."""
        if not self._unanchored:
            open_ = open_ & names_with(pl.col("w").is_in(_series(frozenset(self._by_source))))
        at = open_.arg_true()
        if at.len() == 0:
            return open_
        w = pl.col("w")
        pairs = _word_table(names.gather(at), distinct=False)
        vanish = _vanish_series()
        known = (
            w.is_in(_series(self._weak_words)) | w.is_in(vanish) | w.str.contains(_ORDINAL.pattern)
        )
        pairs = pairs.filter(~known)
        # 7+ letters: Python for these few distinct words (``_vanishes``'s last test)
        long = pairs.filter(w.str.contains(_LONG_ALPHA))["w"].unique()
        close = pl.Series([x for x in long.to_list() if _vanishes(x)], dtype=pl.String)
        bad = pairs.filter(~w.is_in(close.implode()))["_i"].unique()
        return open_.scatter(at.gather(bad), False)


@cache
def _vanish_series() -> pl.Series:
    return _series(_rewrite_tables()[0])


def _word_table(
    names: pl.Series, distinct: bool = True, judged: list[pl.Expr] | None = None
) -> pl.DataFrame:
    """Each distinct word (``w``) of the names with the positions of the names it is in
    (``_i``, a list), see ``NameGate.mask``; or, not ``distinct``, each word of each name
    with the name's position. ``judged``: columns computed on the words in the same query."""
    w = pl.col("w")
    # one lazy query (the pieces computed once, shared by both branches): about half the time
    # of the same steps run eagerly, on the report's critical path for ~50,000 vendor names
    pieces = pl.LazyFrame({"w": names.str.split(" ")}).with_row_index("_i").explode("w")
    if distinct:
        pieces = pieces.group_by("w").agg("_i")
    pieces = pieces.with_columns(w.str.to_lowercase())
    plain = w.str.contains("^[a-z0-9]+$")
    odd = pieces.filter(~plain).with_columns(_rewritten(w).str.extract_all("[a-z0-9]+").alias("w"))
    words = pl.concat([pieces.filter(plain), odd.explode("w").filter(w.is_not_null())])
    return words.with_columns(judged).collect() if judged else words.collect()


def _series(words: frozenset[str]) -> pl.Series:
    return pl.Series(sorted(words), dtype=pl.String).implode()


def _rewritten(pieces: pl.Expr) -> pl.Expr:
    """``tokens_of``'s rewrites of lowercased ASCII pieces, in its order: control characters
    as spaces (``clean``), dotted initialisms joined ("s.p.a." -> "spa"), "&" as " and ",
    apostrophes dropped. Polars' regexes have no lookarounds, so a dotted run is found with the
    character before it (or the start) in place of the lookbehind, and ``normalise._DOTTED``'s
    optional last letter is left out: joining it or not gives the same text. Each run is
    marked off on both sides and its dots dropped: the parts between marks alternate outside,
    run, outside, ... (a run cannot start right where the last one ended: it would have been
    part of it)."""
    marked = pieces.str.replace_all(_CONTROL, " ").str.replace_all(
        _DOTTED_RUN, "${1}" + _MARK + "${2}" + _MARK
    )
    run = pl.int_range(pl.len()) % 2 == 1
    undotted = (
        marked.str.split(_MARK)
        .list.eval(
            pl.when(run)
            .then(pl.element().str.replace_all(".", "", literal=True))
            .otherwise(pl.element())
        )
        .list.join("")
    )
    return undotted.str.replace_all("&", " and ", literal=True).str.replace_all("['`]", "")

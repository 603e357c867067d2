"""Resolve distinct vendor names against rule aliases.

Order per distinct name: exact alias (case/whitespace-insensitive) -> normalised alias ->
fuzzy on candidates from an inverted index. The index keys are the *anchor units* the scorer
requires (distinctive tokens, adjacent-token merges, the whole distinctive string) plus their
one-deletion variants for units of 5+ characters (a SymSpell-style character index that finds
every alias within one edit), plus Han character bigrams. Because a score in the review band
needs an anchor, and every anchor shares a key, the indexed path finds the same matches as
scoring every alias (``indexed=False``), without a scan of all aliases per name.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter

from rapidfuzz import fuzz, process

from bomscan.rules.model import AliasRecord

from .contain import Containment, Hit
from .normalise import Parsed, core_tokens, is_han, parse
from .ordinary import is_ordinary
from .postings import Postings
from .score import (
    NO_ANCHOR_CAP,
    OUTSIDE_BUDGET,
    detail_prepared,
    edit_budget,
    prepare,
    score_parsed,
    score_prepared,
    similarity,
    tok_sim,
    units,
)
from .store import (
    Column,
    decode_alias,
    decode_parsed,
    decode_words,
    encode_alias,
    encode_parsed,
    encode_words,
)

__all__ = [
    "DEFAULT_THRESHOLD",
    "REVIEW_THRESHOLD",
    "AliasRecord",
    "LookupKeys",
    "Match",
    "Postings",
    "Resolver",
    "sort_key",
]

DEFAULT_THRESHOLD = 0.90
REVIEW_THRESHOLD = 0.70

_METHOD_RANK = {"exact": 0, "normalised": 1, "fuzzy": 2, "contains": 2}

# C-level prefilter margin: a candidate is fully scored only if rapidfuzz's ratio on the
# sorted distinctive tokens or on the joined distinctive string reaches
# 100 * min_score - PREFILTER_MARGIN. Measured: over the nomenklatura pairs, the labelled set
# against every shipped alias and 6,000 synthetic typo/variant pairs, no pair scoring at or
# above the review band was more than 24 points below its score on that ratio
# (tests/resolve/test_resolve_labelled.py::test_prefilter_margin_holds keeps checking this).
PREFILTER_MARGIN = 30.0
# ...and of those, only the PREFILTER_TOP_K best by that ratio are scored in Python, with
# every candidate tied with the K-th (up to PREFILTER_TIES in all). The labelled set and the
# nomenklatura pairs never have a true match outside the top K; ties are kept because the
# ratio sees only distinctive words: 63 Huawei aliases share the core "huawei", and the one
# a name's generic words fit ("Huawei Device ...") must not lose to rule order.
PREFILTER_TOP_K = 8
PREFILTER_TIES = 128
# Names with fewer index candidates than this are scored against all of them.
PREFILTER_MIN = 8

# An index key is "common" when more than max(COMMON_KEY_MIN, COMMON_KEY_FRACTION x aliases)
# aliases share it; see Resolver._candidates.
COMMON_KEY_MIN = 50
COMMON_KEY_FRACTION = 0.002

# A batch of this many names builds a loaded index's key dicts before it starts (a few
# hundred keys are found faster by binary search than by building a dict of 337,000).
_MANY_NAMES = 256
# Names waiting on one common key go through rapidfuzz cdist this many at a time (bounds the
# float64 ratio matrix: 256 x a few thousand aliases)...
_CDIST_ROWS = 256
# ...once there are this many such names in a batch (fewer are prefiltered one by one: a
# BOM's dozen names do not pay for importing numpy, 50 ms).
_CDIST_MIN_NAMES = 64
# The posting "key" of every fuzzy-matchable alias (the unindexed resolver); no index key
# starts with \x01.
_ALL = "\x01all"


def _top_k(best: dict[int, float]) -> list[int]:
    """The PREFILTER_TOP_K ids with the highest ratio and those tied with the K-th, at most
    PREFILTER_TIES in all (the first by rule order)."""
    if len(best) <= PREFILTER_TOP_K:
        return list(best)
    ranked = sorted(best, key=lambda i: (-best[i], i))[:PREFILTER_TIES]
    kth = best[ranked[PREFILTER_TOP_K - 1]]
    return [i for n, i in enumerate(ranked) if n < PREFILTER_TOP_K or best[i] == kth]


def _ordinary_words(parsed: Sequence[Parsed]) -> frozenset[str]:
    """The distinctive tokens of ``parsed`` that are ordinary words (``is_ordinary``), each
    distinct token asked once."""
    words = {t for p in parsed for t in p.distinctive}
    return frozenset(filter(is_ordinary, words))


def index_lists(parsed: Sequence[Parsed], fuzzy_ids: Iterable[int]) -> dict[str, list[int]]:
    """The candidate index as a dict of lists: the plain path ``Postings.from_runs``
    overrides (kept as the definition its test compares with)."""
    index: dict[str, list[int]] = {}
    for i in fuzzy_ids:
        for k in _parsed_keys(parsed[i]):
            index.setdefault(k, []).append(i)
    return index


def _as_columns(state: dict) -> dict:
    """Override of pickling the per-alias objects (``store.py``): the alias records, parsed
    aliases and ordinary words as columns of strings, decoded when read. Deleting this
    function (and its test) leaves the plain path: the objects pickled as they are."""
    for key, encode, decode in (
        ("aliases", encode_alias, decode_alias),
        ("_parsed", encode_parsed, decode_parsed),
        ("_ordinary_toks", encode_words, decode_words),
    ):
        if not isinstance(state[key], Column):
            state[key] = Column(state[key], encode, decode)
    return state


def sort_key(p: Parsed) -> str:
    return " ".join(sorted(core_tokens(p)))


@dataclass(frozen=True)
class LookupKeys:
    """Every string a name can reach an alias through, for the name gate (``gate.py``):
    the candidate index's keys, and the exact keys (``Parsed.exact_key``) and normal forms of
    the aliases. ``*_weak``: the keys of aliases reached only by equality (a weak alias, or
    one without a distinctive token: never a fuzzy candidate); the others' are ``exact`` and
    ``normalised`` (a key may be in both sets when aliases of both kinds share it)."""

    index: frozenset[str]
    exact: frozenset[str]
    normalised: frozenset[str]
    exact_weak: frozenset[str]
    normalised_weak: frozenset[str]


@dataclass(frozen=True, slots=True)
class Match:
    name: str
    entity_id: str
    alias: str
    score: float
    method: str
    reason: str


def _parsed_keys(p: Parsed) -> set[str]:
    """Index keys mirroring the scorer's anchor rule: every unit (token, adjacent-token merge,
    whole distinctive string) as-is; the whole distinctive string's one-deletion variants
    (SymSpell-style, so a single typo anywhere still meets); Han character bigrams (so
    near-miss Chinese names are at least scored and explainable)."""
    toks = tuple(core_tokens(p))
    latin = p.script == "latin"  # no Han token among the distinctive ones
    groups = [toks]
    if p.script == "mixed":  # the scorer compares a bilingual name one script at a time
        groups += [tuple(t for t in toks if is_han(t)), tuple(t for t in toks if not is_han(t))]
    keys: set[str] = set()
    for g in groups:
        if not g:
            continue
        keys.update(units(g))
        c = "".join(g)
        n = len(c)
        if latin:
            if n >= 4:  # edit_budget(n + 1, False) >= 1
                keys.update([c[:i] + c[i + 1 :] for i in range(n)])
            continue
        if edit_budget(n + 1, is_han(c)) >= 1:
            keys.update([c[:i] + c[i + 1 :] for i in range(n)])
        for t in g:
            if is_han(t):
                keys.update("\x00" + t[i : i + 2] for i in range(len(t) - 1))
    if p.removed_legal:  # "SiemensAG" vs "Siemens AG"
        keys.add("".join(toks) + "".join(p.removed_legal))
    return keys


def _removed_phrase(p: Parsed) -> str:
    bits = []
    if p.removed_legal:
        bits.append("legal form " + ", ".join(f"'{x}'" for x in dict.fromkeys(p.removed_legal)))
    places = tuple(dict.fromkeys(p.removed_places + p.removed_regions))
    if places:
        bits.append("place " + ", ".join(f"'{x}'" for x in places))
    return " and ".join(bits)


def _reason(name: str, alias: str, q: Parsed, a: Parsed, method: str, s: float, info: dict) -> str:
    if method == "exact":
        return f"name equals alias '{alias}' (ignoring case and spacing)"
    if method == "normalised":
        rem = _removed_phrase(q)
        tail = f" after removing {rem}" if rem else " after normalisation"
        return f"normalised '{q.norm}' equals alias '{alias}'{tail}"
    if info.get("kind") == "generic-only":
        return "only generic words in common (never a match on their own)"
    parts = _alignment_parts(q, a, info) + _penalty_parts(q, a, info)
    return f"fuzzy {s:.2f} vs alias '{alias}': " + "; ".join(parts)


def _alignment_parts(q: Parsed, a: Parsed, info: dict) -> list[str]:
    """The reason's words about the aligned tokens: equal, typos, joined, extra words."""
    parts = []
    al = info.get("aligned") or []
    same = [x for x, y, v in al if v == 1.0]
    near = [f"'{x}'~'{y}'" for x, y, v in al if 0.6 < v < 1.0]
    if same:
        parts.append("distinctive " + " ".join(f"'{x}'" for x in same) + " equal")
    if near:
        parts.append("typo " + ", ".join(near))
    if info.get("compact", 0) > info.get("dice", 0):
        parts.append(f"'{q.compact}' vs '{a.compact}' joined")
    qd, ad = set(q.distinctive) - set(q.numbers), set(a.distinctive) - set(a.numbers)
    extra_q = sorted(qd - {x for x, _, v in al if v > 0.6} - {q.compact})
    extra_a = sorted(ad - {y for _, y, v in al if v > 0.6} - {a.compact})
    if extra_q:
        parts.append("name adds " + " ".join(f"'{x}'" for x in extra_q))
    if extra_a:
        parts.append("alias adds " + " ".join(f"'{x}'" for x in extra_a))
    return parts


def _penalty_parts(q: Parsed, a: Parsed, info: dict) -> list[str]:
    """The reason's words about caps and penalties: no anchor, generic words, regions,
    numbers."""
    parts = []
    if info.get("anchor") is None:
        parts.append("no distinctive word within one edit (capped)")
    if info.get("gen_q_extra"):
        parts.append("generic words not in alias: " + " ".join(info["gen_q_extra"]))
    if info.get("reg_conflict"):
        parts.append(
            f"regions differ ({' '.join(sorted(q.regions))} vs {' '.join(sorted(a.regions))})"
        )
    if info.get("num"):
        parts.append(f"numbers differ ({info['num']})")
    return parts


class Resolver:
    """Holds parsed aliases and the candidate index; resolves names one distinct value at a time."""

    def __init__(self, aliases: Iterable[AliasRecord], *, indexed: bool = True):
        self.aliases: list[AliasRecord] = list(aliases)
        self.indexed = indexed
        self._parsed: list[Parsed] = [parse(r.alias) for r in self.aliases]
        # every Han alias also under the pinyin of its core: index -> the alias it spells
        self._pinyin_of: dict[int, str] = self._add_pinyin()
        # each alias's entity, read without the alias record (a cached index decodes those
        # only when read: store.py)
        self._entity: list[str] = [r.entity_id for r in self.aliases]
        # the distinctive words that are ordinary, each word asked once (not once an alias)
        ordinary = _ordinary_words(self._parsed)
        self._contain = Containment(
            [r.entity_id for r in self.aliases],
            self._parsed,
            [r.weak for r in self.aliases],
            ordinary.__contains__,
            self._pinyin_of.keys(),
        )
        # per alias, its core tokens that are ordinary words (see _ordinary_anchor)
        self._ordinary_toks: list[frozenset[str]] = [
            frozenset(t for t in core_tokens(p) if t in ordinary) for p in self._parsed
        ]
        parsed = self._parsed
        self._exact = Postings.from_runs((i, (p.exact_key,)) for i, p in enumerate(parsed))
        self._norm = Postings.from_runs(
            (i, (p.norm,) if p.norm else ()) for i, p in enumerate(parsed)
        )
        # the aliases a name can match fuzzily (neither weak nor without distinctive words),
        # the only ones in the index
        self._fuzzy_ids = array(
            "i",
            [
                i
                for i, (r, p) in enumerate(zip(self.aliases, parsed, strict=True))
                if not r.weak and p.distinctive
            ],
        )
        self._index = (
            Postings.from_runs((i, _parsed_keys(parsed[i])) for i in self._fuzzy_ids)
            if indexed
            else Postings({})
        )
        self._sort_keys: list[str] = [sort_key(p) for p in self._parsed]
        self._comp: list[str] = [p.compact for p in self._parsed]
        self._mixed_ids = frozenset(i for i, p in enumerate(self._parsed) if p.script == "mixed")
        self._common_limit = max(COMMON_KEY_MIN, int(COMMON_KEY_FRACTION * len(self.aliases)))
        self._reset_caches()

    def _add_pinyin(self) -> dict[int, str]:
        """Append, for each alias whose core is Han, an alias spelling that core in pinyin
        (海康威视 -> "haikangweishi"): a pinyin legal name, its legal form and generic words
        removed, meets it ("Haikang Weishi Shuzi Jishu Gufen Youxian Gongsi")."""
        from .translit import pinyin

        out: dict[int, str] = {}
        seen = {(r.entity_id, r.alias) for r in self.aliases}
        # a spelling that is a weak alias's core stays weak (大华 -> "dahua", weak in rules)
        weak_cores = {
            "".join(core_tokens(p))
            for r, p in zip(self.aliases, self._parsed, strict=True)
            if r.weak
        }
        for i in range(len(self.aliases)):
            rec, core = self.aliases[i], core_tokens(self._parsed[i])
            if not core or not all(is_han(t) for t in core):
                continue
            spelt = pinyin("".join(core))
            if len(spelt) < 4 or (rec.entity_id, spelt) in seen:
                continue
            seen.add((rec.entity_id, spelt))
            out[len(self.aliases)] = rec.alias
            self.aliases.append(AliasRecord(rec.entity_id, spelt, rec.weak or spelt in weak_cores))
            self._parsed.append(parse(spelt))
        return out

    def _reset_caches(self) -> None:
        # per alias, score.prepare() data, filled the first time the alias is scored
        self._prep: list[tuple | None] = [None] * len(self._parsed)
        # per common key: its posting list's choice strings (see _common_choices)
        self._choices: dict[str, tuple] = {}

    # bomscan/cache.py pickles the built resolver: everything but the caches filled while
    # matching, which start empty in the loaded copy.
    def __getstate__(self) -> dict:
        state = {k: v for k, v in self.__dict__.items() if k not in ("_choices", "_prep")}
        return _as_columns(state)

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._reset_caches()

    # -- the public door ----------------------------------------------------------------------
    def match(self, name: str, min_score: float = REVIEW_THRESHOLD) -> Match | None:
        """The best match (one entity) of one name, or None when no alias reaches
        ``min_score``. The same answer as ``match_names([name])``."""
        got = self._match_one(name, min_score) if isinstance(name, str) else None
        return Match(*got) if got is not None else None

    def match_names(self, names: Sequence[str], min_score: float = REVIEW_THRESHOLD) -> list[Match]:
        """Best match (one entity) per distinct name whose score >= min_score; names with
        none are omitted. Ties go to exact over normalised over fuzzy, then alias order."""
        distinct = list(dict.fromkeys(n for n in names if isinstance(n, str)))
        return [Match(*t) for t in self._match_chunk(distinct, min_score) if t is not None]

    @staticmethod
    def similarity(name: str, alias: str) -> float:
        """The fuzzy score of ``name`` against ``alias`` in [0, 1] (``score.similarity``)."""
        return similarity(name, alias)

    def lookup_keys(self) -> LookupKeys | None:
        """The keys a name can reach an alias through (see ``LookupKeys``), or None for an
        unindexed resolver (where every fuzzy alias is a candidate of every name)."""
        if not self.indexed:
            return None
        fuzzy = set(self._fuzzy_ids)

        def split(d: Postings) -> tuple[frozenset[str], frozenset[str]]:
            strong = frozenset(k for k, ids in d.items() if not fuzzy.isdisjoint(ids))
            weak = frozenset(k for k, ids in d.items() if not fuzzy.issuperset(ids))
            return strong, weak

        exact, exact_weak = split(self._exact)
        norm, norm_weak = split(self._norm)
        index = frozenset(self._index) | self._contain.keys()
        return LookupKeys(index, exact, norm, exact_weak, norm_weak)

    # -- candidate generation --------------------------------------------------------------
    def _candidates(self, q: Parsed) -> Iterable[int]:
        """Aliases sharing an index key with the name. Keys shared by many aliases (a common
        word such as "Vision" or "Pacific" in a 40k-alias list) are used only when the name
        has no rarer key: an alias met only through such a word and no other near token
        cannot reach the review band except through multi-typo variants, and scoring
        thousands of them per name is what an index exists to avoid."""
        rare, common = self._candidate_sets(q)
        if rare or not common:
            return rare
        if len(common) == 1:
            return self._posting(common[0])  # already in rule order
        return {i for k in common for i in self._posting(k)}

    def _posting(self, key: str) -> Sequence[int]:
        return self._fuzzy_ids if key == _ALL else self._index[key]

    def _candidate_sets(self, q: Parsed) -> tuple[set[int], list[str]]:
        """(ids from rare keys, common keys): see ``_candidates``. Unindexed, every fuzzy
        alias is one "common" posting list (``_ALL``)."""
        if not self.indexed:
            return set(), [_ALL]
        if not q.distinctive:
            return set(), []
        idx = self._index
        rare: set[int] = set()
        common: list[str] = []
        limit = self._common_limit
        for k, n in idx.found(_parsed_keys(q)):
            ids = idx.run(n)
            if len(ids) > limit:
                common.append(k)
            else:
                rare.update(ids)
        return rare, common

    # -- scoring -----------------------------------------------------------------------------
    def _offer(self, best: dict, q: Parsed, i: int, s: float, method: str) -> None:
        """Keep the best (score, -method_rank, same_region, -alias_idx, method) per entity.
        Ties: exact > normalised > fuzzy, then an alias with the same market qualifier and
        legal form ("Dahua Technology USA Inc" -> the USA arm, "Dahua Tech" -> the parent;
        "Kaspersky Labs Inc." -> "Kaspersky Lab, Inc."), then rule order."""
        ent = self._entity[i]
        rs = round(s, 6)
        cur = best.get(ent)
        if cur is not None and rs < cur[0]:
            return  # loses on score alone
        cand = (rs, -_METHOD_RANK[method], self._same_region(q, i), -i, method)
        if cur is None or cand[:4] > cur[:4]:
            best[ent] = cand

    def _same_region(self, q: Parsed, i: int) -> int:
        """The tie-break after score and method: same market qualifier (2, or 1 for an
        overlap), plus 2 for the same registration places ("Shanghai Huawei Technologies"
        is the Shanghai arm, "Huawei Technologies" the parent), plus 1 for a shared legal
        form."""
        a = self._parsed[i]
        return (
            (2 if q.regions == a.regions else 1 if q.regions & a.regions else 0)
            + (2 if set(q.removed_places) == set(a.removed_places) else 0)
            + (1 if q.removed_legal and not set(q.removed_legal).isdisjoint(a.removed_legal) else 0)
        )

    def _exact_or_normalised(self, q: Parsed) -> dict[str, tuple]:
        """Exact, else normalised, hits. Either scores 1.0 and outranks any fuzzy score
        (fuzzy scores are at most 1.0 and lose ties on method), so a hit ends the search."""
        best: dict[str, tuple] = {}
        for i in self._exact.get(q.exact_key, ()):
            self._offer(best, q, i, 1.0, "exact")
        if best or not q.norm:
            return best
        for i in self._norm.get(q.norm, ()):
            a = self._parsed[i]
            if q.regions and a.regions and not (q.regions & a.regions):
                continue  # same name, different market qualifier: leave to fuzzy
            self._offer(best, q, i, 1.0, "normalised")
        return best

    def _choice_strings(self, ids: list[int]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        get = itemgetter(*ids)
        return get(self._sort_keys), get(self._comp)

    def _common_choices(self, key: str) -> tuple:
        """A common key's posting list with its choice strings (sort keys, compact strings)
        and the columns of its mixed-script aliases, built once per process."""
        got = self._choices.get(key)
        if got is None:
            ids = self._posting(key)
            mixed = self._mixed_ids
            cols = [j for j, i in enumerate(ids) if i in mixed] if mixed else []
            got = self._choices[key] = (*self._choice_strings(ids), ids, cols)
        return got

    def _shortlist(self, q: Parsed, min_score: float) -> list[int]:
        """Index candidates of a name, cut to the few worth scoring in Python.

        A name with PREFILTER_MIN+ candidates (and not bilingual) keeps only those whose
        rapidfuzz ratio (in C) on the sorted distinctive tokens or on the joined distinctive
        string reaches ``100 * min_score - PREFILTER_MARGIN``, the PREFILTER_TOP_K best by
        (ratio, rule order) and those tied with the K-th (``_top_k``); aliases in mixed
        script always pass. Candidates are in rule order, so each ratio's own first
        PREFILTER_TIES (rapidfuzz breaks ties by position) contain every member of the
        combined list: that ``limit`` is exact, and saves building the rest.

        This is the one-name form (the definition); ``_match_chunk`` computes the same list
        for names met only through common keys in one C call per key for many names.
        """
        rare, common = self._candidate_sets(q)
        return self._shortlist_of(q, rare, common, 100.0 * min_score - PREFILTER_MARGIN)

    def _shortlist_of(self, q: Parsed, rare: set[int], common: list[str], cut: float) -> list:
        if rare or not common:
            cands: Sequence[int] = sorted(rare)
        elif len(common) == 1:
            cands = self._posting(common[0])
        else:
            cands = sorted({i for k in common for i in self._posting(k)})
        if len(cands) < PREFILTER_MIN or cut <= 0 or q.script == "mixed":
            return list(cands)
        if not rare and len(common) == 1:
            sort_choices, comp_choices = self._common_choices(common[0])[:2]
        else:
            sort_choices, comp_choices = self._choice_strings(cands)
        best: dict[int, float] = {}
        if self._mixed_ids:
            best.update(dict.fromkeys(self._mixed_ids.intersection(cands), 101.0))
        for query, choices in ((sort_key(q), sort_choices), (q.compact, comp_choices)):
            for _, r, j in process.extract(
                query, choices, scorer=fuzz.ratio, score_cutoff=cut, limit=PREFILTER_TIES
            ):
                i = cands[j]
                if r > best.get(i, -1.0):
                    best[i] = r
        return _top_k(best)

    def _match_chunk(self, names: Sequence[str], min_score: float) -> list[tuple | None]:
        """The Match fields for each name (as a tuple), or None when nothing reaches ``min_score``.

        A name met only through common keys (a word shared by thousands of aliases) needs
        the prefilter ratio against each of those aliases. Instead of one rapidfuzz call per
        name, the names waiting on the same key go through ``process.cdist`` together (one
        C call, vectorised across names: about 10x less per pair), and each row keeps its
        top K by (ratio, rule order). An alias has the same ratio in every list it is in, so
        the union of the per-key top Ks holds the combined top K: the same shortlist as
        ``_shortlist`` (tests/resolve/test_resolve_speedpaths.py checks it name for name).
        A batch with fewer than ``_CDIST_MIN_NAMES`` such names takes the one-name path.
        """
        out: list[tuple | None] = [None] * len(names)
        cut = 100.0 * min_score - PREFILTER_MARGIN
        if len(names) >= _MANY_NAMES:  # a loaded index: its dicts now, not after a search each
            for postings in (self._exact, self._norm, self._index, self._contain.postings()):
                postings.load_all()
        pending: list[tuple[int, Parsed, dict[int, float], list[str]]] = []
        waiting: dict[str, list[int]] = {}
        for pos, name in enumerate(names):
            q = parse(name)
            best = self._exact_or_normalised(q)
            if best:
                out[pos] = self._result(name, q, best, min_score)
                continue
            rare, common = self._candidate_sets(q)
            if not rare and not common:
                # no index key hits: nothing to score (most unrelated vendors), but a weak
                # alias (no index keys) may be contained
                out[pos] = self._contained(name, q, None, min_score)
                continue
            if (
                rare
                or not common
                or cut <= 0
                or q.script == "mixed"
                or len(self._posting(common[0])) < PREFILTER_MIN  # a tiny unindexed set
            ):
                shortlist = self._shortlist_of(q, rare, common, cut)
                fuzzy = self._score_shortlist(name, q, shortlist, min_score)
                out[pos] = self._contained(name, q, fuzzy, min_score)
                continue
            for key in common:
                waiting.setdefault(key, []).append(len(pending))
            pending.append((pos, q, {}, common))
        batched = len(pending) >= _CDIST_MIN_NAMES
        if batched:
            self._common_ratios(pending, waiting, cut)
        for pos, q, got, common in pending:
            if batched:
                shortlist = _top_k(got)
            else:  # a few names: one rapidfuzz call each (the definition, no numpy import)
                shortlist = self._shortlist_of(q, set(), common, cut)
            fuzzy = self._score_shortlist(names[pos], q, shortlist, min_score)
            out[pos] = self._contained(names[pos], q, fuzzy, min_score)
        return out

    def _common_ratios(self, pending: list, waiting: dict[str, list[int]], cut: float) -> None:
        """Fill each pending name's {alias id: prefilter ratio} with the top K of every common
        posting list it waits on (see ``_match_chunk``)."""
        import numpy as np

        k_top = PREFILTER_TOP_K
        for key, ks in waiting.items():
            sort_choices, comp_choices, ids, mixed_cols = self._common_choices(key)
            for lo in range(0, len(ks), _CDIST_ROWS):
                part = ks[lo : lo + _CDIST_ROWS]
                qs = [pending[k][1] for k in part]
                m = process.cdist(
                    [sort_key(q) for q in qs],
                    sort_choices,
                    scorer=fuzz.ratio,
                    score_cutoff=cut,
                    dtype=np.float64,
                    workers=1,
                )
                m2 = process.cdist(
                    [q.compact for q in qs],
                    comp_choices,
                    scorer=fuzz.ratio,
                    score_cutoff=cut,
                    dtype=np.float64,
                    workers=1,
                )
                np.maximum(m, m2, out=m)
                if mixed_cols:
                    m[:, mixed_cols] = 101.0
                # per row, every column at or above both the cut and the row's K-th
                # largest ratio (ties included), in column (= rule) order
                if m.shape[1] > k_top:
                    floor = np.maximum(np.partition(m, -k_top, axis=1)[:, -k_top], cut)
                    rows, cols = np.nonzero(m >= floor[:, None])
                else:
                    rows, cols = np.nonzero(m >= cut)
                vals = m[rows, cols]
                for r, j, v in zip(rows.tolist(), cols.tolist(), vals.tolist(), strict=True):
                    pending[part[r]][2][ids[j]] = v

    def _score_shortlist(
        self, name: str, q: Parsed, shortlist: list[int], min_score: float
    ) -> tuple | None:
        """Score the shortlist and return the best match's fields (see ``_result``).

        Every key ``_offer`` ranks by ends in the alias index, so the best of the per-entity
        bests is simply the best candidate: the highest rounded score, then (only among
        candidates tied on it) the region/legal-form tie-break, then rule order."""
        if not shortlist:
            return None
        qp = prepare(q)
        prep, parsed = self._prep, self._parsed
        top = -1.0
        tops: list[int] = []
        for i in shortlist:
            ap = prep[i]
            if ap is None:
                ap = prep[i] = prepare(parsed[i])
            s = score_prepared(q, qp, parsed[i], ap, min_score)
            if s > NO_ANCHOR_CAP and self._ordinary_anchor(i, qp, ap):
                s = NO_ANCHOR_CAP
            if s > 0:
                rs = round(s, 6)
                if rs > top:
                    top, tops = rs, [i]
                elif rs == top:
                    tops.append(i)
        if not tops:
            return None
        if len(tops) == 1:
            i = tops[0]
        else:
            i = max(tops, key=lambda j: (self._same_region(q, j), -j))
        cand = (top, -_METHOD_RANK["fuzzy"], self._same_region(q, i), -i, "fuzzy")
        return self._result(name, q, {self._entity[i]: cand}, min_score, qp)

    def _ordinary_anchor(self, i: int, qp: tuple, ap: tuple) -> bool:
        """Whether the name meets alias ``i`` only through ordinary words the alias has more
        words than ("Mobile Mini" and China Mobile International share "mobile"; "SENSE" and
        "Sense Time" share "sense"): a common word is no evidence that two companies are one,
        so such a pair is capped below the review band, as a pair with no anchor is."""
        shared = ap[7] & qp[7]
        if not shared or not shared <= self._ordinary_toks[i]:
            return False
        missing, other = ap[7] - qp[7], qp[7] - shared
        # the alias's other words must be missing, not misspelt ("Pacific Zorbulax")
        return bool(missing) and not any(
            tok_sim(x, y) > OUTSIDE_BUDGET for y in missing for x in other
        )

    def _contained(
        self, name: str, q: Parsed, fuzzy: tuple | None, min_score: float
    ) -> tuple | None:
        """The better of the fuzzy result and the best alias the name contains
        (``contain.py``); the fuzzy one on a tie (its reason is the more precise)."""
        hits = self._contain.best(q)
        if (
            not hits
            or hits[0].score < min_score
            or (fuzzy is not None and fuzzy[3] >= hits[0].score)
        ):
            return fuzzy
        hit = max(hits, key=lambda h: (self._same_region(q, h.alias), -h.alias))
        i = hit.alias
        cand = (hit.score, -_METHOD_RANK["contains"], self._same_region(q, i), -i, "contains")
        return self._result(name, q, {self._entity[i]: cand}, min_score, hit=hit)

    def _match_one(self, name: str, min_score: float) -> tuple | None:
        """``_match_chunk`` for one name, through the one-name ``_shortlist``."""
        q = parse(name)
        best = self._exact_or_normalised(q)
        if best:
            return self._result(name, q, best, min_score)
        fuzzy = self._score_shortlist(name, q, self._shortlist(q, min_score), min_score)
        return self._contained(name, q, fuzzy, min_score)

    def _result(
        self,
        name: str,
        q: Parsed,
        best: dict[str, tuple],
        min_score: float,
        qp: tuple = (),
        hit: Hit | None = None,
    ) -> tuple | None:
        """The Match fields for the best entry of ``best`` (``qp``: the name's prepared
        scoring data, when a fuzzy score may win), or None below ``min_score``."""
        if len(best) == 1:
            ((ent, (s, _, _, neg_i, method)),) = best.items()
        else:
            ent, (s, _, _, neg_i, method) = max(best.items(), key=lambda kv: (kv[1][:4], kv[0]))
        if s < min_score:
            return None
        i = -neg_i
        a = self._parsed[i]
        info = {}
        alias = self._shown_alias(i)
        if method == "fuzzy":
            ap = self._prep[i] or prepare(a)
            info = detail_prepared(q, qp or prepare(q), a, ap)[1]
        if hit is not None:
            reason = hit.reason(alias)
        else:
            reason = _reason(name, alias, q, a, method, s, info)
        return (name, ent, alias, round(s, 4), method, reason)

    def _shown_alias(self, i: int) -> str:
        """Alias ``i`` as a reader knows it: a pinyin spelling with the Chinese it spells."""
        rec = self.aliases[i]
        han = self._pinyin_of.get(i)
        return f"{han} (pinyin: {rec.alias})" if han else rec.alias

    def explain(self, name: str, limit: int = 5) -> dict:
        """Why a name does or does not match: its normal form, tokens and the top candidates
        (from the index, plus exact/normalised hits), each with pass/fail and a reason."""
        q = parse(name)
        rows = []
        seen: set[int] = set()
        for i in [*self._exact.get(q.exact_key, ()), *self._norm.get(q.norm, ())]:
            if i in seen:
                continue
            seen.add(i)
            a = self._parsed[i]
            method = "exact" if a.exact_key == q.exact_key else "normalised"
            rows.append((1.0, method, i, {}))
        for i in self._candidates(q):
            if i in seen:
                continue
            s, info = score_parsed(q, self._parsed[i], detail=True)
            rows.append((s, "fuzzy", i, info))
        for hit in self._contain.best(q)[:1]:
            rows.append((hit.score, "contains", hit.alias, {"hit": hit}))
        rows.sort(key=lambda r: (-r[0], _METHOD_RANK[r[1]], r[2]))
        cands = []
        for s, method, i, info in rows[:limit]:
            rec, a = self.aliases[i], self._parsed[i]
            cands.append(
                {
                    "entity_id": rec.entity_id,
                    "alias": self._shown_alias(i),
                    "alias_normalised": a.norm,
                    "score": round(s, 4),
                    "method": method,
                    "passes": s >= DEFAULT_THRESHOLD,
                    "why": (
                        info["hit"].reason(self._shown_alias(i))
                        if method == "contains"
                        else _reason(name, rec.alias, q, a, method, s, info)
                    )
                    + (" [weak alias: exact/normalised only]" if rec.weak else ""),
                }
            )
        return {
            "name": name,
            "normalised": q.norm,
            "tokens": list(q.tokens),
            "distinctive_tokens": [t for t in q.distinctive if t not in q.numbers],
            "candidates": cands,
            "threshold": DEFAULT_THRESHOLD,
            "review_threshold": REVIEW_THRESHOLD,
        }

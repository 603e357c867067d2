"""Pairwise name score: how strongly does name ``a`` point at alias ``b``?

The score is built on *distinctive* tokens only (generic words, legal forms, places and
connectors removed by ``normalise``), because that is where identity lives:

* Token similarity tolerates typos on a budget that grows with length (0 edits up to 4
  characters, 1 up to 8, 2 up to 13, 3 beyond; Han runs: 0 up to 5, then 1), using
  optimal-string-alignment distance so a swapped pair of letters is one edit, each edit costing
  0.6/length (so a one-letter change in a 5-letter name, "Dahau", lands in the review band,
  while "Hikvison" stays a finding). "ZTEX" is not "ZTE". Outside the budget
  a token pair scores 0.8 x its indel ratio.
* Tokens are aligned one-to-one, greedily by similarity, and combined as a length-weighted
  Dice coefficient, so extra distinctive words on either side ("Dahua *Hotel*") pull the score
  down in proportion to their length. Adjacent tokens may merge ("Hik Vision" = "Hikvision").
* An *anchor* is required: a distinctive token, merged pair of tokens or the whole
  distinctive string equal on both sides, or the whole distinctive strings one edit apart
  (5+ characters). Without an anchor the score
  is capped at 0.6, below the review band. This is also what makes the candidate index exact:
  it retrieves every alias that shares an anchor key.
* Penalties, all additive. Line-of-business generic words in the name that the alias does
  not use cost 0.11 each, ubiquitous ones (Technology, Group, International, ...) 0.03 (max
  0.22 in all): "Dahua *Electronics* Corp" is not how Dahua names itself, so it is a
  review item, not a finding (an entity's other aliases supply the generic words it does use,
  so "Hikvision Digital Technology" still meets "Hangzhou Hikvision Digital Technology").
  Generic words only the alias has cost 0.02 each (max 0.06): a short name ("Hikvision") is
  not evidence against a long alias. Region qualifiers present on both sides but disjoint ("(Hong Kong)" vs
  "(Singapore)") 0.15; numbers (digits, roman series markers) that differ 0.10 if both sides
  have numbers, 0.12 if only one does.
"""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz.distance import OSA, Indel

from .normalise import Parsed, core_tokens, is_han, parse
from .translit import VOWELS, is_pinyin_compound
from .vocabulary import UBIQUITOUS_GENERIC

QUERY_GENERIC_EXTRA = 0.11
QUERY_UBIQUITOUS_EXTRA = 0.03
QUERY_GENERIC_EXTRA_MAX = 0.22
ALIAS_GENERIC_EXTRA = 0.02
ALIAS_GENERIC_EXTRA_MAX = 0.06
TYPO_WEIGHT = 0.6
REGION_CONFLICT = 0.15
NUMBER_CONFLICT = 0.05
NUMBER_ONESIDED = 0.15
MIXED_SCRIPT = 0.02
NO_ANCHOR_CAP = 0.6
OUTSIDE_BUDGET = 0.8


def edit_budget(length: int, han: bool) -> int:
    """Edits tolerated in a token of this length (longer tokens absorb more typos)."""
    if han:
        return 1 if length >= 6 else 0
    if length <= 4:
        return 0
    if length <= 8:
        return 1
    if length <= 13:
        return 2
    return 3


@lru_cache(maxsize=262144)
def tok_sim(x: str, y: str) -> float:
    """Similarity of two tokens in [0, 1]: 1 - TYPO_WEIGHT*edits/len inside the budget,
    <= OUTSIDE_BUDGET outside it or between two pinyin compounds (``two_names``)."""
    if x == y:
        return 1.0
    n = max(len(x), len(y))
    b = edit_budget(n, is_han(x) or is_han(y))
    if b:
        d = OSA.distance(x, y, score_cutoff=b)
        if d <= b and not two_names(x, y):
            return 1.0 - TYPO_WEIGHT * d / n
    return OUTSIDE_BUDGET * Indel.normalized_similarity(x, y)


def two_names(x: str, y: str) -> bool:
    """Whether two words are two pinyin names a consonant apart ("huawei" and "huafei",
    "huawen"): one letter differs, a consonant on at least one side, and both words are pinyin
    compounds. Those are two Chinese names, not one name and its typo. Every other slip still
    counts as a typo: a vowel for a vowel ("Huawai"), swapped letters ("Huwaei"), a dropped or
    doubled letter ("Huwei"), and words under six letters, as often English as Chinese
    ("Chima" for "China")."""
    if len(x) != len(y) or len(x) < 6 or not (x.isascii() and y.isascii()):
        return False
    diff = [(a, b) for a, b in zip(x, y, strict=True) if a != b]
    if len(diff) != 1 or (diff[0][0] in VOWELS and diff[0][1] in VOWELS):
        return False
    return is_pinyin_compound(x) and is_pinyin_compound(y)


@lru_cache(maxsize=262144)
def is_anchor(x: str, y: str) -> bool:
    """Equal, or one edit apart when the longer token has a non-zero budget (and the two are
    not two pinyin names, see ``two_names``)."""
    if x == y:
        return True
    n = max(len(x), len(y))
    if edit_budget(n, is_han(x) or is_han(y)) < 1:
        return False
    return OSA.distance(x, y, score_cutoff=1) <= 1 and not two_names(x, y)


def _find_anchor(us: list[str], vs: list[str], cq: str, ca: str) -> tuple[str, str] | None:
    """An anchor: a unit (token, adjacent merge, whole string) equal on both sides, or the
    whole distinctive strings one edit apart ("Hikvison", "Zhejiang Dahau Technology")."""
    vset = set(vs)
    for x in us:
        if x in vset:
            return (x, x)
    if abs(len(cq) - len(ca)) <= 1 and is_anchor(cq, ca):
        return (cq, ca)
    return None


@lru_cache(maxsize=262144)
def units(tokens: tuple[str, ...]) -> list[str]:
    """Anchor units: tokens, adjacent-pair merges and the whole distinctive string."""
    out = list(tokens)
    out.extend(tokens[i] + tokens[i + 1] for i in range(len(tokens) - 1))
    if len(tokens) > 2:
        out.append("".join(tokens))
    return out


def _merge(xs: list[str], ys: set[str]) -> list[str]:
    """Join adjacent tokens of xs whose concatenation is (nearly) a token of ys."""
    if len(xs) < 2:
        return xs
    out: list[str] = []
    i = 0
    while i < len(xs):
        if i + 1 < len(xs):
            cat = xs[i] + xs[i + 1]
            n = len(cat)
            # is_anchor needs equal strings or one edit, so lengths within one
            if cat in ys or any(
                is_anchor(cat, y) for y in ys if len(y) >= 5 and n - 1 <= len(y) <= n + 1
            ):
                out.append(cat)
                i += 2
                continue
        out.append(xs[i])
        i += 1
    return out


def _weight(t: str) -> float:
    return 2.0 * len(t) if is_han(t) else float(len(t))


def _dice(qt: list[str], at: list[str]) -> tuple[float, list[tuple[str, str, float]]]:
    pairs = sorted(
        ((tok_sim(x, y), i, j) for i, x in enumerate(qt) for j, y in enumerate(at)),
        reverse=True,
    )
    used_q: set[int] = set()
    used_a: set[int] = set()
    matched = 0.0
    aligned: list[tuple[str, str, float]] = []
    for s, i, j in pairs:
        if i in used_q or j in used_a or s <= 0:
            continue
        used_q.add(i)
        used_a.add(j)
        matched += s * (_weight(qt[i]) + _weight(at[j]))
        aligned.append((qt[i], at[j], s))
    total = sum(map(_weight, qt)) + sum(map(_weight, at))
    return (matched / total if total else 0.0), aligned


def _penalties(q: Parsed, a: Parsed) -> tuple[float, list[str], list[str], str]:
    """Generic-word, region and number penalties (see module docstring)."""
    pen = 0.0
    gq, ga = q.generic, a.generic
    q_extra, a_extra = sorted(gq - ga), sorted(ga - gq)
    pen += min(
        QUERY_GENERIC_EXTRA_MAX,
        sum(
            QUERY_UBIQUITOUS_EXTRA if g in UBIQUITOUS_GENERIC else QUERY_GENERIC_EXTRA
            for g in q_extra
        ),
    )
    pen += min(ALIAS_GENERIC_EXTRA_MAX, ALIAS_GENERIC_EXTRA * len(a_extra))
    if q.regions and a.regions and not (q.regions & a.regions):
        pen += REGION_CONFLICT
    num = ""
    if q.numbers != a.numbers:
        if q.numbers and a.numbers:
            pen += NUMBER_CONFLICT
            num = "conflict"
        else:
            pen += NUMBER_ONESIDED
            num = "one-sided"
    return pen, q_extra, a_extra, num


def score_parsed(
    q: Parsed, a: Parsed, detail: bool = False, floor: float = 0.0
) -> tuple[float, dict]:
    """Score parsed name ``q`` against parsed alias ``a``; optional detail for reasons.
    With ``floor`` > 0 a pair whose upper bound (length balance minus the penalties, which
    are cheap) is below ``floor`` returns 0.0 early: the resolver only needs scores >= floor."""
    info: dict = {}
    reg_conflict = bool(q.regions and a.regions and not (q.regions & a.regions))
    if q.norm and q.norm == a.norm and not reg_conflict:
        return 1.0, ({"kind": "normalised"} if detail else info)
    # numbers are judged by the number rule below, not as name content (unless that is all)
    qd, ad = core_tokens(q), core_tokens(a)
    pen = 0.0
    # bilingual names ("海康威视 Hikvision"): compare only the script the alias is written in
    if q.script == "mixed" and a.script in ("latin", "han"):
        want_han = a.script == "han"
        qd = [t for t in qd if is_han(t) == want_han]
        pen += MIXED_SCRIPT
    elif a.script == "mixed" and q.script in ("latin", "han"):
        want_han = q.script == "han"
        ad = [t for t in ad if is_han(t) == want_han]
        pen += MIXED_SCRIPT
    if not qd or not ad:
        # a name of generic words only can never carry a match (it may still be equal, above)
        s = min(NO_ANCHOR_CAP, 0.6 * Indel.normalized_similarity(q.norm, a.norm))
        return s, ({"kind": "generic-only", "d": s} if detail else info)
    cq, ca = "".join(qd), "".join(ad)
    penalties = _penalties(q, a)
    pen += penalties[0]
    if floor > 0.0 and not detail:
        wq, wa = sum(map(_weight, qd)), sum(map(_weight, ad))
        # a within-budget typo pair can beat pure length balance by a little: 0.05 slack
        bound = min(1.0, 2.0 * min(wq, wa) / (wq + wa) + 0.05)
        lq, la = len(cq), len(ca)
        if abs(lq - la) <= 3:
            bound = max(bound, 1.0 - TYPO_WEIGHT * abs(lq - la) / max(lq, la, 1))
        else:
            bound = max(bound, OUTSIDE_BUDGET)
        glued = cq.startswith(ca) or ca.startswith(cq)  # "SiemensAG": see below
        if bound - pen < floor and not glued:
            return 0.0, info
    anchor = _find_anchor(units(tuple(qd)), units(tuple(ad)), cq, ca)
    if len(qd) != len(ad):  # tokenisation differs: try joining neighbours ("Hik Vision")
        qm = _merge(qd, set(ad))
        am = _merge(ad, set(qm))
    else:
        qm, am = qd, ad
    dice, aligned = _dice(qm, am)
    # whole-string comparison only helps when tokenisation differs ("Hik Vision"), and a
    # legal form glued to the name ("SiemensAG") is recognised against the other side's form
    compact = tok_sim(cq, ca) if len(qm) != len(am) else 0.0
    if cq != ca and (cq == ca + "".join(a.removed_legal) or ca == cq + "".join(q.removed_legal)):
        compact = 1.0 - 0.5 / max(len(cq), len(ca))
        anchor = anchor or (cq, ca)
    return _fuzzy_outcome(
        dice, compact, anchor, pen, aligned, reg_conflict, penalties if detail else None
    )


def _fuzzy_outcome(
    dice: float,
    compact: float,
    anchor: tuple[str, str] | None,
    pen: float,
    aligned: list,
    reg_conflict: bool,
    penalties: tuple | None,
) -> tuple[float, dict]:
    """The fuzzy score: the better of token Dice and whole-string similarity, capped when no
    token anchors the pair, less the penalties; with ``penalties`` (``_penalties``' tuple)
    also the explanation. ``score_prepared`` computes the same score inline (hot path)."""
    d = max(dice, compact)
    if anchor is None:
        d = min(d, NO_ANCHOR_CAP)
    s = max(0.0, min(1.0, d - pen))
    if penalties is None:
        return s, {}
    _, q_extra, a_extra, num = penalties
    return s, {
        "kind": "fuzzy",
        "anchor": anchor,
        "aligned": aligned,
        "dice": dice,
        "compact": compact,
        "d": d,
        "gen_q_extra": q_extra,
        "gen_a_extra": a_extra,
        "reg_conflict": reg_conflict,
        "num": num,
        "penalty": pen,
    }


def similarity(a: str, b: str) -> float:
    """Score of name ``a`` against alias ``b`` in [0, 1], as the resolver computes it."""
    try:
        return round(score_parsed(parse(a), parse(b))[0], 4)
    except Exception:  # pragma: no cover - a scorer must not take a scan down
        return 0.0


# ---------------------------------------------------------------------------------------------
# The resolver's hot path: the same score as ``score_parsed(q, a, floor=...)[0]``, with what
# depends on one side only (distinctive tokens minus numbers, their weights, anchor units, the
# joined string, the glued legal form) computed once per name and once per alias instead of
# on every pair. Bilingual names take the general path.
# tests/resolve/test_resolve_speedpaths.py checks the two agree pair for pair.

_WEIGHT: dict[str, float] = {}


def _w(t: str) -> float:
    w = _WEIGHT.get(t)
    if w is None:
        w = _WEIGHT[t] = _weight(t)
    return w


def prepare(p: Parsed) -> tuple:
    """One side's precomputed scoring data: (tokens, weight sum, joined, anchor units as a
    list and as a set, joined legal forms, token weights, token set)."""
    d = core_tokens(p)
    us = units(tuple(d))
    get = _WEIGHT.get
    ws = [get(t) or _w(t) for t in d]
    return (d, sum(ws), "".join(d), us, frozenset(us), "".join(p.removed_legal), ws, set(d))


@lru_cache(maxsize=65536)
def _generic_pen(gq: frozenset[str], ga: frozenset[str]) -> tuple[float, float]:
    """The two generic-word terms of ``_penalties`` (name extras, alias extras)."""
    return (
        min(
            QUERY_GENERIC_EXTRA_MAX,
            sum(
                QUERY_UBIQUITOUS_EXTRA if g in UBIQUITOUS_GENERIC else QUERY_GENERIC_EXTRA
                for g in sorted(gq - ga)
            ),
        ),
        min(ALIAS_GENERIC_EXTRA_MAX, ALIAS_GENERIC_EXTRA * len(ga - gq)),
    )


def _pen_value(q: Parsed, a: Parsed) -> float:
    """``_penalties(q, a)[0]``, with the same float additions in the same order."""
    pen = 0.0
    gq, ga = q.generic, a.generic
    if gq != ga:
        g1, g2 = _generic_pen(gq, ga)
        pen += g1
        pen += g2
    if q.regions and a.regions and not (q.regions & a.regions):
        pen += REGION_CONFLICT
    if q.numbers != a.numbers:
        pen += NUMBER_CONFLICT if q.numbers and a.numbers else NUMBER_ONESIDED
    return pen


def _dice_value(qt: list[str], qw: list[float], at: list[str], aw: list[float], total: float):
    """``_dice(qt, at)[0]`` given the token weights and their total. With one token on a
    side, the greedy alignment is the single best pair (ties to the highest index, as the
    general sort has it)."""
    if len(qt) == 1:
        x = qt[0]
        if len(at) == 1:
            s, j = tok_sim(x, at[0]), 0
        else:
            s, j = max([(tok_sim(x, y), j) for j, y in enumerate(at)])
        if s <= 0:
            return 0.0
        return (s * (qw[0] + aw[j])) / total if total else 0.0
    if len(at) == 1:
        y = at[0]
        s, i = max([(tok_sim(x, y), i) for i, x in enumerate(qt)])
        if s <= 0:
            return 0.0
        return (s * (qw[i] + aw[0])) / total if total else 0.0
    return _dice_detail(qt, qw, at, aw, total)[0]


def score_prepared(q: Parsed, qp: tuple, a: Parsed, ap: tuple, floor: float) -> float:
    """``score_parsed(q, a, floor=floor)[0]`` from prepared sides (see ``prepare``)."""
    if q.script == "mixed" or a.script == "mixed":
        return score_parsed(q, a, floor=floor)[0]
    if (
        q.norm
        and q.norm == a.norm
        and not (q.regions and a.regions and not (q.regions & a.regions))
    ):
        return 1.0
    qd, wq, cq, qunits, _, qlegal, qws, _ = qp
    ad, wa, ca, _, aunits, alegal, aws, aset = ap
    if not qd or not ad:
        return min(NO_ANCHOR_CAP, 0.6 * Indel.normalized_similarity(q.norm, a.norm))
    pen = _pen_value(q, a)
    lq, la = len(cq), len(ca)
    if floor > 0.0:
        bound = min(1.0, 2.0 * min(wq, wa) / (wq + wa) + 0.05)
        if abs(lq - la) <= 3:
            bound = max(bound, 1.0 - TYPO_WEIGHT * abs(lq - la) / max(lq, la, 1))
        else:
            bound = max(bound, OUTSIDE_BUDGET)
        if bound - pen < floor and not (cq.startswith(ca) or ca.startswith(cq)):
            return 0.0
    anchor = not aunits.isdisjoint(qunits) or (abs(lq - la) <= 1 and is_anchor(cq, ca))
    if len(qd) != len(ad):
        qm = _merge(qd, aset)
        am = _merge(ad, set(qm))
        qmw = qws if qm == qd else [_w(t) for t in qm]
        amw = aws if am == ad else [_w(t) for t in am]
        dice = _dice_value(qm, qmw, am, amw, sum(qmw) + sum(amw))
        compact = tok_sim(cq, ca) if len(qm) != len(am) else 0.0
    else:
        dice = _dice_value(qd, qws, ad, aws, wq + wa)
        compact = 0.0
    if cq != ca and (cq == ca + alegal or ca == cq + qlegal):
        compact = 1.0 - 0.5 / max(lq, la)
        anchor = True
    d = max(dice, compact)
    if not anchor:
        d = min(d, NO_ANCHOR_CAP)
    return max(0.0, min(1.0, d - pen))


def _dice_detail(
    qt: list[str], qw: list[float], at: list[str], aw: list[float], total: float
) -> tuple[float, list[tuple[str, str, float]]]:
    """``_dice(qt, at)`` given the token weights and their total: the same alignment, in
    the same order. Equal tokens are the pairs scoring exactly 1.0 (tok_sim of unequal tokens
    is below 1), so the greedy pass takes them first, in descending (i, j) order; only the
    tokens left over need tok_sim. Same alignment and the same float additions as sorting
    every pair."""
    used_q: set[int] = set()
    used_a: set[int] = set()
    matched = 0.0
    aligned: list[tuple[str, str, float]] = []
    aset = set(at)
    if not aset.isdisjoint(qt):
        for i in range(len(qt) - 1, -1, -1):
            x = qt[i]
            if x in aset:
                for j in range(len(at) - 1, -1, -1):
                    if at[j] == x and j not in used_a:
                        used_q.add(i)
                        used_a.add(j)
                        matched += 1.0 * (qw[i] + aw[j])
                        aligned.append((x, at[j], 1.0))
                        break
    pairs = sorted(
        [
            (tok_sim(x, y), i, j)
            for i, x in enumerate(qt)
            if i not in used_q
            for j, y in enumerate(at)
            if j not in used_a
        ],
        reverse=True,
    )
    for s, i, j in pairs:
        if i in used_q or j in used_a or s <= 0:
            continue
        used_q.add(i)
        used_a.add(j)
        matched += s * (qw[i] + aw[j])
        aligned.append((qt[i], at[j], s))
    return (matched / total if total else 0.0), aligned


def detail_prepared(q: Parsed, qp: tuple, a: Parsed, ap: tuple) -> tuple[float, dict]:
    """``score_parsed(q, a, detail=True)`` from prepared sides (see ``prepare``): the
    resolver explains every fuzzy match it returns."""
    if q.script == "mixed" or a.script == "mixed":
        return score_parsed(q, a, detail=True)
    reg_conflict = bool(q.regions and a.regions and not (q.regions & a.regions))
    if q.norm and q.norm == a.norm and not reg_conflict:
        return 1.0, {"kind": "normalised"}
    qd, _, cq, qunits, _, qlegal, qws, _ = qp
    ad, _, ca, _, aunits, alegal, aws, aset = ap
    if not qd or not ad:
        s = min(NO_ANCHOR_CAP, 0.6 * Indel.normalized_similarity(q.norm, a.norm))
        return s, {"kind": "generic-only", "d": s}
    penalties = _penalties(q, a)
    pen = penalties[0]
    anchor: tuple[str, str] | None = None
    for x in qunits:
        if x in aunits:
            anchor = (x, x)
            break
    else:
        if abs(len(cq) - len(ca)) <= 1 and is_anchor(cq, ca):
            anchor = (cq, ca)
    if len(qd) != len(ad):
        qm = _merge(qd, aset)
        am = _merge(ad, set(qm))
    else:
        qm, am = qd, ad
    qmw = qws if qm == qd else [_w(t) for t in qm]
    amw = aws if am == ad else [_w(t) for t in am]
    dice, aligned = _dice_detail(qm, qmw, am, amw, sum(qmw) + sum(amw))
    compact = tok_sim(cq, ca) if len(qm) != len(am) else 0.0
    if cq != ca and (cq == ca + alegal or ca == cq + qlegal):
        compact = 1.0 - 0.5 / max(len(cq), len(ca))
        anchor = anchor or (cq, ca)
    return _fuzzy_outcome(dice, compact, anchor, pen, aligned, reg_conflict, penalties)

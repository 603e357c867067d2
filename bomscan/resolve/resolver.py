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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .normalise import Parsed, is_han, parse
from .score import edit_budget, score_parsed, units

DEFAULT_THRESHOLD = 0.90
REVIEW_THRESHOLD = 0.70

_METHOD_RANK = {"exact": 0, "normalised": 1, "fuzzy": 2}


@dataclass(frozen=True, slots=True)
class AliasRecord:
    entity_id: str
    alias: str
    weak: bool = False


@dataclass(frozen=True, slots=True)
class Match:
    name: str
    entity_id: str
    alias: str
    score: float
    method: str
    reason: str


def _keys(unit: str) -> set[str]:
    """Index keys of one anchor unit: itself, its 1-deletions (if it has a typo budget),
    and for Han runs its character bigrams."""
    keys = {unit}
    if is_han(unit):
        keys.update("\x00" + unit[i : i + 2] for i in range(len(unit) - 1))
    if edit_budget(len(unit) + 1, is_han(unit)) >= 1:
        # +1: a query one character longer may still be within one edit of this unit
        keys.update(unit[:i] + unit[i + 1 :] for i in range(len(unit)))
    return keys


def _parsed_keys(p: Parsed) -> set[str]:
    toks = tuple(t for t in p.distinctive if t not in p.numbers) or p.distinctive
    groups = [toks]
    if p.script == "mixed":  # the scorer compares a bilingual name one script at a time
        groups += [tuple(t for t in toks if is_han(t)), tuple(t for t in toks if not is_han(t))]
    keys: set[str] = set()
    for g in groups:
        for u in units(g):
            keys |= _keys(u)
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
    return f"fuzzy {s:.2f} vs alias '{alias}': " + "; ".join(parts)


class Resolver:
    """Holds parsed aliases and the candidate index; resolves names one distinct value at a time."""

    def __init__(self, aliases: Iterable[AliasRecord], *, indexed: bool = True):
        self.aliases: list[AliasRecord] = list(aliases)
        self.indexed = indexed
        self._parsed: list[Parsed] = [parse(r.alias) for r in self.aliases]
        self._exact: dict[str, list[int]] = {}
        self._norm: dict[str, list[int]] = {}
        self._index: dict[str, list[int]] = {}
        self._fuzzy_ids: list[int] = []
        for i, (rec, p) in enumerate(zip(self.aliases, self._parsed, strict=True)):
            self._exact.setdefault(p.exact_key, []).append(i)
            if p.norm:
                self._norm.setdefault(p.norm, []).append(i)
            if rec.weak or not p.distinctive:
                continue
            self._fuzzy_ids.append(i)
            if indexed:
                for k in _parsed_keys(p):
                    self._index.setdefault(k, []).append(i)

    # -- candidate generation --------------------------------------------------------------
    def _candidates(self, q: Parsed) -> Iterable[int]:
        if not self.indexed:
            return self._fuzzy_ids
        if not q.distinctive:
            return ()
        found: set[int] = set()
        idx = self._index
        for k in _parsed_keys(q):
            hit = idx.get(k)
            if hit:
                found.update(hit)
        return found

    # -- scoring -----------------------------------------------------------------------------
    def _score_all(self, name: str, q: Parsed) -> dict[str, tuple]:
        """Best (score, -method_rank, alias_idx, method) per entity for one name."""
        best: dict[str, tuple[float, int, int, str]] = {}

        def offer(i: int, s: float, method: str) -> None:
            ent = self.aliases[i].entity_id
            # ties: exact > normalised > fuzzy, then an alias with the same market qualifier
            # and legal form ("Dahua Technology USA Inc" -> the USA arm, "Dahua Tech" -> the
            # parent; "Kaspersky Labs Inc." -> "Kaspersky Lab, Inc."), then rule order
            a = self._parsed[i]
            same_region = (2 if q.regions == a.regions else 1 if q.regions & a.regions else 0) + (
                1 if set(q.removed_legal) & set(a.removed_legal) else 0
            )
            cand = (round(s, 6), -_METHOD_RANK[method], same_region, -i, method)
            cur = best.get(ent)
            if cur is None or cand[:4] > cur[:4]:
                best[ent] = cand

        for i in self._exact.get(q.exact_key, ()):
            offer(i, 1.0, "exact")
        if q.norm:
            for i in self._norm.get(q.norm, ()):
                a = self._parsed[i]
                if q.regions and a.regions and not (q.regions & a.regions):
                    continue  # same name, different market qualifier: leave to fuzzy
                offer(i, 1.0, "normalised")
        for i in self._candidates(q):
            s, _ = score_parsed(q, self._parsed[i])
            if s > 0:
                offer(i, s, "fuzzy")
        return best

    def match_names(self, names: Sequence[str], min_score: float = REVIEW_THRESHOLD) -> list[Match]:
        """Best match (one entity) per distinct name whose score >= min_score; names with
        none are omitted. Ties go to exact over normalised over fuzzy, then alias order."""
        out: list[Match] = []
        for name in dict.fromkeys(n for n in names if isinstance(n, str)):
            q = parse(name)
            best = self._score_all(name, q)
            if not best:
                continue
            ent, (s, _, _, neg_i, method) = max(best.items(), key=lambda kv: (kv[1][:4], kv[0]))
            if s < min_score:
                continue
            i = -neg_i
            rec = self.aliases[i]
            a = self._parsed[i]
            info = score_parsed(q, a, detail=True)[1] if method == "fuzzy" else {}
            out.append(
                Match(
                    name=name,
                    entity_id=ent,
                    alias=rec.alias,
                    score=round(s, 4),
                    method=method,
                    reason=_reason(name, rec.alias, q, a, method, s, info),
                )
            )
        return out

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
        rows.sort(key=lambda r: (-r[0], _METHOD_RANK[r[1]], r[2]))
        cands = []
        for s, method, i, info in rows[:limit]:
            rec, a = self.aliases[i], self._parsed[i]
            cands.append(
                {
                    "entity_id": rec.entity_id,
                    "alias": rec.alias,
                    "alias_normalised": a.norm,
                    "score": round(s, 4),
                    "method": method,
                    "passes": s >= DEFAULT_THRESHOLD,
                    "why": _reason(name, rec.alias, q, a, method, s, info)
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

"""Name normalisation: raw vendor string -> comparison form plus token roles.

Why each step exists:

1. Unicode NFKC + case-folding + accent stripping: full-width CJK punctuation, ligatures,
   "Société"/"Societe" and "HUAWEI"/"huawei" must compare equal; Traditional Chinese characters
   become Simplified (華為 = 华为), the form the rules hold. C1 control bytes left over from
   cp1252 mojibake (``\\x92`` for an apostrophe, seen in real CSL rows) become apostrophes.
2. Dotted initialisms are closed up before punctuation is dropped ("S.p.A." -> "spa",
   "L.P." -> "lp", "A.B.C." -> "abc") so they line up with the undotted spelling.
3. ``&`` becomes ``and``; apostrophes vanish ("Int'l" -> "intl"); other punctuation is a space;
   Han runs are split from Latin text so "海康威视Hikvision" is two tokens.
4. Token roles, by longest phrase match against tables:
   * legal forms (rigour's table + common extras, incl. 有限公司/股份有限公司): removed;
   * Chinese registration places (Hangzhou, 浙江, ...): removed unless after a connector;
   * countries/regions ("(USA)", "Europe", "(HK)"): removed when they qualify the name
     (in parentheses, or trailing) but remembered so "(Hong Kong)" vs "(Singapore)" can be
     penalised; kept after "of" ("Bank of China") and at the start ("China Mobile");
   * generic words (Technology, Digital, Electronics, ...): kept in canonical spelling but
     marked generic, so they never carry a match on their own;
   * connectors ("of", "and"): kept, zero weight.
   Han runs are peeled: legal-form and generic suffixes off the end, a place prefix off the
   start; the remaining core stays one token (no substring matching inside it, which is what
   keeps 大华银行 apart from 大华).
5. Safety: if removal would leave nothing distinctive, places/regions come back; if nothing at
   all would remain, legal forms come back too. So a non-empty name never normalises to "".

``normalise`` iterates the pipeline to a fixed point, which makes it idempotent by construction.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from . import vocabulary as V
from .translit import simplified

__all__ = ["normalise", "parse", "pre_tokens", "Parsed", "core_tokens", "is_han"]

_DOTTED = re.compile(r"(?<![^\W\d_])((?:[^\W\d_]\.){2,}(?:[^\W\d_](?![^\W\d_]))?)")
_APOS = re.compile(r"['’‘`´]")
_NONWORD = re.compile(r"[\W_]+")
_HAN_SPLIT = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]+)")
_PARENS = re.compile(r"([()\[\]{}])")
_CTRL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def is_han(tok: str) -> bool:
    """True when the token is a CJK (Han/kana/Hangul) run, compared by characters not words.
    Tokens are either a whole CJK run or contain no CJK at all (the tokeniser splits them),
    so the first character decides."""
    if not tok:
        return False
    c = tok[0]
    return (
        "\u3040" <= c <= "\u30ff"
        or "\u3400" <= c <= "\u9fff"
        or "\uac00" <= c <= "\ud7af"
        or ("\uf900" <= c <= "\ufaff")
    )


# ASCII fast paths: NFKC, accent stripping and case-folding reduce to ``str.lower`` on ASCII
# text, and the word-splitting regexes to one ``findall`` of alphanumeric runs (the same
# tokens as mapping every other character to a space and splitting, twice as fast; most
# vendor names are ASCII).
_ASCII_APOS = str.maketrans("", "", "'`")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]+")


@lru_cache(maxsize=65536)
def clean(s: str) -> str:
    if s.isascii():
        return s.lower() if s.isprintable() else _CTRL.sub(" ", s).lower()
    s = s.replace("\x92", "'").replace("\x91", "'")
    s = _CTRL.sub(" ", s)
    s = unicodedata.normalize("NFKC", s).casefold()
    s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
    s = unicodedata.normalize("NFKC", s).casefold()
    return simplified(s) if _HAN_SPLIT.search(s) else s


def tokens_of(seg: str) -> list[str]:
    if seg.isascii():
        if "." in seg:
            seg = _DOTTED.sub(_undot, seg)
        if "&" in seg:
            seg = seg.replace("&", " and ")
        if "'" in seg or "`" in seg:
            seg = seg.translate(_ASCII_APOS)
        return _ASCII_WORD.findall(seg)
    seg = _DOTTED.sub(_undot, seg)
    seg = seg.replace("&", " and ")
    seg = _APOS.sub("", seg)
    seg = _NONWORD.sub(" ", seg)
    seg = _HAN_SPLIT.sub(r" \1 ", seg)
    return seg.split()


def _undot(m: re.Match) -> str:
    return m.group(1).replace(".", "")


_ORD = re.compile(r"^(\d+)(?:st|nd|rd|th)$")


_NUMBER_TRIGGERS = frozenset((*V.TENS_WORDS, *V.NUMBER_WORDS, *V.ORDINAL_WORDS))


def _numbers(toks: list[str]) -> list[str]:
    """Number words and ordinals to digits: "forty four" / "forty-4" -> "44", "1st" -> "1"."""
    if _NUMBER_TRIGGERS.isdisjoint(toks):
        return _ordinals_only(toks)
    out: list[str] = []
    i = 0
    while i < len(toks):
        text, used = _number_at(toks, i)
        out.append(text)
        i += used
    return out


def _ordinals_only(toks: list[str]) -> list[str]:
    """``_numbers`` for tokens without a number word: only an ordinal ("1st", a token
    starting with a digit) can change."""
    if not _has_digit("".join([t[:1] for t in toks])):
        return toks
    out = None
    for k, t in enumerate(toks):
        m = _ORD.match(t) if t[:1].isdigit() else None
        if m:
            if out is None:
                out = list(toks)
            out[k] = str(int(m.group(1)))
    return toks if out is None else out


def _number_at(toks: list[str], i: int) -> tuple[str, int]:
    """The token at ``i`` as ``_numbers`` writes it, and how many tokens that used."""
    t = toks[i]
    m = _ORD.match(t) if t[:1].isdigit() else None
    if m:
        return str(int(m.group(1))), 1
    if t in V.TENS_WORDS:
        v = V.TENS_WORDS[t]
        nxt = toks[i + 1] if i + 1 < len(toks) else ""
        unit = V.NUMBER_WORDS.get(nxt, int(nxt) if nxt.isdigit() and len(nxt) == 1 else None)
        if unit is not None and 0 < unit < 10:
            return str(v + unit), 2
        return str(v), 1
    if t in V.NUMBER_WORDS:
        return str(V.NUMBER_WORDS[t]), 1
    if t in V.ORDINAL_WORDS:
        return str(V.ORDINAL_WORDS[t]), 1
    return t, 1


def pre_tokens(name: str) -> list[str]:
    """Cleaned tokens before role tagging (also used to pre-normalise the legal-form table)."""
    return tokens_of(clean(name))


def _pre_tokens_parens(name: str) -> tuple[list[str], list[tuple[str, bool]]]:
    """The exact-key tokens, and the tokens (numbers as digits) with a flag saying whether
    they sat inside brackets (a qualifier position)."""
    c = clean(name)
    if not _BRACKETS.search(c):
        toks = tokens_of(c)
        return toks, [(t, False) for t in _numbers(toks)]
    words, flags = _bracketed_words(c)
    return tokens_of(c), list(zip(words, flags, strict=True))


def _bracketed_words(c: str) -> tuple[list[str], list[bool]]:
    """The tokens of ``c`` (numbers as digits), each flagged True when it sits inside brackets."""
    words: list[str] = []
    flags: list[bool] = []
    depth = 0
    for part in _PARENS.split(c):
        if part in ("(", "[", "{"):
            depth += 1
        elif part in (")", "]", "}"):
            depth = max(0, depth - 1)
        else:
            ts = _numbers(tokens_of(part))
            words.extend(ts)
            flags.extend([depth > 0] * len(ts))
    return words, flags


_BRACKETS = re.compile(r"[()\[\]{}]")


# ---------------------------------------------------------------------------------------------
# phrase tables (built once)

# The phrase tables of ``vocabulary`` in token form: keys as ``pre_tokens`` splits a name.


def _key(phrase: str) -> str:
    return " ".join(pre_tokens(phrase))


def _legal_table() -> dict[str, str]:
    return {k: label for form, label in V.LEGAL_FORMS.items() if (k := _key(form))}


def _generic_table() -> dict[str, str]:
    out: dict[str, str] = {}
    for canon, variants in V.GENERIC_CLASSES.items():
        for v in (canon, *variants):
            if k := _key(v):
                out.setdefault(k, canon)
    return out


def _phrase_starts(*tables) -> dict[str, tuple[int, ...]]:
    """For each first word of a phrase, the phrase lengths (in words) that start with it,
    longest first, so most tokens cost one dict lookup."""
    starts: dict[str, set[int]] = {}
    for table in tables:
        for p in table:
            w = p.split()
            starts.setdefault(w[0], set()).add(len(w))
    return {k: tuple(sorted(v, reverse=True)) for k, v in starts.items()}


def _single_words(table, min_len: int = 1) -> list[str]:
    """The one-word ASCII keys of a table with at least ``min_len`` characters, sorted."""
    return sorted(k for k in table if k.isascii() and " " not in k and len(k) >= min_len)


LEGAL: dict[str, str] = _legal_table()
GENERIC: dict[str, str] = _generic_table()
REGIONS: frozenset[str] = frozenset(_key(r) for r in V.REGIONS)
REGION_CANON: dict[str, str] = {_key(k): v for k, v in V.REGION_SYNONYMS.items()}
CN_PLACES: frozenset[str] = frozenset(_key(p) for p in V.CN_PLACES_LATIN)
HAN_PLACES: tuple[str, ...] = V.CN_PLACES_HAN
_HAN_LEGAL = tuple(sorted(set(V.HAN_LEGAL_SUFFIXES), key=len, reverse=True))
_HAN_GENERIC = V.HAN_GENERIC_SUFFIXES
# every prefix of a one-word legal form (a ledger field cut inside it: "CO LT")
LEGAL_PREFIXES = frozenset(k[:i] for k in _single_words(LEGAL) for i in range(1, len(k) + 1))
GENERIC_LATIN: list[str] = _single_words(GENERIC, 6)
LEGAL_LATIN: list[str] = _single_words(LEGAL, 6)
_STARTS = _phrase_starts(LEGAL, GENERIC, REGIONS, CN_PLACES)


# Lookup tables that answer fuzzy_generic's questions without a scan of the word lists
# (it runs for most unknown tokens, ~10-25 us each by scanning): the first legal form (in
# list order) starting with a prefix; the generic words starting with a prefix, in list order;
# and, per token length, the generic words an OSA distance of 1 can reach (length within 1),
# in list order, so extractOne picks the same word as over the whole list.
LEGAL_BY_PREFIX: dict[str, str] = {}
for _k in LEGAL_LATIN:
    for _j in range(1, len(_k) + 1):
        LEGAL_BY_PREFIX.setdefault(_k[:_j], _k)
GENERIC_BY_PREFIX: dict[str, list[str]] = {}
for _k in GENERIC_LATIN:
    for _j in range(1, len(_k) + 1):
        GENERIC_BY_PREFIX.setdefault(_k[:_j], []).append(_k)
_GENERIC_NEAR_LEN: dict[int, list[str]] = {
    n: [k for k in GENERIC_LATIN if abs(len(k) - n) <= 1]
    for n in range(1, max(map(len, GENERIC_LATIN), default=0) + 2)
}
del _k, _j


@lru_cache(maxsize=65536)
def fuzzy_generic(tok: str, last: bool) -> tuple[str, str] | None:
    """A misspelt or truncated generic word / legal form ("Techology", a ledger field cut at
    "DIGITAL TECHN") is still that word, so it must not become distinctive content."""
    if len(tok) < 3 or not tok.isascii() or not tok.isalpha():
        return None
    if last and len(tok) >= 4:
        k = LEGAL_BY_PREFIX.get(tok)
        if k is not None:
            return k, "legal"
        for k in GENERIC_BY_PREFIX.get(tok, ()):
            if len(tok) >= 0.5 * len(k):
                return GENERIC[k], "generic"
    if len(tok) >= 7:
        near = _GENERIC_NEAR_LEN.get(len(tok))
        best = process.extractOne(tok, near, scorer=OSA.distance, score_cutoff=1) if near else None
        if best is not None:
            return GENERIC[best[0]], "generic"
    return None


def _phrase_kind(phrase: str) -> str | None:
    if phrase in LEGAL:
        return "legal"
    if phrase in REGIONS:
        return "region"
    if phrase in CN_PLACES:
        return "place"
    if phrase in GENERIC:
        return "generic"
    return None


# ``_phrase_kind`` as one dict lookup (the tagging loops run it for most tokens): the tables
# are entered lowest priority first, so a phrase in several gets the kind tested first above.
_PHRASE_KIND: dict[str, str] = {
    **dict.fromkeys(GENERIC, "generic"),
    **dict.fromkeys(CN_PLACES, "place"),
    **dict.fromkeys(REGIONS, "region"),
    **dict.fromkeys(LEGAL, "legal"),
}


def _peel_han(tok: str) -> list[tuple[str, str]]:
    """Split one Han run into [(text, role)], role in place/word/generic/legal."""
    if tok in HAN_PLACES:
        return [(tok, "place")]
    if tok in REGIONS:
        return [(tok, "region")]
    if tok in LEGAL:
        return [(tok, "legal")]
    if tok in GENERIC:
        return [(GENERIC[tok], "generic")]
    core, tail = _peel_suffixes(tok)
    head: list[tuple[str, str]] = []
    while (place := _place_prefix(core)) is not None:
        head.append((place, "place"))
        core = core[len(place) :]
    return [*head, (core, "word"), *tail]


def _han_suffix(core: str) -> tuple[str, str] | None:
    """The legal-form suffix of a Han run (else its generic suffix) that leaves 2+
    characters, as (suffix, role)."""
    for suf in _HAN_LEGAL:
        if core.endswith(suf) and len(core) - len(suf) >= 2:
            return suf, "legal"
    for suf in _HAN_GENERIC:
        if core.endswith(suf) and len(core) - len(suf) >= 2:
            return suf, "generic"
    return None


def _peel_suffixes(core: str) -> tuple[str, list[tuple[str, str]]]:
    """Legal-form and generic suffixes off the end of a Han run, as long as 2+ characters
    stay: (what stays, the suffixes in order with their roles)."""
    tail: list[tuple[str, str]] = []
    while (hit := _han_suffix(core)) is not None:
        suf, role = hit
        tail.insert(0, (suf if role == "legal" else GENERIC.get(suf, suf), role))
        core = core[: -len(suf)]
    return core, tail


def _place_prefix(core: str) -> str | None:
    """A place of registration at the start of a Han run that leaves 2+ characters, with
    the 市/省/区 after it when 2+ characters still stay."""
    for p in HAN_PLACES:
        if core.startswith(p) and len(core) - len(p) >= 2:
            rest = core[len(p) :]
            return p + rest[0] if rest[0] in "市省区" and len(rest) - 1 >= 2 else p
    return None


@dataclass(slots=True)
class Parsed:
    """A name broken into the roles the scorer needs. Built once per distinct name/alias."""

    raw: str
    exact_key: str
    norm: str
    tokens: tuple[str, ...]
    distinctive: tuple[str, ...]
    generic: frozenset[str]
    numbers: frozenset[str]
    regions: frozenset[str]
    removed_legal: tuple[str, ...] = ()
    removed_places: tuple[str, ...] = ()
    removed_regions: tuple[str, ...] = ()
    compact: str = ""
    script: str = "latin"
    units: tuple[str, ...] = field(default_factory=tuple)


def _one_pass(name: str) -> Parsed:
    return _first_pass(name)[0]


def _first_pass(name: str) -> tuple[Parsed, bool]:
    """One pass of the pipeline, and whether its result is provably a fixed point (a second
    pass over its ``norm`` would return the same ``norm``; see ``_finish``)."""
    c = clean(name)
    if c.isascii():
        return _one_pass_ascii(name, c)
    exact, toks = _pre_tokens_parens(name)
    # 1. split Han runs into roles
    seq: list[tuple[str, str, bool]] = []  # (text, role, in_parens)
    for t, par in toks:
        if is_han(t):
            seq.extend((x, r, par) for x, r in _peel_han(t))
        else:
            seq.append((t, "", par))
    # 2. longest phrase match for latin tokens
    tagged: list[tuple[str, str, bool]] = []
    i, n = 0, len(seq)
    while i < n:
        text, role, par = seq[i]
        if role:
            tagged.append(seq[i])
            i += 1
            continue
        hit = _phrase_at(seq, i)
        if hit:
            phrase, kind, m = hit
            tagged.append((phrase, kind, any(seq[j][2] for j in range(i, i + m))))
            i += m
            continue
        role = "connector" if text in V.CONNECTORS else "word"
        fz = fuzzy_generic(text, i == n - 1) if role == "word" and i > 0 else None
        if fz:
            text, role = fz
        tagged.append((text, role, par))
        i += 1
    texts = [t for t, _, _ in tagged]
    roles = [r for _, r, _ in tagged]
    pars = [p for _, _, p in tagged]
    return _finish(name, exact, texts, roles, pars, None)


def _phrase_at(seq: list[tuple[str, str, bool]], i: int) -> tuple[str, str, int] | None:
    """The longest phrase of untagged tokens starting at ``i`` that a table knows, as
    (text as written in the result, kind, number of tokens)."""
    n = len(seq)
    for m in _STARTS.get(seq[i][0], ()):
        if m > n - i or any(seq[j][1] for j in range(i, i + m)):
            continue
        phrase = " ".join(seq[j][0] for j in range(i, i + m))
        kind = _PHRASE_KIND.get(phrase)
        if kind == "generic":
            return GENERIC[phrase], kind, m
        if kind == "region" and i == 0:
            return REGION_CANON.get(phrase, phrase), kind, m
        if kind:
            return phrase, kind, m
    return None


def _one_pass_ascii(name: str, c: str) -> tuple[Parsed, bool]:
    """``_one_pass`` for a name that is ASCII once cleaned (most vendor names and aliases):
    no Han runs to peel, so every token starts untagged and steps 1-2 reduce to one phrase
    lookup per token; the same decisions in the same order as the general path."""
    exact = tokens_of(c)
    if _BRACKETS.search(c) is None:
        words = _numbers(exact)
        wpars: list[bool] | None = None
    else:
        words, wpars = _bracketed_words(c)
    texts: list[str] = []
    roles: list[str] = []
    pars: list[bool] = []
    # per tagged item: one source word, kept verbatim (see _finish's fixed-point test)
    simple: list[bool] = []
    i, n = 0, len(words)
    starts = _STARTS
    phrase_kind = _PHRASE_KIND.get
    connectors = V.CONNECTORS
    while i < n:
        text = words[i]
        ms = starts.get(text)
        if ms is not None:
            kind = None
            for m in ms:
                if m > n - i:
                    continue
                phrase = text if m == 1 else " ".join(words[i : i + m])
                kind = phrase_kind(phrase)
                if kind:
                    break
            if kind:
                if kind == "generic":
                    phrase = GENERIC[phrase]
                elif kind == "region" and i == 0:
                    phrase = REGION_CANON.get(phrase, phrase)
                simple.append(m == 1 and phrase == text)
                texts.append(phrase)
                roles.append(kind)
                pars.append(wpars is not None and any(wpars[i : i + m]))
                i += m
                continue
        if text in connectors:
            role = "connector"
            simple.append(False)
        else:
            role = "word"
            fz = fuzzy_generic(text, i == n - 1) if i > 0 else None
            if fz:
                text, role = fz
            simple.append(not fz)
        texts.append(text)
        roles.append(role)
        pars.append(wpars is not None and wpars[i])
        i += 1
    return _finish(name, exact, texts, roles, pars, simple)


_TRAILING_ROLES = frozenset(("legal", "region", "place", "generic", "connector"))


def _finish(
    name: str,
    exact: list[str],
    texts: list[str],
    roles: list[str],
    pars: list[bool],
    simple: list[bool] | None,
) -> tuple[Parsed, bool]:
    """Steps 3-5 of a pass over tagged tokens: what to drop, the safety net, the result; and
    whether the result is provably a fixed point (``_is_fixed_point``)."""
    # a ledger field cut inside the legal form ("HUAWEI TECHNOLOGIES CO LT")
    k = len(roles)
    if k >= 2 and roles[-1] == "word" and roles[-2] == "legal" and texts[-1] in LEGAL_PREFIXES:
        roles[-1] = "legal"
    drop, legal, places, regions = _drops(texts, roles, pars)
    kept = _kept(texts, roles, drop)
    distinctive, generic, numbers = _token_roles(kept)
    if simple is not None:
        script = "latin"
    else:
        han = sum(1 for t in distinctive if is_han(t))
        script = "han" if han and han == len(distinctive) else ("mixed" if han else "latin")
    fixed = simple is not None and _is_fixed_point(texts, roles, drop, kept, simple)
    tokens = tuple([t for t, _ in kept])
    parsed = Parsed(
        name,
        " ".join(exact),
        " ".join(tokens),
        tokens,
        tuple(distinctive),
        frozenset(generic) if generic else _EMPTY,
        frozenset(numbers) if numbers else _EMPTY,
        frozenset([REGION_CANON.get(r, r) for r in regions]) if regions else _EMPTY,
        tuple(legal),
        tuple(places),
        tuple(regions),
        "".join(distinctive),
        script,
        (),
    )
    return parsed, fixed


def _drops(
    texts: list[str], roles: list[str], pars: list[bool]
) -> tuple[list[bool], list[str], list[str], list[str]]:
    """Step 3, which tagged items to drop: (per item, the legal forms, places and regions
    dropped). Legal forms go; places and regions go unless after a connector ("Bank of
    China"), regions only when they qualify the name (in brackets, or trailing after it).
    Words, generic words and connectors stay. The safety net: with no plain word, places
    and regions stay, and with nothing else left legal forms stay too."""
    drop = [False] * len(roles)
    legal: list[str] = []
    places: list[str] = []
    regions: list[str] = []
    prev = ""
    for idx, role in enumerate(roles):
        if role == "legal":
            drop[idx] = True
            legal.append(texts[idx])
        elif prev != "connector" and (
            role == "place" or (role == "region" and _qualifies(idx, roles, pars))
        ):
            drop[idx] = True
            (places if role == "place" else regions).append(texts[idx])
        prev = role
    if "word" not in roles:
        places, regions = [], []
        drop = [d and r not in ("place", "region") for d, r in zip(drop, roles, strict=True)]
        if all(d or r == "connector" for d, r in zip(drop, roles, strict=True)):
            drop, legal = [False] * len(roles), []
    return drop, legal, places, regions


def _qualifies(idx: int, roles: list[str], pars: list[bool]) -> bool:
    """Whether the region at ``idx`` qualifies the name: in brackets, or after the name with
    nothing but legal forms, regions, places, generic words and connectors after it."""
    return pars[idx] or (idx > 0 and _TRAILING_ROLES.issuperset(roles[idx + 1 :]))


def _kept(texts: list[str], roles: list[str], drop: list[bool]) -> list[tuple[str, str]]:
    """The (word, role) pairs not dropped, phrases split into words, without a leading "the"
    or trailing connectors (they carry nothing)."""
    kept: list[tuple[str, str]] = []
    for t, r, d in zip(texts, roles, drop, strict=True):
        if not d:
            if " " in t:
                kept.extend((w, r) for w in t.split())
            else:
                kept.append((t, r))
    while len(kept) > 1 and kept[0][1] == "connector" and kept[0][0] == "the":
        kept.pop(0)
    while len(kept) > 1 and kept[-1][1] == "connector":
        kept.pop()
    return kept


def _token_roles(kept: list[tuple[str, str]]) -> tuple[list[str], set[str], set[str]]:
    """(distinctive tokens, generic words, numbers) of the kept words. A roman numeral after
    the first word is a series number, not content (a single i/v/x only at the end); a
    token with digits is both distinctive and a number."""
    distinctive: list[str] = []
    generic: set[str] = set()
    numbers: set[str] = set()
    last = len(kept) - 1
    roman, roman1 = V.ROMAN, V.ROMAN_SINGLE
    for pos, (t, r) in enumerate(kept):
        if r == "generic":
            generic.add(t)
        elif r == "connector":
            continue
        elif pos > 0 and (t in roman or (t in roman1 and pos == last)):
            numbers.add(t)
        else:
            if not t.isalpha() and _has_digit(t):
                numbers.add(t)
            distinctive.append(t)
    return distinctive, generic, numbers


def _is_fixed_point(
    texts: list[str],
    roles: list[str],
    drop: list[bool],
    kept: list[tuple[str, str]],
    simple: list[bool],
) -> bool:
    """Whether a second pass would return the same normal form, so ``parse`` can skip it (a
    third of all passes). ``simple`` (ASCII path only) marks tagged items that are one source
    word kept verbatim. When every item kept is such a word or generic word and they are
    contiguous, the second pass sees a contiguous run of the first pass's words: every phrase
    it can look up was looked up (with the same answer) by the first pass; number conversion
    is idempotent on its own output; nothing is a connector, legal form, place or region, so
    nothing is dropped or stripped. The one decision that depends on position and can differ
    is the fuzzy generic test on the run's last word (now last in the name), checked here."""
    if not kept:
        return False
    live = [j for j, d in enumerate(drop) if not d]
    if len(live) != len(kept) or live[-1] - live[0] != len(live) - 1:
        return False
    if not all(simple[j] and roles[j] in ("word", "generic") for j in live):
        return False
    if len(live) > 1 and roles[live[-1]] == "word" and live[-1] < len(roles) - 1:
        return fuzzy_generic(texts[live[-1]], True) is None
    return True


_EMPTY: frozenset[str] = frozenset()
_DIGITS = frozenset("0123456789")


def _has_digit(t: str) -> bool:
    """``any(map(str.isdigit, t))``; the common ASCII case without a per-character call."""
    if t.isascii():
        return not _DIGITS.isdisjoint(t)
    return any(map(str.isdigit, t))


# Later passes run on a normal form, and normal forms repeat across names and aliases
# ("Hailong Technology Co., Ltd." and "HAILONG TECHNOLOGY CO" share "hailong technology").
_later_pass = lru_cache(maxsize=65536)(_one_pass)


@lru_cache(maxsize=131072)
def parse(name: str) -> Parsed:
    """Parse a raw name; the result's ``norm`` is a fixed point of the pipeline."""
    if not isinstance(name, str):
        name = "" if name is None else str(name)
    first, fixed = _first_pass(name)
    if fixed:
        return first
    if first.norm == first.exact_key and name.isascii() and not _BRACKETS.search(name):
        return first  # a second pass would see exactly the same tokens: already fixed
    cur = first
    for _ in range(6):
        nxt = _later_pass(cur.norm)
        if nxt.norm == cur.norm:
            break
        cur = nxt
    if cur is first:
        return first
    # keep what the first pass removed (for reasons) but the fixed point's token roles
    return Parsed(
        raw=name,
        exact_key=first.exact_key,
        norm=cur.norm,
        tokens=cur.tokens,
        distinctive=cur.distinctive,
        generic=cur.generic,
        numbers=cur.numbers,
        regions=first.regions | cur.regions,
        removed_legal=first.removed_legal + cur.removed_legal,
        removed_places=first.removed_places + cur.removed_places,
        removed_regions=first.removed_regions + cur.removed_regions,
        compact=cur.compact,
        script=cur.script,
    )


def core_tokens(p: Parsed) -> list[str]:
    """The distinctive tokens that identify a name: numbers aside (they are judged by the
    scorer's number rule, not as name content), unless numbers are all there is."""
    nums = p.numbers
    if not nums:
        return list(p.distinctive)
    return [t for t in p.distinctive if t not in nums] or list(p.distinctive)


def normalise(name: str) -> str:
    """The comparison form of a name: NFKC, case-folded, accents and punctuation removed,
    ``&`` as ``and``, legal forms and place/region qualifiers removed, generic words in
    canonical spelling. Idempotent, never raises, and non-empty for any name containing a
    letter or digit. Example: ``"HANGZHOU HIKVISION DIGITAL TECH CO LTD"`` ->
    ``"hikvision digital technology"``; ``"杭州海康威视数字技术股份有限公司"`` ->
    ``"海康威视 digital technology"``.
    """
    try:
        return parse(name).norm
    except Exception:  # pragma: no cover - defensive: normalisation must never raise
        return " ".join(str(name).casefold().split())

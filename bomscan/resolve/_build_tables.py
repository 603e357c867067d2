"""Regenerate ``_legal_forms.py`` from rigour's ``org_types.yml``.

Not imported at runtime. Run from the repo root when the upstream table changes::

    python -m bomscan.resolve._build_tables ../shared/samples/rigour/org_types.yml

After editing ``_tables.py`` (word tables) regenerate only the normaliser's token-form tables::

    python -m bomscan.resolve._build_tables --norm-tables

Why a generated module rather than the YAML: PyYAML is not a runtime dependency, and the
derived table is far smaller (only company-type legal forms, pre-normalised to the exact
token form our normaliser produces, so lookups are plain dict hits).

Source: opensanctions/rigour @8f4044dd, ``resources/names/org_types.yml``, MIT licence,
(c) OpenSanctions Datenbanken GmbH. The table derives from an OCCRP spreadsheet, ISO 20275
ELF codes and Wikipedia.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Classes of legal form we strip. NGO/SOE/FIN/REL/MIL forms ("charity fund", "state
# enterprise", "joint stock commercial bank") carry words that distinguish entities.
KEEP_GENERIC = {"LLC", "JSC", "LP", "LLP", "GP", "SP", "COOP", "JV", None, ""}

# Aliases that are also ordinary words or too ambiguous to strip from a vendor name.
DENY = {
    "in",
    "yu",
    "ku",
    "ll",
    "lc",
    "ev",
    "ek",
    "lt",
    "eg",
    "ug",
    "cooperation",
    "cooperative",
    "cooperatif",
    "kooperatif",
    "charity",
    "nonprofit",
    "verein",
    "stiftung",
    "union",
    "trust",
    "fund",
    "bank",
    "foundation",
    "association",
    "society",
    "partners",
    "partnership",
    "institute",
    "group",
    "holding",
    "holdings",
    "international",
    "company of",
    "firm",
    "firma",
    "mbh",
    "vog",
    "gag",
    "kor",
    "sce",
    "aor",
    "shk",
    "cic",
    "pmc",
    "abp",
    "ngo",
    "npo",
    "ags",
}
DENY_WORDS = {
    "bank",
    "trust",
    "fund",
    "charity",
    "charitable",
    "foundation",
    "association",
    "state",
    "federal",
    "national",
    "municipal",
    "society",
    "church",
    "institution",
    "organization",
    "organisation",
    "credit",
    "savings",
    "university",
    "school",
}


def build(src: Path) -> list[tuple[str, str]]:
    import yaml

    from bomscan.resolve.normalise import pre_tokens

    types = yaml.safe_load(src.read_text(encoding="utf-8"))["types"]
    out: dict[str, str] = {}
    for t in types:
        if t.get("generic") not in KEEP_GENERIC:
            continue
        label = str(t.get("compare") or t.get("display") or t["aliases"][0])
        for alias in t["aliases"]:
            toks = pre_tokens(str(alias))
            key = " ".join(toks)
            if not key or key in DENY or DENY_WORDS.intersection(toks):
                continue
            out.setdefault(key, label)
    return sorted(out.items())


def derive_norm_tables() -> dict:
    """The normaliser's phrase tables in token form (keys as ``pre_tokens`` produces them),
    from ``_legal_forms.py`` and ``_tables.py``. Stored in ``_norm_tables.json`` so that
    importing the normaliser does not redo this (~30 ms) on every CLI start."""
    from bomscan.resolve import _tables as T
    from bomscan.resolve._legal_forms import LEGAL_FORMS
    from bomscan.resolve.normalise import pre_tokens

    def key(s: str) -> str:
        return " ".join(pre_tokens(s))

    legal: dict[str, str] = {}
    for k, v in list(LEGAL_FORMS.items()) + list(T.EXTRA_LEGAL_FORMS.items()):
        if key(k):
            legal[key(k)] = v
    generic: dict[str, str] = {}
    for canon, variants in T.GENERIC_CLASSES.items():
        for v in (canon, *variants):
            if key(v):
                generic.setdefault(key(v), canon)
    regions = sorted({key(r) for r in T.REGIONS})
    cn_places = sorted({key(p) for p in T.CN_PLACES_LATIN})
    starts: dict[str, list[int]] = {}
    for p in (*legal, *generic, *regions, *cn_places):
        w = p.split()
        starts[w[0]] = sorted({*starts.get(w[0], ()), len(w)}, reverse=True)
    return {
        "legal": legal,
        "generic": generic,
        "regions": regions,
        "region_canon": {key(k): v for k, v in T.REGION_SYNONYMS.items()},
        "cn_places": cn_places,
        "legal_prefixes": sorted(
            {k[:i] for k in legal if k.isascii() and " " not in k for i in range(1, len(k) + 1)}
        ),
        "generic_latin": sorted(k for k in generic if k.isascii() and " " not in k and len(k) >= 6),
        "legal_latin": sorted(k for k in legal if k.isascii() and " " not in k and len(k) >= 6),
        "starts": starts,
    }


def write_norm_tables() -> Path:
    import json

    dest = Path(__file__).with_name("_norm_tables.json")
    text = json.dumps(derive_norm_tables(), ensure_ascii=False, indent=0, sort_keys=False)
    dest.write_text(text + "\n", encoding="utf-8")
    return dest


def main() -> None:
    if sys.argv[1:] == ["--norm-tables"]:
        print(f"wrote {write_norm_tables()}")
        return
    src = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/samples/rigour/org_types.yml")
    rows = build(src)
    dest = Path(__file__).with_name("_legal_forms.py")
    lines = [
        '"""Legal forms (generated by _build_tables.py; do not edit by hand).',
        "",
        "Derived from opensanctions/rigour @8f4044dd resources/names/org_types.yml",
        "(MIT licence, (c) OpenSanctions Datenbanken GmbH; OCCRP, ISO 20275 ELF, Wikipedia).",
        "Keys are already in normalised token form; values are rigour's compare/display label.",
        '"""',
        "",
        "LEGAL_FORMS: dict[str, str] = {",
    ]
    lines += [f"    {k!r}: {v!r}," for k, v in rows]
    lines.append("}")
    dest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(rows)} legal forms to {dest}")
    print(f"wrote {write_norm_tables()}")


if __name__ == "__main__":
    main()

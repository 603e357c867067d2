"""Refresh the resolver's vocabulary files (``bomscan/resolve/data/*.tsv``) from rigour.

Run from the repository root, with a checkout of opensanctions/rigour (MIT licence) and PyYAML
(a tool of this script only, not a dependency of bomscan)::

    git clone https://github.com/opensanctions/rigour ../rigour   # any commit; note which
    python scripts/gen_vocabulary.py ../rigour --commit "$(git -C ../rigour rev-parse --short HEAD)"

What it writes:

* ``legal_forms.tsv``: the rows whose ``source`` is ``rigour`` are rebuilt from rigour's
  ``resources/names/org_types.yml`` (company-type legal forms only, see ``KEEP_GENERIC`` and
  the deny lists); every other row (``source`` ``bomscan``: our additions, Chinese and
  Japanese forms and their pinyin among them) is kept as it is in the file.
* ``regions.tsv``: the ``territory`` column is filled in from rigour's
  ``resources/territories/*.yml`` (the code of the territory that lists the name, for review);
  names and canonical forms are ours and are kept.

``generic_words.tsv`` and ``cn_places.tsv`` are ours alone and not touched. Review the diff
before committing: ``tests/resolve/test_vocabulary.py`` checks the files (columns, normal
forms, labels in the script of their form or in Latin).
"""

from __future__ import annotations

import argparse
import csv
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bomscan" / "resolve" / "data"
sys.path.insert(0, str(ROOT))

# rigour's ``generic`` classes of legal form that are stripped from vendor names. NGO, SOE,
# FIN, REL and MIL forms ("charity fund", "state enterprise", "joint stock commercial bank")
# carry words that tell entities apart.
KEEP_GENERIC = {"LLC", "JSC", "LP", "LLP", "GP", "SP", "COOP", "JV", None, ""}

# Forms (in normal form) that are also ordinary words or too ambiguous to strip.
DENY = set(
    """in yu ku ll lc ev ek lt eg ug cooperation cooperative cooperatif kooperatif charity
    nonprofit verein stiftung union trust fund bank foundation association society partners
    partnership institute group holding holdings international firm firma mbh vog gag kor sce
    aor shk cic pmc abp ngo npo ags""".split()
) | {"company of"}
# Forms holding one of these words are not legal forms of a company.
DENY_WORDS = set(
    """bank trust fund charity charitable foundation association state federal national
    municipal society church institution organization organisation credit savings university
    school""".split()
)
# Taken out on review: rigour lists these among company types without a generic class, but they
# name what an organisation does (so they tell entities apart), not its legal form.
REVIEWED_OUT = {
    "д с": "kindergarten (Д/С)",
    "детскии сад": "kindergarten",
    "доу": "pre-school institution (ДОУ)",
    "дошкольное образовательное учреждение": "pre-school institution",
    "научныи центр": "scientific centre",
    "нц": "scientific centre (НЦ)",
    "первичная организация профсоюза областного бюджетного учреждения здравоохранения": (
        "a trade-union branch of a regional health institution"
    ),
    "первичная организация профсоюза работников здравоохранения": "a health workers' union branch",
    "поп обгуз": "a trade-union branch (ПОП ОБГУЗ)",
    "попрз": "a health workers' union branch (ПОПРЗ)",
    "садоводческое некоммерческое товарищество": "a gardeners' non-profit partnership",
    "акционерное общество финансово строительная компания": (
        "'JSC Financial-Construction Company': a line of business after the legal form"
    ),
}

LEGAL_COLUMNS = ("form", "normalised", "label", "use", "source")
REGION_COLUMNS = ("name", "canonical", "territory", "source")


def scripts(text: str) -> set[str]:
    """The scripts of a text's letters, by the first word of their Unicode names (LATIN,
    CYRILLIC, CJK, HANGUL, ...)."""
    return {unicodedata.name(c, "?").split()[0] for c in text if c.isalpha()}


def label_fits(label: str, form: str) -> bool:
    """A label is written in its form's script, or in Latin (an abbreviation such as JSC)."""
    return scripts(label) <= scripts(form) | {"LATIN"}


def pick_label(entry: dict, form: str) -> str:
    """rigour's compare, display or generic label of an org type, the first written in the
    form's script or in Latin; else the form itself. (Taking the first alias of the type, as
    an earlier generator did, gave 股份有限公司 an Amharic label.)"""
    for key in ("compare", "display", "generic"):
        label = entry.get(key)
        if label and label_fits(str(label), form):
            return str(label)
    return form


def legal_rows_from_rigour(org_types: Path) -> list[dict]:
    import yaml

    from bomscan.resolve.normalise import pre_tokens

    rows: dict[str, dict] = {}
    for entry in yaml.safe_load(org_types.read_text(encoding="utf-8"))["types"]:
        if entry.get("generic") not in KEEP_GENERIC:
            continue
        for alias in entry["aliases"]:
            form = str(alias)
            toks = pre_tokens(form)
            key = " ".join(toks)
            if not key or key in DENY or DENY_WORDS.intersection(toks) or key in rows:
                continue
            if key in REVIEWED_OUT:
                continue
            label = pick_label(entry, form)
            rows[key] = {"form": form, "normalised": key, "label": label, "use": "phrase"}
    return [{**r, "source": "rigour"} for _, r in sorted(rows.items())]


def read_tsv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def write_tsv(path: Path, columns: tuple[str, ...], rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, columns, delimiter="\t", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def territory_names(territories: Path) -> dict[str, str]:
    """{normal form of a name: territory code} over rigour's territory files."""
    import yaml

    from bomscan.resolve.normalise import pre_tokens

    out: dict[str, str] = {}
    for f in sorted(territories.glob("*.yml")):
        t = yaml.safe_load(f.read_text(encoding="utf-8"))
        names = [t.get("name"), t.get("full_name"), t.get("alpha3"), f.stem]
        names += t.get("names_strong") or []
        for n in names:
            if n:
                out.setdefault(" ".join(pre_tokens(str(n))), f.stem)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("rigour", type=Path, help="a checkout of opensanctions/rigour")
    ap.add_argument("--commit", default="", help="the rigour commit, for the NOTICE")
    args = ap.parse_args()
    res = args.rigour / "resources"

    ours = [r for r in read_tsv(DATA / "legal_forms.tsv") if r["source"] != "rigour"]
    legal = legal_rows_from_rigour(res / "names" / "org_types.yml") + ours
    write_tsv(DATA / "legal_forms.tsv", LEGAL_COLUMNS, legal)
    print(f"legal_forms.tsv: {len(legal) - len(ours)} rows from rigour, {len(ours)} ours")

    from bomscan.resolve.normalise import pre_tokens

    where = territory_names(res / "territories")
    regions = read_tsv(DATA / "regions.tsv")
    for r in regions:
        names = (" ".join(pre_tokens(r["name"])), " ".join(pre_tokens(r["canonical"])))
        r["territory"] = next((where[n] for n in names if n in where), "")
    write_tsv(DATA / "regions.tsv", REGION_COLUMNS, regions)
    print(f"regions.tsv: {sum(1 for r in regions if r['territory'])}/{len(regions)} in rigour")
    if args.commit:
        print(f"now record rigour @{args.commit} in bomscan/resolve/data/NOTICE")


if __name__ == "__main__":
    main()

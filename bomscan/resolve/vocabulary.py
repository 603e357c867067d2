"""The words the normaliser gives roles to, read from the data files in ``data/``.

Every entry changes which vendor names collide, so the word lists are data, reviewed as data
(``data/README.md`` describes each file and its columns):

* ``legal_forms.tsv``: legal forms, removed from names ("Co Ltd", "GmbH", 股份有限公司,
  "youxian gongsi"); rows from rigour's ``org_types.yml`` (MIT licence, see ``data/NOTICE``)
  refreshed by ``scripts/gen_vocabulary.py``, and our own;
* ``generic_words.tsv``: generic words in canonical spelling ("Tech" -> technology, 科技 ->
  technology), kept but never distinctive;
* ``regions.tsv``: countries and regions that qualify a name ("(USA)", "Europe");
* ``cn_places.tsv``: Chinese registration places (Hangzhou, 浙江), dropped from names;
* ``world_places.tsv``: the world's larger cities (GeoNames, CC BY 4.0, see ``data/NOTICE``),
  never dropped from a name, only read when a name contains a listed name, to tell a place it
  adds ("... Düsseldorf GmbH") from another word (``contain.py``).

What stays here as code is the grammar of names rather than vocabulary: connectors, number
words, ordinals and roman series markers.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

__all__ = [
    "CN_PLACES_HAN",
    "CN_PLACES_LATIN",
    "CONNECTORS",
    "GENERIC_CLASSES",
    "HAN_GENERIC_SUFFIXES",
    "HAN_LEGAL_SUFFIXES",
    "LEGAL_FORMS",
    "NUMBER_WORDS",
    "ORDINAL_WORDS",
    "REGIONS",
    "REGION_SYNONYMS",
    "ROMAN",
    "ROMAN_SINGLE",
    "DATA",
    "TENS_WORDS",
    "UBIQUITOUS_GENERIC",
    "world_places",
    "read_table",
]


DATA = Path(__file__).with_name("data")


def read_table(name: str) -> list[dict[str, str]]:
    """The rows of ``data/<name>`` (tab-separated, a header row), in file order."""
    with (DATA / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


_LEGAL_ROWS = read_table("legal_forms.tsv")
_GENERIC_ROWS = read_table("generic_words.tsv")
_REGION_ROWS = read_table("regions.tsv")
_PLACE_ROWS = read_table("cn_places.tsv")

# Legal forms as written -> label (the label is for people; matching uses the form). Later
# rows win a label, so our own rows (after rigour's) decide it.
LEGAL_FORMS: dict[str, str] = {r["form"]: r["label"] for r in _LEGAL_ROWS if "phrase" in r["use"]}

# Han-script legal-form suffixes, peeled off the end of a Han run ("...股份有限公司").
HAN_LEGAL_SUFFIXES: tuple[str, ...] = tuple(
    dict.fromkeys(r["form"] for r in _LEGAL_ROWS if "han-suffix" in r["use"])
)

# Generic words: canonical form -> its spellings (the canonical one first).
GENERIC_CLASSES: dict[str, tuple[str, ...]] = {}
for _r in _GENERIC_ROWS:
    GENERIC_CLASSES[_r["canonical"]] = (*GENERIC_CLASSES.get(_r["canonical"], ()), _r["word"])

# Generic words so common in company names that a name adding one says little ("HiSilicon
# Technologies" is HiSilicon). Other generic words name a line of business, and a name adding
# one the alias lacks ("Dahua *Electronics*") is weaker evidence; see score.py.
UBIQUITOUS_GENERIC = frozenset(r["canonical"] for r in _GENERIC_ROWS if r["weight"] == "ubiquitous")

# Han-script generic suffixes, longest first (peeled off the end of a Han run).
HAN_GENERIC_SUFFIXES: tuple[str, ...] = tuple(
    sorted(
        {v for vs in GENERIC_CLASSES.values() for v in vs if not v.isascii() and len(v) >= 2},
        key=len,
        reverse=True,
    )
)

# Branch / market qualifiers: countries and regions. Dropped when they qualify a name (in
# parentheses, or trailing after the distinctive part) but remembered: two names whose
# qualifiers are both present and disjoint ("(Hong Kong)" vs "(Singapore)") are penalised.
# Not dropped after a connector ("Bank of China") or at the start ("China Mobile").
REGIONS: list[str] = [r["name"] for r in _REGION_ROWS]
# Spellings of the same region, so "U.S." and "United States" (or "(HK)" and "Hong Kong") agree.
REGION_SYNONYMS: dict[str, str] = {
    r["name"]: r["canonical"] for r in _REGION_ROWS if r["canonical"] != r["name"]
}

# Chinese registration places (provinces and large cities). Chinese company names usually
# begin with the place of registration ("Hangzhou Hikvision", "浙江大华"), which says nothing
# about identity, so these are dropped wherever they qualify a name.
CN_PLACES_LATIN: list[str] = [r["name"] for r in _PLACE_ROWS if r["script"] == "latin"]
CN_PLACES_HAN: tuple[str, ...] = tuple(
    sorted((r["name"] for r in _PLACE_ROWS if r["script"] == "han"), key=len, reverse=True)
)
del _r

# Words that join name parts. Kept in the normalised form (so "Bank of China" keeps its "of"
# and a trailing country after "of" is not mistaken for a branch qualifier) but given zero
# weight when scoring.
CONNECTORS = frozenset(
    "the and of for de du des del della di da do dos das la le les el y et und in".split()
)

# Roman numerals treated as series markers (numbers), not as name content.
ROMAN = frozenset("ii iii iv vi vii viii ix xi xii xiii xiv xv xvi xvii xviii xix xx".split())
ROMAN_SINGLE = frozenset({"i", "v", "x"})

# Number words, so "Brigade Forty-Four" = "Brigade 44" and "1st" = "First".
NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen "
        "fourteen fifteen sixteen seventeen eighteen nineteen".split()
    )
}
TENS_WORDS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fourty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
ORDINAL_WORDS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
}


@cache
def world_places() -> frozenset[str]:
    """The world's larger cities, in comparison form (multi-word names space-separated);
    read on first use (12,000 rows: not on a run where no name contains a listed name)."""
    return frozenset(r["name"] for r in read_table("world_places.tsv"))

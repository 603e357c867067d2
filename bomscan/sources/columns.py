"""Column roles: which header of a CSV BOM or ledger holds the maker, the vendor, the money.

Headers are compared case-, space- and punctuation-insensitively ("Mfr. Name" == "mfrname"),
and a currency written into a money header ("Extended Price CAD", "Unit Price($)", "Ext.: (USD)")
is read off it. The spellings are data (``data/headers.tsv``: role, header, where it is seen),
covering EDA BOMs, distributor carts and orders, ERP exports, UK Transparency Code and US
checkbook files. ``--column role=Header`` overrides detection for one role; ``--column role=``
(empty) switches a role off.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

DATA = Path(__file__).with_name("data") / "headers.tsv"


def _tsv(name: str) -> list[dict[str, str]]:
    """The rows of a vocabulary file in ``data/`` (tab-separated, a header row first)."""
    with DATA.with_name(name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def _read_headers() -> tuple[dict[str, tuple[str, ...]], tuple[str, ...]]:
    """``data/headers.tsv``: (role -> header spellings in compared form, ledger hints)."""
    roles: dict[str, list[str]] = {}
    hints: list[str] = []
    for row in _tsv(DATA.name):
        if row["role"] == "ledger_hint":
            hints.append(row["header"])
        else:
            roles.setdefault(row["role"], []).append(row["header"])
    return {r: tuple(hs) for r, hs in roles.items()}, tuple(hints)


# role -> accepted header spellings (compared form: lower case, letters and digits), and the
# headers that make a table a spend ledger rather than a BOM: data, reviewed as data
ROLE_HEADERS, LEDGER_HINTS = _read_headers()

# Roles whose columns carry organisation names: every such column is screened.
NAME_ROLES = ("manufacturer", "supplier")
# Roles that may have several columns: the names, and distributors' part numbers (a BOM lists
# Digi-Key, Mouser and LCSC numbers side by side, alternatives for the same line).
MULTI_ROLES = (*NAME_ROLES, "distributor_part")
# Roles a BOM or ledger without any name column is still recognised by (it is read, and the
# report says nothing could be screened, rather than the file being refused).
TABLE_ROLES = ("part", "distributor_part", "reference", "quantity", "unit_price", "amount", "date")
ROLES = tuple(ROLE_HEADERS)
# Roles a line is made of: a row below the table with none of them (a note, KiCost's zero
# residue rows) is not a line; a currency alone makes none.
LINE_ROLES = tuple(r for r in ROLES if r != "currency")
# Roles a totals row never has: a total sums lines, it is not one.
ITEM_ROLES = ("date", "part", "distributor_part", "reference")


# The shape of a distributor's own ordering codes, by a word its column header carries: a
# column named for the distributor whose values mostly lack that shape holds makers' numbers.
DISTRIBUTOR_CODES = {r["header_word"]: r["pattern"] for r in _tsv("distributor_codes.tsv")}


def distributor_code(header: str) -> str | None:
    """The code pattern of the distributor a header names ("Mouser Part Number"), or None."""
    form = compare_form(header)
    return next((p for word, p in DISTRIBUTOR_CODES.items() if word in form), None)


def _read_placeholders() -> list[str]:
    """Each placeholder as written in any of the usual casings (matched without lowercasing
    every cell of a 10M-row ledger)."""
    words = [r["placeholder"] for r in _tsv("placeholder_names.tsv")]
    return sorted({f(w) for w in words for f in (str.lower, str.upper, str.title, str.capitalize)})


# Name cells that stand for no name ("Redacted Personal Information", "N/A"): such a line is
# counted as naming nobody, never screened and never a clean name.
PLACEHOLDER_NAMES = _read_placeholders()

# Cells that label a totals row ("Total", "Grand Total:", "Summe"), compared casefolded
# without a trailing colon.
TOTAL_LABELS = frozenset(r["label"] for r in _tsv("total_labels.tsv"))
# Names accepted on the command line for a role (``--column vendor=Payee``).
ROLE_ALIASES = {
    "vendor": "supplier",
    "payee": "supplier",
    "mpn": "part",
    "qty": "quantity",
    "price": "unit_price",
    "unit-price": "unit_price",
    "ext-price": "amount",
}


def compare_form(header: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", header.casefold())


_LOOKUP = {h: role for role, hs in ROLE_HEADERS.items() for h in hs}
MONEY_ROLES = ("unit_price", "amount")


def _read_currencies() -> frozenset[str]:
    return frozenset(row["code"] for row in _tsv("currencies.tsv"))


# ISO 4217 codes (data/currencies.tsv, written by scripts/gen_currencies.py): a three-letter
# word is a currency only when it is one of them
CURRENCIES = _read_currencies()
# currency symbols and the codes they stand for (in amount cells, currency cells and headers)
SYMBOLS = {
    "US$": "USD",
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₩": "KRW",
    "₹": "INR",
    "元": "CNY",
    "RMB": "CNY",
    "￥": "CNY",
    "₽": "RUB",
    "zł": "PLN",
    "Fr.": "CHF",
    "kr": "SEK",
}
# a currency symbol or code at the end of a money header: "Unit Price($)", "Ext.: (USD)"
_HEADER_CURRENCY = re.compile(r"^(.*?)[\s:(\[]*(US\$|[$€£¥]|[A-Za-z]{3})[)\]]?\s*$")


def split_currency(header: str) -> tuple[str, str | None]:
    """A money header without the currency written into it, and that currency's code:
    ("Extended Price", "CAD") for "Extended Price CAD"; (header, None) when there is none."""
    m = _HEADER_CURRENCY.match(header.strip())
    if not m:
        return header, None
    base, cur = m.group(1), m.group(2)
    code = SYMBOLS.get(cur) or (cur.upper() if cur.upper() in CURRENCIES else None)
    if code is None or _LOOKUP.get(compare_form(base)) not in MONEY_ROLES:
        return header, None
    return base, code


_DUPLICATE = re.compile(r"^(.*\S) \((\d+)\)$")  # see tabular.unique_headers


def role_of(header: str) -> str | None:
    """The role a header names. A name header ending in "#" holds numbers, not names: "Mfr. #"
    is the maker's part number (looked up as mfrno), "Vendor #" an id (no role)."""
    dup = _DUPLICATE.match(header)  # "Vendor (2)": a repeated header, renamed to be unique
    if dup and _LOOKUP.get(compare_form(dup.group(1))) in MULTI_ROLES:
        header = dup.group(1)
    role = _LOOKUP.get(compare_form(header))
    if role in NAME_ROLES and header.rstrip().endswith("#"):
        return _LOOKUP.get(compare_form(header) + "no")
    if role is None:
        base, cur = split_currency(header)
        if cur is not None:
            return _LOOKUP.get(compare_form(base))
    return role


def header_currency(roles: dict[str, list[str]]) -> str | None:
    """The currency a money column's header states (first money role that states one)."""
    for role in MONEY_ROLES[::-1]:
        for h in roles.get(role, []):
            cur = split_currency(h)[1]
            if cur:
                return cur
    return None


# Headers only an EDA export has (a PCB footprint or package column).
FOOTPRINT_HEADERS = frozenset({"footprint", "package", "pcbfootprint"})


def _roles_by_header(headers: list[str]) -> dict[str, list[str]]:
    """Each role's headers by the header vocabulary (the first one for single roles)."""
    found: dict[str, list[str]] = {}
    for h in headers:
        role = role_of(h)
        if role is not None:
            found.setdefault(role, []).append(h)
    if len(found.get("part", [])) > 1:  # the most specific spelling wins: MPN over Item #
        found["part"].sort(key=part_rank)
    for role, hs in list(found.items()):
        if role not in MULTI_ROLES:
            found[role] = hs[:1]
    return found


def part_headers(headers: list[str]) -> list[str]:
    """Every header that names a part number, whichever of them plays the role."""
    return [h for h in headers if role_of(h) == "part"]


def part_rank(header: str) -> int:
    """A part-number header's place in the vocabulary, which lists the spellings that name the
    maker's number (MPN, Mfr. #) before the generic ones (Part Number, Item #)."""
    forms = ROLE_HEADERS["part"]
    form = compare_form(header)
    for f in (form, form + "no"):
        if f in forms:
            return forms.index(f)
    return len(forms)  # named by --column or a currency suffix: after the vocabulary


def detect_roles(
    headers: list[str], overrides: dict[str, str] | None = None
) -> dict[str, list[str]]:
    """Map each role to the headers that carry it (name roles and distributors' part
    numbers may have several columns).

    For single-valued roles the first matching header wins. An override with an empty
    header switches its role off.
    """
    found = _roles_by_header(headers)
    for role, header in (overrides or {}).items():
        target = ROLE_ALIASES.get(role, role)
        if target not in ROLE_HEADERS:
            raise ValueError(role)
        if not header.strip():  # --column amount= : no column plays this role
            found.pop(target, None)
            continue
        if header not in headers:
            # case/spacing-insensitive fallback, so --column vendor=vendor works on "Vendor"
            matches = [h for h in headers if compare_form(h) == compare_form(header)]
            if not matches:
                raise KeyError(header)
            header = matches[0]
        for hs in found.values():
            if header in hs:
                hs.remove(header)
        found[target] = [header]
    return {r: hs for r, hs in found.items() if hs}


def is_ledger(headers: list[str], roles: dict[str, list[str]]) -> bool:
    """A spend ledger, not a BOM: a ledger header (PO Number, Invoice, Payee...); dated
    amounts without part numbers; or a priced distributor order or cart (the distributor's
    numbers and an amount, no reference designators: a costed BOM has those)."""
    forms = {compare_form(h) for h in headers}
    if forms & set(LEDGER_HINTS):
        return True
    if "distributor_part" in roles and "amount" in roles and "reference" not in roles:
        return True
    return "date" in roles and "amount" in roles and "part" not in roles

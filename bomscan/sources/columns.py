"""Column roles: which header of a CSV BOM or ledger holds the maker, the vendor, the money.

Headers are compared case-, space- and punctuation-insensitively ("Mfr. Name" == "mfrname").
``--column role=Header`` overrides detection for one role.
"""

from __future__ import annotations

import re

# role -> accepted header spellings (already in compared form: lower case, letters and digits)
ROLE_HEADERS: dict[str, tuple[str, ...]] = {
    "manufacturer": (
        "manufacturer",
        "manufacturername",
        "mfr",
        "mfrname",
        "mfg",
        "mfgname",
        "make",
        "maker",
        "brand",
        "manufacturerbrand",
        "oem",
    ),
    "supplier": (
        "supplier",
        "suppliername",
        "vendor",
        "vendorname",
        "payee",
        "payeename",
        "distributor",
        "distributorname",
        "seller",
        "sellername",
        "creditor",
        "creditorname",
        "suppliervendor",
        "vendordescription",
        "supplierlegalname",
        "vendorlegalname",
        "beneficiary",
    ),
    "part": (
        "mpn",
        "manufacturerpartnumber",
        "mfrpartnumber",
        "mfrpart",
        "mfrpn",
        "mfgpn",
        "mfgpartnumber",
        "partnumber",
        "partno",
        "pn",
        "part",
        "itemnumber",
        "itemno",
        "sku",
        "materialnumber",
        "material",
    ),
    "description": (
        "description",
        "desc",
        "itemdescription",
        "partdescription",
        "linedescription",
        "text",
        "itemtext",
        "comment",
    ),
    "quantity": ("qty", "quantity", "qtyper", "count", "units", "quantityordered", "qtyordered"),
    "unit_price": (
        "unitprice",
        "price",
        "unitcost",
        "priceeach",
        "costeach",
        "priceunit",
        "netprice",
        "unitpriceusd",
    ),
    "amount": (
        "extprice",
        "extendedprice",
        "extcost",
        "extendedcost",
        "exttotal",
        "linetotal",
        "lineamount",
        "amount",
        "netamount",
        "invoiceamount",
        "totalamount",
        "total",
        "spend",
        "grossamount",
        "amountlc",
        "amountdc",
        "amountintransactioncurrency",
        "value",
        "netvalue",
        "paymentamount",
        "linevalue",
        "extendedamount",
    ),
    "currency": (
        "currency",
        "curr",
        "currencycode",
        "ccy",
        "cur",
        "currencykey",
        "transactioncurrency",
        "invoicecurrency",
        "documentcurrency",
    ),
    "date": (
        "date",
        "postingdate",
        "invoicedate",
        "documentdate",
        "podate",
        "transactiondate",
        "paymentdate",
        "glddate",
        "accountingdate",
        "glpostingdate",
        "paiddate",
        "orderdate",
    ),
}

# Roles whose columns carry organisation names: every such column is screened.
NAME_ROLES = ("manufacturer", "supplier")
# Ledger hints: these make a table a spend ledger rather than a BOM.
LEDGER_HINTS = (
    "ponumber",
    "po",
    "purchaseorder",
    "invoice",
    "invoicenumber",
    "invoiceno",
    "costcenter",
    "costcentre",
    "glaccount",
    "gl",
    "companycode",
    "vendorid",
    "supplierid",
    "payee",
    "postingdate",
    "invoicedate",
    "documentnumber",
    "voucher",
)
ROLES = tuple(ROLE_HEADERS)
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


def role_of(header: str) -> str | None:
    return _LOOKUP.get(compare_form(header))


def detect_roles(
    headers: list[str], overrides: dict[str, str] | None = None
) -> dict[str, list[str]]:
    """Map each role to the headers that carry it (name roles may have several columns).

    For single-valued roles the first matching header wins, except ``amount``, where an extended
    or total price is preferred over a bare ``Price``/``Value``.
    """
    found: dict[str, list[str]] = {}
    for h in headers:
        role = role_of(h)
        if role is not None:
            found.setdefault(role, []).append(h)
    for role, hs in list(found.items()):
        if role not in NAME_ROLES:
            found[role] = hs[:1]
    for role, header in (overrides or {}).items():
        target = ROLE_ALIASES.get(role, role)
        if target not in ROLE_HEADERS:
            raise ValueError(role)
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
    forms = {compare_form(h) for h in headers}
    if forms & set(LEDGER_HINTS):
        return True
    return "date" in roles and "amount" in roles and "part" not in roles

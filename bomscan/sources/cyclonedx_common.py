"""What the CycloneDX JSON and XML readers share: which fields name an organisation, which
properties carry quantity and price, and how a walked component becomes canonical rows.

Who made a part has several homes in CycloneDX (https://cyclonedx.org/docs/1.7/json/):

* ``manufacturer`` (1.6+), ``supplier`` (1.2+), ``publisher`` (1.0+), ``authors[]`` (1.6+) and the
  deprecated ``author`` (1.1+) on every component; every one of them is screened, with its field;
* for the product the BOM describes: ``metadata.component`` (its own fields as above), the
  deprecated ``metadata.manufacture`` and ``metadata.supplier``;
* ``metadata.manufacturer`` (1.6+) is **who made the BOM file**, not the product: never screened.

CycloneDX has no price field. bomscan reads these component properties (values are strings):

=========================  =====================================================
property                   meaning
=========================  =====================================================
``cdx:device:quantity``    quantity (registered taxonomy; "the total number of the
                           specified component", so it is not multiplied down
                           nested assemblies)
``bomscan:unitPrice``      unit price, a decimal number (``internal:unitPrice``
                           is accepted too)
``bomscan:extendedPrice``  extended price (``internal:extendedPrice`` too); wins
                           over quantity x unit price
``bomscan:currency``       ISO 4217 code (``internal:currency`` too)
=========================  =====================================================
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import polars as pl

from bomscan.errors import InputError
from bomscan.model import CycloneDxMeta
from bomscan.sources.schema import LINE_SCHEMA

# The fields that name who made or supplied a component. ``author``, ``authors`` and
# ``publisher`` are screened too (a listed software publisher must be found), but a component
# named only by them names no supplier: it counts among the lines nothing could be screened for.
SUPPLIER_FIELDS = frozenset({"manufacturer", "supplier", "manufacture", "metadata.supplier"})

QTY_PROPS = ("cdx:device:quantity",)
UNIT_PRICE_PROPS = ("bomscan:unitPrice", "internal:unitPrice")
EXT_PRICE_PROPS = ("bomscan:extendedPrice", "internal:extendedPrice")
CURRENCY_PROPS = ("bomscan:currency", "internal:currency")

SUPPORTED_VERSIONS = ("1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7")
DRAFT_VERSIONS = ("2.0",)


def schema_check(
    path: str,
    fmt: str,
    version: str | None,
    find_violation,
    *,
    strict: bool,
    warnings: list[str],
    data: bytes | None = None,
) -> None:
    """Validate against the schema of the document's own version; warn, or raise if ``strict``.

    ``find_violation(version)`` returns the first :class:`~bomscan.sources.validate.Violation` or
    None. Lenient mode (the default) reads every document it can and says in one warning what is
    wrong with it; ``--strict`` turns that warning into an :class:`InputError` (exit 3), and also
    refuses documents whose version has no schema (missing, unknown, or the 2.0 draft).
    """
    from bomscan.sources.validate import SchemaUnavailable

    label = f"CycloneDX {version} {fmt}"
    if version is None or version not in SUPPORTED_VERSIONS:
        if strict:
            why = (
                "is a draft with no released schema"
                if version in DRAFT_VERSIONS
                else "has no known spec version"
                if version is None
                else f"has unknown spec version {version!r}"
            )
            raise InputError(f"--strict: CycloneDX document {why}; cannot validate", path=path)
        return
    from bomscan import cache

    verdict_key = cache.content_key(data, "cyclonedx-valid", fmt, version) if data else None
    if verdict_key is not None and cache.has_verdict(verdict_key):
        return  # this exact document validated before, against the same schemas
    try:
        violation = find_violation(version)
    except SchemaUnavailable as exc:
        if strict:
            raise InputError(f"--strict: {exc}", path=path) from None
        warnings.append(f"{path}: {exc}; not validated")
        return
    if violation is None:
        if verdict_key is not None:
            cache.record_verdict(verdict_key)
        return
    if strict:
        raise InputError(
            f"not valid {label}: {violation.describe()}", path=path, line=violation.line
        )
    where = f"{path}:{violation.line}" if violation.line else path
    warnings.append(
        f"{where}: does not conform to the {label} schema ({violation.describe()}); "
        "read leniently (--strict rejects it)"
    )


@dataclass
class Component:
    """A walked component, independent of the serialisation it came from."""

    bom_ref: str | None
    part: str | None
    description: str | None
    names: list[tuple[str, str, int | None]] = field(default_factory=list)  # (field, name, line)
    props: dict[str, str] = field(default_factory=dict)
    line: int | None = None


def attach_product_names(
    comps: list[Component],
    product: Component | None,
    names: list[tuple[str, str, int | None]],
    meta: CycloneDxMeta,
) -> None:
    """Give the product (``metadata.component``) the makers named at metadata level.

    ``metadata.manufacture`` (deprecated) and ``metadata.supplier`` name the product's maker and
    supplier; a BOM that has them but no ``metadata.component`` still gets a product item.
    The product is a line only when someone is named as its maker or supplier: it is the thing
    the BOM describes, not one of its components, so an SBOM of an application reads as many
    lines as it lists components, and a device's maker is still screened when it is named.
    """
    if names:
        if product is None:
            product = Component(bom_ref=None, part=None, description=None)
            comps.insert(0, product)
        product.names.extend(names)
    if product is None:
        return
    meta.product = product.part
    if not product.names:
        del comps[next(i for i, c in enumerate(comps) if c is product)]


def parse_number(text: str | None) -> float | None:
    if text is None:
        return None
    t = text.strip().replace(",", "") if text.count(",") and "." in text else text.strip()
    try:
        value = float(t)
    except ValueError:
        return None
    if value != value or value in (float("inf"), float("-inf")):
        return None
    return value


def components_to_frame(
    comps: list[Component], source: str, kind: str, warnings: list[str]
) -> tuple[pl.DataFrame, int]:
    """Turn walked components into canonical rows (one per name; one null-name row if none)."""
    rows: list[tuple] = []
    append = rows.append
    bad_numbers = 0
    for idx, comp in enumerate(comps):
        props = comp.props
        if props:
            qty_raw = _first(props, QTY_PROPS)
            unit_raw = _first(props, UNIT_PRICE_PROPS)
            ext_raw = _first(props, EXT_PRICE_PROPS)
            qty, unit, ext = parse_number(qty_raw), parse_number(unit_raw), parse_number(ext_raw)
            for raw, val in ((qty_raw, qty), (unit_raw, unit), (ext_raw, ext)):
                if raw is not None and val is None:
                    bad_numbers += 1
            amount = ext
            if amount is None and unit is not None:
                amount = unit * (qty if qty is not None else 1.0)
            currency = _first(props, CURRENCY_PROPS)
            currency = currency.strip().upper() if currency else None
        else:
            qty = unit = amount = currency = None
        ref, part, desc, cline = comp.bom_ref, comp.part, comp.description, comp.line
        first = True
        if not any(fld in SUPPLIER_FIELDS for fld, _, _ in comp.names):
            # no maker or supplier named: the line names nobody (its authors or publisher are
            # still screened, on rows of their own, so a listed publisher is found)
            append((idx, cline, ref, None, None, part, desc, qty, unit, amount, currency, True))
            first = False
        for fld, name, line in comp.names:
            append(
                (
                    idx,
                    cline if line is None else line,
                    ref,
                    fld,
                    name,
                    part,
                    desc,
                    qty,
                    unit,
                    amount,
                    currency,
                    first,
                )
            )
            first = False
    if bad_numbers:
        warnings.append(
            f"{source}: {bad_numbers} quantity/price propert{'y' if bad_numbers == 1 else 'ies'} "
            "could not be read as numbers and were left empty"
        )
    cols = (
        "item",
        "line",
        "bom_ref",
        "field",
        "name",
        "part",
        "description",
        "quantity",
        "unit_price",
        "amount",
        "currency",
        "primary",
    )
    frame = pl.DataFrame(rows, schema={c: LINE_SCHEMA[c] for c in cols}, orient="row")
    frame = frame.with_columns(
        pl.lit(source, pl.String).alias("source"),
        pl.lit(kind, pl.String).alias("kind"),
        pl.lit(None, pl.Date).alias("date"),
    ).select(list(LINE_SCHEMA))
    return frame, len(comps)


def _first(props: dict[str, str], keys: tuple[str, ...]) -> str | None:
    for k in keys:
        v = props.get(k)
        if v is not None and v.strip():
            return v
    return None


# a mailbox after a name, "LaMont Jones <lamont@debian.org>" (a Debian maintainer as trivy
# writes a package's supplier): the address is not part of the name
_MAILBOX = re.compile(r"\s*<[^<>\s@]+@[^<>\s]+>\s*$")


def clean_name(value) -> str | None:
    """A name as screened: white space collapsed, a trailing e-mail address in angle brackets
    left out (else 'debian.org' in a person's address would match an organisation)."""
    if not isinstance(value, str):
        return None
    v = " ".join(value.split())
    v = _MAILBOX.sub("", v) or v
    return v or None

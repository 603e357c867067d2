"""CycloneDX XML reader (spec 1.0 to 1.7), on lxml with a hardened parser.

Security: a BOM is untrusted input. The parser never loads a DTD, never resolves entities and
never touches the network; a document that declares a DOCTYPE at all is refused, which rules out
external entities (XXE) and entity-expansion bombs ("billion laughs") before parsing starts.
lxml gives every element its ``sourceline``, so findings point at the line of the name.
"""

from __future__ import annotations

import re

from lxml import etree

from bomscan.errors import InputError
from bomscan.model import CycloneDxMeta
from bomscan.sources.cyclonedx_common import (
    SUPPORTED_VERSIONS,
    Component,
    attach_product_names,
    clean_name,
    components_to_frame,
    schema_check,
)
from bomscan.sources.schema import ReadResult
from bomscan.sources.validate import first_xml_violation

KIND = "cyclonedx-xml"
_NS = re.compile(r"^\{http://cyclonedx\.org/schema/bom/(\d+\.\d+)\}")
_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


def looks_like(head: bytes) -> bool:
    return b"cyclonedx.org/schema/bom" in head


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def _doctype_in(data: bytes) -> bool:
    if _DOCTYPE.search(data):
        return True
    for bom, codec in (
        (b"\x00\x00\xfe\xff", "utf-32"),
        (b"\xff\xfe\x00\x00", "utf-32"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            text = data.decode(codec, errors="ignore").encode("utf-8")
            return bool(_DOCTYPE.search(text))
    return False


_REFUSED = (
    "XML declares a DOCTYPE or entities; refused (external entities and entity "
    "expansion are not allowed in BOMs)"
)


def parse_secure(path: str, data: bytes) -> etree._Element:
    """Parse untrusted XML: no DTD, no entities, no network; a DOCTYPE at all is refused.

    The text is searched for ``<!DOCTYPE``/``<!ENTITY`` before parsing (in UTF-16/32 too), and
    the parsed tree is checked again, so nothing that declares entities is ever read.
    """
    if _doctype_in(data):
        raise InputError(_REFUSED, path=path)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if getattr(exc, "lineno", None) else None
        msg = " ".join(str(exc.msg if hasattr(exc, "msg") else exc).split(",")[0].split())
        raise InputError(f"not well-formed XML ({msg})", path=path, line=line) from None
    except ValueError as exc:  # e.g. a str with an encoding declaration; not expected from bytes
        raise InputError(f"not well-formed XML ({exc})", path=path) from None
    if root is None:
        raise InputError("not well-formed XML (no root element)", path=path)
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise InputError(_REFUSED, path=path)
    return root


def read(path: str, data: bytes, *, strict: bool = False) -> ReadResult:
    root = parse_secure(path, data)
    warnings: list[str] = []
    m = _NS.match(root.tag if isinstance(root.tag, str) else "")
    if _local(root) != "bom":
        raise InputError(f"XML but not a CycloneDX BOM (root element <{_local(root)}>)", path=path)
    version = m.group(1) if m else None
    ns = _namespace(root)
    if not strict:
        if version is None:
            found = f"namespace {ns!r}" if ns else "no namespace"
            warnings.append(
                f"{path}: <bom> has {found}, not a CycloneDX one "
                "(http://cyclonedx.org/schema/bom/1.N); read leniently, not validated"
            )
        elif version not in SUPPORTED_VERSIONS:
            warnings.append(f"{path}: unknown CycloneDX version {version}; read leniently")
    schema_check(
        path,
        "XML",
        version,
        lambda v: first_xml_violation(root, v),
        strict=strict,
        warnings=warnings,
        data=data,
    )

    comps: list[Component] = []
    meta = CycloneDxMeta(spec_version=version)
    metadata = _child(root, "metadata", ns)
    if metadata is not None:
        product = _child(metadata, "component", ns)
        product_comp = _walk(product, comps, ns) if product is not None else None
        extra = []
        for tag, fld in (("manufacture", "manufacture"), ("supplier", "metadata.supplier")):
            org = _child(metadata, tag, ns)
            name_el = _child(org, "name", ns) if org is not None else None
            n = clean_name(name_el.text) if name_el is not None else None
            if n:
                extra.append((fld, n, name_el.sourceline))
        attach_product_names(comps, product_comp, extra, meta)
    components = _child(root, "components", ns)
    if components is not None:
        for c in components:
            if _is(c, "component", ns):
                _walk(c, comps, ns)
    frame, n = components_to_frame(comps, path, KIND, warnings)
    return ReadResult(
        source=path, kind=KIND, lines=frame, items_read=n, warnings=warnings, meta=meta
    )


def _namespace(el) -> str:
    tag = el.tag if isinstance(el.tag, str) else ""
    return tag[1 : tag.index("}")] if tag.startswith("{") else ""


def _local(el) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def _is(el, name: str, ns: str) -> bool:
    """``el`` is CycloneDX element ``name`` (in the document's namespace, not an extension's)."""
    return el.tag == (f"{{{ns}}}{name}" if ns else name)


def _child(el, name: str, ns: str):
    for c in el:
        if _is(c, name, ns):
            return c
    return None


def _walk(root, out: list[Component], ns: str) -> Component:
    """Append ``root`` and every component nested in it, in document order, iteratively."""
    first = None
    stack = [root]
    while stack:
        el = stack.pop()
        comp, nested = _component(el, ns)
        out.append(comp)
        if first is None:
            first = comp
        if nested is not None:
            stack.extend(reversed([c for c in nested if _is(c, "component", ns)]))
    return first


def _component(el, ns: str):
    """A component element's names, part, description and properties, and its nested
    ``components`` element (or None)."""
    names: list[tuple[str, str, int | None]] = []
    part = description = None
    props: dict[str, str] = {}
    nested = None
    for c in el:
        tag = _cdx_tag(c, ns)
        if tag is None:
            continue  # an extension element from another namespace
        if tag in ("manufacturer", "supplier", "publisher", "author", "authors"):
            names += _names(c, tag, ns)
        elif tag == "name":
            part = c.text
        elif tag == "description":
            description = c.text
        elif tag == "properties":
            for p in c:
                key = p.get("name")
                if key is not None:
                    props.setdefault(key, p.text or "")
        elif tag == "components":
            nested = c
    comp = Component(
        bom_ref=el.get("bom-ref"),
        part=part,
        description=description,
        names=names,
        props=props,
        line=el.sourceline,
    )
    return comp, nested


def _cdx_tag(el, ns: str) -> str | None:
    """The element's tag without the CycloneDX namespace; None for another namespace."""
    tag = el.tag if isinstance(el.tag, str) else ""
    if not ns:
        return tag
    if not tag.startswith("{" + ns + "}"):
        return None
    return tag[len(ns) + 2 :]


def _names(c, tag: str, ns: str) -> list[tuple[str, str, int | None]]:
    """(field, name, line) of the organisations or people a child element names."""
    if tag in ("publisher", "author"):
        n = clean_name(c.text)
        return [(tag, n, c.sourceline)] if n else []
    out = []
    for holder in c if tag == "authors" else [c]:
        name_el = _child(holder, "name", ns)
        n = clean_name(name_el.text) if name_el is not None else None
        if n:
            out.append((tag, n, name_el.sourceline))
    return out

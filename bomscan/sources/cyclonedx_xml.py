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
from bomscan.sources.cyclonedx_common import (
    SUPPORTED_VERSIONS,
    Component,
    clean_name,
    components_to_frame,
)
from bomscan.sources.schema import ReadResult

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


def parse_secure(path: str, data: bytes) -> etree._Element:
    if _DOCTYPE.search(data[:65536]) or _DOCTYPE.search(data):
        raise InputError(
            "XML declares a DOCTYPE or entities; refused (external entities and entity "
            "expansion are not allowed in BOMs)",
            path=path,
        )
    try:
        return etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if getattr(exc, "lineno", None) else None
        msg = str(exc.msg if hasattr(exc, "msg") else exc).split(",")[0]
        raise InputError(f"not well-formed XML ({msg})", path=path, line=line) from None


def read(path: str, data: bytes) -> ReadResult:
    root = parse_secure(path, data)
    warnings: list[str] = []
    m = _NS.match(root.tag if isinstance(root.tag, str) else "")
    if _local(root) != "bom":
        raise InputError(f"XML but not a CycloneDX BOM (root element <{_local(root)}>)", path=path)
    version = m.group(1) if m else None
    if version is None:
        warnings.append(f"{path}: <bom> has no CycloneDX namespace; read leniently")
    elif version not in SUPPORTED_VERSIONS:
        warnings.append(f"{path}: unknown CycloneDX version {version}; read leniently")

    comps: list[Component] = []
    meta: dict = {"spec_version": version}
    metadata = _child(root, "metadata")
    if metadata is not None:
        product = _child(metadata, "component")
        product_comp = _walk(product, comps) if product is not None else None
        extra = []
        for tag, fld in (("manufacture", "manufacture"), ("supplier", "metadata.supplier")):
            org = _child(metadata, tag)
            name_el = _child(org, "name") if org is not None else None
            n = clean_name(name_el.text) if name_el is not None else None
            if n:
                extra.append((fld, n, name_el.sourceline))
        if extra:
            if product_comp is None:
                product_comp = Component(bom_ref=None, part=None, description=None)
                comps.insert(0, product_comp)
            product_comp.names.extend(extra)
        if product_comp is not None:
            meta["product"] = product_comp.part
    components = _child(root, "components")
    if components is not None:
        for c in components:
            if _local(c) == "component":
                _walk(c, comps)
    frame, n = components_to_frame(comps, path, KIND, warnings)
    return ReadResult(
        source=path, kind=KIND, lines=frame, items_read=n, warnings=warnings, meta=meta
    )


def _local(el) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def _child(el, name: str):
    for c in el:
        if _local(c) == name:
            return c
    return None


def _walk(el, out: list[Component]) -> Component:
    names: list[tuple[str, str, int | None]] = []
    part = description = None
    props: dict[str, str] = {}
    nested = None
    for c in el:
        tag = _local(c)
        if tag in ("manufacturer", "supplier"):
            name_el = _child(c, "name")
            n = clean_name(name_el.text) if name_el is not None else None
            if n:
                names.append((tag, n, name_el.sourceline))
        elif tag in ("publisher", "author"):
            n = clean_name(c.text)
            if n:
                names.append((tag, n, c.sourceline))
        elif tag == "authors":
            for a in c:
                name_el = _child(a, "name")
                n = clean_name(name_el.text) if name_el is not None else None
                if n:
                    names.append(("authors", n, name_el.sourceline))
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
    out.append(comp)
    if nested is not None:
        for c in nested:
            if _local(c) == "component":
                _walk(c, out)
    return comp

"""CycloneDX JSON reader (spec 1.2 to 1.7; JSON does not exist for 1.0/1.1).

A plain parse and walk, not cyclonedx-python-lib's deserializer: that one is 74x
slower, merges identical components (losing their quantity), drops unknown fields and rejects
whole documents over an unmodelled section (measured for this project).

The parse is the standard library's C scanner, not orjson: orjson 3.8 has no nesting limit and
crashes the process (SIGSEGV, C stack overflow) on about 60,000 nested brackets, which is a
60 KB file. ``json`` raises ``RecursionError`` instead, and is as fast on large BOMs (2.0 s vs
2.2-2.5 s for 41 MB here). Nesting is allowed up to ``MAX_DEPTH`` levels (a 1,000-level
assembly is read); deeper documents are refused in one line.

Line numbers: JSON parsers give no positions, so after the walk each organisation name is located
in the raw text by searching for its exact JSON encoding in document order (the walk visits
objects in the order they are written, so the n-th occurrence found is the n-th one walked).
"""

from __future__ import annotations

import json
import sys
from functools import lru_cache

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
from bomscan.sources.validate import first_json_violation

KIND = "cyclonedx-json"


def looks_like(head: bytes) -> bool:
    return b'"bomFormat"' in head or b'"specFormat"' in head or b'"specVersion"' in head


def read(path: str, data: bytes, *, strict: bool = False) -> ReadResult:
    """A CycloneDX JSON document's components and the organisations they name."""
    data = _as_utf8(path, data)
    doc = _loads(path, data)
    if not isinstance(doc, dict):
        raise InputError("JSON document is not an object, so not a CycloneDX BOM", path=path)
    warnings: list[str] = []
    version = doc.get("specVersion")
    version = version if isinstance(version, str) else None
    _check_format(path, doc, version, strict, warnings)
    schema_check(
        path,
        "JSON",
        version,
        lambda v: first_json_violation(doc, v),
        strict=strict,
        warnings=warnings,
        data=data,
    )
    meta = CycloneDxMeta(spec_version=version)
    comps: list[Component] = []
    odd = [0]
    _walk_metadata(doc.get("metadata"), comps, odd, meta)
    top = doc.get("components")
    if isinstance(top, list):
        for c in top:
            if isinstance(c, dict):
                _walk(c, comps, odd)
            else:
                odd[0] += 1
    elif top is not None:
        warnings.append(f"{path}: 'components' is not a list; ignored")
    if odd[0]:
        warnings.append(
            f"{path}: {odd[0]} component entr{'y' if odd[0] == 1 else 'ies'} not an object "
            "(or a 'components' that is not a list) skipped"
        )
    _locate_lines(data, comps)
    frame, n = components_to_frame(comps, path, KIND, warnings)
    return ReadResult(
        source=path, kind=KIND, lines=frame, items_read=n, warnings=warnings, meta=meta
    )


def _check_format(path: str, doc: dict, version, strict: bool, warnings: list[str]) -> None:
    """Refuse JSON that is not CycloneDX; warn of drafts, a missing bomFormat or specVersion,
    and unknown versions (read leniently unless ``strict``)."""
    fmt = doc.get("bomFormat")
    if fmt != "CycloneDX":
        if doc.get("specFormat") == "CycloneDX":
            if not strict:
                warnings.append(
                    f"{path}: CycloneDX {version} is a draft format; read leniently and not "
                    "validated: components and their manufacturer/supplier/publisher/author "
                    "fields only (names in 2.0 parties[] are not read)"
                )
        elif fmt is None and ("components" in doc or "metadata" in doc):
            warnings.append(f"{path}: no bomFormat; read as CycloneDX anyway")
        else:
            raise InputError(f"JSON but not a CycloneDX BOM (bomFormat is {fmt!r})", path=path)
    if not doc.get("specFormat") and not strict:
        if version is None:
            warnings.append(f"{path}: no specVersion; read leniently, not validated")
        elif version not in SUPPORTED_VERSIONS:
            warnings.append(f"{path}: unknown specVersion {version!r}; read leniently")


def _walk_metadata(metadata, comps: list[Component], odd: list[int], meta: CycloneDxMeta) -> None:
    """The product component of ``metadata`` and the organisations that made or supplied it."""
    if not isinstance(metadata, dict):
        return
    product = metadata.get("component")
    product_comp = _walk(product, comps, odd) if isinstance(product, dict) else None
    extra: list[tuple[str, str, None]] = []
    manufacture = _org_name(metadata.get("manufacture"))
    if manufacture:
        extra.append(("manufacture", manufacture, None))
    msupplier = _org_name(metadata.get("supplier"))
    if msupplier:
        extra.append(("metadata.supplier", msupplier, None))
    attach_product_names(comps, product_comp, extra, meta)


MAX_DEPTH = 2500


def _reject_constant(name: str):
    raise ValueError(f"{name} is not a JSON value")


def _loads(path: str, data: bytes):
    """Parse JSON safely: bounded nesting, strict UTF-8, no NaN/Infinity; InputError otherwise."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"not valid JSON (not UTF-8 at byte {exc.start})", path=path, line=line
        ) from None
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, MAX_DEPTH + 100))
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON ({exc.msg})", path=path, line=exc.lineno) from None
    except RecursionError:
        raise InputError(
            f"not valid JSON (nested more than about {MAX_DEPTH} levels deep)", path=path
        ) from None
    except ValueError as exc:
        raise InputError(f"not valid JSON ({exc})", path=path) from None
    finally:
        sys.setrecursionlimit(old)


def _as_utf8(path: str, data: bytes) -> bytes:
    """JSON is UTF-8 (RFC 8259); tolerate a UTF-8 BOM, convert UTF-16/32 with a BOM."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:]
    for bom, codec in (
        (b"\x00\x00\xfe\xff", "utf-32"),
        (b"\xff\xfe\x00\x00", "utf-32"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(codec).encode("utf-8")
            except UnicodeError:
                raise InputError(f"not valid {codec.upper()} text", path=path) from None
    return data


def _walk(root: dict, out: list[Component], odd: list[int]) -> Component:
    """Append ``root`` and every component nested in it, in document order (pre-order).

    Iterative, so a BOM nested as deep as the JSON parser allows cannot exhaust Python's
    recursion limit. Entries of ``components`` that are not objects are counted in ``odd``.
    """
    first = None
    stack = [root]
    while stack:
        obj = stack.pop()
        comp = _component(obj)
        out.append(comp)
        if first is None:
            first = comp
        children = obj.get("components")
        if isinstance(children, list):
            for c in reversed(children):
                if isinstance(c, dict):
                    stack.append(c)
                else:
                    odd[0] += 1
        elif children is not None:
            odd[0] += 1
    return first


def _properties(raw) -> dict[str, str]:
    """A component's ``properties`` as name -> value (the first of a repeated name)."""
    props: dict[str, str] = {}
    if isinstance(raw, list):
        for p in raw:
            if isinstance(p, dict) and isinstance(p.get("name"), str):
                v = p.get("value")
                if v is not None:
                    props.setdefault(p["name"], v if isinstance(v, str) else str(v))
    return props


def _component(obj: dict) -> Component:
    """A component object's names (in document order), properties and identifiers."""
    names: list[tuple[str, str, int | None]] = []
    # Walk keys in document order so that name occurrences are found in text order.
    for key, value in obj.items():
        if key in ("manufacturer", "supplier"):
            n = _org_name(value)
            if n:
                names.append((key, n, None))
        elif key in ("publisher", "author"):
            n = clean_name(value)
            if n:
                names.append((key, n, None))
        elif key == "authors" and isinstance(value, list):
            for a in value:
                n = _org_name(a)
                if n:
                    names.append(("authors", n, None))
    props = _properties(obj.get("properties"))
    ref = obj.get("bom-ref")
    return Component(
        bom_ref=ref if isinstance(ref, str) else None,
        part=_str(obj.get("name")),
        description=_str(obj.get("description")),
        names=names,
        props=props,
    )


def _org_name(value) -> str | None:
    if isinstance(value, dict):
        return clean_name(value.get("name"))
    return None


def _str(value) -> str | None:
    return value if isinstance(value, str) else None


@lru_cache(maxsize=1 << 16)
def _quoted(value: str) -> tuple[bytes, ...]:
    """The ways a JSON writer may spell the string ``value`` (raw UTF-8, or \\u-escaped)."""
    raw = json.dumps(value, ensure_ascii=False).encode("utf-8")
    ascii_ = json.dumps(value).encode("ascii")
    return (raw,) if raw == ascii_ else (raw, ascii_)


def _locate_lines(data: bytes, comps: list[Component]) -> None:
    """Fill in the line of every organisation name (and component bom-ref), in one pass.

    The walk visits components in the order they are written, so each bom-ref and name is found
    with a C-level ``bytes.find`` from where the previous one was found (falling back to the top
    of the file when a generator wrote keys in an unusual order), and lines are counted
    incrementally: the whole pass is linear in the file size.
    """
    cursor = 0
    counted_to = 0
    newlines_before = 0

    def line_at(pos: int) -> int:
        nonlocal counted_to, newlines_before
        if pos < counted_to:
            return data.count(b"\n", 0, pos) + 1
        newlines_before += data.count(b"\n", counted_to, pos)
        counted_to = pos
        return newlines_before + 1

    def find(value: str) -> int:
        needles = _quoted(value)
        # every spelling near the cursor first (a bounded search is much cheaper), then after
        # the cursor, then from the top
        for lo, hi in ((cursor, cursor + 65536), (cursor, len(data)), (0, len(data))):
            for needle in needles:
                pos = data.find(needle, lo, hi)
                if pos >= 0:
                    return pos
        return -1

    for comp in comps:
        if comp.bom_ref is not None:
            pos = find(comp.bom_ref)
            if pos >= 0:
                comp.line = line_at(pos)
                cursor = max(cursor, pos + 1)
        located = []
        for fld, name, _ in comp.names:
            pos = find(name)
            if pos >= 0:
                located.append((fld, name, line_at(pos)))
                cursor = max(cursor, pos + 1)
            else:
                located.append((fld, name, comp.line))
        comp.names = located

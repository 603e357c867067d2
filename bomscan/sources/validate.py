"""CycloneDX schema validation against the document's own spec version, offline and fast.

Why not cyclonedx-python-lib's validators: its JSON validator (python-jsonschema with format
checking) is quadratic and runs an Earley parser on every URL, 146 s for 5,000 components
(measured for this project). bomscan uses the *schema files* that ship
with the library (``cyclonedx/schema/_res/``) and validates

* JSON with jsonschema-rs (Draft 7), whose registry maps the schemas' remote ``$ref`` targets
  (``spdx``, ``jsf-0.82``, ``cryptography-defs``) to the bundled files; the retriever refuses
  any other URI, so validation never touches the network;
* XML with lxml's ``XMLSchema``; the XSDs import ``spdx.xsd`` by a relative ``schemaLocation``,
  which resolves next to the bundled file, and the parser has ``no_network=True``.

Compiled validators are cached per version (compiling takes tens of milliseconds).

:func:`first_violation` returns the first violation as a :class:`Violation` (message plus a JSON
path or an XML line) or ``None``. The readers call it on every CycloneDX document: in the default
(lenient) mode a violation becomes one warning and the document is still read; with ``--strict``
it is an :class:`~bomscan.errors.InputError` (exit 3).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cache

import orjson

JSON_VERSIONS = ("1.2", "1.3", "1.4", "1.5", "1.6", "1.7")
XML_VERSIONS = ("1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7")
_REMOTE = "http://cyclonedx.org/schema/"
_REFS = (
    "spdx.SNAPSHOT.schema.json",
    "jsf-0.82.SNAPSHOT.schema.json",
    "cryptography-defs.SNAPSHOT.schema.json",
)


@dataclass(frozen=True)
class Violation:
    """The first schema violation of a document."""

    message: str
    where: str | None = None  # JSON path such as ``$.components[3].type``
    line: int | None = None  # XML source line

    def describe(self) -> str:
        at = f" at {self.where}" if self.where else ""
        return f"{self.message}{at}"


class SchemaUnavailable(Exception):
    """No schema for this version/format (e.g. JSON 1.0, or a 2.0 draft)."""


def _res_dir() -> str:
    from cyclonedx.schema import _res

    return os.path.dirname(_res.__file__)


def _refuse(uri: str):
    raise ValueError(f"bomscan validates offline; refusing to fetch {uri}")


@cache
def json_validator(version: str):
    import jsonschema_rs

    if version not in JSON_VERSIONS:
        raise SchemaUnavailable(f"no CycloneDX JSON schema for version {version}")
    res = _res_dir()
    strict = f"bom-{version}-strict.SNAPSHOT.schema.json"
    name = (
        strict
        if os.path.exists(os.path.join(res, strict))
        else f"bom-{version}.SNAPSHOT.schema.json"
    )
    schema = _load_json(os.path.join(res, name))
    resources = [(_REMOTE + ref, _load_json(os.path.join(res, ref))) for ref in _REFS]
    registry = jsonschema_rs.Registry(resources, retriever=_refuse)
    return jsonschema_rs.Draft7Validator(
        schema, registry=registry, retriever=_refuse, validate_formats=True
    )


@cache
def xml_schema(version: str):
    from lxml import etree

    if version not in XML_VERSIONS:
        raise SchemaUnavailable(f"no CycloneDX XML schema for version {version}")
    path = os.path.join(_res_dir(), f"bom-{version}.SNAPSHOT.xsd")
    if not os.path.exists(path):
        raise SchemaUnavailable(f"schema file {os.path.basename(path)} missing")
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    doc = etree.parse(path, parser)
    return etree.XMLSchema(doc)


def _load_json(path: str):
    try:
        with open(path, "rb") as fh:
            return orjson.loads(fh.read())
    except OSError:
        raise SchemaUnavailable(
            f"schema file {os.path.basename(path)} missing (cyclonedx-python-lib >= 11.8 ships it)"
        ) from None


def first_json_violation(doc, version: str) -> Violation | None:
    """First violation of ``doc`` (already parsed) against the JSON schema of ``version``."""
    validator = json_validator(version)
    try:
        for err in validator.iter_errors(doc):
            return Violation(_one_line(err.message), json_path(err.instance_path))
    except ValueError as exc:  # jsonschema-rs: "Recursion limit reached" on very deep documents
        raise SchemaUnavailable(f"cannot validate ({_one_line(str(exc), 80)})") from None
    return None


def first_xml_violation(root, version: str) -> Violation | None:
    """First violation of the parsed ``root`` element against the XSD of ``version``."""
    schema = xml_schema(version)
    if schema.validate(root):
        return None
    log = schema.error_log
    err = log[0] if len(log) else None
    if err is None:
        return Violation("does not match the schema")
    message = re.sub(r"\{http://cyclonedx\.org/schema/[^}]*\}", "", err.message)
    return Violation(_one_line(message), None, err.line or None)


def json_path(parts) -> str:
    out = "$"
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        elif isinstance(p, str) and p.isidentifier():
            out += f".{p}"
        else:
            out += "[" + orjson.dumps(str(p)).decode() + "]"
    return out


def _one_line(text: str, limit: int = 200) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"

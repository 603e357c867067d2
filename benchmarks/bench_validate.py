"""Schema validation and reading of a large synthetic HBOM, against parse-only baselines.

Prints, for N components (default 50,000; ``python benchmarks/bench_validate.py 20000``):
the JSON parse (orjson) and XML parse (lxml) baselines measured in the same process, then
bomscan's schema validation (jsonschema-rs / lxml XSD) and full read (lenient: read + validate),
each as seconds and as a ratio to its baseline. Validators are compiled once before timing.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time

import orjson
from lxml import etree

from bomscan.sources import read_input
from bomscan.sources import validate as v

NS = "http://cyclonedx.org/schema/bom/1.6"


def make_json(n: int) -> bytes:
    comps = [
        {
            "type": "device",
            "bom-ref": f"part-{i}",
            "name": f"MPN-{i:06d}",
            "version": "A",
            "description": f"Part {i}, camera module subassembly",
            "supplier": {"name": f"Supplier {i % 977}", "url": [f"https://s{i % 977}.example.com"]},
            "manufacturer": {"name": f"Maker {i % 499}", "address": {"country": "CN"}},
            "properties": [
                {"name": "cdx:device:quantity", "value": str(1 + i % 7)},
                {"name": "cdx:device:function", "value": "sensor"},
                {"name": "bomscan:unitPrice", "value": f"{(i % 1000) / 10:.2f}"},
                {"name": "bomscan:currency", "value": "USD"},
            ],
        }
        for i in range(n)
    ]
    doc = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "metadata": {"component": {"type": "device", "name": "camera", "bom-ref": "root"}},
        "components": comps,
        "dependencies": [{"ref": "root", "dependsOn": [f"part-{i}" for i in range(n)]}],
    }
    return orjson.dumps(doc, option=orjson.OPT_INDENT_2)


def make_xml(n: int) -> bytes:
    parts = [f'<?xml version="1.0"?>\n<bom xmlns="{NS}" version="1"><components>']
    for i in range(n):
        parts.append(
            f'<component type="device" bom-ref="part-{i}">'
            f"<supplier><name>Supplier {i % 977}</name><url>https://s{i % 977}.example.com</url>"
            f"</supplier><manufacturer><name>Maker {i % 499}</name></manufacturer>"
            f"<name>MPN-{i:06d}</name><version>A</version><description>Part {i}</description>"
            f'<properties><property name="cdx:device:quantity">{1 + i % 7}</property>'
            f'<property name="bomscan:unitPrice">{(i % 1000) / 10:.2f}</property></properties>'
            "</component>\n"
        )
    parts.append("</components></bom>\n")
    return "".join(parts).encode()


def best(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main(n: int) -> None:
    js, xs = make_json(n), make_xml(n)
    v.json_validator("1.6")
    v.xml_schema("1.6")
    with tempfile.TemporaryDirectory() as tmp:
        jp, xp = os.path.join(tmp, "bom.json"), os.path.join(tmp, "bom.xml")
        with open(jp, "wb") as fh:
            fh.write(js)
        with open(xp, "wb") as fh:
            fh.write(xs)
        doc = orjson.loads(js)
        root = etree.fromstring(xs)
        t_json = best(lambda: orjson.loads(js))
        t_xml = best(lambda: etree.fromstring(xs))
        t_jv = best(lambda: v.first_json_violation(doc, "1.6"))
        t_xv = best(lambda: v.first_xml_violation(root, "1.6"))
        t_jr = best(lambda: read_input(jp, strict=True), 1)
        t_xr = best(lambda: read_input(xp, strict=True), 1)
        assert v.first_json_violation(doc, "1.6") is None
        assert v.first_xml_violation(root, "1.6") is None
    print(f"N={n:,} components; JSON {len(js) / 1e6:.1f} MB, XML {len(xs) / 1e6:.1f} MB")
    print(f"baseline orjson.loads          {t_json:7.3f} s")
    print(f"JSON schema (jsonschema-rs)    {t_jv:7.3f} s  {t_jv / t_json:6.2f}x parse")
    print(f"JSON read --strict (all)       {t_jr:7.3f} s  {t_jr / t_json:6.2f}x parse")
    print(f"baseline lxml fromstring       {t_xml:7.3f} s")
    print(f"XML schema (lxml XSD)          {t_xv:7.3f} s  {t_xv / t_xml:6.2f}x parse")
    print(f"XML read --strict (all)        {t_xr:7.3f} s  {t_xr / t_xml:6.2f}x parse")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)

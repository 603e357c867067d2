"""Speed of `bomscan report` on BOMs, as ratios against baselines measured in the same run.

1. A generated 20,000-component CycloneDX 1.6 JSON BOM: `bomscan report` (as a process) vs a
   process that only does `json.load` of the same file. Target: at most 10x.
2. The same BOM as CycloneDX XML: `bomscan report` vs a process that only parses it with lxml.
   Target: at most 10x.
3. The shipped example HBOM: `bomscan report` vs a process that only imports polars, rapidfuzz
   and click. Target: at most 2x (issue 16; it was 1.5x).
4. The same example HBOM with a CSL-sized rule set active (issue 19): `--rules DIR`, DIR a
   generated rules directory of ``--csl-entities`` (20,000) entities, two names each, in the
   shipped TOML format, vs the same bare-import process. Target: at most 2x. The first run
   builds the cached index (shown as the cold-cache run); the timed runs load it, as every
   later report with that list does.

Each command runs several times; the median wall time is used (these machines are noisy).
Usage: python benchmarks/bench_report.py [--components N] [--repeat K] [--csl-entities N]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

MAKERS = [
    "Murata Manufacturing",
    "Texas Instruments",
    "Samtec",
    "Molex",
    "TE Connectivity",
    "Microchip Technology Inc.",
    "Analog Devices",
    "STMicroelectronics",
    "NXP Semiconductors",
    "Infineon Technologies AG",
    "Vishay Intertechnology",
    "Yageo Corporation",
    "KEMET",
    "Würth Elektronik",
    "Amphenol",
    "Renesas Electronics",
    "ON Semiconductor",
    "Nexperia",
    "Bourns Inc.",
    "Littelfuse",
    "Sensata Technologies",
    "MegaChips Corporation",
    "Hangzhou Hikvision Digital Technology Co., Ltd.",
    "Zhejiang Dahua Technology Co., Ltd.",
    "HUAWEI TECHNOLOGIES CO.,LTD.",
    "ZTE Corporation",
    "Hikvison",
    "EZVIZ Inc.",
]


def make_bom(n: int, seed: int = 7) -> dict:
    rng = random.Random(seed)
    # a realistic long tail of vendor names: the known makers plus generated distributors
    extra = [
        f"{rng.choice(['Shenzhen', 'Dongguan', 'Suzhou', 'Taipei', 'Austin', 'Munich'])} "
        f"{rng.choice(['Apex', 'Nova', 'Kite', 'Orion', 'Lumen', 'Vega', 'Terra'])}"
        f"{rng.randint(1, 400)} {rng.choice(['Electronics Co., Ltd.', 'GmbH', 'Inc.', 'Components Ltd'])}"
        for _ in range(600)
    ]
    vendors = MAKERS + extra
    comps = []
    for i in range(n):
        comps.append(
            {
                "type": "device",
                "bom-ref": f"part-{i}",
                "manufacturer": {"name": rng.choice(vendors)},
                "supplier": {
                    "name": rng.choice(
                        [
                            "Digi-Key Electronics",
                            "Mouser Electronics",
                            "Arrow Electronics",
                            rng.choice(vendors),
                        ]
                    )
                },
                "name": f"MPN-{rng.randint(10000, 99999)}-{i}",
                "description": "generated component",
                "properties": [
                    {"name": "cdx:device:quantity", "value": str(rng.randint(1, 20))},
                    {"name": "bomscan:unitPrice", "value": f"{rng.uniform(0.01, 90):.2f}"},
                    {"name": "bomscan:currency", "value": "USD"},
                ],
            }
        )
    return {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": comps}


def to_xml(doc: dict) -> bytes:
    from lxml import etree

    ns = "http://cyclonedx.org/schema/bom/1.6"
    root = etree.Element(f"{{{ns}}}bom", nsmap={None: ns}, version="1")
    cs = etree.SubElement(root, f"{{{ns}}}components")
    for c in doc["components"]:
        el = etree.SubElement(cs, f"{{{ns}}}component", type=c["type"], **{"bom-ref": c["bom-ref"]})
        for key in ("supplier", "manufacturer"):
            o = etree.SubElement(el, f"{{{ns}}}{key}")
            etree.SubElement(o, f"{{{ns}}}name").text = c[key]["name"]
        etree.SubElement(el, f"{{{ns}}}name").text = c["name"]
        etree.SubElement(el, f"{{{ns}}}description").text = c["description"]
        props = etree.SubElement(el, f"{{{ns}}}properties")
        for p in c["properties"]:
            etree.SubElement(props, f"{{{ns}}}property", name=p["name"]).text = p["value"]
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


CSL_HEADER = """\
[ruleset]
name = "bench-csl"
version = "1"
updated = 2026-12-07

[[list]]
id = "bench-csl-list"
name = "Benchmark list shaped like the Consolidated Screening List"
authority = "bench_report.py"
url = "https://example.org/bench"
level = "restricted"
meaning = "Generated for a benchmark."
"""


def write_csl_rules(directory: Path, n: int, seed: int = 19) -> int:
    """A rules directory of ``n`` generated entities (a legal name and an alias each, one
    dated listing), in the shipped TOML format: a rule set the size of the CSL. Names come
    from bench_matching's generator (the list of its list-scale trial). Returns the number
    of names."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_matching import _company

    rng = random.Random(seed)
    parts = [CSL_HEADER]
    for e in range(n):
        name = _company(rng)
        toks = name.split()
        alias = " ".join(toks[:-1]) if len(toks) > 2 else _company(rng)
        parts.append(
            f'\n[[entity]]\nid = "csl-{e}"\nname = {json.dumps(name, ensure_ascii=False)}\n'
            f"aliases = [{json.dumps(alias, ensure_ascii=False)}]\n"
            f'sources = ["https://example.org/csl/{e}"]\n\n  [[entity.listing]]\n'
            f'  list = "bench-csl-list"\n  citation = "entry {e}"\n  start = 2020-01-01\n'
            f'  source_url = "https://example.org/csl/{e}"\n'
        )
    (directory / "csl.toml").write_text("".join(parts), encoding="utf-8")
    return 2 * n


def timed(cmd: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        r = subprocess.run(cmd, cwd=REPO, capture_output=True)
        times.append(time.perf_counter() - t0)
        if r.returncode not in (0, 1):
            sys.exit(
                f"command failed ({r.returncode}): {' '.join(cmd)}\n{r.stderr.decode()[-2000:]}"
            )
    return statistics.median(times)


def bomscan(*args: str) -> list[str]:
    return [sys.executable, "-m", "bomscan", *args]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--components", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--csl-entities", type=int, default=20_000)
    a = ap.parse_args()
    py = sys.executable
    # An installed bomscan has byte-compiled modules (pip compiles at install); running from a
    # checkout under PYTHONDONTWRITEBYTECODE would recompile every module on every run instead.
    subprocess.run([py, "-m", "compileall", "-q", str(REPO / "bomscan")], check=True)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        doc = make_bom(a.components)
        jpath = Path(tmp) / "big.cdx.json"
        jpath.write_text(json.dumps(doc, indent=2))
        xpath = Path(tmp) / "big.cdx.xml"
        xpath.write_bytes(to_xml(doc))
        print(
            f"generated {a.components:,} components: JSON {jpath.stat().st_size / 1e6:.1f} MB, "
            f"XML {xpath.stat().st_size / 1e6:.1f} MB"
        )
        csl = Path(tmp) / "csl-rules"
        csl.mkdir()
        n_names = write_csl_rules(csl, a.csl_entities)
        print(f"generated a rules directory of {a.csl_entities:,} entities ({n_names:,} names)")
        hbom = str(REPO / "examples" / "camera-hbom.cdx.json")

        cases = [
            (
                "CycloneDX JSON 20k vs json.load process",
                [py, "-c", f"import json; json.load(open({str(jpath)!r}))"],
                bomscan("report", str(jpath), "--format", "json", "-o", "/dev/null"),
                10.0,
            ),
            (
                "CycloneDX XML 20k vs lxml parse process",
                [py, "-c", f"from lxml import etree; etree.parse({str(xpath)!r})"],
                bomscan("report", str(xpath), "--format", "json", "-o", "/dev/null"),
                10.0,
            ),
            (
                "example HBOM vs importing polars+rapidfuzz+click",
                [py, "-c", "import polars, rapidfuzz, click"],
                bomscan("report", hbom, "-o", "/dev/null"),
                2.0,
            ),
            (
                f"example HBOM with a CSL-sized rule set ({a.csl_entities:,} entities) vs "
                "importing polars+rapidfuzz+click",
                [py, "-c", "import polars, rapidfuzz, click"],
                bomscan("report", hbom, "--rules", str(csl), "-o", "/dev/null"),
                2.0,
            ),
        ]
        for label, base_cmd, ours_cmd, target in cases:
            # interleaved, so a change in machine load hits both alike; a first run warms the
            # OS and bomscan caches (rules index, schema verdicts), as any repeated CI run has
            cold = timed(ours_cmd, 1)
            pairs = [(timed(base_cmd, 1), timed(ours_cmd, 1)) for _ in range(a.repeat * 2)]
            base = statistics.median(b for b, _ in pairs)
            ours = statistics.median(o for _, o in pairs)
            results.append((label, ours, base, target, cold))

    print()
    ok = True
    for label, ours, base, target, cold in results:
        ratio = ours / base
        ok &= ratio <= target
        print(
            f"{label}: bomscan {ours:.3f}s, baseline {base:.3f}s, ratio {ratio:.2f} "
            f"(target <= {target}) {'OK' if ratio <= target else 'OVER'}; first (cold-cache) run "
            f"{cold:.3f}s = {cold / base:.2f}x"
        )
    print("all within target" if ok else "SOME OVER TARGET")


if __name__ == "__main__":
    main()

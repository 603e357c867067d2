"""Write ``bomscan/sources/data/currencies.tsv``: the ISO 4217 currency codes in use.

A three-letter word is read as a currency only when it is one of these codes (a BOM's net names
``GND``, ``VCC`` or ``DNP`` never are). Source: ISO 4217 list one, as Debian's iso-codes
project keeps it, read through ``pycountry`` (a tool of this script only, not a dependency of
bomscan; only the codes, which are facts of the standard, are written)::

    pip install pycountry
    python scripts/gen_currencies.py
"""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "bomscan" / "sources" / "data" / "currencies.tsv"


def main() -> None:
    import pycountry

    version = importlib.metadata.version("pycountry")
    codes = sorted(c.alpha_3 for c in pycountry.currencies)
    with OUT.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("code\tsource\n")
        for code in codes:
            fh.write(f"{code}\tISO 4217 (iso-codes via pycountry {version})\n")
    print(f"{OUT.name}: {len(codes)} codes")


if __name__ == "__main__":
    main()

"""Write ``bomscan/resolve/data/pinyin_syllables.tsv``: every toneless pinyin syllable.

The resolver asks at match time whether a word is a pinyin compound ("huawei", "huafei"):
one letter between two such words is usually two Chinese names, not a typo. Deriving the
syllables from pypinyin's character table takes about half a second, too long for a report of
a few names, so they are data, refreshed with this script (pypinyin is a dependency)::

    python scripts/gen_pinyin_syllables.py

``tests/resolve/test_translit.py`` checks the file against pypinyin.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bomscan" / "resolve" / "data" / "pinyin_syllables.tsv"


def syllables() -> list[str]:
    """The toneless syllables of every reading in pypinyin's table, ü written v, sorted."""
    from pypinyin.contrib.tone_convert import to_normal
    from pypinyin.pinyin_dict import pinyin_dict

    out: set[str] = set()
    for readings in pinyin_dict.values():
        for r in readings.split(","):
            out.add(to_normal(r).replace("ü", "v").casefold())
    return sorted(out)


def source() -> str:
    """The ``source`` column: pypinyin and its version (the table differs a little between
    versions, so the test compares exactly only under the version that wrote the file)."""
    from pypinyin import __version__

    return f"pypinyin {__version__}"


def main() -> None:
    got = syllables()
    rows = "".join(f"{s}\t{source()}\n" for s in got)
    OUT.write_text("syllable\tsource\n" + rows, encoding="utf-8")
    print(f"{source()}: {len(got)} syllables", file=sys.stderr)


if __name__ == "__main__":
    main()

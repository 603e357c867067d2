"""Name resolution: messy manufacturer/supplier names -> restricted-entity rule aliases.

Public interface (other modules code against exactly this):

* ``normalise(name)`` - the documented comparison form (see ``normalise.py``);
* ``similarity(a, b)`` - the score the resolver gives name ``a`` against alias ``b``;
* ``AliasRecord``, ``Match``, ``Resolver`` with ``match_names`` and ``explain``;
* ``DEFAULT_THRESHOLD`` (a finding) and ``REVIEW_THRESHOLD`` (listed as a possible match).

Thresholds come from ``benchmarks/bench_matching.py``: 0.90 gives F1 >= 0.90 on the
nomenklatura company pairs and zero look-alike findings on the labelled vendor set.
"""

from .normalise import normalise
from .resolver import DEFAULT_THRESHOLD, REVIEW_THRESHOLD, AliasRecord, Match, Resolver
from .score import similarity

__all__ = [
    "DEFAULT_THRESHOLD",
    "REVIEW_THRESHOLD",
    "AliasRecord",
    "Match",
    "Resolver",
    "normalise",
    "similarity",
]

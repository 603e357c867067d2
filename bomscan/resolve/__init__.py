"""Name resolution: messy manufacturer/supplier names -> restricted-entity rule aliases.

Public interface (other modules code against exactly this):

* ``Resolver(aliases)`` over ``AliasRecord``s (``RuleSet.alias_records()``), with
  ``match(name)`` (one name), ``match_names(names)`` (a batch: one ``Match`` per distinct name
  that matched), ``explain(name)`` (why a name does or does not match), ``similarity(a, b)``
  and ``lookup_keys()`` (what the name gate is built from);
* ``bomscan.resolve.gate.NameGate(resolver)``: a cheap screen of names no alias can be found
  through (a submodule of its own, like ``affiliates``: both import polars);
* ``normalise(name)`` - the documented comparison form (see ``normalise.py``);
* ``similarity(a, b)`` - the score the resolver gives name ``a`` against alias ``b``;
* ``DEFAULT_THRESHOLD`` (a finding) and ``REVIEW_THRESHOLD`` (listed as a possible match);
* ``bomscan.resolve.affiliates.paths_frame``/``paths_for``: from a matched entity up to the
  listed parents it rolls up to.

``AliasRecord`` is defined in ``bomscan.rules.model`` (the rules produce it; resolve imports
rules, never the reverse) and re-exported here.

Thresholds come from ``benchmarks/bench_matching.py``: 0.90 gives F1 >= 0.90 on the
nomenklatura company pairs and zero look-alike findings on the labelled vendor set.
"""

from .normalise import normalise
from .resolver import (
    DEFAULT_THRESHOLD,
    REVIEW_THRESHOLD,
    AliasRecord,
    LookupKeys,
    Match,
    Resolver,
)
from .score import similarity

__all__ = [
    "DEFAULT_THRESHOLD",
    "REVIEW_THRESHOLD",
    "AliasRecord",
    "LookupKeys",
    "Match",
    "Resolver",
    "normalise",
    "similarity",
]

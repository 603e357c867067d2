"""Entity rules: the data model, loading and validation, and importers for official lists.

The shipped data lives in the top-level ``rules/`` directory (installed as package data);
``--rules DIR`` adds more on top and ``--no-default-rules`` drops the shipped ones.
"""

from bomscan.rules.loader import (
    Problem,
    collect,
    load_default_ruleset,
    load_rulesets,
    shipped_rules_dir,
)
from bomscan.rules.model import (
    LEVELS,
    Affiliation,
    AliasRecord,
    Entity,
    ListDef,
    Listing,
    RuleSet,
)

__all__ = [
    "LEVELS",
    "Affiliation",
    "AliasRecord",
    "Entity",
    "ListDef",
    "Listing",
    "Problem",
    "RuleSet",
    "collect",
    "load_default_ruleset",
    "load_rulesets",
    "shipped_rules_dir",
]

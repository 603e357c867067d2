"""The rule set as the cache stores and loads it."""

from __future__ import annotations

import pickle

from bomscan.rules import load_rulesets, shipped_rules_dir
from bomscan.rules.model import LazyEntities


def test_a_loaded_rule_set_reads_back_every_entity_as_loaded_from_toml() -> None:
    """The cache stores each entity as its own pickled string, unpickled when first read (a
    report of a BOM reads a handful of a 20,000-entity list): every entity, listing and
    affiliation comes back equal, and the rule set answers as the one it was saved from."""
    ruleset = load_rulesets([shipped_rules_dir()])
    loaded = pickle.loads(pickle.dumps(ruleset, protocol=pickle.HIGHEST_PROTOCOL))
    assert isinstance(loaded.entities, LazyEntities)
    assert loaded.entities._got == {}  # nothing unpickled before it is read
    assert "huawei" in loaded.entities and "no-such-entity" not in loaded.entities
    assert loaded.entities.get("no-such-entity") is None
    assert loaded.entities["huawei"] == ruleset.entities["huawei"]
    assert list(loaded.entities._got) == ["huawei"]
    assert dict(loaded.entities) == ruleset.entities
    assert loaded.alias_records() == ruleset.alias_records()
    assert loaded.descendants("huawei") == ruleset.descendants("huawei")
    assert loaded == ruleset
    again = pickle.loads(pickle.dumps(loaded, protocol=pickle.HIGHEST_PROTOCOL))
    assert again == ruleset


def test_a_copied_rule_set_keeps_its_entities_as_a_dict() -> None:
    """Only the cache's pickling (protocol 5) stores entities lazily: a copy (protocol 4)
    is a rule set like the one loaded from TOML, whose entities a caller may add to."""
    import copy

    ruleset = load_rulesets([shipped_rules_dir()])
    for dup in (copy.copy(ruleset), copy.deepcopy(ruleset), pickle.loads(pickle.dumps(ruleset, 4))):
        assert type(dup.entities) is dict and dup == ruleset

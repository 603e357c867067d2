"""The index cache (bomscan/cache.py): what it stores comes back equal, and the pause of the
garbage collector around a load or a build (an override, see docs/perf.md) leaves the
collector as it found it."""

from __future__ import annotations

import gc

import pytest

from bomscan import cache
from bomscan.rules import load_default_ruleset, shipped_rules_dir


def test_a_cached_rule_set_comes_back_equal(tmp_path, monkeypatch):
    monkeypatch.setenv("BOMSCAN_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("BOMSCAN_NO_CACHE", raising=False)
    built = cache.load_or_build([shipped_rules_dir()], load_default_ruleset)
    loaded = cache.load_or_build([shipped_rules_dir()], lambda: pytest.fail("not from cache"))
    assert loaded == built and loaded is not built


@pytest.mark.parametrize("enabled", [True, False])
def test_without_gc_restores_the_collector_even_on_error(enabled):
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        assert cache.without_gc(lambda x: (x, gc.isenabled()), 7) == (7, False)
        with pytest.raises(ZeroDivisionError):
            cache.without_gc(lambda: 1 / 0)
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()

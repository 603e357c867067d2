"""The index cache (bomscan/cache.py): what it stores comes back equal, and the pause of the
garbage collector around a load or a build (an override, see docs/perf.md) leaves the
collector as it found it."""

from __future__ import annotations

import gc
import mmap
import pickle

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


def test_a_cached_index_maps_its_large_strings_from_the_file(tmp_path):
    """The cache file holds the pickle and, after it, the buffers of packed strings; loading
    maps them from the file (not read into memory), and a resolver loaded that way matches
    as the one saved. A file cut short or of another format is refused (then rebuilt)."""
    from bomscan.resolve import Resolver
    from bomscan.rules import AliasRecord

    names = ["Hangzhou Hikvision Digital Technology Co., Ltd.", "海康威视", "Zhejiang Dahua"]
    built = Resolver([AliasRecord(f"e{i}", n) for i, n in enumerate(names)])
    path = tmp_path / "index.pickle"
    with open(path, "wb") as fh:
        cache.dump(built, fh)
    loaded = cache.load(path)
    keys = loaded._index._sorted._keys
    assert isinstance(keys._data.obj, mmap.mmap)  # a view of the mapped file
    queries = ["Hikvision Digital Technology", "Hangzhou Haikang Weishi", "Dahua", "Bosch"]
    assert loaded.match_names(queries) == built.match_names(queries)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 9])  # cut short
    with pytest.raises(ValueError, match="incomplete"):
        cache.load(path)
    lost = min(4096, len(data) // 2)
    path.write_bytes(data[:-lost] + bytes(lost))  # its last blocks never reached the disk
    with pytest.raises(ValueError, match="incomplete"):
        cache.load(path)
    path.write_bytes(pickle.dumps(built))
    with pytest.raises(ValueError, match="not a bomscan cache file"):
        cache.load(path)


def test_a_damaged_cache_file_is_rebuilt_not_used(tmp_path, monkeypatch):
    """A report never screens with an index read from a file that was not wholly written:
    the cache builds the index again."""
    monkeypatch.setenv("BOMSCAN_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("BOMSCAN_NO_CACHE", raising=False)
    built = cache.load_or_build([shipped_rules_dir()], load_default_ruleset)
    (entry,) = tmp_path.glob("index-*.pickle")
    data = entry.read_bytes()
    entry.write_bytes(data[: len(data) // 2] + bytes(len(data) - len(data) // 2))
    rebuilt = []
    again = cache.load_or_build(
        [shipped_rules_dir()], lambda: rebuilt.append(1) or load_default_ruleset()
    )
    assert rebuilt == [1] and again == built
    assert cache.load(entry) == built  # written whole again

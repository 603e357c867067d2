"""The resolver's posting lists: for each key (an index key, an exact key, a normal form, a
contained core), the alias ids that have it, in rule order."""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence

from bomscan.packed import Packed, buffer_reduce, encode, ints, packed_strings, unpacked_strings

# A loaded index answers its first lookups by binary search over its sorted keys, and builds
# the key dict once this many have been asked (see Postings.__reduce_ex__).
DICT_AFTER = 5_000


class Postings(Mapping[str, Sequence[int]]):
    """The candidate index: each key's alias ids, ascending (rule order). Stored as one flat
    array of ids, the bounds of each key's run in it, and a dict from key to run number: a
    few objects, where a dict of lists has one list per key (337,000 for a CSL-sized rule
    set), each of which the cyclic garbage collector would scan while the cached index is
    unpickled and on every full collection after. As the cache stores it, the keys are one
    sorted buffer (``SortedKeys``) and the arrays are read in place from the cache file."""

    __slots__ = ("_slot", "_bounds", "_ids", "_sorted", "_asked")

    def __init__(self, lists: Mapping[str, Sequence[int]]) -> None:
        self._slot: dict[str, int] | None = {}
        self._sorted: SortedKeys | None = None
        self._asked = 0
        self._bounds = array("i", [0])
        self._ids = array("i")
        for key, ids in lists.items():
            self._slot[key] = len(self._slot)
            self._ids.extend(ids)
            self._bounds.append(len(self._ids))

    @classmethod
    def from_runs(cls, keyed: Iterable[tuple[int, Iterable[str]]]) -> Postings:
        """Override of ``Postings(lists)`` for a large index (the plain path builds a dict of
        one list per key first: 337,000 lists for a CSL-sized rule set, each allocated,
        appended to and collected). ``keyed``: each alias id, in ascending order, with its
        keys. Each key is numbered by a dict at its first sight, and the ids are grouped by
        key number in C (numpy's stable argsort keeps them ascending in each run), so the
        same runs come out. tests/resolve/test_resolve_vectorised.py checks it equals the
        plain path."""
        import numpy as np

        slot: dict[str, int] = {}
        put = slot.setdefault
        slots: list[int] = []
        ids: list[int] = []
        for i, keys in keyed:
            before = len(slots)
            slots.extend([put(k, len(slot)) for k in keys])
            ids.extend([i] * (len(slots) - before))
        nums = np.array(slots, dtype=np.intp)
        flat = np.array(ids, dtype=np.intc)[np.argsort(nums, kind="stable")]
        bounds = np.zeros(len(slot) + 1, dtype=np.intc)
        np.cumsum(np.bincount(nums, minlength=len(slot)), out=bounds[1:])
        out = cls.__new__(cls)
        out._slot, out._sorted, out._asked = slot, None, 0
        out._ids = array("i", flat.tobytes())
        out._bounds = array("i", bounds.tobytes())
        return out

    @property
    def slot(self) -> dict[str, int]:
        """Each key's run number (built from the sorted keys the first time a loaded index
        needs it)."""
        if self._slot is None:
            self._slot = self._sorted.as_dict()
        return self._slot

    def load_all(self) -> None:
        """Build the key dict now (a loaded index about to be asked many keys)."""
        self.slot  # noqa: B018 (the property builds it)

    def _dict_for(self, asking: int) -> dict[str, int] | None:
        """The key dict for ``asking`` more lookups: None while a loaded index still answers
        by binary search (until ``DICT_AFTER`` lookups)."""
        if self._slot is None:
            self._asked += asking
            if self._asked <= DICT_AFTER:
                return None
        return self.slot

    def find(self, key: str) -> int | None:
        """The run number of ``key``, or None when no alias has it."""
        slot = self._dict_for(1)
        return self._sorted.find(key) if slot is None else slot.get(key)

    def found(self, keys: Collection[str]) -> list[tuple[str, int]]:
        """(key, run number) of each of ``keys`` that some alias has. Most keys miss: with
        the dict, they are tested in C and Python sees only the hits."""
        slot = self._dict_for(len(keys))
        if slot is None:
            find = self._sorted.find
            return [(k, n) for k in keys if (n := find(k)) is not None]
        return [(k, slot[k]) for k in filter(slot.__contains__, keys)]

    def run(self, n: int) -> Sequence[int]:
        """The ids of run number ``n`` (``find(key)``)."""
        return self._ids[self._bounds[n] : self._bounds[n + 1]]

    def __getitem__(self, key: str) -> Sequence[int]:
        n = self.find(key)
        if n is None:
            raise KeyError(key)
        return self.run(n)

    def get(self, key: str, default=None):  # no KeyError raised per miss, as Mapping's does
        n = self.find(key)
        return default if n is None else self.run(n)

    def __iter__(self) -> Iterator[str]:
        """The keys: in first-seen order as built, in sorted order as loaded."""
        return iter(self.slot)

    def __len__(self) -> int:
        return len(self.slot)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.find(key) is not None

    # The cache (bomscan/cache.py) pickles a built index. Stored, the keys are one sorted
    # buffer and the ids arrays out of band (a few objects, mapped from the cache file, not a
    # dict of 337,000 keys for a CSL-sized rule set: 0.11 s of a 0.26 s load, when a report
    # of a BOM's few names asks a few hundred keys). Deleting __reduce_ex__ (and its test)
    # leaves the plain path: the dict and arrays pickled.
    def __reduce_ex__(self, protocol):
        keys = self._sorted if self._sorted is not None else SortedKeys.of(self._slot)
        bounds, ids = buffer_reduce(self._bounds, protocol), buffer_reduce(self._ids, protocol)
        return _loaded, (keys, bounds, ids)


def _loaded(keys: SortedKeys, bounds, ids) -> Postings:
    """A stored index (``Postings.__reduce_ex__``): its arrays read in place."""
    out = Postings.__new__(Postings)
    out._slot, out._sorted, out._asked = None, keys, 0
    out._bounds, out._ids = ints(bounds), ints(ids)
    if len(out._bounds) != len(keys) + 1 or out._bounds[-1] != len(out._ids):
        raise ValueError("stored index: runs do not fit their keys and ids")
    return out


class SortedKeys:
    """An index's keys sorted, as one buffer of their UTF-8 bytes (``bomscan/packed.py``:
    the cache maps it from its file), and each key's run number: a key is found by binary
    search over the bytes (UTF-8 sorts as the code points do), a few microseconds a key."""

    __slots__ = ("_keys", "_runs")

    def __init__(self, keys: Packed, runs: array) -> None:
        self._keys, self._runs = keys, runs

    @classmethod
    def of(cls, slot: Mapping[str, int]) -> SortedKeys:
        keys = sorted(slot)
        return cls(packed_strings(keys), array("i", [slot[k] for k in keys]))

    def __len__(self) -> int:
        return len(self._runs)

    def find(self, key: str) -> int | None:
        b = encode(key)
        keys = self._keys
        i = bisect_left(keys, b)
        return self._runs[i] if i < len(keys) and keys[i] == b else None

    def as_dict(self) -> dict[str, int]:
        return dict(zip(unpacked_strings(self._keys), self._runs, strict=True))

    def __reduce_ex__(self, protocol):
        return _sorted_keys, (self._keys, buffer_reduce(self._runs, protocol))


def _sorted_keys(keys: Packed, runs) -> SortedKeys:
    out = SortedKeys(keys, ints(runs))
    if len(out) != len(keys):
        raise ValueError("stored index: a run number per key expected")
    return out

"""The resolver's posting lists: for each key (an index key, an exact key, a normal form, a
contained core), the alias ids that have it, in rule order."""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence


class Postings(Mapping[str, Sequence[int]]):
    """The candidate index: each key's alias ids, ascending (rule order). Stored as one flat
    array of ids, the bounds of each key's run in it, and a dict from key to run number: a
    few objects, where a dict of lists has one list per key (337,000 for a CSL-sized rule
    set), each of which the cyclic garbage collector would scan while the cached index is
    unpickled and on every full collection after."""

    __slots__ = ("slot", "_bounds", "_ids")

    def __init__(self, lists: Mapping[str, Sequence[int]]) -> None:
        self.slot: dict[str, int] = {}
        self._bounds = array("i", [0])
        self._ids = array("i")
        for key, ids in lists.items():
            self.slot[key] = len(self.slot)
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
        out.slot = slot
        out._ids = array("i", flat.tobytes())
        out._bounds = array("i", bounds.tobytes())
        return out

    def run(self, n: int) -> array:
        """The ids of run number ``n`` (``slot[key]``)."""
        return self._ids[self._bounds[n] : self._bounds[n + 1]]

    def __getitem__(self, key: str) -> array:
        return self.run(self.slot[key])

    def get(self, key: str, default=None):  # no KeyError raised per miss, as Mapping's does
        n = self.slot.get(key)
        return default if n is None else self.run(n)

    def __iter__(self) -> Iterator[str]:
        return iter(self.slot)

    def __len__(self) -> int:
        return len(self.slot)

    def __contains__(self, key: object) -> bool:
        return key in self.slot

"""Many byte strings kept as one buffer and the offsets between them.

Why: the cached index of a CSL-sized rule set holds hundreds of thousands of strings (index
keys, parsed aliases, pickled entities). Pickled one by one, each is an object to allocate
when the cache is loaded, though a report of a BOM reads a few hundred of them. As one
buffer, they are a single object to pickle; and the cache (``bomscan/cache.py``) stores the
buffer outside the pickle stream and maps it from the file, so loading reads none of it and
a report reads only the pages holding the strings it asks for.
"""

from __future__ import annotations

import pickle
from array import array
from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate


class Packed(Sequence[bytes]):
    """A read-only sequence of byte strings stored as one buffer (``data``) and the start of
    each string in it (``starts``, one more than the strings: the last is the end)."""

    __slots__ = ("_data", "_starts")

    def __init__(self, items: Iterable[bytes] = ()) -> None:
        items = list(items)
        self._starts = memoryview(array("q", [0, *accumulate(map(len, items))]))
        self._data = memoryview(b"".join(items))

    def __getitem__(self, i):  # an int: one string
        if i < 0:
            i += len(self)
        return self._data[self._starts[i] : self._starts[i + 1]].tobytes()

    def __len__(self) -> int:
        return len(self._starts) - 1

    def __iter__(self) -> Iterator[bytes]:
        return (self[i] for i in range(len(self)))

    def __reduce_ex__(self, protocol):
        # protocol 5: both buffers may travel outside the pickle stream (cache.py maps them
        # from the file); in the stream otherwise
        if protocol >= 5:
            return _restore, (pickle.PickleBuffer(self._data), pickle.PickleBuffer(self._starts))
        return _restore, (self._data.tobytes(), self._starts.tobytes())


def _restore(data, starts) -> Packed:
    out = Packed.__new__(Packed)
    out._data = memoryview(data).cast("B")
    out._starts = memoryview(starts).cast("B").cast("q")
    return out


def packed_strings(items: Sequence[str]) -> Packed:
    """``items`` encoded as UTF-8 (lone surrogates kept: ``decode`` gives them back)."""
    return Packed(s.encode("utf-8", "surrogatepass") for s in items)


def decode(b: bytes) -> str:
    return b.decode("utf-8", "surrogatepass")

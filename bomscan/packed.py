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
    each string in it (``starts``, one more than the strings: the last is the end). With
    ``sep``, each string is followed by it in the buffer (see ``packed_strings``)."""

    __slots__ = ("_data", "_starts", "_sep")

    def __init__(self, items: Iterable[bytes] = (), sep: bytes = b"") -> None:
        items = [x + sep for x in items] if sep else list(items)
        self._starts = memoryview(array("q", [0, *accumulate(map(len, items))]))
        self._data = memoryview(b"".join(items))
        self._sep = len(sep)

    def __getitem__(self, i):  # an int: one string
        if i < 0:
            i += len(self)
        return self._data[self._starts[i] : self._starts[i + 1] - self._sep].tobytes()

    def __len__(self) -> int:
        return len(self._starts) - 1

    def __iter__(self) -> Iterator[bytes]:
        return (self[i] for i in range(len(self)))

    def __reduce_ex__(self, protocol):
        # protocol 5: both buffers may travel outside the pickle stream (cache.py maps them
        # from the file); in the stream otherwise
        if protocol >= 5:
            data, starts = pickle.PickleBuffer(self._data), pickle.PickleBuffer(self._starts)
        else:
            data, starts = self._data.tobytes(), self._starts.tobytes()
        return _restore, (data, starts, self._sep)


def _restore(data, starts, sep: int = 0) -> Packed:
    out = Packed.__new__(Packed)
    out._data = memoryview(data).cast("B")
    out._starts = memoryview(starts).cast("B").cast("q")
    out._sep = sep
    return out


# Between the strings of ``packed_strings``: a byte UTF-8 never contains.
_SEP = b"\xff"


def packed_strings(items: Sequence[str]) -> Packed:
    """``items`` encoded as UTF-8 (lone surrogates kept: ``decode`` gives them back)."""
    return Packed((s.encode("utf-8", "surrogatepass") for s in items), _SEP)


def decode(b: bytes) -> str:
    return b.decode("utf-8", "surrogatepass")


def unpacked_strings(p: Packed) -> list[str]:
    """Every string of ``packed_strings``, decoded at once (one split in C, not a slice per
    string)."""
    if p._sep != len(_SEP):
        return [decode(b) for b in p]
    return [decode(b) for b in p._data.tobytes().split(_SEP)[:-1]]

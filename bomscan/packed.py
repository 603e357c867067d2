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
        self._sep = sep

    def __getitem__(self, i: int) -> bytes:  # one string (no slices)
        n = len(self._starts) - 1
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(i)
        return self._data[self._starts[i] : self._starts[i + 1] - len(self._sep)].tobytes()

    def __len__(self) -> int:
        return len(self._starts) - 1

    def __iter__(self) -> Iterator[bytes]:
        return (self[i] for i in range(len(self)))

    def __reduce_ex__(self, protocol):
        data, starts = buffer_reduce(self._data, protocol), buffer_reduce(self._starts, protocol)
        return _restore, (data, starts, self._sep)


def _restore(data, starts, sep: bytes = b"") -> Packed:
    out = Packed.__new__(Packed)
    out._data, out._starts, out._sep = ints(data, "B"), ints(starts, "q"), sep
    if out._starts[0] != 0 or out._starts[-1] != len(out._data):
        raise ValueError("packed strings: offsets do not fit the buffer")
    return out


# Between the strings of ``packed_strings``: the unit separator, which names do not hold, so
# the whole buffer decodes at once and splits at it; where a string holds it, a byte UTF-8
# never contains (then the strings are decoded one by one).
_SEP, _ODD_SEP = "\x1f", b"\xff"


def packed_strings(items: Sequence[str]) -> Packed:
    """``items`` encoded as UTF-8 (``encode``: lone surrogates kept)."""
    sep = _ODD_SEP if any(_SEP in s for s in items) else _SEP.encode()
    return Packed(map(encode, items), sep)


def encode(s: str) -> bytes:
    """A string as ``packed_strings`` stores it (``decode`` reads it back)."""
    return s.encode("utf-8", "surrogatepass")


def decode(b: bytes) -> str:
    return b.decode("utf-8", "surrogatepass")


def unpacked_strings(p: Packed) -> list[str]:
    """Every string of ``packed_strings``, decoded at once (one decode and one split in C,
    not a slice per string)."""
    if p._sep != _SEP.encode():
        return [decode(b) for b in p]
    return decode(p._data.tobytes()).split(_SEP)[:-1]


def buffer_reduce(buf: array | memoryview, protocol: int):
    """A buffer (an array of ints, packed bytes) as pickle should carry it: out of band from
    protocol 5 (the cache maps it from its file), in the stream before; ``ints`` reads
    either back."""
    if protocol >= 5:
        return pickle.PickleBuffer(buf)
    return buf.tobytes()


def ints(buf, typecode: str = "i") -> memoryview:
    """The items of a buffer ``buffer_reduce`` gave pickle, read in place (no copy)."""
    view = memoryview(buf).cast("B")
    return view if typecode == "B" else view.cast(typecode)

"""A built resolver as the cache stores it: per-alias objects as columns of strings, decoded
on first use.

Why: a cached index of a CSL-sized rule set holds about 40,000 parsed aliases (each a
``Parsed`` with its tuples and frozensets), as many alias records and the frozensets of
their ordinary words: over half a million objects that unpickling allocates one by one and
the cyclic garbage collector then traverses on every full collection. Loading them was most
of a cached run's fixed cost (0.5-0.6 s of 0.7-0.9 s), though a report touches only the
aliases its names are compared with. Stored as one string per item, the same data unpickles
as a few lists of strings (which the collector does not traverse), and an item becomes an
object again only when the resolver reads it.

This is an override of pickling the objects themselves (the plain path: a ``Resolver``'s
``__getstate__`` without it); tests/resolve/test_resolve_vectorised.py checks that every
item comes back equal, and that a resolver loaded from it matches as the one it was saved
from. An item whose encoding would not come back equal (a separator inside a name) is
stored as the object itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Generic, TypeVar

from bomscan.packed import decode, packed_strings
from bomscan.rules.model import AliasRecord

from .normalise import Parsed

T = TypeVar("T")

_FIELD = "\x1e"  # between the fields of one item
_ITEM = "\x1f"  # between the members of one field (a tuple or a set)


class Column(Sequence[T], Generic[T]):
    """A read-only list of items stored as strings (``encode``), each decoded the first time
    it is read (``decode``). The strings are kept as one buffer (``bomscan/packed.py``): one
    object to pickle, which the cache maps from its file rather than reads. Items whose
    string would not decode to an equal item are kept as they are."""

    __slots__ = ("_text", "_odd", "_decode", "_got")

    def __init__(self, items: Sequence[T], encode: Callable[[T], str], decode: Callable[[str], T]):
        texts: list[str] = []
        self._odd: dict[int, T] = {}
        self._decode = decode
        for i, item in enumerate(items):
            text = encode(item)
            if not _comes_back(text, item, decode):
                self._odd[i] = item
                text = ""
            texts.append(text)
        self._text = packed_strings(texts)
        self._got: list[T | None] = [None] * len(texts)

    def __getitem__(self, i):  # an int: a Column is read one item at a time
        got = self._got[i]
        if got is None:
            if i < 0:
                i += len(self._got)
            odd = self._odd.get(i)
            got = self._got[i] = odd if odd is not None else self._decode(decode(self._text[i]))
        return got

    def __len__(self) -> int:
        return len(self._got)

    def __iter__(self) -> Iterator[T]:
        return (self[i] for i in range(len(self._got)))

    def __getstate__(self) -> tuple:
        return self._text, self._odd, self._decode

    def __setstate__(self, state: tuple) -> None:
        self._text, self._odd, self._decode = state
        self._got = [None] * len(self._text)


def _comes_back(text: str, item, decode: Callable) -> bool:
    """Whether ``decode`` reads ``text`` back as ``item`` (a separator inside a field
    splits it wrongly, or into too many fields)."""
    try:
        return decode(text) == item
    except ValueError:
        return False


def _joined(xs) -> str:
    return _ITEM.join(xs)


_EMPTY: frozenset[str] = frozenset()  # one object for every empty set read back


def _set(text: str) -> frozenset[str]:
    return frozenset(text.split(_ITEM)) if text else _EMPTY


def _tuple(text: str, sep: str = _ITEM) -> tuple[str, ...]:
    return tuple(text.split(sep)) if text else ()


def encode_parsed(p: Parsed) -> str:
    """One parsed name as a string (``decode_parsed`` reads it back): ``tokens`` are the
    words of ``norm``, as ``normalise`` builds them, so only ``norm`` is stored."""
    return _FIELD.join(
        [
            p.raw,
            p.exact_key,
            p.norm,
            " ".join(p.distinctive),
            _joined(sorted(p.generic)),
            _joined(sorted(p.numbers)),
            _joined(sorted(p.regions)),
            _joined(p.removed_legal),
            _joined(p.removed_places),
            _joined(p.removed_regions),
            p.compact,
            p.script,
        ]
    )


def decode_parsed(text: str) -> Parsed:
    raw, exact, norm, dist, gen, num, reg, legal, places, regions, compact, script = text.split(
        _FIELD
    )
    return Parsed(
        raw,
        exact,
        norm,
        _tuple(norm, " "),
        _tuple(dist, " "),
        _set(gen),
        _set(num),
        _set(reg),
        _tuple(legal),
        _tuple(places),
        _tuple(regions),
        compact,
        script,
    )


def encode_alias(r: AliasRecord) -> str:
    return _FIELD.join([r.entity_id, r.alias, "w" if r.weak else ""])


def decode_alias(text: str) -> AliasRecord:
    entity_id, alias, weak = text.split(_FIELD)
    return AliasRecord(entity_id, alias, bool(weak))


def encode_words(words: frozenset[str]) -> str:
    return _joined(sorted(words))


def decode_words(text: str) -> frozenset[str]:
    return _set(text)

"""Packed strings (bomscan/packed.py): what goes in comes back, by pickle in the stream or
out of band (as the cache stores it), one at a time or all at once."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bomscan.packed import Packed, packed_strings, unpacked_strings


@given(st.lists(st.text()))
def test_strings_come_back_one_at_a_time_and_all_at_once(items):
    p = packed_strings(items)
    assert [b.decode("utf-8", "surrogatepass") for b in p] == items
    assert unpacked_strings(p) == items and len(p) == len(items)
    if items:
        assert p[-1].decode("utf-8", "surrogatepass") == items[-1]


@pytest.mark.parametrize("protocol", [2, 4, 5, "out-of-band"])
def test_a_pickled_packed_comes_back_equal(protocol):
    items = ["Hikvision", "", "海康威视", "\x00海康", "lone \udc80 surrogate"]
    blobs = [b"\xff\x00", b"", b"z" * 1000]
    for p, want in ((packed_strings(items), items), (Packed(blobs), blobs)):
        if protocol == "out-of-band":
            bufs: list[pickle.PickleBuffer] = []
            data = pickle.dumps(p, protocol=5, buffer_callback=bufs.append)
            assert len(bufs) == 2  # the strings and their offsets, outside the stream
            q = pickle.loads(data, buffers=[b.raw() for b in bufs])
        else:
            q = pickle.loads(pickle.dumps(p, protocol=protocol))
        got = unpacked_strings(q) if want is items else list(q)
        assert got == want


def test_packed_strings_refuse_what_they_do_not_hold():
    """An index past either end is an IndexError (not a silently empty string), and offsets
    that do not fit their buffer (a damaged cache file) are refused when loaded."""
    p = packed_strings(["x", "y"])
    assert p[-2] == b"x"
    for i in (2, -3):
        with pytest.raises(IndexError):
            p[i]
    bufs: list[pickle.PickleBuffer] = []
    data = pickle.dumps(p, protocol=5, buffer_callback=bufs.append)
    text, starts = (bytearray(b.raw()) for b in bufs)
    with pytest.raises(ValueError, match="offsets"):
        pickle.loads(data, buffers=[text[:-1], starts])

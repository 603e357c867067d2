"""A large text file's line breaks, counted per block.

:class:`~bomscan.sources.tabular.LineIndex` reads rows back by position from these counts (see
its docstring). numpy is imported only for files large enough to be indexed.
"""

from __future__ import annotations

import math
import mmap
import os
from array import array
from bisect import bisect_left

BLOCK = 2040  # bytes per counted block: 255 words (see count_breaks)
NUMPY_COUNT_MIN = 32 << 20  # bytes from which the count uses numpy (and keeps offsets)


def count_breaks(path: str, block: int = BLOCK, numpy_from: int = NUMPY_COUNT_MIN):
    """(lines, ends): the file's line count (a last line without a line break counts) and, from
    ``numpy_from`` bytes, the line breaks up to the end of each ``block`` bytes (cumulative,
    ``array('q')``); smaller files are counted with ``bytes.count`` (numpy's import would cost
    more than the count) and get no ends (None)."""
    size = os.path.getsize(path)
    if size < numpy_from:
        with open(path, "rb") as fh:
            data = fh.read()
        return data.count(b"\n") + (0 if data[-1:] in (b"\n", b"") else 1), None
    import numpy as np

    # about 1 MiB, whole blocks and whole pages (2040 * 512 = 4096 * 255): each window's pages
    # can then be dropped exactly. With windows that split a page, the drops freed little
    # (measured: the resident file pages grew 0.6 MB a window, to 400 MB at 10M rows, the
    # report's peak memory)
    unit = math.lcm(block, mmap.PAGESIZE)
    step = unit * max(1, (1 << 20) // unit)
    # a block of at most 255 8-byte words is summed as words: each byte lane then holds at most
    # 255 (no carry), and the 8 lanes are added once per block (0.2 s at 10M rows where summing
    # the bytes took 0.3)
    words = block % 8 == 0 and block // 8 <= 255
    per_block = []
    last = 10
    if size:
        # read through a memory map (no copy into a buffer: half the system time), each
        # window's pages dropped from this process once counted, so the peak memory holds one
        # window, not the file
        with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            for at in range(0, size, step):
                k = min(step, size - at)
                breaks = np.frombuffer(mm, dtype=np.uint8, count=k, offset=at) == 10
                whole = k - k % block
                if words:
                    lanes = breaks[:whole].view(np.uint64).reshape(-1, block // 8).sum(axis=1)
                    counts = lanes.view(np.uint8).reshape(-1, 8).sum(axis=1, dtype=np.int32)
                else:
                    counts = breaks[:whole].reshape(-1, block).sum(axis=1, dtype=np.int32)
                per_block.append(counts)
                if whole < k:  # the file's last, short block
                    per_block.append(np.array([np.count_nonzero(breaks[whole:])], np.int32))
                del breaks
                if hasattr(mmap, "MADV_DONTNEED"):  # not on Windows
                    mm.madvise(mmap.MADV_DONTNEED, at, k)
            last = mm[size - 1]
    ends = np.cumsum(np.concatenate(per_block or [np.zeros(0, np.int32)]), dtype=np.int64)
    total = int(ends[-1]) if len(ends) else 0
    out = array("q")
    out.frombytes(ends.astype("<i8").tobytes())
    return total + (0 if last == 10 else 1), out


def block_of(ends, line_break: int) -> int:
    """The block holding the ``line_break``-th line break (1-based) of the file."""
    return bisect_left(ends, line_break)

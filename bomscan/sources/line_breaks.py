"""A large text file's line breaks, counted per block: in a thread, or forked from the start.

:class:`~bomscan.sources.tabular.LineIndex` reads rows back by position from these counts (see
its docstring). This module imports neither polars nor, until it counts, numpy, so that the
report can start the count before it imports polars: :func:`prefetch` forks a process that
counts each large input while the parent imports polars and reads the file's head, when one
core is otherwise idle. In a thread, the count (~0.1 s of CPU at 10M rows) and numpy's import
(~0.06 s, holding the GIL) competed with the parent's work instead. A forked count is used only
for the same file (path, size, modification time) and block size; anything else, or a child
that fails, and the parent counts for itself.
"""

from __future__ import annotations

import atexit
import math
import mmap
import os
import signal
import stat
import struct
import sys
import threading
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


def _key(path: str, st: os.stat_result | None = None) -> tuple | None:
    """What identifies a file's counts: its real path, size and modification time."""
    try:
        st = st or os.stat(path)
    except OSError:
        return None
    return os.path.realpath(path), st.st_size, st.st_mtime_ns


class _Forked:
    """A child process counting one file's line breaks; ``result()`` waits for them."""

    def __init__(self, path: str, block: int) -> None:
        self.block = block
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: count, hand over, and leave without any of the parent's exit
            code = 1
            try:
                # off the parent's standard streams: a caller waiting for their end (a pipe)
                # must not wait for this process too
                devnull = os.open(os.devnull, os.O_RDWR)
                for fd in (0, 1, 2):
                    os.dup2(devnull, fd)
                os.close(read_end)
                lines, ends = count_breaks(path, block)
                data = ends.tobytes() if ends is not None else b""
                with os.fdopen(write_end, "wb") as out:
                    out.write(struct.pack("<qq", lines, -1 if ends is None else len(ends)))
                    out.write(data)
                code = 0
            finally:
                os._exit(code)
        os.close(write_end)
        self.pid, self.fd = pid, read_end
        self.lock = threading.Lock()
        self.got: tuple | None = None
        self.done = False

    def result(self) -> tuple | None:
        """(lines, ends) from the child, or None when it failed."""
        with self.lock:
            if not self.done:
                self.done = True
                try:
                    with os.fdopen(self.fd, "rb") as pipe:
                        data = pipe.read()
                    _, status = os.waitpid(self.pid, 0)
                    if status == 0 and len(data) >= 16:
                        lines, n = struct.unpack("<qq", data[:16])
                        ends = None
                        if n >= 0:
                            ends = array("q")
                            ends.frombytes(data[16:])
                            if len(ends) != n:
                                raise ValueError("short read")
                        self.got = (lines, ends)
                except (OSError, ValueError, struct.error):
                    self.got = None
            return self.got


_FORKED: dict[tuple, _Forked] = {}


@atexit.register
def _stop_unused() -> None:
    """End the counts the run never asked for (it stopped early, or the file was not a CSV)."""
    for job in _FORKED.values():
        try:
            os.kill(job.pid, signal.SIGTERM)
            os.waitpid(job.pid, 0)
        except OSError:
            pass
    _FORKED.clear()


def prefetch(paths: list[str]) -> None:
    """Start counting each large, text-looking input in a forked process (see the module's
    docstring); only on Linux, and only while the process has one thread and has not imported
    polars (a fork copies no other thread, and a lock one of them held would stay taken)."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return
    if "polars" in sys.modules or threading.active_count() != 1:
        return
    for path in paths:
        try:
            st = os.stat(path)
            key = _key(path, st)
            if key in _FORKED or st.st_size < NUMPY_COUNT_MIN or not stat.S_ISREG(st.st_mode):
                continue
            with open(path, "rb") as fh:
                head = fh.read(4)
        except OSError:
            continue
        # Parquet, xlsx (zip), UTF-16/32 (read from a transcoded copy), JSON and XML: not
        # counted in place
        if head.startswith((b"PAR1", b"PK", b"\xff\xfe", b"\xfe\xff", b"\x00\x00")):
            continue
        if head.lstrip()[:1] in (b"{", b"[", b"<"):
            continue
        try:
            _FORKED[key] = _Forked(path, BLOCK)
        except OSError:
            return


def forked_count(path: str, block: int):
    """(lines, ends) a forked process counted for this very file and block size, or None."""
    key = _key(path)
    job = _FORKED.pop(key, None) if key is not None else None
    if job is None or job.block != block:
        return None
    return job.result()

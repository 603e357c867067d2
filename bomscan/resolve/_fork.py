"""Split a large, pure batch job between this process and one forked child.

Why: matching 20,000 names (and parsing 40,000 aliases to build the index) is pure Python
work per item, so it is bound to one core by the GIL; the machines this runs on have two.
A forked child shares the built index copy-on-write (nothing is pickled on the way in), works
on every other item, and sends back plain tuples through a pipe (``marshal``: fast, and only
str/float/tuple/frozenset go through). The result is the same list, in the same order, as
``fn(items)``: every item's result depends only on that item.

Used only above a size threshold (forking costs a few milliseconds), on POSIX, with 2+ usable
cores, and not when ``BOMSCAN_RESOLVE_WORKERS=1``. If the child fails in any way, the parent
computes the child's share itself, so the answer never depends on whether forking worked.
The child does no I/O but the pipe write and leaves with ``os._exit`` (no atexit handlers,
no buffered stdout/stderr flushed twice), so a background thread in the parent (a progress
line) cannot be disturbed by it.
"""

from __future__ import annotations

import marshal
import os
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

ENV_WORKERS = "BOMSCAN_RESOLVE_WORKERS"


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - non-Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    if not hasattr(os, "fork") or os.environ.get(ENV_WORKERS, "").strip() == "1":
        return False
    return usable_cores() >= 2


def _read_all(fd: int) -> bytes:
    chunks = []
    while True:
        b = os.read(fd, 1 << 20)
        if not b:
            return b"".join(chunks)
        chunks.append(b)


def run_pair(here: Callable[[], R], there: Callable[[], T]) -> tuple[R, T]:
    """``(here(), there())``, with ``there`` run in a forked child when forking is possible.
    ``there()`` must return a marshal-able value; if the child fails, it runs here instead."""
    if not can_fork():
        return here(), there()
    try:
        rfd, wfd = os.pipe()
        pid = os.fork()
    except OSError:
        return here(), there()
    if pid == 0:  # child
        code = 1
        try:
            os.close(rfd)
            data = marshal.dumps(there())
            view = memoryview(data)
            while view:
                view = view[os.write(wfd, view) :]
            code = 0
        finally:
            os._exit(code)
    os.close(wfd)
    try:
        mine = here()
    except BaseException:
        os.close(rfd)
        os.waitpid(pid, 0)
        raise
    try:
        data = _read_all(rfd)
    finally:
        os.close(rfd)
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) == 0:
        try:
            return mine, marshal.loads(data)
        except (EOFError, ValueError, TypeError):
            pass
    return mine, there()


def split_map(fn: Callable[[Sequence[T]], list[R]], items: Sequence[T], min_items: int) -> list[R]:
    """``fn(items)``, computed as ``fn(items[0::2])`` here and ``fn(items[1::2])`` in a forked
    child when there are at least ``min_items`` items. ``fn`` must return one marshal-able
    result per item, in order, and must not depend on which process runs it."""
    if len(items) < max(2, min_items) or not can_fork():
        return fn(items)
    mine, theirs = items[0::2], items[1::2]
    got_mine, got_theirs = run_pair(lambda: fn(mine), lambda: fn(theirs))
    if not isinstance(got_theirs, list) or len(got_theirs) != len(theirs):
        got_theirs = fn(theirs)  # pragma: no cover - a child that answered wrongly
    out: list[R] = [None] * len(items)  # type: ignore[list-item]
    out[0::2] = got_mine
    out[1::2] = got_theirs
    return out

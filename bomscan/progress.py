"""A progress line on stderr for inputs that take more than a second.

Shown only when stderr is a terminal and ``--quiet`` is not given, never on stdout (the report
goes there). A background thread redraws one line (``\\r``) ten times a second, starting after
``delay`` seconds (``BOMSCAN_PROGRESS_DELAY``, default 1), so quick runs print nothing;
``close()`` erases it. The pipeline reports
stages (``progress("reading x.csv")``) and, while a ledger streams, counts
(``progress.update(rows=..., names=...)``).
"""

from __future__ import annotations

import os
import sys
import threading
import time

FRAMES = "|/-\\"


class Progress:
    def __init__(self, enabled: bool, stream=None, delay: float = 1.0):
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.delay = delay
        self.stage = ""
        self.rows = 0
        self.names = 0
        self._start = time.monotonic()
        self._stop = threading.Event()
        self._drawn = False
        self._thread = None
        if enabled:
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()

    @classmethod
    def for_terminal(cls, quiet: bool) -> Progress:
        try:
            tty = sys.stderr.isatty()
        except (AttributeError, ValueError):
            tty = False
        try:
            delay = float(os.environ.get("BOMSCAN_PROGRESS_DELAY", "1"))
        except ValueError:
            delay = 1.0
        return cls(enabled=tty and not quiet, delay=max(0.0, delay))

    def __call__(self, message: str) -> None:
        self.stage = message

    def update(self, rows: int | None = None, names: int | None = None) -> None:
        if rows is not None:
            self.rows = rows
        if names is not None:
            self.names = names

    def text(self) -> str:
        t = time.monotonic() - self._start
        parts = [self.stage or "working"]
        if self.rows:
            parts.append(f"{self.rows:,} rows")
        if self.names:
            parts.append(f"{self.names:,} distinct names")
        return f"{' · '.join(parts)} ({t:.0f}s)"

    def _run(self) -> None:
        i = 0
        if self._stop.wait(self.delay):
            return
        while not self._stop.is_set():
            line = f"\r{FRAMES[i % len(FRAMES)]} {self.text()}"[:200]
            try:
                self.stream.write(line + "\x1b[K")
                self.stream.flush()
            except (OSError, ValueError):
                return
            self._drawn = True
            i += 1
            self._stop.wait(0.1)

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=1)
        if self._drawn:
            try:
                self.stream.write("\r\x1b[K")
                self.stream.flush()
            except (OSError, ValueError):
                pass

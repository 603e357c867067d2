"""bomscan: how much of what you build and buy comes from companies on restricted lists.

The public Python API is small on purpose:

- ``bomscan.similarity(a, b)``: the score the resolver gives name ``a`` against alias ``b``;
- ``bomscan.DEFAULT_THRESHOLD``: the score at or above which a name is a finding.

Both are loaded lazily so that ``bomscan --version`` and the CLI start fast.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "similarity", "DEFAULT_THRESHOLD", "REVIEW_THRESHOLD"]


def __getattr__(name: str):
    if name in ("similarity", "DEFAULT_THRESHOLD", "REVIEW_THRESHOLD"):
        from bomscan import resolve

        return getattr(resolve, name)
    raise AttributeError(f"module 'bomscan' has no attribute {name!r}")

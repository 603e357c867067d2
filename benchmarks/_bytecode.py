"""The benchmarks time the checkout's ``bomscan`` as an installed copy runs: byte-compiled."""

from __future__ import annotations

import compileall
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def compile_package() -> None:
    """Byte-compile the checkout's ``bomscan`` package (into its git-ignored ``__pycache__``).

    Why: the benchmarks run ``python -m bomscan`` in the checkout, against baselines that
    import installed packages (polars, click), which pip byte-compiled when it installed them,
    as it does bomscan on ``pip install .``. A checkout used with PYTHONDONTWRITEBYTECODE=1
    (these machines set it, as many CI images do) has no bytecode, so every timed run would
    first compile bomscan's ~50 modules from source: about 50 ms a run that no installed copy
    pays (measured: importing the report's modules took 195-210 ms without bytecode, 150 ms
    with it).
    """
    compileall.compile_dir(str(REPO / "bomscan"), quiet=1)

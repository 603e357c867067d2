"""The gate's choices (``--fail-on`` and the config file's ``fail-on``) and what each one fails on.

One list, read by the command line, the config file's check and the pipeline's gate. The levels
themselves are :data:`bomscan.rules.model.LEVELS`, least severe first; ``--fail-on LEVEL`` fails on
a finding whose entity is on a list of that level or a more severe one. ``any`` fails on every
level, so the least severe level needs no name of its own here; ``none`` never fails on findings.
"""

from __future__ import annotations

from bomscan.errors import ConfigError
from bomscan.rules.model import LEVELS

ANY = "any"
NONE = "none"
FAIL_ON: tuple[str, ...] = (ANY, *LEVELS[1:], NONE)


def gate_levels(fail_on: str) -> set[str]:
    """Levels that fail the gate for ``fail_on``: that level and every more severe one (``any``:
    every level; ``none``: no level)."""
    if fail_on == ANY:
        return set(LEVELS)
    if fail_on == NONE:
        return set()
    if fail_on not in FAIL_ON:
        raise ConfigError(f"--fail-on must be one of {', '.join(FAIL_ON)}, not {fail_on!r}")
    return set(LEVELS[LEVELS.index(fail_on) :])

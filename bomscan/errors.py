"""The project's own errors and the exit codes they map to.

The CLI turns these into one line on stderr and a documented exit code; anything else that
escapes is an internal error (exit 70), never 1, because 1 means "the gate failed".
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_GATE_FAILED = 1
EXIT_USAGE = 2
EXIT_INPUT = 3
EXIT_INTERNAL = 70


class BomscanError(Exception):
    """Base class: a problem we can explain to the user in one line."""

    exit_code = EXIT_INPUT

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return f"{where}{self.message}"


class InputError(BomscanError):
    """An input file cannot be read as any supported kind (exit 3)."""

    exit_code = EXIT_INPUT


class RulesError(BomscanError):
    """A rules file is malformed or inconsistent (exit 3: it is bad input too)."""

    exit_code = EXIT_INPUT


class ConfigError(BomscanError):
    """A configuration file or option value is wrong (exit 2, like a usage error)."""

    exit_code = EXIT_USAGE

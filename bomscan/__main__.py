"""`python -m bomscan` runs the same CLI as the `bomscan` console script."""

from bomscan.cli import entry

entry()

"""Exposure: from read lines and name matches to the report.

- :mod:`.engine`: the pass over input lines behind an engine interface (polars embedded);
- :mod:`.names`: every distinct name resolved once;
- :mod:`.plan`: period, currency, FX day and group-by columns of the pass;
- :mod:`.fx`: currency conversion with a rates file;
- :mod:`.listings`: listings in force on the report's date;
- :mod:`.findings`: listed lines as findings, with their roll-up path;
- :mod:`.spend`: the spend rules, used by the report, triage and the formats;
- :mod:`.aggregate`: exposures, groups and exposed totals from findings;
- :mod:`.summary`: the input's totals;
- :mod:`.report`: :func:`build_report`, which calls them in that order.
"""

from bomscan.exposure.names import NameCache
from bomscan.exposure.report import SCHEMA_VERSION, Options, build_report

__all__ = ["SCHEMA_VERSION", "NameCache", "Options", "build_report"]

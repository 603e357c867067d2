"""The JSON report: the canonical, versioned output (``schema_version``) the others derive from.

Contract (schema_version 1.0; fields are only ever added within 1.x):

- ``summary``: ``lines_read``, ``lines_skipped`` {``total``, ``reasons``: [{source, reason,
  count, lines}]}, ``total_spend``, ``exposed_spend``, ``currency`` (null when currencies are
  mixed and cannot be converted; then see ``by_currency``), ``by_currency``, counts;
- ``exposures``: ranked by spend, each with ``rank``, ``entity`` {``id``, ``name``, ``country``,
  ``listings``}, ``level``, ``currency``, ``spend``, ``share_of_spend``, ``spend_since_listing``,
  ``spend_before_listing``, ``spend_undated``, ``lines``, ``names``, ``affiliates``;
- ``findings``: one per matched name on an input line: ``id`` (the fingerprint also used by SARIF
  and baselines), ``source``, ``locator`` {``line``, ``bom_ref``, ``item``}, ``field``, ``value``,
  ``entity`` {``id``, ``name``} (the listed parent), ``matched_entity``, ``via``, ``score``,
  ``method``, ``alias``, ``reason``, ``spend``, ``currency``, ``date``, ``level``, ``lists``;
- ``possible_matches`` (same shape, below the threshold, never gated), ``not_exposed``,
  ``unparsed_amounts``, ``rulesets``, ``lists``, ``inputs``, ``parameters``, ``warnings``.

The contract itself is :mod:`bomscan.model` (dataclasses, and the JSON Schema generated from
them, ``bomscan/schema/report.schema.json``).

Output is deterministic: keys keep their order, rankings break ties by entity id then location.
"""

from __future__ import annotations

import orjson

from bomscan.model import Report


def render(report: Report, ctx) -> str:
    """The report's JSON: the contract's keys in order, optional ones only when set."""
    return (
        orjson.dumps(
            report.to_json(), option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS
        ).decode()
        + "\n"
    )

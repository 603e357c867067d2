"""Every distinct name resolved once: a ledger of millions of lines has a few thousand vendors.

:class:`NameCache` keeps what each name resolved to; the pass joins it onto the few rows the
report lists, so no Python runs per row.
"""

from __future__ import annotations

import threading

import polars as pl

from bomscan.resolve.gate import NameGate
from bomscan.sources import schema
from bomscan.sources.lines import name_text
from bomscan.sources.schema import RAW_NAME, PassView

GATE_MIN_NAMES = 1000  # distinct new names from which a batch goes through the name gate


class NameCache:
    """Resolves every distinct name once: those of the first rows before the pass, the few the
    pass first met after them once it is done.

    ``known`` maps every name seen to an index into ``matches`` (-1: no match); it is joined
    onto the few rows the report lists, so no Python runs per row.
    """

    def __init__(self, resolver, min_score: float, progress=None):
        self.resolver = resolver
        self.gate: NameGate | None = None
        self.min_score = min_score
        self.progress = progress
        self.lock = threading.Lock()
        self.known = pl.DataFrame(schema={"name": pl.String, "_m": pl.Int32})
        self.matches: list = []
        self.matched_names = pl.Series("name", [], dtype=pl.String)
        self.rows_seen = 0
        self.error: BaseException | None = None

    @property
    def distinct_names(self) -> int:
        return self.known.height

    def learn(self, names: pl.Series) -> bool:
        """Resolve the distinct names in ``names`` not seen yet; True when one of them matched."""
        uniq = names.drop_nulls().unique().to_frame("name")
        new = uniq.join(self.known, on="name", how="anti") if self.known.height else uniq
        if new.height == 0:
            return False
        todo = new["name"]
        # in a large batch, names that share no word with any alias key never reach the
        # resolver (gate.py; building it costs ~50 ms, more than a small batch's resolution)
        candidates = todo
        if todo.len() >= GATE_MIN_NAMES:
            if self.gate is None:
                self.gate = NameGate(self.resolver)
            candidates = todo.filter(self.gate.mask(todo))
        candidates = candidates.to_list()
        found = {m.name: m for m in self.resolver.match_names(candidates, min_score=self.min_score)}
        # the matches in the batch's order; every other name of the batch maps to -1 (no
        # Python runs per name: a large ledger has ~50,000 of them)
        hit = [n for n in candidates if n in found]
        first = len(self.matches)
        self.matches.extend(found[n] for n in hit)
        index = pl.DataFrame(
            {"name": hit, "_m": range(first, first + len(hit))}, schema=self.known.schema
        )
        part = new.join(index, on="name", how="left").with_columns(pl.col("_m").fill_null(-1))
        self.known = pl.concat([self.known, part.select(self.known.columns)], rechunk=True)
        if hit:
            self.matched_names = pl.concat([self.matched_names, pl.Series("name", hit)])
        if self.progress is not None:
            self.progress(rows=self.rows_seen, names=self.known.height)
        return bool(hit)

    def match_frame(self) -> pl.DataFrame:
        ms = self.matches
        return pl.DataFrame(
            {
                "_m": list(range(len(ms))),
                "entity_id": [m.entity_id for m in ms],
                "alias": [m.alias for m in ms],
                "score": [float(m.score) for m in ms],
                "method": [m.method for m in ms],
                "reason": [m.reason for m in ms],
            },
            schema={
                "_m": pl.Int32,
                "entity_id": pl.String,
                "alias": pl.String,
                "score": pl.Float64,
                "method": pl.String,
                "reason": pl.String,
            },
        )


def warm_up(cache: NameCache, views: list[PassView]) -> pl.Series:
    """Resolve the names of the first rows before the pass; the matched ones, as written.

    A ledger's vendors mostly appear early. Resolving them up front lets the pass test
    "matched?" natively (``is_in`` on the name cell as written, so no per-row strip), and the
    pass never stalls on the resolver while polars keeps parsing and buffering behind it. Names first seen later are resolved after it, from
    its groups; if one of them matches, :func:`build_report` runs one more (filtered) pass for
    its rows, so the answer is the same either way.
    """
    raw = (
        pl.concat([v.lines.select(RAW_NAME) for v in views])
        .head(schema.WARM_UP_ROWS)
        .unique()
        .collect(engine="streaming")
    )
    raw = raw.with_columns(name_text(pl.col(RAW_NAME)).alias("name"))
    cache.learn(raw["name"])
    return raw.filter(pl.col("name").is_in(cache.matched_names.implode()))[RAW_NAME]


def progress_shown(progress) -> bool:
    """Whether the pass should count rows for a progress line (a terminal is watching).

    Counting needs a batch callback, and a Python callback in the streaming pass costs (it
    holds back the native pipeline): the pass runs without one when no progress line is shown
    (piped, ``--quiet``, CI, benchmarks). ``progress`` is ``Progress.update`` or None.
    """
    if progress is None:
        return False
    return bool(getattr(getattr(progress, "__self__", None), "enabled", True))


class RowTicker:
    """The batch callback of the streaming pass when a progress line is shown: counts rows.

    It receives only the ``primary`` column; its output (all true, one cached series per batch
    length) is only there so that polars keeps it in the plan.
    """

    def __init__(self, cache: NameCache):
        self.cache = cache
        self.true = pl.Series(dtype=pl.Boolean)

    def __call__(self, s: pl.Series) -> pl.Series:
        with self.cache.lock:
            try:
                self.cache.rows_seen += len(s)
                if self.cache.progress is not None:
                    self.cache.progress(rows=self.cache.rows_seen)
                if len(self.true) != len(s):
                    self.true = pl.repeat(True, len(s), dtype=pl.Boolean, eager=True)
                return self.true
            except BaseException as exc:  # re-raised by build_report, not as a polars error
                self.cache.error = exc
                raise

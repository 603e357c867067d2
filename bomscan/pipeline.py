"""The report pipeline, callable without the CLI: read -> resolve -> exposure -> (gate).

``cli.py`` only parses options into a :class:`ReportRequest` and picks a format; everything the
report means is decided here and in the modules it calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bomscan.errors import ConfigError, InputError
from bomscan.levels import gate_levels
from bomscan.model import Gate, Report


@dataclass
class ReportRequest:
    inputs: list[str]
    rules_dirs: list[str] = field(default_factory=list)
    default_rules: bool = True
    as_of: date | None = None
    min_score: float | None = None
    column_overrides: dict[str, str] = field(default_factory=dict)
    decimal: str | None = None
    sheet: str | None = None
    currency: str | None = None
    fx_path: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    group_by: list[str] = field(default_factory=list)
    fail_on: str | None = None
    strict: bool = False
    progress: object | None = None  # callable(message) for long inputs, or None
    config: object | None = None  # bomscan.config.Config: suppressions (the CLI discovers it)
    baseline: str | None = None  # previous JSON report: report and gate only new findings
    allow_unscreened: bool = False  # let the gate pass on an input that names no one
    encoding: str | None = None  # a CSV's text encoding (--encoding), else detected


def _rules_dirs(req: ReportRequest) -> list[Path]:
    from bomscan.rules import shipped_rules_dir

    dirs: list[Path] = []
    if req.default_rules:
        dirs.append(shipped_rules_dir())
    dirs.extend(Path(d) for d in req.rules_dirs)
    if not dirs:
        raise ConfigError(
            "--no-default-rules given and no --rules DIR: there is nothing to screen against"
        )
    return dirs


def load_rules(req: ReportRequest):
    from bomscan.rules import load_rulesets

    return load_rulesets(_rules_dirs(req))


def load_rules_and_resolver(req: ReportRequest):
    """The rule set and a resolver over its aliases, from the cache when nothing changed."""
    from bomscan import cache
    from bomscan.resolve import Resolver
    from bomscan.rules import load_rulesets

    dirs = _rules_dirs(req)

    def build():
        ruleset = load_rulesets(dirs)
        return ruleset, Resolver(ruleset.alias_records())

    return cache.load_or_build(dirs, build)


def run(req: ReportRequest) -> Report:
    """read -> resolve -> exposure -> triage -> gate: the report of ``req``."""
    from bomscan import triage

    ruleset, resolver = load_rules_and_resolver(req)
    old = None
    if req.baseline:
        from bomscan import baseline

        old = baseline.load(req.baseline)
    results = [r for path in req.inputs for r in _read(req, path)]
    opts = _options(req)
    if req.progress:
        req.progress("resolving names")
    report = _build(req, results, ruleset, resolver, opts)
    report = triage.apply(report, ruleset=ruleset, opts=opts, config=req.config, baseline=old)
    if req.fail_on:
        report.gate = _gate(report, req.fail_on, req.allow_unscreened)
    return report


def _read(req: ReportRequest, path: str):
    from bomscan.sources import read_inputs

    if req.progress:
        req.progress(f"reading {path}")
    return read_inputs(
        path,
        column_overrides=req.column_overrides,
        decimal=req.decimal,
        sheet=req.sheet,
        strict=req.strict,  # CycloneDX: validate against its version's schema
        encoding=req.encoding,
    )


def _options(req: ReportRequest):
    """The exposure options: thresholds, as-of date, currency and FX, period, groups."""
    from bomscan import exposure
    from bomscan.exposure.fx import load_rates
    from bomscan.resolve import DEFAULT_THRESHOLD, REVIEW_THRESHOLD

    threshold = DEFAULT_THRESHOLD if req.min_score is None else req.min_score
    if req.fx_path and not req.currency:
        raise ConfigError("--fx needs --currency (the currency the rates convert into)")
    return exposure.Options(
        as_of=req.as_of or date.today(),
        threshold=threshold,
        review_threshold=min(REVIEW_THRESHOLD, threshold),
        currency=req.currency.upper() if req.currency else None,
        fx=load_rates(req.fx_path) if req.fx_path else None,
        fx_source=req.fx_path,
        date_from=req.date_from,
        date_to=req.date_to,
        group_by=req.group_by,
        progress=getattr(req.progress, "update", None),
    )


def _build(req: ReportRequest, results, ruleset, resolver, opts) -> Report:
    """The exposure report; polars errors raised while scanning lazily are bad input."""
    import polars as pl

    from bomscan import exposure

    try:
        return exposure.build_report(results, ruleset, resolver, opts)
    except pl.exceptions.PolarsError as exc:
        src = req.inputs[0] if len(req.inputs) == 1 else ", ".join(req.inputs)
        raise InputError(
            f"cannot be read ({str(exc).strip().splitlines()[0][:160]})", path=src
        ) from None


def _gate(report: Report, fail_on: str, allow_unscreened: bool) -> Gate:
    """Whether a finding is on a list at or above the ``--fail-on`` level; an input that
    could not be screened never passes (unless ``allow_unscreened``): no finding there is
    not a clean result."""
    levels = gate_levels(fail_on)
    gating = [f for f in report.findings if f.level in levels]
    unscreened = report.summary.unscreened is not None and not allow_unscreened
    return Gate(
        fail_on=fail_on,
        failed=bool(gating) or unscreened,
        gating_findings=len(gating),
        unscreened=True if unscreened else None,
    )

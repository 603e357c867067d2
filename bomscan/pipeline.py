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
    lists: list[str] | None = None  # stored list sets to screen against (None: every one)
    max_age: float | None = None  # days: older stored lists are warned of (None: the default)
    offline: bool = False  # never touch the network (auto-update is skipped)
    auto_update: bool = False  # config auto-update: update stale stored lists first
    ownership: list[str] = field(default_factory=list)  # --ownership files
    engine: str = "polars"  # the pass over the lines: polars (embedded) or spark
    spark_master: str | None = None  # --spark-master (else the session spark-submit gives)
    spark_frames: list | None = None  # bomscan.spark: DataFrames in hand, one per input
    affiliates_rule: str | None = None  # an unsettled ownership rule: in-force | suspended
    ownership_review: float | None = None  # percent from which a holding is for review


def _rules_dirs(req: ReportRequest) -> list[Path]:
    """The shipped rules, the stored lists in use (``rules update``), then ``--rules``."""
    from bomscan.rules import shipped_rules_dir, store

    dirs: list[Path] = []
    if req.default_rules:
        dirs.append(shipped_rules_dir())
    dirs.extend(s.path for s in store.in_use(req.lists))
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

    list_warnings = _stored_lists(req)
    ruleset, resolver = load_rules_and_resolver(req)
    old = None
    if req.baseline:
        from bomscan import baseline

        old = baseline.load(req.baseline)
    engine = None
    if req.engine == "spark":
        results, engine = _read_spark(req)
    else:
        results = [r for path in req.inputs for r in _read(req, path)]
    opts = _options(req)
    opts.ownership = _ownership(req, ruleset, resolver, opts.threshold)
    if req.progress:
        req.progress("resolving names")
    report = _build(req, results, ruleset, resolver, opts, engine)
    report = triage.apply(report, ruleset=ruleset, opts=opts, config=req.config, baseline=old)
    report.warnings[:0] = list_warnings + _ownership_warnings(req, report, opts.ownership)
    if req.fail_on:
        report.gate = _gate(report, req.fail_on, req.allow_unscreened)
    return report


def _ownership(req: ReportRequest, ruleset, resolver, threshold: float):
    """The ``--ownership`` edges joined to the rules (None without them)."""
    if not req.ownership:
        return None
    from bomscan.resolve.ownership import OwnershipOptions, compute
    from bomscan.rules.ownership import load_ownership

    if req.progress:
        req.progress("reading ownership " + ", ".join(req.ownership))
    from bomscan import cache

    review = {} if req.ownership_review is None else {"review_share": req.ownership_review}
    opts = OwnershipOptions(unsettled=req.affiliates_rule, min_score=threshold, **review)
    for path in req.ownership:
        try:
            with open(path, "rb"):
                pass
        except OSError as exc:
            raise InputError(f"cannot read ({exc.strerror})", path=path) from None
    return cache.load_or_build(
        _rules_dirs(req),
        lambda: compute(load_ownership(req.ownership), ruleset, resolver, opts),
        kind="ownership",
        files=tuple(req.ownership),
        extra=repr(opts),
    )


def _ownership_warnings(req: ReportRequest, report: Report, result) -> list[str]:
    """What joining the ownership files said (repeated rows), and, when a finding or review
    item rests on a rule period the sources leave open and the user did not choose how to
    treat it, that (never a silent guess)."""
    said = list(result.warnings) if result is not None else []
    if req.affiliates_rule is not None:
        return said
    open_rules = sorted(
        {
            s.name
            for f in (*report.findings, *report.possible_matches)
            if f.ownership is not None
            for s in f.ownership.rules
            if s.status == "unsettled"
        }
    )
    return said + [
        f"{name}: the sources found do not settle whether it is in force on some lines' "
        "dates; treated as in force (--affiliates-rule suspended to treat it as suspended)"
        for name in open_rules
    ]


def update_lists(url: str | None, timeout: float, progress=None) -> str:
    """``rules update``: download and store the lists, then build the name index of the rules
    a report will now use (shipped + stored), so the first report after an update does not pay
    for it. Returns the one-line summary."""
    from bomscan.rules import fetch

    summary = fetch.update_lists(url=url, timeout=timeout)
    if progress:
        progress("building the name index for the updated lists")
    load_rules_and_resolver(ReportRequest(inputs=[]))
    return summary


def _stored_lists(req: ReportRequest) -> list[str]:
    """Warnings on the stored lists a report uses: one per set older than ``max_age`` days.
    With ``auto_update`` (config) and not ``offline``, a stale set is updated first; a failed
    update keeps the stored lists and says so."""
    from bomscan.rules import store

    out = []
    max_age = store.DEFAULT_MAX_AGE if req.max_age is None else req.max_age
    for s in store.in_use(req.lists):
        age = s.age_days()
        if age <= max_age:
            continue
        if req.auto_update and not req.offline:
            try:
                if req.progress:
                    req.progress(f"updating stored lists {s.name} (auto-update)")
                update_lists(s.url, 60.0)
                continue
            except (InputError, OSError) as exc:
                why = exc.message if isinstance(exc, InputError) else str(exc)
                out.append(f"auto-update of lists {s.name} failed: {why}")
        out.append(
            f"stored lists {s.label} are {age:.0f} days old (max-age {max_age:g}): "
            "run 'bomscan rules update'"
        )
    return out


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


def _read_spark(req: ReportRequest):
    """The inputs as Spark tables (``--engine spark``), and the engine that reads them."""
    from bomscan.exposure.spark_engine import SparkEngine
    from bomscan.sources import spark as spark_source

    spark = spark_source.session(req.spark_master)
    results, inputs = [], []
    frames = req.spark_frames or [None] * len(req.inputs)
    for path, frame in zip(req.inputs, frames, strict=True):
        if req.progress:
            req.progress(f"reading {path} (Spark)")
        kw = {"overrides": req.column_overrides, "decimal": req.decimal}
        try:
            if frame is None:
                result, inp = spark_source.read(path, spark, **kw)
            else:
                result, inp = spark_source.from_frame(path, frame, spark, "dataframe", **kw)
        except Exception as exc:  # Spark's own errors reading the table: bad input
            if not _spark_error(exc):
                raise
            msg = str(exc).strip().splitlines()[0][:160]
            raise InputError(f"cannot be read by Spark ({msg})", path=path) from None
        results.append(result)
        inputs.append(inp)
    return results, SparkEngine(inputs)


def _build(req: ReportRequest, results, ruleset, resolver, opts, engine=None) -> Report:
    """The exposure report; polars (or Spark) errors raised while scanning lazily are bad
    input."""
    import polars as pl

    from bomscan import exposure

    try:
        return exposure.build_report(results, ruleset, resolver, opts, engine)
    except Exception as exc:
        if not isinstance(exc, pl.exceptions.PolarsError) and not _spark_error(exc):
            raise
        src = req.inputs[0] if len(req.inputs) == 1 else ", ".join(req.inputs)
        raise InputError(
            f"cannot be read ({str(exc).strip().splitlines()[0][:160]})", path=src
        ) from None


def _spark_error(exc: Exception) -> bool:
    """An error Spark raised about the data (the JVM's, or pyspark's own)."""
    names = {c.__name__ for c in type(exc).__mro__}
    return bool(names & {"PySparkException", "Py4JJavaError", "CapturedException"})


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


def diff(old: str, new: str, req: ReportRequest):
    """``rules diff``: what changed from list snapshot ``old`` to ``new`` and, with inputs, the
    lines and spend the change touches. Each snapshot screens the inputs on its own (no shipped
    rules, no stored lists), so a line found under NEW only is exposure the change creates and
    one found under OLD only is exposure it removes."""
    import dataclasses
    import tempfile

    from bomscan.rules import load_rulesets
    from bomscan.rules.diff import diff_rulesets, snapshot_dir

    with tempfile.TemporaryDirectory(prefix="bomscan-diff-") as tmp:
        scratch = Path(tmp)
        old_dir, new_dir = snapshot_dir(old, scratch), snapshot_dir(new, scratch)
        out = diff_rulesets(load_rulesets([old_dir]), load_rulesets([new_dir]), old, new)
        if not req.inputs:
            return out
        reports = [
            run(dataclasses.replace(req, rules_dirs=[str(d)], default_rules=False, lists=[]))
            for d in (old_dir, new_dir)
        ]
    out.inputs = list(req.inputs)
    out.created = _delta(reports[1], reports[0], changed=False)
    out.ended = _delta(reports[0], reports[1], changed=False)
    out.altered = _delta(reports[1], reports[0], changed=True)
    # what each run said of the inputs (unparsed amounts, skipped rows, encodings), once
    out.warnings = list(dict.fromkeys(w for r in reports for w in r.warnings))
    out.unscreened = list(
        dict.fromkeys(r.summary.unscreened.reason for r in reports if r.summary.unscreened)
    )
    return out


def _match_of(f) -> tuple:
    return f.entity.id, tuple(f.lists or ()), f.level


def _delta(a: Report, b: Report, *, changed: bool):
    """The lines ``a`` finds that ``b`` does not (``changed``: that both find, but ``a`` as
    another entity, list or level), with their spend per currency."""
    from bomscan.exposure import spend
    from bomscan.rules.diff import CurrencyDelta, ExposureDelta

    seen: dict[tuple, set] = {}
    for f in b.findings:
        seen.setdefault(spend.item_of(f), set()).add(_match_of(f))

    def keep(f) -> bool:
        was = seen.get(spend.item_of(f))
        return (was is not None and _match_of(f) not in was) if changed else was is None

    firsts = list(spend.first_per_item((f for f in a.findings if keep(f)), lambda f: ()))
    tallies = spend.tally(firsts, lambda f: (f.currency,))
    by_cur = [
        CurrencyDelta(k[0], t.lines, t.figures()["spend"])
        for k, t in sorted(tallies.items(), key=str)
    ]
    return ExposureDelta(findings=firsts, by_currency=by_cur)

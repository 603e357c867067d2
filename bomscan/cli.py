"""The ``bomscan`` command line: parse options, call the pipeline, pick a format. Nothing else.

Exit codes (also in ``bomscan --help`` and README):

====  ==============================================================
0     ran; no gate, or the gate passed
1     the gate failed (``--fail-on``)
2     usage or configuration error
3     input error: a file (BOM, ledger, rules, rates) cannot be read
70    internal error (a bug: please report it)
====  ==============================================================

Only the report goes to stdout; warnings, progress and errors go to stderr.
"""

from __future__ import annotations

import os
import sys
from datetime import date

import click

from bomscan import __version__, terminal
from bomscan.errors import EXIT_GATE_FAILED, EXIT_INPUT, EXIT_INTERNAL, EXIT_USAGE, BomscanError
from bomscan.formats import FORMAT_NAMES
from bomscan.levels import FAIL_ON, NONE
from bomscan.rules.model import SHARE_RANGE

EXIT_CODES_HELP = """\b
Exit codes:
  0  ran; no gate, or the gate passed
  1  gate failed (--fail-on)
  2  usage or configuration error
  3  input error (a file cannot be read; one line on stderr names it), or
     --fail-on on an input that names no one to screen (--allow-unscreened)
  70 internal error
"""


def _parse_date(ctx, param, value):
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _parse_lists(ctx, param, value):
    """``--lists csl,other`` as a list; ``none`` as the empty list; not given: None (all)."""
    if value is None:
        return None
    names = [v.strip() for v in value.split(",") if v.strip()]
    return [] if names == ["none"] else names


def _parse_columns(ctx, param, values):
    out = {}
    for v in values:
        role, sep, header = v.partition("=")
        if not sep or not role.strip():
            raise click.BadParameter(
                f"{v!r}: use ROLE=HEADER, e.g. vendor='Supplier Name' (ROLE= switches a role off)"
            )
        out[role.strip().lower()] = header.strip()
    return out


class Out:
    """stderr diagnostics that respect --quiet and colour settings."""

    def __init__(self, quiet: bool, color: bool | None):
        self.quiet = quiet
        self.color = color

    def warn(self, msg: str) -> None:
        if not self.quiet:
            click.secho(f"warning: {msg}", fg="yellow", err=True, color=self.color)

    def info(self, msg: str) -> None:
        if not self.quiet:
            click.echo(msg, err=True, color=self.color)


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "auto_envvar_prefix": "BOMSCAN"},
    epilog=EXIT_CODES_HELP,
)
@click.version_option(__version__, prog_name="bomscan")
@click.option(
    "--color/--no-color",
    default=None,
    help="Force or disable colour (default: auto; honours NO_COLOR).",
)
@click.option("-q", "--quiet", is_flag=True, help="No warnings or progress on stderr.")
@click.pass_context
def cli(ctx, color, quiet):
    """Screen BOMs and spend ledgers against restricted-entity lists and rank the exposure by spend."""
    ctx.ensure_object(dict)
    ctx.obj["color"] = terminal.color_wanted(color)
    ctx.obj["out"] = Out(quiet, ctx.obj["color"])
    ctx.color = ctx.obj["color"]


def _common_rules_options(f):
    f = click.option(
        "--no-default-rules", is_flag=True, help="Do not load the rules shipped with bomscan."
    )(f)
    f = click.option(
        "--rules",
        "rules_dirs",
        multiple=True,
        type=click.Path(),
        help="Add a rules directory on top of the shipped rules (repeatable).",
    )(f)
    return f


@cli.command(epilog=EXIT_CODES_HELP)
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(FORMAT_NAMES),
    default=None,
    help="Report format (default: table).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Write the report to this file instead of stdout.",
)
@_common_rules_options
@click.option(
    "--lists",
    callback=_parse_lists,
    help="Stored list sets to screen against, comma-separated (default: every set stored by "
    "'bomscan rules update'; 'none': only the shipped and --rules rules).",
)
@click.option(
    "--offline", is_flag=True, help="Never touch the network (config auto-update is skipped)."
)
@click.option(
    "--as-of", callback=_parse_date, help="Screen as of this date (YYYY-MM-DD; default: today)."
)
@click.option(
    "--min-score",
    type=click.FloatRange(0, 1),
    default=None,
    help="Score at or above which a name is a finding (default: bomscan.DEFAULT_THRESHOLD).",
)
@click.option(
    "--column",
    "columns",
    multiple=True,
    callback=_parse_columns,
    help="Column role for CSV/Excel input, ROLE=HEADER (roles: manufacturer, supplier/vendor, part, "
    "description, quantity, unit_price, amount, currency, date). Repeatable.",
)
@click.option(
    "--decimal",
    type=click.Choice(["dot", "comma"]),
    default=None,
    help="Decimal separator of amounts (default: detected per file).",
)
@click.option(
    "--sheet", help="Excel sheet to read (default: the sheet(s) holding a BOM or ledger header)."
)
@click.option(
    "--currency", help="Reporting currency (ISO 4217); with --fx, amounts are converted into it."
)
@click.option(
    "--fx",
    "fx_path",
    type=click.Path(),
    help="FX rates CSV: date, currency, rate (1 unit in --currency).",
)
@click.option(
    "--from", "date_from", callback=_parse_date, help="Only lines dated on or after this date."
)
@click.option(
    "--to", "date_to", callback=_parse_date, help="Only lines dated on or before this date."
)
@click.option(
    "--group-by",
    "group_by",
    multiple=True,
    help="Break exposure down by this input column (repeatable).",
)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON),
    default=None,
    help="Exit 1 if a finding's entity is on a list of this level or a more severe one. "
    "Levels come from the lists: prohibited = NDAA §889, FCC Covered List, DoD 1260H; "
    "restricted = also BIS Entity List; investment = also NS-CMIC; any = every listed "
    "entity. 'none' (the default) never fails on findings.",
)
@click.option(
    "--encoding",
    help="The text encoding of CSV inputs (e.g. cp1252, latin-1), instead of detecting it.",
)
@click.option(
    "--allow-unscreened",
    is_flag=True,
    help="Let --fail-on pass on an input that names no manufacturer, supplier or vendor "
    "(by default such a gate exits 3: nothing could be screened).",
)
@click.option(
    "--engine",
    type=click.Choice(["polars", "spark"]),
    default="polars",
    help="The pass over the lines: polars on this machine (default), or Apache Spark for "
    "Parquet files or directories, Delta tables and spark:TABLE (pip install 'bomscan[spark]').",
)
@click.option(
    "--spark-master",
    help="Spark master URL for --engine spark (default: the session spark-submit gives, "
    "else SPARK_REMOTE for Spark Connect, else local[*]).",
)
@click.option(
    "--ownership",
    "ownership",
    multiple=True,
    type=click.Path(),
    help="Ownership edges (CSV owner,owned,share,valid_from,valid_to,source; GLEIF Level 2 "
    "relationship CSV with the Level 1 file; or BODS JSON): companies owned by listed parties "
    "count through the lists' 50% rules. Repeatable.",
)
@click.option(
    "--affiliates-rule",
    type=click.Choice(["in-force", "suspended"]),
    default=None,
    help="How to treat dates on which the sources leave an ownership rule's status open (the "
    "BIS Affiliates Rule after 2026-11-09); default: in force, with a warning.",
)
@click.option(
    "--ownership-review",
    type=click.FloatRange(*SHARE_RANGE, min_open=True),
    default=None,
    help="Holdings by listed parties from this percent up are listed for review (default 25).",
)
@click.option(
    "--strict", is_flag=True, help="Validate CycloneDX input against its spec version's schema."
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    envvar="BOMSCAN_CONFIG",
    help="Project config (.bomscan.toml or pyproject.toml [tool.bomscan]) with option defaults "
    "and [[suppress]] entries (default: found from the working directory up to the git "
    "top-level).",
)
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False),
    help="A previous JSON report: report and gate only findings whose id is not in it.",
)
@click.option(
    "--show-suppressed", is_flag=True, help="List suppressed findings with their reasons."
)
@click.option(
    "-q", "--quiet", "quiet_here", is_flag=True, help="No warnings or progress on stderr."
)
@click.option(
    "--color/--no-color",
    "color_here",
    default=None,
    help="Force or disable colour (default: auto; honours NO_COLOR).",
)
@click.pass_context
def report(ctx, inputs, **opts):
    """Read BOMs and ledgers (CycloneDX JSON/XML, CSV) and report exposure ranked by spend.

    Options not given on the command line come from the project config file, then built-in
    defaults (flags > config file > defaults).
    """
    from bomscan import config as project_config
    from bomscan import formats
    from bomscan.pipeline import ReportRequest, run
    from bomscan.progress import Progress

    out = _here(ctx, opts.pop("quiet_here"), opts.pop("color_here"))
    config_path, output = opts.pop("config_path"), opts.pop("output")
    cfg = project_config.load(config_path, explicit=config_path is not None)
    given = cfg.with_defaults(
        format=opts.pop("fmt"),
        fail_on=opts.pop("fail_on"),
        rules=opts.pop("rules_dirs"),
        min_score=opts.pop("min_score"),
        currency=opts.pop("currency"),
    )
    fmt = formats.get(given["format"] or formats.DEFAULT_FORMAT)
    if fmt.binary and not output:
        raise click.UsageError(
            f"--format {fmt.name} writes a binary file: give -o FILE (e.g. -o report{fmt.extension})"
        )
    show_suppressed = opts.pop("show_suppressed")
    req = ReportRequest(
        inputs=list(inputs),
        rules_dirs=list(given["rules"] or ()),
        default_rules=not opts.pop("no_default_rules"),
        min_score=given["min_score"],
        currency=given["currency"],
        column_overrides=opts.pop("columns"),
        group_by=list(opts.pop("group_by")),
        fail_on=None if given["fail_on"] == NONE else given["fail_on"],
        config=cfg,
        max_age=cfg.options.get("max_age"),
        auto_update=cfg.options.get("auto_update", False),
        ownership=list(opts.pop("ownership") or cfg.options.get("ownership", [])),
        affiliates_rule=opts.pop("affiliates_rule") or cfg.options.get("affiliates_rule"),
        ownership_review=_first(opts.pop("ownership_review"), cfg.options.get("ownership_review")),
        **opts,  # the rest (as_of, decimal, sheet, fx_path, dates, strict, baseline) by name
    )
    req.progress = progress = Progress.for_terminal(out.quiet)
    try:
        result = run(req)
    finally:
        progress.close()
    for w in result.warnings:
        out.warn(w)
    color = terminal.use_color(ctx.obj["color"], output is None and terminal.is_terminal())
    text = fmt.render(
        result,
        formats.RenderContext(color=color, width=terminal.width(), show_suppressed=show_suppressed),
    )
    if output:
        formats.write(text, output)
    else:
        click.echo(text, nl=False)
    gate = result.gate
    if gate and gate.unscreened:
        click.echo(
            f"bomscan: error: {', '.join(inputs)}: {result.summary.unscreened.reason}; "
            "--fail-on cannot pass on it "
            "(give --allow-unscreened to let it)",
            err=True,
        )
        ctx.exit(EXIT_INPUT)
    if gate and gate.failed:
        out.info(f"gate failed: {gate.gating_findings} finding(s) at --fail-on {gate.fail_on}")
        ctx.exit(EXIT_GATE_FAILED)


def _first(*values):
    """The first value that is set (an option given, else the config's)."""
    return next((v for v in values if v is not None), None)


def _here(ctx, quiet: bool, color: bool | None) -> Out:
    """The diagnostics channel, after ``-q``/``--color`` given after the subcommand's name."""
    if color is not None:
        ctx.obj["color"] = ctx.color = terminal.color_wanted(color)
    if quiet or color is not None:
        ctx.obj["out"] = Out(quiet or ctx.obj["out"].quiet, ctx.obj["color"])
    return ctx.obj["out"]


@cli.command()
@click.argument("name")
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.option("--limit", default=5, show_default=True, help="How many candidates to show.")
@_common_rules_options
@click.pass_context
def explain(ctx, name, fmt, limit, rules_dirs, no_default_rules):
    """Show how NAME normalises, its best candidates with scores, and why each passes or fails."""
    from bomscan.formats import explain_format
    from bomscan.pipeline import ReportRequest, load_rules_and_resolver

    ruleset, resolver = load_rules_and_resolver(
        ReportRequest(inputs=[], rules_dirs=list(rules_dirs), default_rules=not no_default_rules)
    )
    info = explain_format.with_entity_names(resolver.explain(name, limit=limit), ruleset)
    if fmt == "json":
        click.echo(explain_format.render_json(info), nl=False)
    else:
        click.echo(explain_format.render(info, terminal.width()), nl=False)


@cli.group()
def rules():
    """List, show, validate and import entity rules."""


@rules.command("list")
@_common_rules_options
@click.option(
    "--as-of", callback=_parse_date, help="Mark listings in force on this date (default: today)."
)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="json: every entity with aliases, sources, listings and affiliations.",
)
@click.pass_context
def rules_list(ctx, rules_dirs, no_default_rules, as_of, fmt):
    """Table of entities and their listings."""
    from bomscan.formats.rules_format import render_list, render_list_json
    from bomscan.pipeline import ReportRequest, load_rules

    ruleset = load_rules(
        ReportRequest(inputs=[], rules_dirs=list(rules_dirs), default_rules=not no_default_rules)
    )
    day = as_of or date.today()
    if fmt == "json":
        click.echo(render_list_json(ruleset, day), nl=False)
        return
    color = terminal.use_color(ctx.obj["color"], terminal.is_terminal())
    click.echo(render_list(ruleset, day, color=color, width=terminal.width()), nl=False)


@rules.command("show")
@click.argument("entity_id")
@_common_rules_options
@click.pass_context
def rules_show(ctx, entity_id, rules_dirs, no_default_rules):
    """Everything known about one entity: names, listings, affiliations, sources."""
    from bomscan.formats.rules_format import render_entity
    from bomscan.pipeline import ReportRequest, load_rules

    ruleset = load_rules(
        ReportRequest(inputs=[], rules_dirs=list(rules_dirs), default_rules=not no_default_rules)
    )
    if entity_id not in ruleset.entities:
        raise click.UsageError(f"no entity {entity_id!r} (see 'bomscan rules list')")
    click.echo(render_entity(ruleset, entity_id), nl=False)


@rules.command("validate")
@click.argument("dirs", nargs=-1, type=click.Path())
@click.pass_context
def rules_validate(ctx, dirs):
    """Check rules directories (default: the shipped rules); every problem with file and line."""
    from bomscan.formats.rules_format import render_validation
    from bomscan.rules import collect, shipped_rules_dir

    targets = list(dirs) or [shipped_rules_dir()]
    ruleset, problems = collect(targets)
    click.echo(render_validation(ruleset, problems, targets), nl=False, err=bool(problems))
    if problems:
        ctx.exit(EXIT_INPUT)


@rules.command("import-csl")
@click.argument("file", type=click.Path())
@click.option(
    "-o",
    "--output",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False),
    help="Directory to write the rules into (created if missing).",
)
@click.pass_context
def rules_import_csl(ctx, file, out_dir):
    """Convert the Consolidated Screening List (JSON or CSV) into a rules directory."""
    from bomscan.rules.csl import import_csl

    summary = import_csl(file, out_dir)
    click.echo(summary)


@rules.command("update")
@click.option(
    "--url",
    default=None,
    help="Where to download the CSL from, JSON or CSV (default: $BOMSCAN_CSL_URL or trade.gov).",
)
@click.option("--timeout", default=60.0, show_default=True, help="Network timeout in seconds.")
@click.pass_context
def rules_update(ctx, url, timeout):
    """Download the Consolidated Screening List and store it as the lists every report uses.

    Stored in the user data directory ($BOMSCAN_DATA_DIR overrides it), versioned, switched
    atomically; the previous version is kept, and a failed download keeps the lists in use.
    """
    from bomscan.pipeline import update_lists

    out = ctx.obj["out"]
    click.echo(update_lists(url, timeout, progress=out.info))


@rules.command("diff")
@click.argument("old")
@click.argument("new")
@click.argument("inputs", nargs=-1, type=click.Path())
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "markdown"]),
    default="table",
    show_default=True,
)
@click.option(
    "--as-of", callback=_parse_date, help="Screen the inputs as of this date (default: today)."
)
@click.option("--column", "columns", multiple=True, callback=_parse_columns, help="As in report.")
@click.option("--sheet", help="As in report.")
@click.option("--encoding", help="As in report.")
@click.pass_context
def rules_diff(ctx, old, new, inputs, fmt, as_of, columns, sheet, encoding):
    """What changed from list snapshot OLD to NEW, and the exposure it creates or removes.

    OLD and NEW are each a CSL file (JSON or CSV), a rules directory, or a stored version
    ('csl' is the one in use, 'csl@previous' the one before). With INPUTs (BOMs, ledgers),
    it also lists the lines and the spend that match only under NEW, or only under OLD.
    """
    from bomscan.formats.diff_format import render
    from bomscan.pipeline import ReportRequest, diff

    req = ReportRequest(
        inputs=list(inputs),
        as_of=as_of,
        column_overrides=columns,
        sheet=sheet,
        encoding=encoding,
    )
    result = diff(old, new, req)
    for w in result.warnings:
        ctx.obj["out"].warn(w)
    click.echo(render(result, fmt), nl=False)


@rules.command("fetch")
@click.option(
    "--url", default=None, help="Where to download the CSL JSON from (default: the official URL)."
)
@click.option(
    "--dest", default=None, type=click.Path(), help="Cache directory (default: the user cache dir)."
)
@click.option("--timeout", default=60.0, show_default=True, help="Network timeout in seconds.")
@click.pass_context
def rules_fetch(ctx, url, dest, timeout):
    """Download the current Consolidated Screening List JSON into the cache, atomically."""
    from bomscan.rules.fetch import fetch_csl

    click.echo(fetch_csl(url=url, dest=dest, timeout=timeout))


def main(argv: list[str] | None = None, prog_name: str = "bomscan") -> None:
    """Entry point: map our errors to exit codes; never print a traceback for bad input."""
    try:
        rv = cli.main(args=argv, prog_name=prog_name, standalone_mode=False)
    except BomscanError as exc:
        click.echo(f"bomscan: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("bomscan: aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_USAGE if isinstance(exc, click.UsageError) else exc.exit_code)
    except KeyboardInterrupt:
        click.echo("bomscan: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(0)
    except Exception as exc:  # a bug: one line, distinct code, traceback on request
        if os.environ.get("BOMSCAN_DEBUG"):
            raise
        click.echo(
            f"bomscan: internal error: {type(exc).__name__}: {exc} "
            "(set BOMSCAN_DEBUG=1 for a traceback)",
            err=True,
        )
        sys.exit(EXIT_INTERNAL)
    sys.exit(rv if isinstance(rv, int) else 0)


def entry() -> None:
    """The ``bomscan`` command (console script and ``python -m bomscan``)."""
    main()

"""Ownership edges from the user's files (``--ownership FILE``): who owns what share of whom,
when, on whose word.

Name screening cannot see a company whose name shares nothing with its owner; the 50% rules
look at ownership instead. Compliance teams hold that data in one of three forms, each read
here into the same typed :class:`OwnershipEdge`:

- the simple CSV ``owner,owned,share,valid_from,valid_to,source`` (names or ids; this module);
- GLEIF Level 2 relationship records with the Level 1 names (:mod:`.ownership_gleif`);
- Beneficial Ownership Data Standard JSON (:mod:`.ownership_bods`).

A bad row is a one-line :class:`~bomscan.errors.InputError` naming the file and line; a share
outside 0-100 is one too (never silently used). Cycles are found where the edges are joined
(:mod:`bomscan.resolve.ownership`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import polars as pl

from bomscan.errors import InputError
from bomscan.rules.model import SHARE_RANGE, SHARE_SPAN, is_share

CSV_COLUMNS = ("owner", "owned", "share", "valid_from", "valid_to", "source")
REQUIRED = ("owner", "owned", "share")
GLEIF_RR = "Relationship.StartNode.NodeID"  # a GLEIF Level 2 relationship record file
GLEIF_NAME = "Entity.LegalName"  # a GLEIF Level 1 file (names of LEIs)


@dataclass(frozen=True)
class OwnershipEdge:
    """``owner`` holds ``share`` percent of ``owned`` from ``valid_from`` (inclusive) until
    ``valid_to`` (exclusive), as ``source`` says. ``share`` None: control without a stated
    share (a GLEIF accounting-consolidation parent), counted as a majority holding.
    ``*_id``: an identifier when the file gives one (an LEI, a rules entity id)."""

    owner: str
    owned: str
    share: float | None
    valid_from: date | None
    valid_to: date | None
    source: str
    origin: str  # "file:line" (or "file" for JSON without lines)
    owner_id: str | None = None
    owned_id: str | None = None

    def holds_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day < self.valid_to
        )


def parse_share(text: str, path: str, line: int | None) -> float | None:
    """A percentage (``60``, ``60%``, ``60.5``: a number is always a percentage, 0-100);
    blank is None. Anything else, or outside 0-100, is an error."""
    t = text.strip().removesuffix("%").strip()
    if not t:
        return None
    try:
        v = float(t)
    except ValueError:
        raise InputError(f"share {text!r} is not a percentage", path=path, line=line) from None
    if not is_share(v):
        raise InputError(f"share {text!r} is outside {SHARE_SPAN}", path=path, line=line)
    return v


def parse_day(text: str, what: str, path: str, line: int | None) -> date | None:
    """An ISO date (``2024-05-01``; a timestamp's date part is taken); blank is None."""
    t = (text or "").strip()
    if not t:
        return None
    try:
        return date.fromisoformat(t[:10])
    except ValueError:
        raise InputError(
            f"{what} {text!r} is not a date (YYYY-MM-DD)", path=path, line=line
        ) from None


def check_window(edge: OwnershipEdge, path: str, line: int | None) -> None:
    if edge.valid_from and edge.valid_to and edge.valid_to <= edge.valid_from:
        raise InputError(
            f"valid_to {edge.valid_to} is not after valid_from {edge.valid_from}",
            path=path,
            line=line,
        )


EDGE_SCHEMA = {
    "owner": pl.String,
    "owned": pl.String,
    "share": pl.Float64,
    "valid_from": pl.Date,
    "valid_to": pl.Date,
    "source": pl.String,
    "origin": pl.String,
    "owner_id": pl.String,
    "owned_id": pl.String,
}


def edges_frame(edges: list[OwnershipEdge]) -> pl.DataFrame:
    """Edges as the frame :mod:`bomscan.resolve.ownership` joins (``EDGE_SCHEMA``)."""
    return pl.DataFrame([asdict(e) for e in edges], schema=EDGE_SCHEMA, orient="row")


def edge_of(row: dict) -> OwnershipEdge:
    """One row of an edges frame back as the typed edge."""
    return OwnershipEdge(**{k: row[k] for k in EDGE_SCHEMA})


def load_ownership(paths: list[str]) -> pl.DataFrame:
    """Every edge of the ``--ownership`` files, whatever their form (simple CSV, GLEIF Level 2
    with Level 1 names given as another file, BODS JSON), as one frame."""
    frames, gleif, names = [], [], {}
    for raw in paths:
        path = Path(raw)
        try:
            with path.open("rb") as fh:
                head = fh.read(4096)
        except OSError as exc:
            raise InputError(f"cannot read ({exc.strerror})", path=raw) from None
        if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{"):
            from bomscan.rules.ownership_bods import read_bods

            frames.append(edges_frame(read_bods(path)))
            continue
        header = _header(head)
        if GLEIF_RR in header:
            gleif.append(path)
        elif "LEI" in header and GLEIF_NAME in header:
            from bomscan.rules.ownership_gleif import read_gleif_names

            names.update(read_gleif_names(path))
        else:
            frames.append(read_csv(path))
    if gleif:
        from bomscan.rules.ownership_gleif import read_gleif

        frames += [edges_frame(read_gleif(p, names)) for p in gleif]
    if not frames:
        raise InputError("a GLEIF Level 1 file alone gives no ownership", path=paths[0])
    return pl.concat(frames, how="vertical")


def _header(head: bytes) -> list[str]:
    first = head.decode("utf-8-sig", errors="replace").splitlines()[:1]
    return [h.strip().strip('"') for h in first[0].split(",")] if first else []


def read_csv(path: Path) -> pl.DataFrame:
    """The simple form ``owner,owned,share,valid_from,valid_to,source`` (header required,
    any column order, extra columns ignored). Every value is checked; the first bad one is an
    error naming its line."""
    src = str(path)
    try:
        raw = pl.read_csv(path, infer_schema=False, encoding="utf8-lossy")
    except (pl.exceptions.PolarsError, OSError) as exc:
        msg = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
        raise InputError(f"cannot be read as ownership CSV ({msg})", path=src) from None
    folded = [c.strip().lower() for c in raw.columns]
    twice = sorted({c for c in folded if folded.count(c) > 1})
    if twice:
        raise InputError(f"ownership CSV has the column {twice[0]!r} twice", path=src, line=1)
    raw = raw.rename(dict(zip(raw.columns, folded, strict=True)))
    missing = [c for c in REQUIRED if c not in raw.columns]
    if missing:
        raise InputError(
            f"ownership CSV has no {', '.join(missing)} column (columns: "
            + ", ".join(CSV_COLUMNS)
            + ")",
            path=src,
        )
    text = {c: pl.col(c).str.strip_chars() if c in raw.columns else pl.lit(None, pl.String)
            for c in CSV_COLUMNS}  # fmt: skip
    frame = raw.select(
        text["owner"].alias("owner"),
        text["owned"].alias("owned"),
        text["share"].alias("_share"),
        text["valid_from"].alias("_from"),
        text["valid_to"].alias("_to"),
        text["source"].fill_null(src).alias("source"),
        (pl.lit(src + ":") + (pl.int_range(pl.len()) + 2).cast(pl.String)).alias("origin"),
    )
    return _checked(frame, src)


def _checked(frame: pl.DataFrame, src: str) -> pl.DataFrame:
    """Typed columns; the first row with a blank name, a share that is not a percentage in
    0-100, a bad date or a window that ends before it starts is an error."""
    share = pl.col("_share").str.strip_suffix("%").str.strip_chars()
    frame = frame.with_columns(
        share.cast(pl.Float64, strict=False).alias("share"),
        pl.col("_from").str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False).alias("valid_from"),
        pl.col("_to").str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False).alias("valid_to"),
    )
    checks = [
        ((pl.col("owner").fill_null("") == "") | (pl.col("owned").fill_null("") == ""),
         lambda r: "owner and owned must both be given"),
        (pl.col("share").is_null() & (share.fill_null("") != "") | pl.col("share").is_nan(),
         lambda r: f"share {r['_share']!r} is not a percentage"),
        (~pl.col("share").is_between(*SHARE_RANGE),
         lambda r: f"share {r['_share']!r} is outside {SHARE_SPAN}"),
        (pl.col("share").is_null() & (share.fill_null("") == ""),
         lambda r: "share is blank (give the percentage held)"),
        (pl.col("valid_from").is_null() & (pl.col("_from").fill_null("") != ""),
         lambda r: f"valid_from {r['_from']!r} is not a date (YYYY-MM-DD)"),
        (pl.col("valid_to").is_null() & (pl.col("_to").fill_null("") != ""),
         lambda r: f"valid_to {r['_to']!r} is not a date (YYYY-MM-DD)"),
        (pl.col("valid_to") <= pl.col("valid_from"),
         lambda r: f"valid_to {r['_to']} is not after valid_from {r['_from']}"),
        (pl.col("owner") == pl.col("owned"),
         lambda r: f"{r['owner']!r} is said to own itself"),
    ]  # fmt: skip
    for cond, message in checks:
        bad = frame.filter(cond.fill_null(False)).head(1)
        if bad.height:
            row = bad.row(0, named=True)
            raise InputError(message(row), path=src, line=int(row["origin"].rpartition(":")[2]))
    return frame.select(
        *[pl.col(c).cast(t) if c in frame.columns else pl.lit(None, t).alias(c)
          for c, t in EDGE_SCHEMA.items()]
    )  # fmt: skip

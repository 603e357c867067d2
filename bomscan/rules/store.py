"""The user's stored lists: downloaded list sets, versioned, switched atomically.

Why: the shipped rules are a small curated set; the full Consolidated Screening List (about
12,000 entries from 13 lists) changes every few weeks, and nobody repeats three manual steps
each week. ``bomscan rules update`` downloads it, imports it and stores it here; every report
then screens against it without an option, and says how old it is.

Layout, under :func:`data_dir` (``$BOMSCAN_DATA_DIR``, else the platform's user data dir)::

    lists/<set>/<version>/      a rules directory (lists.toml, entities.toml) and source.json
    lists/<set>/CURRENT         the name of the version in use (replaced with os.replace)

A version is ``<fetch date>-<first 12 hex digits of the file's sha256>``. A new version is
built in a temporary directory beside the others and renamed into place, and ``CURRENT`` is
switched last, so a failed or partial download never touches the lists in use. The previous
version is kept (``rules diff csl@previous csl`` shows what changed); older ones are removed.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bomscan.errors import InputError

DATA_ENV = "BOMSCAN_DATA_DIR"
CURRENT = "CURRENT"
SOURCE_FILE = "source.json"
KEEP = 2  # versions kept per set: the one in use and the one before it
SETS = ("csl",)  # list sets bomscan knows how to download
DEFAULT_MAX_AGE = 7.0  # days; a report warns when the stored lists are older (config max-age)


@dataclass(frozen=True)
class StoredSet:
    """One stored version of a list set, as a report names it."""

    name: str  # the set: "csl"
    version: str  # "2026-12-07-1a2b3c4d5e6f"
    path: Path  # its rules directory
    fetched: datetime  # when it was downloaded (UTC)
    url: str
    sha256: str
    entities: int

    def age_days(self, now: datetime | None = None) -> float:
        now = now or datetime.now(UTC)
        return (now - self.fetched).total_seconds() / 86400

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}"


def data_dir() -> Path:
    """Where stored lists live: ``$BOMSCAN_DATA_DIR``, else the user data directory."""
    override = os.environ.get(DATA_ENV)
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir("bomscan"))


def set_dir(name: str) -> Path:
    return data_dir() / "lists" / name


def _load(name: str, version: str) -> StoredSet | None:
    path = set_dir(name) / version
    try:
        meta = json.loads((path / SOURCE_FILE).read_text(encoding="utf-8"))
        return StoredSet(
            name=name,
            version=version,
            path=path,
            fetched=datetime.fromisoformat(meta["fetched"]),
            url=meta["url"],
            sha256=meta["sha256"],
            entities=int(meta["entities"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None  # not a complete version (or not ours): never used


def versions(name: str) -> list[StoredSet]:
    """Every complete stored version of ``name``, oldest first."""
    base = set_dir(name)
    if not base.is_dir():
        return []
    found = [_load(name, p.name) for p in base.iterdir() if p.is_dir() and p.name[0] != "."]
    return sorted((s for s in found if s), key=lambda s: (s.fetched, s.version))


def current(name: str) -> StoredSet | None:
    """The version of ``name`` in use, or None when none was ever stored. A ``CURRENT`` that
    names a version which cannot be read is an error, never a silent fallback to the shipped
    rules alone: a report that quietly lost its lists would call listed companies clean."""
    pointer = set_dir(name) / CURRENT
    try:
        version = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InputError(
            f"stored lists {name}: cannot read ({exc.strerror})", path=str(pointer)
        ) from None
    stored = _load(name, version) if version else None
    if stored is None:
        raise InputError(
            f"stored lists {name}: version {version!r} cannot be read; run 'bomscan rules "
            "update' (or --lists none to screen without them)",
            path=str(pointer),
        )
    return stored


def in_use(names: list[str] | None = None) -> list[StoredSet]:
    """The current version of each stored set (of ``names`` when given: each must be stored)."""
    wanted = SETS if names is None else names
    unknown = [n for n in wanted if n not in SETS]
    if unknown:
        raise InputError(f"--lists: no list set {unknown[0]!r} (sets: {', '.join(SETS)})")
    found = {n: current(n) for n in wanted}
    missing = [n for n, s in found.items() if s is None]
    if names is not None and missing:
        raise InputError(f"--lists {missing[0]}: nothing stored; run 'bomscan rules update'")
    return [s for s in found.values() if s is not None]


def find(spec: str) -> StoredSet | None:
    """A stored version by name: ``csl`` (the one in use), ``csl@previous`` or
    ``csl@<version>``; None when ``spec`` names no stored version."""
    name, _, which = spec.partition("@")
    if name not in SETS:
        return None
    if not which:
        return current(name)
    known = versions(name)
    if which == "previous":
        now = current(name)
        older = [s for s in known if now is None or s.fetched < now.fetched]
        return older[-1] if older else None
    return next((s for s in known if s.version == which), None)


def version_name(fetched: datetime, sha256: str) -> str:
    """A stored version's name: the fetch date and the first 12 hex digits of the file's hash."""
    return f"{fetched:%Y-%m-%d}-{sha256[:12]}"


def store(name: str, build, *, url: str, sha256: str, fetched: datetime) -> StoredSet:
    """Build a new version with ``build(rules_dir) -> entities`` in a temporary directory,
    rename it into place and switch ``CURRENT`` to it; prune old versions. Any failure leaves
    the version in use as it was (an OS error is one line naming the data directory)."""
    base = set_dir(name)
    try:
        return _store(name, base, build, url=url, sha256=sha256, fetched=fetched)
    except OSError as exc:
        raise InputError(
            f"cannot store the lists ({exc.strerror or exc})", path=str(base)
        ) from None


def _store(name, base: Path, build, *, url: str, sha256: str, fetched: datetime) -> StoredSet:
    base.mkdir(parents=True, exist_ok=True)
    version = version_name(fetched, sha256)
    tmp = Path(tempfile.mkdtemp(prefix=".incoming-", dir=base))
    try:
        entities = build(tmp)
        meta = {"url": url, "sha256": sha256, "fetched": fetched.isoformat(), "entities": entities}
        (tmp / SOURCE_FILE).write_text(json.dumps(meta, indent=2), encoding="utf-8")
        _readable(tmp)
        if _load(name, version) is None:  # the same file fetched again today is stored already
            shutil.rmtree(base / version, ignore_errors=True)  # an incomplete leftover
            try:
                os.rename(tmp, base / version)
            except OSError:
                if _load(name, version) is None:  # not another update storing the same file
                    raise
        _switch(base, version)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    _prune(name)
    stored = _load(name, version)
    if stored is None:
        raise InputError(f"stored lists {name} {version} cannot be read back", path=str(base))
    return stored


def _readable(path: Path) -> None:
    """Give a new version the modes the umask allows (mkdtemp makes it private), so a data
    directory shared between users stays readable to all of them."""
    umask = _umask()
    for p in [path, *path.rglob("*")]:
        p.chmod((0o777 if p.is_dir() else 0o666) & ~umask)


def _umask() -> int:
    """The process's umask (read by setting it, then setting it back)."""
    umask = os.umask(0)
    os.umask(umask)
    return umask


def _switch(base: Path, version: str) -> None:
    """Point ``CURRENT`` at ``version`` atomically (write a temporary file, then replace)."""
    fd, tmp = tempfile.mkstemp(prefix=".current-", dir=base)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(version + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, base / CURRENT)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _prune(name: str) -> None:
    """Remove all but the :data:`KEEP` newest versions (never the one in use)."""
    try:
        now = current(name)
    except InputError:
        return
    for old in versions(name)[:-KEEP]:
        if now is None or old.version != now.version:
            shutil.rmtree(old.path, ignore_errors=True)

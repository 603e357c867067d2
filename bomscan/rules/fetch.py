"""Download the current Consolidated Screening List JSON into the user's cache, atomically.

The download goes to a temporary file in the destination directory, is flushed to disk, checked
to be CSL JSON (an object with a ``results`` array) and only then renamed over the previous copy
(``os.replace`` is atomic on one filesystem). Any failure - HTTP error, timeout, a truncated or
invalid body - leaves the previous copy untouched and raises :class:`InputError` (exit 3, one
line). Standard library only: no HTTP dependency for one GET.
"""

from __future__ import annotations

import http.client
import os
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import orjson

from bomscan import __version__
from bomscan.errors import InputError
from bomscan.rules.csl import CSL_URL

FILENAME = "consolidated.json"
MAX_BYTES = 1 << 30  # the live file is about 34 MB; refuse anything absurd


def default_dest() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("bomscan")) / "csl"


def csl_url(url: str | None) -> str:
    """Where the CSL is downloaded from: ``url``, else $BOMSCAN_CSL_URL, else trade.gov; a
    one-line error unless it is http(s)."""
    url = url or os.environ.get("BOMSCAN_CSL_URL") or CSL_URL
    if not url.startswith(("https://", "http://")):
        raise InputError(f"--url must be an http(s) URL, not {url!r}")
    return url


def fetch_csl(url: str | None = None, dest: str | Path | None = None, timeout: float = 60.0) -> str:
    """Download ``url`` (default: $BOMSCAN_CSL_URL or the trade.gov URL) into
    ``dest/consolidated.json`` and return a one-line summary (where, how many records)."""
    url = csl_url(url)
    dest_dir = Path(dest) if dest else default_dest()
    target = dest_dir / FILENAME
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            f"cannot create the cache directory ({exc.strerror})", path=str(dest_dir)
        ) from None
    keep = f"; kept the previous copy {target}" if target.exists() else ""
    fd, tmp = tempfile.mkstemp(prefix=".consolidated-", suffix=".part", dir=dest_dir)
    try:
        with os.fdopen(fd, "wb") as fh:
            size = _download(url, fh, timeout)
            fh.flush()
            os.fsync(fh.fileno())
        records = _check(tmp)
        os.replace(tmp, target)
    except InputError as exc:
        _unlink(tmp)
        raise InputError(f"{exc.message}{keep}", path=url) from None
    except BaseException:
        _unlink(tmp)
        raise
    return f"wrote {target}: {records} records ({size / 1e6:.1f} MB) from {url}"


def _download(url: str, fh, timeout: float) -> int:
    req = urllib.request.Request(url, headers={"User-Agent": f"bomscan/{__version__}"})
    size = 0
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 (http(s) only)
            expected = resp.headers.get("Content-Length")
            while chunk := resp.read(1 << 16):
                size += len(chunk)
                if size > MAX_BYTES:
                    raise InputError("download larger than 1 GiB; refused")
                fh.write(chunk)
    except urllib.error.HTTPError as exc:
        raise InputError(f"download failed: HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise InputError(f"download failed: {exc.reason}") from None
    except TimeoutError:
        raise InputError(f"download failed: timed out after {timeout:g} s") from None
    except (OSError, http.client.HTTPException) as exc:  # connection reset, incomplete read
        raise InputError(f"download failed: {exc}") from None
    if expected and expected.isdigit() and int(expected) != size:
        raise InputError(f"download truncated: got {size} of {expected} bytes")
    return size


def _check(path: str) -> int:
    try:
        with open(path, "rb") as fh:
            doc = orjson.loads(fh.read())
    except orjson.JSONDecodeError as exc:
        raise InputError(f"downloaded file is not valid JSON ({exc})") from None
    results = doc.get("results") if isinstance(doc, dict) else None
    if not isinstance(results, list):
        raise InputError('downloaded file is not CSL JSON (no "results" array)')
    return len(results)


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def update_lists(url: str | None = None, timeout: float = 60.0) -> str:
    """``bomscan rules update``: download the CSL (JSON or CSV, as published), import it and
    store it as the new current version of the ``csl`` list set (see :mod:`.store`); return
    the one-line summary. A failed download or import keeps the lists in use and says so."""
    import hashlib
    from datetime import UTC, datetime

    from bomscan.rules import store
    from bomscan.rules.csl import import_csl

    url = csl_url(url)
    try:
        before = store.current("csl")
    except InputError:  # a damaged store: this update mends it
        before = None
    keep = f"; still using {before.label}" if before else ""
    fetched = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="bomscan-download-") as tmp:
        raw = Path(tmp) / ("consolidated.csv" if url.endswith(".csv") else "consolidated.json")
        try:
            with open(raw, "wb") as fh:
                _download(url, fh, timeout)
            sha = hashlib.sha256(raw.read_bytes()).hexdigest()

            def build(rules_dir: Path) -> int:
                version = store.version_name(fetched, sha)
                done = import_csl(
                    raw, rules_dir, name="csl", version=version, updated=fetched.date()
                )
                if done.entities == 0:
                    raise InputError("the downloaded list holds no organisation")
                return done.entities

            stored = store.store("csl", build, url=url, sha256=sha, fetched=fetched)
        except InputError as exc:
            raise InputError(f"{exc.message}{keep}", path=url) from None
    was = f" (was {before.version})" if before and before.version != stored.version else ""
    return (
        f"lists csl {stored.version}: {stored.entities} entities from {url}, stored in "
        f"{stored.path}{was}"
    )

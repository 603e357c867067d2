"""A cache of the loaded rules and the resolver's alias index, so a run starts fast.

Parsing and validating the TOML rules and building the alias index take longer than reading a
typical BOM; a pre-merge check runs many times against the same rules. The cache key covers
everything the cached objects are derived from: the path, size and modification time of every
rules file, and of bomscan's own rules/resolve code, vocabulary files (``resolve/data/*.tsv``)
and storage code (``packed.py``, this file), plus the bomscan version and the libraries the
index was built with (pypinyin, english-words, opencc). Any change makes a new entry; old
entries are pruned. ``BOMSCAN_NO_CACHE=1`` turns the cache off.

An entry is a pickle whose large strings and arrays follow it in the file (``dump``), and a
run maps the file rather than reads it (``load``): with a CSL-sized rule set a report of a
BOM touches a few pages of 38 MB (docs/perf.md, scenario 5).

With ``--ownership``, the ownership files joined to the rules (``resolve/ownership.py``) are
cached the same way, keyed also by the content of each file (a BLAKE2 digest: 15 ms for a
100,000-edge file) and by the options the result depends on: an ownership export changes monthly while the ledger screened
against it changes daily, and joining a 100,000-edge file costs 0.4 s of a 10M-row ledger's
2.8 s (docs/perf.md). ``BOMSCAN_NO_CACHE=1`` computes it every time (the plain path).

The cache holds only objects bomscan built itself from the rules and the user's files, in the
user's own cache directory (created private); a cache file that cannot be read, or was not
wholly written, is ignored and rebuilt.
"""

from __future__ import annotations

import gc
import hashlib
import mmap
import os
import pickle
import struct
import sys
import tempfile
from pathlib import Path

from bomscan import __version__

KEEP = 8


def cache_dir() -> Path:
    override = os.environ.get("BOMSCAN_CACHE_DIR")
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("bomscan"))


def _signature(rule_dirs: list[Path]) -> str:
    h = hashlib.sha256(__version__.encode())
    # the index holds pinyin spellings and ordinary-word answers these libraries gave
    h.update(_libraries(("pypinyin", "english_words", "opencc")).encode())
    code = Path(__file__).resolve().parent
    files = sorted(
        [
            *code.glob("resolve/*.py"),
            *code.glob("rules/*.py"),
            code / "packed.py",  # how strings and arrays are stored, and the file format
            code / "cache.py",
            *code.glob("resolve/data/*.tsv"),
        ]
    )
    for d in rule_dirs:
        h.update(b"\0dir\0" + str(Path(d).resolve()).encode())
        files += sorted(Path(d).glob("*.toml"))
    for f in files:
        try:
            st = f.stat()
        except OSError:
            continue
        h.update(f"{f}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:40]


def load_or_build(rule_dirs: list[Path], build, kind: str = "index", files: tuple = (), extra=""):
    """Return ``build()``'s result, from the cache when the rules and code are unchanged (and,
    for ``kind="ownership"``, the ownership ``files`` and the ``extra`` options too)."""
    if os.environ.get("BOMSCAN_NO_CACHE"):
        return build()
    key = _signature(rule_dirs)
    if files or extra:
        h = hashlib.sha256(f"{key}\0{extra}".encode())
        for f in files:  # by content (an edit within the same second is still seen) and
            # by path (the result names the file each edge came from)
            h.update(f"\0{Path(f).resolve()}\0".encode())
            with open(f, "rb") as fh:
                h.update(hashlib.file_digest(fh, "blake2b").digest())
        key = h.hexdigest()[:40]
    base = cache_dir()
    path = base / f"{kind}-{key}.pickle"
    try:
        return load(path)
    except Exception:  # missing, unreadable or stale format: rebuild
        pass
    value = without_gc(build)
    tmp = None
    try:
        base.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=base, prefix=f".{kind}-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            dump(value, fh)
            fh.flush()
            os.fsync(fh.fileno())  # on disk before it has the name a later run reads
        os.replace(tmp, path)
        tmp = None
        _prune(base, kind)
    except Exception:  # a read-only home or full disk must not fail the run
        pass
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
    return value


# A cache file: this line, then the sizes (u64) of the pickle stream, of the number of buffers
# and of each buffer, then the stream, then each buffer at a multiple of 8, then the end line
# with the file's size. The buffers are the large byte strings and int arrays objects hand to
# pickle out of band (``bomscan/packed.py``), in this machine's byte order (named in the
# first line); loading maps the file and gives the pickle views of it, so a 38 MB index of a
# CSL-sized rule set is not read, only the pages a report touches. A file cut short, or
# whose last blocks never reached the disk, lacks the end line and is rebuilt.
_MAGIC = f"bomscan cache 2 {sys.byteorder}\n".encode()
_END = b"\nbomscan cache end "
_U64 = struct.Struct("<Q")


def dump(value, fh) -> None:
    """Write ``value`` to ``fh`` (a new binary file, at its start) in the format ``load``
    maps."""
    bufs: list[pickle.PickleBuffer] = []
    stream = pickle.dumps(value, protocol=5, buffer_callback=bufs.append)
    views = [b.raw() for b in bufs]
    sizes = [len(stream), len(views), *(v.nbytes for v in views)]
    fh.write(_MAGIC + b"".join(map(_U64.pack, sizes)))
    at = len(_MAGIC) + 8 * len(sizes)
    for part in (stream, *views):
        fh.write(b"\0" * (-at % 8))
        at += -at % 8
        fh.write(part)
        at += len(part)
    fh.write(_END + _U64.pack(at + len(_END) + 8))


def load(path: Path):
    """The value ``dump`` wrote to ``path``, its out-of-band buffers views of the mapped
    file (ValueError: not such a file, or not all of one)."""
    with open(path, "rb") as fh:
        if fh.read(len(_MAGIC)) != _MAGIC:
            raise ValueError(f"{path}: not a bomscan cache file of this version")
        n_stream, n_bufs = _U64.unpack(fh.read(8)) + _U64.unpack(fh.read(8))
        sizes = [n_stream] + [_U64.unpack(fh.read(8))[0] for _ in range(n_bufs)]
        mapped = memoryview(mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ))
    size = len(mapped)
    if mapped[size - len(_END) - 8 :] != _END + _U64.pack(size):
        raise ValueError(f"{path}: incomplete (no end line)")
    parts, at = [], len(_MAGIC) + 8 * (2 + n_bufs)
    for n in sizes:
        at += -at % 8
        if at + n > size - len(_END) - 8:
            raise ValueError(f"{path}: truncated")
        parts.append(mapped[at : at + n])
        at += n
    return pickle.loads(parts[0], buffers=parts[1:])


def without_gc(fn, *args):
    """``fn(*args)`` with the cyclic garbage collector paused, and restored as it was.

    Why: building a CSL-sized index allocates millions of small objects, none of them
    garbage, and each allocation burst triggers a collection that walks all of them again:
    the first report with a 20,000-entity rule set took 8.75 s with collections and 6.19 s
    without (docs/perf.md, scenario 5). Loading the cached index no longer needs it (the
    mapped file makes a few objects: 4 ms either way). This is an override of the plain
    ``fn(*args)``; deleting it with its test restores that path.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        return fn(*args)
    finally:
        if was:
            gc.enable()


def _prune(base: Path, kind: str = "index") -> None:
    entries = sorted(base.glob(f"{kind}-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP:]:
        try:
            old.unlink()
        except OSError:
            pass


def content_key(data: bytes, *parts: str | None) -> str:
    """A key for a verdict about exactly these bytes, under this bomscan and these libraries."""
    h = hashlib.sha256(data)
    h.update("\0".join(str(p) for p in (__version__, _libraries(), *parts)).encode())
    return h.hexdigest()[:40]


def _libraries(mods: tuple[str, ...] = ("cyclonedx", "jsonschema_rs", "lxml")) -> str:
    """Identify installed libraries cheaply (no import): their files' size and mtime."""
    from importlib.util import find_spec

    out = []
    for mod in mods:
        spec = find_spec(mod)
        origin = spec.origin if spec is not None else None
        try:
            st = os.stat(origin) if origin else None
        except OSError:
            st = None
        out.append(f"{mod}:{origin}:{st.st_size}:{st.st_mtime_ns}" if st else f"{mod}:?")
    return ",".join(out)


def has_verdict(key: str) -> bool:
    """True when a document with this key passed validation before (schema checks are pure)."""
    if os.environ.get("BOMSCAN_NO_CACHE"):
        return False
    return (cache_dir() / "verdicts" / key).exists()


def record_verdict(key: str) -> None:
    if os.environ.get("BOMSCAN_NO_CACHE"):
        return
    try:
        d = cache_dir() / "verdicts"
        d.mkdir(parents=True, exist_ok=True, mode=0o700)
        (d / key).touch()
        entries = sorted(d.iterdir(), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[512:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass

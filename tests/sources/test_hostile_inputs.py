"""Hostile and broken input files: each gets exit 3 with one line (or a warning) within a time and
memory bound, never a traceback, a hang, a network connection or a read outside the file.

Every case runs the real CLI in a subprocess and measures that child alone: wall time, and peak
RSS from ``os.wait4`` (the child's own rusage, not the cumulative RUSAGE_CHILDREN). Bounds are
deliberately generous (10 s, 1 GB) so they only fail when something really goes wrong: a 1 GB
line loaded into memory, entity expansion, an unbounded recursion, a blocked open().
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import orjson
import pytest

REPO = Path(__file__).resolve().parents[2]
TIME_LIMIT_S = 10.0
RSS_LIMIT_MB = 1024
GB = 1 << 30
NS = "http://cyclonedx.org/schema/bom/1.6"


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    seconds: float
    rss_mb: float


def run_bounded(*args: str, env: dict | None = None, timeout: float = TIME_LIMIT_S) -> Run:
    """Run ``bomscan report ARGS`` and enforce the time and memory bounds on that child."""
    full_env = {**os.environ, **(env or {}), "NO_COLOR": "1"}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, "-m", "bomscan", "report", *args],
            cwd=REPO,
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
            env=full_env,
        )
        killer = threading.Timer(timeout, proc.kill)
        killer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            killer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)  # already reaped
        seconds = time.monotonic() - start
        out.seek(0)
        err.seek(0)
        run = Run(
            code=proc.returncode,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
            seconds=seconds,
            rss_mb=usage.ru_maxrss / 1024,  # KiB on Linux
        )
    assert run.seconds < timeout, f"took {run.seconds:.1f} s (killed at {timeout} s)"
    assert run.rss_mb < RSS_LIMIT_MB, f"peak RSS {run.rss_mb:.0f} MB"
    assert "Traceback" not in run.stderr
    return run


def assert_one_line_error(run: Run, path: Path | str, *needles: str) -> str:
    assert run.code == 3, (run.code, run.stderr)
    assert run.stdout == ""
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    line = lines[0]
    assert line.startswith("bomscan: error: ") and str(path) in line
    for n in needles:
        assert n in line, line
    return line


# --- XML: external entities, entity expansion, DTDs, XInclude ---------------------------------


@pytest.fixture
def listener():
    """A local TCP server that records whether anything connected to it."""
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    srv.setblocking(False)
    yield srv.getsockname()[1], srv

    srv.close()


def no_connection(srv: socket.socket) -> bool:
    try:
        conn, _ = srv.accept()
    except BlockingIOError:
        return True
    conn.close()
    return False


def _bom_xml(doctype: str, supplier: str) -> str:
    return (
        f'<?xml version="1.0"?>\n{doctype}\n<bom xmlns="{NS}" version="1">\n'
        '  <components>\n    <component type="device">\n'
        f"      <supplier><name>{supplier}</name></supplier>\n      <name>cam</name>\n"
        "    </component>\n  </components>\n</bom>\n"
    )


XXE_FILE = _bom_xml('<!DOCTYPE bom [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', "&xxe;")
BILLION_LAUGHS = _bom_xml(
    "<!DOCTYPE bom [\n"
    + '<!ENTITY lol "lol">\n'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">\n' for i in range(2, 11))
    + '<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n]>',
    "&lol10;",
)


def test_xxe_file_entity_refused_without_reading(tmp_path):
    path = tmp_path / "xxe.cdx.xml"
    path.write_text(XXE_FILE)
    run = run_bounded(str(path), "-f", "json")
    assert_one_line_error(run, path, "DOCTYPE")
    assert "root:" not in run.stdout + run.stderr


def test_xxe_http_entity_refused_without_network(tmp_path, listener):
    port, srv = listener
    path = tmp_path / "xxe-http.cdx.xml"
    path.write_text(
        _bom_xml(f'<!DOCTYPE bom [<!ENTITY xxe SYSTEM "http://127.0.0.1:{port}/x">]>', "&xxe;")
    )
    run = run_bounded(str(path))
    assert_one_line_error(run, path, "DOCTYPE")
    assert no_connection(srv), "the reader connected to the entity's URL"


def test_external_dtd_and_parameter_entities_refused_without_network(tmp_path, listener):
    port, srv = listener
    path = tmp_path / "dtd.cdx.xml"
    path.write_text(
        _bom_xml(
            f'<!DOCTYPE bom SYSTEM "http://127.0.0.1:{port}/bom.dtd" [<!ENTITY % p SYSTEM '
            f'"http://127.0.0.1:{port}/p.dtd"> %p;]>',
            "Acme",
        )
    )
    run = run_bounded(str(path))
    assert_one_line_error(run, path, "DOCTYPE")
    assert no_connection(srv)


def test_xxe_in_utf16_is_refused_too(tmp_path):
    """The DOCTYPE check is not fooled by an encoding where the bytes are not ASCII."""
    path = tmp_path / "xxe16.cdx.xml"
    path.write_bytes(
        XXE_FILE.replace('version="1.0"?', 'version="1.0" encoding="UTF-16"?').encode("utf-16")
    )
    run = run_bounded(str(path))
    assert_one_line_error(run, path, "DOCTYPE")
    assert "root:" not in run.stdout + run.stderr


def test_billion_laughs_refused_fast_and_small(tmp_path):
    path = tmp_path / "lol.cdx.xml"
    path.write_text(BILLION_LAUGHS)
    run = run_bounded(str(path))
    assert_one_line_error(run, path, "DOCTYPE")


def test_parser_itself_resolves_nothing(listener):
    """Defence in depth: even without the DOCTYPE pre-check, the hardened parser expands no
    entity, reads no file and opens no connection."""
    from lxml import etree

    from bomscan.sources.cyclonedx_xml import _parser

    port, srv = listener
    for doc in (
        XXE_FILE,
        _bom_xml(f'<!DOCTYPE bom [<!ENTITY x SYSTEM "http://127.0.0.1:{port}/x">]>', "&x;"),
        _bom_xml(f'<!DOCTYPE bom SYSTEM "http://127.0.0.1:{port}/bom.dtd">', "Acme"),
    ):
        start = time.monotonic()
        root = etree.fromstring(doc.encode(), _parser())
        text = etree.tostring(root, encoding="unicode")
        assert "root:" not in text
        assert time.monotonic() - start < TIME_LIMIT_S
    try:  # libxml2 either refuses the amplification or leaves the entities unexpanded
        root = etree.fromstring(BILLION_LAUGHS.encode(), _parser())
    except etree.XMLSyntaxError as exc:
        assert "amplification" in str(exc) or "entity" in str(exc).lower()
    else:
        assert len(etree.tostring(root)) < 10_000
    assert no_connection(srv)


def test_xinclude_is_not_processed(tmp_path):
    path = tmp_path / "xinclude.cdx.xml"
    path.write_text(
        f'<bom xmlns="{NS}" xmlns:xi="http://www.w3.org/2001/XInclude" version="1"><components>'
        '<component type="device"><supplier><name>Acme</name></supplier><name>x</name>'
        '<xi:include href="file:///etc/passwd" parse="text"/></component></components></bom>'
    )
    run = run_bounded(str(path), "-f", "json", "--as-of", "2026-01-01")
    assert run.code in (0, 3)
    assert "root:" not in run.stdout + run.stderr


# --- JSON nesting ------------------------------------------------------------------------------


def test_json_nested_100000_levels_is_one_line_exit_3(tmp_path):
    path = tmp_path / "deep.cdx.json"
    depth = 100_000
    path.write_text(
        '{"bomFormat":"CycloneDX","specVersion":"1.6","metadata":'
        + '{"a":' * depth
        + "1"
        + "}" * depth
        + "}"
    )
    run = run_bounded(str(path))
    assert_one_line_error(run, path, "not valid JSON")


def test_json_array_nested_100000_levels_is_one_line_exit_3(tmp_path):
    path = tmp_path / "deep-array.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    assert_one_line_error(run_bounded(str(path)), path)


def _nested_components(depth: int) -> dict:
    leaf: dict = {"type": "device", "name": f"part-{depth}", "supplier": {"name": "Dahua"}}
    for i in range(depth - 1, 0, -1):
        leaf = {"type": "device", "name": f"part-{i}", "components": [leaf]}
    return {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": [leaf]}


def _nested_components_text(depth: int) -> str:
    """Built as text: json/orjson dumpers refuse this depth themselves."""
    return (
        '{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":['
        + '{"type":"device","name":"p","components":[' * (depth - 1)
        + '{"type":"device","name":"leaf","supplier":{"name":"Dahua"}}'
        + "]}" * (depth - 1)
        + "]}"
    )


@pytest.mark.parametrize("strict", [False, True], ids=["lenient", "strict"])
def test_components_nested_1000_levels_are_all_read(tmp_path, strict):
    """A 1,000-level assembly (2,000 JSON levels): every component read and validated."""
    depth = 1000
    path = tmp_path / "assembly.cdx.json"
    path.write_text(_nested_components_text(depth))
    args = [str(path), "-f", "json", "--as-of", "2026-01-01"] + (["--strict"] if strict else [])
    run = run_bounded(*args)
    assert run.code == 0, run.stderr
    report = orjson.loads(run.stdout)
    assert report["summary"]["lines_read"] == depth
    assert any(f["value"] == "Dahua" for f in report["findings"])
    # one component of 1,000 names a maker: the report says the rest was not screened
    assert report["warnings"] == [report["summary"]["unscreened"]["reason"]]


def test_components_nested_deep_in_memory_without_recursion_limit():
    """The walk is iterative: a nesting deeper than Python's recursion limit is still read."""
    from bomscan.sources.cyclonedx_json import _walk

    depth = sys.getrecursionlimit() * 3
    out: list = []
    odd = [0]
    _walk(_nested_components(depth)["components"][0], out, odd)
    assert len(out) == depth and odd == [0]
    assert [c.part for c in out[:3]] == ["part-1", "part-2", "part-3"]  # document order


def test_xml_nested_beyond_parser_depth_is_one_line_exit_3(tmp_path):
    path = tmp_path / "deep.cdx.xml"
    depth = 1000
    path.write_text(
        f'<bom xmlns="{NS}" version="1"><components>'
        + '<component type="device"><name>p</name><components>' * depth
        + "</components></component>" * depth
        + "</components></bom>"
    )
    assert_one_line_error(run_bounded(str(path)), path, "not well-formed XML")


def test_xml_nested_assemblies_within_parser_depth_are_read(tmp_path):
    path = tmp_path / "assembly.cdx.xml"
    depth = 100
    path.write_text(
        f'<bom xmlns="{NS}" version="1"><components>'
        + '<component type="device"><name>p</name><supplier><name>Dahua</name></supplier>'
        "<components>" * depth + "</components></component>" * depth + "</components></bom>"
    )
    run = run_bounded(str(path), "-f", "json", "--as-of", "2026-01-01")
    assert run.code == 0, run.stderr
    assert orjson.loads(run.stdout)["summary"]["lines_read"] == depth


# --- a 1 GB single line ------------------------------------------------------------------------


def _sparse(path: Path, head: bytes, size: int, tail: bytes) -> None:
    """A file of ``size`` bytes without writing them: ``head``, a hole (NULs), ``tail``."""
    with open(path, "wb") as fh:
        fh.write(head)
        fh.seek(size - len(tail))
        fh.write(tail)


def test_1gb_single_line_json_refused_before_loading(tmp_path):
    path = tmp_path / "huge.cdx.json"
    _sparse(path, b'{"bomFormat":"CycloneDX","specVersion":"1.6","x":"' + b"a" * 8192, GB, b'"}')
    run = run_bounded(str(path))
    assert_one_line_error(run, path, "limit for a CycloneDX file", "BOMSCAN_MAX_BOM_MB")


def test_1gb_single_line_xml_refused_before_loading(tmp_path):
    path = tmp_path / "huge.cdx.xml"
    _sparse(path, f'<bom xmlns="{NS}"><!--'.encode() + b"a" * 8192, GB, b"--></bom>")
    assert_one_line_error(run_bounded(str(path)), path, "limit for a CycloneDX file")


def test_bom_size_limit_is_configurable(tmp_path):
    path = tmp_path / "small.cdx.json"
    path.write_bytes(orjson.dumps(_nested_components(3)) + b" " * 300_000)
    run = run_bounded(str(path), env={"BOMSCAN_MAX_BOM_MB": "0.1"})
    assert_one_line_error(run, path, "limit")
    run = run_bounded(str(path), "--as-of", "2026-01-01", env={"BOMSCAN_MAX_BOM_MB": "1"})
    assert run.code == 0, run.stderr


def test_1gb_single_line_csv_refused_with_its_line_number(tmp_path):
    """A ledger CSV may legitimately be 1 GB (it is streamed), but not one 1 GB record."""
    path = tmp_path / "huge-line.csv"
    head = b"Supplier,Part,Amount\nHikvision,P1,10\nDahua," + b"x" * 8192
    _sparse(path, head, GB, b",20\nAcme,P3,5\n")
    run = run_bounded(str(path))
    assert_one_line_error(run, f"{path}:3:", "line longer than")


def test_1gb_line_after_the_sampled_head_is_refused_too(tmp_path):
    path = tmp_path / "late-huge-line.csv"
    rows = b"".join(b"Hikvision,P%d,10\n" % i for i in range(50_000))  # > 1 MB head
    head = b"Supplier,Part,Amount\n" + rows + b"Dahua," + b"x" * 8192
    _sparse(path, head, GB, b",20\n")
    run = run_bounded(str(path))
    assert_one_line_error(run, f"{path}:50002:", "line longer than")


# --- binary, empty, not a file ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["data.json", "data.csv", "data.xml", "data.cdx.json"])
def test_binary_data_with_a_text_name(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(os.urandom(4096) + b"\x00" * 64 + os.urandom(1 << 20))
    assert_one_line_error(run_bounded(str(path)), path)


def test_binary_without_nul_bytes_named_csv(tmp_path):
    path = tmp_path / "noise.csv"
    path.write_bytes(bytes(range(0x80, 0x100)) * 4096)
    assert_one_line_error(run_bounded(str(path)), path)


@pytest.mark.parametrize("name,content", [
    ("empty.json", b""), ("empty.csv", b""), ("empty.xml", b""), ("blank.csv", b" \n\r\n\t\n"),
    ("bom-only.json", b"\xef\xbb\xbf"),
])  # fmt: skip
def test_empty_files(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    assert_one_line_error(run_bounded(str(path)), path, "empty")


def test_directory(tmp_path):
    assert_one_line_error(run_bounded(str(tmp_path)), tmp_path, "directory")


def test_path_whose_parent_is_a_file(tmp_path):
    parent = tmp_path / "ledger.csv"
    parent.write_text("Supplier\nAcme\n")
    assert_one_line_error(run_bounded(str(parent / "x.csv")), parent / "x.csv", "cannot read")


def test_dangling_symlink(tmp_path):
    link = tmp_path / "bom.json"
    link.symlink_to(tmp_path / "gone.json")
    assert_one_line_error(run_bounded(str(link)), link, "dangling")


def test_fifo_with_no_writer_does_not_hang(tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    assert_one_line_error(run_bounded(str(fifo)), fifo, "FIFO")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file(tmp_path):
    path = tmp_path / "secret.csv"
    path.write_text("Supplier\nAcme\n")
    path.chmod(0)
    assert_one_line_error(run_bounded(str(path)), path, "cannot read")


def test_missing_file(tmp_path):
    assert_one_line_error(run_bounded(str(tmp_path / "nope.json")), tmp_path / "nope.json")


# --- CSV headers and ragged rows (reader: bomscan/sources/tabular.py) --------------------------


def _report(run: Run) -> dict:
    assert run.code == 0, run.stderr
    return orjson.loads(run.stdout)


def test_csv_duplicate_headers_warn_with_the_header_line(tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text("Title line\nSupplier,Part,Supplier,Amount\nHikvision,P1,Dahua,10\n")
    run = run_bounded(str(path), "-f", "json", "--as-of", "2026-01-01")
    if run.code == 3:
        assert_one_line_error(run, path)
        return
    report = _report(run)
    assert any(f"{path}:2:" in w and "duplicate" in w for w in report["warnings"])
    assert "Hikvision" in {f["value"] for f in report["findings"]}
    assert report["summary"]["lines_read"] == 1


def test_csv_missing_header_warns_with_the_header_line(tmp_path):
    path = tmp_path / "missing.csv"
    path.write_text("Supplier,,Amount\nHikvision,P1,10\n")
    run = run_bounded(str(path), "-f", "json", "--as-of", "2026-01-01")
    if run.code == 3:
        assert_one_line_error(run, path)
        return
    report = _report(run)
    assert any(f"{path}:1:" in w and "no header" in w for w in report["warnings"])
    assert report["summary"]["lines_read"] == 1


def test_csv_ragged_rows_reported_with_line_numbers(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("Supplier,Part,Amount\nHikvision,P1,10\nDahua,P2\nAcme,P3,5,extra\nFoo,P4,1\n")
    run = run_bounded(str(path), "-f", "json", "--as-of", "2026-01-01")
    if run.code == 3:
        assert_one_line_error(run, path, ":3")
        return
    report = _report(run)
    assert report["summary"]["lines_read"] == 4  # no row lost
    text = " ".join(report["warnings"])
    assert "3" in text and "4" in text and str(path) in text, report["warnings"]

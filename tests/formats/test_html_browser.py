"""The HTML report in a real browser: headless Chromium, offline, from a file:// URL.

Checks what a reader would notice: the page paints (non-blank screenshot), every chart has a
size after layout, the visible text has the names, totals and citations, nothing is fetched,
the page does not overflow a phone's width, and hostile names stay text in the live DOM.

Chromium comes from Debian's ``chromium`` package, which ``.ci/run`` installs when missing. Under
CI (``CI`` set) a missing browser fails these tests, so CI cannot pass without them; on a
developer's machine without one they skip with that reason. Set ``BOMSCAN_CHROMIUM`` to use
another binary.

Layout is measured by a copy of the page with a small script appended (the report itself has no
script and a CSP forbidding any): it records each SVG's ``getBoundingClientRect()`` and the
page's ``innerText`` into a ``<pre>``, which ``--dump-dom`` prints.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from test_html_format import EVIL, LEDGER, cli_html, hostile_inputs, pipeline_report

from bomscan.formats import html_format
from bomscan.model import Report

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
    # no network: every host name fails to resolve and any proxy use goes nowhere
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=http://127.0.0.1:9",
]

MEASURE = """<script>
(function () {
  var out = {svgs: [], scripts: document.scripts.length, imgs: document.images.length,
    handlers: document.querySelectorAll('[onerror],[onload],[onclick],[onmouseover]').length,
    resources: performance.getEntriesByType('resource').length,
    scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
    title: document.title, text: document.body.innerText};
  document.querySelectorAll('svg').forEach(function (s) {
    var r = s.getBoundingClientRect();
    out.svgs.push({id: s.id, width: r.width, height: r.height,
                   texts: s.querySelectorAll('text').length});
  });
  var pre = document.createElement('pre');
  pre.id = 'bomscan-measure';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>"""


def _find_chromium() -> str | None:
    for c in (os.environ.get("BOMSCAN_CHROMIUM"), "chromium", "chromium-browser", "chrome"):
        if c and (shutil.which(c) or Path(c).is_file()):
            return shutil.which(c) or c
    return None


@pytest.fixture(scope="module")
def chromium() -> str:
    path = _find_chromium()
    if not path:
        why = (
            "headless Chromium is needed for the HTML report tests and was not found: "
            "install Debian's package (apt-get update && apt-get install -y chromium; .ci/run "
            "does this when it is missing) or set BOMSCAN_CHROMIUM=/path/to/chromium"
        )
        if os.environ.get("CI"):
            pytest.fail(why)
        pytest.skip(why)
    return path


class Browser:
    def __init__(self, exe: str, tmp: Path):
        self.exe, self.tmp, self.n = exe, tmp, 0

    def run(self, page: Path, *args: str, size: str = "1280,2400") -> str:
        self.n += 1
        profile = self.tmp / f"profile-{self.n}"
        cmd = [self.exe, *FLAGS, f"--user-data-dir={profile}", f"--window-size={size}", *args]
        env = {**os.environ, "HOME": str(self.tmp)}
        res = subprocess.run(
            [*cmd, page.resolve().as_uri()], capture_output=True, text=True, timeout=120, env=env
        )
        assert res.returncode == 0, f"chromium exited {res.returncode}: {res.stderr[-2000:]}"
        return res.stdout

    def screenshot(self, page: Path, png: Path, size: str = "1280,2400") -> Path:
        self.run(page, f"--screenshot={png}", size=size)
        assert png.is_file(), "chromium wrote no screenshot"
        return png

    def measure(self, page: Path, size: str = "1280,2400") -> dict:
        """Layout facts of the page, via a copy with the measuring script and no CSP."""
        src = page.read_text("utf-8")
        csp = re.search(r'<meta http-equiv="Content-Security-Policy"[^>]*>\n', src)
        assert csp, "the report has no Content-Security-Policy"
        copy = page.with_name(page.stem + f"-measure-{self.n}.html")
        copy.write_text(
            src.replace(csp.group(0), "").replace("</body>", MEASURE + "\n</body>"), "utf-8"
        )
        dom = self.run(copy, "--dump-dom", "--virtual-time-budget=5000", size=size)
        m = re.search(r'<pre id="bomscan-measure">(.*?)</pre>', dom, flags=re.S)
        assert m, "measuring script did not run: " + dom[-500:]
        return json.loads(html.unescape(m.group(1)))


@pytest.fixture
def browser(chromium, tmp_path) -> Browser:
    return Browser(chromium, tmp_path)


def _unfilter(f: int, line: bytearray, prev: bytearray, bpp: int) -> bytearray:
    """One PNG row with its filter ``f`` (0-4) undone, given the previous row."""
    stride = len(line)
    if f == 1:
        for x in range(bpp, stride):
            line[x] = (line[x] + line[x - bpp]) & 255
    elif f == 2:  # bytewise add without carries, on the whole row at once
        lo7 = int.from_bytes(b"\x7f" * stride, "big")
        hi1 = int.from_bytes(b"\x80" * stride, "big")
        a, b = int.from_bytes(line, "big"), int.from_bytes(prev, "big")
        line = bytearray((((a & lo7) + (b & lo7)) ^ ((a ^ b) & hi1)).to_bytes(stride, "big"))
    elif f == 3:
        for x in range(stride):
            left = line[x - bpp] if x >= bpp else 0
            line[x] = (line[x] + ((left + prev[x]) >> 1)) & 255
    elif f == 4:
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    return line


def png_summary(path: Path) -> tuple[int, int, int, float]:
    """(width, height, distinct colours, share of non-white pixels) of an 8-bit RGB(A) PNG.

    A small pure-Python decoder (zlib + the five PNG row filters), so the test needs no imaging
    library.
    """
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, []
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
    assert depth == 8 and ctype in (2, 6) and interlace == 0, (depth, ctype, interlace)
    bpp = 3 if ctype == 2 else 4
    stride = width * bpp
    raw = zlib.decompress(b"".join(idat))
    prev = bytearray(stride)
    colours: set[bytes] = set()
    non_white = 0
    white = b"\xff" * bpp
    for y in range(height):
        i = y * (stride + 1)
        line = _unfilter(raw[i], bytearray(raw[i + 1 : i + 1 + stride]), prev, bpp)
        row = bytes(line)
        pixels = {row[k : k + bpp] for k in range(0, stride, bpp)}
        colours |= pixels
        if pixels != {white}:
            non_white += sum(1 for k in range(0, stride, bpp * 8) if row[k : k + bpp] != white)
        prev = line
    return width, height, len(colours), non_white / (height * width / 8)


def _render(tmp_path: Path, name: str, report: Report) -> Path:
    page = tmp_path / name
    page.write_text(html_format.render(report, None), "utf-8")
    return page


@pytest.mark.parametrize("fx", [False, True], ids=["mixed-currencies", "converted-usd"])
def test_example_ledger_in_chromium(browser, tmp_path, fx):
    report = pipeline_report(LEDGER, fx=fx)
    page = _render(tmp_path, "report.html", report)

    w, h, colours, inked = png_summary(browser.screenshot(page, tmp_path / "shot.png"))
    assert (w, h) == (1280, 2400)
    assert colours > 50, f"screenshot looks blank: {colours} colours"
    assert inked > 0.05, f"screenshot is almost all white ({inked:.1%} inked)"

    m = browser.measure(page)
    n_svgs = page.read_text("utf-8").count("<svg ")
    # the example is dated: a bar chart per currency plus one time chart per exposure
    assert len(m["svgs"]) == n_svgs >= 1 + len(report.exposures)
    for svg in m["svgs"]:
        assert svg["width"] > 100 and svg["height"] > 50, svg
        assert svg["texts"] > 3, svg  # labelled with text, not only shapes
    assert m["scripts"] == 1 and m["imgs"] == 0  # 1 = the measuring script
    assert m["resources"] == 0, "the page fetched something"
    assert m["title"].startswith("bomscan exposure report")

    text = m["text"]
    for e in report.exposures:
        assert e.entity.name in text
        assert f"{e.spend:,.2f}" in text
        for listing in e.entity.listings:
            assert listing.citation in text
    for x in report.lists:
        assert x.legal_basis in text
    for f in report.findings:
        assert f"procurement-ledger.csv:{f.locator.line}" in text
    s = report.summary
    if fx:
        assert f"{s.total_spend:,.2f} USD" in text
        assert f"{s.exposed_spend:,.2f} USD" in text
    else:
        for b in s.by_currency:
            assert f"{b.exposed_spend:,.2f} {b.currency}" in text
        assert "nothing is summed across currencies" in text


def test_fits_a_phone_screen(browser, tmp_path):
    page = _render(tmp_path, "report.html", pipeline_report(LEDGER, fx=True))
    m = browser.measure(page, size="390,844")
    # wide tables scroll inside their box; the page itself never scrolls sideways
    assert m["scrollWidth"] <= m["innerWidth"], (m["scrollWidth"], m["innerWidth"])
    for svg in m["svgs"]:
        assert 0 < svg["width"] <= m["innerWidth"] and svg["height"] > 0, svg


def test_hostile_names_stay_text_in_the_browser(browser, tmp_path):
    page = tmp_path / "hostile.html"
    page.write_text(cli_html(tmp_path, *hostile_inputs(tmp_path)), "utf-8")

    # as shipped (with its CSP): the DOM has no element the names could have injected
    dom = browser.run(page, "--dump-dom", "--virtual-time-budget=3000")
    low = dom.lower()
    assert "<body" in low
    assert "<script" not in low and "<img" not in low and "<b>" not in low
    assert html.escape(EVIL, quote=False) in dom

    # without the CSP, where an unescaped payload would run: still nothing but our own script
    m = browser.measure(page)
    assert m["scripts"] == 1 and m["imgs"] == 0 and m["handlers"] == 0
    assert m["title"].startswith("bomscan exposure report")
    assert EVIL in m["text"]  # shown as text, exactly as written
    assert all(s["width"] > 0 and s["height"] > 0 for s in m["svgs"])

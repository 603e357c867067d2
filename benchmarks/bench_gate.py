"""Pre-merge gate speed: `bomscan report` on the example BOM with the gate and SARIF, against a
process that only imports polars, rapidfuzz and click, both measured here in the same run.

Target (issue 5): ratio <= 1.5. Prints medians of several repetitions and the ratio.

    python benchmarks/bench_gate.py [--reps 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GATE = [
    sys.executable,
    "-m",
    "bomscan",
    "report",
    "examples/camera-hbom.csv",
    "--fail-on",
    "any",
    "--format",
    "sarif",
]
BASE = [sys.executable, "-c", "import polars, rapidfuzz, click"]


def wall(cmd: list[str], expect: set[int]) -> float:
    t0 = time.perf_counter()
    p = subprocess.run(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    dt = time.perf_counter() - t0
    if p.returncode not in expect:
        sys.exit(f"{' '.join(cmd)} exited {p.returncode}: {p.stderr.decode()[-500:]}")
    return dt


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=7)
    reps = ap.parse_args().reps
    # byte-compile as an install would (see bench_report.py)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "bomscan")], check=True)
    wall(GATE, {1})  # warm the OS cache and the rules cache once
    wall(BASE, {0})
    gate, base = [], []
    for _ in range(reps):  # interleaved, so load changes hit both alike
        base.append(wall(BASE, {0}))
        gate.append(wall(GATE, {1}))  # the example BOM has listed parts: the gate fails (1)
    g, b = statistics.median(gate), statistics.median(base)
    print(f"import polars+rapidfuzz+click: median {b:.3f} s (min {min(base):.3f})")
    print(f"bomscan report --fail-on any --format sarif: median {g:.3f} s (min {min(gate):.3f})")
    print(f"ratio (median): {g / b:.2f}  [target <= 1.5]")
    print(f"ratio (min):    {min(gate) / min(base):.2f}")


if __name__ == "__main__":
    main()

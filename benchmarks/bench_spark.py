"""Spark benchmark (issue 20): ``bomscan report --engine spark`` on a 5,000,000-row Parquet
ledger against a bare Spark job on the same file, and the embedded engine on it, in one run.

The bare job is what any Spark user would write to total the ledger: ``spark.read.parquet(F)
.groupBy(vendor, currency).agg(sum(amount)).collect()``, in a fresh Python process with a fresh
``local[2]`` session (JVM start included, as for bomscan). Each round runs the three commands
back to back (rotating their order); the verdict is the median round's ratio of the Spark
engine to the bare job (target <= 2.0x). The reports of the two engines are compared first:
exposures, totals, per-currency figures and the number of findings must be equal, and
``bomscan.spark.screen`` must return as many matched rows as there are findings.

    python benchmarks/bench_spark.py                    # 5M rows, 3 rounds (a few minutes)
    python benchmarks/bench_spark.py --rows 200000 --repeat 1

Needs ``pip install '.[spark]'`` and Java 17+.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET = 2.0

BARE = """
import os, sys
os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
from pyspark.sql import SparkSession, functions as F
spark = (SparkSession.builder.master("local[2]").appName("bare")
         .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
         .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
         .config("spark.sql.shuffle.partitions", "8").getOrCreate())
rows = (spark.read.parquet(sys.argv[1]).groupBy("Vendor Name", "Currency")
        .agg(F.sum("Amount")).collect())
print(len(rows))
"""


def generate(path: Path, rows: int) -> None:
    """The ledger of bench_ledger.py (50,000 vendors, 6 of them listed), in three currencies,
    as Parquet with a numeric amount and a date column."""
    import polars as pl

    sys.path.insert(0, str(REPO / "benchmarks"))
    from bench_ledger import generate as generate_csv

    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "ledger.csv"
        generate_csv(csv, rows, 50_000)
        (
            pl.scan_csv(csv)
            .with_columns(
                pl.col("Posting Date").str.to_date(),
                pl.lit(pl.Series(["USD", "EUR", "GBP"]))
                .gather(pl.int_range(pl.len()) % 3)
                .alias("Currency"),
            )
            .sink_parquet(path)
        )


SCREEN = """
import sys
from datetime import date
from bomscan import spark as bs
from bomscan.sources.spark import session
df = session("local[2]").read.parquet(sys.argv[1])
print(bs.screen(df, vendor="Vendor Name", date="Posting Date", as_of=date.fromisoformat(sys.argv[2])).count())
"""


def timed(cmd: list[str], env: dict) -> float:
    t = time.perf_counter()
    p = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if p.returncode != 0:
        raise SystemExit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr[-2000:]}")
    return wall


def compare(path: Path, env: dict) -> int:
    """Run both engines once with JSON output; fail unless their reports agree. The number
    of findings."""
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for engine in ("polars", "spark"):
            dest = Path(tmp) / f"{engine}.json"
            cmd = [sys.executable, "-m", "bomscan", "-q", "report", str(path), "--engine", engine]
            cmd += ["--spark-master", "local[2]", "-f", "json", "-o", str(dest)]
            timed(cmd, env)
            out[engine] = json.loads(dest.read_text())
    a, b = out["polars"], out["spark"]
    for key in ("summary", "exposures"):
        if a[key] != b[key]:
            raise SystemExit(f"the engines' reports differ in {key}")
    if len(a["findings"]) != len(b["findings"]):
        raise SystemExit("the engines' reports differ in their number of findings")
    as_of = a["parameters"]["as_of"]
    p = subprocess.run(
        [sys.executable, "-c", SCREEN, str(path), as_of], cwd=REPO, env=env, capture_output=True,
        text=True, check=True,
    )  # fmt: skip
    screened = int(p.stdout.strip().splitlines()[-1])
    if screened != len(a["findings"]):
        raise SystemExit(
            f"bomscan.spark.screen gave {screened} rows, the report {len(a['findings'])}"
        )
    return len(a["findings"])


def main() -> None:
    """Generate (or reuse) the ledger, check the engines agree, time the rounds, print."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=5_000_000)
    ap.add_argument("--repeat", type=int, default=3, help="rounds (median ratio)")
    ap.add_argument("--keep", help="write the Parquet file here and keep it (reused)")
    args = ap.parse_args()
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "bomscan")], check=True)
    env = {**os.environ, "PYTHONPATH": str(REPO), "SPARK_LOCAL_IP": "127.0.0.1"}
    tmp = None
    if args.keep:
        path = Path(args.keep).resolve()
    else:
        tmp = tempfile.TemporaryDirectory(prefix="bomscan-spark-")
        path = Path(tmp.name) / "ledger.parquet"
    try:
        if not path.exists():
            generate(path, args.rows)
        findings = compare(path, env)
        bare = [sys.executable, "-c", BARE, str(path)]
        tool = [sys.executable, "-m", "bomscan", "-q", "report", str(path), "--engine", "spark"]
        tool += ["--spark-master", "local[2]", "-f", "json", "-o", os.devnull]
        embedded = [sys.executable, "-m", "bomscan", "-q", "report", str(path), "-f", "json"]
        embedded += ["-o", os.devnull]
        cmds = {"bare": bare, "spark": tool, "embedded": embedded}
        rounds = []
        for i in range(args.repeat):
            order = list(cmds)[i % 3 :] + list(cmds)[: i % 3]
            rounds.append({name: timed(cmds[name], env) for name in order})
        ratios = [r["spark"] / r["bare"] for r in rounds]
        ratio = statistics.median(ratios)
        print(f"rows:                 {args.rows:,} (Parquet, {path.stat().st_size / 1e6:.0f} MB)")
        print(f"reports equal:        yes (summary, exposures, {findings:,} findings each)")
        print(f"screen():             {findings:,} matched rows (every finding's row)")
        for name in cmds:
            walls = [r[name] for r in rounds]
            print(
                f"{name + ':':22}{min(walls):.2f} s best, rounds "
                + " ".join(f"{w:.2f}" for w in walls)
            )
        print("per-round ratios:     " + " ".join(f"{x:.2f}" for x in ratios))
        print(f"spark engine / bare:  {ratio:.2f}x median (target <= {TARGET}x)")
        print("within target" if ratio <= TARGET else "OVER TARGET")
    finally:
        if tmp is not None:
            tmp.cleanup()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Time `cited` on hostile or pathological input, one case per file.

    python3 bench/hostile.py [--bin target/release/cited] [--only NAME] [--runs N]

Each case is a module `bench/hostile/<name>.py` with:

    DESCRIPTION = "one line: what the input is"
    def make(site: pathlib.Path) -> list[str]:
        # `site` is a fresh copy of tests/fixtures/valid; change it as the
        # case needs and return the cited arguments to time (e.g. ["check"]).

The runner copies the fixture, calls `make`, then runs the command through
bench/measure.py (wall time, peak RSS, exit code) `--runs` times and prints
the median wall time and the largest peak RSS. Cases that cited must refuse
are expected to exit 1; the figure that matters is that they finish fast and
small. Nothing here asserts a time: the figures are printed for the reader.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent


def load_cases(only: str | None):
    cases = []
    for path in sorted((ROOT / "bench" / "hostile").glob("*.py")):
        if only and path.stem != only:
            continue
        spec = importlib.util.spec_from_file_location(f"hostile_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        cases.append((path.stem, module))
    return cases


def measure(binary: str, site: pathlib.Path, args: list[str]) -> dict:
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "measure.py"), "--json", "--log", os.devnull, "--",
         binary, "--root", str(site), *args],
        capture_output=True, text=True, check=False,
    )
    return json.loads(out.stdout)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", default=str(ROOT / "target" / "release" / "cited"))
    ap.add_argument("--only", help="run only the case of this name")
    ap.add_argument("--runs", type=int, default=3)
    opts = ap.parse_args()
    if not pathlib.Path(opts.bin).exists():
        print(f"no binary at {opts.bin}: run `cargo build --release` first", file=sys.stderr)
        return 2
    print(f"nproc: {os.cpu_count()}  load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'case':<28} {'median wall':>12} {'peak RSS':>10} {'exit':>5}  input")
    for name, case in load_cases(opts.only):
        with tempfile.TemporaryDirectory(prefix=f"cited-hostile-{name}-") as temp:
            site = pathlib.Path(temp) / "site"
            shutil.copytree(ROOT / "tests" / "fixtures" / "valid", site)
            args = case.make(site)
            runs = [measure(opts.bin, site, args) for _ in range(opts.runs)]
        wall = statistics.median(r["wall_s"] for r in runs)
        rss = max(r["maxrss_kb"] for r in runs) / 1024
        codes = sorted({r["rc"] for r in runs})
        print(f"{name:<28} {wall:>10.3f} s {rss:>7.0f} MB {','.join(map(str, codes)):>5}  {case.DESCRIPTION}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Run one command and report its wall time and peak memory.

    python3 bench/measure.py [--log FILE] [--json] -- CMD [ARG...]

Wall time comes from time.perf_counter() around the child; peak memory is
the child's maximum resident set size from
resource.getrusage(RUSAGE_CHILDREN).ru_maxrss (kilobytes on Linux). This
process starts exactly one child, so that figure is the child's own (or the
largest of its own children, if it spawns any).

Caveat: Linux carries the pre-exec high-water mark over exec, and Python
starts the child with vfork, so the figure has a floor of this wrapper's own
RSS (~14 MB; measure `true` to see it). It errs on the high side.

The child's stdout and stderr go to --log (default: inherited). Prints one
line to stdout, e.g.

    wall_s=0.8123 maxrss_kb=123456 cpu_s=1.2345 rc=0

(cpu_s: the child's user + system CPU time.)
or the same as JSON with --json. Exits with the child's exit code (128+N if
it was killed by signal N).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--log", help="file for the child's stdout and stderr")
    ap.add_argument("--json", action="store_true", help="print JSON")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd[:1] == ["--"] else a.cmd
    if not cmd:
        ap.error("no command given")

    log = open(a.log, "wb") if a.log else None
    try:
        t0 = time.perf_counter()
        try:
            p = subprocess.run(cmd, stdout=log, stderr=log)
        except OSError as e:
            print(f"measure.py: cannot run {cmd[0]}: {e}", file=sys.stderr)
            return 127
        wall = time.perf_counter() - t0
    finally:
        if log:
            log.close()
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    rss_kb = ru.ru_maxrss
    cpu = ru.ru_utime + ru.ru_stime
    rc = p.returncode if p.returncode >= 0 else 128 - p.returncode
    if a.json:
        print(json.dumps({"wall_s": round(wall, 6), "maxrss_kb": rss_kb,
                          "cpu_s": round(cpu, 6), "rc": rc}))
    else:
        print(f"wall_s={wall:.4f} maxrss_kb={rss_kb} cpu_s={cpu:.4f} rc={rc}")
    return rc


if __name__ == "__main__":
    sys.exit(main())

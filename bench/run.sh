#!/usr/bin/env bash
# Benchmark `cited build` on synthetic sites.
#
#   bench/run.sh [--check] [--runs N] [--sizes "1000 10000"] [--seed S] [--strict] [--wait-idle]
#   bench/run.sh --peers [--peers-100k] [...]    the whole benchmark: bench/compare.py
#
#   --peers    run bench/compare.py instead, with the other options: cited
#              against Hugo (installed into bench/.venv when missing) in
#              interleaved runs, check, no-change rebuild, edit latencies;
#              see `bench/compare.py --help` for its own options
#   --check    also time `cited check` on each site
#   --runs N   timed runs per size after the warm-up (default 3)
#   --sizes    question counts to benchmark (default "1000 10000")
#   --seed S   generator seed (default 1)
#   --strict   exit 1 if a target is missed (default: only report it)
#   --wait-idle  before each size, wait (up to 10 min) until other processes
#              use under 10% of the CPUs, so a concurrent compile does not
#              skew the figures
#
# Builds target/release/cited, generates each site into $BENCH_DIR
# (default /dev/shm) as cited-bench-N (regenerated only if missing or if
# bench/generate.py, N or the seed changed), then runs
#   cited build --root SITE --out $BENCH_DIR/cited-bench-out-N
# once as a warm-up and N more times, each into an empty output folder, and
# prints best and median wall time, pages per second (index.html files
# written / median wall time) and peak RSS, measured by bench/measure.py.
# Exits non-zero if the binary does not compile or a build fails, after
# showing the first lines of the diagnostics.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD

for arg in "$@"; do
    if [ "$arg" = --peers ]; then
        rest=()
        for a in "$@"; do [ "$a" = --peers ] || rest+=("$a"); done
        exec python3 "$ROOT/bench/compare.py" "${rest[@]}"
    fi
done
BENCH_DIR=${BENCH_DIR:-/dev/shm}
RUNS=3
SIZES="1000 10000"
SEED=1
CHECK=0
STRICT=0
WAIT_IDLE=0
# Targets (for 10,000 questions)
TARGET_N=10000
TARGET_WALL_S=1.5
TARGET_RSS_MB=300

while [ $# -gt 0 ]; do
    case "$1" in
        --check) CHECK=1 ;;
        --strict) STRICT=1 ;;
        --wait-idle) WAIT_IDLE=1 ;;
        --runs) RUNS=$2; shift ;;
        --sizes) SIZES=$2; shift ;;
        --seed) SEED=$2; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
    esac
    shift
done

BIN=$ROOT/target/release/cited
GEN=$ROOT/bench/generate.py
MEASURE=$ROOT/bench/measure.py
LOGDIR=$(mktemp -d "${TMPDIR:-/tmp}/cited-bench-logs.XXXXXX")
MISSED=0

# First lines of a diagnostics log, without cargo's progress noise.
show_log() {
    local log=$1 n=${2:-40}
    echo "---- first lines of $log ----" >&2
    grep -v -E '^\s*(Compiling|Checking|Downloaded|Downloading|Updating|Locking|Adding|Blocking) ' "$log" \
        | head -n "$n" >&2 || true
    local total
    total=$(wc -l <"$log")
    echo "---- ($total lines in all) ----" >&2
}

echo "== cited benchmark"
echo "nproc: $(nproc)"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //' || echo unknown)"
echo "rustc: $(rustc --version 2>/dev/null || echo unknown)"
FLOOR_KB=$(python3 "$ROOT/bench/measure.py" -- true | sed -E 's/.*maxrss_kb=([0-9]+).*/\1/')
echo "peak RSS floor of the wrapper ('true' measured by measure.py, included in every figure): $((FLOOR_KB / 1024)) MB"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
if python3 -c "import os, sys; sys.exit(0 if os.getloadavg()[0] > 0.5 * os.cpu_count() else 1)"; then
    echo "WARNING: the machine is busy (load average above half the cores): timings will be noisy"
fi
echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo none)$(git diff --quiet HEAD -- src 2>/dev/null || echo ' (src modified)')"
echo

echo "== cargo build --release"
if ! cargo build --release >"$LOGDIR/cargo.log" 2>&1; then
    echo "cargo build --release FAILED" >&2
    if grep -q '^error' "$LOGDIR/cargo.log"; then
        # from the first error on (warnings come first and can fill a screen)
        echo "---- first error of $LOGDIR/cargo.log ----" >&2
        sed -n '/^error/,$p' "$LOGDIR/cargo.log" | head -n 60 >&2
        echo "---- ($(grep -c '^error' "$LOGDIR/cargo.log") error lines in all) ----" >&2
    else
        show_log "$LOGDIR/cargo.log" 60
    fi
    exit 1
fi
tail -n 1 "$LOGDIR/cargo.log"
if [ ! -x "$BIN" ]; then
    echo "no binary at $BIN after cargo build" >&2
    exit 1
fi
echo

GEN_HASH=$( (sha256sum "$GEN" | cut -d' ' -f1) )

# stats FILE: lines of "wall_s=.. maxrss_kb=.. cpu_s=.. rc=.."
#   -> "best_wall median_wall peak_rss_mb median_cpu"
stats() {
    python3 - "$1" <<'EOF'
import re, statistics, sys
walls, rss, cpu = [], [], []
for line in open(sys.argv[1]):
    m = re.search(r"wall_s=([\d.]+) maxrss_kb=(\d+) cpu_s=([\d.]+)", line)
    if m:
        walls.append(float(m.group(1))); rss.append(int(m.group(2)))
        cpu.append(float(m.group(3)))
print(f"{min(walls):.3f} {statistics.median(walls):.3f} {max(rss) / 1024:.1f} "
      f"{statistics.median(cpu):.2f}")
EOF
}

# Fraction of all CPUs busy over the next 2 seconds (from /proc/stat).
cpu_busy() {
    python3 - <<'EOF'
import time
def snap():
    f = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    return sum(f), f[3] + f[4]          # total, idle + iowait
t0, i0 = snap(); time.sleep(2); t1, i1 = snap()
print(f"{1 - (i1 - i0) / max(1, t1 - t0):.2f}")
EOF
}

wait_idle() {
    [ "$WAIT_IDLE" = 1 ] || return 0
    local deadline=$((SECONDS + 600)) busy
    while :; do
        busy=$(cpu_busy)
        if python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) < 0.10 else 1)" "$busy"; then
            echo "machine idle (CPU busy $busy)"
            return 0
        fi
        if [ $SECONDS -ge $deadline ]; then
            echo "WARNING: still busy after 10 minutes (CPU busy $busy); measuring anyway"
            return 0
        fi
        echo "waiting for an idle machine (CPU busy $busy)..."
        sleep 10
    done
}

verdict() { # value target -> "ok" / "MISSED"
    python3 -c "import sys; print('ok' if float(sys.argv[1]) < float(sys.argv[2]) else 'MISSED')" "$1" "$2"
}

SUMMARY=""
for N in $SIZES; do
    SITE=$BENCH_DIR/cited-bench-$N
    OUT=$BENCH_DIR/cited-bench-out-$N
    STAMP="generate.py=$GEN_HASH n=$N seed=$SEED"
    echo "== $N questions ($SITE)"
    if [ ! -f "$SITE/.bench-stamp" ] || [ "$(cat "$SITE/.bench-stamp")" != "$STAMP" ]; then
        # generate beside it, then swap, so that a failed or interrupted
        # generation never leaves a half-written site behind
        rm -rf "$SITE.new" "$SITE.old"
        t0=$(date +%s.%N)
        if ! python3 "$GEN" "$N" "$SITE.new" --seed "$SEED"; then
            echo "bench/generate.py failed" >&2
            rm -rf "$SITE.new"
            exit 1
        fi
        echo "$STAMP" >"$SITE.new/.bench-stamp"
        if [ -e "$SITE" ]; then mv "$SITE" "$SITE.old"; fi
        mv "$SITE.new" "$SITE"
        rm -rf "$SITE.old"
        echo "generated in $(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$t0" "$(date +%s.%N)") s ($(du -sh "$SITE/content" | cut -f1))"
    else
        echo "site up to date (delete $SITE to regenerate)"
    fi

    wait_idle
    # warm-up: also tells whether the site builds at all
    rm -rf "$OUT"
    if ! python3 "$MEASURE" --log "$LOGDIR/build-$N.log" -- \
            "$BIN" build --root "$SITE" --out "$OUT" >"$LOGDIR/warmup-$N.txt"; then
        echo "cited build FAILED on $SITE ($(cat "$LOGDIR/warmup-$N.txt"))" >&2
        show_log "$LOGDIR/build-$N.log" 40
        exit 1
    fi
    echo "warm-up: $(cat "$LOGDIR/warmup-$N.txt")"
    echo "  cited says: $(tail -n 1 "$LOGDIR/build-$N.log") ($(wc -l <"$LOGDIR/build-$N.log") lines of output)"
    ndiag=$(grep -c -E '^(warning|error)' "$LOGDIR/build-$N.log" || true)
    if [ "$ndiag" -gt 0 ]; then
        echo "  $ndiag diagnostics; by kind:"
        grep -E '^(warning|error)' "$LOGDIR/build-$N.log" | sed -E 's/:.*//' | sort | uniq -c | sort -rn | head -5 | sed 's/^/  /'
    fi

    : >"$LOGDIR/runs-$N.txt"
    for i in $(seq 1 "$RUNS"); do
        rm -rf "$OUT"
        if ! python3 "$MEASURE" --log "$LOGDIR/build-$N.log" -- \
                "$BIN" build --root "$SITE" --out "$OUT" >>"$LOGDIR/runs-$N.txt"; then
            echo "cited build FAILED on run $i" >&2
            show_log "$LOGDIR/build-$N.log" 40
            exit 1
        fi
    done
    if [ ! -d "$OUT" ]; then
        echo "cited build exited 0 but wrote no $OUT" >&2
        show_log "$LOGDIR/build-$N.log" 40
        exit 1
    fi
    PAGES=$(find "$OUT" -name index.html | wc -l)
    read -r BEST MEDIAN RSS CPU < <(stats "$LOGDIR/runs-$N.txt")
    PPS=$(python3 -c "import sys; print(f'{int(sys.argv[1]) / float(sys.argv[2]):,.0f}')" "$PAGES" "$MEDIAN")
    echo "runs: $(tr '\n' ' ' <"$LOGDIR/runs-$N.txt")"
    line="build  $(printf '%6d' "$N") questions: best ${BEST} s, median ${MEDIAN} s, ${PAGES} pages, ${PPS} pages/s, peak RSS ${RSS} MB, CPU ${CPU} s"
    if [ "$N" = "$TARGET_N" ]; then
        v1=$(verdict "$MEDIAN" "$TARGET_WALL_S"); v2=$(verdict "$RSS" "$TARGET_RSS_MB")
        line="$line   [target: < ${TARGET_WALL_S} s: $v1; < ${TARGET_RSS_MB} MB: $v2]"
        if [ "$v1" != ok ] || [ "$v2" != ok ]; then MISSED=1; fi
    fi
    echo "$line"
    SUMMARY="$SUMMARY$line"$'\n'

    if [ "$CHECK" = 1 ]; then
        : >"$LOGDIR/check-runs-$N.txt"
        for i in $(seq 0 "$RUNS"); do   # run 0 is the warm-up
            if ! python3 "$MEASURE" --log "$LOGDIR/check-$N.log" -- \
                    "$BIN" check --root "$SITE" >"$LOGDIR/check-one-$N.txt"; then
                echo "cited check FAILED ($(cat "$LOGDIR/check-one-$N.txt"))" >&2
                show_log "$LOGDIR/check-$N.log" 40
                exit 1
            fi
            [ "$i" = 0 ] || cat "$LOGDIR/check-one-$N.txt" >>"$LOGDIR/check-runs-$N.txt"
        done
        read -r CBEST CMEDIAN CRSS CCPU < <(stats "$LOGDIR/check-runs-$N.txt")
        line="check  $(printf '%6d' "$N") questions: best ${CBEST} s, median ${CMEDIAN} s, peak RSS ${CRSS} MB, CPU ${CCPU} s"
        echo "$line"
        SUMMARY="$SUMMARY$line"$'\n'
    fi
    echo
done

echo "== summary (nproc $(nproc); targets: $TARGET_N questions in < ${TARGET_WALL_S} s and < ${TARGET_RSS_MB} MB peak)"
printf '%s' "$SUMMARY"
echo "load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "logs: $LOGDIR"
if [ "$STRICT" = 1 ] && [ "$MISSED" = 1 ]; then
    exit 1
fi

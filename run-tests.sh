#!/usr/bin/env bash
# Every test of cited, as CI runs it: formatting, lints, the Rust tests
# (unit, engine, content coverage, search, serve) and the browser suite
# (which installs Chromium and its npm packages when they are missing).
set -euo pipefail
cd "$(dirname "$0")"

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --check

step "cargo clippy (warnings are errors)"
cargo clippy --release --all-targets -- -D warnings

step "cargo test"
cargo test --release

step "browser suite (headless Chromium)"
bash tests/browser/run.sh

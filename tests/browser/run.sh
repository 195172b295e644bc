#!/usr/bin/env bash
# The browser test suite: builds the bundled site and checks every kind of
# page in headless Chromium (accessibility, keyboard, print, links, CSP,
# search). Installs what it needs when missing: Debian's chromium (apt) and
# the pinned npm packages (npm ci; never a browser download).
#
#   bash tests/browser/run.sh            from anywhere in the repository
#   SITE_DIR=DIR bash tests/browser/run.sh   test an already built site instead
#
# The closing lines are node's test runner summary; exits non-zero on any failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

# 1. The browser: Debian's chromium.
if [ ! -x "$CHROMIUM" ]; then
  echo "browser tests: installing chromium (apt)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
fi

# 2. The npm packages, pinned by package-lock.json. Playwright never downloads a browser.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
if [ ! -d "$here/node_modules/playwright-core" ] || [ ! -d "$here/node_modules/@axe-core/playwright" ]; then
  echo "browser tests: installing npm packages" >&2
  if [ -f "$here/package-lock.json" ]; then
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
  else
    (cd "$here" && npm install --no-audit --no-fund --loglevel=error)
  fi
fi

# 3. The site: the release binary (cargo only rebuilds what changed) and the bundled site.
if [ -z "${SITE_DIR:-}" ]; then
  (cd "$repo" && cargo build --release --quiet --bin cited)
  work="$(mktemp -d "${TMPDIR:-/tmp}/cited-browser.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  "$repo/target/release/cited" build --root "$repo" --out "$work/site" >&2
  export SITE_DIR="$work/site"
fi

# 4. The specs, with node's own test runner, one file at a time (the machine is small).
# Not `exec`: the trap above must still remove the built site afterwards.
cd "$repo"
node --test --test-concurrency=1 tests/browser/*.spec.mjs
# 5. The pages spec again on the test fixture, whose content has what the
# bundled site does not yet: reviewers' pages and care cards.
if [ -z "${SKIP_FIXTURE:-}" ]; then
  fixture_out="$(mktemp -d "${TMPDIR:-/tmp}/cited-browser-fixture.XXXXXX")"
  "$repo/target/release/cited" build --root "$repo/tests/fixtures/valid" --out "$fixture_out/site" >&2
  SITE_DIR="$fixture_out/site" node --test --test-concurrency=1 tests/browser/pages.spec.mjs \
    || { rm -rf "$fixture_out"; exit 1; }
  rm -rf "$fixture_out"
fi

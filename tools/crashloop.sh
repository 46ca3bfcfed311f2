#!/bin/sh
# The long crash loop (issue 6): a real `pledger serve` under 8 concurrent
# HTTP appenders, SIGKILLed at random moments KILLS times (default 60) and
# restarted; after every kill each acknowledged receipt must be in the log
# with its hash and `pledger verify` must pass, and after every restart the
# live views must equal a rebuild. CI runs the same test with 4 kills.
#
#   tools/crashloop.sh [KILLS] [SEED]
set -eu
cd "$(dirname "$0")/.."
PLEDGER_CRASH_KILLS="${1:-60}" PLEDGER_CRASH_SEED="${2:-$(date +%s)}" \
  cargo test --release --test server_crash -- --nocapture

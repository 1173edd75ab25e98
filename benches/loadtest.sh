#!/usr/bin/env bash
# Load test of the release `ember` binary on loopback with wrk: GET / and GET /sparkpi?scale=2,
# each for a bounded time, reporting requests/s, latency percentiles, errors and the server's
# memory before and after. The server runs as a user starts it (default RUST_LOG=info, one log
# line per request, stderr to a file). Usage: benches/loadtest.sh [seconds per run, default 30]
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-30}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ember-target}"

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing wrk (apt-get install -y wrk)" >&2
    apt-get update -qq >/dev/null && apt-get install -y -qq wrk >/dev/null
  else
    echo "skipped: wrk is not installed; run: apt-get update && apt-get install -y wrk" >&2
    exit 0
  fi
fi

# EMBER_BIN=path runs that binary instead (e.g. one built from an older commit, for a before/after).
if [ -n "${EMBER_BIN:-}" ]; then
  bin="$EMBER_BIN"
else
  # `--workspace` keeps feature resolution identical to the tests and benches (no DataFusion
  # rebuild). EMBER_PROFILE=bench reuses what `cargo bench` built (same settings as release).
  cargo build --profile "${EMBER_PROFILE:-release}" --locked --workspace --bin ember
  bin="$CARGO_TARGET_DIR/release/ember"
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# As a user starts it: the default log level (info, one line per request), stderr to a file.
log="$(mktemp -t ember-loadtest.XXXXXX.log)"
env -u RUST_LOG EMBER_HOST=127.0.0.1 PORT="$port" EMBER_MAX_QUEUE=1024 "$bin" serve 2>"$log" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
rss() { awk '/VmRSS/ {print $2 " kB"}' "/proc/$pid/status"; }
echo "server pid $pid on 127.0.0.1:$port; RSS at start: $(rss)"
echo "== GET / (${secs}s, 2 threads, 64 connections)"
wrk -t2 -c64 -d"${secs}s" --latency "http://127.0.0.1:$port/"
echo "RSS after /: $(rss)"
for conns in 2 8; do
  echo "== GET /sparkpi?scale=2 (${secs}s, $conns connections: 2 = one per core, 8 = saturated)"
  wrk -t2 -c"$conns" -d"${secs}s" --latency "http://127.0.0.1:$port/sparkpi?scale=2"
done
echo "RSS after /sparkpi: $(rss)"
curl -fsS "http://127.0.0.1:$port/metrics" | grep -E '^ember_(http_requests_total|pi_jobs_total)' || true
echo "request log: $(wc -l <"$log") lines in $log"

#!/usr/bin/env bash
# Soak test of `ember livy-server` (issue 16): starts it on loopback, runs the `livy_soak`
# example against it (64 clients of small sql statements by default) and prints RSS and threads
# every second, then a summary.
#   scripts/livy-soak.sh [SECONDS=120] [CLIENTS=64] [MAX_STATEMENTS=1000000] [SESSIONS=8]
# Builds in the profile of $PROFILE (default dev; `PROFILE=release` for release figures).
set -euo pipefail
seconds=${1:-120}
clients=${2:-64}
max=${3:-1000000}
sessions=${4:-8}
profile=${PROFILE:-dev}
cd "$(dirname "$0")/.."
# The executables' paths, wherever the target dir is.
built=$(cargo build --workspace --profile "$profile" --bin ember --example livy_soak \
  --message-format=json | grep -o '"executable":"[^"]*"' | cut -d'"' -f4)
ember=$(grep '/ember$' <<<"$built")
soak=$(grep '/livy_soak$' <<<"$built")
log=$(mktemp)
"$ember" livy-server --host 127.0.0.1 --port 0 --no-pyspark 2>"$log" &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -f "$log"' EXIT
url=
for _ in $(seq 100); do
  url=$(grep -o 'http://127.0.0.1:[0-9]*' "$log" || true)
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { echo "the server did not start:"; cat "$log"; exit 1; }
"$soak" "$url" "$server" "$clients" "$seconds" "$max" "$sessions"

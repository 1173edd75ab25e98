#!/usr/bin/env bash
# Times the PySpark original (benches/pyspark/sparkpi_app.py: Flask + a local PySpark session)
# beside Ember's release binary: GET /sparkpi?scale=2, sequentially, after one warm-up request
# each. Prints the median and min/max per server. The figure README.md quotes comes from here.
#
# Needs the PySpark venv of `just spark-env` (scripts/spark-env.sh); Flask is installed next to
# it (pip --target, the shared venv is left as it is). Usage: benches/pyspark_original.sh [requests, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
requests="${1:-10}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ember-target}"
python="$(bash scripts/spark-env.sh | tail -n1)"
flask_dir="$CARGO_TARGET_DIR/flask-for-pyspark-bench"
if ! PYTHONPATH="$flask_dir" "$python" -c 'import flask' 2>/dev/null; then
  "$python" -m pip install -q --target "$flask_dir" flask >&2
fi
# EMBER_PROFILE=bench reuses what `cargo bench` built (same settings as release, same dir).
cargo build --profile "${EMBER_PROFILE:-release}" --locked --workspace --bin ember >&2
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

pids=()
trap 'for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true' EXIT

wait_up() {
  for _ in $(seq 600); do
    curl -fsS "http://127.0.0.1:$1/" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "server on port $1 did not start" >&2
  exit 1
}

# Times `requests` sequential GETs; prints "median min max" in seconds.
time_requests() {
  curl -fsS "http://127.0.0.1:$1/sparkpi?scale=2" >/dev/null
  for _ in $(seq "$requests"); do
    curl -fsS -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$1/sparkpi?scale=2"
  done | sort -n | awk '{v[NR]=$1} END {m=(NR%2)?v[(NR+1)/2]:(v[NR/2]+v[NR/2+1])/2; printf "%.4f %.4f %.4f\n", m, v[1], v[NR]}'
}

port=$(free_port)
SPARK_LOCAL_IP=127.0.0.1 PORT="$port" PYTHONPATH="$flask_dir" "$python" benches/pyspark/sparkpi_app.py \
  >/dev/null 2>&1 &
pids+=($!)
wait_up "$port"
read -r py_med py_min py_max < <(time_requests "$port")

eport=$(free_port)
EMBER_HOST=127.0.0.1 PORT="$eport" "$CARGO_TARGET_DIR/release/ember" serve 2>/dev/null &
pids+=($!)
wait_up "$eport"
read -r em_med em_min em_max < <(time_requests "$eport")

echo "machine: $(nproc) cores, $(uname -sm)"
echo "GET /sparkpi?scale=2, $requests sequential requests after a warm-up (seconds):"
echo "  PySpark original: median $py_med (min $py_min, max $py_max)"
echo "  Ember:            median $em_med (min $em_min, max $em_max)"
awk -v a="$py_med" -v b="$em_med" 'BEGIN {printf "  ratio: %.0fx\n", a/b}'

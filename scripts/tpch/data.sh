#!/usr/bin/env bash
# TPC-H data at scale factor $1 (default 1) as one Parquet file per table, in
# $CARGO_TARGET_DIR/tpch/sf$1 (outside the repo); made once (SF1: about 350 MB, 40 s here).
# Prints the directory.
set -euo pipefail
sf="${1:-1}"
target="${CARGO_TARGET_DIR:-$HOME/.cache/ember-target}"
dir="$target/tpch/sf$sf"
python="$(bash "$(dirname "$0")/env.sh" | tail -n1)"
if [ ! -f "$dir/.complete" ]; then
    mkdir -p "$dir"
    "$(dirname "$python")/tpchgen-cli" parquet -s "$sf" --output-dir="$dir" --overwrite >&2
    touch "$dir/.complete"
fi
echo "$dir"

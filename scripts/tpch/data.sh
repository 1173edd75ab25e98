#!/usr/bin/env bash
# TPC-H data at scale factor $1 (default 1) as one Parquet file per table, in
# $CARGO_TARGET_DIR/tpch/sf$1 (outside the repo); made once (SF1: about 350 MB, 40 s here;
# SF0.01, which CI's cluster test reads, a second). Needs only tpchgen-cli from PyPI, installed
# into the TPC-H venv (scripts/tpch/env.sh adds the peers' DuckDB and Polars). Prints the directory.
set -euo pipefail
sf="${1:-1}"
target="${CARGO_TARGET_DIR:-$HOME/.cache/ember-target}"
dir="$target/tpch/sf$sf"
venv="$target/tpch-venv"
if [ ! -f "$dir/.complete" ]; then
    if [ ! -x "$venv/bin/tpchgen-cli" ]; then
        python3 -m venv "$venv" >&2
        "$venv/bin/pip" install --quiet --disable-pip-version-check 'tpchgen-cli==4.0.0' >&2
    fi
    mkdir -p "$dir"
    "$venv/bin/tpchgen-cli" parquet -s "$sf" --output-dir="$dir" --overwrite >&2
    touch "$dir/.complete"
fi
echo "$dir"

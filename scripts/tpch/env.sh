#!/usr/bin/env bash
# A venv for the TPC-H tools, outside the repo: tpchgen-cli (the data), DuckDB and Polars (the
# peers `peers.py` times and checks Ember against). Reused while it imports; prints its python.
set -euo pipefail
target="${CARGO_TARGET_DIR:-$HOME/.cache/ember-target}"
venv="$target/tpch-venv"
if ! "$venv/bin/python" -c 'import duckdb, polars' 2>/dev/null || [ ! -x "$venv/bin/tpchgen-cli" ]; then
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check \
        'tpchgen-cli==4.0.0' 'duckdb==2.0.1' 'polars==2.1.0' >&2
fi
echo "$venv/bin/python"

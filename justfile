# Ember's everyday commands. `just` is not in Debian 12: `pip install rust-just` (5 s) or
# `cargo install just`. Every recipe is plain cargo underneath.

export CARGO_TARGET_DIR := env_var_or_default("CARGO_TARGET_DIR", env_var("HOME") + "/.cache/ember-target")

# List the recipes.
default:
    @just --list

# Serve SparkPi on 0.0.0.0:$PORT (default 8080).
run:
    cargo run --release

# The whole test suite (unit, integration, doctests).
test:
    cargo test --workspace

# Real Spark for the pyspark tests: a venv with PySpark from PyPI (and a JDK if missing);
# prints the venv's python.
spark-env:
    bash scripts/spark-env.sh

# Record real Spark's answers to ember-sql's conformance suite (crates/ember-sql/tests/conformance/
# spark-results.tsv); Ember's test compares against them. Then refresh docs/spark-compat.md with
# `EMBER_WRITE_SPARK_COMPAT=1 cargo test --workspace --test it -- spark_conformance_suite`.
# `just spark-oracle json hashes` re-records only those query families.
spark-oracle *FAMILIES:
    SPARK_LOCAL_IP=127.0.0.1 "$(bash scripts/spark-env.sh | tail -n1)" scripts/spark-oracle.py {{FAMILIES}}

# Record real Spark's monitoring REST API answers (crates/ember-ui/tests/spark-ui/*.json), the
# shapes ember-ui's test checks Ember's /api/v1 against.
spark-ui-oracle:
    SPARK_LOCAL_IP=127.0.0.1 "$(bash scripts/spark-env.sh | tail -n1)" scripts/spark-ui-oracle.py

# Retake the monitoring UI's screenshot (docs/images/ui-jobs.png) with headless chromium, from
# `ember serve` while /sparkpi jobs run (the UI test takes it).
ui-screenshot:
    bash scripts/chromium-env.sh
    EMBER_REQUIRE_CHROMIUM=1 EMBER_UI_SCREENSHOT="$PWD/docs/images/ui-jobs.png" cargo test -p ember --test it -- ui::serve_shows

# The tests with real PySpark required (as CI runs them).
test-spark:
    EMBER_TEST_PYTHON="$(bash scripts/spark-env.sh | tail -n1)" EMBER_REQUIRE_PYSPARK=1 SPARK_LOCAL_IP=127.0.0.1 cargo test --workspace

# Record Spark's `SHOW FUNCTIONS` list (crates/ember-sql/tests/conformance/spark-functions.txt),
# which ember-sql's coverage test and its UNSUPPORTED_FUNCTION refusal read.
spark-functions:
    SPARK_LOCAL_IP=127.0.0.1 "$(bash scripts/spark-env.sh | tail -n1)" scripts/spark-functions.py

# A Spark standalone master and worker on loopback (spark://127.0.0.1:7077); Ctrl-C stops them.
spark-cluster:
    bash scripts/spark-cluster.sh

# Formatting and clippy with warnings as errors.
lint:
    cargo fmt --all --check
    cargo clippy --workspace --all-targets --locked -- -D warnings

# Criterion benches: each runs Ember beside its reference. Figures go in docs/benchmarks.md.
# (`--workspace`, not `-p`: per-package feature resolution would rebuild DataFusion.)
bench *ARGS:
    cargo bench --workspace --bench rdd --bench web --bench sql --bench livy --bench partition --bench pyspark --bench tpch --bench cluster {{ARGS}}

# TPC-H data (Parquet, one file per table) at scale factor SF under $CARGO_TARGET_DIR/tpch/sfSF,
# made once with tpchgen-cli from PyPI (venv beside the target dir). The tpch bench reads SF1.
tpch-data SF="1":
    bash scripts/tpch/data.sh {{SF}}

# TPC-H on DuckDB, Polars and the release `ember sql`, every answer checked against DuckDB's.
tpch-peers SF="1":
    cargo build --release
    "$(bash scripts/tpch/env.sh | tail -n1)" scripts/tpch/peers.py --data "$(bash scripts/tpch/data.sh {{SF}} | tail -n1)"

# Two builds of the `ember` binary on TPC-H SF1 in paired runs (what a build setting gives), e.g.
# `just tpch-builds /tmp/ember-release target/dist/ember`.
tpch-builds A B:
    python3 scripts/tpch/builds.py --data "$(bash scripts/tpch/data.sh 1 | tail -n1)" {{A}} {{B}}

# Drive the release binary with wrk on loopback for a bounded time.
loadtest SECONDS="30":
    bash benches/loadtest.sh {{SECONDS}}

# pylivy and sparkmagic (pinned, venv beside the target dir) against `ember livy-server`.
livy-compat:
    bash scripts/livy-compat/run.sh

# Exactly what CI runs.
# Deletes the stale executables cargo leaves in the target dir (.ci/run does it first).
prune:
    python3 scripts/prune-target.py

ci:
    bash .ci/run

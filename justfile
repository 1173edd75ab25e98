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

# Formatting and clippy with warnings as errors.
lint:
    cargo fmt --all --check
    cargo clippy --workspace --all-targets --locked -- -D warnings

# Criterion benches: each runs Ember beside its reference. Figures go in docs/benchmarks.md.
# (`--workspace`, not `-p`: per-package feature resolution would rebuild DataFusion.)
bench *ARGS:
    cargo bench --workspace --bench rdd --bench web --bench sql --bench livy --bench partition {{ARGS}}

# Drive the release binary with wrk on loopback for a bounded time.
loadtest SECONDS="30":
    bash benches/loadtest.sh {{SECONDS}}

# pylivy and sparkmagic (pinned, venv beside the target dir) against `ember livy-server`.
livy-compat:
    bash scripts/livy-compat/run.sh

# Exactly what CI runs.
ci:
    bash .ci/run

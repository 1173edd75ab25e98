#!/usr/bin/env bash
# Installs real Spark for the tests that need it: a virtualenv with PySpark from PyPI (which is a
# whole Spark distribution: spark-submit, the standalone master and worker), outside the repo
# under the target cache, and a headless JDK from Debian when `java` is missing.
#
# Prints the venv's python on the last line; tests find it through EMBER_TEST_PYTHON:
#   export EMBER_TEST_PYTHON="$(bash scripts/spark-env.sh | tail -n1)"
# Re-running is cheap: an existing venv with the right PySpark is kept.
set -euo pipefail

PYSPARK_VERSION="${EMBER_PYSPARK_VERSION:-4.3.0}"
TARGET="${CARGO_TARGET_DIR:-$HOME/.cache/ember-target}"
VENV="${EMBER_SPARK_VENV:-$TARGET/spark-venv}"

log() { echo "spark-env: $*" >&2; }

if ! command -v java >/dev/null 2>&1; then
    log "java is missing: installing openjdk-17-jre-headless with apt-get"
    if [ "$(id -u)" -ne 0 ]; then
        log "not root: run 'sudo apt-get install -y openjdk-17-jre-headless' and try again"
        exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >&2
fi

has_pyspark() {
    [ -x "$VENV/bin/python" ] &&
        "$VENV/bin/python" -c "import sys, pyspark, pandas, pyarrow, livy; sys.exit(pyspark.__version__ != '$PYSPARK_VERSION')" 2>/dev/null
}

if ! has_pyspark; then
    # The class archive is made for the jars being replaced.
    rm -f "$VENV/ember-spark.jsa"
    log "creating $VENV with pyspark==$PYSPARK_VERSION (about 450 MB the first time)"
    if ! python3 -m venv "$VENV" >&2; then
        log "python3 has no venv module: installing python3-venv with apt-get"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >&2
        python3 -m venv "$VENV" >&2
    fi
    # pandas<3: PySpark 4 warns about pandas 3 on stderr, and a warning inside a Livy statement
    # becomes part of its output.
    "$VENV/bin/pip" install -q --disable-pip-version-check \
        "pyspark==$PYSPARK_VERSION" "pandas<3" "pyarrow" "livy==0.8.0" >&2
    has_pyspark || { log "pyspark did not install into $VENV"; exit 1; }
fi
# Spark drivers start from a class-data-sharing archive when the venv has one (made once, about
# a minute; scripts/spark-cds.py says what it is). Without it they start as PySpark's do.
if [ ! -f "$VENV/ember-spark.jsa" ] && [ "${EMBER_SPARK_CDS:-1}" != 0 ]; then
    log "making the class archive Spark drivers start from (about a minute, once)"
    "$VENV/bin/python" "$(dirname "$0")/spark-cds.py" >&2
fi
log "ready: $("$VENV/bin/python" -c 'import pyspark; print("pyspark", pyspark.__version__)'), $(java -version 2>&1 | head -n1)"
echo "$VENV/bin/python"

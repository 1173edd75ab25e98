#!/usr/bin/env bash
# A Spark standalone cluster on loopback for a person to try: one master and one worker from
# the PyPI pyspark package that `just spark-env` installs. Prints the master URL; Ctrl-C (or
# SIGTERM) stops both daemons and their JVMs.
#
#   just spark-cluster                       # or: bash scripts/spark-cluster.sh --port 7077
#                                            # then, in another shell:
#   cargo run --release -- livy-server &
#   curl -s localhost:8998/sessions -H 'Content-Type: application/json' \
#        -d '{"kind":"pyspark","conf":{"spark.master":"spark://127.0.0.1:7077"}}'
set -euo pipefail

PORT="${SPARK_MASTER_PORT:-7077}"
if [ "${1:-}" = "--port" ] && [ -n "${2:-}" ]; then
    PORT="$2"
fi
MASTER_UI="${SPARK_MASTER_WEBUI_PORT:-18080}"
WORKER_UI="${SPARK_WORKER_WEBUI_PORT:-18081}"
PYTHON="${EMBER_TEST_PYTHON:-$(bash "$(dirname "$0")/spark-env.sh" | tail -n1)}"
SPARK_HOME="$("$PYTHON" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')"
export SPARK_HOME SPARK_LOCAL_IP=127.0.0.1 PYSPARK_PYTHON="$PYTHON"

pids=()
stop() {
    for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    echo "spark-cluster: stopped"
}
trap stop EXIT INT TERM

setsid "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.master.Master \
    --host 127.0.0.1 --port "$PORT" --webui-port "$MASTER_UI" &
pids+=($!)
setsid "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.worker.Worker \
    "spark://127.0.0.1:$PORT" --host 127.0.0.1 --cores 2 --memory 2g --webui-port "$WORKER_UI" &
pids+=($!)

for _ in $(seq 1 120); do
    if curl -fs "http://127.0.0.1:$MASTER_UI/json/" | grep -q '"aliveworkers" *: *[1-9]'; then
        echo "spark-cluster: master spark://127.0.0.1:$PORT with one worker (UI http://127.0.0.1:$MASTER_UI); Ctrl-C stops it"
        wait
        exit 0
    fi
    sleep 1
done
echo "spark-cluster: the worker did not register within 120 s" >&2
exit 1

"""A stand-in for Ember's pyspark worker (ember-spark's src/driver.py) that speaks its protocol
without Spark, so the server's side of it is tested on any machine with Python. Statements:

  echo TEXT     answers TEXT as text/plain
  fail          fails with ename ValueError, evalue "boom"
  wait          runs until cancelled (then fails with KeyboardInterrupt, as the driver does)
  progress      reports progress 0.5, then answers "done"
  noise         writes a line that is not JSON to the protocol, then answers "after noise"
  die           exits with status 3 while running

The start request's conf may hold `fake.start` = `fail` (the start fails with a message) or
`hang` (the worker never says it is ready).
"""
import json
import os
import sys
import threading
import time

out = os.fdopen(os.dup(1), "w", buffering=1)
os.dup2(2, 1)
lock = threading.Lock()


def send(message):
    with lock:
        out.write(json.dumps(message) + "\n")
        out.flush()


start = json.loads(sys.stdin.readline())
mode = start.get("conf", {}).get("fake.start")
print("fake worker starting, master %s" % start.get("master"), file=sys.stderr, flush=True)
if mode == "fail":
    send({"event": "failed", "message": "the fake worker was told to fail its start"})
    sys.exit(1)
if mode == "hang":
    time.sleep(3600)
send({"event": "ready", "spark_version": "fake", "app_id": "fake-app"})

cancelled = threading.Event()


def run(statement_id, code):
    if code.startswith("echo "):
        result = {"status": "ok", "data": {"text/plain": code[5:]}}
    elif code == "fail":
        result = {"status": "error", "ename": "ValueError", "evalue": "boom", "traceback": []}
    elif code == "wait":
        cancelled.wait()
        cancelled.clear()
        result = {"status": "error", "ename": "KeyboardInterrupt",
                  "evalue": "the statement was cancelled", "traceback": []}
    elif code == "progress":
        send({"event": "progress", "id": statement_id, "progress": 0.5})
        result = {"status": "ok", "data": {"text/plain": "done"}}
    elif code == "noise":
        with lock:
            out.write("this is not JSON\n")
            out.flush()
        result = {"status": "ok", "data": {"text/plain": "after noise"}}
    elif code == "die":
        os._exit(3)
    else:
        result = {"status": "error", "ename": "NameError", "evalue": code, "traceback": []}
    result.update({"event": "result", "id": statement_id})
    send(result)


for line in sys.stdin:
    request = json.loads(line)
    op = request.get("op")
    if op == "execute":
        threading.Thread(target=run, args=(request["id"], request["code"]), daemon=True).start()
    elif op == "cancel":
        cancelled.set()
    elif op == "complete":
        send({"event": "completion", "request": request.get("request"), "candidates": ["echo "]})
    elif op == "shutdown":
        break

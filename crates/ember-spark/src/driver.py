"""Ember's pyspark REPL driver: one Python process per Livy pyspark session.

It builds a SparkSession, binds `spark`, `sc` and `sqlContext` as Livy does, and runs statements
one at a time with the semantics of Livy's Python interpreter: the repr of a trailing
expression plus captured stdout and stderr, right-stripped, as text/plain; `%json x`, `%table x`
and `%matplot fig` magics (a statement answers its last chunk's result); errors as
ename/evalue/traceback, the traceback without the statement's own frame; variables persist.
Warnings raised in PySpark's own modules go to the session log, not into a statement's output.

Protocol: JSON lines. The server writes requests to stdin; answers go to the process's original
stdout, which is kept for this alone (fd 1 is pointed at stderr, so print() outside a statement
and the JVM's output land in the session log instead of corrupting the protocol).

  in:  {"op": "start", "master": "local[*]", "app_name": "...", "conf": {...}}   (first line;
        `"repl": "scala"` makes it a Scala session: see the ScalaRepl section before this one)
       {"op": "execute", "id": 3, "code": "...", "kind": "sql"}   (`kind` optional: Livy 0.5+'s
        statement kinds `pyspark`, `spark` (Scala) and `sql` all run on this one SparkContext; without
        it a statement is in the session's own language)
       {"op": "cancel", "id": 3}
       {"op": "complete", "request": 7, "code": "sc.par", "cursor": 6, "kind": "pyspark"}
       {"op": "shutdown"}
  out: {"event": "ready", "spark_version": "4.3.0", "app_id": "..."}
       {"event": "failed", "message": "..."}                    (start failed; the process exits)
       {"event": "result", "id": 3, "status": "ok", "data": {...}}
       {"event": "result", "id": 3, "status": "error", "ename": ..., "evalue": ..., "traceback": [...]}
       {"event": "progress", "id": 3, "progress": 0.5}          (while statement 3 runs Spark jobs)
       {"event": "completion", "request": 7, "candidates": ["parallelize("]}
"""

import ast
import base64
import builtins
import io
import json
import os
import queue
import re
import rlcompleter
import signal
import sys
import threading
import time
import traceback
import warnings

_PROTO = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
os.dup2(2, 1)
_SEND_LOCK = threading.Lock()


def send(message):
    line = json.dumps(message, allow_nan=False)
    with _SEND_LOCK:
        _PROTO.write(line + "\n")
        _PROTO.flush()


def job_group(statement_id):
    """A statement's Spark job group, named as Livy names it: the statement's id."""
    return str(statement_id)


# How often a running statement's progress is read from Spark's status tracker, in seconds.
PROGRESS_EVERY = 0.25

# Completions computed at once; a request beyond them is answered with no candidates.
MAX_COMPLETIONS = 2


class Driver:
    def __init__(self, spark):
        self.spark = spark
        self.sc = spark.sparkContext
        self.ns = {
            "__name__": "__main__",
            "__builtins__": builtins,
            "spark": spark,
            "sc": self.sc,
        }
        try:
            from pyspark.sql import SQLContext

            self.ns["sqlContext"] = SQLContext(self.sc, spark)
        except Exception:  # removed in a future Spark: `spark` is what matters
            pass
        self.requests = queue.Queue()
        self.lock = threading.Lock()
        self.running = None
        # The running statement's kind: a `pyspark` one is interrupted with SIGINT, the others
        # through their job group.
        self.running_kind = None
        self.cancelled = set()
        self.completing = threading.BoundedSemaphore(MAX_COMPLETIONS)
        self.main_thread = threading.main_thread().ident
        # The Scala interpreter (ScalaRepl): a Scala session's from the start, else made for the
        # first `spark` statement (if the session was started able to, `scala_dir`).
        self.scala = None
        self.scala_session = False
        self.scala_dir = None
        # Held while the Scala interpreter runs a statement: it is not shared between threads,
        # so a completion that cannot take it offers nothing.
        self.scala_lock = threading.Lock()
        # After SparkContext's own handler (which cancels every job): ours interrupts only the
        # statement being cancelled.
        signal.signal(signal.SIGINT, self.on_sigint)

    def on_sigint(self, signum, frame):
        with self.lock:
            running = self.running
        if running is not None:
            raise KeyboardInterrupt()

    # ---- the reader thread: requests in, cancels handled at once ----

    def read_requests(self):
        for line in sys.stdin:
            try:
                request = json.loads(line)
            except ValueError:
                continue
            op = request.get("op")
            if op == "execute":
                self.requests.put(request)
            elif op == "cancel":
                self.cancel(request.get("id"))
            elif op == "complete":
                # Off this thread, so a cancel is never stuck behind a slow completion.
                if self.completing.acquire(blocking=False):
                    threading.Thread(
                        target=self.complete, args=(request,), name="ember-complete", daemon=True
                    ).start()
                else:
                    send({"event": "completion", "request": request.get("request"), "candidates": []})
            elif op == "shutdown":
                break
        self.requests.put(None)

    def cancel(self, statement_id):
        with self.lock:
            if self.running != statement_id:
                self.cancelled.add(statement_id)
                return
        try:
            self.sc.cancelJobGroup(job_group(statement_id))
        except Exception:
            pass
        if self.running_kind in ("spark", "sql"):
            # A signal would abandon the py4j call while the JVM kept working: the cancelled
            # job group is what ends a Scala or SQL statement. A job the statement starts after
            # this (it was still compiling or planning) is cancelled too.
            threading.Thread(
                target=self.keep_cancelling, args=(statement_id,), name="ember-cancel", daemon=True
            ).start()
            return
        signal.pthread_kill(self.main_thread, signal.SIGINT)

    def keep_cancelling(self, statement_id):
        """Cancels the statement's job group every 200 ms until the statement ends."""
        while True:
            time.sleep(0.2)
            with self.lock:
                if self.running != statement_id:
                    return
            try:
                self.sc.cancelJobGroup(job_group(statement_id))
            except Exception:
                return

    # ---- completion (Livy's POST /sessions/{id}/completion) ----

    def complete(self, request):
        try:
            candidates = self.candidates(
                request.get("code") or "", request.get("cursor") or 0, request.get("kind")
            )
        except Exception:  # a completion never fails: it offers nothing
            candidates = []
        finally:
            self.completing.release()
        send({"event": "completion", "request": request.get("request"), "candidates": candidates})

    def candidates(self, code, cursor, kind):
        """What can follow the word before `cursor`: Python names and attributes of the
        session's namespace (rlcompleter, as Livy's Python interpreter), or the Scala
        interpreter's own completion once it runs and while it is not running a statement."""
        code = code[: max(0, min(int(cursor), len(code)))]
        if kind is None:
            kind = "spark" if self.scala_session else "pyspark"
        if kind == "spark":
            if self.scala is None or not self.scala_lock.acquire(blocking=False):
                return []
            try:
                return self.scala.complete(code, len(code))
            finally:
                self.scala_lock.release()
        if kind != "pyspark":
            return []
        word = re.search(r"[\w.]*$", code).group(0)
        if not word:
            return []
        completer = rlcompleter.Completer(self.ns)
        found = []
        for state in range(1000):
            candidate = completer.complete(word, state)
            if candidate is None:
                break
            if candidate not in found:
                found.append(candidate)
        return found

    # ---- progress: the running statement's share of finished Spark tasks ----

    def report_progress(self):
        """Sends the running statement's progress when it changes, as Livy computes it: the
        finished tasks of its job group's jobs over all their tasks."""
        last = None
        while True:
            time.sleep(PROGRESS_EVERY)
            with self.lock:
                statement_id = self.running
            if statement_id is None:
                last = None
                continue
            try:
                progress = self.progress_of(job_group(statement_id))
            except Exception:  # the context is stopping: nothing to report
                continue
            if progress is not None and (statement_id, progress) != last:
                last = (statement_id, progress)
                send({"event": "progress", "id": statement_id, "progress": progress})

    def progress_of(self, group):
        tracker = self.sc.statusTracker()
        done = total = 0
        for job in tracker.getJobIdsForGroup(group):
            info = tracker.getJobInfo(job)
            if info is None:
                continue
            for stage in info.stageIds:
                stage_info = tracker.getStageInfo(stage)
                if stage_info is not None:
                    total += stage_info.numTasks
                    done += stage_info.numCompletedTasks
        if total == 0:
            return None
        return round(done / total, 4)

    # ---- the main thread: statements, one at a time ----

    def serve(self):
        reader = threading.Thread(target=self.read_requests, name="ember-requests", daemon=True)
        reader.start()
        threading.Thread(target=self.report_progress, name="ember-progress", daemon=True).start()
        while True:
            try:
                request = self.requests.get()
            except KeyboardInterrupt:  # a cancel that arrived between statements
                continue
            if request is None:
                break
            statement_id = request.get("id")
            try:
                result = self.execute(statement_id, request.get("code", ""), request.get("kind"))
            except KeyboardInterrupt:
                result = error_result("KeyboardInterrupt", "the statement was cancelled", [])
            result.update({"event": "result", "id": statement_id})
            try:
                send(result)
            except ValueError as e:  # NaN or infinity in %json output
                send({"event": "result", "id": statement_id, **error_result("ValueError", str(e), [])})

    def execute(self, statement_id, code, kind=None):
        if kind is None:
            kind = "spark" if self.scala_session else "pyspark"
        with self.lock:
            if statement_id in self.cancelled:
                self.cancelled.discard(statement_id)
                return error_result("KeyboardInterrupt", "the statement was cancelled", [])
            self.running = statement_id
            self.running_kind = kind
        captured = io.StringIO()
        saved = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = captured
        data = {}
        try:
            try:
                self.sc.setJobGroup(job_group(statement_id), "Job group for statement %d" % statement_id, True)
            except Exception:
                pass
            if kind == "sql":
                return {"status": "ok", "data": {"application/json": self.run_sql(code)}}
            if kind == "spark":
                with self.scala_lock:
                    return self.scala_repl().execute(code)
            if kind != "pyspark":
                return error_result("ValueError", "unknown statement kind %r" % kind, [])
            # Livy parses every chunk before it runs any: a syntax error anywhere runs nothing.
            chunks = parse_chunks(code)
            for chunk in chunks:
                # As in Livy, the result is the last chunk's: a magic before the end of the
                # statement runs, but only the output it prints is kept.
                if chunk[0] == "code":
                    self.run_code(chunk[1])
                    data = {}
                else:
                    data = self.run_magic(chunk[1], chunk[2])
        except KeyboardInterrupt:
            return error_result("KeyboardInterrupt", "the statement was cancelled", [])
        except StatementSyntaxError as e:
            error = e.error
            return error_result(
                type(error).__name__,
                str(error),
                traceback.format_exception_only(type(error), error),
            )
        except Exception as e:
            return error_result(type(e).__name__, str(e), user_traceback(e))
        finally:
            sys.stdout, sys.stderr = saved
            with self.lock:
                self.running = None
                self.running_kind = None
                self.cancelled.discard(statement_id)
            try:
                self.sc._jsc.clearJobGroup()
            except Exception:
                pass
        # Livy's order: the result's own text (a magic's), then what the statement printed.
        text = (data.pop("text/plain", "") + captured.getvalue()).rstrip()
        if text or not data:
            data["text/plain"] = text
        return {"status": "ok", "data": data}

    def scala_repl(self):
        """The Scala interpreter, made on first use (a few seconds: the compiler starts)."""
        if self.scala is None:
            if self.scala_dir is None:
                raise RuntimeError("this session cannot run Scala statements")
            self.scala = ScalaRepl(self.sc._jvm, self.sc._gateway, self.scala_dir)
        return self.scala

    def run_sql(self, code):
        """A `sql` statement: Spark SQL on this session's SparkSession, answered as Livy's SQL
        interpreter answers (the schema as Spark's StructType JSON, rows as arrays), at most
        `livy.rsc.sql.num-rows` rows (1000)."""
        try:
            cap = int(self.spark.conf.get("livy.rsc.sql.num-rows", "1000"))
        except ValueError:
            cap = 1000
        cap = max(1, min(cap, MAX_SQL_ROWS))
        df = self.spark.sql(code)
        schema = json.loads(df.schema.json())
        rows = df.take(cap)
        return {"schema": schema, "data": [[sql_value(v) for v in row] for row in rows]}

    def run_code(self, tree):
        last = None
        if tree.body and isinstance(tree.body[-1], ast.Expr):
            last = ast.Expression(tree.body.pop().value)
        if tree.body:
            exec(compile(tree, "<stdin>", "exec"), self.ns)
        if last is not None:
            value = eval(compile(last, "<stdin>", "eval"), self.ns)
            if value is not None:
                self.ns["_"] = value
                print(repr(value))

    def run_magic(self, name, arg):
        if name == "json":
            value = eval(arg, self.ns)
            json.dumps(value, allow_nan=False)  # fail here, as the statement, if it cannot
            return {"application/json": value}
        if name == "table":
            return {"application/vnd.livy.table.v1+json": table(eval(arg, self.ns))}
        if name == "matplot":
            figure = eval(arg, self.ns)
            buffer = io.BytesIO()
            (figure.gcf() if hasattr(figure, "gcf") else figure).savefig(buffer, format="png")
            return {"image/png": base64.b64encode(buffer.getvalue()).decode("ascii"), "text/plain": ""}
        if not name:
            raise UnknownMagic("magic command not specified")
        raise UnknownMagic("unknown magic command '%s'" % name)


class UnknownMagic(Exception):
    pass


class StatementSyntaxError(Exception):
    """The statement does not parse; `error` is Python's SyntaxError."""

    def __init__(self, error):
        super().__init__(str(error))
        self.error = error


def parse(source):
    try:
        return ast.parse(source, "<stdin>", "exec")
    except SyntaxError as e:
        raise StatementSyntaxError(e) from None


def parse_chunks(code):
    """The statement as parsed chunks: `("code", tree)` and `("magic", name, arg)`, in order.

    As Livy does, code that parses as a whole is one chunk (a `%` line inside a string stays
    code); otherwise it is split at lines starting with `%`, and every code chunk must parse.
    """
    try:
        return [("code", ast.parse(code, "<stdin>", "exec"))]
    except SyntaxError:
        pass
    return [
        ("code", parse(chunk[1])) if chunk[0] == "code" else chunk
        for chunk in split_magics(code)
    ]


def split_magics(code):
    """Code chunks and magic lines (a line starting with `%`), in order."""
    chunks, lines = [], []
    for line in code.split("\n"):
        if line.startswith("%"):
            if any(l.strip() for l in lines):
                chunks.append(("code", "\n".join(lines)))
            lines = []
            name, _, arg = line[1:].partition(" ")
            chunks.append(("magic", name.strip(), arg.strip()))
        else:
            lines.append(line)
    if any(l.strip() for l in lines):
        chunks.append(("code", "\n".join(lines)))
    return chunks


TYPES = [
    (type(None), "NULL_TYPE"),
    (bool, "BOOLEAN_TYPE"),
    (int, "INT_TYPE"),
    (float, "DOUBLE_TYPE"),
    (str, "STRING_TYPE"),
    (list, "ARRAY_TYPE"),
    (tuple, "ARRAY_TYPE"),
    (dict, "MAP_TYPE"),
]


def type_name(value):
    for python_type, name in TYPES:
        if isinstance(value, python_type):
            return name
    import datetime
    import decimal

    if isinstance(value, decimal.Decimal):
        return "DECIMAL_TYPE"
    if isinstance(value, datetime.datetime):
        return "TIMESTAMP_TYPE"
    if isinstance(value, datetime.date):
        return "DATE_TYPE"
    return "STRING_TYPE"


def table(rows):
    """Livy's %table: a list of dicts (headers by key) or of sequences (headers by position)."""
    rows = list(rows)
    if not rows:
        return {"headers": [], "data": []}
    if all(isinstance(r, dict) for r in rows):
        names = sorted({k for r in rows for k in r})
        values = [[r.get(k) for k in names] for r in rows]
    elif all(isinstance(r, (list, tuple)) for r in rows):
        names = [str(i) for i in range(max(len(r) for r in rows))]
        values = [list(r) + [None] * (len(names) - len(r)) for r in rows]
    else:
        raise Exception("table rows must all be dicts or all be sequences")
    headers = []
    for i, name in enumerate(names):
        types = {type_name(v[i]) for v in values if v[i] is not None}
        if len(types) > 1:
            raise Exception("column %s has values of several types: %s" % (name, sorted(types)))
        headers.append({"name": name, "type": types.pop() if types else "NULL_TYPE"})
    return {"headers": headers, "data": [[plain(x) for x in v] for v in values]}


def plain(value):
    if isinstance(value, (str, int, float, bool, type(None), list, dict)):
        return value
    if isinstance(value, tuple):
        return list(value)
    return str(value)


# The most rows a `sql` statement answers, whatever its session's `livy.rsc.sql.num-rows` says
# (the server's own sql sessions have the same bound).
MAX_SQL_ROWS = 100000


def sql_value(value):
    """A value of a Spark row as Livy's sql output writes it: numbers as numbers (NaN and the
    infinities as strings), decimals as numbers, dates as `yyyy-mm-dd`, timestamps as ISO-8601
    UTC with milliseconds, structs as objects, maps as objects keyed by the key's text, binary as
    hex, NULL as null."""
    import datetime
    import decimal
    import math

    from pyspark.sql import Row

    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return value
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() and abs(value) < 2**53 else float(value)
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.astimezone()  # PySpark gives timestamps in this process's zone
        utc = value.astimezone(datetime.timezone.utc)
        return utc.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (utc.microsecond // 1000)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Row):
        return {k: sql_value(v) for k, v in value.asDict(recursive=False).items()}
    if isinstance(value, dict):
        return {str(k): sql_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [sql_value(v) for v in value]
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).hex()
    return str(value)


def error_result(ename, evalue, tb):
    return {
        "status": "error",
        "ename": ename,
        "evalue": evalue,
        "traceback": [line if line.endswith("\n") else line + "\n" for line in tb],
    }


def user_traceback(e):
    """The traceback as Livy gives it: from the user's code on, without the frame of the
    statement itself (the driver's own frames are left out too), and without chained
    exceptions."""
    tb = e.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != "<stdin>":
        tb = tb.tb_next
    if tb is None:
        return traceback.format_exception_only(type(e), e)
    return (
        ["Traceback (most recent call last):\n"]
        + traceback.format_tb(tb.tb_next)
        + traceback.format_exception_only(type(e), e)
    )


def library_dirs():
    """The package directories of PySpark and py4j, once they are imported."""
    dirs = []
    for name in ("pyspark", "py4j"):
        path = getattr(sys.modules.get(name), "__file__", None)
        if path:
            dirs.append(os.path.dirname(os.path.abspath(path)) + os.sep)
    return tuple(dirs)


def show_warning(message, category, filename, lineno, file=None, line=None):
    """Warnings that PySpark's own modules raise (`DataFrame.toJSON`'s `UserWarning`, pandas
    version notes) go to the session log, where they cannot corrupt a statement's output that a
    client parses; any other warning (a user's `warnings.warn`) is shown as Python shows it,
    in the statement's output."""
    text = warnings.formatwarning(message, category, filename, lineno, line)
    if os.path.abspath(filename).startswith(library_dirs()):
        target = sys.__stderr__
    else:
        target = file if file is not None else sys.stderr
    try:
        target.write(text)
        target.flush()
    except (OSError, ValueError):  # as Python's own showwarning: a closed stream loses it
        pass


# The class-data-sharing archive `scripts/spark-cds.py` makes beside this Python (in its venv).
CLASS_ARCHIVE = os.path.join(sys.prefix, "ember-spark.jsa")


def share_classes(conf):
    """Starts the driver's JVM from the class archive when there is one (about 40% faster: its
    classes come parsed and verified), unless the conf already chooses how the JVM shares
    classes. A JVM that cannot use the archive (another JDK, changed jars) starts without
    class sharing, as slowly as without the archive."""
    options = conf.get("spark.driver.extraJavaOptions") or ""
    if not os.path.isfile(CLASS_ARCHIVE) or "SharedArchiveFile" in options or "-Xshare" in options:
        return
    option = "-XX:SharedArchiveFile=%s" % CLASS_ARCHIVE
    if any(c.isspace() for c in option):
        option = '"%s"' % option
    conf.set("spark.driver.extraJavaOptions", (option + " " + options).strip())


def start(request, on_gateway=None):
    """The session's SparkSession, or None once `failed` is sent. `on_gateway(jvm, gateway)` is
    called as soon as the JVM runs, before the SparkContext starts in it."""
    try:
        from pyspark import SparkConf, SparkContext
        from pyspark.sql import SparkSession
    except ImportError as e:
        send({
            "event": "failed",
            "message": "pyspark is not importable by %s (%s): run `just spark-env`"
            % (sys.executable, e),
        })
        return None
    try:
        conf = SparkConf()
        conf.setAppName(request.get("app_name") or "ember-livy")
        conf.setMaster(request.get("master") or "local[*]")
        for key, value in (request.get("conf") or {}).items():
            # As the builder's own `config` writes a value: booleans in lower case.
            conf.set(key, str(value).lower() if isinstance(value, bool) else str(value))
        share_classes(conf)
        if on_gateway is not None:
            # What getOrCreate would do first; the SparkContext it then makes uses this JVM.
            SparkContext._ensure_initialized(conf=conf)
            on_gateway(SparkContext._jvm, SparkContext._gateway)
        spark = SparkSession.builder.config(conf=conf).getOrCreate()
    except Exception as e:
        message = "".join(traceback.format_exception_only(type(e), e)).strip()
        if "Java gateway" in message or "JAVA_HOME" in message:
            message += " (is a JDK installed? `just spark-env` installs one)"
        elif "stopped SparkContext" in message:
            # What Spark does when no master answers its registration (about a minute); its
            # stack trace says nothing more.
            message = "the master %s did not answer: is it running, and reachable from here?" % (
                request.get("master") or "local[*]"
            )
        send({"event": "failed", "message": "SparkSession failed to start: " + message})
        return None
    return spark


def main():
    line = sys.stdin.readline()
    try:
        request = json.loads(line)
    except ValueError:
        send({"event": "failed", "message": "the first request was not JSON: %r" % line[:200]})
        return 2
    scala_dir = None
    if request.get("repl") == "scala" or "ScalaRepl" in globals():
        # The REPL's classes must be where Spark serves them from before the SparkContext exists,
        # so every worker that can run Scala (a Scala session's, or a pyspark session's for its
        # `spark` statements) sets the directory up front.
        import tempfile

        scala_dir = tempfile.mkdtemp(prefix="ember-livy-scala-")
        request.setdefault("conf", {})["spark.repl.class.outputDir"] = scala_dir
    try:
        return run(request, scala_dir)
    finally:
        if scala_dir is not None:
            import shutil

            shutil.rmtree(scala_dir, ignore_errors=True)


def run(request, scala_dir):
    # A Scala session's interpreter starts on a thread of its own as soon as the JVM runs, so
    # the compiler's start overlaps the SparkContext's instead of following it.
    scala = {}

    def start_scala(jvm, gateway):
        def make():
            try:
                scala["repl"] = ScalaRepl(jvm, gateway, scala_dir)
            except Exception as e:
                scala["error"] = e

        scala["thread"] = threading.Thread(target=make, name="ember-scala-start", daemon=True)
        scala["thread"].start()

    scala_session = request.get("repl") == "scala"
    spark = start(request, start_scala if scala_session else None)
    if spark is None:
        return 1
    warnings.showwarning = show_warning
    driver = Driver(spark)
    driver.scala_dir = scala_dir
    if scala_session:
        driver.scala_session = True
        scala["thread"].join()
        driver.scala = scala.get("repl")
        if driver.scala is None:
            e = scala.get("error") or ScalaError("the interpreter's thread ended without one")
            message = "".join(traceback.format_exception_only(type(e), e)).strip()
            send({"event": "failed", "message": "the Scala interpreter failed to start: " + message})
            try:
                spark.stop()
            except Exception:
                pass
            return 1
    send({
        "event": "ready",
        "spark_version": spark.version,
        "app_id": spark.sparkContext.applicationId,
    })
    driver.serve()
    try:
        spark.stop()
    except Exception:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())

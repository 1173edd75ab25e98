"""Ember's Scala REPL for `spark` sessions, run by the pyspark worker (driver.py, shipped after
this section in the same program) when its start request says `"repl": "scala"`.

A Scala 2.13 interpreter (`scala.tools.nsc.interpreter.IMain`, the compiler Spark's own jars
ship) lives in the worker's JVM and is driven through py4j. Its classes go to the directory
`spark.repl.class.outputDir` names, set before the SparkContext exists, so Spark serves them to
executors and closures defined in a statement run there.

A statement runs with the semantics of Livy's Scala interpreter: line by line, a line the
compiler finds incomplete joined with the next; a statement still incomplete at its end fails
with `incomplete statement`; a failure answers as Livy's: ename `Error`, evalue the first line
of the interpreter's report (a compile error's `error:` line, or a thrown exception's
`java.lang.ArithmeticException: / by zero`), the other lines as traceback. What the code prints and the interpreter's result lines
(`res0: Int = 2`: Scala 2.13's `val ` prefix is dropped to read as Livy's 2.12 did) are the
statement's text/plain, right-stripped.

The JVM thread that runs a statement is the one py4j pins to the worker's main Python thread,
the same thread that set the statement's Spark job group, so cancelling the job group stops the
Spark jobs a statement started; the interpreter then reports the cancelled job's exception.
"""

import json
import re as _re

# What a session's interpreter starts with, as Livy's: `spark` and `sc`, then Livy's four imports.
# One request, so the compiler runs once, not six times (about a second less on a cold start).
# The values are lazy: the interpreter is made while the SparkSession is still starting (the two
# overlap), and the session is the JVM's active one by the time a statement reads it. Like a
# `@transient val`, they are not shipped with closures.
_SCALA_PRELUDE = "\n".join((
    "@transient lazy val spark: org.apache.spark.sql.SparkSession ="
    " org.apache.spark.sql.SparkSession.active",
    "@transient lazy val sc: org.apache.spark.SparkContext = spark.sparkContext",
    "import org.apache.spark.SparkContext._",
    "import spark.implicits._",
    "import spark.sql",
    "import org.apache.spark.sql.functions._",
))

# The first line of a runtime exception as the interpreter prints it: a qualified class name,
# then `: message` unless it has none.
_EXCEPTION_LINE = _re.compile(r"^((?:[A-Za-z_$][\w$]*\.)+[A-Za-z_$][\w$]*)(?:: (.*))?$")

# A result line of the interpreter (`val res0: Int = 2`, `var x: Int = 1`).
_RESULT_LINE = _re.compile(r"^(?:val|var) (?=\S[^:]*: )")


# A magic line, as Livy reads it: `%json x`, `%table x`.
_MAGIC = _re.compile(r"^%(\w+)\W*(.*)")

# What a magic may name: a value's name, as Livy looks it up.
_TERM = _re.compile(r"^[A-Za-z_][\w]*$")

# The interpreter's name for a magic's JSON, out of the way of a user's names.
_MAGIC_TERM = "emberLivyMagicJson"


class ScalaError(Exception):
    """The interpreter could not be made ready."""


class ScalaRepl:
    def __init__(self, jvm, gateway, outdir):
        """Starts the compiler in `jvm` (a py4j view of the worker's JVM, which need not have a
        SparkContext yet; one must exist before a statement reads `spark`)."""
        self.jvm = jvm
        settings = jvm.scala.tools.nsc.Settings()
        ok = settings.processArgumentString(
            "-Yrepl-class-based -Yrepl-outdir %s -usejavacp -nowarn" % outdir
        )
        if not ok._1():
            raise ScalaError("the Scala compiler refused its settings: %s" % ok._2())
        # The interpreter's own messages (results, compile errors, exception traces) ...
        self.reported = jvm.java.io.ByteArrayOutputStream()
        reporter = jvm.scala.tools.nsc.interpreter.shell.ReplReporterImpl(
            settings, jvm.java.io.PrintWriter(self.reported, True)
        )
        # ... and what the code prints through scala.Console, kept apart so that only the
        # former is rewritten.
        self.printed = jvm.java.io.ByteArrayOutputStream()
        self.console = jvm.java.io.PrintStream(self.printed, True, "UTF-8")
        self.imain = jvm.scala.tools.nsc.interpreter.IMain(settings, reporter)
        if not self.imain.initializeCompiler():
            raise ScalaError("the Scala compiler did not start: %s" % self.take_reported().strip())
        # scala.Console's streams are per thread, and 2.13 has no public setter: its
        # setOutDirect/setErrDirect are protected in Scala, public in the bytecode.
        console_class = jvm.java.lang.Class.forName("scala.Console$")
        self.console_module = console_class.getField("MODULE$").get(None)
        params = gateway.new_array(jvm.java.lang.Class, 1)
        params[0] = jvm.java.lang.Class.forName("java.io.PrintStream")
        self.set_out = console_class.getMethod("setOutDirect", params)
        self.set_err = console_class.getMethod("setErrDirect", params)
        self.args = gateway.new_array(jvm.java.lang.Object, 1)
        self.args[0] = self.console
        self.capture()
        if str(self.imain.interpret(_SCALA_PRELUDE)) != "Success":
            raise ScalaError(
                "binding `spark` and `sc` failed: %s" % self.take_reported().strip()
            )
        self.take_reported()
        self.take_printed()
        self.completer = None

    def capture(self):
        """Points this thread's scala.Console at the statement's buffer."""
        self.set_out.invoke(self.console_module, self.args)
        self.set_err.invoke(self.console_module, self.args)

    def take_reported(self):
        text = self.reported.toString("UTF-8")
        self.reported.reset()
        return text

    def take_printed(self):
        self.console.flush()
        text = self.printed.toString("UTF-8")
        self.printed.reset()
        return text

    def execute(self, code):
        """Runs one statement; answers a result as driver.py sends it (without event and id).

        As Livy: each line's text/plain is appended to the statement's; a magic line's result
        (`%json x`, `%table x`) replaces what came before it, and a code line after a magic
        replaces the magic's."""
        self.capture()
        self.take_reported()
        self.take_printed()
        data = {"text/plain": ""}
        pending = None
        for line in code.split("\n"):
            if pending is None:
                if not line.strip():
                    continue
                magic = _MAGIC.match(line)
                if magic:
                    result = self.run_magic(magic.group(1), magic.group(2).strip())
                    if result["status"] != "ok":
                        return result
                    data = result["data"]
                    continue
            source = line if pending is None else pending + "\n" + line
            outcome, text = self.interpret(source)
            if outcome == "Incomplete":
                pending = source
                continue
            pending = None
            if outcome == "Error":
                return text
            if "text/plain" in data:
                data = {"text/plain": data["text/plain"] + text}
            else:
                data = {"text/plain": text}
        if pending is not None:
            # Code that is only comments is incomplete to the interpreter; in a block it is not.
            outcome, _ = self.interpret("{\n%s\n}" % pending)
            if outcome != "Success":
                return error_result("Error", "incomplete statement", [])
        if "text/plain" in data:
            data["text/plain"] = data["text/plain"].rstrip()
        return {"status": "ok", "data": data}

    def interpret(self, source):
        """Runs code: ("Success", its text), ("Incomplete", None) or ("Error", an error result).
        Code the interpreter refuses without a word (a comment alone) succeeds with no text."""
        outcome = str(self.imain.interpret(source))
        if outcome == "Incomplete":
            return outcome, None
        printed = self.take_printed()
        reported = self.take_reported()
        if outcome == "Success":
            return outcome, printed + "".join(
                _RESULT_LINE.sub("", l) for l in reported.splitlines(True)
            )
        if not printed and not reported.strip():
            return "Success", ""
        return "Error", scala_error(reported)

    def complete(self, code, cursor):
        """Livy's completion: the names the interpreter offers at `cursor` (the REPL's own
        completer, made on first use), each once, in its order."""
        if self.completer is None:
            completion = self.jvm.scala.tools.nsc.interpreter.shell.ReplCompletion
            accumulator = getattr(completion, "$lessinit$greater$default$2")()
            self.completer = completion(self.imain, accumulator)
        candidates = self.completer.complete(code, cursor).candidates().iterator()
        names = []
        while candidates.hasNext():
            name = candidates.next().name()
            if name not in names:
                names.append(name)
        return names

    def run_magic(self, name, term):
        """Livy's `%json name` and `%table name`: the value (an RDD's first 10 elements) as
        json4s writes it, as JSON or as a Livy table."""
        if name not in ("json", "table"):
            return error_result("UnknownMagic", "Unknown magic command %s" % name, [])
        if not _TERM.match(term) or self.imain.valueOfTerm(term).isEmpty():
            return error_result("NameError", "Value %s does not exist" % term, [])
        outcome, text = self.interpret(
            "val %s: String = { val v: Any = (%s) match { "
            "case r: org.apache.spark.rdd.RDD[_] => r.take(10); case o => o }; "
            "org.json4s.jackson.Serialization.write(v.asInstanceOf[AnyRef])"
            "(org.json4s.DefaultFormats) }" % (_MAGIC_TERM, term)
        )
        if outcome != "Success":
            return text if outcome == "Error" else error_result("Error", "incomplete statement", [])
        value = json.loads(self.imain.valueOfTerm(_MAGIC_TERM).get())
        if name == "json":
            return {"status": "ok", "data": {"application/json": value}}
        try:
            return {"status": "ok", "data": {"application/vnd.livy.table.v1+json": livy_table(value)}}
        except TypesDoNotMatch:
            return error_result("TypeError", "table rows have different types", [])


class TypesDoNotMatch(Exception):
    pass


def table_type(value):
    """Livy's table type of a JSON value (json4s: integers are BIGINT)."""
    if value is None:
        return "NULL_TYPE"
    if isinstance(value, bool):
        return "BOOLEAN_TYPE"
    if isinstance(value, int):
        return "BIGINT_TYPE"
    if isinstance(value, float):
        return "DOUBLE_TYPE"
    if isinstance(value, str):
        return "STRING_TYPE"
    values = list(value.values()) if isinstance(value, dict) else list(value)
    if len({table_type(v) for v in values}) > 1:
        raise TypesDoNotMatch()
    return "MAP_TYPE" if isinstance(value, dict) else "ARRAY_TYPE"


def livy_table(value):
    """Livy's %table of a JSON value: rows are its elements (or itself); a row's columns are
    its elements by index, its fields in order, or itself as column "0"."""
    rows = value if isinstance(value, list) else [value]
    headers = {}
    data = []
    for row in rows:
        if isinstance(row, list):
            cols = [(str(i), v) for i, v in enumerate(row)]
        elif isinstance(row, dict):
            cols = list(row.items())
        else:
            cols = [("0", row)]
        for key, v in cols:
            kind = table_type(v)
            if headers.setdefault(key, kind) != kind:
                raise TypesDoNotMatch()
        data.append([v for _, v in cols])
    return {
        "headers": [{"type": kind, "name": key} for key, kind in headers.items()],
        "data": data,
    }


def scala_error(reported):
    """A failed line's result, as Livy's parseError reads the interpreter's report: ename
    `Error`, evalue the first line (an exception's `java.lang.Exception: message`, or a compile
    error's `error:` line), every other line as traceback, each ending in a newline."""
    lines = reported.splitlines()
    first = next((l for l in lines if l.strip()), "")
    thrown = _EXCEPTION_LINE.match(first)
    at = None if thrown else next((i for i, l in enumerate(lines) if "error:" in l), None)
    if at is None:
        at = lines.index(first) if first else 0
        rest = lines[at + 1:]
    else:
        rest = lines[:at] + lines[at + 1:]
    evalue = lines[at].strip() if lines else "the statement failed"
    return error_result("Error", evalue, [l for l in rest if l.strip()])

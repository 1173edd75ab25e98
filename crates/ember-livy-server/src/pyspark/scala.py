"""Ember's Scala REPL for `spark` sessions, run by the pyspark worker (driver.py, shipped after
this section in the same program) when its start request says `"repl": "scala"`.

A Scala 2.13 interpreter (`scala.tools.nsc.interpreter.IMain`, the compiler Spark's own jars
ship) lives in the worker's JVM and is driven through py4j. Its classes go to the directory
`spark.repl.class.outputDir` names, set before the SparkContext exists, so Spark serves them to
executors and closures defined in a statement run there.

A statement runs with the semantics of Livy's Scala interpreter: line by line, a line the
compiler finds incomplete joined with the next; a statement still incomplete at its end fails
with `incomplete statement`; a compile error fails with ename `Error`, evalue the first `error:`
line and the rest as traceback; an exception thrown while running fails with its class as
ename and its message as evalue. What the code prints and the interpreter's result lines
(`res0: Int = 2`: Scala 2.13's `val ` prefix is dropped to read as Livy's 2.12 did) are the
statement's text/plain, right-stripped.

The JVM thread that runs a statement is the one py4j pins to the worker's main Python thread,
the same thread that set the statement's Spark job group, so cancelling the job group stops the
Spark jobs a statement started; the interpreter then reports the cancelled job's exception.
"""

import re as _re

_SCALA_IMPORTS = (
    "import org.apache.spark.SparkContext._",
    "import spark.implicits._",
    "import spark.sql",
    "import org.apache.spark.sql.functions._",
)

# The first line of a runtime exception as the interpreter prints it: a qualified class name,
# then `: message` unless it has none.
_EXCEPTION_LINE = _re.compile(r"^((?:[A-Za-z_$][\w$]*\.)+[A-Za-z_$][\w$]*)(?:: (.*))?$")

# A result line of the interpreter (`val res0: Int = 2`, `var x: Int = 1`).
_RESULT_LINE = _re.compile(r"^(?:val|var) (?=\S[^:]*: )")


class ScalaError(Exception):
    """The interpreter could not be made ready."""


class ScalaRepl:
    def __init__(self, spark, outdir):
        sc = spark.sparkContext
        jvm = sc._jvm
        gateway = sc._gateway
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
        modifiers = jvm.java.util.ArrayList()
        modifiers.add("@transient")
        modifiers = jvm.scala.jdk.javaapi.CollectionConverters.asScala(modifiers).toList()
        for name, type_name, value in (
            ("spark", "org.apache.spark.sql.SparkSession", spark._jsparkSession),
            ("sc", "org.apache.spark.SparkContext", sc._jsc.sc()),
        ):
            result = self.imain.bind(name, type_name, value, modifiers)
            if str(result) != "Success":
                raise ScalaError("binding `%s` failed: %s" % (name, self.take_reported().strip()))
        for line in _SCALA_IMPORTS:
            if str(self.imain.interpret(line)) != "Success":
                raise ScalaError("`%s` failed: %s" % (line, self.take_reported().strip()))
        self.take_reported()
        self.take_printed()

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
        """Runs one statement; answers a result as driver.py sends it (without event and id)."""
        self.capture()
        self.take_reported()
        self.take_printed()
        text = []
        pending = None
        for line in code.split("\n"):
            if pending is None and not line.strip():
                continue
            source = line if pending is None else pending + "\n" + line
            result = str(self.imain.interpret(source))
            if result == "Incomplete":
                pending = source
                continue
            pending = None
            text.append(self.take_printed())
            reported = self.take_reported()
            if result == "Success":
                text.append(
                    "".join(_RESULT_LINE.sub("", l) for l in reported.splitlines(True))
                )
            else:
                return scala_error(reported)
        if pending is not None:
            return error_result("Error", "incomplete statement", [])
        return {"status": "ok", "data": {"text/plain": "".join(text).rstrip()}}


def scala_error(reported):
    """A failed line's result: a runtime exception by its class, else a compile error."""
    lines = reported.splitlines()
    first = next((l for l in lines if l.strip()), "")
    thrown = _EXCEPTION_LINE.match(first)
    if thrown:
        rest = lines[lines.index(first) + 1:]
        return error_result(thrown.group(1), thrown.group(2) or "", rest)
    at = next((i for i, l in enumerate(lines) if "error:" in l), None)
    if at is None:
        return error_result("Error", first.strip() or "the statement failed", lines[1:])
    return error_result("Error", lines[at].strip(), lines[:at] + lines[at + 1:])

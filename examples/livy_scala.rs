//! A Scala (`spark`) session through Ember's Livy client, as the `test_scala` of "Talking to Spark from Python via Livy" uses
//! one: `1 + 1` answers `res0: Int = 2`, a value is read back, SparkPi's closures run on
//! executors, and a compile error and an exception come back typed.
//!
//! ```text
//! just spark-env                                                      # PySpark + a JDK, once
//! EMBER_LIVY_PYTHON=$(bash scripts/spark-env.sh | tail -n1) cargo run --example livy_scala
//! LIVY_SERVER_URL=localhost:8998 cargo run --example livy_scala         # or any Livy server
//! ```
//!
//! With `LIVY_SERVER_URL` unset the example starts Ember's Livy server, whose spark sessions run
//! a Scala interpreter in the JVM of a PySpark worker on `EMBER_LIVY_PYTHON` (default `python3`):
//! PySpark's jars ship the Scala compiler.

use ember::livy::Error;
use ember::livy::protocol::SessionKind;

const PI_SCALA: &str = "
    val NUM_SAMPLES = 100000;
    val count = sc.parallelize(1 to NUM_SAMPLES).map { i =>
        val x = Math.random();
        val y = Math.random();
        if (x*x + y*y < 1) 1 else 0
        }.reduce(_ + _);
    val pi = 4.0 * count / NUM_SAMPLES;
    println(\"Pi is roughly \" + pi)
";

fn main() -> std::process::ExitCode {
    ember_examples::exit_code(run())
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let (session, _server) = ember_examples::spark_session(SessionKind::Spark)?;
    println!("spark (Scala) session {} is idle", session.id());

    let two = session.run("1 + 1")?.to_text();
    println!("1 + 1 -> {two}");
    // A value read back: the interpreter's result line is `name: Type = value`.
    let value: i64 = two
        .rsplit_once(" = ")
        .map(|(_, v)| v.trim())
        .ok_or_else(|| format!("not a Scala result line: {two}"))?
        .parse()?;
    println!("read back: {value}");

    println!("{}", session.run(PI_SCALA)?.to_text());

    for code in [
        "val n: Int = \"not a number\"",
        "sys.error(\"a runtime error\")",
    ] {
        match session.run(code) {
            Err(Error::Statement { ename, evalue, .. }) => {
                println!("{code} -> {ename}: {evalue}")
            }
            other => return Err(format!("expected a Scala error, got {other:?}").into()),
        }
    }
    session.delete()?;
    Ok(())
}

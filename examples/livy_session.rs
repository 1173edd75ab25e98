//! The Python Livy utility's walk-through on a pyspark session: run Python code in a remote Spark
//! driver, read variables back with their types (ints, floats, lists, tuples, dicts, a Spark
//! DataFrame as Arrow), run a file, call a function with args and kwargs, and get a Python
//! error with its traceback.
//!
//! ```text
//! just spark-env                                                      # PySpark + a JDK, once
//! EMBER_LIVY_PYTHON=$(bash scripts/spark-env.sh | tail -n1) cargo run --example livy_session
//! LIVY_SERVER_URL=localhost:8998 cargo run --example livy_session       # or any Livy server
//! ```
//!
//! With `LIVY_SERVER_URL` unset the example starts Ember's Livy server, whose pyspark sessions
//! run on the Python in `EMBER_LIVY_PYTHON` (default `python3`), which needs `pyspark`.

use std::collections::BTreeMap;

use ember::livy::Error;
use ember::livy::protocol::SessionKind;
use ember::livy::python::PyValue;
use ember::sql::arrow::util::pretty::pretty_format_batches;

const PI_PY: &str = "
    import random

    NUM_SAMPLES = 100000
    def sample(p):
        x, y = random.random(), random.random()
        return 1 if x*x + y*y < 1 else 0

    count = sc.parallelize(range(0, NUM_SAMPLES)).map(sample).reduce(lambda a, b: a + b)
    pi = 4.0 * count / NUM_SAMPLES

    mylist = [1, 3, 'abc']
    mytuple = ('a', 'b', 'c', 1, 2, 3)
    mydict = {'a': 13, 'b': 'usa'}

    from pyspark.sql import Row
    pi_df = spark.createDataFrame([Row(value=pi)])
";

fn main() -> std::process::ExitCode {
    ember_examples::exit_code(run())
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let (session, _server) = ember_examples::spark_session(SessionKind::PySpark)?;
    println!("pyspark session {} is idle", session.id());

    println!("1 + 1 -> {}", session.run("1 + 1")?.to_text());
    session.run(PI_PY)?;
    let pi: f64 = session.read("pi")?;
    let mylist: (i64, i64, String) = session.read("mylist")?;
    let mydict: BTreeMap<String, serde_json::Value> = session.read("mydict")?;
    println!("pi = {pi}, mylist = {mylist:?}, mydict = {mydict:?}");
    let pi_df = session.read_dataframe("pi_df")?;
    println!("pi_df as Arrow:\n{}", pretty_format_batches(&[pi_df])?);

    session.run(
        "
        def myfunc(a, b, names, squared=False):
            c = [aa + bb for (aa, bb) in zip(a, b)]
            if squared:
                c = [x*x for x in c]
            return {k: v for (k, v) in zip(names, c)}
        ",
    )?;
    let names: PyValue = vec!["first", "second", "third"].into();
    let z: BTreeMap<String, i64> = session.run_function(
        "myfunc",
        &[vec![1, 2, 3].into(), vec![4, 6, 8].into(), names],
        &[("squared", true.into())],
    )?;
    println!("myfunc(..., squared=True) -> {z:?}");

    match session.run("raise ValueError('errors come back typed')") {
        Err(Error::Statement { ename, evalue, .. }) => println!("error: {ename}: {evalue}"),
        other => return Err(format!("expected a Python error, got {other:?}").into()),
    }
    session.delete()?;
    Ok(())
}

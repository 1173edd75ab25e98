//! The Spark conformance suite: `tests/conformance/queries/*.sql` over the tables in
//! `tests/conformance/tables/`, compared with real Spark's answers recorded by
//! `scripts/spark-oracle.py` (`just spark-oracle`) in `tests/conformance/spark-results.tsv`.
//!
//! A query agrees on *values* when Ember returns the same rows (in order when the query ends in
//! an `ORDER BY`, as multisets otherwise; floats within 1e-9 relative) or both fail, and on
//! *types* when the result columns have the same Spark type names. Queries marked in their file
//! with `-- known: types: <reason>` may differ in types (not values); `-- known: values: <reason>`
//! may differ in both. Any other difference fails the test.
//!
//! The test prints the per-family summary; `EMBER_WRITE_SPARK_COMPAT=1` also writes it, with every
//! known difference and its reason, to `docs/spark-compat.md`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use ember_sql::arrow::array::{Array, AsArray, RecordBatch};
use ember_sql::arrow::datatypes::{
    DataType, DurationMicrosecondType, Float32Type, Float64Type, TimeUnit,
};
use ember_sql::arrow::util::display::{ArrayFormatter, FormatOptions};
use ember_sql::{Session, spark_field_type_name};

#[path = "../conformance/suite.rs"]
mod suite;

fn suite_dir() -> PathBuf {
    crate::fixture::crate_dir().join("tests/conformance")
}

/// Spark's answer to one query, as recorded.
#[derive(Debug, Default)]
struct Answer {
    types: Vec<String>,
    /// Spark's column names (none recorded for an answer from before names were).
    names: Option<Vec<String>>,
    rows: Vec<Vec<Option<String>>>,
    error: Option<String>,
}

fn unescape(field: &str) -> Option<String> {
    if field == "\\N" {
        return None;
    }
    let mut out = String::new();
    let mut chars = field.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('t') => out.push('\t'),
                Some('n') => out.push('\n'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    Some(out)
}

fn parse_answers(text: &str) -> BTreeMap<String, Answer> {
    let mut answers = BTreeMap::new();
    let mut current: Option<(String, Answer)> = None;
    for line in text.lines() {
        let mut fields = line.split('\t');
        let kind = fields.next().unwrap_or_default();
        let rest: Vec<Option<String>> = fields.map(unescape).collect();
        match kind {
            "query" => {
                if let Some((k, a)) = current.take() {
                    answers.insert(k, a);
                }
                let key = rest[0].clone().unwrap();
                current = Some((key, Answer::default()));
            }
            "types" => current.as_mut().unwrap().1.types = rest.into_iter().flatten().collect(),
            "names" => {
                current.as_mut().unwrap().1.names = Some(rest.into_iter().flatten().collect())
            }
            "row" => current.as_mut().unwrap().1.rows.push(rest),
            "error" => current.as_mut().unwrap().1.error = rest[0].clone(),
            _ => {}
        }
    }
    if let Some((k, a)) = current {
        answers.insert(k, a);
    }
    answers
}

/// The error class a message names (`DIVIDE_BY_ZERO` in `[DIVIDE_BY_ZERO] Division by zero`;
/// a subclass after a dot counts as its class).
fn error_class(message: &str) -> Option<&str> {
    let mut rest = message;
    while let Some(start) = rest.find('[') {
        let after = &rest[start + 1..];
        let end = after.find(']')?;
        let inside = &after[..end];
        if inside.len() > 2
            && inside.contains('_')
            && inside
                .chars()
                .all(|c| c.is_ascii_uppercase() || c == '_' || c == '.')
        {
            return Some(inside.split('.').next().unwrap_or(inside));
        }
        rest = after;
    }
    None
}

/// Python's `repr` of a float, as the oracle records it.
fn py_float(f: f64) -> String {
    if f.is_nan() {
        "NaN".into()
    } else if f.is_infinite() {
        if f > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else if f.fract() == 0.0 && f.abs() < 1e16 {
        format!("{f:.1}")
    } else {
        format!("{f}")
    }
}

/// One value as text, the way `scripts/spark-oracle.py` renders Spark's (`None` for NULL).
fn cell(array: &dyn Array, i: usize) -> Option<String> {
    // A `NULL`-typed (Spark `void`) column has no validity buffer: every value is NULL.
    if array.is_null(i) || *array.data_type() == DataType::Null {
        return None;
    }
    let nested = |a: &dyn Array, j: usize| cell(a, j).unwrap_or_else(|| "NULL".into());
    Some(match array.data_type() {
        DataType::Float64 => py_float(array.as_primitive::<Float64Type>().value(i)),
        DataType::Float32 => py_float(f64::from(array.as_primitive::<Float32Type>().value(i))),
        DataType::List(_) => {
            let v = array.as_list::<i32>().value(i);
            let items: Vec<String> = (0..v.len()).map(|j| nested(v.as_ref(), j)).collect();
            format!("[{}]", items.join(", "))
        }
        DataType::LargeList(_) => {
            let v = array.as_list::<i64>().value(i);
            let items: Vec<String> = (0..v.len()).map(|j| nested(v.as_ref(), j)).collect();
            format!("[{}]", items.join(", "))
        }
        DataType::Struct(fields) => {
            let s = array.as_struct();
            let items: Vec<String> = fields
                .iter()
                .zip(s.columns())
                .map(|(f, c)| format!("{}: {}", f.name(), nested(c.as_ref(), i)))
                .collect();
            format!("{{{}}}", items.join(", "))
        }
        DataType::Map(_, _) => {
            let m = array.as_map().value(i);
            let (k, v) = (m.column(0), m.column(1));
            let items: Vec<String> = (0..m.len())
                .map(|j| format!("{}: {}", nested(k.as_ref(), j), nested(v.as_ref(), j)))
                .collect();
            format!("{{{}}}", items.join(", "))
        }
        // Python's `str` of the datetime PySpark collects: the wall clock in the session time
        // zone, no offset.
        DataType::Timestamp(_, _) => {
            let options =
                FormatOptions::default().with_timestamp_tz_format(Some("%Y-%m-%dT%H:%M:%S%.f"));
            // The oracle writes fractional seconds without trailing zeros (`30.5`, not `30.500`).
            let text = formatted_with(array, i, &options).replacen('T', " ", 1);
            if text.contains('.') {
                text.trim_end_matches('0').trim_end_matches('.').to_owned()
            } else {
                text
            }
        }
        DataType::Duration(_) => {
            let micros =
                ember_sql::arrow::compute::cast(array, &DataType::Duration(TimeUnit::Microsecond))
                    .map(|m| m.as_primitive::<DurationMicrosecondType>().value(i));
            match micros {
                Ok(micros) => py_timedelta(micros),
                Err(e) => format!("<cannot display: {e}>"),
            }
        }
        _ => formatted(array, i),
    })
}

/// Python's `str` of the `timedelta` PySpark collects for a day-time interval: `29 days,
/// 0:00:00`, `-2 days, 23:59:59.500000` (whole days floored, the rest positive).
fn py_timedelta(micros: i64) -> String {
    const DAY: i64 = 86_400_000_000;
    let (days, rest) = (micros.div_euclid(DAY), micros.rem_euclid(DAY));
    let (seconds, fraction) = (rest / 1_000_000, rest % 1_000_000);
    let clock = format!(
        "{}:{:02}:{:02}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    );
    let clock = if fraction > 0 {
        format!("{clock}.{fraction:06}")
    } else {
        clock
    };
    match days {
        0 => clock,
        1 | -1 => format!("{days} day, {clock}"),
        _ => format!("{days} days, {clock}"),
    }
}

/// Arrow's display of one value; a value Arrow cannot display shows the reason (and disagrees).
fn formatted(array: &dyn Array, i: usize) -> String {
    formatted_with(array, i, &FormatOptions::default())
}

fn formatted_with(array: &dyn Array, i: usize, options: &FormatOptions<'_>) -> String {
    match ArrayFormatter::try_new(array, options) {
        Ok(f) => f.value(i).to_string(),
        Err(e) => format!("<cannot display: {e}>"),
    }
}

fn rows_of(batches: &[RecordBatch]) -> Vec<Vec<Option<String>>> {
    // VARIANT values as their JSON text, as PySpark prints them.
    let batches = ember_sql::export::shown(batches).unwrap();
    let mut rows = Vec::new();
    for b in &batches {
        for i in 0..b.num_rows() {
            rows.push(b.columns().iter().map(|c| cell(c.as_ref(), i)).collect());
        }
    }
    rows
}

/// Whether the query's last `ORDER BY` is its own (not inside a window or subquery).
fn is_ordered(sql: &str) -> bool {
    let upper = sql.to_uppercase();
    upper.rfind("ORDER BY").is_some_and(|at| {
        let mut depth = 0i32;
        for c in upper[at..].chars() {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            if depth < 0 {
                return false;
            }
        }
        true
    })
}

fn cells_agree(a: &Option<String>, b: &Option<String>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => {
            a == b
                || match (a.parse::<f64>(), b.parse::<f64>()) {
                    (Ok(x), Ok(y)) => (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0),
                    _ => false,
                }
        }
        (None, None) => true,
        _ => false,
    }
}

fn rows_agree(ours: &[Vec<Option<String>>], theirs: &[Vec<Option<String>>], ordered: bool) -> bool {
    let sorted = |rows: &[Vec<Option<String>>]| {
        let mut r = rows.to_vec();
        if !ordered {
            r.sort();
        }
        r
    };
    let (a, b) = (sorted(ours), sorted(theirs));
    a.len() == b.len()
        && a.iter()
            .zip(&b)
            .all(|(x, y)| x.len() == y.len() && x.iter().zip(y).all(|(c, d)| cells_agree(c, d)))
}

fn register_tables(spark: &Session) {
    for statement in suite::table_statements(&suite_dir()).unwrap() {
        spark.sql(&statement).unwrap().collect().unwrap();
    }
}

#[derive(Default)]
struct Tally {
    total: usize,
    values: usize,
    both: usize,
    /// Queries both answer (so both name columns), and those whose names are Spark's.
    named: usize,
    names: usize,
}

fn pct(n: usize, d: usize) -> String {
    if d == 0 {
        "-".into()
    } else {
        format!("{:.0}%", 100.0 * n as f64 / d as f64)
    }
}

#[test]
fn spark_conformance_suite() {
    let answers =
        parse_answers(&std::fs::read_to_string(suite_dir().join("spark-results.tsv")).unwrap());
    let spark = Session::builder()
        .master("local[2]")
        .config("spark.sql.session.timeZone", "UTC")
        .get_or_create()
        .unwrap();
    register_tables(&spark);

    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut known = Vec::new();
    let mut renamed = Vec::new();
    let mut report = String::new();
    for (family, file) in suite::query_files(&suite_dir()).unwrap() {
        for q in suite::parse_queries(&family, &std::fs::read_to_string(&file).unwrap()) {
            let key = format!("{}/{}", q.family, q.name);
            let Some(theirs) = answers.get(&key) else {
                failures.push(format!(
                    "{key}: no recorded answer: run `just spark-oracle`"
                ));
                continue;
            };
            let ours = spark.sql(&q.sql).and_then(|df| {
                let batches = df.collect()?;
                let schema = batches
                    .first()
                    .map_or_else(|| df.schema(), RecordBatch::schema);
                Ok((schema, batches))
            });
            if let (Ok((schema, _)), Some(spark_names)) = (&ours, &theirs.names) {
                let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
                let tally = tallies.entry(family.clone()).or_default();
                tally.named += 1;
                if names == *spark_names {
                    tally.names += 1;
                } else {
                    println!("names differ {key}: Ember {names:?}, Spark {spark_names:?}");
                    let first = names.iter().zip(spark_names).find(|(a, b)| a != b);
                    renamed.push(match first {
                        Some((ours, theirs)) => format!(
                            "- `{key}`: Ember `{}`, Spark `{}`",
                            clipped(ours),
                            clipped(theirs)
                        ),
                        None => format!("- `{key}`: a different number of columns"),
                    });
                }
            }
            let (values_ok, types_ok, detail) = match (&ours, &theirs.error) {
                (Err(e), Some(err)) => {
                    // Where both name Spark's error class, it must be the same one.
                    let message = e.to_string();
                    let (ours, theirs) = (error_class(&message), error_class(err));
                    let same = ours.is_none() || theirs.is_none() || ours == theirs;
                    (same, same, format!("both fail (Ember: {e}; Spark: {err})"))
                }
                (Err(e), None) => (false, false, format!("Ember fails: {e}")),
                (Ok(_), Some(err)) => (false, false, format!("Spark fails: {err}")),
                (Ok((schema, batches)), None) => {
                    let types: Vec<String> = schema
                        .fields()
                        .iter()
                        .map(|f| spark_field_type_name(f))
                        .collect();
                    let rows = rows_of(batches);
                    let v = rows_agree(&rows, &theirs.rows, is_ordered(&q.sql));
                    let t = types == theirs.types;
                    (
                        v,
                        t,
                        format!(
                            "Ember types {types:?} rows {rows:?}\n    Spark types {:?} rows {:?}",
                            theirs.types, theirs.rows
                        ),
                    )
                }
            };
            let tally = tallies.entry(family.clone()).or_default();
            tally.total += 1;
            tally.values += usize::from(values_ok);
            tally.both += usize::from(values_ok && types_ok);
            let allowed = if !values_ok {
                q.known_values.clone()
            } else if !types_ok {
                q.known_types.clone().or_else(|| q.known_values.clone())
            } else {
                None
            };
            if values_ok && !types_ok && q.known_values.is_some() {
                println!("{key}: values agree with Spark now; mark it `-- known: types:`");
            }
            if values_ok && types_ok {
                if q.known_types.is_some() || q.known_values.is_some() {
                    println!("{key}: agrees with Spark now; remove its `-- known:` mark");
                }
            } else if let Some(reason) = allowed {
                let what = if values_ok { "types" } else { "values" };
                known.push(format!("- `{key}` ({what}): {reason}"));
                println!("known difference {key}:\n    {detail}");
            } else {
                failures.push(format!("{key}:\n    {}\n    {detail}", q.sql));
            }
        }
    }

    let (mut total, mut values, mut both, mut named, mut names) = (0, 0, 0, 0, 0);
    report.push_str(
        "| family | queries | values agree | values and types agree | column names agree |\n",
    );
    report.push_str("|---|---:|---:|---:|---:|\n");
    for (family, t) in &tallies {
        total += t.total;
        values += t.values;
        both += t.both;
        named += t.named;
        names += t.names;
        let _ = writeln!(
            report,
            "| {family} | {} | {} | {} | {} |",
            t.total,
            pct(t.values, t.total),
            pct(t.both, t.total),
            pct(t.names, t.named)
        );
    }
    let _ = writeln!(
        report,
        "| **all** | {total} | {} | {} | {} |",
        pct(values, total),
        pct(both, total),
        pct(names, named)
    );
    println!("{report}");
    if std::env::var_os("EMBER_WRITE_SPARK_COMPAT").is_some() {
        write_compat_doc(&report, &known, &renamed);
    }
    // The queries that differ first: they say what to fix when the floor below is also missed.
    assert!(
        failures.is_empty(),
        "{} queries differ from Spark without a `-- known:` mark:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // Issue 10's goal, kept as a floor (its size raised by issue 20's function families): a
    // change that loses agreement with Spark fails here.
    assert!(
        total >= 1000 && values * 100 >= total * 99 && both * 100 >= total * 99,
        "below the floor (>= 1000 queries, >= 99% values, >= 99% values and types):\n{report}"
    );
    // Spark's column names (issue 20): 97% when they were first compared, 99% since repeated
    // names are allowed, over 99.5% since subqueries are named.
    assert!(
        named >= 875 && names * 1000 >= named * 995,
        "below the floor for column names (>= 99.5% of {named} answered queries):\n{report}"
    );
}

/// A column name cut to a length that reads in a list.
fn clipped(name: &str) -> String {
    const MAX: usize = 100;
    match name.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}...", &name[..at]),
        None => name.to_owned(),
    }
}

fn write_compat_doc(summary: &str, known: &[String], renamed: &[String]) {
    let doc = format!(
        "# Spark compatibility of Ember's SQL\n\n\
         Generated by `EMBER_WRITE_SPARK_COMPAT=1 cargo test --workspace --test it -- \
         spark_conformance_suite`; do not edit by hand.\n\n\
         The conformance suite (`crates/ember-sql/tests/conformance/`) runs each query on Ember and \
         compares the answer with real Spark's (PySpark 4.3, ANSI mode on, session time zone \
         UTC), recorded by `just spark-oracle` in `spark-results.tsv`. *Values agree*: same rows \
         (floats within 1e-9 relative), or both fail. *Values and types agree*: also the same \
         Spark type names for the result columns. *Column names agree*: of the queries both \
         answer, those whose result columns have Spark's names.\n\n\
         {summary}\n\
         ## Known differences\n\n\
         Each is marked `-- known: types:` or `-- known: values:` in its query file, with the \
         reason.\n\n{}\n\n\
         ## Column names that differ\n\n\
         The first column whose name is not Spark's, for each query (`crates/ember-sql/src/\
         naming.rs` says where Ember keeps DataFusion's names).\n\n{}\n",
        known.join("\n"),
        renamed.join("\n")
    );
    let path = crate::fixture::crate_dir().join("../../docs/spark-compat.md");
    // The function coverage section is the coverage test's, and the cluster section the
    // `ember` crate's cluster test's: kept as they are.
    let old = std::fs::read_to_string(&path).unwrap_or_default();
    let kept = |start: &str, end: &str| match (old.find(start), old.find(end)) {
        (Some(a), Some(b)) => format!("\n{}\n", &old[a..b + end.len()]),
        _ => String::new(),
    };
    let cluster = kept("<!-- cluster: start -->", "<!-- cluster: end -->");
    let coverage = kept(
        super::coverage::COVERAGE_START,
        super::coverage::COVERAGE_END,
    );
    std::fs::write(path, doc + &cluster + &coverage).unwrap();
}

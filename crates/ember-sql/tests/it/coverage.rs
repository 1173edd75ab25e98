//! Function coverage against Spark's own list: every function Spark 4.3's `SHOW FUNCTIONS` lists
//! (recorded by `scripts/spark-functions.py` in `tests/conformance/spark-functions.txt`) is
//! either known to Ember (in its function registry, or planned successfully on a representative
//! call for operators, syntax and generators) or refused with
//! [`Error::UnsupportedFunction`](ember_sql::Error::UnsupportedFunction) naming it, never
//! DataFusion's "Invalid function".
//!
//! `EMBER_WRITE_SPARK_COMPAT=1` also writes the per-family coverage table into
//! `docs/spark-compat.md` (between its coverage markers; the conformance test keeps them).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use ember_sql::datafusion::execution::FunctionRegistry as _;
use ember_sql::{Error, Session};

/// Representative calls for Spark's operators, syntax forms and generators, which are not
/// functions in a registry: the name is known to Ember when its call plans.
const CALLS: &[(&str, &str)] = &[
    ("!", "SELECT !true"),
    ("!=", "SELECT 1 != 2"),
    ("%", "SELECT 5 % 2"),
    ("&", "SELECT 5 & 3"),
    ("*", "SELECT 2 * 3"),
    ("+", "SELECT 2 + 3"),
    ("-", "SELECT 2 - 3"),
    ("/", "SELECT 2 / 3"),
    ("<", "SELECT 1 < 2"),
    ("<<", "SELECT 1 << 2"),
    ("<=", "SELECT 1 <= 2"),
    ("<=>", "SELECT 1 <=> NULL"),
    ("<>", "SELECT 1 <> 2"),
    ("=", "SELECT 1 = 2"),
    ("==", "SELECT 1 == 2"),
    (">", "SELECT 1 > 2"),
    (">=", "SELECT 1 >= 2"),
    (">>", "SELECT 8 >> 1"),
    (">>>", "SELECT 8 >>> 1"),
    ("^", "SELECT 5 ^ 3"),
    ("|", "SELECT 5 | 3"),
    ("||", "SELECT 'a' || 'b'"),
    ("~", "SELECT ~5"),
    ("and", "SELECT true AND false"),
    ("or", "SELECT true OR false"),
    ("not", "SELECT NOT true"),
    ("between", "SELECT 2 BETWEEN 1 AND 3"),
    ("case", "SELECT CASE WHEN true THEN 1 END"),
    ("in", "SELECT 1 IN (1, 2)"),
    ("like", "SELECT 'a' LIKE 'a'"),
    ("ilike", "SELECT 'a' ILIKE 'A'"),
    ("rlike", "SELECT 'a' RLIKE 'a'"),
    ("regexp", "SELECT 'a' REGEXP 'a'"),
    ("cast", "SELECT CAST(1 AS STRING)"),
    ("try_cast", "SELECT TRY_CAST('1' AS INT)"),
    ("extract", "SELECT extract(YEAR FROM DATE '2024-01-15')"),
    ("div", "SELECT 5 DIV 2"),
    ("struct", "SELECT struct(1, 2)"),
    ("explode", "SELECT explode(array(1, 2))"),
    ("explode_outer", "SELECT explode_outer(array(1, 2))"),
    ("posexplode", "SELECT posexplode(array(1, 2))"),
    ("posexplode_outer", "SELECT posexplode_outer(array(1, 2))"),
    ("inline", "SELECT inline(array(named_struct('a', 1)))"),
    (
        "inline_outer",
        "SELECT inline_outer(array(named_struct('a', 1)))",
    ),
    ("json_tuple", "SELECT json_tuple('{\"a\":1}', 'a')"),
    ("stack", "SELECT stack(2, 1, 2)"),
    (
        "listagg",
        "SELECT listagg(a, ',') WITHIN GROUP (ORDER BY a) FROM (VALUES ('x')) AS t(a)",
    ),
    ("range", "SELECT * FROM range(3)"),
    ("exists", "SELECT exists(array(1), x -> x > 0)"),
    (
        "grouping_id",
        "SELECT grouping_id() FROM (VALUES (1)) AS t(a) GROUP BY CUBE(a)",
    ),
    ("when", "SELECT CASE WHEN true THEN 1 END"),
    ("transform", "SELECT transform(array(1), x -> x + 1)"),
    ("filter", "SELECT filter(array(1), x -> x > 0)"),
    ("forall", "SELECT forall(array(1), x -> x > 0)"),
    (
        "aggregate",
        "SELECT aggregate(array(1), 0, (acc, x) -> acc + x)",
    ),
    ("reduce", "SELECT reduce(array(1), 0, (acc, x) -> acc + x)"),
    (
        "zip_with",
        "SELECT zip_with(array(1), array(2), (x, y) -> x + y)",
    ),
    (
        "map_filter",
        "SELECT map_filter(map(1, 2), (k, v) -> v > 1)",
    ),
    (
        "transform_keys",
        "SELECT transform_keys(map(1, 2), (k, v) -> k + 1)",
    ),
    (
        "transform_values",
        "SELECT transform_values(map(1, 2), (k, v) -> v + 1)",
    ),
    (
        "map_zip_with",
        "SELECT map_zip_with(map(1, 2), map(1, 3), (k, a, b) -> a + b)",
    ),
];

fn spark_functions() -> Vec<(String, String)> {
    let path = crate::fixture::crate_dir().join("tests/conformance/spark-functions.txt");
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (name, group) = l.split_once('\t').unwrap_or((l, ""));
            (name.to_owned(), group.to_owned())
        })
        .collect()
}

fn family(group: &str) -> String {
    match group {
        "" => "operators and syntax".to_owned(),
        g => g.strip_suffix("_funcs").unwrap_or(g).replace('_', " "),
    }
}

#[test]
fn every_spark_function_is_known_or_refused_by_name() {
    let spark = Session::builder()
        .master("local[1]")
        .get_or_create()
        .unwrap();
    let ctx = spark.datafusion();
    let calls: BTreeMap<&str, &str> = CALLS.iter().copied().collect();
    let mut by_family: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut wrong = Vec::new();
    let mut missing = Vec::new();
    for (name, group) in spark_functions() {
        let registered = ctx.udf(&name).is_ok()
            || ctx.udaf(&name).is_ok()
            || ctx.udwf(&name).is_ok()
            || ctx.table_function(&name).is_ok();
        let known = registered
            || match calls.get(name.as_str()) {
                Some(sql) => spark.sql(sql).is_ok(),
                None => false,
            };
        let entry = by_family.entry(family(&group)).or_default();
        entry.0 += 1;
        if known {
            entry.1 += 1;
            continue;
        }
        missing.push(name.clone());
        if calls.contains_key(name.as_str()) {
            // Syntax Ember lacks: it fails to plan (the test above), nothing to name.
            continue;
        }
        match spark.sql(&format!("SELECT {name}()")) {
            Err(Error::UnsupportedFunction { name: n, .. }) if n == name => {}
            other => wrong.push(format!("{name}: {:?}", other.map(|_| "plans"))),
        }
    }
    let (total, known) = by_family
        .values()
        .fold((0, 0), |(t, k), (ft, fk)| (t + ft, k + fk));
    let mut table = String::new();
    table.push_str("| family | Spark's functions | known to Ember |\n|---|---:|---:|\n");
    for (f, (t, k)) in &by_family {
        let _ = writeln!(
            table,
            "| {f} | {t} | {k} ({:.0}%) |",
            100.0 * *k as f64 / *t as f64
        );
    }
    let _ = writeln!(
        table,
        "| **all** | {total} | {known} ({:.0}%) |",
        100.0 * known as f64 / total as f64
    );
    println!("{table}\nnot in Ember: {}", missing.join(" "));
    if std::env::var_os("EMBER_WRITE_SPARK_COMPAT").is_some() {
        write_coverage(&table, &missing);
    }
    assert!(
        wrong.is_empty(),
        "{} Spark functions are neither known nor refused with UNSUPPORTED_FUNCTION:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    // The coverage reached by issue 20, kept as a floor.
    assert!(
        known * 100 >= total * 93,
        "coverage fell below 93%:\n{table}"
    );
}

pub(crate) const COVERAGE_START: &str = "<!-- function coverage: start -->";
pub(crate) const COVERAGE_END: &str = "<!-- function coverage: end -->";

fn write_coverage(table: &str, missing: &[String]) {
    let path = crate::fixture::crate_dir().join("../../docs/spark-compat.md");
    let doc = std::fs::read_to_string(&path).unwrap_or_default();
    let section = format!(
        "{COVERAGE_START}\n## Function coverage\n\n\
         Generated by `EMBER_WRITE_SPARK_COMPAT=1 cargo test --workspace --test it -- \
         every_spark_function_is_known_or_refused_by_name`. Spark's list is its `SHOW FUNCTIONS` \
         (PySpark 4.3, recorded by `scripts/spark-functions.py`), by Spark's own function \
         groups. *Known*: in Ember's function registry, or (operators, syntax, generators) a \
         representative call plans. Every other name is refused with `[UNSUPPORTED_FUNCTION]` \
         naming it.\n\n{table}\n\
         Not in Ember: {}.\n{COVERAGE_END}\n",
        missing
            .iter()
            .map(|m| format!("`{m}`"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let doc = match (doc.find(COVERAGE_START), doc.find(COVERAGE_END)) {
        (Some(a), Some(b)) => {
            let after = doc[b + COVERAGE_END.len()..].trim_start_matches('\n');
            format!("{}{section}{after}", &doc[..a])
        }
        _ => format!("{}\n{section}", doc.trim_end()),
    };
    std::fs::write(path, doc).unwrap();
}

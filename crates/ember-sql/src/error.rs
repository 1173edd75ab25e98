//! The one error type of `ember-sql`.

use std::path::PathBuf;

use datafusion::error::DataFusionError;

use crate::overflow::OverflowFailure;
use crate::spark::DivideByZeroFailure;
use crate::type_checks::DataTypeMismatchFailure;

/// Everything that can go wrong in `ember-sql`.
///
/// Variants carry structured context (the query, the view, the row and column, the path) so callers
/// can react to them without parsing messages.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The RDD layer failed (a task panicked, the master URL is not supported, ...).
    #[error("RDD error: {0}")]
    Rdd(#[from] ember_rdd::Error),

    /// The session could not be configured (bad key, bad value, unreadable or malformed config file).
    #[error("configuration error{}: {message}", key.as_ref().map(|k| format!(" for `{k}`")).unwrap_or_default())]
    Config {
        /// The configuration key or file at fault, if known.
        key: Option<String>,
        /// What is wrong.
        message: String,
    },

    /// A SQL query could not be parsed. `line`/`column` point into the query (1-based).
    #[error("SQL syntax error at line {line}, column {column}: {message}\n  in query: {query}")]
    Parse {
        /// The query text.
        query: String,
        /// 1-based line of the error (0 if unknown).
        line: u64,
        /// 1-based column of the error (0 if unknown).
        column: u64,
        /// The parser's message.
        message: String,
    },

    /// A query or DataFrame operation names a view (table) that is not registered.
    #[error("unknown view `{name}`{}", query.as_ref().map(|q| format!(" in query: {q}")).unwrap_or_default())]
    UnknownView {
        /// The view name as written.
        name: String,
        /// The query, if the view was named in SQL.
        query: Option<String>,
    },

    /// `create_temp_view` was asked to create a view that already exists.
    #[error("temp view `{name}` already exists (use create_or_replace_temp_view to replace it)")]
    ViewExists {
        /// The view name.
        name: String,
    },

    /// A query or DataFrame operation could not be planned: unknown column or function, wrong
    /// argument count or types, ... `line`/`column` are set when DataFusion reports a span.
    #[error("cannot plan query{}: {message}{}", position_suffix(*line, *column), query.as_ref().map(|q| format!("\n  in query: {q}")).unwrap_or_default())]
    Plan {
        /// The query text, if the error came from SQL.
        query: Option<String>,
        /// 1-based line of the offending expression, if known.
        line: Option<u64>,
        /// 1-based column of the offending expression, if known.
        column: Option<u64>,
        /// DataFusion's message.
        message: String,
    },

    /// Arithmetic whose operand types Spark refuses (`1 + true`, `array(1) + 1`), a `CASE WHEN`
    /// condition that is not a boolean, a boolean number of days to `date_add`/`date_sub`:
    /// Spark's `DATATYPE_MISMATCH` error, in Spark 4's words. `subclass` is Spark's
    /// (`BINARY_OP_DIFF_TYPES`, `BINARY_OP_WRONG_TYPE`, `UNEXPECTED_INPUT_TYPE`); `expression`
    /// is the refused expression as Spark writes it (`(a + b)`).
    #[error(
        "[DATATYPE_MISMATCH.{subclass}] Cannot resolve \"{expression}\" due to data type mismatch: {detail}. SQLSTATE: 42K09"
    )]
    DataTypeMismatch {
        /// Spark's subclass of `DATATYPE_MISMATCH`.
        subclass: &'static str,
        /// The refused expression, as Spark's messages write it (`(a + b)`).
        expression: String,
        /// Why, with Spark's type names.
        detail: String,
    },

    /// A function Spark has and Ember does not: the analogue of Spark's `UNRESOLVED_ROUTINE`
    /// for a name Spark knows (`SHOW FUNCTIONS` of Spark 4.3). `reason` says why, for the
    /// functions that are bound to the JVM or to a format Ember does not read (`java_method`,
    /// Avro, Protobuf, ...).
    #[error("[UNSUPPORTED_FUNCTION] `{name}` is a Spark function that Ember does not support{}{}", reason.map(|r| format!(": {r}")).unwrap_or_default(), query.as_ref().map(|q| format!("\n  in query: {q}")).unwrap_or_default())]
    UnsupportedFunction {
        /// The function's name, lower case.
        name: String,
        /// Why Ember will not have it, when that is known.
        reason: Option<&'static str>,
        /// The query that called it.
        query: Option<String>,
    },

    /// A query's expressions (or subqueries) nest deeper than Ember plans
    /// ([`MAX_DEPTH`](crate::MAX_DEPTH)): a chain of `+` or `||` operators is as deep as it is
    /// long (`AND`/`OR` chains are rebalanced and never are). Checked on the parsed query before
    /// anything is planned, so planning's recursion and time stay bounded. Split the chain (an
    /// `IN` list, a `CASE` or a function's arguments are flat, however long).
    #[error(
        "the query nests deeper than {limit} levels (a chain of {limit} `+` or `||` operators or more); split it, an IN list or CASE branches stay flat\n  in query: {query}"
    )]
    ExpressionTooDeep {
        /// The deepest nesting Ember plans.
        limit: usize,
        /// The query text.
        query: String,
    },

    /// Planning a query stopped because its caller gave up on it (a cancel, a timeout, or the
    /// planning future dropped).
    #[error("planning the query was cancelled")]
    Cancelled,

    /// A value of an RDD row does not fit the declared schema.
    #[error(
        "row {row} (partition {partition}), column `{column}`: {message} (expected {expected})"
    )]
    SchemaMismatch {
        /// Global 0-based index of the row, counted over the RDD's partitions in order.
        row: usize,
        /// RDD partition that holds the row.
        partition: usize,
        /// Column name from the schema (or `#index` when the row is wider than the schema).
        column: String,
        /// The Arrow type the schema declares.
        expected: String,
        /// What was found instead.
        message: String,
    },

    /// Record batches given to a DataFrame do not share one schema.
    #[error("batch {batch} has schema {found}, expected {expected}")]
    BatchSchemaMismatch {
        /// 0-based index of the offending batch.
        batch: usize,
        /// The schema of the first batch (or the one given).
        expected: String,
        /// The offending batch's schema.
        found: String,
    },

    /// A user-defined function panicked or returned an error while a query ran.
    #[error("UDF `{name}` failed: {message}")]
    Udf {
        /// The UDF's registered name.
        name: String,
        /// The panic payload or the error returned by the closure.
        message: String,
    },

    /// A file could not be read or written as the requested format.
    #[error("cannot {action} {format} file {}: {message}", path.display())]
    File {
        /// `"read"` or `"write"`.
        action: &'static str,
        /// `"parquet"`, `"csv"`, `"json"` or `"arrow"`.
        format: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        message: String,
    },

    /// Integer arithmetic overflowed its type while a query ran (Spark's `ARITHMETIC_OVERFLOW`
    /// with ANSI mode on): `+`, `-`, `*`, unary `-`, `abs` or `negative` of `TINYINT`,
    /// `SMALLINT`, `INT` or `BIGINT` values whose result does not fit. Ember raises it instead of
    /// returning a wrapped-around number; cast to a wider type (`CAST(x AS BIGINT)`, or
    /// `DECIMAL(38, 0)` beyond `BIGINT`) to compute the value, or set `spark.sql.ansi.enabled`
    /// to `false` to wrap as Spark's legacy mode does.
    #[error(
        "[ARITHMETIC_OVERFLOW] {data_type} overflow: {detail} does not fit in {data_type} (operator `{operator}`); use try_add, try_subtract or try_multiply for NULL instead, cast to a wider type first, or set spark.sql.ansi.enabled=false to wrap around"
    )]
    ArithmeticOverflow {
        /// The operation: `+`, `-`, `*`, `unary -`, `abs` or `negative`.
        operator: &'static str,
        /// Spark's name of the operands' type (`int`, `bigint`, `smallint`, `tinyint`).
        data_type: String,
        /// The failing operation with its values (`2147483647 + 1`, `-(-2147483648)`, `abs(-128)`).
        detail: String,
    },

    /// A `/`, `DIV` or `%` met a zero divisor with ANSI mode on (Spark 4's default; Spark's
    /// `DIVIDE_BY_ZERO`, `REMAINDER_BY_ZERO` for `%`). With `spark.sql.ansi.enabled=false` the
    /// quotient of `/` and `DIV` is `NULL`.
    #[error("{}", divide_by_zero_message(operator))]
    DivideByZero {
        /// The operator: `/`, `div` or `%`.
        operator: &'static str,
    },

    /// A string could not be cast to a number, a boolean, a date or a timestamp while a query
    /// ran (Spark's `CAST_INVALID_INPUT` with ANSI mode on): `CAST('abc' AS INT)`, `int('x')`,
    /// a string compared with or combined with a number. `try_cast` gives `NULL` instead.
    #[error(
        "[CAST_INVALID_INPUT] The value '{value}' of the type \"STRING\" cannot be cast to \"{to}\" because it is malformed. Correct the value as per the syntax, or change its target type. Use `try_cast` to tolerate malformed input and return NULL instead. SQLSTATE: 22018"
    )]
    CastInvalidInput {
        /// The string, with `'` written `\'` as Spark writes it.
        value: String,
        /// Spark's name of the target type (`INT`, `DOUBLE`, `DATE`, `TIMESTAMP`, `DECIMAL`...).
        to: String,
    },

    /// A recursive CTE did not finish within a bound (Spark's `RECURSION_LEVEL_LIMIT_EXCEEDED`
    /// and `RECURSION_ROW_LIMIT_EXCEEDED`): its recursive term ran more levels than
    /// `spark.sql.cteRecursionLevelLimit` (default 100), or its rows reached
    /// `spark.sql.cteRecursionRowLimit` (default 1,000,000). Raise the bound (`-1` for none) or
    /// put a `LIMIT` on the query that reads the CTE.
    #[error("{}", recursion_limit_message(*bound, *limit))]
    RecursionLimitExceeded {
        /// Which bound.
        bound: crate::RecursionBound,
        /// Its value.
        limit: u64,
    },

    /// A query ran past a bound on its time (a cluster's `ember.cluster.job_timeout`); the work
    /// it started was cancelled. A [`Remote`](crate::Remote) raises it inside a query's stream
    /// as [`Error::into_datafusion`].
    #[error("timed out after {after:?} waiting for {what}")]
    Timeout {
        /// What was awaited.
        what: String,
        /// The bound.
        after: std::time::Duration,
    },

    /// A query failed while it ran (a bad cast, I/O, ...).
    #[error("query execution failed: {message}")]
    Execution {
        /// DataFusion's message.
        message: String,
    },

    /// An Arrow-level operation failed (IPC encoding, formatting, export).
    #[error("Arrow error while {context}: {source}")]
    Arrow {
        /// What Ember was doing.
        context: &'static str,
        /// The Arrow error.
        source: datafusion::arrow::error::ArrowError,
    },

    /// The session's [`SqlPolicy`](crate::SqlPolicy) refuses the statement (a file it would
    /// read or write, a setting it would change); nothing of it ran.
    #[error("{message}")]
    Refused {
        /// Which statement and why, in one line.
        message: String,
    },

    /// Converting to a Polars DataFrame failed.
    #[cfg(feature = "polars")]
    #[error("Polars export failed for column `{column}`: {message}")]
    Polars {
        /// The column being converted.
        column: String,
        /// Polars' message.
        message: String,
    },

    /// A result held more bytes than the caller's bound
    /// ([`DataFrame::collect_limited_until`](crate::DataFrame::collect_limited_until)); the
    /// query was stopped there.
    #[error("the result is larger than the limit of {limit} bytes")]
    ResultTooLarge {
        /// The bound, in bytes of Arrow data.
        limit: usize,
    },

    /// An argument was out of range or malformed (bad `name=path` view spec, unknown output format...).
    #[error("invalid argument: {message}")]
    InvalidArgument {
        /// What is wrong.
        message: String,
    },

    /// Ember's own tokio runtime could not be started or a query task was lost.
    #[error("runtime error: {message}")]
    Runtime {
        /// What happened.
        message: String,
    },

    /// Writing output to a caller-supplied writer failed.
    #[error("I/O error while {context}: {source}")]
    Io {
        /// What Ember was doing.
        context: &'static str,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// `Result` with [`Error`] as the default error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

fn position_suffix(line: Option<u64>, column: Option<u64>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!(" at line {l}, column {c}"),
        _ => String::new(),
    }
}

/// Marker error returned by Ember UDFs inside DataFusion, so [`Error::from_datafusion`] can turn it
/// back into [`Error::Udf`].
#[derive(Debug, thiserror::Error)]
#[error("UDF `{name}` failed: {message}")]
pub(crate) struct UdfFailure {
    pub(crate) name: String,
    pub(crate) message: String,
}

impl Error {
    /// `self` as a DataFusion error, for code that runs inside a query (a plan node, a stream):
    /// [`Error::from_datafusion`] gives back a [`Error::Timeout`] as it was, any other variant
    /// as its message.
    pub fn into_datafusion(self) -> DataFusionError {
        DataFusionError::External(Box::new(self))
    }

    /// Converts a DataFusion error, with the query that caused it if there is one (for callers
    /// that drive DataFusion directly through [`Session::datafusion`](crate::Session::datafusion)).
    pub fn from_datafusion(err: DataFusionError, query: Option<&str>) -> Error {
        // A UDF failure or an overflow may be wrapped (Context, Shared,
        // ArrowError::ExternalError, ...): find it.
        if let Some(udf) = find_marker::<UdfFailure>(&err) {
            return Error::Udf {
                name: udf.name.clone(),
                message: udf.message.clone(),
            };
        }
        if let Some(zero) = find_marker::<DivideByZeroFailure>(&err) {
            return Error::DivideByZero {
                operator: zero.operator,
            };
        }
        if let Some(m) = find_marker::<DataTypeMismatchFailure>(&err) {
            return Error::DataTypeMismatch {
                subclass: m.subclass,
                expression: m.expression.clone(),
                detail: m.detail.clone(),
            };
        }
        if let Some(r) = find_marker::<crate::recursion::RecursionLimitFailure>(&err) {
            return Error::RecursionLimitExceeded {
                bound: r.bound,
                limit: r.limit,
            };
        }
        if let Some(Error::Timeout { what, after }) = find_marker::<Error>(&err) {
            return Error::Timeout {
                what: what.clone(),
                after: *after,
            };
        }
        if let Some(overflow) = find_marker::<OverflowFailure>(&err) {
            return Error::ArithmeticOverflow {
                operator: overflow.operator,
                data_type: overflow.data_type.clone(),
                detail: overflow.detail.clone(),
            };
        }
        let span = err.diagnostic().and_then(|d| d.span);
        let root = err.find_root();
        match root {
            DataFusionError::SQL(parser_err, _) => {
                let message = parser_err.to_string();
                let (line, column) = parse_position(&message)
                    .or_else(|| {
                        // "found: EOF" has no position: point just past the end of the query.
                        let q = query.filter(|_| message.contains("EOF"))?;
                        let line = q.lines().count().max(1);
                        let last = q.lines().last().unwrap_or_default();
                        Some((line as u64, last.chars().count() as u64 + 1))
                    })
                    .unwrap_or((0, 0));
                Error::Parse {
                    query: query.unwrap_or_default().to_owned(),
                    line,
                    column,
                    message,
                }
            }
            DataFusionError::Plan(_)
            | DataFusionError::SchemaError(..)
            | DataFusionError::NotImplemented(_)
            | DataFusionError::Configuration(_) => {
                let message = root.message().into_owned();
                match signature_mismatch(&message) {
                    Some(NoSignature::Types { expression, detail }) => {
                        return Error::DataTypeMismatch {
                            subclass: "UNEXPECTED_INPUT_TYPE",
                            expression,
                            detail,
                        };
                    }
                    Some(NoSignature::Count(message)) => {
                        return Error::Plan {
                            query: query.map(str::to_owned),
                            line: span.map(|s| s.start.line),
                            column: span.map(|s| s.start.column),
                            message,
                        };
                    }
                    None => {}
                }
                if let Some(name) = unknown_table_name(&message) {
                    return Error::UnknownView {
                        name,
                        query: query.map(str::to_owned),
                    };
                }
                if let Some(name) = crate::functions::spark_names::unsupported_in(&message) {
                    // DataFusion looks a call without OVER up among the other functions only.
                    if crate::functions::spark_names::is_window_function(&name) {
                        return Error::Plan {
                            query: query.map(str::to_owned),
                            line: span.map(|s| s.start.line),
                            column: span.map(|s| s.start.column),
                            message: format!(
                                "[WINDOW_FUNCTION_WITHOUT_OVER_CLAUSE] Window function \"{name}\" requires an OVER clause. SQLSTATE: 42601"
                            ),
                        };
                    }
                    return Error::UnsupportedFunction {
                        reason: crate::functions::spark_names::reason(&name),
                        name,
                        query: query.map(str::to_owned),
                    };
                }
                Error::Plan {
                    query: query.map(str::to_owned),
                    line: span.map(|s| s.start.line),
                    column: span.map(|s| s.start.column),
                    message: subquery_left_in_plan(&message).unwrap_or(message),
                }
            }
            _ => {
                let message = root.message().into_owned();
                if let Some(spark) = cannot_parse_timestamp(&message) {
                    return Error::Execution { message: spark };
                }
                match cast_invalid_input(&message) {
                    Some((value, to)) => Error::CastInvalidInput { value, to },
                    None => Error::Execution {
                        message: spark_class_of_decimal_overflow(spark_class_of_cast_overflow(
                            spark_class_of_date_parts(message),
                        )),
                    },
                }
            }
        }
    }
}

/// What DataFusion's "Physical plan does not support logical expression" means of a subquery
/// its optimizer did not turn into a join: the construct, named, and what to write instead.
fn subquery_left_in_plan(message: &str) -> Option<String> {
    let rest = message.strip_prefix("Physical plan does not support logical expression ")?;
    let (what, instead) = if rest.starts_with("Exists(") || rest.starts_with("InSubquery(") {
        let what = if rest.starts_with("Exists(") {
            "EXISTS (subquery)"
        } else {
            "IN (subquery)"
        };
        (
            format!(
                "{what} is supported by Ember in conditions (WHERE, HAVING) and, over a plain SELECT (no GROUP BY, LIMIT or set operation; for IN, of one column not reading the outer row), in the SELECT list; not here"
            ),
            "test it in WHERE, or LEFT JOIN the subquery and test its key for NULL",
        )
    } else if rest.starts_with("ScalarSubquery(") {
        (
            "this correlated scalar subquery is not supported by Ember: a scalar subquery may read the outer row only through equalities (r.id = l.id)".to_owned(),
            "join the subquery's rows and aggregate them",
        )
    } else if rest.starts_with("OuterReferenceColumn(") {
        (
            format!(
                "this subquery reads the outer row's {} in a way Ember does not support: a LATERAL subquery may read it in its SELECT list and WHERE (no GROUP BY, ORDER BY, LIMIT or window), or in equalities of its WHERE under an aggregate",
                outer_column(rest).unwrap_or_else(|| "columns".to_owned())
            ),
            "join the outer rows and the subquery's rows instead",
        )
    } else {
        return None;
    };
    Some(format!("{what}; {instead}"))
}

/// The column of DataFusion's `OuterReferenceColumn(Field {..}, Column { relation: Some(Bare {
/// table: "l" }), name: "id" })`, as `l.id`.
fn outer_column(debug: &str) -> Option<String> {
    let column = &debug[debug.find("Column {")?..];
    let quoted = |key: &str| {
        let from = column.find(key)? + key.len();
        let len = column[from..].find('"')?;
        Some(&column[from..from + len])
    };
    let name = quoted("name: \"")?;
    Some(match quoted("table: \"") {
        Some(table) => format!("{table}.{name}"),
        None => name.to_owned(),
    })
}

/// Spark's error class and advice for a zero divisor of `operator`.
fn divide_by_zero_message(operator: &str) -> String {
    if operator == "%" {
        "[REMAINDER_BY_ZERO] remainder by zero in `%`; set spark.sql.ansi.enabled=false to bypass \
         this error"
            .to_owned()
    } else {
        format!(
            "[DIVIDE_BY_ZERO] division by zero in `{operator}`; use try_divide for NULL instead, \
             or set spark.sql.ansi.enabled=false"
        )
    }
}

/// Why no signature of a function takes a call's arguments.
enum NoSignature {
    /// Their types: Spark's `DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE`, in Spark's type names.
    Types { expression: String, detail: String },
    /// Their number only: Spark's `WRONG_NUM_ARGS`, the whole message.
    Count(String),
}

/// A call DataFusion found no signature of its function for. DataFusion's message is several
/// lines (every candidate signature), in Arrow's type names, and for some functions
/// (`sum(true)`) an "internal error" that asks for a bug report.
fn signature_mismatch(message: &str) -> Option<NoSignature> {
    const MARK: &str = "No function matches the given name and argument types '";
    // A function whose string parameters take numbers (functions/text_params.rs) reports the
    // check of the function it wraps inside DataFusion's check of itself: read the inner one,
    // which ends where the outer report's own mark starts.
    let wrapped = crate::functions::text_params::WRAPPED_REFUSAL;
    if let Some(i) = message.find(wrapped) {
        let inner = &message[i + wrapped.len()..];
        let first = inner.find(MARK)?;
        let end = inner[first + MARK.len()..]
            .find(MARK)
            .map_or(inner.len(), |j| first + MARK.len() + j);
        return signature_mismatch(
            inner[..end].trim_end_matches(|c: char| c == '.' || c.is_whitespace()),
        );
    }
    let at = message.find(MARK)?;
    let call = &message[at + MARK.len()..];
    let call = &call[..call.find("'. ")?];
    let (name, args) = call.split_once('(')?;
    let args = args.strip_suffix(')')?;
    let types: Vec<String> = split_top_level(args)
        .into_iter()
        .map(
            |t| match t.parse::<datafusion::arrow::datatypes::DataType>() {
                Ok(t) => crate::types::spark_type_name(&t).to_ascii_uppercase(),
                Err(_) => t.to_owned(),
            },
        )
        .collect();
    let reasons = &message[..at];
    // "expects 1 arguments but received 2", for every signature tried and nothing else.
    let mut expected: Vec<&str> = Vec::new();
    let mut rest = reasons;
    while let Some(i) = rest.find(" expects ") {
        let after = &rest[i + " expects ".len()..];
        let count = &after[..after.find(' ').unwrap_or(after.len())];
        if after[count.len()..].starts_with(" argument") && !expected.contains(&count) {
            expected.push(count);
        }
        rest = after;
    }
    // Every candidate an exact signature (each argument a type), none of the call's length:
    // the number is wrong whatever DataFusion's reason says (`Exact(Float64)` "failed").
    let exact: Option<Vec<usize>> =
        message[at..]
            .split("Candidate functions:")
            .nth(1)
            .and_then(|list| {
                list.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(|l| {
                        let args = l.strip_prefix(name)?.strip_prefix('(')?.strip_suffix(')')?;
                        let parts = split_top_level(args);
                        parts
                            .iter()
                            .all(|t| t.parse::<datafusion::arrow::datatypes::DataType>().is_ok())
                            .then_some(parts.len())
                    })
                    .collect()
            });
    let mut counts: Vec<usize> = Vec::new();
    // DataFusion's reasons name counts beside types when a function has several signatures:
    // only counts alone say the number is wrong.
    let counts_alone = !reasons.contains(" requires ") && !reasons.contains("coercion failed");
    match exact.filter(|e| !e.is_empty()) {
        Some(lengths) if !lengths.contains(&types.len()) => {
            counts.extend(lengths);
        }
        Some(_) => {}
        None if counts_alone => {
            counts.extend(expected.iter().filter_map(|n| n.parse::<usize>().ok()))
        }
        None => {}
    }
    counts.sort_unstable();
    counts.dedup();
    if !counts.is_empty() || (counts_alone && reasons.contains("does not support zero arguments")) {
        let requires = if counts.is_empty() {
            "parameters".to_owned()
        } else {
            let counts: Vec<String> = counts.iter().map(usize::to_string).collect();
            format!("{} parameters", counts.join(" or "))
        };
        return Some(NoSignature::Count(format!(
            "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `{name}` requires {requires} but the actual number is {}. SQLSTATE: 42605",
            types.len()
        )));
    }
    let expression = format!("{name}({})", types.join(", "));
    // Ember's own functions say what they take.
    const OWN: &str = "user-defined coercion failed with: Error during planning: ";
    let detail = match reasons.find(OWN) {
        Some(i) => reasons[i + OWN.len()..]
            .trim_end_matches(|c: char| c == '.' || c.is_whitespace())
            .to_owned(),
        None if types.is_empty() => format!("{name} takes arguments"),
        None => format!(
            "{name} does not take arguments of the type{} ({})",
            if types.len() == 1 { "" } else { "s" },
            types.join(", ")
        ),
    };
    Some(NoSignature::Types { expression, detail })
}

/// `text` split at its commas outside parentheses and quotes.
fn split_top_level(text: &str) -> Vec<&str> {
    let (mut parts, mut depth, mut quoted, mut start) = (Vec::new(), 0usize, false, 0);
    for (i, c) in text.char_indices() {
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth = depth.saturating_sub(1),
            ',' if !quoted && depth == 0 => {
                parts.push(text[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    if !text[start..].trim().is_empty() {
        parts.push(text[start..].trim());
    }
    parts
}

/// Arrow's refusal of a number that does not fit the cast's type (`Can't cast value 12345678901
/// to type Int32`) under Spark's error class for it, `CAST_OVERFLOW`.
fn spark_class_of_cast_overflow(message: String) -> String {
    const MARK: &str = "Can't cast value ";
    let Some(at) = message.find(MARK) else {
        return message;
    };
    let rest = &message[at + MARK.len()..];
    let Some((value, arrow)) = rest.split_once(" to type ") else {
        return message;
    };
    let to = match arrow.trim() {
        "Int8" => "TINYINT",
        "Int16" => "SMALLINT",
        "Int32" => "INT",
        "Int64" => "BIGINT",
        _ => return message,
    };
    format!(
        "[CAST_OVERFLOW] The value {value} cannot be cast to \"{to}\" due to an overflow. Use \
         `try_cast` to tolerate overflow and return NULL instead. If necessary set \
         \"spark.sql.ansi.enabled\" to \"false\" to bypass this error. SQLSTATE: 22003"
    )
}

/// Arrow's refusal of a decimal too large for the cast's type (`12345.6 is too large to store in
/// a Decimal128 of precision 4. Max is 999.9`) under Spark's error class for it,
/// `NUMERIC_VALUE_OUT_OF_RANGE`.
fn spark_class_of_decimal_overflow(message: String) -> String {
    const MARK: &str = " is too large to store in a Decimal128 of precision ";
    let Some(at) = message.find(MARK) else {
        return message;
    };
    let value = message[..at].rsplit(": ").next().unwrap_or_default();
    let rest = &message[at + MARK.len()..];
    let Some((precision, max)) = rest.split_once(". Max is ") else {
        return message;
    };
    let scale = max.trim().split_once('.').map_or(0, |(_, f)| f.len());
    format!(
        "[NUMERIC_VALUE_OUT_OF_RANGE.WITH_SUGGESTION] {value} cannot be represented as \
         Decimal({precision}, {scale}). If necessary set \"spark.sql.ansi.enabled\" to \"false\" \
         to bypass this error, and return NULL instead. SQLSTATE: 22003"
    )
}

/// DataFusion's `make_date` refusals (`Unable to parse date from 2023, 2, 29`, `Month value
/// '13' is out of range`) under Spark's error class for them, `DATETIME_FIELD_OUT_OF_BOUNDS`.
fn spark_class_of_date_parts(message: String) -> String {
    let date_parts = message.starts_with("Unable to parse date from ")
        || (message.starts_with("Month value '") || message.starts_with("Day value '"))
            && message.ends_with("' is out of range");
    if date_parts {
        format!("[DATETIME_FIELD_OUT_OF_BOUNDS] {message} (make_date of an invalid date)")
    } else {
        message
    }
}

/// Spark's `CANNOT_PARSE_TIMESTAMP` for text that does not match the pattern it is parsed with
/// (`to_timestamp(s, 'yyyy-MM-dd HH:mm')`, `to_date(s, fmt)`): DataFusion's `Error parsing
/// timestamp from '…' using format '…'`.
fn cannot_parse_timestamp(message: &str) -> Option<String> {
    let start =
        message.find("Error parsing timestamp from '")? + "Error parsing timestamp from '".len();
    let rest = &message[start..];
    let text = &rest[..rest.find("' using format '")?];
    Some(format!(
        "[CANNOT_PARSE_TIMESTAMP] Text '{text}' could not be parsed with the given pattern. Use \
         `try_to_timestamp` to tolerate invalid input string and return NULL instead. SQLSTATE: \
         22007"
    ))
}

/// The string and Spark's target type of Arrow's message for a string it could not cast
/// (`Cannot cast string 'abc' to value of Int32 type`, `Cannot cast value 'x' to value of
/// Boolean type`, `Error parsing timestamp from 'x': ...`).
fn cast_invalid_input(message: &str) -> Option<(String, String)> {
    let (value, to) = if let Some(start) = message.find("Error parsing timestamp from '") {
        let rest = &message[start + "Error parsing timestamp from '".len()..];
        (&rest[..rest.rfind("': ")?], "TIMESTAMP".to_owned())
    } else {
        let start = ["Cannot cast string '", "Cannot cast value '"]
            .iter()
            .find_map(|p| message.find(p).map(|i| i + p.len()))?;
        let rest = &message[start..];
        let end = rest.rfind("' to value of ")?;
        let arrow = rest[end + "' to value of ".len()..].strip_suffix(" type")?;
        let to = match arrow {
            "Int8" => "TINYINT",
            "Int16" => "SMALLINT",
            "Int32" => "INT",
            "Int64" => "BIGINT",
            "Float32" => "FLOAT",
            "Float64" => "DOUBLE",
            "Boolean" => "BOOLEAN",
            "Date32" => "DATE",
            // DataFusion parses into its widest decimal first, so the type in the message is
            // not the one the query names.
            t if t.starts_with("Decimal") => "DECIMAL",
            t if t.starts_with("Timestamp") => "TIMESTAMP",
            _ => return None,
        };
        (&rest[..end], to.to_owned())
    };
    Some((value.replace('\'', "\\'"), to))
}

/// Spark's error class and advice for a recursive CTE past `bound`.
fn recursion_limit_message(bound: crate::RecursionBound, limit: u64) -> String {
    match bound {
        crate::RecursionBound::Levels => format!(
            "[RECURSION_LEVEL_LIMIT_EXCEEDED] Recursion level limit {limit} reached but query has \
             not exhausted, try increasing spark.sql.cteRecursionLevelLimit (-1 for no limit)"
        ),
        crate::RecursionBound::Rows => format!(
            "[RECURSION_ROW_LIMIT_EXCEEDED] Recursion row limit {limit} reached but query has not \
             exhausted, try setting a larger LIMIT value when querying the CTE relation or \
             increasing spark.sql.cteRecursionRowLimit (-1 for no limit)"
        ),
    }
}

/// The first error of type `T` in `err`'s chain of sources.
fn find_marker<T: std::error::Error + 'static>(err: &DataFusionError) -> Option<&T> {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = current {
        if let Some(found) = e.downcast_ref::<T>() {
            return Some(found);
        }
        if let Some(DataFusionError::External(inner)) = e.downcast_ref::<DataFusionError>()
            && let Some(found) = inner.downcast_ref::<T>()
        {
            return Some(found);
        }
        current = e.source();
    }
    None
}

/// Extracts `Line: L, Column: C` from a sqlparser message.
fn parse_position(message: &str) -> Option<(u64, u64)> {
    let rest = &message[message.find("Line: ")? + 6..];
    let (line, rest) = rest.split_once(", Column: ")?;
    let column: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((line.trim().parse().ok()?, column.parse().ok()?))
}

/// DataFusion reports a missing table as ``table 'datafusion.public.x' not found``.
fn unknown_table_name(message: &str) -> Option<String> {
    let rest = message.strip_prefix("table '")?;
    let (qualified, tail) = rest.split_once('\'')?;
    if !tail.trim_start().starts_with("not found") {
        return None;
    }
    Some(qualified.rsplit('.').next().unwrap_or(qualified).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sqlparser_positions() {
        assert_eq!(
            parse_position("Expected: an expression, found: FROM at Line: 2, Column: 14"),
            Some((2, 14))
        );
        assert_eq!(parse_position("no position here"), None);
    }

    #[test]
    fn recognises_unknown_tables() {
        assert_eq!(
            unknown_table_name("table 'datafusion.public.nope' not found"),
            Some("nope".to_owned())
        );
        assert_eq!(unknown_table_name("column 'x' not found"), None);
    }

    #[test]
    fn overflows_survive_wrapping() {
        let inner = DataFusionError::External(Box::new(OverflowFailure {
            operator: "+",
            data_type: "int".into(),
            detail: "2147483647 + 1".into(),
        }));
        let wrapped = DataFusionError::Shared(std::sync::Arc::new(inner.context("projection")));
        let err = Error::from_datafusion(wrapped, Some("SELECT 2147483647 + 1"));
        assert!(
            matches!(&err, Error::ArithmeticOverflow { operator: "+", data_type, detail }
                if data_type == "int" && detail == "2147483647 + 1"),
            "{err:?}"
        );
        assert!(
            err.to_string()
                .starts_with("[ARITHMETIC_OVERFLOW] int overflow: 2147483647 + 1")
        );
    }

    #[test]
    fn udf_failures_survive_wrapping() {
        let inner = DataFusionError::External(Box::new(UdfFailure {
            name: "f".into(),
            message: "boom".into(),
        }));
        let wrapped = inner.context("while running");
        match Error::from_datafusion(wrapped, None) {
            Error::Udf { name, message } => {
                assert_eq!(name, "f");
                assert_eq!(message, "boom");
            }
            other => panic!("expected Udf, got {other:?}"),
        }
    }
}

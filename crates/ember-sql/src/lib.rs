//! # ember-sql: DataFrames, temp views, UDFs and Spark SQL on Apache DataFusion
//!
//! `ember-sql` is Ember's Spark SQL layer. A [`Session`] (Spark's `SparkSession`) owns an
//! `ember-rdd` [`Context`](ember_rdd::Context) and a DataFusion `SessionContext` set up to behave
//! like Spark: the Spark SQL dialect (backtick identifiers, `DIV`), the Spark function library
//! from `datafusion-spark` (`size`, `sort_array`, `date_add`, `sha2`, `count_if`, ...) and Spark's
//! `/` (always a `DOUBLE` division; `x / 0` is `NULL`).
//!
//! RDDs become [`DataFrame`]s with an explicit schema, DataFrames become temp views, Rust closures
//! become SQL functions, and results leave as Arrow record batches, Arrow IPC or (feature
//! `polars`, on by default) a zero-copy `polars::DataFrame`, PySpark's `toPandas`.
//!
//! ## The DataSource example
//!
//! This is the PySpark `DataSource.get_data` ported line by line: normal samples → RDD → double
//! → `(value,)` rows → DataFrame with `value: float` → temp view `test` → UDF `squared` →
//! `SELECT squared(value) squared FROM test` → a Polars DataFrame.
//!
//! ```
//! use ember_sql::{DataType, Session, StructField, StructType};
//! use rand::SeedableRng;
//! use rand_distr::{Distribution, Normal};
//!
//! let spark = Session::builder().app_name("My PySpark App").master("local[2]").get_or_create()?;
//! let sc = spark.context();
//!
//! // v = np.random.normal(mu, sigma, num_elements)
//! let mut rng = rand::rngs::SmallRng::seed_from_u64(7);
//! let normal = Normal::new(2.0, 0.5)?;
//! let v: Vec<f64> = (0..1000).map(|_| normal.sample(&mut rng)).collect();
//!
//! let rdd1 = sc.parallelize(v, sc.default_parallelism())?;
//! let rdd2 = rdd1.map(|x| x * 2.0).map(|x| (x,));
//! let schema = StructType::new().field(StructField::new("value", DataType::Float, true));
//! let df1 = spark.create_dataframe(&rdd2, schema)?;
//! df1.register_temp_table("test")?;
//! spark.udf().register("squared", |x: f64| x * x)?;
//! let df2 = spark.sql("SELECT squared(value) squared FROM test")?;
//! let pdf = df2.to_polars()?; // df2.toPandas()
//!
//! assert_eq!(pdf.shape(), (1000, 1));
//! let squared = pdf.column("squared")?.f64()?;
//! let mean = (0..squared.len()).filter_map(|i| squared.get(i)).sum::<f64>() / 1000.0;
//! // E[(2X)^2] = 4 (mu^2 + sigma^2) = 17
//! assert!((mean - 17.0).abs() < 1.0, "mean {mean}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Spark functions by family
//! Beyond DataFusion's own functions and `datafusion-spark`'s, Ember registers (module
//! `functions`, one file per family) or rewrites these to give Spark's answers:
//! - **Strings**: `split(s, regex[, limit])`, `regexp_extract`, `regexp_extract_all`, `rlike`
//!   and `a RLIKE p`, `regexp_replace` (every match), `regexp_count` (`INT`), `locate`,
//!   `startswith`, `endswith`, `lcase`, `ucase`, `printf`, `space`; `format_string`,
//!   `translate`, `concat_ws` over arrays come from DataFusion/`datafusion-spark`.
//! - **Dates and times** with Java patterns: `to_date(s[, fmt])`, `to_timestamp(s[, fmt])`,
//!   `unix_timestamp(s[, fmt])`, `from_unixtime(n[, fmt])`, `date_format`; `year`, `quarter`,
//!   `month`, `day`/`dayofmonth`, `dayofyear`, `weekofyear`, `dayofweek`, `dayname`,
//!   `months_between`, `make_timestamp`, `timestamp_seconds`, `date_add`/`date_sub`/`add_months`
//!   with any integer. Their `TIMESTAMP`s are zoned in the session time zone, in which strings
//!   without an offset and `make_timestamp`'s fields are read and `from_unixtime` formats.
//! - **Math**: `bround`, `sign`/`signum` (`DOUBLE`), `positive`, `conv`, `try_add`,
//!   `try_subtract`, `try_multiply`, `try_divide`, `try_avg`, `ceil`/`floor` with a scale (an
//!   exact `DECIMAL` of Spark's precision and scale),
//!   `factorial` of any integer, `~x`, `sqrt` (`NaN` below zero), `log1p`, `e()`, `log` (natural;
//!   base first).
//! - **Aggregates**: `percentile`, `percentile_approx`/`approx_percentile` (exact on the data
//!   they see), `median`, `first`/`last` with `ignoreNulls`, `skewness`, `kurtosis`, `every`,
//!   `any`, `some`, `std`, `max_by`, `min_by`, `mode`, `count(DISTINCT a, b)`, `count_if`,
//!   `avg(DISTINCT x)` and `avg` over sliding window frames.
//! - **Arrays and maps**: `explode`, `explode_outer`, `posexplode(_outer)`, `inline` in `SELECT`
//!   and `LATERAL VIEW [OUTER]`; `sequence`, `array_size`/`cardinality` (`INT`),
//!   `map_contains_key`, `element_at` (an index outside the array is an error, as in Spark with
//!   ANSI on), `try_element_at`, `get`, `array_prepend(array, x)`,
//!   `array_remove` (every copy), `array_position` (0 when absent), `sort_array`, `array_sort`
//!   (`NULL`s last), `size`, `concat` of arrays, `arrays_zip` (fields named after the column
//!   arguments, by position from 0 for others); `range(start, end)` with an `id` column.
//! - **Higher-order functions**: `transform` and `filter` (`x -> ...` or `(x, i) -> ...`),
//!   `aggregate`/`reduce` (with an optional finish lambda), `zip_with`, `exists`, `forall`,
//!   `map_filter`, `transform_values`, `transform_keys`, `array_sort(array, (a, b) -> int)`
//!   (arrays of up to 1000 elements).
//! - **Casts as functions**: `int(x)`, `bigint`, `smallint`, `tinyint`, `double`, `float`,
//!   `string`, `boolean`, `date`, `timestamp` (session time zone), `decimal` (`DECIMAL(10, 0)`),
//!   `binary`: each is `CAST(x AS ...)`. Null tests `isnull`, `isnotnull`, `equal_null`.
//! - **Hashes**: `hash` (Spark's Murmur3, seed 42: the same `INT` as Spark for every type),
//!   `md5`, `sha`/`sha1`, `sha2`, `crc32`, `xxhash64`.
//! - **JSON**: `get_json_object` (paths `$.a`, `$['a']`, `$[0]`, `[*]`), `json_tuple` (in
//!   `SELECT` and `LATERAL VIEW`), `to_json` (structs, maps, arrays; `NULL` fields left out),
//!   `from_json` with a DDL schema (`'a INT, b ARRAY<STRING>'`), `json_array_length`,
//!   `json_object_keys`, `schema_of_json`. Malformed JSON is `NULL`.
//! - **VARIANT** (Spark 4's semi-structured values, in Spark's binary encoding): `parse_json`/
//!   `try_parse_json`, `variant_get`/`try_variant_get` (`$.a[0]` paths, casts to Spark's
//!   primitive types), `CAST(v AS type)`, `CAST(x AS VARIANT)`, `to_variant_object`,
//!   `is_variant_null`, `is_valid_variant`, `schema_of_variant`, `schema_of_variant_agg`,
//!   `variant_strip_nulls`, the edits `variant_set`/`variant_insert`/`variant_delete`/
//!   `variant_array_append` (and their `try_` forms), `variant_explode(_outer)` in `FROM` (of a
//!   value, not of another table's column: Ember has no `LATERAL` join), `to_json`. A variant
//!   shows as its JSON text; see `functions/variant.rs`.
//! - **More**: `stack` (in `SELECT` and `LATERAL VIEW`), `timestamp_millis`, `timestamp_micros`,
//!   `to_unix_timestamp`, `curdate`, `try_to_timestamp`/`try_to_date` (`NULL` where the parse
//!   fails), `to_char`/`to_varchar` of dates and timestamps (Java patterns), `to_binary`/
//!   `try_to_binary`, `regexp_substr`, `regexp_instr`, `mask`, `format_number(x, d)`,
//!   `nullifzero`, `zeroifnull`, `try_mod`, `date_from_unix_date`, `validate_utf8`,
//!   `current_timezone`, `current_database`/`current_schema`, `current_catalog`, `current_user`,
//!   `to_number`/`try_to_number` (Spark's number formats: `'$99,999.00'`, `S`, `MI`, `PR`),
//!   `convert_timezone`, `localtimestamp`, `raise_error`, `assert_true`, `to_timestamp_ntz`
//!   (strings), `to_timestamp_ltz`, `make_timestamp_ltz`, `sentences` (Unicode sentence and
//!   word boundaries).
//! - **Sketches**: the HyperLogLog (`hll_sketch_agg`, `hll_union`, `hll_sketch_estimate`, ...),
//!   Theta, Tuple and KLL families on Apache DataSketches, whose `BINARY` sketches are the Java
//!   library's (Spark reads Ember's and the other way round); `bitmap_construct_agg`,
//!   `bitmap_or_agg`, `bitmap_and_agg`, `histogram_numeric`, `count_min_sketch`, `approx_top_k`.
//! - **Time windows**: `GROUP BY window(ts, '5 minutes')` with `window.start`/`window.end`,
//!   `window_time` (tumbling windows); `GROUP BY session_window(ts, '5 minutes')` (Spark's
//!   sessions: rows a gap or less apart, per the other keys, with `session_window.start`/`end`).
//! - **Intervals**: `DATE - DATE`, interval literals (`INTERVAL '1 02:03:04' DAY TO SECOND`,
//!   `INTERVAL 3 DAYS 2 HOURS`), `make_ym_interval`, `make_dt_interval`, `make_interval`; dates
//!   and timestamps plus or minus them, comparisons, `interval * n` and `interval / n`, as Spark.
//! - **Encryption**: `aes_encrypt`, `aes_decrypt`, `try_aes_decrypt` (ECB, CBC, GCM).
//! - **XML**: `xpath`, `xpath_string`, `xpath_boolean`, `xpath_int` and the other numeric
//!   `xpath_*` (XPath 1.0; documents bounded in size and nesting); `from_xml` with a DDL
//!   schema (attributes as `_name` fields, text as `_VALUE`, repeated elements as arrays,
//!   PERMISSIVE), `to_xml` (options `rowTag`, `indent`), `schema_of_xml`, with the conventions of
//!   Spark's XML source (`functions/xml_records.rs`).
//! - **CSV**: `from_csv` with a DDL schema (PERMISSIVE with `_corrupt_record`, or FAILFAST),
//!   `to_csv`, `schema_of_csv`, splitting and quoting records as Spark's CSV parser does, with
//!   its options (`sep`, `quote`, `escape`, `nullValue`, `dateFormat`, `timestampFormat`, ...).
//! - **Random**: `rand`/`random`, `randn`, `uniform`, `randstr` draw Spark's numbers for a seed
//!   (Spark's `XORShiftRandom`, as Spark's first partition draws them);
//!   `monotonically_increasing_id`.
//! - **Query shapes**: `PIVOT`, `GROUPING SETS`/`ROLLUP`/`CUBE` (of columns or expressions)
//!   with `grouping()` and `grouping_id()`, `LATERAL VIEW`, `(a, b) [NOT] IN (SELECT ...)`,
//!   `EXISTS`/`IN` subqueries as values, nested CTEs reusing a name, `VALUES 1, 2, 3`,
//!   `LATERAL (SELECT ...)` reading the outer row in its `SELECT` list and `WHERE`, `TABLE t`,
//!   Hive's `FROM t SELECT ...`.
//! - **Implicit casts to `STRING`**: string functions take numbers, booleans, dates and
//!   timestamps as their text (`upper(12)`, `substr(d, 1, 7)`), `LIKE` too; a `DOUBLE` or
//!   `FLOAT` is written as Spark writes it (Java's `1.0E20`), in `CAST` and everywhere a
//!   string is made of one.
//!
//! A Spark function Ember does not have (Spark 4.3's `SHOW FUNCTIONS` is the list) fails with
//! [`Error::UnsupportedFunction`] naming it, with the reason for the JVM- and format-bound ones
//! (`java_method`, `reflect`, Avro, Protobuf, `from_xml`, `approx_top_k_combine`, `VARIANT`).
//!
//! ## Main types
//! - [`Session`], built with [`Session::builder`] (`app_name`, `master`, `config`,
//!   `get_or_create`); [`Session::sql`], [`Session::create_dataframe`], [`Session::read_parquet`]
//!   & co, [`Session::udf`], [`Session::register_views`] (`name=path` specs, by extension).
//!   Reading config files (an INI such as the DataSource example's, TOML) is the `ember` facade's job
//!   (`ember::config`), which hands the entries to the builder.
//! - [`DataFrame`]: views (`create_or_replace_temp_view`, `create_temp_view`,
//!   `register_temp_table`), transformations (`select`, `filter`, `with_column`,
//!   `group_by`/[`GroupedData::agg`], `order_by`, `limit`, `join` with a [`JoinType`]), actions
//!   (`collect`, `count`, `show`, `explain`, `rdd`; async variants `collect_async`,
//!   `count_async`), export (`to_arrow`, `to_ipc_stream`, `to_polars`, [`DataFrame::write_to`] in
//!   an [`OutputFormat`]) and writers (`write_parquet`, `write_csv`, `write_json`,
//!   `write_ipc_file`).
//! - Schemas: [`StructType`]/[`StructField`]/[`DataType`] (Spark's names) or any Arrow schema;
//!   [`spark_type_name`] names any Arrow type as Spark does.
//! - Rows: RDD elements implement [`IntoRow`] (tuples up to 8, [`Row`], `Vec<Value>`).
//! - UDFs: typed closures of 1 to 4 arguments, see [`udf`].
//! - Errors: one [`Error`] enum with structured variants.
//!
//! ## Runtimes
//! Each session owns a small multi-thread tokio runtime (one worker per RDD core), or runs on
//! the [`QueryRuntime`] its builder was given ([`SessionBuilder::runtime`]: a server shares one
//! among all its sessions). A session built with [`SessionBuilder::remote`] plans exactly as a
//! local one and runs its optimized plans elsewhere (`ember-cluster` sends them to a Ballista
//! cluster). Every query runs there, so callers need no runtime. Actions follow one rule: the plain name blocks and
//! returns the value (`collect`, `count`, `show`, `to_polars`, ...), from plain threads and from
//! inside any tokio runtime; `collect_async` and `count_async` can be awaited from any executor.
//! SQL text is planned on the runtime's blocking pool, never in the caller's poll, and the
//! runtime's threads (its blocking pool's too) have large stacks, so
//! no text overflows a stack: `AND`/`OR` chains are planned as balanced trees, anything else
//! nested deeper than [`MAX_DEPTH`] fails with [`Error::ExpressionTooDeep`], and dropping a
//! planning future (a cancel, a timeout) releases its caller at once.

//! ## Feature flags
//! - `polars` (default): [`DataFrame::to_polars`] and [`export::batches_to_polars`].
//!
//! ## Where Ember differs from Spark (yet)
//! - **Masters**: only `local`, `local[N]`, `local[*]` (whatever `ember-rdd` supports); the DataSource example's
//!   `spark://host:7077` is rejected with an error.
//! - **`get_or_create`** creates a new session each time: there is no global session.
//! - **Generated values are capped**: `repeat`, `lpad`, `rpad`, `space`, `array_repeat`,
//!   integer `sequence` and `array_insert` fail with `[COLLECTION_SIZE_LIMIT_EXCEEDED]` before
//!   making more than 128 Mi characters or elements in one call (Spark's limit is near 2^31 per
//!   value); they are built outside the memory pool.
//! - **`create_dataframe` is eager**: the RDD runs once when the DataFrame is created (as if
//!   cached), so schema errors appear there rather than at the first action.
//! - **UDF return types** come from the closure (`f64` → `DOUBLE`). PySpark's
//!   `spark.udf.register(name, f)` without a return type declares `StringType`, so the DataSource example's
//!   `squared` column is a string column in PySpark and a `DOUBLE` column here.
//! - **UDF nulls**: null in → null out without calling the closure (PySpark passes `None`).
//! - **Row conversion** is a little more lenient than PySpark's `verifySchema`: integers are
//!   accepted in floating-point columns.
//! - **`/`** follows Spark for integers, floats and strings (`DOUBLE` result) and for decimals
//!   (Spark's result precision and scale, rounded half up; `1.0 / 3` is `0.333333`). `DIV` is
//!   integer division as in Spark. A zero divisor is [`Error::DivideByZero`] (Spark's
//!   `DIVIDE_BY_ZERO`, ANSI mode being on by default), `NULL` with `spark.sql.ansi.enabled` set
//!   to `false`; `try_divide` gives `NULL` either way. A string next to a number in `+`, `-`,
//!   `*` is cast to `BIGINT` (or `DOUBLE` next to a float), as Spark does with ANSI on. Integer `+`, `-`,
//!   `*`, unary `-`, `abs` and `negative` fail with [`Error::ArithmeticOverflow`] when the
//!   result does not fit, as Spark 4 does with ANSI mode on (its default): `INT` + `INT` is
//!   `INT`, as in Spark, so `2147483647 + 1` is an error, never `-2147483648` (cast to `BIGINT`
//!   first for 2147483648). With `spark.sql.ansi.enabled` set to `false` they wrap around, as in
//!   Spark's legacy mode; otherwise that setting only affects the `datafusion-spark` functions,
//!   not casts. `try_add`, `try_subtract`, `try_multiply` give `NULL` instead of the error.
//!   `sum` of `BIGINT` fails the same way (also with ANSI mode off, where Spark's wraps; in a
//!   sliding window frame when a frame's sum does not fit).
//! - **Arrays and structs** compare as Spark's do: element by element (field by field), a NULL
//!   element or field smaller than any value, in `ORDER BY`, `max`/`min` and
//!   `greatest`/`least` (`max` of `[1, NULL]` and `[1, 2]` is `[1, 2]`).
//! - **Recursive CTEs** (`WITH RECURSIVE`) stop where Spark's do: past 100 levels of recursion
//!   or once they have produced 1,000,000 rows the query fails with
//!   [`Error::RecursionLimitExceeded`] (Spark's `RECURSION_LEVEL_LIMIT_EXCEEDED` and
//!   `RECURSION_ROW_LIMIT_EXCEEDED`), so a recursion without an end cannot run forever; a `LIMIT`
//!   on the query that reads the CTE stops it earlier. The bounds are the builder's
//!   `spark.sql.cteRecursionLevelLimit` and `spark.sql.cteRecursionRowLimit` (`-1`: none).
//!   A CTE's own `WITH RECURSIVE r MAX RECURSION LEVEL n AS (...)` bounds its levels instead.
//! - **Literals** have Spark's types: `1` is `INT` (`BIGINT` when it does not fit), `1Y`, `1S`,
//!   `1L` are `TINYINT`, `SMALLINT`, `BIGINT`; `2.5` is `DECIMAL(2, 1)`, `1e2` and `2.5D` are
//!   `DOUBLE`, `1.5F` `FLOAT`, `2.5BD` `DECIMAL`. Decimal `+`, `-`,
//!   `*`, `CASE` and aggregates follow DataFusion's precision rules, which are Spark's (a
//!   `VALUES` list's integers are `INT` too, inside structs and arrays as well). A cast of a
//!   non-numeric string to a number
//!   (or a malformed one to a boolean, date or timestamp) fails the query with
//!   [`Error::CastInvalidInput`], Spark's `CAST_INVALID_INPUT`; `try_cast` gives `NULL`. Implicit casts follow Spark where DataFusion's differ: a `DECIMAL` beside a
//!   `DOUBLE` (comparisons, `IN`, `BETWEEN`, `CASE`, `coalesce`, `greatest`, ...) is a `DOUBLE`,
//!   and a `CASE`/`coalesce` of integers and strings a `BIGINT`.
//! - **Column names** are Spark's: a result column the query does not name is named after its
//!   expression as Spark prints it (`1`, `(id + 1)`, `sum(l_quantity)`, `count(1)` for
//!   `count(*)`, `CAST(x + 1 AS INT)`, `upper(a)`, `RANK() OVER (...)`), on 98% of the conformance
//!   suite's queries. A result may name two columns alike, as Spark's may (`SELECT 1, 1L`,
//!   `SELECT id, * FROM t`, `SELECT 1 AS a, 2 AS a`): the result's schema has the name twice.
//!   A subquery or view of such a query is refused (DataFusion's planner refuses it; Spark
//!   refuses the view); see `naming.rs` for what keeps DataFusion's names. `s.*` of a struct
//!   column in the outermost `SELECT` selects its fields, named after them, as in Spark
//!   (`SELECT payload.* FROM events`).
//! - **Types**: `typeof()` and [`spark_type_name`] name Spark's types (`int`, `decimal(2,1)`,
//!   `array<int>`, ...); [`DataFrame::print_schema`] prints Spark's `printSchema` tree.
//!   `TIMESTAMP` is zone-aware in `spark.sql.session.timeZone` (UTC unless configured; Spark's
//!   default is the JVM's zone), `TIMESTAMP_NTZ` is not. CSV inference gives Spark's types
//!   (`INT` when every value fits, `BIGINT`, `DOUBLE`, `BOOLEAN`, `DATE`, `TIMESTAMP`).
//!   Intervals: Spark's `interval day to second` is an Arrow `Duration(µs)` (`DATE - DATE` is
//!   an `interval day`, the fields kept in the column's metadata: [`spark_field_type_name`]),
//!   `interval year to month` an `Interval(YearMonth)` (`make_ym_interval`), a calendar
//!   `interval` an `Interval(MonthDayNano)` (`make_interval`). Interval literals are ANSI
//!   intervals as in Spark 4 (`INTERVAL '1' DAY` is an `interval day`, `INTERVAL '1-2' YEAR TO
//!   MONTH` an `interval year to month`); `CAST(... AS STRING)` and `show()` write each as
//!   Spark does (`INTERVAL '29' DAY`).
//! - **Functions**: DataFusion, `datafusion-spark` 55 and Ember's own modules give the Spark
//!   functions listed under [Spark functions by family](#spark-functions-by-family); another
//!   Spark function is [`Error::UnsupportedFunction`], any other name an "Invalid function"
//!   planning error. How close Ember is to Spark, measured against
//!   real PySpark: `docs/spark-compat.md`.
//! - **Ranking window functions** (`row_number`, `rank`, `dense_rank`, `ntile`) are `INT`, as
//!   in Spark.
//! - **Ordering and set operations** follow Spark: `ASC NULLS FIRST`/`DESC NULLS LAST` by
//!   default; `INTERSECT ALL`/`EXCEPT ALL` keep min(m, n)/m - n copies.
//! - **String literals** take Spark's backslash escapes (`'\\d'` is the regex `\d`, `'it\'s'` is
//!   `it's`); octal and `\u` escapes are kept as written.
//! - **[`StructType`]** has no `DecimalType`, `BinaryType`, arrays, maps or structs yet (Arrow
//!   schemas with those work for batches and files, not for RDD rows); its `Timestamp` is an
//!   instant zoned UTC whatever the session's time zone.
//! - **JSON** reading/writing is newline-delimited only (Spark's default); multi-line JSON is not
//!   supported. CSV always has a header row.
//! - **Errors** come from DataFusion and are classified by Ember; an unknown view is recognised from
//!   DataFusion's message, so its wording (not its kind) may change across DataFusion versions.
//! - **SQL surface**: whatever DataFusion 55 plans with the Spark dialect, plus Spark's
//!   `LATERAL VIEW [OUTER]`, generators in `SELECT` (`explode(a) AS x`, `posexplode(a) AS (pos,
//!   x)`), `PIVOT`, `GROUP BY ... WITH ROLLUP/CUBE`, `grouping_id`, `RLIKE`, `~` and field access
//!   on any struct expression, which Ember rewrites before planning. Spark-only statements
//!   (`CACHE TABLE`, `ANALYZE`, Hive DDL) are not supported. Over a join, the columns of a
//!   query with `LATERAL VIEW` are referred to without their table's name.
//! - **`show(n)`** prints DataFusion's table layout, not Spark's exact formatting (no truncation of
//!   long strings).

#![warn(
    missing_docs,
    missing_debug_implementations,
    rust_2018_idioms,
    unreachable_pub
)]

mod builder;
mod coercion;
mod coop;
mod create;
mod ctes;
mod dataframe;
mod dialect;
mod error;
pub mod export;
mod file_format;
mod functions;
mod interval_literals;
mod io;
mod lateral;
mod literals;
mod naming;
mod numeric_literals;
mod overflow;
mod planning;
mod policy;
mod queries;
mod ranking;
mod recursion;
mod rewrites;
mod row;
mod runtime;
mod session;
mod set_ops;
mod shapes;
mod spark;
mod type_checks;
mod types;
pub mod udf;
mod widening;

/// What sending Ember's plans to other processes needs (`ember-cluster`'s codec): every function
/// an optimized plan names is in the session's registry under its name, except the `try_`
/// wrappers of tolerant functions, which travel as the function they wrap; a node decoding a
/// plan gives its seeded random functions sequences of their own ([`wire::renewed`]).
pub mod wire {
    pub use crate::ctes::written_cte_name;
    pub use crate::functions::misc::{tolerant_udf, tolerated};
    pub use crate::functions::random::renewed;
}

pub use builder::{
    DEFAULT_BATCH_ROWS, Remote, SessionBuilder, SharedMemoryPool, StateUpgrade, memory_pool,
    parse_size, parse_time,
};
pub use dataframe::{DataFrame, GroupedData, LimitedBatches};
/// The kinds of join [`DataFrame::join`] and [`DataFrame::join_on`] take (DataFusion's type).
pub use datafusion::logical_expr::JoinType;
pub use ember_types::spark_field_type_name;
pub use error::{Error, Result};
pub use export::OutputFormat;
pub use file_format::FileFormat;
pub use io::parse_view_spec;
pub use planning::MAX_DEPTH;
pub use policy::SqlPolicy;
pub use queries::{DEFAULT_RETAINED_QUERIES, QueryRecord, QueryState};
pub use recursion::RecursionBound;
pub use row::{IntoRow, IntoValue, Row, RowWriteError, RowWriter, Value};
pub use runtime::QueryRuntime;
pub use session::Session;
pub use types::{DataType, IntoSchema, StructField, StructType, spark_type_name};

/// Re-exported so users need no direct dependency to build expressions and handle batches.
pub use datafusion;
/// Arrow, the same version DataFusion uses.
pub use datafusion::arrow;
#[cfg(feature = "polars")]
/// Polars, for the result of [`DataFrame::to_polars`].
pub use polars;

/// Expression builders for the DataFrame API (`col`, `lit`, aggregates, Spark functions).
pub mod prelude {
    pub use datafusion::functions_aggregate::expr_fn::{avg, count, max, min, sum};
    pub use datafusion::logical_expr::{Expr, ExprFunctionExt, SortExpr};
    pub use datafusion::prelude::{col, lit};
    pub use datafusion_spark::expr_fn as spark;

    pub use crate::{DataFrame, DataType, JoinType, Session, StructField, StructType};
}

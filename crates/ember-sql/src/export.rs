//! Export: Arrow IPC, text rendering and (feature `polars`) Polars DataFrames.
//!
//! # Why the C Data Interface for Polars
//! Polars dropped arrow-rs interop in 2024, so there are two routes from Arrow record batches to a
//! `polars::DataFrame`: the Arrow C Data Interface (zero-copy: Polars takes ownership of the very
//! buffers DataFusion produced) and an Arrow IPC stream (encode, then decode: two copies, plus
//! Polars' IPC reader, an extra feature that would change shared dependencies' features and
//! rebuild DataFusion). Measured by `benches/benches/sql.rs` (`to_polars` group, 10^7 f64 rows
//! on 2 cores): 0.7 ms through the C Data Interface, 55 ms for an IPC encode + decode alone. The
//! FFI route is O(columns × batches), independent of the row count, while IPC is O(bytes). Ember
//! uses FFI.

use std::io::Write;
use std::str::FromStr;

use arrow::array::RecordBatch;
use arrow::datatypes::SchemaRef;

use crate::{Error, Result};

fn arrow_err(context: &'static str) -> impl FnOnce(arrow::error::ArrowError) -> Error {
    move |source| Error::Arrow { context, source }
}

/// How [`DataFrame::write_to`](crate::DataFrame::write_to) renders rows (the CLI's `--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputFormat {
    /// A pretty ASCII table, like `show()`.
    #[default]
    Table,
    /// CSV with a header row.
    Csv,
    /// Newline-delimited JSON objects.
    Json,
    /// An Arrow IPC stream (binary).
    Arrow,
}

impl FromStr for OutputFormat {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "table" => Self::Table,
            "csv" => Self::Csv,
            "json" | "ndjson" => Self::Json,
            "arrow" | "ipc" => Self::Arrow,
            _ => {
                return Err(Error::InvalidArgument {
                    message: format!(
                        "unknown output format `{s}` (expected table, csv, json or arrow)"
                    ),
                });
            }
        })
    }
}

/// The schema to write: the batches' own, falling back to the declared one only when there are
/// no batches. A plan's declared schema can disagree with what its operators produce (a mixed-type
/// `CASE` or `if` declared one numeric type and computed another); writing the declared schema
/// over such batches made Arrow IPC readers reinterpret `1.0f64` as the integer
/// 4607182418800017408 (issue 10).
pub(crate) fn batches_schema(declared: &SchemaRef, batches: &[RecordBatch]) -> SchemaRef {
    batches
        .first()
        .map_or_else(|| declared.clone(), RecordBatch::schema)
}

/// Writes batches as an Arrow IPC stream.
pub(crate) fn write_ipc_stream<W: Write>(
    writer: W,
    schema: &SchemaRef,
    batches: &[RecordBatch],
) -> Result<()> {
    let ctx = "writing an Arrow IPC stream";
    let schema = batches_schema(schema, batches);
    let mut w =
        arrow::ipc::writer::StreamWriter::try_new(writer, &schema).map_err(arrow_err(ctx))?;
    for b in batches {
        w.write(b).map_err(arrow_err(ctx))?;
    }
    w.finish().map_err(arrow_err(ctx))
}

/// Writes batches as an Arrow IPC file.
pub(crate) fn write_ipc_file<W: Write>(
    writer: W,
    schema: &SchemaRef,
    batches: &[RecordBatch],
) -> Result<()> {
    let ctx = "writing an Arrow IPC file";
    let schema = batches_schema(schema, batches);
    let mut w = arrow::ipc::writer::FileWriter::try_new(writer, &schema).map_err(arrow_err(ctx))?;
    for b in batches {
        w.write(b).map_err(arrow_err(ctx))?;
    }
    w.finish().map_err(arrow_err(ctx))
}

/// The most characters a line of a table's cell (or header) shows: a longer line is broken into
/// lines of this many. Arrow's pretty tables (comfy-table) split a line wider than 65 535
/// columns word by word, measuring the line built so far at each word: time quadratic in the
/// line (a 70 000-character value took 35 s to show). At most two columns a character, a line
/// of this many characters stays under that width.
const MAX_TABLE_LINE: usize = 32_000;

/// `batches` (of `schema`) as Arrow's pretty table, in time linear in their text: the cells and
/// names with a line longer than [`MAX_TABLE_LINE`] characters are shown broken into lines of
/// that many (a column with such a value is shown through its text).
pub(crate) fn pretty_table(schema: &SchemaRef, batches: &[RecordBatch]) -> Result<String> {
    use arrow::array::{ArrayRef, AsArray, StringArray};
    use arrow::datatypes::{DataType, Field, Schema};
    use arrow::util::display::{ArrayFormatter, FormatOptions};

    let ctx = "formatting a table";
    // NULL written as Spark's show() and spark-sql write it.
    let options = FormatOptions::default()
        .with_display_error(true)
        .with_null("NULL");
    // Every value's text, for the columns whose values can be long and are.
    let mut texts: Vec<Option<Vec<Vec<String>>>> = vec![None; schema.fields().len()];
    for (i, field) in schema.fields().iter().enumerate() {
        let dt = field.data_type();
        if dt.is_primitive() || matches!(dt, DataType::Boolean | DataType::Null) {
            continue;
        }
        // A string column is shown as it is: its values' lengths say whether one may be long,
        // without formatting every cell twice.
        let short_strings = batches.iter().all(|b| {
            b.columns().get(i).is_some_and(|a| match a.data_type() {
                DataType::Utf8 => a
                    .as_string::<i32>()
                    .iter()
                    .flatten()
                    .all(|v| v.len() <= MAX_TABLE_LINE),
                DataType::LargeUtf8 => a
                    .as_string::<i64>()
                    .iter()
                    .flatten()
                    .all(|v| v.len() <= MAX_TABLE_LINE),
                DataType::Utf8View => a
                    .as_string_view()
                    .iter()
                    .flatten()
                    .all(|v| v.len() <= MAX_TABLE_LINE),
                _ => false,
            })
        });
        if short_strings {
            continue;
        }
        let mut column = Vec::with_capacity(batches.len());
        let mut long = false;
        for batch in batches {
            let Some(array) = batch.columns().get(i) else {
                continue;
            };
            let formatter = ArrayFormatter::try_new(array, &options).map_err(arrow_err(ctx))?;
            let values: Vec<String> = (0..array.len())
                .map(|row| formatter.value(row).to_string())
                .collect();
            long |= values.iter().any(|v| has_long_line(v));
            column.push(values);
        }
        if long {
            texts[i] = Some(column);
        }
    }
    let long_names = schema.fields().iter().any(|f| has_long_line(f.name()));
    if texts.iter().all(Option::is_none) && !long_names {
        let table = if batches.is_empty() {
            arrow::util::pretty::pretty_format_batches_with_options(
                &[RecordBatch::new_empty(schema.clone())],
                &options,
            )
        } else {
            arrow::util::pretty::pretty_format_batches_with_options(batches, &options)
        };
        return Ok(table.map_err(arrow_err(ctx))?.to_string());
    }
    let fields: Vec<Field> = schema
        .fields()
        .iter()
        .zip(&texts)
        .map(|(f, text)| {
            let name = broken_lines(f.name());
            match text {
                Some(_) => Field::new(name, DataType::Utf8, true),
                None => f.as_ref().clone().with_name(name),
            }
        })
        .collect();
    let shown_schema = std::sync::Arc::new(Schema::new(fields));
    let mut shown = Vec::with_capacity(batches.len());
    for (b, batch) in batches.iter().enumerate() {
        let columns: Vec<ArrayRef> = batch
            .columns()
            .iter()
            .zip(&texts)
            .map(|(array, text)| match text {
                Some(column) => std::sync::Arc::new(StringArray::from_iter_values(
                    column[b].iter().map(|v| broken_lines(v)),
                )) as ArrayRef,
                None => array.clone(),
            })
            .collect();
        shown.push(RecordBatch::try_new(shown_schema.clone(), columns).map_err(arrow_err(ctx))?);
    }
    if shown.is_empty() {
        shown.push(RecordBatch::new_empty(shown_schema));
    }
    Ok(
        arrow::util::pretty::pretty_format_batches_with_options(&shown, &options)
            .map_err(arrow_err(ctx))?
            .to_string(),
    )
}

/// `batches` (of `schema`) as they are shown ([`shown`]) in a [`pretty_table`].
pub(crate) fn shown_table(schema: &SchemaRef, batches: &[RecordBatch]) -> Result<String> {
    let empty = table_batch(&RecordBatch::new_empty(schema.clone()))?;
    let batches = batches
        .iter()
        .map(table_batch)
        .collect::<Result<Vec<_>>>()?;
    pretty_table(&empty.schema(), &batches)
}

/// `batch` as a table shows it: [`shown`], and `FLOAT`/`DOUBLE` and timestamp columns as Spark
/// shows them (Java's `1.0E20`, not Arrow's `1e20`; `2024-03-15 10:20:30.5`, not ISO 8601).
fn table_batch(batch: &RecordBatch) -> Result<RecordBatch> {
    use arrow::datatypes::DataType;
    fn spark_text(
        field: &arrow::datatypes::Field,
        column: &arrow::array::ArrayRef,
    ) -> datafusion::error::Result<arrow::array::ArrayRef> {
        use crate::functions::casts::{spark_float_texts, spark_timestamp_texts};
        use crate::functions::intervals::{interval_texts, is_interval};
        match column.data_type() {
            t if is_interval(t) => interval_texts(column, ember_types::interval_fields(field)),
            DataType::Timestamp(_, zone) => {
                let micros =
                    DataType::Timestamp(arrow::datatypes::TimeUnit::Microsecond, zone.clone());
                spark_timestamp_texts(arrow::compute::cast(column, &micros)?.as_ref())
            }
            _ => spark_float_texts(column.as_ref()),
        }
    }
    texts_of(
        &shown_batch(batch)?,
        "showing numbers, timestamps and intervals",
        |t| {
            crate::functions::intervals::is_interval(t)
                || matches!(
                    t,
                    DataType::Float32 | DataType::Float64 | DataType::Timestamp(..)
                )
        },
        spark_text,
    )
}

/// Whether a line of `text` is longer than [`MAX_TABLE_LINE`] characters.
fn has_long_line(text: &str) -> bool {
    text.len() > MAX_TABLE_LINE && text.split('\n').any(|l| l.chars().count() > MAX_TABLE_LINE)
}

/// `text` with each line longer than [`MAX_TABLE_LINE`] characters broken into lines of that
/// many.
fn broken_lines(text: &str) -> String {
    if !has_long_line(text) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + text.len() / MAX_TABLE_LINE);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        for (n, c) in line.chars().enumerate() {
            if n > 0 && n % MAX_TABLE_LINE == 0 {
                out.push('\n');
            }
            out.push(c);
        }
    }
    out
}

/// Spark's text of each value of `column`, an ANSI or calendar interval column of `field`
/// (`INTERVAL '3' DAY`, `INTERVAL '1-2' YEAR TO MONTH`, `1 years 2 days`), as `CAST(... AS
/// STRING)`, `show()` and Spark's JSON write it; `None` for a column of another type.
pub fn interval_texts(
    field: &arrow::datatypes::Field,
    column: &arrow::array::ArrayRef,
) -> Result<Option<arrow::array::ArrayRef>> {
    use crate::functions::intervals::{interval_texts, is_interval};
    if !is_interval(column.data_type()) {
        return Ok(None);
    }
    interval_texts(column, ember_types::interval_fields(field))
        .map(Some)
        .map_err(|e| Error::from_datafusion(e, None))
}

/// `batches` as they are shown (the CLI's tables, `show()`, Livy's sql tables): each `VARIANT`
/// value, at any depth, replaced by its JSON text (Spark's `to_json` of it), so its column is
/// a `STRING` column here; every other column is passed on as it is.
pub fn shown(batches: &[RecordBatch]) -> Result<Vec<RecordBatch>> {
    batches.iter().map(shown_batch).collect()
}

fn shown_batch(batch: &RecordBatch) -> Result<RecordBatch> {
    use crate::functions::variant;
    texts_of(
        batch,
        "showing VARIANT values",
        variant::holds_variant,
        |_, column| variant::shown(column),
    )
}

/// `batch` with the columns of the types `replaced` picks as `text` makes them (same names).
fn texts_of(
    batch: &RecordBatch,
    ctx: &'static str,
    replaced: fn(&arrow::datatypes::DataType) -> bool,
    text: fn(
        &arrow::datatypes::Field,
        &arrow::array::ArrayRef,
    ) -> datafusion::error::Result<arrow::array::ArrayRef>,
) -> Result<RecordBatch> {
    let schema = batch.schema();
    if !schema.fields().iter().any(|f| replaced(f.data_type())) {
        return Ok(batch.clone());
    }
    let columns = batch
        .columns()
        .iter()
        .zip(schema.fields())
        .map(|(c, f)| {
            if replaced(c.data_type()) {
                text(f, c)
            } else {
                Ok(c.clone())
            }
        })
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| Error::from_datafusion(e, None))?;
    let fields: Vec<arrow::datatypes::Field> = schema
        .fields()
        .iter()
        .zip(&columns)
        .map(|(f, c)| f.as_ref().clone().with_data_type(c.data_type().clone()))
        .collect();
    RecordBatch::try_new(
        std::sync::Arc::new(arrow::datatypes::Schema::new(fields)),
        columns,
    )
    .map_err(arrow_err(ctx))
}

/// Renders batches in `format` to `writer`, exactly as [`DataFrame::write_to`](crate::DataFrame::write_to)
/// does (for batches that came from elsewhere, such as a Livy server).
pub fn render<W: Write>(
    schema: &SchemaRef,
    batches: &[RecordBatch],
    format: OutputFormat,
    mut writer: W,
) -> Result<()> {
    let io = |source| Error::Io {
        context: "writing query output",
        source,
    };
    // Arrow output keeps VARIANT values in their encoding; text shows their JSON.
    let (schema, batches) = if format == OutputFormat::Arrow {
        (schema.clone(), batches.to_vec())
    } else {
        let empty = shown_batch(&RecordBatch::new_empty(schema.clone()))?;
        (empty.schema(), shown(batches)?)
    };
    let (schema, batches) = (&schema, batches.as_slice());
    match format {
        OutputFormat::Table => writeln!(writer, "{}", shown_table(schema, batches)?).map_err(io),
        OutputFormat::Csv => {
            let ctx = "writing CSV";
            let mut w = arrow::csv::WriterBuilder::new()
                .with_header(true)
                .build(&mut writer);
            if batches.is_empty() {
                w.write(&RecordBatch::new_empty(schema.clone()))
                    .map_err(arrow_err(ctx))?;
            }
            for b in batches {
                w.write(b).map_err(arrow_err(ctx))?;
            }
            Ok(())
        }
        OutputFormat::Json => {
            let ctx = "writing JSON";
            let mut w = arrow::json::LineDelimitedWriter::new(&mut writer);
            for b in batches {
                w.write(b).map_err(arrow_err(ctx))?;
            }
            w.finish().map_err(arrow_err(ctx))
        }
        OutputFormat::Arrow => write_ipc_stream(writer, schema, batches),
    }
}

#[cfg(feature = "polars")]
pub use self::polars_export::{arrow_to_polars_array, batches_to_polars};

#[cfg(feature = "polars")]
mod polars_export {
    use arrow::array::{Array, ArrayRef, RecordBatch, new_empty_array};
    use arrow::datatypes::SchemaRef;
    use polars::prelude::{Column, PlSmallStr, Series};

    use crate::{DataFrame, Error, Result};

    /// Moves one Arrow array into Polars through the Arrow C Data Interface, without copying its
    /// buffers.
    ///
    /// This is the only `unsafe` in Ember's SQL layer. Why it is sound:
    /// - `arrow::ffi::to_ffi` exports the array as `FFI_ArrowArray`/`FFI_ArrowSchema`, and
    ///   `polars_arrow::ffi::{ArrowArray, ArrowSchema}` are `#[repr(C)]` definitions of the *same*
    ///   C structs of the [C Data Interface](https://arrow.apache.org/docs/format/CDataInterface.html),
    ///   so reinterpreting one as the other is a move between identical layouts (`transmute`
    ///   also checks the sizes at compile time). Ownership, i.e. the `release` callback, moves with
    ///   the struct: arrow-rs's `Drop` does not run, Polars' does, exactly once.
    /// - The structs were produced by arrow-rs from a valid `ArrayData`, which is what
    ///   `import_field_from_c`/`import_array_from_c` require.
    /// - The imported Polars array keeps the exported struct (and through its private data, the
    ///   Arrow buffers) alive until Polars drops it.
    #[allow(unsafe_code)]
    pub fn arrow_to_polars_array(
        array: &ArrayRef,
    ) -> Result<Box<dyn polars_arrow::array::Array>, String> {
        let (ffi_array, ffi_schema) =
            arrow::ffi::to_ffi(&array.to_data()).map_err(|e| e.to_string())?;
        // SAFETY: identical #[repr(C)] layouts of the C Data Interface structs; see above.
        let pl_array: polars_arrow::ffi::ArrowArray = unsafe { std::mem::transmute(ffi_array) };
        // SAFETY: as above.
        let pl_schema: polars_arrow::ffi::ArrowSchema = unsafe { std::mem::transmute(ffi_schema) };
        // SAFETY: `pl_schema` is a valid schema exported by arrow-rs.
        let field = unsafe { polars_arrow::ffi::import_field_from_c(&pl_schema) }
            .map_err(|e| e.to_string())?;
        // SAFETY: `pl_array` is a valid array exported by arrow-rs, of the type in `field`.
        unsafe { polars_arrow::ffi::import_array_from_c(pl_array, field.dtype) }
            .map_err(|e| e.to_string())
    }

    /// The part of `dt` that Ember's Polars build (polars-core with the dtype features of the
    /// workspace Cargo.toml) cannot hold, if any: importing it would panic inside Polars, so it
    /// is refused first.
    fn unsupported_by_polars(
        dt: &arrow::datatypes::DataType,
    ) -> Option<arrow::datatypes::DataType> {
        use arrow::datatypes::DataType as D;
        match dt {
            D::Null
            | D::Boolean
            | D::Int8
            | D::Int16
            | D::Int32
            | D::Int64
            | D::UInt8
            | D::UInt16
            | D::UInt32
            | D::UInt64
            | D::Float32
            | D::Float64
            | D::Utf8
            | D::LargeUtf8
            | D::Utf8View
            | D::Binary
            | D::LargeBinary
            | D::BinaryView
            | D::Date32
            | D::Decimal128(_, _)
            | D::Timestamp(_, _) => None,
            D::List(f) | D::LargeList(f) => unsupported_by_polars(f.data_type()),
            D::Struct(fields) => fields
                .iter()
                .find_map(|f| unsupported_by_polars(f.data_type())),
            other => Some(other.clone()),
        }
    }

    /// Converts record batches to a Polars DataFrame, zero-copy (one Polars chunk per batch).
    pub fn batches_to_polars(
        schema: &SchemaRef,
        batches: &[RecordBatch],
    ) -> Result<polars::prelude::DataFrame> {
        let height = batches.iter().map(RecordBatch::num_rows).sum();
        let schema = &crate::export::batches_schema(schema, batches);
        let mut columns = Vec::with_capacity(schema.fields().len());
        for (i, field) in schema.fields().iter().enumerate() {
            let fail = |message: String| Error::Polars {
                column: field.name().clone(),
                message,
            };
            if let Some(unsupported) = unsupported_by_polars(field.data_type()) {
                return Err(fail(format!(
                    "Arrow type {unsupported} has no Polars type in Ember's Polars build \
                     (cast the column, e.g. to DOUBLE or STRING, or use to_arrow)"
                )));
            }
            let arrays: Vec<ArrayRef> = if batches.is_empty() {
                vec![new_empty_array(field.data_type())]
            } else {
                batches.iter().map(|b| b.column(i).clone()).collect()
            };
            let chunks = arrays
                .iter()
                .map(arrow_to_polars_array)
                .collect::<Result<Vec<_>, String>>()
                .map_err(fail)?;
            let series = Series::try_from((PlSmallStr::from_str(field.name()), chunks))
                .map_err(|e| fail(e.to_string()))?;
            columns.push(Column::from(series));
        }
        polars::prelude::DataFrame::new(height, columns).map_err(|e| Error::Polars {
            column: String::new(),
            message: e.to_string(),
        })
    }

    impl DataFrame {
        /// PySpark's `toPandas`: runs the query and returns a `polars::DataFrame`, handing
        /// Arrow's buffers to Polars without copying (the C Data Interface; see the
        /// [module docs](crate::export)). Blocking. Every Spark column type converts (numbers,
        /// `DECIMAL`, strings, binary, `BOOLEAN`, `DATE`, `TIMESTAMP` with its zone and
        /// `TIMESTAMP_NTZ`, arrays, structs) except maps and intervals, which are an
        /// [`Error::Polars`] naming the column.
        pub fn to_polars(&self) -> Result<polars::prelude::DataFrame> {
            let batches = self.collect()?;
            batches_to_polars(&self.schema(), &batches)
        }
    }

    #[cfg(test)]
    mod tests {
        use std::sync::Arc;

        use arrow::array::{Float64Array, Int32Array, StringArray};
        use arrow::datatypes::{DataType, Field, Schema};

        use super::*;

        #[test]
        fn ffi_roundtrip_is_zero_copy_and_keeps_nulls() {
            let values = Float64Array::from(vec![Some(1.5), None, Some(3.0)]);
            let ptr = values.values().as_ptr();
            let array: ArrayRef = Arc::new(values);
            let pl = arrow_to_polars_array(&array).unwrap();
            assert_eq!(pl.len(), 3);
            assert_eq!(pl.null_count(), 1);
            let prim = pl
                .as_any()
                .downcast_ref::<polars_arrow::array::PrimitiveArray<f64>>()
                .unwrap();
            assert_eq!(
                prim.values().as_ptr(),
                ptr,
                "buffers must be shared, not copied"
            );
            drop(array);
            assert_eq!(prim.value(2), 3.0, "Polars keeps the buffer alive");
        }

        #[test]
        fn batches_become_a_polars_frame() {
            let schema = Arc::new(Schema::new(vec![
                Field::new("n", DataType::Int32, true),
                Field::new("s", DataType::Utf8, true),
            ]));
            let batch = |n: Vec<i32>, s: Vec<&str>| {
                RecordBatch::try_new(
                    schema.clone(),
                    vec![
                        Arc::new(Int32Array::from(n)),
                        Arc::new(StringArray::from(s)),
                    ],
                )
                .unwrap()
            };
            let df = batches_to_polars(
                &schema,
                &[batch(vec![1, 2], vec!["a", "b"]), batch(vec![3], vec!["c"])],
            )
            .unwrap();
            assert_eq!(df.shape(), (3, 2));
            let n = df.column("n").unwrap().i32().unwrap();
            assert_eq!(n.get(2), Some(3));
            let empty = batches_to_polars(&schema, &[]).unwrap();
            assert_eq!(empty.shape(), (0, 2));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::Int64Array;
    use arrow::datatypes::{DataType, Field, Schema};

    use super::*;

    fn batch() -> (SchemaRef, RecordBatch) {
        let schema = Arc::new(Schema::new(vec![Field::new("x", DataType::Int64, true)]));
        let b = RecordBatch::try_new(
            schema.clone(),
            vec![Arc::new(Int64Array::from(vec![Some(1), None]))],
        )
        .unwrap();
        (schema, b)
    }

    #[test]
    fn renders_every_format() {
        let (schema, b) = batch();
        let text = |f| {
            let mut out = Vec::new();
            render(&schema, std::slice::from_ref(&b), f, &mut out).unwrap();
            out
        };
        let table = String::from_utf8(text(OutputFormat::Table)).unwrap();
        // NULL as Spark's show() writes it.
        assert!(
            table.contains("| x    |") && table.contains("| NULL |"),
            "{table}"
        );
        // A lone null column is written as `""` so the row is not an empty line.
        assert_eq!(
            String::from_utf8(text(OutputFormat::Csv)).unwrap(),
            "x\n1\n\"\"\n"
        );
        assert_eq!(
            String::from_utf8(text(OutputFormat::Json)).unwrap(),
            "{\"x\":1}\n{}\n"
        );
        let ipc = text(OutputFormat::Arrow);
        let reader =
            arrow::ipc::reader::StreamReader::try_new(std::io::Cursor::new(ipc), None).unwrap();
        let back: Vec<RecordBatch> = reader.collect::<Result<_, _>>().unwrap();
        assert_eq!(back, vec![b]);
    }
}

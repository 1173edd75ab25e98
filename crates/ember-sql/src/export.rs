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

/// `batches` as they are shown (the CLI's tables, `show()`, Livy's sql tables): each `VARIANT`
/// value, at any depth, replaced by its JSON text (Spark's `to_json` of it), so its column is
/// a `STRING` column here; every other column is passed on as it is.
pub fn shown(batches: &[RecordBatch]) -> Result<Vec<RecordBatch>> {
    batches.iter().map(shown_batch).collect()
}

fn shown_batch(batch: &RecordBatch) -> Result<RecordBatch> {
    use crate::functions::variant;
    let schema = batch.schema();
    if !schema
        .fields()
        .iter()
        .any(|f| variant::holds_variant(f.data_type()))
    {
        return Ok(batch.clone());
    }
    let ctx = "showing VARIANT values";
    let columns = batch
        .columns()
        .iter()
        .map(variant::shown)
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
        OutputFormat::Table => {
            let table = if batches.is_empty() {
                arrow::util::pretty::pretty_format_batches(&[RecordBatch::new_empty(
                    schema.clone(),
                )])
            } else {
                arrow::util::pretty::pretty_format_batches(batches)
            }
            .map_err(arrow_err("formatting a table"))?;
            writeln!(writer, "{table}").map_err(io)
        }
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
        assert!(table.contains("| x |"), "{table}");
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

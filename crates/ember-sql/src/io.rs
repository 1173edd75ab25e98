//! Reading files into DataFrames and registering them as views.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use datafusion::arrow::array::{Array, AsArray};
use datafusion::arrow::datatypes::{DataType as ArrowType, Field, Int64Type, Schema, TimeUnit};
use datafusion::common::Column;
use datafusion::logical_expr::Expr;

use datafusion::datasource::file_format::options::ArrowReadOptions;
use datafusion::prelude::{CsvReadOptions, JsonReadOptions, ParquetReadOptions};

use crate::dataframe::DataFrame;
use crate::file_format::{FileFormat, data_files};
use crate::session::Session;
use crate::{Error, Result};

impl Session {
    /// Reads a file (or a directory of files) of the given format into a lazy DataFrame.
    ///
    /// The schema is inferred now, so a missing or malformed file usually fails here with
    /// [`Error::File`]; a file that breaks later (say, a bad CSV row past the inference window)
    /// fails when the DataFrame runs, with [`Error::Execution`].
    pub fn read(&self, format: FileFormat, path: impl AsRef<Path>) -> Result<DataFrame> {
        let path = path.as_ref().to_path_buf();
        let file_err = |message: String| Error::File {
            action: "read",
            format: format.name(),
            path: path.clone(),
            message,
        };
        if !path.exists() {
            return Err(file_err("no such file or directory".to_owned()));
        }
        let location = path
            .to_str()
            .ok_or_else(|| file_err("path is not UTF-8".to_owned()))?
            .to_owned();
        // DataFusion filters files by extension (with the dot): a file's own; for a directory,
        // the one its data files share (`.ndjson` files are JSON too), else the format's default.
        let ext = if path.is_dir() {
            data_file_extension(&path)
        } else {
            path.extension()
                .and_then(|e| e.to_str())
                .map(|e| format!(".{e}"))
        };
        let ctx = self.inner().ctx.clone();
        let time_zone: Arc<str> = self
            .conf("spark.sql.session.timeZone")
            .unwrap_or("UTC")
            .into();
        let df = self
            .block_on(async move {
                let df = match format {
                    FileFormat::Parquet => {
                        let mut options = ParquetReadOptions::default();
                        if let Some(ext) = &ext {
                            options = options.file_extension(ext);
                        }
                        ctx.read_parquet(location, options).await
                    }
                    FileFormat::Csv => {
                        let mut options = CsvReadOptions::new();
                        if let Some(ext) = &ext {
                            options = options.file_extension(ext);
                        }
                        match ctx.read_csv(location.clone(), options.clone()).await {
                            Ok(inferred) => match spark_csv_schema(&inferred, &time_zone).await {
                                Ok(Some(schema)) => {
                                    ctx.read_csv(location, options.schema(&schema)).await
                                }
                                Ok(None) => Ok(inferred),
                                Err(e) => Err(e),
                            },
                            Err(e) => Err(e),
                        }
                    }
                    FileFormat::Json => {
                        let mut options = JsonReadOptions::default();
                        if let Some(ext) = &ext {
                            options = options.file_extension(ext);
                        }
                        ctx.read_json(location, options).await
                    }
                    FileFormat::Arrow => {
                        let mut options = ArrowReadOptions::default();
                        if let Some(ext) = &ext {
                            options.file_extension = ext;
                        }
                        ctx.read_arrow(location, options).await
                    }
                };
                df.map_err(|e| Error::Execution {
                    message: e.find_root().message().into_owned(),
                })
            })
            .map_err(|e| match e {
                Error::Execution { message } => file_err(message),
                other => other,
            })?;
        Ok(DataFrame::new(self.clone(), df, None))
    }

    /// Reads Parquet (Spark's `spark.read.parquet`).
    pub fn read_parquet(&self, path: impl AsRef<Path>) -> Result<DataFrame> {
        self.read(FileFormat::Parquet, path)
    }

    /// Reads CSV with a header row and infers its schema with Spark's types (Spark's
    /// `spark.read.option("header", true).option("inferSchema", true).csv`): `INT` for integer
    /// columns whose values all fit, `BIGINT`, `DOUBLE`, `BOOLEAN`, `DATE`, `TIMESTAMP` (in the
    /// session time zone), `STRING`.
    pub fn read_csv(&self, path: impl AsRef<Path>) -> Result<DataFrame> {
        self.read(FileFormat::Csv, path)
    }

    /// Reads newline-delimited JSON (Spark's `spark.read.json`).
    pub fn read_json(&self, path: impl AsRef<Path>) -> Result<DataFrame> {
        self.read(FileFormat::Json, path)
    }

    /// Reads an Arrow IPC file.
    pub fn read_ipc(&self, path: impl AsRef<Path>) -> Result<DataFrame> {
        self.read(FileFormat::Arrow, path)
    }

    /// Registers the file at `path` as the view `name`, choosing the reader by extension
    /// (see [`FileFormat::from_path`]). Replaces an existing view of that name.
    /// A directory is read as Spark reads one: every data file in it (names starting with `_`
    /// or `.`, such as `_SUCCESS`, are left out), in the format their extensions name (see
    /// [`FileFormat::of_directory`]).
    pub fn register_file(&self, name: &str, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        if path.is_dir() {
            let format = FileFormat::of_directory(path)?;
            return self.read(format, path)?.create_or_replace_temp_view(name);
        }
        let format = FileFormat::from_path(path).ok_or_else(|| Error::InvalidArgument {
            message: format!(
                "cannot tell the format of {} from its extension (expected .parquet, .csv, .json, .ndjson, .arrow or .ipc)",
                path.display()
            ),
        })?;
        self.read(format, path)?.create_or_replace_temp_view(name)
    }

    /// Registers views from `name=path` specs (the CLI's `--view name=path.parquet`), by file
    /// extension. Fails on the first malformed spec or unreadable file, naming it.
    pub fn register_views<I, S>(&self, specs: I) -> Result<()>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        for spec in specs {
            let (name, path) = parse_view_spec(spec.as_ref())?;
            self.register_file(name, path)?;
        }
        Ok(())
    }
}

/// Spark's types for a CSV schema DataFusion inferred, or `None` when they are the same:
/// integer columns are `INT` when every value fits in 32 bits (DataFusion: always `BIGINT`;
/// this scans the file once more, as Spark's `inferSchema` reads all of it), timestamps are
/// Spark's `TIMESTAMP` in the session time zone (DataFusion: without a zone), and columns with
/// no values are `STRING` (DataFusion: `NULL`). Dates, doubles, booleans and strings agree.
async fn spark_csv_schema(
    inferred: &datafusion::dataframe::DataFrame,
    time_zone: &Arc<str>,
) -> datafusion::error::Result<Option<Schema>> {
    use datafusion::functions_aggregate::expr_fn::{max, min};
    let fields = inferred.schema().fields();
    let integers: Vec<usize> = (0..fields.len())
        .filter(|&i| fields[i].data_type() == &ArrowType::Int64)
        .collect();
    let differs = |t: &ArrowType| matches!(t, ArrowType::Null | ArrowType::Timestamp(_, None));
    if integers.is_empty() && !fields.iter().any(|f| differs(f.data_type())) {
        return Ok(None);
    }
    let mut fits = vec![false; fields.len()];
    if !integers.is_empty() {
        let column = |i: usize| Expr::Column(Column::new_unqualified(fields[i].name()));
        let bounds = integers
            .iter()
            .flat_map(|&i| [min(column(i)), max(column(i))])
            .collect::<Vec<_>>();
        let batches = inferred
            .clone()
            .aggregate(vec![], bounds)?
            .collect()
            .await?;
        if let Some(batch) = batches.first().filter(|b| b.num_rows() == 1) {
            for (k, &i) in integers.iter().enumerate() {
                let bound = |c: usize| {
                    batch
                        .column(c)
                        .as_primitive_opt::<Int64Type>()
                        .filter(|a| !a.is_null(0))
                        .map(|a| a.value(0))
                };
                fits[i] = match (bound(2 * k), bound(2 * k + 1)) {
                    (Some(lo), Some(hi)) => i32::try_from(lo).is_ok() && i32::try_from(hi).is_ok(),
                    _ => false,
                };
            }
        }
    }
    let spark_fields: Vec<Field> = fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let t = match f.data_type() {
                ArrowType::Int64 if fits[i] => ArrowType::Int32,
                ArrowType::Timestamp(_, None) => {
                    ArrowType::Timestamp(TimeUnit::Microsecond, Some(Arc::clone(time_zone)))
                }
                ArrowType::Null => ArrowType::Utf8,
                other => other.clone(),
            };
            Field::new(f.name(), t, f.is_nullable())
        })
        .collect();
    Ok(Some(Schema::new(spark_fields)))
}

/// The extension (with its dot) that the data files of `dir` share, if they share one.
fn data_file_extension(dir: &Path) -> Option<String> {
    let files = data_files(dir).ok()?;
    let mut exts = files
        .iter()
        .filter_map(|f| f.extension()?.to_str().map(str::to_owned));
    let first = exts.next()?;
    exts.all(|e| e == first).then(|| format!(".{first}"))
}

/// Splits a `name=path` view spec.
pub fn parse_view_spec(spec: &str) -> Result<(&str, PathBuf)> {
    match spec.split_once('=') {
        Some((name, path)) if !name.trim().is_empty() && !path.trim().is_empty() => {
            Ok((name.trim(), PathBuf::from(path.trim())))
        }
        _ => Err(Error::InvalidArgument {
            message: format!("view spec `{spec}` is not of the form name=path"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn view_specs() {
        let (name, path) = parse_view_spec("t=/tmp/a.parquet").unwrap();
        assert_eq!(name, "t");
        assert_eq!(path, PathBuf::from("/tmp/a.parquet"));
        assert!(matches!(
            parse_view_spec("nope"),
            Err(Error::InvalidArgument { .. })
        ));
        assert!(matches!(
            parse_view_spec("=x"),
            Err(Error::InvalidArgument { .. })
        ));
    }

    #[test]
    fn a_directorys_format_is_its_data_files() {
        let dir = tempfile::tempdir().unwrap();
        let err = FileFormat::of_directory(dir.path()).unwrap_err();
        assert!(err.to_string().contains("holds no"), "{err}");
        std::fs::write(dir.path().join("_SUCCESS"), "").unwrap();
        std::fs::write(dir.path().join(".part-0.crc"), "").unwrap();
        std::fs::write(dir.path().join("part-0.ndjson"), "{}\n").unwrap();
        assert_eq!(
            FileFormat::of_directory(dir.path()).unwrap(),
            FileFormat::Json
        );
        assert_eq!(data_file_extension(dir.path()).as_deref(), Some(".ndjson"));
        std::fs::write(dir.path().join("part-1.csv"), "a\n1\n").unwrap();
        let err = FileFormat::of_directory(dir.path()).unwrap_err();
        assert!(err.to_string().contains("both"), "{err}");
        assert_eq!(data_file_extension(dir.path()), None);
    }

    #[test]
    fn formats_by_extension() {
        assert_eq!(
            FileFormat::from_path(Path::new("a.PARQUET")),
            Some(FileFormat::Parquet)
        );
        assert_eq!(
            FileFormat::from_path(Path::new("a.ndjson")),
            Some(FileFormat::Json)
        );
        assert_eq!(
            FileFormat::from_path(Path::new("a.feather")),
            Some(FileFormat::Arrow)
        );
        assert_eq!(FileFormat::from_path(Path::new("a.txt")), None);
    }
}

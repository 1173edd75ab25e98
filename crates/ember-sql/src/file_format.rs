//! [`FileFormat`]: the file formats Ember reads (`io.rs`) and writes (`dataframe.rs`), told by
//! file names and directory contents.

use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// The file formats Ember reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// Apache Parquet.
    Parquet,
    /// CSV with a header row.
    Csv,
    /// Newline-delimited JSON (one object per line, like Spark's default JSON source).
    Json,
    /// Arrow IPC file format (`.arrow`, `.ipc`, `.feather`).
    Arrow,
}

impl FileFormat {
    /// The format for a file name's extension: `parquet`/`pq`, `csv`, `json`/`ndjson`/`jsonl`,
    /// `arrow`/`ipc`/`feather`.
    pub fn from_path(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "parquet" | "pq" => Self::Parquet,
            "csv" => Self::Csv,
            "json" | "ndjson" | "jsonl" => Self::Json,
            "arrow" | "ipc" | "feather" => Self::Arrow,
            _ => return None,
        })
    }

    /// The format of a directory's data files, told by their extensions (files whose names
    /// start with `_` or `.`, such as Spark's `_SUCCESS` and checksums, are not data).
    ///
    /// Errors: [`Error::InvalidArgument`] when the directory cannot be listed, holds no file of
    /// a known format, or holds files of several formats.
    pub fn of_directory(dir: &Path) -> Result<Self> {
        let invalid = |message: String| Error::InvalidArgument { message };
        let mut found: Option<Self> = None;
        for file in data_files(dir)
            .map_err(|e| invalid(format!("cannot list the directory {}: {e}", dir.display())))?
        {
            let Some(format) = Self::from_path(&file) else {
                continue;
            };
            match found {
                Some(f) if f != format => {
                    return Err(invalid(format!(
                        "the directory {} holds both {} and {} files; a view reads one format",
                        dir.display(),
                        f.name(),
                        format.name()
                    )));
                }
                _ => found = Some(format),
            }
        }
        found.ok_or_else(|| {
            invalid(format!(
                "the directory {} holds no .parquet, .csv, .json, .ndjson, .arrow or .ipc file",
                dir.display()
            ))
        })
    }

    /// Lower-case name, as used in error messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::Parquet => "parquet",
            Self::Csv => "csv",
            Self::Json => "json",
            Self::Arrow => "arrow",
        }
    }
}

/// The data files directly in `dir`: regular files whose names start with neither `_` nor `.`.
pub(crate) fn data_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let hidden = name
            .to_str()
            .is_none_or(|n| n.starts_with('_') || n.starts_with('.'));
        if !hidden && entry.file_type()?.is_file() {
            files.push(entry.path());
        }
    }
    Ok(files)
}

//! Where RDDs come from: in-memory collections, integer ranges (sliced without being
//! materialised) and text files.

use std::fs::File;
use std::io::{BufRead, BufReader, Seek, SeekFrom};
use std::ops::{Range, RangeInclusive};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::batch::{BATCH, BatchIter, slice_batches};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::rdd::{Data, Rdd};

/// A collection [`Context::parallelize`] can slice into partitions: a `Vec`, or an integer range
/// (`1..=n`), which is sliced arithmetically and never materialised.
pub trait IntoRdd {
    /// The element type.
    type Item: Data;
    /// Slices `self` into `num_slices` partitions of `ctx` (already checked to be > 0).
    fn into_rdd(self, ctx: &Context, num_slices: usize) -> Rdd<Self::Item>;
}

/// Spark's slicing: slice `i` of `len` elements in `n` slices is `[i*len/n, (i+1)*len/n)`.
fn slice_bounds(len: u128, n: usize, i: usize) -> (u128, u128) {
    let n = n as u128;
    let i = i as u128;
    (i * len / n, (i + 1) * len / n)
}

impl<T: Data> IntoRdd for Vec<T> {
    type Item = T;
    fn into_rdd(self, ctx: &Context, num_slices: usize) -> Rdd<T> {
        let data = Arc::new(self);
        Rdd::from_compute(ctx, "parallelize", num_slices, Vec::new(), move |p, _| {
            let (lo, hi) = slice_bounds(data.len() as u128, num_slices, p);
            Ok(slice_batches(Arc::clone(&data), lo as usize, hi as usize))
        })
    }
}

/// An integer type a range source can count in.
trait Step: Data + Copy {
    fn from_i128(v: i128) -> Self;
    fn plus(self, i: usize) -> Self;
}

/// An integer range's first element and length, in a type wide enough for any of them. Bounds
/// are computed in `i128`; the elements themselves are counted in `T`, which keeps the inner
/// loop as cheap as a hand-written one.
fn range_rdd<T: Step>(ctx: &Context, start: i128, len: u128, num_slices: usize) -> Rdd<T> {
    Rdd::from_compute(ctx, "parallelize", num_slices, Vec::new(), move |p, _| {
        let (lo, hi) = slice_bounds(len, num_slices, p);
        let (lo, hi) = (start + lo as i128, start + hi as i128);
        Ok(Box::new((lo..hi).step_by(BATCH).map(move |b| {
            let n = ((b + BATCH as i128).min(hi) - b) as usize;
            let first = T::from_i128(b);
            // A `TrustedLen` collect: one allocation, and a loop the compiler vectorises.
            Ok((0..n).map(|i| first.plus(i)).collect())
        })) as BatchIter<T>)
    })
}

macro_rules! int_ranges {
    ($($t:ty),*) => {$(
        impl Step for $t {
            #[inline]
            fn from_i128(v: i128) -> Self {
                v as $t
            }
            #[inline]
            fn plus(self, i: usize) -> Self {
                // `i` < BATCH and the batch lies inside the range, so this never wraps.
                self.wrapping_add(i as $t)
            }
        }
        impl IntoRdd for Range<$t> {
            type Item = $t;
            fn into_rdd(self, ctx: &Context, num_slices: usize) -> Rdd<$t> {
                let (s, e) = (self.start as i128, self.end as i128);
                range_rdd(ctx, s, (e - s).max(0) as u128, num_slices)
            }
        }
        impl IntoRdd for RangeInclusive<$t> {
            type Item = $t;
            fn into_rdd(self, ctx: &Context, num_slices: usize) -> Rdd<$t> {
                let (s, e) = (*self.start() as i128, *self.end() as i128);
                range_rdd(ctx, s, (e - s + 1).max(0) as u128, num_slices)
            }
        }
    )*};
}
int_ranges!(i32, i64, u32, u64, usize);

impl Context {
    /// Slices `data` into `num_slices` partitions (Spark's `parallelize`). Integer ranges are
    /// sliced without being materialised: `parallelize(1..=1_000_000_000, 10)` takes no memory.
    ///
    /// `num_slices == 0` is [`Error::InvalidArgument`].
    pub fn parallelize<S: IntoRdd>(&self, data: S, num_slices: usize) -> Result<Rdd<S::Item>> {
        if num_slices == 0 {
            return Err(Error::invalid("num_slices", "must be at least 1"));
        }
        Ok(data.into_rdd(self, num_slices))
    }

    /// The integers in `range`, in `num_slices` partitions (Spark's `range`).
    pub fn range(&self, range: Range<i64>, num_slices: usize) -> Result<Rdd<i64>> {
        self.parallelize(range, num_slices)
    }

    /// An empty RDD.
    pub fn empty<T: Data>(&self) -> Rdd<T> {
        Rdd::from_compute(self, "empty", 0, Vec::new(), |_, _| {
            Ok(Box::new(std::iter::empty()))
        })
    }

    /// One partition per inner `Vec`, as given.
    pub fn parallelize_partitions<T: Data>(&self, partitions: Vec<Vec<T>>) -> Result<Rdd<T>> {
        let parts: Vec<Arc<Vec<T>>> = partitions.into_iter().map(Arc::new).collect();
        Ok(Rdd::from_compute(
            self,
            "parallelize_partitions",
            parts.len(),
            Vec::new(),
            move |p, _| {
                let part = Arc::clone(&parts[p]);
                let len = part.len();
                Ok(slice_batches(part, 0, len))
            },
        ))
    }

    /// The lines of a text file, or of every file in a directory (skipping names that start
    /// with `_` or `.`, such as `_SUCCESS`), as Spark's `textFile`. Each file is split into
    /// byte ranges so that there are at least `min_partitions` partitions; a line belongs to the
    /// range its first byte is in. Line ends (`\n`, `\r\n`) are stripped; invalid UTF-8 is
    /// replaced with U+FFFD.
    ///
    /// A missing or unreadable path is [`Error::Io`] now, not when the job runs.
    pub fn text_file(&self, path: impl AsRef<Path>, min_partitions: usize) -> Result<Rdd<String>> {
        if min_partitions == 0 {
            return Err(Error::invalid("min_partitions", "must be at least 1"));
        }
        let path = path.as_ref();
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        let mut files: Vec<(PathBuf, u64)> = Vec::new();
        if meta.is_dir() {
            let entries = std::fs::read_dir(path).map_err(|e| Error::io(path, e))?;
            for entry in entries {
                let entry = entry.map_err(|e| Error::io(path, e))?;
                let name = entry.file_name();
                let name = name.to_string_lossy();
                if name.starts_with('_') || name.starts_with('.') {
                    continue;
                }
                let p = entry.path();
                let m = std::fs::metadata(&p).map_err(|e| Error::io(&p, e))?;
                if m.is_file() {
                    files.push((p, m.len()));
                }
            }
            files.sort();
        } else {
            files.push((path.to_owned(), meta.len()));
        }
        for (f, _) in &files {
            File::open(f).map_err(|e| Error::io(f, e))?;
        }
        let total: u64 = files.iter().map(|f| f.1).sum();
        let goal = (total / min_partitions as u64).max(1);
        let mut splits: Vec<(PathBuf, u64, u64)> = Vec::new();
        for (f, len) in files {
            let pieces = len.div_ceil(goal).max(1);
            for i in 0..pieces {
                let (lo, hi) = (i * len / pieces, (i + 1) * len / pieces);
                splits.push((f.clone(), lo, hi));
            }
        }
        let splits = Arc::new(splits);
        Ok(Rdd::from_compute(
            self,
            "text_file",
            splits.len(),
            Vec::new(),
            move |p, _| {
                let (file, start, end) = splits[p].clone();
                Ok(Box::new(LineSplit::open(file, start, end)?) as BatchIter<String>)
            },
        ))
    }
}

/// Reads the lines that start in `[start, end)` of a file, in batches.
struct LineSplit {
    path: PathBuf,
    reader: BufReader<File>,
    pos: u64,
    end: u64,
    done: bool,
}

impl LineSplit {
    fn open(path: PathBuf, start: u64, end: u64) -> Result<Self> {
        let file = File::open(&path).map_err(|e| Error::io(&path, e))?;
        let mut reader = BufReader::new(file);
        let mut pos = start;
        if start > 0 {
            // The line that contains byte `start - 1` belongs to the previous split.
            reader
                .seek(SeekFrom::Start(start - 1))
                .map_err(|e| Error::io(&path, e))?;
            let mut skipped = Vec::new();
            let n = reader
                .read_until(b'\n', &mut skipped)
                .map_err(|e| Error::io(&path, e))?;
            pos = start - 1 + n as u64;
        }
        Ok(LineSplit {
            path,
            reader,
            pos,
            end,
            done: false,
        })
    }
}

impl Iterator for LineSplit {
    type Item = Result<Vec<String>>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let mut batch = Vec::with_capacity(BATCH);
        let mut buf = Vec::new();
        while batch.len() < BATCH {
            if self.pos >= self.end {
                self.done = true;
                break;
            }
            buf.clear();
            match self.reader.read_until(b'\n', &mut buf) {
                Ok(0) => {
                    self.done = true;
                    break;
                }
                Ok(n) => {
                    self.pos += n as u64;
                    if buf.last() == Some(&b'\n') {
                        buf.pop();
                        if buf.last() == Some(&b'\r') {
                            buf.pop();
                        }
                    }
                    batch.push(String::from_utf8_lossy(&buf).into_owned());
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(Error::io(&self.path, e)));
                }
            }
        }
        (!batch.is_empty()).then_some(Ok(batch))
    }
}

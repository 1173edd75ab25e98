//! Actions: each runs one job (`take` may run several) and returns its result to the caller.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};
use std::fmt;
use std::hash::Hash;
use std::io::Write;
use std::path::Path;

use crate::batch::BATCH;
use crate::error::{Error, Result};
use crate::rdd::{Data, Rdd};

impl<T: Data> Rdd<T> {
    // ---------------------------------------------------------------- actions

    /// Every element, in partition order.
    pub fn collect(&self) -> Result<Vec<T>> {
        let parts = self
            .context()
            .run_job(self, "collect", None, |_, batches| {
                let mut out = Vec::new();
                for b in batches {
                    out.extend(b?);
                }
                Ok(out)
            })?;
        Ok(parts.into_iter().flatten().collect())
    }

    /// The number of elements.
    pub fn count(&self) -> Result<u64> {
        let parts = self.context().run_job(self, "count", None, |_, batches| {
            let mut n = 0u64;
            for b in batches {
                n += b?.len() as u64;
            }
            Ok(n)
        })?;
        Ok(parts.into_iter().sum())
    }

    /// Combines the elements with an associative, commutative `f`.
    /// An empty RDD is [`Error::EmptyRdd`], as in Spark.
    pub fn reduce(&self, f: impl Fn(T, T) -> T + Send + Sync) -> Result<T> {
        let parts = self.context().run_job(self, "reduce", None, |_, batches| {
            let mut acc: Option<T> = None;
            for b in batches {
                let part = b?.into_iter().reduce(&f);
                acc = match (acc, part) {
                    (Some(a), Some(p)) => Some(f(a, p)),
                    (a, p) => a.or(p),
                };
            }
            Ok(acc)
        })?;
        parts
            .into_iter()
            .flatten()
            .reduce(&f)
            .ok_or(Error::EmptyRdd { op: "reduce" })
    }

    /// Folds each partition from `zero`, then folds the partition results from `zero`.
    pub fn fold(&self, zero: T, f: impl Fn(T, T) -> T + Send + Sync) -> Result<T> {
        let parts = self.context().run_job(self, "fold", None, |_, batches| {
            let mut acc = zero.clone();
            for b in batches {
                acc = b?.into_iter().fold(acc, &f);
            }
            Ok(acc)
        })?;
        Ok(parts.into_iter().fold(zero, &f))
    }

    /// Aggregates each partition with `seq` from `zero`, then merges the results with `comb`.
    pub fn aggregate<U: Data>(
        &self,
        zero: U,
        seq: impl Fn(U, T) -> U + Send + Sync,
        comb: impl Fn(U, U) -> U + Send + Sync,
    ) -> Result<U> {
        let parts = self
            .context()
            .run_job(self, "aggregate", None, |_, batches| {
                let mut acc = zero.clone();
                for b in batches {
                    acc = b?.into_iter().fold(acc, &seq);
                }
                Ok(acc)
            })?;
        Ok(parts.into_iter().fold(zero, comb))
    }

    /// The sum of the elements (zero for an empty RDD).
    pub fn sum(&self) -> Result<T>
    where
        T: std::iter::Sum<T>,
    {
        let parts = self.context().run_job(self, "sum", None, |_, batches| {
            let mut sums = Vec::new();
            for b in batches {
                sums.push(b?.into_iter().sum::<T>());
            }
            Ok(sums.into_iter().sum::<T>())
        })?;
        Ok(parts.into_iter().sum())
    }

    /// The smallest element. Incomparable values (NaN) never replace a value already chosen.
    pub fn min(&self) -> Result<T>
    where
        T: PartialOrd,
    {
        self.reduce(|a, b| if b < a { b } else { a })
            .map_err(|e| rename_empty(e, "min"))
    }

    /// The largest element. Incomparable values (NaN) never replace a value already chosen.
    pub fn max(&self) -> Result<T>
    where
        T: PartialOrd,
    {
        self.reduce(|a, b| if b > a { b } else { a })
            .map_err(|e| rename_empty(e, "max"))
    }

    /// The first `n` elements in partition order. Like Spark, scans one partition first and
    /// then more (4 times as many each round), computing only what it needs.
    pub fn take(&self, n: usize) -> Result<Vec<T>> {
        let total = self.num_partitions();
        let mut out = Vec::with_capacity(n.min(BATCH));
        let mut scanned = 0;
        let mut round = 1;
        while out.len() < n && scanned < total {
            let upto = (scanned + round).min(total);
            let parts: Vec<usize> = (scanned..upto).collect();
            let want = n - out.len();
            let got = self
                .context()
                .run_job(self, "take", Some(&parts), |_, batches| {
                    let mut part = Vec::new();
                    for b in batches {
                        part.extend(b?.into_iter().take(want - part.len()));
                        if part.len() >= want {
                            break;
                        }
                    }
                    Ok(part)
                })?;
            for part in got {
                out.extend(part.into_iter().take(n - out.len()));
            }
            scanned = upto;
            round *= 4;
        }
        Ok(out)
    }

    /// The first element; [`Error::EmptyRdd`] when there is none.
    pub fn first(&self) -> Result<T> {
        self.take(1)?
            .into_iter()
            .next()
            .ok_or(Error::EmptyRdd { op: "first" })
    }

    /// The `n` largest elements, largest first.
    pub fn top(&self, n: usize) -> Result<Vec<T>>
    where
        T: Ord,
    {
        self.take_ordered_by(n, |a, b| b.cmp(a))
    }

    /// The `n` smallest elements, smallest first.
    pub fn take_ordered(&self, n: usize) -> Result<Vec<T>>
    where
        T: Ord,
    {
        self.take_ordered_by(n, Ord::cmp)
    }

    fn take_ordered_by(
        &self,
        n: usize,
        cmp: impl Fn(&T, &T) -> Ordering + Send + Sync + Copy,
    ) -> Result<Vec<T>>
    where
        T: Ord,
    {
        /// Orders by `cmp`, so the heap's top is the worst kept element.
        struct ByCmp<T, C>(T, C);
        impl<T, C: Fn(&T, &T) -> Ordering> PartialEq for ByCmp<T, C> {
            fn eq(&self, o: &Self) -> bool {
                (self.1)(&self.0, &o.0) == Ordering::Equal
            }
        }
        impl<T, C: Fn(&T, &T) -> Ordering> Eq for ByCmp<T, C> {}
        impl<T, C: Fn(&T, &T) -> Ordering> PartialOrd for ByCmp<T, C> {
            fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
                Some(self.cmp(o))
            }
        }
        impl<T, C: Fn(&T, &T) -> Ordering> Ord for ByCmp<T, C> {
            fn cmp(&self, o: &Self) -> Ordering {
                (self.1)(&self.0, &o.0)
            }
        }
        if n == 0 {
            return Ok(Vec::new());
        }
        let keep = |heap: &mut BinaryHeap<ByCmp<T, _>>, x: T| {
            heap.push(ByCmp(x, cmp));
            if heap.len() > n {
                heap.pop();
            }
        };
        let parts = self.context().run_job(self, "top", None, |_, batches| {
            let mut heap = BinaryHeap::with_capacity(n + 1);
            for b in batches {
                for x in b? {
                    keep(&mut heap, x);
                }
            }
            Ok(heap.into_iter().map(|e| e.0).collect::<Vec<T>>())
        })?;
        let mut heap = BinaryHeap::with_capacity(n + 1);
        parts.into_iter().flatten().for_each(|x| keep(&mut heap, x));
        Ok(heap.into_sorted_vec().into_iter().map(|e| e.0).collect())
    }

    /// Runs `f` on every element, on the workers.
    pub fn foreach(&self, f: impl Fn(T) + Send + Sync) -> Result<()> {
        self.context()
            .run_job(self, "foreach", None, |_, batches| {
                for b in batches {
                    b?.into_iter().for_each(&f);
                }
                Ok(())
            })?;
        Ok(())
    }

    /// How many times each distinct element occurs.
    pub fn count_by_value(&self) -> Result<HashMap<T, u64>>
    where
        T: Hash + Eq,
    {
        let parts = self
            .context()
            .run_job(self, "count_by_value", None, |_, batches| {
                let mut counts: HashMap<T, u64> = HashMap::new();
                for b in batches {
                    for x in b? {
                        *counts.entry(x).or_default() += 1;
                    }
                }
                Ok(counts)
            })?;
        let mut total: HashMap<T, u64> = HashMap::new();
        for part in parts {
            for (k, n) in part {
                *total.entry(k).or_default() += n;
            }
        }
        Ok(total)
    }

    /// Writes one `part-NNNNN` file per partition, one element per line, into the new directory
    /// `path`, then an empty `_SUCCESS` marker. Refuses an existing path ([`Error::PathExists`]);
    /// on failure the directory is removed again.
    pub fn save_as_text_file(&self, path: impl AsRef<Path>) -> Result<()>
    where
        T: fmt::Display,
    {
        let dir = path.as_ref();
        if dir.exists() {
            return Err(Error::PathExists {
                path: dir.to_owned(),
            });
        }
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let written = self
            .context()
            .run_job(self, "save_as_text_file", None, |tc, batches| {
                let file = dir.join(format!("part-{:05}", tc.partition_id()));
                let mut out = std::io::BufWriter::new(
                    std::fs::File::create(&file).map_err(|e| Error::io(&file, e))?,
                );
                for b in batches {
                    for x in b? {
                        writeln!(out, "{x}").map_err(|e| Error::io(&file, e))?;
                    }
                }
                out.flush().map_err(|e| Error::io(&file, e))
            })
            .and_then(|_| {
                let marker = dir.join("_SUCCESS");
                std::fs::File::create(&marker)
                    .map(drop)
                    .map_err(|e| Error::io(marker, e))
            });
        if written.is_err() {
            let _ = std::fs::remove_dir_all(dir);
        }
        written
    }
}

fn rename_empty(e: Error, op: &'static str) -> Error {
    match e {
        Error::EmptyRdd { .. } => Error::EmptyRdd { op },
        other => other,
    }
}

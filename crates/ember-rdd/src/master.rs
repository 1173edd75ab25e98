//! [`Master`]: parsing Spark's local master URLs.

use std::fmt;

use crate::error::{Error, Result};

/// Where jobs run: always in this process, on a pool of `threads` workers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Master {
    spec: String,
    threads: usize,
    max_task_failures: Option<u32>,
}

impl Master {
    /// Parses Spark's local master URLs: `local` (one thread), `local[N]`, `local[*]` (all cores)
    /// and `local[N,F]` (N threads, F attempts per task).
    ///
    /// ```
    /// let m = ember_rdd::Master::parse("local[3]")?;
    /// assert_eq!(m.threads(), 3);
    /// assert!(ember_rdd::Master::parse("spark://host:7077").is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn parse(spec: &str) -> Result<Self> {
        let bad = |reason: &str| Error::InvalidMaster {
            master: spec.to_owned(),
            reason: reason.to_owned(),
        };
        let trimmed = spec.trim();
        if trimmed == "local" {
            return Ok(Master {
                spec: trimmed.to_owned(),
                threads: 1,
                max_task_failures: None,
            });
        }
        let Some(inner) = trimmed
            .strip_prefix("local[")
            .and_then(|s| s.strip_suffix(']'))
        else {
            return Err(bad(
                "Ember runs jobs in-process: use local, local[N], local[*] or local[N,F]; \
                 hand cluster work to Spark through Livy",
            ));
        };
        let (threads, failures) = match inner.split_once(',') {
            Some((t, f)) => (t.trim(), Some(f.trim())),
            None => (inner.trim(), None),
        };
        let threads = if threads == "*" {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        } else {
            match threads.parse::<usize>() {
                Ok(n) if n > 0 => n,
                _ => return Err(bad("the thread count must be a positive integer or `*`")),
            }
        };
        let max_task_failures = match failures {
            None => None,
            Some(f) => match f.parse::<u32>() {
                Ok(n) if n > 0 => Some(n),
                _ => return Err(bad("the task failure limit must be a positive integer")),
            },
        };
        Ok(Master {
            spec: trimmed.to_owned(),
            threads,
            max_task_failures,
        })
    }

    /// The number of worker threads.
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// The `F` of `local[N,F]`, if given.
    pub fn max_task_failures(&self) -> Option<u32> {
        self.max_task_failures
    }

    /// The master URL as given.
    pub fn as_str(&self) -> &str {
        &self.spec
    }
}

impl fmt::Display for Master {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.spec)
    }
}

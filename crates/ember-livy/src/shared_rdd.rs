//! Hue's shared-RDD post's shared RDD, on a `pyspark` session: a `ShareableRdd` object (Hue's shared-RDD post's
//! class, unchanged) kept under a name in the session, which every client of the session can
//! `set` into and `get` from.
//!
//! Hue's shared-RDD post's semantics hold: `set` unions a `[key, value]` pair into the RDD and `get` returns
//! the first pair set for a key, so a key's first value wins.

use crate::error::{Error, Result};
use crate::python::{PyValue, is_identifier};
use crate::session::LivySession;

/// Hue's shared-RDD post's `ShareableRdd` class, defined in the session by [`SharedRdd::create`].
pub const SHAREABLE_RDD_CLASS: &str = "\
class ShareableRdd():

    def __init__(self):
        self.data = sc.parallelize([])

    def get(self, key):
        return self.data.filter(lambda row: row[0] == key).take(1)

    def set(self, key, value):
        new_key = sc.parallelize([[key, value]])
        self.data = self.data.union(new_key)
";

/// A named `ShareableRdd` in a pyspark session (Hue's shared-RDD post's `SharedRdd` wrapper, with typed
/// results and deadlines).
#[derive(Debug, Clone)]
pub struct SharedRdd {
    session: LivySession,
    name: String,
}

impl SharedRdd {
    /// Defines the `ShareableRdd` class in the session if it is missing and binds `name` to a
    /// new, empty one unless `name` already holds one (so a second client's `create` attaches).
    pub async fn create(session: LivySession, name: &str) -> Result<SharedRdd> {
        let rdd = SharedRdd::attach(session, name)?;
        let code = format!(
            "try:\n    ShareableRdd\nexcept NameError:\n{class}\n\
             if not isinstance(globals().get({quoted}), ShareableRdd):\n    {name} = ShareableRdd()",
            class = indent(SHAREABLE_RDD_CLASS),
            quoted = PyValue::from(name).to_literal(),
        );
        rdd.session.run_python(&code).await?;
        Ok(rdd)
    }

    /// A handle on an existing `ShareableRdd` called `name` (nothing is sent).
    pub fn attach(session: LivySession, name: &str) -> Result<SharedRdd> {
        if !is_identifier(name) {
            return Err(Error::InvalidArgument(format!(
                "{name:?} is not a Python identifier"
            )));
        }
        Ok(SharedRdd {
            session,
            name: name.to_owned(),
        })
    }

    /// The variable's name in the session.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `name.set(key, value)`.
    pub async fn set(&self, key: &str, value: &str) -> Result<()> {
        let call = format!(
            "{}.set({}, {})",
            self.name,
            PyValue::from(key).to_literal(),
            PyValue::from(value).to_literal()
        );
        self.session.run_python(&call).await?;
        Ok(())
    }

    /// `name.get(key)`: the value first set for `key`, if any.
    pub async fn get(&self, key: &str) -> Result<Option<String>> {
        let pairs: Vec<(String, String)> = self
            .session
            .read(&format!(
                "{}.get({})",
                self.name,
                PyValue::from(key).to_literal()
            ))
            .await?;
        Ok(pairs.into_iter().next().map(|(_, v)| v))
    }
}

fn indent(code: &str) -> String {
    code.lines()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("    {l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

//! [`SqlPolicy`]: what a session's SQL statements may not do. A server that runs its clients'
//! SQL (the Livy server) sets one with [`SessionBuilder::policy`](crate::SessionBuilder::policy);
//! a program's own sessions need none. Every statement is checked once planned, before anything
//! of it runs, wherever the refused node sits (`EXPLAIN ANALYZE COPY ...` included).

use std::fmt;
use std::sync::Arc;

use datafusion::common::tree_node::{TreeNode, TreeNodeRecursion};
use datafusion::logical_expr::{DdlStatement, LogicalPlan, Statement};

use crate::{Error, Result};

type SettingCheck = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// What a session's SQL statements may not do, and the reasons its refusals
/// ([`Error::Refused`]) give. The default refuses nothing.
///
/// ```
/// use ember_sql::{Error, Session, SqlPolicy};
///
/// let policy = SqlPolicy::new()
///     .refuse_file_access("reads or writes files, which this service does not allow")
///     .lock_settings(|key| {
///         key.starts_with("datafusion.runtime.").then(|| "it is the service's to set".to_owned())
///     });
/// let spark = Session::builder().master("local[1]").policy(policy).get_or_create()?;
/// let refused = spark.sql("COPY (SELECT 1) TO '/tmp/x.csv'").unwrap_err();
/// assert!(matches!(refused, Error::Refused { .. }));
/// assert_eq!(
///     refused.to_string(),
///     "COPY reads or writes files, which this service does not allow"
/// );
/// let refused = spark.sql("SET datafusion.runtime.memory_limit = '1G'").unwrap_err();
/// assert!(refused.to_string().ends_with("it is the service's to set"), "{refused}");
/// assert_eq!(spark.sql("SELECT 1 AS x")?.count()?, 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Default)]
pub struct SqlPolicy {
    file_access: Option<String>,
    settings: Option<SettingCheck>,
}

impl fmt::Debug for SqlPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqlPolicy")
            .field("file_access_refused", &self.file_access.is_some())
            .field("locks_settings", &self.settings.is_some())
            .finish()
    }
}

impl SqlPolicy {
    /// A policy that refuses nothing.
    pub fn new() -> Self {
        SqlPolicy::default()
    }

    /// Refuses statements that read or write files (`COPY`, `CREATE EXTERNAL TABLE`): the
    /// refusal reads `{statement} {reason}`.
    #[must_use]
    pub fn refuse_file_access(mut self, reason: impl Into<String>) -> Self {
        self.file_access = Some(reason.into());
        self
    }

    /// Refuses `SET key = ...` and `RESET key` where `check(key)` (the key trimmed and
    /// lowercased) gives a reason: the refusal reads `SET key is not allowed in this session:
    /// {reason}`.
    #[must_use]
    pub fn lock_settings(
        mut self,
        check: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        self.settings = Some(Arc::new(check));
        self
    }

    /// [`Error::Refused`] if `plan` does what this policy refuses.
    pub(crate) fn check(&self, plan: &LogicalPlan) -> Result<()> {
        if self.file_access.is_none() && self.settings.is_none() {
            return Ok(());
        }
        let mut refused = None;
        // The closure never fails, so neither does the walk.
        let _ = plan.apply(|node| {
            refused = self.refusal(node);
            Ok(if refused.is_some() {
                TreeNodeRecursion::Stop
            } else {
                TreeNodeRecursion::Continue
            })
        });
        refused.map_or(Ok(()), |message| Err(Error::Refused { message }))
    }

    fn refusal(&self, node: &LogicalPlan) -> Option<String> {
        if let Some(reason) = &self.file_access {
            let statement = match node {
                LogicalPlan::Copy(_) => Some("COPY"),
                LogicalPlan::Ddl(DdlStatement::CreateExternalTable(_)) => {
                    Some("CREATE EXTERNAL TABLE")
                }
                _ => None,
            };
            if let Some(statement) = statement {
                return Some(format!("{statement} {reason}"));
            }
        }
        let check = self.settings.as_ref()?;
        let (verb, key) = match node {
            LogicalPlan::Statement(Statement::SetVariable(s)) => ("SET", &s.variable),
            LogicalPlan::Statement(Statement::ResetVariable(r)) => ("RESET", &r.variable),
            _ => return None,
        };
        let reason = check(&key.trim().to_ascii_lowercase())?;
        Some(format!(
            "{verb} {key} is not allowed in this session: {reason}"
        ))
    }
}

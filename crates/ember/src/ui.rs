//! The monitoring UI: Spark's REST API (`/api/v1`) and live pages for a context, from
//! [`ember_ui`], plus [`for_session`], which shows a SQL session's queries on the SQL page too.
//!
//! ```
//! let spark = ember::sql::Session::builder().master("local[2]").get_or_create()?;
//! let ui = ember::ui::start(ember::ui::for_session(&spark), &ember::ui::UiOptions {
//!     port: 0, // any free port; Spark's default is 4040
//!     ..ember::ui::UiOptions::default()
//! })?;
//! spark.sql("SELECT count(*) FROM range(1000)")?.collect()?;
//! // {ui.url()}/SQL/ lists the query with its plan; {ui.url()}/jobs/ the jobs of the context.
//! ui.stop()?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::sync::Arc;

pub use ember_ui::*;

/// The UI of `session`: its context's jobs, stages and storage, and its queries
/// ([`Session::queries`](ember_sql::Session::queries)) on the SQL page and under `/sql`.
pub fn for_session(session: &ember_sql::Session) -> Ui {
    let source = session.clone();
    let conf: Vec<(String, String)> = session
        .conf_entries()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    Ui::new(session.context().clone())
        .with_properties(conf)
        .with_queries(Arc::new(move || {
            source.queries().into_iter().map(query).collect()
        }))
}

fn query(q: ember_sql::QueryRecord) -> Query {
    Query {
        id: q.id,
        text: q.text,
        plan: q.plan,
        submitted: q.submitted,
        duration: q.duration,
        rows: q.rows,
        state: match q.state {
            ember_sql::QueryState::Running => QueryState::Running,
            ember_sql::QueryState::Completed => QueryState::Completed,
            ember_sql::QueryState::Failed => QueryState::Failed,
        },
        error: q.error,
    }
}

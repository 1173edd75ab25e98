//! [`Functions`]: Ember's SQL functions as every node of a cluster rebuilds them.
//!
//! A plan names its functions; the node that runs it must map each name back to the very function
//! the client planned with. Ember's functions depend on the session's time zone (`current_timezone`,
//! casts to `TIMESTAMP`, `from_json`...), so a node keeps one catalog per zone it has seen: the
//! functions of an Ember session built for that zone, plus the user's own (see
//! [`Functions::with_setup`]).

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use datafusion::execution::{SessionState, SessionStateBuilder};
use datafusion_spark::SessionStateBuilderSpark;
use ember_sql::{QueryRuntime, Session, SessionBuilder};

use crate::{Error, Result};

/// The most time zones a node keeps a catalog for; past it the oldest catalogs are dropped (they
/// are rebuilt when a plan names their zone again).
pub const MAX_ZONES: usize = 64;

/// What a custom node does to each session it builds its catalogs from: register the user's UDFs.
pub type Setup = Arc<dyn Fn(&Session) -> ember_sql::Result<()> + Send + Sync>;

/// Where a function a plan names comes from, in the order a codec tries them: Ember's registry
/// first; then DataFusion's and `datafusion-spark`'s own functions of that name, which Ember's
/// shadow in its registry but which its rewrites (and `datafusion-spark`'s) plan calls to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    Ember,
    DataFusion,
    Spark,
}

impl Source {
    pub(crate) const ALL: [Source; 3] = [Source::Ember, Source::DataFusion, Source::Spark];

    pub(crate) fn tag(self) -> &'static str {
        match self {
            Source::Ember => "ember",
            Source::DataFusion => "datafusion",
            Source::Spark => "spark",
        }
    }

    pub(crate) fn from_tag(tag: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|s| s.tag() == tag)
    }
}

/// One zone's functions, by name, from each [`Source`].
#[derive(Debug)]
pub(crate) struct Catalog {
    pub(crate) state: SessionState,
    datafusion: SessionState,
    spark: SessionState,
}

impl Catalog {
    fn new(state: SessionState) -> Self {
        let config = state.config().clone();
        let datafusion = SessionStateBuilder::new()
            .with_config(config.clone())
            .with_default_features()
            .build();
        let spark = SessionStateBuilder::new()
            .with_config(config)
            .with_default_features()
            .with_spark_features()
            .build();
        Catalog {
            state,
            datafusion,
            spark,
        }
    }

    pub(crate) fn source(&self, source: Source) -> &SessionState {
        match source {
            Source::Ember => &self.state,
            Source::DataFusion => &self.datafusion,
            Source::Spark => &self.spark,
        }
    }
}

/// Ember's functions (and the user's, with [`with_setup`](Self::with_setup)) for every session time
/// zone, built once per zone. Cheap to clone: clones share the catalogs.
///
/// A scheduler and every executor of a cluster that runs queries using a user's UDF must be built
/// with the same setup as the client that registered it:
///
/// ```no_run
/// use ember_cluster::Functions;
///
/// let functions = Functions::new().with_setup(|session| {
///     session.udf().register("squared", |x: f64| x * x)?;
///     Ok(())
/// });
/// # let _ = functions;
/// ```
#[derive(Clone)]
pub struct Functions {
    inner: Arc<Inner>,
}

struct Inner {
    setup: Option<Setup>,
    catalogs: Mutex<Vec<(String, Arc<Catalog>)>>,
    runtime: Mutex<Option<QueryRuntime>>,
}

impl fmt::Debug for Functions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let zones: Vec<String> = self
            .inner
            .catalogs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|(zone, _)| zone.clone())
            .collect();
        f.debug_struct("Functions")
            .field("zones", &zones)
            .field("setup", &self.inner.setup.is_some())
            .finish()
    }
}

impl Default for Functions {
    fn default() -> Self {
        Self::new()
    }
}

impl Functions {
    /// Ember's built-in functions.
    pub fn new() -> Self {
        Functions {
            inner: Arc::new(Inner {
                setup: None,
                catalogs: Mutex::new(Vec::new()),
                runtime: Mutex::new(None),
            }),
        }
    }

    /// Ember's functions plus what `setup` registers on a session (a custom scheduler or executor
    /// binary registers the user's UDFs this way, with the same code the client uses).
    #[must_use]
    pub fn with_setup(
        self,
        setup: impl Fn(&Session) -> ember_sql::Result<()> + Send + Sync + 'static,
    ) -> Self {
        Functions {
            inner: Arc::new(Inner {
                setup: Some(Arc::new(setup)),
                catalogs: Mutex::new(Vec::new()),
                runtime: Mutex::new(None),
            }),
        }
    }

    /// The catalog for `zone`, built on first use.
    pub(crate) fn catalog(&self, zone: &str) -> Result<Arc<Catalog>> {
        {
            let catalogs = self
                .inner
                .catalogs
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            if let Some((_, catalog)) = catalogs.iter().find(|(z, _)| z == zone) {
                return Ok(Arc::clone(catalog));
            }
        }
        let session = self.session(zone)?;
        let catalog = Arc::new(Catalog::new(session.datafusion().state()));
        let mut catalogs = self
            .inner
            .catalogs
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some((_, existing)) = catalogs.iter().find(|(z, _)| z == zone) {
            return Ok(Arc::clone(existing));
        }
        if catalogs.len() >= MAX_ZONES {
            catalogs.remove(0);
        }
        catalogs.push((zone.to_owned(), Arc::clone(&catalog)));
        Ok(catalog)
    }

    /// An Ember session for `zone` with the user's setup applied: what a catalog is read from, and
    /// what a scheduler plans a client's query with.
    pub(crate) fn session(&self, zone: &str) -> Result<Session> {
        let runtime = {
            let mut runtime = self
                .inner
                .runtime
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            match &*runtime {
                Some(r) => r.clone(),
                None => {
                    // Catalog sessions never run a query of their own: one thread is plenty.
                    let r = QueryRuntime::new(1)?;
                    *runtime = Some(r.clone());
                    r
                }
            }
        };
        let session = SessionBuilder::default()
            .app_name("ember-cluster")
            .master("local[1]")
            .config("spark.sql.session.timeZone", zone)
            .runtime(runtime)
            .get_or_create()?;
        if let Some(setup) = &self.inner.setup {
            setup(&session).map_err(|e| Error::Setup {
                message: e.to_string(),
            })?;
        }
        Ok(session)
    }
}

/// The session time zone a DataFusion state plans in: Ember maps `spark.sql.session.timeZone` to
/// DataFusion's `execution.time_zone`, and its default is UTC.
pub(crate) fn zone_of(options: &datafusion::config::ConfigOptions) -> String {
    options
        .execution
        .time_zone
        .clone()
        .unwrap_or_else(|| "UTC".to_owned())
}

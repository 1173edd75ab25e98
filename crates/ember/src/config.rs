//! Where an Ember program's settings come from: a config file (TOML, or an INI with a `[spark]`
//! section such as the DataSource example's `data_source.ini`), then flags and environment variables (the CLI's), then defaults.
//!
//! Reading settings builds nothing: [`EngineConfig::context`] starts only an RDD context (what
//! `ember serve` and `ember pi` need), and [`EngineConfig::session_builder`] hands the same
//! settings to an `ember-sql` session for the commands that run SQL.
//!
//! ```
//! use ember::config::EngineConfig;
//!
//! let dir = tempfile::tempdir()?;
//! let ini = dir.path().join("data_source.ini");
//! std::fs::write(&ini, "[spark]\napp_name = My PySpark App\nmaster_url = local[2]\n")?;
//!
//! let config = EngineConfig::from_file(&ini)?;
//! assert_eq!(config.app_name.as_deref(), Some("My PySpark App"));
//! let ctx = config.context("fallback name")?;
//! assert_eq!((ctx.app_name(), ctx.default_parallelism()), ("My PySpark App", 2));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::path::{Path, PathBuf};

use ember_rdd::Context;

/// What reading a config file can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file could not be read.
    #[error("cannot read config file {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid TOML or INI, or has no `[spark]` section.
    #[error("invalid config file {}: {reason}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The RDD context could not be built (a cluster master, a bad thread count).
    #[error(transparent)]
    Rdd(#[from] ember_rdd::Error),
    /// The SQL session could not be built (a bad setting).
    #[error(transparent)]
    Sql(#[from] ember_sql::Error),
    /// A cluster master could not be read or joined.
    #[error(transparent)]
    Cluster(#[from] ember_cluster::Error),
    /// A Spark driver (`--master spark://…`, [`crate::spark`]) could not start.
    #[error("the Spark driver did not start: {0}")]
    Driver(String),
    /// A Spark driver died (its worker or JVM ended); start another.
    #[error("the Spark driver died: {0}")]
    DriverDied(String),
    /// A job on a Spark driver was cancelled.
    #[error("{job} was cancelled")]
    Cancelled {
        /// The job.
        job: &'static str,
    },
    /// A job on a Spark driver failed: its error or its timeout.
    #[error("{job} failed on Spark: {reason}")]
    Job {
        /// The job (`SparkPi`, `the query`, `the statement`).
        job: &'static str,
        /// Why, with Spark's error.
        reason: String,
    },
    /// A setting's value is out of its domain.
    #[error("invalid setting `{key}` = `{value}`: {reason}")]
    Value {
        /// The key.
        key: String,
        /// The value given.
        value: String,
        /// Why it was refused.
        reason: String,
    },
}

/// An engine's settings: application name, master and Spark-style `key = value` entries.
/// Later sources override earlier ones ([`merge`](Self::merge)).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EngineConfig {
    /// The application name (`app_name` in an INI such as the DataSource example's, `spark.app.name`).
    pub app_name: Option<String>,
    /// The master URL (`master_url` in an INI such as the DataSource example's, `spark.master`).
    pub master: Option<String>,
    /// Every other entry, with its full key (`spark.sql.shuffle.partitions`, `datafusion.*`,
    /// `ember.*`), in file order.
    pub entries: Vec<(String, String)>,
}

impl EngineConfig {
    /// Reads the `[spark]` section of a config file: TOML if the name ends in `.toml`, INI
    /// otherwise. `app_name` (or `app.name`) and `master_url` (or `master`) set the name and
    /// master; a key not starting with `spark.`, `datafusion.` or `ember.` gets a `spark.`
    /// prefix, so `sql.shuffle.partitions` means `spark.sql.shuffle.partitions`.
    ///
    /// ```ini
    /// [spark]
    /// app_name = My PySpark App
    /// master_url = local[*]
    /// ```
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let invalid = |reason: String| Error::Invalid {
            path: path.to_owned(),
            reason,
        };
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.to_owned(),
            source,
        })?;
        let raw: Vec<(String, String)> = if path.extension().is_some_and(|e| e == "toml") {
            let table: toml::Table = text
                .parse()
                .map_err(|e: toml::de::Error| invalid(e.to_string()))?;
            let spark = table
                .get("spark")
                .and_then(toml::Value::as_table)
                .ok_or_else(|| invalid("no [spark] table".to_owned()))?;
            spark
                .iter()
                .map(|(k, v)| {
                    let value = match v {
                        toml::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    (k.clone(), value)
                })
                .collect()
        } else {
            let ini = ini::Ini::load_from_str(&text).map_err(|e| invalid(e.to_string()))?;
            let spark = ini
                .section(Some("spark"))
                .ok_or_else(|| invalid("no [spark] section".to_owned()))?;
            spark
                .iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect()
        };
        let mut config = EngineConfig::default();
        for (key, value) in raw {
            match key.as_str() {
                "app_name" | "app.name" | "spark.app.name" => config.app_name = Some(value),
                "master_url" | "master" | "spark.master" => config.master = Some(value),
                _ if ["spark.", "datafusion.", "ember."]
                    .iter()
                    .any(|p| key.starts_with(p)) =>
                {
                    config.entries.push((key, value));
                }
                _ => config.entries.push((format!("spark.{key}"), value)),
            }
        }
        Ok(config)
    }

    /// `self`, overridden by what `later` sets (its name, its master, its entries after ours).
    #[must_use]
    pub fn merge(mut self, later: EngineConfig) -> Self {
        if later.app_name.is_some() {
            self.app_name = later.app_name;
        }
        if later.master.is_some() {
            self.master = later.master;
        }
        self.entries.extend(later.entries);
        self
    }

    /// The value of entry `key`, the last one given.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// An RDD context with these settings (`default_app` when no name is set, `local[*]` when no
    /// master is; `spark.task.maxFailures` sets the task attempts). No SQL engine, no async
    /// runtime: what `ember serve` and `ember pi` run on.
    pub fn context(&self, default_app: &str) -> Result<Context, Error> {
        let mut builder = Context::builder()
            .app_name(self.app_name.as_deref().unwrap_or(default_app))
            .master(self.master.as_deref().unwrap_or("local[*]"));
        if let Some(v) = self.get("spark.task.maxFailures") {
            let attempts = v.parse().map_err(|_| Error::Value {
                key: "spark.task.maxFailures".into(),
                value: v.into(),
                reason: "expected a positive integer".into(),
            })?;
            builder = builder.max_task_failures(attempts);
        }
        Ok(builder.build()?)
    }

    /// A SQL session with these settings. A `ballista://host:port` or
    /// `local-cluster[N,cores,memoryMB]` master runs its queries on that cluster
    /// ([`ember_cluster::connect`]); any other master is the builder's.
    pub fn session(&self, default_app: &str) -> Result<ember_sql::Session, Error> {
        let builder = self.session_builder(default_app);
        match self.master.as_deref() {
            Some(master) if ember_cluster::Master::parse(master)?.is_some() => Ok(
                ember_cluster::connect(builder, master, ember_cluster::Functions::new())?,
            ),
            _ => Ok(builder.get_or_create()?),
        }
    }

    /// A session builder with these settings, for the commands that run SQL.
    pub fn session_builder(&self, default_app: &str) -> ember_sql::SessionBuilder {
        let mut builder =
            ember_sql::Session::builder().app_name(self.app_name.as_deref().unwrap_or(default_app));
        if let Some(master) = &self.master {
            builder = builder.master(master);
        }
        for (k, v) in &self.entries {
            builder = builder.config(k, v);
        }
        builder
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn reads_the_seeds_ini_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data_source.ini");
        std::fs::write(
            &path,
            "[spark]\napp_name = My PySpark App\nmaster_url = local[2]\nsql.shuffle.partitions = 3\n",
        )
        .unwrap();
        let config = EngineConfig::from_file(&path).unwrap();
        let spark = config.session_builder("x").get_or_create().unwrap();
        assert_eq!(spark.app_name(), "My PySpark App");
        assert_eq!(spark.master(), "local[2]");
        assert_eq!(spark.datafusion().copied_config().target_partitions(), 3);
        let ctx = config.context("x").unwrap();
        assert_eq!(ctx.master(), "local[2]");
    }

    #[test]
    fn reads_toml_config() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ember.toml");
        std::fs::write(
            &path,
            "[spark]\napp_name = \"From TOML\"\nmaster_url = \"local[1]\"\n\"ember.sql.batch_rows\" = 2\n\"task.maxFailures\" = 2\n",
        )
        .unwrap();
        let config = EngineConfig::from_file(&path).unwrap();
        let spark = config.session_builder("x").get_or_create().unwrap();
        assert_eq!(spark.app_name(), "From TOML");
        assert_eq!(spark.master(), "local[1]");
        assert_eq!(spark.conf("ember.sql.batch_rows"), Some("2"));
        assert_eq!(config.context("x").unwrap().max_task_failures(), 2);
    }

    #[test]
    fn later_sources_win() {
        let file = EngineConfig {
            app_name: Some("file".into()),
            master: Some("local[1]".into()),
            entries: vec![("spark.a".into(), "1".into())],
        };
        let flags = EngineConfig {
            master: Some("local[2]".into()),
            entries: vec![("spark.a".into(), "2".into())],
            ..EngineConfig::default()
        };
        let merged = file.merge(flags);
        assert_eq!(merged.app_name.as_deref(), Some("file"));
        assert_eq!(merged.master.as_deref(), Some("local[2]"));
        assert_eq!(merged.get("spark.a"), Some("2"));
    }

    #[test]
    fn bad_config_files_are_typed_errors_that_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.ini");
        let err = EngineConfig::from_file(&missing).unwrap_err();
        assert!(matches!(err, Error::Read { .. }), "{err}");
        assert!(err.to_string().contains("missing.ini"), "{err}");
        let no_section = dir.path().join("other.ini");
        std::fs::write(&no_section, "[other]\na = b\n").unwrap();
        let err = EngineConfig::from_file(&no_section).unwrap_err();
        assert!(err.to_string().contains("[spark]"), "{err}");
        let bad_toml = dir.path().join("bad.toml");
        std::fs::write(&bad_toml, "[spark\napp_name = ").unwrap();
        assert!(matches!(
            EngineConfig::from_file(&bad_toml),
            Err(Error::Invalid { .. })
        ));
    }
}

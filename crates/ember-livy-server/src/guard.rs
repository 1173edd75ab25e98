//! Which engine settings a sql session's statements may change: `SET`/`RESET` of an option that
//! reaches the server's files or its process-wide resources is refused, whatever
//! `--allow-file-access` says (such options belong in the session's `conf` at creation, where
//! the server checks them). The sessions' `ember_sql::SqlPolicy` applies it to every statement.

/// Why a statement may not set (or reset) the option `key`; `None` if it may. Keys compare
/// case-insensitively.
///
/// - `datafusion.runtime.*`: the spill directory (`temp_directory` creates directories and
///   files anywhere the server may write), the disk cap on spill files, the memory limit and
///   the caches, all of the server's process.
/// - `datafusion.catalog.*`: `location` and `format` load tables from a directory of the
///   server's; changing the default catalog or schema at run time panics inside DataFusion.
/// - `datafusion.sql_parser.recursion_limit`: the bound that keeps a deeply nested statement
///   from exhausting the server's stack.
pub(crate) fn refused_option(key: &str) -> Option<&'static str> {
    let key = key.trim().to_ascii_lowercase();
    if key.starts_with("datafusion.runtime.") {
        Some(
            "it sets the server's memory pool, spill directory and disk limits, which every session shares",
        )
    } else if key.starts_with("datafusion.catalog.") {
        Some("it reaches the server's files and its catalog")
    } else if key == "datafusion.sql_parser.recursion_limit" {
        Some("it guards the server's stack")
    } else {
        None
    }
}

/// Whether a session `conf` key reaches the server's files (`datafusion.catalog.*`,
/// `datafusion.runtime.*`, in any case), which only `--allow-file-access` allows.
pub(crate) fn conf_reaches_files(key: &str) -> bool {
    let key = key.trim().to_ascii_lowercase();
    key.starts_with("datafusion.catalog.") || key.starts_with("datafusion.runtime.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_and_process_options_are_refused_in_any_case() {
        for key in [
            "datafusion.runtime.temp_directory",
            "DataFusion.Runtime.Max_Temp_Directory_Size",
            "datafusion.runtime.memory_limit",
            " datafusion.catalog.location",
            "datafusion.catalog.default_catalog",
            "DATAFUSION.SQL_PARSER.RECURSION_LIMIT",
        ] {
            assert!(refused_option(key).is_some(), "{key}");
        }
        for key in [
            "datafusion.execution.batch_size",
            "datafusion.sql_parser.dialect",
            "spark.sql.session.timeZone",
            "datafusion.runtimes",
        ] {
            assert_eq!(refused_option(key), None, "{key}");
        }
        assert!(conf_reaches_files("DataFusion.Catalog.Location"));
        assert!(conf_reaches_files("datafusion.runtime.temp_directory"));
        assert!(!conf_reaches_files("datafusion.execution.batch_size"));
    }
}

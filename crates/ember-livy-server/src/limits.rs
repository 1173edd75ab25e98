//! Bounds shared by every kind of session: a session's statement timeout (Livy's time strings
//! are ember-sql's [`ember_sql::parse_time`]; the threads a `local[N]` master may start and lines read with a length limit are
//! `ember-spark`'s: [`ember_spark::cap_master`], [`ember_spark::lines`]).

use std::time::Duration;

use ember_sql::parse_time;

/// The session `conf` key that lowers a session's statement timeout (a Livy time string such as
/// `30s` or `10m`); it cannot raise it above the server's.
pub const STATEMENT_TIMEOUT_KEY: &str = "livy.statement.timeout";

/// The statement timeout of a session: the server's, or the lower one its `conf` asks for under
/// [`STATEMENT_TIMEOUT_KEY`]. A value that is no time, zero, or above the server's is refused.
pub(crate) fn statement_timeout(
    conf_value: Option<&str>,
    server: Option<Duration>,
) -> Result<Option<Duration>, String> {
    let Some(v) = conf_value else {
        return Ok(server);
    };
    let t = parse_time(v).filter(|t| !t.is_zero()).ok_or_else(|| {
        format!("{STATEMENT_TIMEOUT_KEY} must be a positive time such as 30s or 10m, got '{v}'")
    })?;
    match server {
        Some(max) if t > max => Err(format!(
            "{STATEMENT_TIMEOUT_KEY} '{v}' is above this server's statement timeout of {}s (--statement-timeout-secs); it may only lower it",
            max.as_secs()
        )),
        _ => Ok(Some(t)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_timeouts_only_lower() {
        let server = Some(Duration::from_secs(60));
        assert_eq!(statement_timeout(None, server).unwrap(), server);
        assert_eq!(
            statement_timeout(Some("10s"), server).unwrap(),
            Some(Duration::from_secs(10))
        );
        assert!(statement_timeout(Some("2m"), server).is_err());
        assert!(statement_timeout(Some("0"), server).is_err());
        assert!(statement_timeout(Some("soon"), None).is_err());
    }
}

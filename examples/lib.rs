//! What the examples share.

use ember::livy_server::pyspark::PySparkConfig;
use ember::livy_server::{LivyServer, RunningServer, ServeOptions, ServerConfig};

/// The Livy server the examples talk to: `LIVY_SERVER_URL` (as the Python Livy utility reads it) when set,
/// else an Ember Livy server started here on a free loopback port, which stops when the
/// returned guard is dropped. Its pyspark sessions run on `EMBER_LIVY_PYTHON` (default
/// `python3`), with Spark kept on loopback.
pub fn livy_server() -> Result<(String, Option<RunningServer>), Box<dyn std::error::Error>> {
    if let Ok(url) = std::env::var("LIVY_SERVER_URL") {
        println!("using the Livy server at {url} (LIVY_SERVER_URL)");
        return Ok((url, None));
    }
    let pyspark = PySparkConfig {
        python: std::env::var("EMBER_LIVY_PYTHON").unwrap_or_else(|_| "python3".into()),
        env: [("SPARK_LOCAL_IP".to_owned(), "127.0.0.1".to_owned())].into(),
        ..PySparkConfig::default()
    };
    let server = LivyServer::new(ServerConfig {
        pyspark: Some(pyspark),
        ..ServerConfig::default()
    })?;
    let running = ember::livy_server::spawn(server, "127.0.0.1:0", ServeOptions::default())?;
    println!(
        "LIVY_SERVER_URL is unset: started an embedded Ember Livy server at {}",
        running.url()
    );
    Ok((running.url(), Some(running)))
}

/// Starts a pyspark session on `client`, with a message saying what to install when the server
/// cannot start one (no PySpark, no JDK).
pub fn start_pyspark(
    client: &ember::livy::blocking::LivyClient,
    request: &ember::livy::protocol::CreateSession,
) -> Result<ember::livy::blocking::LivySession, Box<dyn std::error::Error>> {
    match client.start_session(request) {
        Ok(s) => Ok(s),
        Err(ember::livy::Error::SessionEnded { log_tail, .. }) => Err(format!(
            "the pyspark session did not start:\n{}\n\nInstall PySpark with `just spark-env` \
             and run with EMBER_LIVY_PYTHON set to the python it prints.",
            log_tail.join("\n")
        )
        .into()),
        Err(e) => Err(e.into()),
    }
}

/// An example's exit: its error as text (what to install, the session's log), not as a
/// debug-quoted string, and a failing exit code.
pub fn exit_code(result: Result<(), Box<dyn std::error::Error>>) -> std::process::ExitCode {
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// An idle session of `kind` (Spark's UI off) on [`livy_server`], waiting up to 5 minutes for
/// its Spark driver; the server guard stops an embedded server when dropped.
pub fn spark_session(
    kind: ember::livy::protocol::SessionKind,
) -> Result<(ember::livy::blocking::LivySession, Option<RunningServer>), Box<dyn std::error::Error>>
{
    let (url, server) = livy_server()?;
    let client = ember::livy::blocking::LivyClient::from_builder(
        ember::livy::LivyClient::builder(&url)
            .session_start_timeout(std::time::Duration::from_secs(300)),
    )?;
    let session = start_pyspark(
        &client,
        &ember::livy::protocol::CreateSession {
            kind: Some(kind),
            conf: Some([("spark.ui.enabled".to_owned(), "false".to_owned())].into()),
            ..ember::livy::protocol::CreateSession::default()
        },
    )?;
    Ok((session, server))
}

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
) -> Result<ember::livy::blocking::Session, Box<dyn std::error::Error>> {
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

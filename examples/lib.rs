//! What the examples share.

use ember::livy_server::pyspark::PySparkConfig;
use ember::livy_server::{LivyServer, RunningServer, ServeOptions, ServerConfig};

/// The Livy server the examples talk to: `LIVY_SERVER_URL` (as the seeds read it) when set,
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

//! What the examples share.

use ember::livy_server::{LivyServer, RunningServer, ServeOptions, ServerConfig};

/// The Livy server the examples talk to: `LIVY_SERVER_URL` (as the seeds read it) when set,
/// else an Ember Livy server started here on a free loopback port, which stops when the
/// returned guard is dropped.
pub fn livy_server() -> Result<(String, Option<RunningServer>), Box<dyn std::error::Error>> {
    if let Ok(url) = std::env::var("LIVY_SERVER_URL") {
        println!("using the Livy server at {url} (LIVY_SERVER_URL)");
        return Ok((url, None));
    }
    let server = LivyServer::new(ServerConfig::default())?;
    let running = ember::livy_server::spawn(server, "127.0.0.1:0", ServeOptions::default())?;
    println!(
        "LIVY_SERVER_URL is unset: started an embedded Ember Livy server at {}",
        running.url()
    );
    Ok((running.url(), Some(running)))
}

//! Hue's shared-RDD post on a pyspark session: Hue's shared-RDD post's `ShareableRdd` lives in one Livy session
//! and two clients (attached by name and by id) `set` and `get` through it.
//!
//! ```text
//! just spark-env                                                     # PySpark + a JDK, once
//! EMBER_LIVY_PYTHON=$(bash scripts/spark-env.sh | tail -n1) cargo run --example shared_rdd
//! LIVY_SERVER_URL=localhost:8998 cargo run --example shared_rdd        # or any Livy server
//! ```

use std::time::Duration;

use ember::livy::blocking::LivyClient;
use ember::livy::protocol::{CreateSession, SessionKind};

fn main() -> std::process::ExitCode {
    ember_examples::exit_code(run())
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let (url, _server) = ember_examples::livy_server()?;
    let builder =
        || ember::livy::LivyClient::builder(&url).session_start_timeout(Duration::from_secs(300));
    let client1 = LivyClient::from_builder(builder())?;
    let session = ember_examples::start_pyspark(
        &client1,
        &CreateSession {
            kind: Some(SessionKind::PySpark),
            name: Some("shared-rdd".into()),
            conf: Some([("spark.ui.enabled".to_owned(), "false".to_owned())].into()),
            ..CreateSession::default()
        },
    )?;
    // Client 1 defines Hue's shared-RDD post's ShareableRdd as `states` and sets two keys.
    let states = session.shared_rdd("states")?;
    states.set("ak", "Alaska")?;
    states.set("ca", "California")?;

    // Client 2 attaches to the same session by name: same context, same RDD.
    let client2 = LivyClient::from_builder(builder())?;
    let theirs = client2.session("shared-rdd")?.shared_rdd("states")?;
    println!("client 2: ak -> {:?}", theirs.get("ak")?);
    theirs.set("hi", "Hawaii")?;
    println!("client 1: hi -> {:?}", states.get("hi")?);

    // Hue's shared-RDD post's raw statements work too, and %json gives JSON.
    let attached = client2.session(session.id())?;
    println!(
        "states.get(\"ak\") -> {}",
        attached.run("states.get(\"ak\")")?.to_text()
    );
    println!(
        "%json -> {}",
        attached
            .run("data = states.get(\"ak\")\n%json data")?
            .to_text()
    );
    session.delete()?;
    Ok(())
}

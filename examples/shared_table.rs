//! Hue's shared-RDD post's shared context: two clients attach to one Livy session (by id and by name)
//! and share a key-value table through it.
//!
//! ```text
//! cargo run --example shared_table                                  # starts its own Ember server
//! LIVY_SERVER_URL=localhost:8998 cargo run --example shared_table   # or any Livy sql server
//! ```
//!
//! The same with plain `curl` against `ember livy-server` (session 0, kind sql):
//!
//! ```text
//! curl -s localhost:8998/sessions -X POST -H 'Content-Type: application/json' \
//!      -d '{"kind":"sql","name":"states"}'
//! curl -s localhost:8998/sessions/0/statements -X POST -H 'Content-Type: application/json' \
//!      -d '{"code":"CREATE TABLE kv AS SELECT * FROM (VALUES ('\''ak'\'', '\''Alaska'\'')) AS t(key, value)"}'
//! curl -s localhost:8998/sessions/states/statements -X POST -H 'Content-Type: application/json' \
//!      -d '{"code":"SELECT value FROM kv WHERE key = '\''ak'\''"}'
//! curl -s localhost:8998/sessions/0/statements/1
//! # {"id":1,...,"state":"available","output":{"status":"ok","execution_count":1,
//! #  "data":{"application/json":{"schema":{...},"data":[["Alaska"]]}}},...}
//! ```

use ember::livy::blocking::LivyClient;
use ember::livy::protocol::{CreateSession, SessionKind};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (url, _server) = ember_examples::livy_server()?;

    // Client 1 starts a named session and opens the shared table in it.
    let client1 = LivyClient::new(&url)?;
    let session = client1.start_session(&CreateSession {
        kind: Some(SessionKind::Sql),
        name: Some("shared-states".into()),
        ..CreateSession::default()
    })?;
    let states1 = session.shared_table("states")?;
    states1.set("ak", "Alaska")?;
    states1.set("ca", "California")?;
    println!("client 1 set ak and ca in session {}", session.id());

    // Client 2 is another program: it attaches by name and sees the same table.
    let client2 = LivyClient::new(&url)?;
    let attached = client2.session("shared-states")?;
    let states2 = attached.shared_table("states")?;
    println!("client 2 reads ak = {:?}", states2.get("ak")?);
    states2.set("hi", "Hawaii")?;

    // And client 1 sees what client 2 wrote; a third handle attaches by id.
    let by_id = client1.session(session.id())?.shared_table("states")?;
    println!("client 1 reads hi = {:?}", by_id.get("hi")?);
    let mut keys = states1.keys()?;
    keys.sort();
    println!("keys: {keys:?}");
    if keys != ["ak", "ca", "hi"] {
        return Err(format!("unexpected keys {keys:?}").into());
    }
    session.delete()?;
    Ok(())
}

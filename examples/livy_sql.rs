//! Spark SQL through Apache Livy's REST API with Ember's Livy client: a session, statements, a
//! result as Arrow, a failed statement, and cleanup.
//!
//! ```text
//! cargo run --example livy_sql                                  # starts its own Ember server
//! LIVY_SERVER_URL=localhost:8998 cargo run --example livy_sql   # or any Livy server
//! ```

use ember::livy::Error;
use ember::livy::blocking::LivyClient;
use ember::livy::protocol::{CreateSession, SessionKind};
use ember::sql::arrow::util::pretty::pretty_format_batches;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (url, _server) = ember_examples::livy_server()?;
    let client = LivyClient::new(&url)?;
    println!("server version: {}", client.version()?.version);

    // `start_session` creates the session and waits (with a deadline) until it is idle.
    let session = client.start_session(&CreateSession {
        kind: Some(SessionKind::Sql),
        name: Some("livy-sql-example".into()),
        ..CreateSession::default()
    })?;
    println!("session {} is {}", session.id(), session.state()?);

    // Tables created by one statement are there for the next (and for every other client of
    // this session).
    session.sql(
        "CREATE TABLE people AS SELECT * FROM (VALUES ('Ann', 31), ('Bob', 27), ('Cid', 45)) \
         AS t(name, age)",
    )?;
    let batch = session.sql("SELECT name, age, age >= 30 AS over_30 FROM people ORDER BY age")?;
    println!(
        "{} rows, schema {:?}",
        batch.num_rows(),
        batch.schema().fields()
    );
    println!("{}", pretty_format_batches(std::slice::from_ref(&batch))?);

    // A failed statement is a typed error carrying the server's message.
    match session.sql("SELECT salary FROM people") {
        Err(Error::Statement { ename, evalue, .. }) => {
            println!("as expected, the statement failed: {ename}: {evalue}")
        }
        other => return Err(format!("expected a statement error, got {other:?}").into()),
    }

    let statements = session.statements()?;
    println!("the session ran {} statements", statements.total_statements);
    session.delete()?;
    println!("session deleted");
    Ok(())
}

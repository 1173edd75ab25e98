//! Embeds Ember's SparkPi service in another actix-web application, under `/pi`, next to the
//! application's own routes.
//!
//! ```text
//! cargo run --example sparkpi_service
//! curl 'localhost:8081/pi/sparkpi?scale=4'
//! curl localhost:8081/hello
//! ```
//!
//! `EXAMPLE_PORT` moves it (default 8081); Ctrl-C stops it.

use actix_web::{App, HttpServer, web};
use ember::prelude::*;

#[actix_web::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = std::env::var("EXAMPLE_PORT")
        .unwrap_or_else(|_| "8081".into())
        .parse()
        .map_err(|e| format!("EXAMPLE_PORT: {e}"))?;
    let ctx = Context::new("embedded-pi", "local[*]")?;
    let service = SparkPiService::new(
        ctx,
        ServiceConfig {
            max_scale: 1_000,
            ..ServiceConfig::default()
        },
    )?;
    println!("serving on http://127.0.0.1:{port}/pi/sparkpi and /hello");
    HttpServer::new(move || {
        App::new()
            .route(
                "/hello",
                web::get().to(|| async { "hello from the host app" }),
            )
            .service(service.scope("/pi"))
    })
    // Lets the service cancel the job of a client that disconnects.
    .on_connect(ember::web::watch_disconnects)
    .bind(("127.0.0.1", port))?
    .run()
    .await?;
    Ok(())
}

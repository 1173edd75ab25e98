//! Tokens and malformed input: every route answers garbage with a 4xx and a one-line reason,
//! and keeps serving.

use std::time::Duration;

use ember_partition_server::{PartitionState, TOKEN_HEADER};

use crate::common::*;

fn assert_4xx(what: &str, (status, body): (u16, String), expected: u16) {
    assert_eq!(status, expected, "{what}: {body}");
    let body = body.trim_end();
    assert!(
        !body.is_empty() && !body.contains('\n'),
        "{what}: reason {body:?} is not one line"
    );
}

#[test]
fn the_coordinator_refuses_bad_tokens_and_garbage() {
    let _guard = shared();
    let ctx = ctx();
    let mut cluster = demo_cluster(&ctx, 10, 2);
    let coord = cluster.coordinator_addr().unwrap();
    let token = cluster.token().unwrap().to_owned();
    let auth = [(TOKEN_HEADER, token.as_str())];
    let json = [
        (TOKEN_HEADER, token.as_str()),
        ("Content-Type", "application/json"),
    ];
    let registration = r#"{"partition":0,"attempt":1,"host":"127.0.0.1","port":4000}"#;

    assert_4xx(
        "no token",
        http(coord, "POST", "/register", &[], registration),
        403,
    );
    assert_4xx(
        "wrong token",
        http(
            coord,
            "POST",
            "/register",
            &[(TOKEN_HEADER, "0123456789abcdef")],
            registration,
        ),
        403,
    );
    assert_4xx(
        "not JSON",
        http(coord, "POST", "/register", &json, "{partition: zero"),
        400,
    );
    assert_4xx(
        "empty body",
        http(coord, "POST", "/register", &json, ""),
        400,
    );
    assert_4xx(
        "unknown field",
        http(
            coord,
            "POST",
            "/register",
            &json,
            r#"{"partition":0,"attempt":1,"host":"127.0.0.1","port":1,"x":1}"#,
        ),
        400,
    );
    assert_4xx(
        "partition out of range",
        http(
            coord,
            "POST",
            "/register",
            &json,
            r#"{"partition":99,"attempt":1,"host":"127.0.0.1","port":4000}"#,
        ),
        400,
    );
    assert_4xx(
        "not an IP",
        http(
            coord,
            "POST",
            "/register",
            &json,
            r#"{"partition":0,"attempt":1,"host":"evil.example","port":4000}"#,
        ),
        400,
    );
    assert_4xx(
        "port 0",
        http(
            coord,
            "POST",
            "/register",
            &json,
            r#"{"partition":0,"attempt":1,"host":"127.0.0.1","port":0}"#,
        ),
        400,
    );
    // Before: accepted (for a partition still launching), and heartbeats and shutdown then sent
    // the cluster's token to whatever address the registration named.
    assert_4xx(
        "an address the cluster did not bind",
        http(coord, "POST", "/register", &json, registration),
        403,
    );
    // A correct token and address, but a launch that already registered: a replay cannot
    // hijack it.
    let served = cluster.hosts()[&0];
    let replay = format!(
        r#"{{"partition":0,"attempt":1,"host":"{}","port":{}}}"#,
        served.ip(),
        served.port()
    );
    assert_4xx(
        "stale launch",
        http(coord, "POST", "/register", &json, &replay),
        409,
    );
    assert_4xx(
        "too large",
        http(coord, "POST", "/register", &json, &"x".repeat(20_000)),
        413,
    );
    assert_4xx(
        "GET /register",
        http(coord, "GET", "/register", &auth, ""),
        405,
    );
    assert_4xx("hosts without token", get(coord, "/hosts"), 403);
    assert_4xx("status without token", get(coord, "/status"), 403);
    assert_4xx(
        "DELETE /status",
        http(coord, "DELETE", "/status", &auth, ""),
        405,
    );
    let unknown = get(coord, "/nope");
    // Regression: the coordinator's 404 listed the partition servers' routes.
    assert_eq!(
        unknown.1,
        "no route for GET /nope; the coordinator's routes are POST /register, GET /hosts and GET /status"
    );
    assert_4xx("unknown path", unknown, 404);
    let (status, wrong) = http(coord, "DELETE", "/status", &auth, "");
    assert_eq!(
        (status, wrong.as_str()),
        (
            405,
            "method DELETE is not allowed on /status; use GET, HEAD"
        )
    );
    assert_eq!(raw(coord, b"\x00\x01 garbage \xff\r\n\r\n").0, 400);
    assert_eq!(
        raw(coord, b"GET /hosts HTTP/1.1\r\nContent-Length: -5\r\n\r\n").0,
        400
    );

    // Still serving, and nothing above changed the registry.
    let (status, hosts) = http(coord, "GET", "/hosts", &auth, "");
    assert_eq!(status, 200);
    let hosts: Vec<serde_json::Value> = serde_json::from_str(&hosts).unwrap();
    assert_eq!(hosts.len(), 2);
    assert_eq!(hosts[0]["port"], cluster.hosts()[&0].port());
    let (status, body) = http(coord, "GET", "/status", &auth, "");
    assert_eq!(status, 200);
    let status: Vec<serde_json::Value> = serde_json::from_str(&body).unwrap();
    assert_eq!(status[1]["state"], "serving");
    assert_eq!(status[1]["attempts"], 1);
    cluster.stop().unwrap();
}

#[test]
fn partition_servers_refuse_bad_tokens_and_garbage_and_keep_serving() {
    let _guard = shared();
    let ctx = ctx();
    let mut cluster = demo_cluster(&ctx, 10, 2);
    let addr = cluster.hosts()[&0];
    let token = cluster.token().unwrap().to_owned();
    let auth = [(TOKEN_HEADER, token.as_str())];

    assert_4xx("ping without token", get(addr, "/control/ping"), 403);
    assert_4xx(
        "ping with a wrong token",
        http(addr, "GET", "/control/ping", &[(TOKEN_HEADER, "nope")], ""),
        403,
    );
    assert_4xx(
        "shutdown without token",
        http(addr, "POST", "/control/shutdown", &[], ""),
        403,
    );
    assert_4xx(
        "shutdown with another run's token",
        http(
            addr,
            "POST",
            "/control/shutdown",
            &[(TOKEN_HEADER, &"0".repeat(32))],
            "",
        ),
        403,
    );
    assert_4xx(
        "GET /control/shutdown",
        http(addr, "GET", "/control/shutdown", &auth, ""),
        405,
    );
    assert_4xx(
        "POST /control/ping",
        http(addr, "POST", "/control/ping", &auth, ""),
        405,
    );
    assert_4xx("unknown control route", get(addr, "/control/reboot"), 404);
    assert_4xx("unknown app route", get(addr, "/app/nope"), 404);
    assert_4xx("outside /app", get(addr, "/get_list"), 404);
    assert_eq!(
        raw(addr, b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03").0,
        400
    );
    assert_eq!(raw(addr, b"GET /app/get_list HTTP/9.9\r\n\r\n").0, 400);

    let (status, body) = http(addr, "GET", "/control/ping", &auth, "");
    assert_eq!((status, body.as_str()), (200, "pong from partition 0"));
    assert_eq!(get(addr, "/app/get_list"), (200, "0,1,2,3,4".to_owned()));
    assert_eq!(cluster.status()[0].state, PartitionState::Serving);

    // The token holder may shut one partition down: it stops, and is not relaunched.
    let (status, _) = http(addr, "POST", "/control/shutdown", &auth, "");
    assert_eq!(status, 200);
    assert!(eventually(Duration::from_secs(3), || cluster.status()[0]
        .state
        == PartitionState::Stopped));
    assert!(!listening(addr));
    assert_eq!(cluster.hosts().keys().copied().collect::<Vec<_>>(), [1]);
    cluster.stop().unwrap();
}

//! Helpers: a demo server, a raw HTTP/1.1 client, and the checks that nothing listens.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

use actix_web::web;
use ember_partition_server::{Cluster, HttpPartitionServer, PartitionInfo};
use ember_rdd::Context;

/// Tests that start clusters hold this shared; the tests that count the process's listening
/// sockets hold it exclusively, so no other test's servers are up while they count.
static SOCKETS: RwLock<()> = RwLock::new(());

pub(crate) fn shared() -> RwLockReadGuard<'static, ()> {
    SOCKETS.read().unwrap_or_else(|p| p.into_inner())
}

pub(crate) fn exclusive() -> RwLockWriteGuard<'static, ()> {
    SOCKETS.write().unwrap_or_else(|p| p.into_inner())
}

pub(crate) fn ctx() -> Context {
    Context::new("partition-server-test", "local[2]").unwrap()
}

pub(crate) type Demo = HttpPartitionServer<i64>;

/// The seed's demo server: `GET /app/get_list` is the partition's numbers, comma-separated;
/// `GET /app/whoami` is `partition/attempt`.
pub(crate) fn demo_server() -> Demo {
    HttpPartitionServer::new(demo_routes)
}

pub(crate) fn demo_routes(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/get_list",
        web::get().to(|items: web::Data<Vec<i64>>| async move { join(&items) }),
    )
    .route(
        "/whoami",
        web::get().to(|info: web::Data<PartitionInfo>| async move {
            format!("{}/{}", info.partition, info.attempt)
        }),
    );
}

pub(crate) fn join(items: &[i64]) -> String {
    items
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

pub(crate) fn parse_list(body: &str) -> Vec<i64> {
    if body.is_empty() {
        return Vec::new();
    }
    body.split(',').map(|s| s.parse().unwrap()).collect()
}

/// A started demo cluster over `0..n` in `partitions` partitions.
pub(crate) fn demo_cluster(ctx: &Context, n: i64, partitions: usize) -> Cluster<Demo> {
    let rdd = ctx.parallelize(0..n, partitions).unwrap();
    let mut cluster = Cluster::new(ctx, rdd, demo_server());
    cluster.start().unwrap();
    cluster
}

/// Sends `request` as is and reads the whole answer (the request should say
/// `Connection: close`). Returns the status and the body.
pub(crate) fn raw(addr: SocketAddr, request: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream.write_all(request).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no HTTP status in {answer:?}"));
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// `method path` with optional extra header lines and body.
pub(crate) fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String) {
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    raw(addr, request.as_bytes())
}

pub(crate) fn get(addr: SocketAddr, path: &str) -> (u16, String) {
    http(addr, "GET", path, &[], "")
}

/// Whether something accepts connections on `addr`.
pub(crate) fn listening(addr: SocketAddr) -> bool {
    TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_ok()
}

/// Polls `cond` every 10 ms until it holds or `limit` passes.
pub(crate) fn eventually(limit: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    loop {
        if cond() {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// How many TCP sockets this process has in the LISTEN state (Linux: /proc).
#[cfg(target_os = "linux")]
pub(crate) fn listening_sockets() -> usize {
    use std::collections::HashSet;
    let inodes: HashSet<String> = std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
        .filter_map(|p| {
            let p = p.to_str()?;
            Some(p.strip_prefix("socket:[")?.strip_suffix(']')?.to_owned())
        })
        .collect();
    ["/proc/net/tcp", "/proc/net/tcp6"]
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .flat_map(|table| {
            table
                .lines()
                .skip(1)
                .map(|l| l.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
                .collect::<Vec<_>>()
        })
        .filter(|cols| cols.len() > 9 && cols[3] == "0A" && inodes.contains(&cols[9]))
        .count()
}

/// The local ports of the machine's TCP sockets in TIME_WAIT (Linux: /proc; such sockets belong
/// to no process, so this is machine-wide).
#[cfg(target_os = "linux")]
pub(crate) fn time_wait_ports() -> std::collections::HashSet<u16> {
    ["/proc/net/tcp", "/proc/net/tcp6"]
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .flat_map(|table| {
            table
                .lines()
                .skip(1)
                .filter_map(|l| {
                    let cols: Vec<&str> = l.split_whitespace().collect();
                    if cols.len() > 3 && cols[3] == "06" {
                        let port = cols[1].rsplit(':').next()?;
                        u16::from_str_radix(port, 16).ok()
                    } else {
                        None
                    }
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

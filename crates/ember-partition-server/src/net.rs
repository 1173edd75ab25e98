//! Binding a cluster's listeners: the coordinator's and each partition's (with retries while
//! the kernel finds no free port), and the address each registers.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener};

use crate::error::{Error, Result};
/// The address to register for a listener: the loopback address if it listens on every
/// interface.
pub(crate) fn advertised(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), addr.port())
        }
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), addr.port())
        }
        _ => addr,
    }
}

pub(crate) fn bind(ip: IpAddr) -> Result<(TcpListener, SocketAddr)> {
    bind_once(ip).map_err(|source| Error::Bind {
        addr: SocketAddr::new(ip, 0).to_string(),
        source,
    })
}

fn bind_once(ip: IpAddr) -> std::io::Result<(TcpListener, SocketAddr)> {
    let listener = TcpListener::bind((ip, 0))?;
    let addr = listener.local_addr()?;
    Ok((listener, advertised(addr)))
}

/// [`bind`] for a partition's server, on the cluster's runtime. Should the kernel briefly find
/// no free port for `bind(0)` (EADDRINUSE: ports held in TIME_WAIT by closed connections),
/// retry for about a second before counting it as a failed launch.
pub(crate) async fn bind_partition(ip: IpAddr) -> Result<(TcpListener, SocketAddr)> {
    let mut attempt = 0u32;
    loop {
        match bind_once(ip) {
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse && attempt < BIND_RETRIES => {
                attempt += 1;
                tokio::time::sleep(std::time::Duration::from_millis(5 * u64::from(attempt))).await;
            }
            other => {
                return other.map_err(|source| Error::Bind {
                    addr: SocketAddr::new(ip, 0).to_string(),
                    source,
                });
            }
        }
    }
}

/// Retries of `bind(0)` on EADDRINUSE (5, 10, 15 … ms apart: about a second in all).
const BIND_RETRIES: u32 = 20;

//! Noticing that an HTTP/1 client went away while its request is still being handled.
//!
//! actix-web keeps a handler running after the peer closes its socket (HTTP/1 allows a
//! half-close), so a long pi job would run to the end for nobody. [`watch_disconnects`] keeps a
//! duplicate of each connection's socket; [`ConnWatch::closed`] resolves when the peer has
//! reset it, and the handler then cancels its job. A half-close is not a disconnect: the client
//! still gets its answer.

use std::any::Any;
use std::rc::Rc;
use std::time::Duration;

use actix_web::dev::Extensions;

/// A duplicate handle of one connection's socket, used only to peek.
#[derive(Clone, Debug)]
pub(crate) struct ConnWatch(Rc<tokio::net::TcpStream>);

/// The `HttpServer::on_connect` hook that lets the service notice clients that went away and
/// cancel their jobs. [`serve`](crate::serve) installs it; an application that embeds
/// [`SparkPiService::scope`](crate::SparkPiService::scope) in its own server adds
/// `.on_connect(ember_web::watch_disconnects)`. A connection whose socket cannot be duplicated
/// simply goes unwatched (its jobs still end at their deadline).
pub fn watch_disconnects(conn: &dyn Any, data: &mut Extensions) {
    let Some(stream) = conn.downcast_ref::<actix_web::rt::net::TcpStream>() else {
        return;
    };
    let dup = socket2::SockRef::from(stream)
        .try_clone()
        .map(std::net::TcpStream::from)
        .and_then(tokio::net::TcpStream::from_std);
    match dup {
        Ok(dup) => {
            data.insert(ConnWatch(Rc::new(dup)));
        }
        Err(e) => tracing::debug!(error = %e, "connection not watched for disconnects"),
    }
}

impl ConnWatch {
    /// Resolves once the peer has reset the connection (a read fails). Bytes waiting to be read
    /// (a pipelined request) are left for actix; while there are some, it checks again every
    /// 100 ms.
    ///
    /// End-of-file does not count: HTTP/1.1 lets a client shut down its sending side once the
    /// request is sent and still read the answer (a half-close), and on this side that looks
    /// exactly like a full close. So after end-of-file the watch keeps polling every 100 ms for
    /// an error: a client that resets its connection is noticed at once, and one that closed it
    /// quietly leaves its job to finish or reach its deadline.
    pub(crate) async fn closed(&self) {
        let mut byte = [0u8; 1];
        loop {
            match self.0.peek(&mut byte).await {
                Err(_) => return,
                // End-of-file (a half-close, or a close we cannot tell from one) or a pipelined
                // request: look again later.
                Ok(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }
}

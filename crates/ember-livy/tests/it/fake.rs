//! A scripted fake Livy server on 127.0.0.1: raw tokio sockets, so it can misbehave at the
//! byte level (reset connections, hang, send HTML). One request per connection.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// What the server does with a request.
#[derive(Debug, Clone)]
pub(crate) enum Reply {
    /// A JSON (or any text) body with this status.
    Status(u16, String),
    /// Like `Status` with another content type.
    Typed(u16, &'static str, String),
    /// Close the connection without answering.
    Close,
    /// Wait, then answer.
    Delay(Duration, Box<Reply>),
}

impl Reply {
    pub(crate) fn json(v: Value) -> Reply {
        Reply::Status(200, v.to_string())
    }
    pub(crate) fn created(v: Value) -> Reply {
        Reply::Status(201, v.to_string())
    }
}

/// One request as received.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub(crate) method: String,
    /// Path and query, as sent.
    pub(crate) target: String,
    /// Header names lower-cased.
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: String,
}

impl Request {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
    pub(crate) fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }
}

struct Route {
    method: String,
    target: String,
    /// Replies in order; the last one repeats.
    replies: VecDeque<Reply>,
}

#[derive(Default)]
struct State {
    routes: Vec<Route>,
    requests: Vec<Request>,
}

pub(crate) struct FakeLivy {
    pub(crate) addr: SocketAddr,
    state: Arc<Mutex<State>>,
    task: JoinHandle<()>,
}

impl Drop for FakeLivy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakeLivy {
    pub(crate) async fn start() -> FakeLivy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(State::default()));
        let st = state.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((sock, _)) = listener.accept().await else {
                    return;
                };
                let st = st.clone();
                tokio::spawn(async move {
                    let _ = serve(sock, st).await;
                });
            }
        });
        FakeLivy { addr, state, task }
    }

    pub(crate) fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Scripts `method target` (target: a path, or a path and query to match exactly) to
    /// answer with `replies` in order, the last repeating.
    pub(crate) fn on(&self, method: &str, target: &str, replies: Vec<Reply>) -> &Self {
        let mut st = self.state.lock().unwrap();
        st.routes
            .retain(|r| !(r.method == method && r.target == target));
        st.routes.push(Route {
            method: method.into(),
            target: target.into(),
            replies: replies.into(),
        });
        self
    }

    pub(crate) fn requests(&self) -> Vec<Request> {
        self.state.lock().unwrap().requests.clone()
    }

    pub(crate) fn count(&self, method: &str, path: &str) -> usize {
        self.requests()
            .iter()
            .filter(|r| r.method == method && r.path() == path)
            .count()
    }

    pub(crate) fn posted(&self, path: &str) -> Vec<Value> {
        self.requests()
            .iter()
            .filter(|r| r.method == "POST" && r.path() == path)
            .map(Request::json)
            .collect()
    }
}

async fn serve(mut sock: TcpStream, state: Arc<Mutex<State>>) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let header_end = loop {
        let n = sock.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..header_end]).to_string();
    let mut lines = head.split("\r\n");
    let first = lines.next().unwrap_or("");
    let mut parts = first.split(' ');
    let method = parts.next().unwrap_or("").to_owned();
    let target = parts.next().unwrap_or("").to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    while buf.len() < header_end + len {
        let n = sock.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = String::from_utf8_lossy(&buf[header_end..]).to_string();
    let reply = {
        let mut st = state.lock().unwrap();
        st.requests.push(Request {
            method: method.clone(),
            target: target.clone(),
            headers,
            body,
        });
        let path = target.split('?').next().unwrap_or("").to_owned();
        let route = st
            .routes
            .iter_mut()
            .find(|r| r.method == method && r.target == target)
            .or(None);
        let route = match route {
            Some(r) => Some(r),
            None => st
                .routes
                .iter_mut()
                .find(|r| r.method == method && r.target == path),
        };
        match route {
            Some(r) if r.replies.len() > 1 => r.replies.pop_front(),
            Some(r) => r.replies.front().cloned(),
            None => None,
        }
        .unwrap_or_else(|| {
            Reply::Status(
                404,
                json!({"msg": format!("fake: no route for {method} {target}")}).to_string(),
            )
        })
    };
    respond(&mut sock, reply).await
}

async fn respond(sock: &mut TcpStream, reply: Reply) -> std::io::Result<()> {
    let mut reply = reply;
    loop {
        match reply {
            Reply::Delay(d, next) => {
                tokio::time::sleep(d).await;
                reply = *next;
            }
            Reply::Close => {
                sock.shutdown().await?;
                return Ok(());
            }
            Reply::Status(status, body) => {
                return write(sock, status, "application/json", &body).await;
            }
            Reply::Typed(status, ctype, body) => {
                return write(sock, status, ctype, &body).await;
            }
        }
    }
}

async fn write(sock: &mut TcpStream, status: u16, ctype: &str, body: &str) -> std::io::Result<()> {
    let text = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: {ctype}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    sock.write_all(text.as_bytes()).await?;
    sock.shutdown().await
}

// ---- recorded Livy objects ----

pub(crate) fn session(id: u64, kind: &str, state: &str) -> Value {
    json!({"id": id, "name": null, "appId": null, "owner": null, "proxyUser": null,
           "state": state, "kind": kind,
           "appInfo": {"driverLogUrl": null, "sparkUiUrl": null},
           "log": ["stdout: ", "\nstderr: "]})
}

pub(crate) fn statement(id: u64, state: &str, output: Value) -> Value {
    json!({"id": id, "code": "", "state": state, "output": output,
           "progress": if state == "available" { 1.0 } else { 0.0 },
           "started": 0, "completed": 0})
}

pub(crate) fn ok_text(id: u64, text: &str) -> Value {
    json!({"status": "ok", "execution_count": id, "data": {"text/plain": text}})
}

pub(crate) fn ok_json(id: u64, value: Value) -> Value {
    json!({"status": "ok", "execution_count": id, "data": {"application/json": value}})
}

/// A fake with session `id` of `kind` idle.
pub(crate) async fn with_session(id: u64, kind: &str) -> FakeLivy {
    let fake = FakeLivy::start().await;
    fake.on(
        "GET",
        &format!("/sessions/{id}"),
        vec![Reply::json(session(id, kind, "idle"))],
    );
    fake
}

/// A client with fast polling and short deadlines, for tests.
pub(crate) fn client(fake: &FakeLivy) -> ember_livy::LivyClient {
    builder(fake).build().unwrap()
}

pub(crate) fn builder(fake: &FakeLivy) -> ember_livy::LivyClientBuilder {
    ember_livy::LivyClient::builder(&fake.url())
        .poll_schedule(ember_livy::PollSchedule::fixed(Duration::from_millis(10)))
        .retry_policy(ember_livy::RetryPolicy {
            max_retries: 3,
            initial_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(20),
        })
        .request_timeout(Duration::from_secs(5))
        .session_start_timeout(Duration::from_secs(5))
        .statement_timeout(Duration::from_secs(5))
        .batch_timeout(Duration::from_secs(5))
}

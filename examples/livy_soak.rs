//! Soak test of a running `ember livy-server` (issue 16: does memory stay flat under load?).
//!
//! `scripts/livy-soak.sh` starts the server and runs this. By hand:
//! `cargo run --example livy_soak -- URL PID [CLIENTS] [SECONDS] [MAX_STATEMENTS] [SESSIONS]`
//! (defaults 64 clients, 60 s, 10^6 statements, 8 sql sessions). It reads the server's
//! `/proc/PID/status` (VmRSS) and `/proc/PID/task` (threads) every second while `CLIENTS` tasks
//! run small sql statements round-robin over `SESSIONS` sessions, and prints one CSV line per
//! sample, then a summary. Loopback only: it refuses a URL that is not 127.0.0.1/localhost.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

type Failure = Box<dyn std::error::Error + Send + Sync>;

fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn threads(pid: u32) -> Option<usize> {
    Some(std::fs::read_dir(format!("/proc/{pid}/task")).ok()?.count())
}

async fn post(http: &reqwest::Client, url: &str, body: Value) -> Result<Value, Failure> {
    let r = http
        .post(url)
        .header("X-Requested-By", "soak")
        .json(&body)
        .send()
        .await?;
    let status = r.status();
    let v: Value = r.json().await?;
    if !status.is_success() {
        return Err(format!("{url}: {status} {v}").into());
    }
    Ok(v)
}

async fn wait_idle(http: &reqwest::Client, base: &str, id: u64) -> Result<(), Failure> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let s: Value = http
            .get(format!("{base}/sessions/{id}/state"))
            .send()
            .await?
            .json()
            .await?;
        if s["state"] == "idle" {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!("session {id} did not become idle in 60 s: {s}").into());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// One client: submit, poll until finished, repeat.
async fn client(
    http: reqwest::Client,
    base: String,
    session: u64,
    stop: Arc<AtomicBool>,
    done: Arc<AtomicU64>,
    max: u64,
) -> Result<(), Failure> {
    let statements = format!("{base}/sessions/{session}/statements");
    while !stop.load(Ordering::Relaxed) && done.load(Ordering::Relaxed) < max {
        let st = post(
            &http,
            &statements,
            json!({"code": "SELECT id, id * 2 AS twice FROM range(10)"}),
        )
        .await;
        let st = match st {
            Ok(st) => st,
            // A full queue is the server's bound at work: back off and go on.
            Err(e) if e.to_string().contains("429") => {
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
            Err(e) => return Err(e),
        };
        let sid = st["id"].as_u64().ok_or("no statement id")?;
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let st: Value = http
                .get(format!("{statements}/{sid}"))
                .send()
                .await?
                .json()
                .await?;
            if st["state"] == "available" {
                if st["output"]["status"] != "ok" {
                    return Err(format!("statement failed: {st}").into());
                }
                break;
            }
            if Instant::now() > deadline {
                return Err(format!("statement {sid} did not finish in 60 s").into());
            }
        }
        done.fetch_add(1, Ordering::Relaxed);
    }
    Ok(())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Failure> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize, default: u64| -> Result<u64, Failure> {
        args.get(i).map_or(Ok(default), |a| Ok(a.parse()?))
    };
    let base = args
        .first()
        .ok_or("usage: livy_soak URL PID [CLIENTS] [SECONDS] [MAX] [SESSIONS]")?;
    let base = base.trim_end_matches('/').to_owned();
    if !(base.starts_with("http://127.0.0.1:") || base.starts_with("http://localhost:")) {
        return Err(format!("{base} is not a loopback URL").into());
    }
    let pid: u32 = args.get(1).ok_or("missing PID")?.parse()?;
    let clients = arg(2, 64)?;
    let seconds = arg(3, 60)?;
    let max = arg(4, 1_000_000)?;
    let sessions = arg(5, 8)?.max(1);
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .pool_max_idle_per_host(clients as usize)
        .build()?;

    let threads_before = threads(pid).ok_or("cannot read the server's /proc entry")?;
    let mut ids = Vec::new();
    for _ in 0..sessions {
        let s = post(&http, &format!("{base}/sessions"), json!({"kind": "sql"})).await?;
        ids.push(s["id"].as_u64().ok_or("no session id")?);
    }
    for id in &ids {
        wait_idle(&http, &base, *id).await?;
    }
    let threads_idle = threads(pid).unwrap_or(0);
    println!(
        "# threads: {threads_before} before, {threads_idle} with {sessions} idle sql sessions ({:.1} per session)",
        (threads_idle.saturating_sub(threads_before)) as f64 / sessions as f64
    );

    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for c in 0..clients {
        let session = ids[(c % sessions) as usize];
        tasks.push(tokio::spawn(client(
            http.clone(),
            base.clone(),
            session,
            stop.clone(),
            done.clone(),
            max,
        )));
    }
    println!("seconds,statements,rss_mib,threads");
    let started = Instant::now();
    let mut samples = Vec::new();
    while started.elapsed() < Duration::from_secs(seconds) && done.load(Ordering::Relaxed) < max {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let rss = rss_kib(pid).unwrap_or(0) as f64 / 1024.0;
        let n = done.load(Ordering::Relaxed);
        let t = threads(pid).unwrap_or(0);
        println!("{},{n},{rss:.1},{t}", started.elapsed().as_secs());
        samples.push((n, rss));
        if tasks.iter().all(|t| t.is_finished()) {
            break;
        }
    }
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        t.await??;
    }
    for id in ids {
        let _ = http
            .delete(format!("{base}/sessions/{id}"))
            .header("X-Requested-By", "soak")
            .send()
            .await;
    }
    let total = done.load(Ordering::Relaxed);
    let elapsed = started.elapsed().as_secs_f64();
    let q = samples.len() / 4;
    let mean = |s: &[(u64, f64)]| s.iter().map(|x| x.1).sum::<f64>() / s.len().max(1) as f64;
    println!(
        "# {total} statements in {elapsed:.0} s ({:.0}/s) by {clients} clients; RSS mean of the first quarter {:.1} MiB, of the last quarter {:.1} MiB, max {:.1} MiB",
        total as f64 / elapsed,
        mean(&samples[..q.max(1).min(samples.len())]),
        mean(&samples[samples.len().saturating_sub(q.max(1))..]),
        samples.iter().map(|s| s.1).fold(0.0, f64::max),
    );
    Ok(())
}

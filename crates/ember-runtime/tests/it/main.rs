//! The runtime's one rule for waiting, from every kind of caller thread.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use ember_runtime::{Error, Runtime};

const BOUND: Option<Duration> = Some(Duration::from_secs(30));

fn runtime() -> Runtime {
    Runtime::builder("ember-runtime-test")
        .threads(2)
        .build()
        .unwrap()
}

#[test]
fn block_on_from_a_plain_thread() -> Result<(), Error> {
    let rt = runtime();
    let name = rt.block_on("a thread name", BOUND, async {
        std::thread::current().name().map(str::to_owned)
    })?;
    // The work ran on the runtime's own workers, not on the caller's thread.
    assert_eq!(name.as_deref(), Some("ember-runtime-test"));
    Ok(())
}

#[test]
fn block_on_from_inside_either_kind_of_tokio_runtime() -> Result<(), Error> {
    let rt = runtime();
    let multi = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let inner = rt.clone();
    let v = multi.block_on(async move {
        tokio::spawn(async move { inner.block_on("a sum", BOUND, async { 1 + 1 }) })
            .await
            .unwrap()
    })?;
    assert_eq!(v, 2);
    let current = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // A timer on the runtime's own workers completes while the current-thread runtime is parked.
    let v = current.block_on(async {
        rt.block_on("a short sleep", BOUND, async {
            tokio::time::sleep(Duration::from_millis(5)).await;
            3
        })
    })?;
    assert_eq!(v, 3);
    Ok(())
}

#[test]
fn a_wait_past_its_bound_is_a_timeout_and_the_work_is_aborted() {
    let rt = runtime();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let err = rt.block_on("a sleeper", Some(Duration::from_millis(20)), async move {
        let _keep = tx;
        tokio::time::sleep(Duration::from_secs(600)).await;
    });
    match err {
        Err(Error::Timeout { what, after }) => {
            assert_eq!(what, "a sleeper");
            assert_eq!(after, Duration::from_millis(20));
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    // Aborting drops the future, and with it the sender: the receiver hears it, bounded.
    let closed = rt.block_on("the abort", BOUND, async move { rx.await.is_err() });
    assert!(matches!(closed, Ok(true)), "{closed:?}");
    assert!(
        Error::Timeout {
            what: "x".into(),
            after: Duration::from_secs(1)
        }
        .to_string()
        .contains("x did not finish within 1s")
    );
}

#[test]
fn a_panic_in_the_work_is_an_error_with_its_message() {
    let rt = runtime();
    let lost = rt.block_on("a job", BOUND, async {
        if std::hint::black_box(true) {
            panic!("boom {}", 7);
        }
    });
    match lost {
        Err(e @ Error::Lost { .. }) => assert_eq!(
            e.to_string(),
            "a job ended without a result (it panicked: boom 7)"
        ),
        other => panic!("expected Lost, got {other:?}"),
    }
    // The runtime survives the panic.
    assert!(matches!(rt.block_on("after", BOUND, async { 1 }), Ok(1)));
}

#[test]
fn run_awaits_from_another_executor_and_reports_panics() {
    let rt = runtime();
    let other = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let ok = other.block_on(rt.run("a sum", async { 40 + 2 }));
    assert!(matches!(ok, Ok(42)));
    let err = other.block_on(rt.run("a job", async {
        if std::hint::black_box(true) {
            panic!("bang");
        }
    }));
    assert!(
        matches!(&err, Err(Error::Lost { reason, .. }) if reason == "it panicked: bang"),
        "{err:?}"
    );
}

#[test]
fn dropping_the_last_clone_inside_a_runtime_does_not_block_or_panic() {
    let rt = runtime();
    let keep = rt.clone();
    drop(rt);
    assert!(matches!(
        keep.block_on("still alive", BOUND, async { 5 }),
        Ok(5)
    ));
    let host = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    host.block_on(async move { drop(keep) });
}

#[test]
fn a_failed_start_names_the_runtime() {
    let e = Error::Start {
        name: "ember-sql".into(),
        source: std::io::Error::other("no threads"),
    };
    assert_eq!(
        e.to_string(),
        "cannot start the ember-sql runtime: no threads"
    );
}

#[test]
fn shutdown_waits_for_the_tasks_and_a_clone_keeps_the_runtime() {
    let rt = runtime();
    let keep = rt.clone();
    rt.shutdown(Duration::from_secs(10));
    // Another clone was alive: the runtime still runs.
    assert!(matches!(
        keep.block_on("still alive", BOUND, async { 8 }),
        Ok(8)
    ));
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    keep.handle().spawn(async move {
        let _dropped_when_the_runtime_stops = tx;
        std::future::pending::<()>().await;
    });
    // The last clone: its tasks are dropped before `shutdown` returns.
    keep.shutdown(Duration::from_secs(10));
    assert!(rx.recv_timeout(Duration::from_secs(10)).is_err());
    assert!(matches!(
        rx.try_recv(),
        Err(std::sync::mpsc::TryRecvError::Disconnected)
    ));
}

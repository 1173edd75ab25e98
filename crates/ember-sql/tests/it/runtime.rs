//! Queries run the same whether the caller is a plain thread, inside a tokio runtime or async.

use ember_sql::Session;

use crate::fixture::session_with_views;

fn seed_sum(spark: &Session) -> usize {
    let batches = spark
        .sql("SELECT squared(value) AS s FROM test")
        .unwrap()
        .collect()
        .unwrap();
    batches.iter().map(|b| b.num_rows()).sum()
}

#[test]
fn blocking_from_a_plain_thread() {
    let spark = session_with_views();
    assert_eq!(seed_sum(&spark), 4);
}

#[tokio::test(flavor = "current_thread")]
async fn blocking_inside_a_current_thread_runtime() {
    let spark = session_with_views();
    assert_eq!(seed_sum(&spark), 4);
    // Dropping the session (and its runtime) inside a runtime must not panic.
    drop(spark);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocking_inside_a_multi_thread_runtime() {
    let spark = session_with_views();
    assert_eq!(seed_sum(&spark), 4);
    let df = spark.sql("SELECT count(*) FROM people").unwrap();
    assert_eq!(df.count().unwrap(), 1);
}

#[tokio::test(flavor = "current_thread")]
async fn async_collect_from_another_runtime() {
    let spark = session_with_views();
    let df = spark.sql("SELECT * FROM orders").unwrap();
    let batches = df.collect_async().await.unwrap();
    assert_eq!(batches.iter().map(|b| b.num_rows()).sum::<usize>(), 5);
    assert_eq!(df.count_async().await.unwrap(), 5);
}

#[test]
fn async_collect_without_any_runtime() {
    // A minimal executor: block on the future with a thread-parking waker.
    use std::future::Future;
    use std::pin::pin;
    use std::sync::Arc;
    use std::task::{Context, Poll, Wake, Waker};

    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let spark = session_with_views();
    let df = spark.sql("SELECT * FROM people").unwrap();
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut fut = pin!(df.count_async());
    let n = loop {
        match fut.as_mut().poll(&mut cx) {
            Poll::Ready(n) => break n.unwrap(),
            Poll::Pending => std::thread::park(),
        }
    };
    assert_eq!(n, 4);
}

#[test]
fn many_threads_share_one_session() {
    let spark = session_with_views();
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let spark = spark.clone();
            std::thread::spawn(move || seed_sum(&spark))
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), 4);
    }
}

/// The byte bound counts the rows kept, not the buffers they were cut from: three rows of a
/// wide result fit a bound far below the size of the batch they came from; all of it does not.
#[tokio::test(flavor = "current_thread")]
async fn a_limited_collect_counts_the_bytes_of_the_rows_it_keeps() {
    let spark = Session::builder()
        .master("local[1]")
        .get_or_create()
        .unwrap();
    let df = spark
        .sql("SELECT id, repeat('x', 1000) AS wide FROM range(0, 8000)")
        .unwrap();
    let three = df
        .collect_limited_until(3, 64 << 10, std::future::pending())
        .await
        .unwrap()
        .unwrap();
    assert!(three.truncated);
    assert_eq!(three.batches.iter().map(|b| b.num_rows()).sum::<usize>(), 3);
    let all = df
        .collect_limited_until(1_000_000, 64 << 10, std::future::pending())
        .await;
    match all {
        Err(e @ ember_sql::Error::ResultTooLarge { limit: 65536 }) => assert_eq!(
            e.to_string(),
            "the result is larger than the limit of 65536 bytes"
        ),
        other => panic!("expected ResultTooLarge, got {other:?}"),
    }
}

#[test]
fn a_query_that_multiplies_rows_stops_when_cancelled() {
    // 10^12 rows out of two one-row relations: no scan is polled while the join and the
    // unnests make rows, so the query yields (and a cancel takes effect) only because Ember puts
    // DataFusion's cooperative budget above each of them.
    let spark = Session::builder()
        .master("local[1]")
        .get_or_create()
        .unwrap();
    let endless = spark
        .sql(
            "SELECT max(a * b) FROM (SELECT explode(sequence(1, 1000000)) AS a) \
             CROSS JOIN (SELECT explode(sequence(1, 1000000)) AS b)",
        )
        .unwrap();
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let waiter = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let stop = async { tokio::time::sleep(std::time::Duration::from_millis(500)).await };
        let _ = done.send(
            waiter
                .block_on(endless.collect_until(stop))
                .map(|r| r.is_none()),
        );
    });
    let stopped = finished
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("the cancelled query did not stop within a minute");
    assert!(stopped.unwrap());
}

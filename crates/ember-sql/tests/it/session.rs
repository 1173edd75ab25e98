//! Session builder and configuration.

use ember_sql::{Error, Session};

#[test]
fn builder_sets_name_master_and_conf() {
    let spark = Session::builder()
        .app_name("cfg")
        .master("local[3]")
        .config("spark.sql.shuffle.partitions", "5")
        .config("spark.executor.memory", "1g")
        .get_or_create()
        .unwrap();
    assert_eq!(spark.app_name(), "cfg");
    assert_eq!(spark.master(), "local[3]");
    assert_eq!(spark.context().default_parallelism(), 3);
    assert_eq!(spark.datafusion().copied_config().target_partitions(), 5);
    assert_eq!(spark.conf("spark.executor.memory"), Some("1g"));
    assert_eq!(spark.conf("nope"), None);
}

#[test]
fn target_partitions_default_to_the_rdd_parallelism() {
    let spark = Session::builder()
        .master("local[2]")
        .get_or_create()
        .unwrap();
    assert_eq!(spark.datafusion().copied_config().target_partitions(), 2);
    assert_eq!(spark.app_name(), "ember");
}

#[test]
fn bad_config_values_are_config_errors() {
    let err = Session::builder()
        .master("local[1]")
        .config("datafusion.execution.no_such_option", "1")
        .get_or_create()
        .unwrap_err();
    assert!(
        matches!(&err, Error::Config { key: Some(k), .. } if k == "datafusion.execution.no_such_option"),
        "{err:?}"
    );
    let err = Session::builder()
        .master("local[1]")
        .config("ember.sql.batch_rows", "zero")
        .get_or_create()
        .unwrap_err();
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
}

#[test]
fn cluster_masters_are_rejected_with_an_rdd_error() {
    // The seed's INI points at a standalone cluster; Ember runs locally only.
    let err = Session::builder()
        .master("spark://sparkmaster:7077")
        .get_or_create()
        .unwrap_err();
    assert!(matches!(err, Error::Rdd(_)), "{err:?}");
}

#[test]
fn sessions_can_share_an_rdd_context() {
    let first = Session::builder()
        .master("local[2]")
        .get_or_create()
        .unwrap();
    let second = Session::builder()
        .context(first.context().clone())
        .get_or_create()
        .unwrap();
    assert_eq!(second.master(), "local[2]");
    // Views are per session, like Spark's newSession().
    first.sql("CREATE VIEW v AS SELECT 1 AS one").unwrap();
    assert!(first.view_exists("v").unwrap());
    assert!(!second.view_exists("v").unwrap());
}

#[test]
fn views_can_be_listed_and_dropped() {
    let spark = crate::fixture::session_with_views();
    let names = spark.view_names();
    for expected in ["nums", "orders", "people", "test"] {
        assert!(names.iter().any(|n| n == expected), "{names:?}");
    }
    assert!(spark.drop_temp_view("people").unwrap());
    assert!(!spark.drop_temp_view("people").unwrap());
    assert!(matches!(
        spark.sql("SELECT * FROM people"),
        Err(Error::UnknownView { name, .. }) if name == "people"
    ));
}

#[test]
fn the_query_log_records_each_action_with_its_plan_rows_and_outcome() {
    let spark = Session::builder()
        .master("local[2]")
        .config("spark.sql.ui.retainedExecutions", "3")
        .get_or_create()
        .unwrap();
    let df = spark.sql("SELECT id FROM range(10) WHERE id > 6").unwrap();
    assert_eq!(df.count().unwrap(), 3);
    assert_eq!(
        df.collect()
            .unwrap()
            .iter()
            .map(|b| b.num_rows())
            .sum::<usize>(),
        3
    );
    let failing = spark
        .sql("SELECT CAST('x' AS INT) AS n FROM range(2)")
        .unwrap()
        .collect();
    assert!(failing.is_err());

    let queries = spark.queries();
    assert_eq!(queries.len(), 3);
    let (failed, collected, counted) = (&queries[0], &queries[1], &queries[2]);
    assert_eq!(counted.text, "SELECT id FROM range(10) WHERE id > 6");
    assert_eq!(counted.rows, Some(1), "count's one row");
    assert!(counted.plan.contains("AggregateExec"), "{}", counted.plan);
    assert_eq!(collected.rows, Some(3));
    assert_eq!(collected.state, ember_sql::QueryState::Completed);
    assert!(collected.plan.contains("FilterExec"), "{}", collected.plan);
    assert!(collected.duration.is_some());
    assert_eq!(failed.state, ember_sql::QueryState::Failed);
    assert!(
        failed
            .error
            .as_deref()
            .unwrap()
            .contains("CAST_INVALID_INPUT"),
        "{failed:?}"
    );
    assert_eq!(
        (failed.id, collected.id, counted.id),
        (2, 1, 0),
        "ids count up, newest first"
    );

    // Bounded: a fourth query pushes out the oldest.
    spark.sql("SELECT 1").unwrap().collect().unwrap();
    let ids: Vec<u64> = spark.queries().iter().map(|q| q.id).collect();
    assert_eq!(ids, [3, 2, 1]);
}

/// Actions from several threads on one session: every record ends (none stays `Running`), and
/// the ids are the order the log lists them in.
#[test]
fn concurrent_actions_all_end_in_the_query_log() {
    let spark = Session::builder()
        .master("local[2]")
        .get_or_create()
        .unwrap();
    std::thread::scope(|s| {
        for t in 0..4 {
            let spark = spark.clone();
            s.spawn(move || {
                for i in 0..25 {
                    let df = spark.sql(&format!("SELECT {t} * {i} AS n")).unwrap();
                    assert_eq!(df.count().unwrap(), 1);
                }
            });
        }
    });
    let queries = spark.queries();
    assert_eq!(queries.len(), 100);
    assert!(
        queries
            .iter()
            .all(|q| q.state == ember_sql::QueryState::Completed),
        "{:?}",
        queries
            .iter()
            .find(|q| q.state != ember_sql::QueryState::Completed)
    );
    let ids: Vec<u64> = queries.iter().map(|q| q.id).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(ids, sorted, "newest first");
}

/// `ember.sql.memory_limit` bounds what a session's queries hold: a sort past it spills and
/// still answers; what cannot spill fails naming its largest consumers; a size that is not one
/// is refused by name.
#[test]
fn the_memory_limit_setting_bounds_queries() {
    let bounded = Session::builder()
        .master("local[2]")
        .config("ember.sql.memory_limit", "32m")
        .get_or_create()
        .unwrap();
    // 8·10^6 sorted ids are 64 MB: the sort spills and still answers.
    let sorted = bounded
        .sql("SELECT id FROM range(8000000) ORDER BY id DESC")
        .unwrap()
        .collect()
        .unwrap();
    let rows: usize = sorted.iter().map(|b| b.num_rows()).sum();
    assert_eq!(rows, 8_000_000);
    assert_eq!(crate::fixture::cells(&sorted[..1])[0], ["7999999"]);
    let err = bounded
        .sql("SELECT array_agg(concat('row ', CAST(id AS STRING))) FROM range(8000000)")
        .unwrap()
        .collect()
        .unwrap_err();
    assert!(err.to_string().contains("Failed to allocate"), "{err}");
    let refused = Session::builder()
        .config("ember.sql.memory_limit", "lots")
        .get_or_create()
        .unwrap_err();
    assert!(
        matches!(&refused, Error::Config { key: Some(k), .. } if k == "ember.sql.memory_limit"),
        "{refused}"
    );
}

#[test]
fn a_result_may_name_two_columns_alike_as_sparks_does() {
    let spark = Session::builder()
        .master("local[2]")
        .get_or_create()
        .unwrap();
    let df = spark
        .sql("SELECT id, * FROM range(3) ORDER BY id DESC")
        .unwrap();
    assert_eq!(df.columns(), ["id", "id"]);
    assert_eq!(df.count().unwrap(), 3);
    let mut csv = Vec::new();
    df.write_to(ember_sql::OutputFormat::Csv, &mut csv).unwrap();
    assert_eq!(String::from_utf8(csv).unwrap(), "id,id\n2,2\n1,1\n0,0\n");
    let rows = spark
        .sql("SELECT 1 AS a, 'x' AS a, count(*), count(*) FROM range(2)")
        .unwrap();
    assert_eq!(rows.columns(), ["a", "a", "count(1)", "count(1)"]);
    assert_eq!(
        rows.show_string(5).unwrap().lines().nth(3).unwrap(),
        "| 1 | x | 2        | 2        |"
    );
    // A view of such a query is refused, as Spark refuses it.
    assert!(
        spark
            .sql("CREATE TEMP VIEW twice AS SELECT 1 AS a, 2 AS a")
            .is_err()
    );
}

#[test]
fn a_star_of_a_struct_column_selects_its_fields() {
    let spark = Session::builder()
        .master("local[2]")
        .get_or_create()
        .unwrap();
    let df = spark
        .sql(
            "SELECT id, e.* FROM (SELECT id, named_struct('k', id * 10, 'tag', 'x') AS e \
             FROM range(2)) ORDER BY id",
        )
        .unwrap();
    assert_eq!(df.columns(), ["id", "k", "tag"]);
    let mut csv = Vec::new();
    df.write_to(ember_sql::OutputFormat::Csv, &mut csv).unwrap();
    assert_eq!(String::from_utf8(csv).unwrap(), "id,k,tag\n0,0,x\n1,10,x\n");
    let err = spark.sql("SELECT s.* FROM (SELECT 1 AS s)").unwrap_err();
    assert!(
        matches!(&err, Error::Plan { message, .. } if message.starts_with("Can only star expand struct data types")),
        "{err:?}"
    );
}

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

use std::io::Write;

use ember_rdd::{Context, Error};

use crate::ctx;

#[test]
fn parallelize_slices_like_spark() {
    let rdd = ctx().parallelize((0..10).collect::<Vec<i32>>(), 3).unwrap();
    assert_eq!(rdd.num_partitions(), 3);
    let parts = rdd.glom().collect().unwrap();
    assert_eq!(parts, vec![vec![0, 1, 2], vec![3, 4, 5], vec![6, 7, 8, 9]]);
}

#[test]
fn more_partitions_than_elements_leaves_empty_partitions() {
    let rdd = ctx().parallelize(vec![1, 2], 5).unwrap();
    let parts = rdd.glom().collect().unwrap();
    assert_eq!(parts.len(), 5);
    assert_eq!(parts.iter().filter(|p| p.is_empty()).count(), 3);
    assert_eq!(rdd.collect().unwrap(), vec![1, 2]);
}

#[test]
fn ranges_are_sliced_without_materialising() {
    let c = ctx();
    // 2^64 elements: only possible if slicing is arithmetic.
    let huge = c.parallelize(0..=u64::MAX, 4).unwrap();
    assert_eq!(huge.take(3).unwrap(), vec![0, 1, 2]);
    let rdd = c.parallelize(1..=1_000_000i64, 7).unwrap();
    assert_eq!(rdd.count().unwrap(), 1_000_000);
    assert_eq!(rdd.sum().unwrap(), 500_000_500_000);
    let parts = c
        .parallelize(1..=10i64, 3)
        .unwrap()
        .glom()
        .collect()
        .unwrap();
    assert_eq!(parts, vec![vec![1, 2, 3], vec![4, 5, 6], vec![7, 8, 9, 10]]);
    assert_eq!(c.range(5..5, 2).unwrap().count().unwrap(), 0);
    #[allow(clippy::reversed_empty_ranges)] // an empty range must give an empty RDD
    let reversed = 10..0i32;
    assert_eq!(c.parallelize(reversed, 2).unwrap().count().unwrap(), 0);
}

#[test]
fn zero_slices_is_a_typed_error() {
    let err = ctx().parallelize(vec![1], 0).unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidArgument {
                name: "num_slices",
                ..
            }
        ),
        "{err}"
    );
    let err = ctx().text_file("Cargo.toml", 0).unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { .. }), "{err}");
}

#[test]
fn empty_rdd_has_no_partitions() {
    let e = ctx().empty::<i32>();
    assert_eq!(e.num_partitions(), 0);
    assert_eq!(e.collect().unwrap(), Vec::<i32>::new());
    assert_eq!(e.count().unwrap(), 0);
}

#[test]
fn masters_parse_like_spark() {
    assert_eq!(Context::new("a", "local").unwrap().default_parallelism(), 1);
    assert_eq!(
        Context::new("a", "local[3]").unwrap().default_parallelism(),
        3
    );
    assert!(Context::new("a", "local[*]").unwrap().default_parallelism() >= 1);
    let c = Context::new("a", "local[2,7]").unwrap();
    assert_eq!((c.default_parallelism(), c.max_task_failures()), (2, 7));
    for bad in [
        "local[0]",
        "local[x]",
        "spark://host:7077",
        "",
        "local[2,0]",
    ] {
        let err = Context::new("a", bad).unwrap_err();
        assert!(matches!(err, Error::InvalidMaster { .. }), "{bad}: {err}");
    }
}

fn write_lines(dir: &std::path::Path, name: &str, body: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::File::create(&p)
        .unwrap()
        .write_all(body.as_bytes())
        .unwrap();
    p
}

#[test]
fn text_file_reads_every_line_once_across_splits() {
    let dir = tempfile::tempdir().unwrap();
    let expected: Vec<String> = (0..500)
        .map(|i| format!("line {i} {}", "x".repeat(i % 13)))
        .collect();
    let mut body = expected.join("\r\n");
    body.push_str("\r\n");
    body.push_str("last line without newline");
    let p = write_lines(dir.path(), "data.txt", &body);
    let mut want = expected.clone();
    want.push("last line without newline".into());
    for min in [1, 2, 5, 17, 100] {
        let rdd = ctx().text_file(&p, min).unwrap();
        assert!(rdd.num_partitions() >= min, "{min}");
        assert_eq!(rdd.collect().unwrap(), want, "min_partitions {min}");
    }
}

#[test]
fn text_file_of_a_missing_path_is_io_error() {
    let err = ctx().text_file("/no/such/file.txt", 2).unwrap_err();
    match err {
        Error::Io { path, .. } => assert_eq!(path, std::path::Path::new("/no/such/file.txt")),
        other => panic!("{other}"),
    }
}

#[test]
fn save_then_read_back_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let c = ctx();
    c.parallelize(1..=100i64, 4)
        .unwrap()
        .save_as_text_file(&out)
        .unwrap();
    assert!(out.join("_SUCCESS").exists());
    assert!(out.join("part-00003").exists());
    let back: Vec<i64> = c
        .text_file(&out, 1)
        .unwrap()
        .map(|l| l.parse().unwrap())
        .collect()
        .unwrap();
    assert_eq!(back, (1..=100).collect::<Vec<_>>());
    let err = c
        .parallelize(vec![1], 1)
        .unwrap()
        .save_as_text_file(&out)
        .unwrap_err();
    assert!(matches!(err, Error::PathExists { .. }), "{err}");
}

//! The names of Spark's built-in functions (Spark 4.3's `SHOW FUNCTIONS`, recorded from PySpark
//! by `scripts/spark-functions.py` in `tests/conformance/spark-functions.txt`), so a call to one
//! Ember lacks is refused as [`Error::UnsupportedFunction`](crate::Error::UnsupportedFunction)
//! naming it, rather than DataFusion's "Invalid function" with a guess at another name.

/// `name<TAB>group` lines, `#` comments.
const SPARK_FUNCTIONS: &str = include_str!("../../tests/conformance/spark-functions.txt");

/// Why Ember will not have a function, by name or name prefix (a prefix ends in `*`).
const REASONS: &[(&str, &str)] = &[
    (
        "java_method",
        "it calls a Java method by reflection, which needs a JVM",
    ),
    (
        "reflect",
        "it calls a Java method by reflection, which needs a JVM",
    ),
    (
        "try_reflect",
        "it calls a Java method by reflection, which needs a JVM",
    ),
    (
        "*avro",
        "Avro records need Spark's Avro data source, which Ember does not have",
    ),
    (
        "*protobuf",
        "Protobuf messages need compiled descriptors or Java classes",
    ),
    (
        "input_file_*",
        "it reports Hadoop input splits, which Ember's scans do not have",
    ),
    (
        "python_worker_logs",
        "it reads the logs of PySpark's Python workers",
    ),
    (
        "approx_top_k_*",
        "Spark's approx_top_k state structs (its ItemsSketch image) are not implemented; approx_top_k is",
    ),
    ("st_*", "Ember has no geospatial types"),
];

/// Whether `name` (any case) is one of Spark's built-in functions.
pub(crate) fn is_spark_function(name: &str) -> bool {
    group(name).is_some()
}

/// Whether `name` is one of Spark's window functions (its group `window_funcs`), which only a
/// window (`OVER`) can call.
pub(crate) fn is_window_function(name: &str) -> bool {
    group(name) == Some("window_funcs")
}

/// Spark's group of the function `name` (`string_funcs`, `window_funcs`, ...), if Spark has it.
fn group(name: &str) -> Option<&'static str> {
    let name = name.to_ascii_lowercase();
    SPARK_FUNCTIONS
        .lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| {
            let (n, group) = l.split_once('\t').unwrap_or((l, ""));
            (n == name).then_some(group)
        })
}

/// The function a DataFusion "Invalid function 'name'" message names, when it is Spark's.
pub(crate) fn unsupported_in(message: &str) -> Option<String> {
    let rest = message.strip_prefix("Invalid function '")?;
    let name = &rest[..rest.find('\'')?];
    is_spark_function(name).then(|| name.to_ascii_lowercase())
}

/// Why Ember will not have `name`, if it is one of the functions bound to the JVM or to a format
/// or type Ember lacks.
pub(crate) fn reason(name: &str) -> Option<&'static str> {
    REASONS.iter().find_map(|(pattern, reason)| {
        let matches = match (pattern.strip_prefix('*'), pattern.strip_suffix('*')) {
            (Some(p), _) if p.ends_with('*') => name.contains(&p[..p.len() - 1]),
            (Some(suffix), None) => name.ends_with(suffix),
            (None, Some(prefix)) => name.starts_with(prefix),
            _ => name == *pattern,
        };
        matches.then_some(*reason)
    })
}

#[cfg(test)]
mod tests {
    use super::{reason, unsupported_in};

    #[test]
    fn spark_names_in_datafusion_errors() {
        assert_eq!(
            unsupported_in("Invalid function 'java_method'.\nDid you mean 'method'?").as_deref(),
            Some("java_method")
        );
        assert_eq!(
            unsupported_in("Invalid function 'no_such_fn'.\nDid you mean 'x'?"),
            None
        );
    }

    #[test]
    fn reasons_by_name_and_pattern() {
        assert!(reason("reflect").is_some());
        assert!(reason("from_avro").is_some());
        assert!(reason("approx_top_k_combine").is_some());
        assert_eq!(reason("approx_top_k"), None);
        assert!(super::is_window_function("counter_diff"));
        assert!(super::is_window_function("ROW_NUMBER"));
        assert!(!super::is_window_function("sum"));
        assert_eq!(reason("variant_get"), None);
        assert_eq!(reason("from_xml"), None);
        assert_eq!(reason("format_number"), None);
    }
}

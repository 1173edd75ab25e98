//! The threads a `local[N]` master may start, checked against a bound.

/// `master` with its thread count checked against `max_cores`: `local[*]` (and `local[*,F]`)
/// becomes `local[max_cores]` when this machine has more cores than that; `local[N]` with `N`
/// above `max_cores` is refused, naming the limit. Masters that start no local threads (a
/// cluster's URL) are returned unchanged; `local-cluster[...]`, which starts worker JVMs, is
/// refused.
pub fn cap_master(master: &str, max_cores: usize) -> Result<String, String> {
    let m = master.trim();
    if m.starts_with("local-cluster") {
        return Err(format!(
            "master '{m}' starts worker processes, which this server does not allow; use local[N] with N at most {max_cores}"
        ));
    }
    if m == "local" {
        return Ok(m.to_owned());
    }
    let Some(inner) = m.strip_prefix("local[").and_then(|r| r.strip_suffix(']')) else {
        return Ok(m.to_owned());
    };
    let (threads, failures) = match inner.split_once(',') {
        Some((t, f)) => (t.trim(), Some(f.trim())),
        None => (inner.trim(), None),
    };
    let suffix = failures.map(|f| format!(",{f}")).unwrap_or_default();
    if threads == "*" {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        if cores <= max_cores {
            return Ok(m.to_owned());
        }
        return Ok(format!("local[{max_cores}{suffix}]"));
    }
    // Anything else unparsable is left for the engine to refuse with its own message.
    match threads.parse::<u64>() {
        Ok(n) if n > max_cores as u64 => Err(format!(
            "master '{m}' asks for {n} threads; this server allows at most {max_cores} per session (--max-session-cores)"
        )),
        _ => Ok(m.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn masters_are_capped() {
        assert_eq!(cap_master("local[2]", 4).unwrap(), "local[2]");
        assert!(
            cap_master("local[1500]", 4)
                .unwrap_err()
                .contains("at most 4")
        );
        assert!(cap_master("local[1500,3]", 4).is_err());
        assert_eq!(cap_master("local", 1).unwrap(), "local");
        assert_eq!(cap_master("spark://h:7077", 1).unwrap(), "spark://h:7077");
        assert!(cap_master("local-cluster[2,1,1024]", 8).is_err());
        let star = cap_master("local[*]", 1).unwrap();
        assert!(star == "local[*]" || star == "local[1]", "{star}");
    }
}

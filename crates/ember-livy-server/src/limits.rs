//! Bounds shared by every kind of session: the threads a `local[N]` master may start, a
//! session's statement timeout, and lines read with a length limit.

use std::io::{self, BufRead};
use std::time::Duration;

/// The session `conf` key that lowers a session's statement timeout (a Livy time string such as
/// `30s` or `10m`); it cannot raise it above the server's.
pub const STATEMENT_TIMEOUT_KEY: &str = "livy.statement.timeout";

/// `master` with its thread count checked against `max_cores`: `local[*]` (and `local[*,F]`)
/// becomes `local[max_cores]` when this machine has more cores than that; `local[N]` with `N`
/// above `max_cores` is refused, naming the limit. Masters that start no local threads (a
/// cluster's URL) are returned unchanged; `local-cluster[...]`, which starts worker JVMs, is
/// refused.
pub(crate) fn cap_master(master: &str, max_cores: usize) -> Result<String, String> {
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

/// The statement timeout of a session: the server's, or the lower one its `conf` asks for under
/// [`STATEMENT_TIMEOUT_KEY`]. A value that is no time, zero, or above the server's is refused.
pub(crate) fn statement_timeout(
    conf_value: Option<&str>,
    server: Option<Duration>,
) -> Result<Option<Duration>, String> {
    let Some(v) = conf_value else {
        return Ok(server);
    };
    let t = parse_time(v).filter(|t| !t.is_zero()).ok_or_else(|| {
        format!("{STATEMENT_TIMEOUT_KEY} must be a positive time such as 30s or 10m, got '{v}'")
    })?;
    match server {
        Some(max) if t > max => Err(format!(
            "{STATEMENT_TIMEOUT_KEY} '{v}' is above this server's statement timeout of {}s (--statement-timeout-secs); it may only lower it",
            max.as_secs()
        )),
        _ => Ok(Some(t)),
    }
}

/// One line read with a bound: the bytes kept (at most the bound, without the `\n`) and the
/// line's full length. The rest of an over-long line is read and dropped, never held.
#[derive(Debug)]
pub(crate) struct BoundedLine {
    pub(crate) kept: Vec<u8>,
    pub(crate) len: usize,
}

impl BoundedLine {
    /// Whether bytes were dropped.
    pub(crate) fn is_cut(&self) -> bool {
        self.len > self.kept.len()
    }
}

/// Reads one line from `reader`, keeping at most `max` bytes of it. `None` at the end of input.
pub(crate) fn read_line_bounded<R: BufRead>(
    reader: &mut R,
    max: usize,
) -> io::Result<Option<BoundedLine>> {
    let mut kept = Vec::new();
    let mut len = 0usize;
    let mut seen_any = false;
    loop {
        let buf = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            return Ok(seen_any.then_some(BoundedLine { kept, len }));
        }
        seen_any = true;
        let (chunk, newline) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (&buf[..i], true),
            None => (buf, false),
        };
        let room = max.saturating_sub(kept.len());
        kept.extend_from_slice(&chunk[..chunk.len().min(room)]);
        len += chunk.len();
        let used = chunk.len() + usize::from(newline);
        reader.consume(used);
        if newline {
            return Ok(Some(BoundedLine { kept, len }));
        }
    }
}

/// `line` cut to at most `max` bytes (on a character boundary), with a note of how long it was.
pub(crate) fn cut_line(line: String, max: usize) -> String {
    if line.len() <= max {
        return line;
    }
    let total = line.len();
    cut_text(&line, max, total)
}

/// The first bytes of `text` (at most `max` in all, note included), saying the line had
/// `total` bytes.
pub(crate) fn cut_text(text: &str, max: usize, total: usize) -> String {
    let note = format!(" ... [line cut: {total} bytes, the limit is {max}]");
    let mut end = max.saturating_sub(note.len()).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{note}", &text[..end])
}

/// Parses a Livy time string (`"10m"`, `"1h"`, `"30s"`, `"500ms"`, `"2d"`, a bare number of
/// seconds). `None` for anything else.
pub fn parse_time(s: &str) -> Option<Duration> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: u64 = num.parse().ok()?;
    let secs = match unit.trim() {
        "ms" => return Some(Duration::from_millis(n)),
        "" | "s" | "sec" | "secs" => n,
        "m" | "min" | "mins" => n.checked_mul(60)?,
        "h" => n.checked_mul(3600)?,
        "d" => n.checked_mul(86_400)?,
        _ => return None,
    };
    // Far below what `Instant` arithmetic can take.
    (secs <= 10 * 365 * 86_400).then(|| Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_strings() {
        assert_eq!(parse_time("10m"), Some(Duration::from_secs(600)));
        assert_eq!(parse_time("1h"), Some(Duration::from_secs(3600)));
        assert_eq!(parse_time("45"), Some(Duration::from_secs(45)));
        assert_eq!(parse_time("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_time("ten minutes"), None);
        assert_eq!(parse_time("99999999999999d"), None);
        assert_eq!(parse_time(""), None);
    }

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

    #[test]
    fn session_timeouts_only_lower() {
        let server = Some(Duration::from_secs(60));
        assert_eq!(statement_timeout(None, server).unwrap(), server);
        assert_eq!(
            statement_timeout(Some("10s"), server).unwrap(),
            Some(Duration::from_secs(10))
        );
        assert!(statement_timeout(Some("2m"), server).is_err());
        assert!(statement_timeout(Some("0"), server).is_err());
        assert!(statement_timeout(Some("soon"), None).is_err());
    }

    #[test]
    fn long_lines_are_cut_while_read() {
        let input = format!("short\n{}\nlast", "x".repeat(10_000));
        let mut r = io::BufReader::with_capacity(64, input.as_bytes());
        let a = read_line_bounded(&mut r, 100).unwrap().unwrap();
        assert_eq!((a.kept.as_slice(), a.len), (&b"short"[..], 5));
        let b = read_line_bounded(&mut r, 100).unwrap().unwrap();
        assert_eq!((b.kept.len(), b.len, b.is_cut()), (100, 10_000, true));
        let c = read_line_bounded(&mut r, 100).unwrap().unwrap();
        assert_eq!(c.kept, b"last");
        assert!(read_line_bounded(&mut r, 100).unwrap().is_none());
        let cut = cut_line("é".repeat(100), 80);
        assert!(cut.len() <= 80 && cut.contains("200 bytes"), "{cut}");
    }
}

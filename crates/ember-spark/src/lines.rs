//! Lines read with a bound, and text cut to one: what a driver reads from its worker (a reply,
//! a line of its stderr) never holds more than the bound, whatever the worker writes.

use std::io::{self, BufRead};

/// The longest log line by default, in bytes; longer ones are cut.
pub const LOG_LINE_BYTES: usize = 4 << 10;

/// One line read with a bound: the bytes kept (at most the bound, without the `\n`) and the
/// line's full length. The rest of an over-long line is read and dropped, never held.
#[derive(Debug)]
pub struct BoundedLine {
    pub kept: Vec<u8>,
    pub len: usize,
}

impl BoundedLine {
    /// Whether bytes were dropped.
    pub fn is_cut(&self) -> bool {
        self.len > self.kept.len()
    }
}

/// Reads one line from `reader`, keeping at most `max` bytes of it. `None` at the end of input.
pub fn read_line_bounded<R: BufRead>(
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
pub fn cut_line(line: String, max: usize) -> String {
    if line.len() <= max {
        return line;
    }
    let total = line.len();
    cut_text(&line, max, total)
}

/// The first bytes of `text` (at most `max` in all, note included), saying the line had
/// `total` bytes.
pub fn cut_text(text: &str, max: usize, total: usize) -> String {
    let note = format!(" ... [line cut: {total} bytes, the limit is {max}]");
    let mut end = max.saturating_sub(note.len()).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{note}", &text[..end])
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

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

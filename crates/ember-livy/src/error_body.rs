//! What a Livy server's error body says: `{"msg": …}` JSON, a bare string, or the HTML page a
//! gateway or Livy's Jetty answers with (scraped for its title or first text), turned into the
//! client's typed HTTP errors.

use reqwest::{Method, StatusCode, Url};

use crate::error::Error;

pub(crate) fn http_error(method: &Method, url: &Url, status: StatusCode, body: &[u8]) -> Error {
    let message = server_message(body)
        .unwrap_or_else(|| status.canonical_reason().unwrap_or("no message").to_owned());
    if status == StatusCode::NOT_FOUND {
        Error::NotFound {
            method: method.to_string(),
            url: url.to_string(),
            message,
        }
    } else {
        Error::Http {
            method: method.to_string(),
            url: url.to_string(),
            status: status.as_u16(),
            message,
        }
    }
}

/// The server's message in an error body: `{"msg": …}`, a bare JSON string, other JSON as
/// text, the first text of an HTML page (its `<title>` if it has one), or the start of a text.
pub fn server_message(body: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(text) {
        return Some(match value {
            serde_json::Value::String(s) => s,
            serde_json::Value::Object(ref obj) => match obj.get("msg") {
                Some(serde_json::Value::String(msg)) => msg.clone(),
                _ => value.to_string(),
            },
            other => other.to_string(),
        });
    }
    if text.starts_with('<') {
        if let Some(title) = html_title(text) {
            return Some(title);
        }
        return html_first_text(text).or_else(|| Some(shorten(text)));
    }
    Some(shorten(text))
}

fn html_title(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let start = lower.find("<title")?;
    let open_end = lower[start..].find('>')? + start + 1;
    let close = lower[open_end..].find("</title")? + open_end;
    let title = collapse_ws(&decode_entities(&html[open_end..close]));
    (!title.is_empty()).then_some(title)
}

fn html_first_text(html: &str) -> Option<String> {
    let mut in_tag = false;
    let mut skip_until: Option<&str> = None;
    let mut current = String::new();
    let lower = html.to_ascii_lowercase();
    let mut i = 0;
    let bytes = html.as_bytes();
    while i < bytes.len() {
        if let Some(end) = skip_until {
            if lower[i..].starts_with(end) {
                skip_until = None;
                i += end.len();
            } else {
                i += 1;
            }
            continue;
        }
        let c = bytes[i];
        if c == b'<' {
            in_tag = true;
            if lower[i..].starts_with("<script") {
                skip_until = Some("</script>");
            } else if lower[i..].starts_with("<style") {
                skip_until = Some("</style>");
            }
            let text = collapse_ws(&decode_entities(&current));
            if !text.is_empty() {
                return Some(text);
            }
            current.clear();
        } else if c == b'>' {
            in_tag = false;
        } else if !in_tag {
            // Copy the whole UTF-8 character.
            let ch_len = html[i..].chars().next().map_or(1, char::len_utf8);
            current.push_str(&html[i..i + ch_len]);
            i += ch_len;
            continue;
        }
        i += 1;
    }
    let text = collapse_ws(&decode_entities(&current));
    (!text.is_empty()).then_some(text)
}

fn decode_entities(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

fn collapse_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn shorten(s: &str) -> String {
    const MAX: usize = 500;
    if s.len() <= MAX {
        return s.to_owned();
    }
    let mut end = MAX;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

pub(crate) fn snippet(body: &[u8]) -> String {
    shorten(String::from_utf8_lossy(body).trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies() {
        assert_eq!(
            server_message(br#"{"msg":"Session '7' not found."}"#).as_deref(),
            Some("Session '7' not found.")
        );
        assert_eq!(
            server_message(br#""Statement not found""#).as_deref(),
            Some("Statement not found")
        );
        let jetty = b"<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html;charset=utf-8\"/>\n<title>Error 400 Missing Required Header for CSRF protection.</title>\n</head>\n<body><h2>HTTP ERROR 400</h2></body></html>";
        assert_eq!(
            server_message(jetty).as_deref(),
            Some("Error 400 Missing Required Header for CSRF protection.")
        );
        assert_eq!(
            server_message(b"<html><body><h1>Bad &amp; wrong</h1><p>x</p></body></html>")
                .as_deref(),
            Some("Bad & wrong")
        );
        assert_eq!(server_message(b"  ").as_deref(), None);
        assert_eq!(server_message(b"oops").as_deref(), Some("oops"));
    }
}

//! The UI's HTML look, for pages of other crates too (the Livy server's sessions page): escaping,
//! Spark's date and duration formats, and the page frame whose `<main>` refreshes itself.

use std::time::{Duration, SystemTime};

use actix_web::HttpResponse;
use actix_web::http::header::{self, CacheControl, CacheDirective};

const SCRIPT: &str = include_str!("assets/ember-ui.js");
const STYLE: &str = include_str!("assets/ember-ui.css");

/// `ember-ui.js`, which refreshes a page's `<main>` every second: serve it beside [`page`]s.
pub async fn script() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .body(SCRIPT)
}

/// `ember-ui.css`, the pages' style.
pub async fn style() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .body(STYLE)
}

/// HTML-escapes text (`<`, `>`, `&`, both quotes).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Spark's page dates: `2026/12/06 03:52:43` (UTC).
pub fn date(t: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(t)
        .format("%Y/%m/%d %H:%M:%S")
        .to_string()
}

/// Spark's page durations: `17 ms`, `2.4 s`, `3.1 min`, `1.2 h`.
pub fn duration(d: Duration) -> String {
    let ms = d.as_millis();
    let secs = d.as_secs_f64();
    if ms < 1000 {
        format!("{ms} ms")
    } else if secs < 60.0 {
        format!("{secs:.1} s")
    } else if secs < 3600.0 {
        format!("{:.1} min", secs / 60.0)
    } else {
        format!("{:.1} h", secs / 3600.0)
    }
}

/// A size: `512 B`, `1.5 KiB`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// A page: a header (`header` is HTML, `tabs` are name, link and whether it is this page's),
/// the title, and `body` (HTML) in a `<main>` that `ember-ui.js` refreshes every second. `assets`
/// is where [`script`] and [`style`] are served (`/static` for the UI's own pages). Served with
/// a strict Content-Security-Policy: scripts and styles from the same origin only.
pub fn page(
    assets: &str,
    header: &str,
    tabs: &[(&str, String, bool)],
    title: &str,
    body: &str,
) -> HttpResponse {
    use std::fmt::Write as _;
    let mut nav = String::new();
    for (name, href, active) in tabs {
        let class = if *active { r#" class="active""# } else { "" };
        let _ = write!(nav, r#"<a{class} href="{}">{name}</a> "#, escape(href));
    }
    let html = format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<link rel="stylesheet" href="{assets}/ember-ui.css">
<script src="{assets}/ember-ui.js" defer></script>
</head>
<body>
<header><span class="brand">Ember</span> {header}
<nav>{nav}</nav></header>
<main data-live="1">
<h1>{title}</h1>
{body}
<p class="updated">Updated {now} UTC</p>
</main>
</body>
</html>
"#,
        title = escape(title),
        now = date(SystemTime::now()),
    );
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(CacheControl(vec![CacheDirective::NoStore]))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none'",
        ))
        .body(html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_durations_read_like_sparks() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(duration(Duration::from_millis(17)), "17 ms");
        assert_eq!(duration(Duration::from_millis(2400)), "2.4 s");
        assert_eq!(duration(Duration::from_secs(186)), "3.1 min");
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(1536), "1.5 KiB");
    }
}

//! What a request must look like before any route sees it, as pure functions of its headers:
//! the bearer token's scheme, the `Host` (DNS rebinding), the `Origin` (cross-site pages) and
//! the body's content type (cross-site "simple" requests), and the comparison of secrets. Each
//! server applies the ones its routes need: the Livy server all of them, the UI the `Host`
//! check, the partition servers the secret comparison.
//!
//! Why each exists: a browser page on another site may send a `POST` with `Content-Type:
//! text/plain` without asking the server first (no CORS preflight), and a page whose DNS name
//! is re-pointed at 127.0.0.1 (DNS rebinding) is same-origin with the server in the browser's
//! eyes, though its `Host` header still carries the attacker's name. So JSON bodies must say
//! `application/json` (which a cross-site page cannot send without a preflight this server
//! never grants), `Host` must be a name of this server, and an `Origin`, when present, must
//! be this server's or one the operator allowed.

use std::net::{IpAddr, SocketAddr};

/// The token of an `Authorization` header with the `Bearer` scheme, whose name is
/// case-insensitive (RFC 7235 §2.1); `None` for any other scheme or a missing token.
pub fn bearer_token(header: &str) -> Option<&str> {
    let (scheme, rest) = header.trim_start().split_once(' ')?;
    let token = rest.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The host part of an authority (`name`, `name:port`, `1.2.3.4:80`, `[::1]:80`), lowercased,
/// without a trailing dot (`localhost.` is `localhost`). `None` if it is malformed.
fn host_part(authority: &str) -> Option<String> {
    let a = authority.trim();
    let host = if let Some(rest) = a.strip_prefix('[') {
        let (inner, after) = rest.split_once(']')?;
        if !(after.is_empty() || after.strip_prefix(':').is_some_and(is_port)) {
            return None;
        }
        inner
    } else {
        match a.rsplit_once(':') {
            Some((h, port)) if is_port(port) => h,
            Some(_) => return None,
            None => a,
        }
    };
    let host = host.strip_suffix('.').unwrap_or(host);
    if host.is_empty() || host.contains(['/', '@', ' ', '[', ']']) {
        return None;
    }
    Some(host.to_ascii_lowercase())
}

fn is_port(p: &str) -> bool {
    !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit())
}

/// Whether a request's `Host` names this server: a loopback name or address, the address it
/// is bound to (any IP address when bound to a wildcard: an address literal cannot be
/// re-pointed by DNS), or a name in `allowed` (`*` allows any).
pub fn host_allowed(host: &str, bound: SocketAddr, allowed: &[String]) -> bool {
    if allowed.iter().any(|a| a == "*") {
        return true;
    }
    let Some(h) = host_part(host) else {
        return false;
    };
    if h == "localhost" || h.ends_with(".localhost") {
        return true;
    }
    if let Ok(ip) = h.parse::<IpAddr>() {
        let bound_ip = bound.ip();
        return ip.is_loopback() || ip == bound_ip || bound_ip.is_unspecified();
    }
    allowed.iter().filter_map(|a| host_part(a)).any(|a| a == h)
}

/// The `scheme://host[:port]` of an origin, lowercased, without a trailing `/`; `None` unless
/// it is an http(s) origin.
fn normalize_origin(origin: &str) -> Option<String> {
    let o = origin.trim().to_ascii_lowercase();
    let o = o.strip_suffix('/').unwrap_or(&o).to_owned();
    let (scheme, authority) = o.split_once("://")?;
    if !matches!(scheme, "http" | "https") || host_part(authority).is_none() {
        return None;
    }
    Some(o)
}

/// Whether a request carrying `Origin: origin` may proceed: the origin is the server's own (its
/// authority is the request's `Host`), or listed in `allowed` (`*` allows any). `null` (sandboxed
/// frames, local files) is never the server's own.
pub fn origin_allowed(origin: &str, host: Option<&str>, allowed: &[String]) -> bool {
    if allowed.iter().any(|a| a == "*") {
        return true;
    }
    let Some(o) = normalize_origin(origin) else {
        return false;
    };
    if let (Some((_, authority)), Some(host)) = (o.split_once("://"), host)
        && authority.eq_ignore_ascii_case(host.trim())
    {
        return true;
    }
    allowed
        .iter()
        .filter_map(|a| normalize_origin(a))
        .any(|a| a == o)
}

/// Why a request's body may not be read as JSON: a `Content-Type` other than
/// `application/json` (or a `+json` type), or a body without any. `None` when it is fine,
/// including every request without a body.
pub fn body_type_refusal(content_type: Option<&str>, has_body: bool) -> Option<String> {
    match content_type {
        Some(ct) => {
            let media = ct.split(';').next().unwrap_or_default().trim();
            let media = media.to_ascii_lowercase();
            let json = media == "application/json"
                || (media.starts_with("application/") && media.ends_with("+json"));
            (!json).then(|| {
                format!(
                    "request bodies are JSON and must be sent with 'Content-Type: application/json', not '{}'",
                    ct.chars().take(100).collect::<String>()
                )
            })
        }
        None => has_body.then(|| {
            "request bodies are JSON and must be sent with 'Content-Type: application/json' (this request has none)"
                .to_owned()
        }),
    }
}

/// Whether a secret a request carries equals the expected one, compared without an early exit,
/// so the time taken says nothing about where they differ.
pub fn secrets_equal(given: &[u8], expected: &[u8]) -> bool {
    given.len() == expected.len()
        && given
            .iter()
            .zip(expected)
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Checks an `--allowed-hosts` entry: a host name or address, with an optional port, or `*`.
pub fn validate_allowed_host(host: &str) -> Result<(), String> {
    if host == "*" || host_part(host).is_some() {
        Ok(())
    } else {
        Err(format!(
            "'{host}' is not a host name or address (give names such as livy.example.com, without a scheme)"
        ))
    }
}

/// Checks an `--allowed-origins` entry: `scheme://host[:port]` (http or https) or `*`.
pub fn validate_allowed_origin(origin: &str) -> Result<(), String> {
    if origin == "*" || normalize_origin(origin).is_some() {
        Ok(())
    } else {
        Err(format!(
            "'{origin}' is not an origin (give http://host[:port] or https://host[:port])"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    #[test]
    fn bearer_scheme_is_case_insensitive() {
        assert_eq!(bearer_token("Bearer abc"), Some("abc"));
        assert_eq!(bearer_token("bearer abc"), Some("abc"));
        assert_eq!(bearer_token("BEARER  abc "), Some("abc"));
        assert_eq!(bearer_token("Basic abc"), None);
        assert_eq!(bearer_token("Bearer "), None);
        assert_eq!(bearer_token("Bearerabc"), None);
    }

    #[test]
    fn secrets_compare_exactly() {
        assert!(secrets_equal(b"abc", b"abc"));
        assert!(!secrets_equal(b"abc", b"abd"));
        assert!(!secrets_equal(b"abc", b"ab"));
        assert!(!secrets_equal(b"", b"a"));
        assert!(secrets_equal(b"", b""));
    }

    #[test]
    fn hosts_of_a_loopback_bind() {
        let bound = addr("127.0.0.1:8998");
        for ok in [
            "127.0.0.1:8998",
            "localhost:8998",
            "LOCALHOST",
            "localhost.",
            "app.localhost:1",
            "[::1]:8998",
            "127.0.0.2",
        ] {
            assert!(host_allowed(ok, bound, &[]), "{ok}");
        }
        for bad in [
            "evil.example:8998",
            "10.0.0.5:8998",
            "localhost.evil.example",
            "",
            "a b",
            "[::1",
            "host:port",
        ] {
            assert!(!host_allowed(bad, bound, &[]), "{bad}");
        }
        let allowed = vec!["livy.example.com".to_owned()];
        assert!(host_allowed("LIVY.example.com:8998", bound, &allowed));
        assert!(host_allowed("anything", bound, &["*".to_owned()]));
    }

    #[test]
    fn hosts_of_a_wildcard_or_specific_bind() {
        assert!(host_allowed("10.0.0.5:8998", addr("0.0.0.0:8998"), &[]));
        assert!(!host_allowed("box.example:8998", addr("0.0.0.0:8998"), &[]));
        assert!(host_allowed("10.0.0.5", addr("10.0.0.5:8998"), &[]));
        assert!(!host_allowed("10.0.0.6", addr("10.0.0.5:8998"), &[]));
    }

    #[test]
    fn origins() {
        let host = Some("127.0.0.1:8998");
        assert!(origin_allowed("http://127.0.0.1:8998", host, &[]));
        assert!(!origin_allowed("http://evil.example", host, &[]));
        assert!(!origin_allowed("null", host, &[]));
        assert!(!origin_allowed("http://127.0.0.1:8998", None, &[]));
        let allowed = vec!["https://notebooks.example.com/".to_owned()];
        assert!(origin_allowed(
            "https://Notebooks.example.com",
            host,
            &allowed
        ));
        assert!(!origin_allowed(
            "http://notebooks.example.com",
            host,
            &allowed
        ));
        assert!(origin_allowed("null", host, &["*".to_owned()]));
    }

    #[test]
    fn body_types() {
        assert_eq!(body_type_refusal(Some("application/json"), true), None);
        assert_eq!(
            body_type_refusal(Some("Application/JSON; charset=utf-8"), true),
            None
        );
        assert_eq!(
            body_type_refusal(Some("application/vnd.livy.v0.1+json"), true),
            None
        );
        assert_eq!(body_type_refusal(None, false), None);
        for refused in [
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
        ] {
            let why = body_type_refusal(Some(refused), true).unwrap();
            assert!(why.contains(refused), "{why}");
            assert!(body_type_refusal(Some(refused), false).is_some());
        }
        assert!(body_type_refusal(None, true).unwrap().contains("has none"));
    }

    #[test]
    fn allowed_lists_are_checked() {
        assert!(validate_allowed_host("livy.example.com").is_ok());
        assert!(validate_allowed_host("10.0.0.5:8998").is_ok());
        assert!(validate_allowed_host("*").is_ok());
        assert!(validate_allowed_host("http://livy.example.com").is_err());
        assert!(validate_allowed_host("").is_err());
        assert!(validate_allowed_origin("https://a.example:8443").is_ok());
        assert!(validate_allowed_origin("a.example").is_err());
        assert!(validate_allowed_origin("ftp://a.example").is_err());
    }
}

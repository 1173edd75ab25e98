//! The per-cluster secret that registrations and control requests carry.

use std::fmt;
use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};

use ember_serve::gate::secrets_equal;
use ember_serve::text;

/// The header that carries the cluster's token on `/register`, `/hosts`, `/status` and
/// `/control/*`.
pub const TOKEN_HEADER: &str = "x-ember-cluster-token";

/// A random 128-bit token, fresh for every `start()`. Cheap to clone.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Token(Arc<str>);

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print the secret itself.
        f.write_str("Token(..)")
    }
}

impl Token {
    pub(crate) fn random() -> Self {
        Token(format!("{:032x}", rand::random::<u128>()).into())
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    /// `None` when the request carries this token; otherwise the 403 to answer with.
    pub(crate) fn deny(&self, req: &HttpRequest) -> Option<HttpResponse> {
        match req.headers().get(TOKEN_HEADER) {
            None => Some(text(
                StatusCode::FORBIDDEN,
                format!("missing {TOKEN_HEADER} header"),
            )),
            Some(given) if secrets_equal(given.as_bytes(), self.0.as_bytes()) => None,
            Some(_) => Some(text(
                StatusCode::FORBIDDEN,
                format!("wrong {TOKEN_HEADER}; this route needs the cluster's token"),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_compare_exactly() {
        let (a, b) = (Token::random(), Token::random());
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), 32);
        assert_eq!(format!("{a:?}"), "Token(..)");
    }
}

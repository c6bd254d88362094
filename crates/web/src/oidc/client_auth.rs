//! Client authentication at the token, introspection and revocation endpoints
//! ([RFC 6749 §2.3.1](https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1)).
use std::collections::HashMap;

use axum::http::{header, HeaderMap};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sigil_core::services::oidc::ClientAuth;

/// Reads `client_secret_basic`, `client_secret_post` or `none`. Using two methods at
/// once is an error (`None` here; the caller answers `invalid_request`).
pub fn client_auth(
    headers: &HeaderMap,
    form: &HashMap<String, String>,
) -> Option<(ClientAuth, bool)> {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "));
    match (basic, form.get("client_secret")) {
        (Some(_), Some(_)) => None,
        (Some(encoded), None) => {
            // Unreadable credentials are a failed authentication, not a bad request.
            let unreadable = Some((ClientAuth::Missing, true));
            let Some(text) = STANDARD
                .decode(encoded.trim())
                .ok()
                .and_then(|d| String::from_utf8(d).ok())
            else {
                return unreadable;
            };
            let Some((id, secret)) = text.split_once(':') else {
                return unreadable;
            };
            // The halves are form-urlencoded before being joined (RFC 6749 §2.3.1).
            let unescape = |s: &str| -> Option<String> {
                form_urlencoded::parse(format!("x={s}").as_bytes())
                    .next()
                    .map(|(_, v)| v.into_owned())
            };
            let client_id = unescape(id)?;
            if form.get("client_id").is_some_and(|c| c != &client_id) {
                return None;
            }
            Some((
                ClientAuth::Secret {
                    client_id,
                    secret: unescape(secret)?,
                },
                true,
            ))
        }
        (None, Some(secret)) => {
            let client_id = form.get("client_id")?.clone();
            Some((
                ClientAuth::Secret {
                    client_id,
                    secret: secret.clone(),
                },
                false,
            ))
        }
        (None, None) => Some((
            match form.get("client_id") {
                Some(id) => ClientAuth::None {
                    client_id: id.clone(),
                },
                None => ClientAuth::Missing,
            },
            false,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(basic: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::AUTHORIZATION,
            format!("Basic {basic}").parse().expect("header"),
        );
        h
    }

    #[test]
    fn basic_credentials_are_url_decoded_halves() {
        // "a%3Ab:s%2Bcret" → client "a:b", secret "s+cret" (RFC 6749 §2.3.1).
        let h = headers(&STANDARD.encode("a%3Ab:s%2Bcret"));
        match client_auth(&h, &HashMap::new()) {
            Some((ClientAuth::Secret { client_id, secret }, true)) => {
                assert_eq!((client_id.as_str(), secret.as_str()), ("a:b", "s+cret"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn two_methods_at_once_or_garbage_are_refused() {
        let h = headers(&STANDARD.encode("a:b"));
        let form = HashMap::from([("client_secret".to_owned(), "b".to_owned())]);
        assert!(client_auth(&h, &form).is_none());
        assert!(matches!(
            client_auth(&headers("%%%"), &HashMap::new()),
            Some((ClientAuth::Missing, true))
        ));
    }
}

//! Proof Key for Code Exchange ([RFC 7636](https://www.rfc-editor.org/rfc/rfc7636)),
//! S256 only: `plain` gives no protection against a leaked authorization request.
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

use crate::token::constant_time_eq;

/// A `code_challenge` as sent with the authorization request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeChallenge(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PkceError {
    /// A method other than S256 (including `plain`).
    Method,
    Malformed,
}

/// `43*128unreserved` ([RFC 7636 §4.1](https://www.rfc-editor.org/rfc/rfc7636#section-4.1)).
fn is_verifier_syntax(s: &str) -> bool {
    (43..=128).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

impl CodeChallenge {
    /// `method` defaults to `plain` when absent, which is refused like `plain` itself.
    pub fn parse(challenge: &str, method: Option<&str>) -> Result<Self, PkceError> {
        if method != Some("S256") {
            return Err(PkceError::Method);
        }
        // A SHA-256 in base64url without padding is exactly 43 characters.
        if challenge.len() != 43 || !is_verifier_syntax(challenge) {
            return Err(PkceError::Malformed);
        }
        Ok(Self(challenge.to_owned()))
    }

    pub fn from_stored(s: String) -> Self {
        Self(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn verify(&self, verifier: &str) -> bool {
        if !is_verifier_syntax(verifier) {
            return false;
        }
        let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        constant_time_eq(computed.as_bytes(), self.0.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rfc_7636_example_verifies() {
        // RFC 7636 Appendix B.
        let c = CodeChallenge::parse("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", Some("S256"))
            .expect("valid");
        assert!(c.verify("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
        assert!(!c.verify("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXx"));
    }

    #[test]
    fn plain_and_malformed_challenges_are_refused() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert_eq!(
            CodeChallenge::parse(verifier, Some("plain")),
            Err(PkceError::Method)
        );
        assert_eq!(CodeChallenge::parse(verifier, None), Err(PkceError::Method));
        assert_eq!(
            CodeChallenge::parse("short", Some("S256")),
            Err(PkceError::Malformed)
        );
    }
}

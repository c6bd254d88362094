//! Opaque bearer secrets (session ids, later codes and tokens) and their stored hashes.
//!
//! The raw value leaves the server once, in a cookie or a response; the database keeps
//! only its SHA-256, so a leaked database grants no session. SHA-256 without a salt is
//! right here because the secrets are 256 random bits, not guessable passwords.
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::random::Random;

/// A freshly generated secret, shown to its holder once.
#[derive(Clone)]
pub struct SecretToken(String);

impl SecretToken {
    pub fn generate(random: &dyn Random) -> Self {
        let mut bytes = [0u8; 32];
        random.fill(&mut bytes);
        Self(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// Wraps a value received from a client; it is only ever hashed and compared.
    pub fn from_client(value: &str) -> Option<Self> {
        let ok = !value.is_empty()
            && value.len() <= 128
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        ok.then(|| Self(value.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> TokenHash {
        Self::hash_str(&self.0)
    }

    /// The stored form of any presented secret.
    pub fn hash_str(value: &str) -> TokenHash {
        TokenHash(Sha256::digest(value.as_bytes()).into())
    }
}

impl std::fmt::Debug for SecretToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretToken(***)")
    }
}

/// SHA-256 of a [`SecretToken`]; what the database stores and looks up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TokenHash(pub [u8; 32]);

impl TokenHash {
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    pub fn from_hex(hex: &str) -> Option<Self> {
        if hex.len() != 64 {
            return None;
        }
        let mut out = [0u8; 32];
        for (i, chunk) in hex.as_bytes().chunks(2).enumerate() {
            let s = std::str::from_utf8(chunk).ok()?;
            out[i] = u8::from_str_radix(s, 16).ok()?;
        }
        Some(Self(out))
    }
}

/// Compares two secrets without leaking through timing where they first differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::SystemRandom;

    #[test]
    fn a_token_hash_survives_hex_round_trip() {
        let t = SecretToken::generate(&SystemRandom);
        let h = t.hash();
        assert_eq!(TokenHash::from_hex(&h.to_hex()), Some(h));
        assert_eq!(t.expose().len(), 43);
    }

    #[test]
    fn client_tokens_with_foreign_characters_are_refused() {
        assert!(SecretToken::from_client("abc;drop").is_none());
        assert!(SecretToken::from_client("").is_none());
        assert!(SecretToken::from_client("abc-DEF_123").is_some());
    }

    #[test]
    fn constant_time_eq_compares_contents_and_length() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
    }
}

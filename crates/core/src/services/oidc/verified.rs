//! A bounded memo of access tokens whose signature and issuer have been checked.
//!
//! An application calls userinfo (or a resource server introspects) with the same
//! access token many times during its few minutes of life; checking an Ed25519, P-256
//! or RSA signature costs more than everything else such a request does. The memo is
//! keyed by the SHA-256 of the token's exact text, so it only ever answers for bytes
//! that were verified before. It skips the signature and nothing else: expiry, the
//! signing key still being published, and the grant, session and revocation state are
//! checked on every request.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

use super::mint::AccessClaims;

/// Enough for every token issued in a few minutes at a high rate; past it, expired
/// entries go first and then everything (the cost is one verification per token).
const CAPACITY: usize = 8192;

#[derive(Default)]
pub(crate) struct VerifiedTokens {
    map: Mutex<HashMap<[u8; 32], Arc<AccessClaims>>>,
}

pub(crate) fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

impl VerifiedTokens {
    pub(crate) fn get(&self, digest: &[u8; 32]) -> Option<Arc<AccessClaims>> {
        self.map.lock().ok()?.get(digest).cloned()
    }

    pub(crate) fn put(&self, digest: [u8; 32], claims: Arc<AccessClaims>, now: i64) {
        let Ok(mut map) = self.map.lock() else {
            return;
        };
        if map.len() >= CAPACITY {
            map.retain(|_, c| c.exp > now);
            if map.len() >= CAPACITY {
                map.clear();
            }
        }
        map.insert(digest, claims);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(exp: i64) -> Arc<AccessClaims> {
        Arc::new(AccessClaims {
            iss: "https://id.example".into(),
            sub: "s".into(),
            aud: "a".into(),
            exp,
            iat: 0,
            jti: "j".into(),
            client_id: "a".into(),
            scope: "openid".into(),
            sid: None,
            auth_time: None,
            gid: None,
        })
    }

    #[test]
    fn answers_only_for_the_same_text_and_stays_bounded() {
        let memo = VerifiedTokens::default();
        memo.put(digest("a.b.c"), claims(100), 0);
        assert!(memo.get(&digest("a.b.c")).is_some());
        assert!(memo.get(&digest("a.b.d")).is_none());
        for i in 0..CAPACITY * 2 {
            memo.put(digest(&format!("t{i}")), claims(10), 50);
        }
        assert!(memo.map.lock().expect("lock").len() <= CAPACITY);
    }
}

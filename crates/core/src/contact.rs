//! Verifying an email address or phone number with a one-time code (and, for email, a
//! link): the rules every code obeys, whichever node checks it.
//!
//! A code is six digits from the CSPRNG, valid for ten minutes, good for one use, dead
//! after five wrong tries, replaced by the next one sent, and resendable only after a
//! minute. It is bound to the person, the kind of contact and the address. Only a
//! keyed hash of it is stored (HMAC-SHA-256 under a key derived from the master key),
//! so a copied database does not yield codes by trying the million possibilities.
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use time::{Duration, OffsetDateTime};

use crate::ids::UserId;
use crate::random::Random;
use crate::token::{constant_time_eq, TokenHash};

pub const CODE_TTL: Duration = Duration::minutes(10);
pub const MAX_ATTEMPTS: i64 = 5;
pub const RESEND_AFTER: Duration = Duration::seconds(60);

/// Which contact a verification is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ContactKind {
    Email,
    Phone,
}

impl ContactKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Phone => "phone",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Email, Self::Phone]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// How a code reaches the person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Email,
    Sms,
    /// An incoming call whose caller number ends in the code.
    Call,
}

impl Channel {
    pub const ALL: [Channel; 3] = [Self::Email, Self::Sms, Self::Call];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Sms => "sms",
            Self::Call => "call",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// A pending verification of `address` for `user`.
#[derive(Clone, Debug)]
pub struct Verification {
    pub id: String,
    pub user_id: UserId,
    pub kind: ContactKind,
    /// The normalised address: a lower-case email or an E.164 number.
    pub address: String,
    pub channel: Channel,
    pub code_hash: String,
    /// The SHA-256 of the link's token (email only).
    pub link_hash: Option<TokenHash>,
    pub attempts: i64,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub used_at: Option<OffsetDateTime>,
    /// The outbox message that carries the code, to tell the person how delivery goes.
    pub message_id: Option<i64>,
}

/// Why a code was not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeError {
    Wrong,
    Expired,
    Used,
    /// Five wrong tries: only a new code helps.
    Exhausted,
}

impl Verification {
    /// Whether a new code may be sent now (the previous one is at least a minute old).
    pub fn may_resend(&self, now: OffsetDateTime) -> bool {
        now - self.created_at >= RESEND_AFTER
    }

    /// When a new code may be sent.
    pub fn resend_at(&self) -> OffsetDateTime {
        self.created_at + RESEND_AFTER
    }

    /// Whether the code could still be entered (not used, expired or exhausted).
    pub fn is_open(&self, now: OffsetDateTime) -> bool {
        self.used_at.is_none() && now < self.expires_at && self.attempts < MAX_ATTEMPTS
    }

    /// Checks `code` (the attempt is counted by the caller before, so a crash cannot
    /// give a free try).
    pub fn check(&self, keys: &CodeKey, code: &str, now: OffsetDateTime) -> Result<(), CodeError> {
        if self.used_at.is_some() {
            return Err(CodeError::Used);
        }
        if now >= self.expires_at {
            return Err(CodeError::Expired);
        }
        if self.attempts >= MAX_ATTEMPTS {
            return Err(CodeError::Exhausted);
        }
        let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        let digest = keys.hash(&self.id, &code);
        if constant_time_eq(digest.as_bytes(), self.code_hash.as_bytes()) {
            Ok(())
        } else {
            Err(CodeError::Wrong)
        }
    }
}

/// The key codes are hashed with.
#[derive(Clone)]
pub struct CodeKey([u8; 32]);

impl CodeKey {
    /// Derives the code key from the master key, for this one purpose.
    pub fn derive(master: &[u8; 32]) -> Self {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(master).expect("any key length");
        mac.update(b"sigil contact codes v1");
        Self(mac.finalize().into_bytes().into())
    }

    /// The stored form of `code` for verification `id` (hex HMAC-SHA-256).
    pub fn hash(&self, id: &str, code: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("any key length");
        mac.update(id.as_bytes());
        mac.update(b":");
        mac.update(code.as_bytes());
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

impl std::fmt::Debug for CodeKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CodeKey(..)")
    }
}

/// Six uniformly random digits.
pub fn generate_code(random: &dyn Random) -> String {
    loop {
        let mut b = [0u8; 4];
        random.fill(&mut b);
        let n = u32::from_le_bytes(b);
        // Rejecting the top of the range keeps every code equally likely.
        if n < 4_294_000_000 {
            return format!("{:06}", n % 1_000_000);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::SystemRandom;

    fn pending(keys: &CodeKey, code: &str, now: OffsetDateTime) -> Verification {
        Verification {
            id: "v1".into(),
            user_id: UserId::generate(&SystemRandom),
            kind: ContactKind::Email,
            address: "ada@example.org".into(),
            channel: Channel::Email,
            code_hash: keys.hash("v1", code),
            link_hash: None,
            attempts: 0,
            created_at: now,
            expires_at: now + CODE_TTL,
            used_at: None,
            message_id: None,
        }
    }

    #[test]
    fn a_code_is_six_digits_and_checks_only_itself_in_time() {
        let keys = CodeKey::derive(&[7; 32]);
        let now = OffsetDateTime::now_utc();
        let code = generate_code(&SystemRandom);
        assert_eq!(code.len(), 6);
        assert!(code.chars().all(|c| c.is_ascii_digit()));
        let v = pending(&keys, &code, now);
        assert_eq!(v.check(&keys, &code, now), Ok(()));
        assert_eq!(v.check(&keys, &format!(" {} ", &code), now), Ok(()));
        let other = if code == "000000" { "000001" } else { "000000" };
        assert_eq!(v.check(&keys, other, now), Err(CodeError::Wrong));
        assert_eq!(
            v.check(&keys, &code, now + CODE_TTL),
            Err(CodeError::Expired)
        );
        let other_key = CodeKey::derive(&[8; 32]);
        assert_eq!(v.check(&other_key, &code, now), Err(CodeError::Wrong));
        let mut used = v.clone();
        used.used_at = Some(now);
        assert_eq!(used.check(&keys, &code, now), Err(CodeError::Used));
        let mut tired = v.clone();
        tired.attempts = MAX_ATTEMPTS;
        assert_eq!(tired.check(&keys, &code, now), Err(CodeError::Exhausted));
        assert!(!v.may_resend(now + Duration::seconds(59)));
        assert!(v.may_resend(now + RESEND_AFTER));
    }

    #[test]
    fn codes_are_spread_over_all_digits() {
        let mut seen = [0usize; 10];
        for _ in 0..2000 {
            for c in generate_code(&SystemRandom).chars() {
                seen[c as usize - '0' as usize] += 1;
            }
        }
        assert!(seen.iter().all(|&n| n > 900), "{seen:?}");
    }
}

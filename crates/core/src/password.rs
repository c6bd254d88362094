//! Passwords: the NIST SP 800-63B rules for choosing one, and argon2id for keeping it.
//!
//! Rules ([SP 800-63B §3.1.1.2](https://pages.nist.gov/800-63-4/sp800-63b.html)):
//! at least 8 characters, up to [`MAX_CHARS`] accepted, any Unicode (normalised with
//! NFKC so the same password typed on two keyboards matches), no composition rules, and
//! a refusal of commonly used passwords and of the login itself.
use std::collections::HashSet;
use std::sync::{Arc, LazyLock};

use anyhow::Context;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;
use unicode_normalization::UnicodeNormalization;

pub const MIN_CHARS: usize = 8;
pub const MAX_CHARS: usize = 256;

static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../data/common-passwords.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect()
});

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordError {
    TooShort,
    TooLong,
    Common,
    SameAsLogin,
}

/// A password that passed the rules; its text never reaches a log.
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(raw: &str, login: Option<&str>) -> Result<Self, PasswordError> {
        let normalised = normalise(raw);
        let chars = normalised.chars().count();
        if chars < MIN_CHARS {
            return Err(PasswordError::TooShort);
        }
        if chars > MAX_CHARS {
            return Err(PasswordError::TooLong);
        }
        let lower = normalised.to_lowercase();
        if COMMON.contains(lower.as_str()) {
            return Err(PasswordError::Common);
        }
        if login.is_some_and(|l| l.to_lowercase() == lower) {
            return Err(PasswordError::SameAsLogin);
        }
        Ok(Self(normalised))
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

fn normalise(raw: &str) -> String {
    raw.nfkc().collect()
}

/// Hashes and verifies with argon2id at the OWASP parameters (m=19456 KiB, t=2, p=1),
/// on the blocking pool, at most one hash per core at a time so a flood of sign-ins
/// queues instead of exhausting memory.
#[derive(Clone)]
pub struct PasswordHasher {
    argon: Argon2<'static>,
    permits: Arc<Semaphore>,
    /// Verified against when the account does not exist, so an unknown login costs the
    /// same time as a wrong password.
    decoy: Arc<String>,
}

impl PasswordHasher {
    pub fn new(parallelism: usize) -> anyhow::Result<Self> {
        let params = Params::new(19_456, 2, 1, None).context("argon2 parameters")?;
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        let decoy = argon
            .hash_password(b"decoy password, never matches", &salt)
            .context("hashing the decoy password")?
            .to_string();
        Ok(Self {
            argon,
            permits: Arc::new(Semaphore::new(parallelism.max(1))),
            decoy: Arc::new(decoy),
        })
    }

    pub async fn hash(&self, password: NewPassword) -> anyhow::Result<String> {
        let argon = self.argon.clone();
        self.run(move || {
            let salt = SaltString::generate(&mut rand::rngs::OsRng);
            argon
                .hash_password(password.0.as_bytes(), &salt)
                .map(|h| h.to_string())
                .map_err(|e| anyhow::anyhow!("argon2 hash: {e}"))
        })
        .await?
    }

    /// True when `candidate` matches `stored`; with no stored hash it still spends the
    /// time of one verification and answers false.
    pub async fn verify(&self, candidate: &str, stored: Option<&str>) -> anyhow::Result<bool> {
        let argon = self.argon.clone();
        let candidate = normalise(candidate);
        let (phc, real) = match stored {
            Some(s) => (s.to_owned(), true),
            None => (self.decoy.as_str().to_owned(), false),
        };
        let matched = self
            .run(move || {
                let parsed =
                    PasswordHash::new(&phc).map_err(|e| anyhow::anyhow!("stored hash: {e}"))?;
                Ok::<_, anyhow::Error>(argon.verify_password(candidate.as_bytes(), &parsed).is_ok())
            })
            .await??;
        Ok(real && matched)
    }

    async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> anyhow::Result<T> {
        let _permit = self.permits.acquire().await.context("hasher closed")?;
        tokio::task::spawn_blocking(job)
            .await
            .context("password hashing task")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_long_and_common_passwords_are_refused() {
        assert_eq!(
            NewPassword::parse("short", None).err(),
            Some(PasswordError::TooShort)
        );
        assert_eq!(
            NewPassword::parse(&"x".repeat(MAX_CHARS + 1), None).err(),
            Some(PasswordError::TooLong)
        );
        assert_eq!(
            NewPassword::parse("Password1", None).err(),
            Some(PasswordError::Common)
        );
        assert_eq!(
            NewPassword::parse("qwertyuiop", None).err(),
            Some(PasswordError::Common)
        );
        assert_eq!(
            NewPassword::parse("alice.smith", Some("alice.smith")).err(),
            Some(PasswordError::SameAsLogin)
        );
    }

    #[test]
    fn long_unicode_passwords_without_composition_are_accepted() {
        assert!(NewPassword::parse("correct horse battery staple", None).is_ok());
        assert!(NewPassword::parse(&"ж".repeat(64), None).is_ok());
        assert!(NewPassword::parse("пароль-для-сигила", None).is_ok());
        // Eight characters, even though it is eight bytes more in UTF-8.
        assert!(NewPassword::parse("ЁжикЁжик", None).is_ok());
    }

    #[tokio::test]
    async fn a_hash_verifies_only_its_own_password_and_is_argon2id() {
        let hasher = PasswordHasher::new(1).expect("hasher");
        let pw = NewPassword::parse("correct horse battery staple", None).expect("valid");
        let phc = hasher.hash(pw).await.expect("hash");
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(hasher
            .verify("correct horse battery staple", Some(&phc))
            .await
            .expect("verify"));
        assert!(!hasher
            .verify("wrong horse battery staple", Some(&phc))
            .await
            .expect("verify"));
        assert!(!hasher
            .verify("anything at all", None)
            .await
            .expect("verify"));
    }
}

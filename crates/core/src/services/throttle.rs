//! Limits on failed attempts ([OWASP ASVS V6.3](https://owasp.org/www-project-application-security-verification-standard/),
//! [NIST SP 800-63B §3.2.2](https://pages.nist.gov/800-63-4/sp800-63b.html)): per account
//! (by the identifier typed, whether or not it exists, so the limit reveals nothing) and
//! per client address.
use sha2::{Digest, Sha256};
use time::Duration;

#[derive(Clone, Copy, Debug)]
pub struct ThrottlePolicy {
    pub window: Duration,
    pub per_account: i64,
    pub per_ip: i64,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        Self {
            window: Duration::minutes(15),
            per_account: 10,
            per_ip: 100,
        }
    }
}

/// The stored form of a throttle key: what was typed never sits in the database.
pub(crate) fn key(scope: &str, value: &str) -> String {
    let digest = Sha256::digest(format!("{scope}\u{0}{}", value.trim().to_lowercase()));
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("{scope}:{hex}")
}

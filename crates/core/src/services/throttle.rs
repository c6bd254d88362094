//! Limits on attempts ([OWASP ASVS V6.3](https://owasp.org/www-project-application-security-verification-standard/),
//! [NIST SP 800-63B §3.2.2](https://pages.nist.gov/800-63-4/sp800-63b.html)): per account
//! (by the identifier typed, whether or not it exists, so the limit reveals nothing), per
//! client address, and per browser the account trusts. How a counter decides is in
//! [`crate::throttle`]; here the use cases take their attempts through it.
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};

use crate::ports::{StoreResult, Tx};
use crate::throttle::{Backoff, Rule, Verdict};

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

/// Browsers the account does not know get growing delays after this many failures.
const FREE_ATTEMPTS: i64 = 3;

impl ThrottlePolicy {
    /// An account's sign-ins from browsers it does not trust: the limit, and delays
    /// that double from one second after the first few failures.
    pub(crate) fn account(&self) -> Rule {
        Rule {
            max: self.per_account,
            window: self.window,
            backoff: Some(Backoff {
                free: FREE_ATTEMPTS,
                base: Duration::seconds(1),
            }),
        }
    }

    /// A browser the account trusts: an allowance of its own, without delays.
    pub(crate) fn device(&self) -> Rule {
        Rule {
            max: self.per_account,
            window: self.window,
            backoff: None,
        }
    }

    /// Checks of a password the person already signed in with.
    pub(crate) fn password(&self) -> Rule {
        self.device()
    }

    pub(crate) fn address(&self) -> Rule {
        Rule {
            max: self.per_ip,
            window: self.window,
            backoff: None,
        }
    }
}

/// One counter an attempt must pass.
pub(crate) struct Gate {
    pub key: String,
    pub rule: Rule,
}

/// What [`take`] decided.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Taken {
    Allowed,
    /// Refused; `first` for the window's first refusal, which is logged.
    Refused {
        first: bool,
    },
}

/// Takes one attempt through every gate, in order, inside `tx`: counted on all of them
/// if each allows it, otherwise refused (counted as a refusal on the gate that refused,
/// nothing else, and no later gate's row is even read, so a flood refused at the first
/// gate adds no rows). Callers take their gates in a fixed order (address first), so
/// two transactions never wait on each other's rows in a cycle.
pub(crate) async fn take(
    tx: &mut dyn Tx,
    gates: &[Gate],
    now: OffsetDateTime,
) -> StoreResult<Taken> {
    let mut counters = Vec::with_capacity(gates.len());
    for gate in gates {
        let mut counter = tx.lock_counter(&gate.key, now).await?;
        if let Verdict::Refused { first, .. } = counter.take(&gate.rule, now) {
            tx.save_counter(&gate.key, &counter).await?;
            return Ok(Taken::Refused { first });
        }
        counters.push(counter);
    }
    for (gate, counter) in gates.iter().zip(&counters) {
        tx.save_counter(&gate.key, counter).await?;
    }
    Ok(Taken::Allowed)
}

/// Gives back the attempt taken on `key` (it turned out right).
pub(crate) async fn refund(tx: &mut dyn Tx, key: &str, now: OffsetDateTime) -> StoreResult<()> {
    let mut counter = tx.lock_counter(key, now).await?;
    counter.refund();
    tx.save_counter(key, &counter).await
}

/// The stored form of a throttle key: what was typed never sits in the database.
pub(crate) fn key(scope: &str, value: &str) -> String {
    let digest = Sha256::digest(format!("{scope}\u{0}{}", value.trim().to_lowercase()));
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("{scope}:{hex}")
}

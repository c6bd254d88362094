//! Attempt limits ([OWASP ASVS 5.0 V6.3](https://owasp.org/www-project-application-security-verification-standard/),
//! [NIST SP 800-63B §3.2.2](https://pages.nist.gov/800-63-4/sp800-63b.html)).
//!
//! Each limited thing (an account's sign-ins, a client address, a browser the account
//! trusts) has one counter row. A check *takes* an attempt before the costly work it
//! guards (hashing a password): it locks the row in a transaction
//! ([`crate::ports::ThrottleRepo::lock_counter`]), decides with [`AttemptCounter::take`]
//! on what it read under the lock, saves, and commits. Simultaneous requests therefore
//! queue on the row and each sees the ones before it: fifty requests released at once
//! get exactly as many checks as the limit allows, on either engine. A success gives
//! its attempt back or clears the counter; a failure needs no second write, since its
//! attempt was counted up front (a crash in between cannot give a free try either).
//!
//! Windows are fixed: a counter's window opens at its first attempt and the counter
//! starts afresh once it has passed. Refused attempts are counted, not logged one by
//! one: the first refusal of a window is the one event, so a flood cannot grow the
//! activity log.
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use time::{Duration, OffsetDateTime};

use crate::ids::UserId;
use crate::random::Random;

/// One counter row, as read under its lock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttemptCounter {
    pub window_start: OffsetDateTime,
    /// Attempts allowed in this window.
    pub attempts: i64,
    /// Attempts refused in this window.
    pub refused: i64,
    /// When the last allowed attempt came.
    pub last_at: OffsetDateTime,
}

/// How many attempts a counter allows, and how fast.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    pub max: i64,
    pub window: Duration,
    /// Growing delays: after `free` attempts, each next one must wait `base × 2ⁿ`
    /// (n = 0, 1, …) after the one before, at most until the window ends.
    pub backoff: Option<Backoff>,
}

#[derive(Clone, Copy, Debug)]
pub struct Backoff {
    pub free: i64,
    pub base: Duration,
}

/// What [`AttemptCounter::take`] decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    /// Refused until `retry_at`; `first` for the window's first refusal (the one that
    /// is logged).
    Refused {
        retry_at: OffsetDateTime,
        first: bool,
    },
}

impl AttemptCounter {
    /// A counter with nothing counted yet.
    pub fn empty(now: OffsetDateTime) -> Self {
        Self {
            window_start: now,
            attempts: 0,
            refused: 0,
            last_at: now,
        }
    }

    /// Takes one attempt at `now`: counts it, or refuses it and counts the refusal.
    pub fn take(&mut self, rule: &Rule, now: OffsetDateTime) -> Verdict {
        let window_end = self.window_start + rule.window;
        if now >= window_end {
            *self = Self::empty(now);
        }
        let window_end = self.window_start + rule.window;
        let retry_at = if self.attempts >= rule.max {
            window_end
        } else {
            match rule.backoff {
                Some(b) if self.attempts >= b.free => {
                    let n = u32::try_from(self.attempts - b.free).unwrap_or(u32::MAX);
                    let delay = 2i64
                        .checked_pow(n)
                        .and_then(|f| b.base.checked_mul(i32::try_from(f).ok()?))
                        .unwrap_or(rule.window);
                    (self.last_at + delay).min(window_end)
                }
                _ => now,
            }
        };
        if now < retry_at {
            self.refused += 1;
            return Verdict::Refused {
                retry_at,
                first: self.refused == 1,
            };
        }
        self.attempts += 1;
        self.last_at = now;
        Verdict::Allowed
    }

    /// Gives back an attempt that turned out right (a client address's allowance is
    /// for failures, not for people signing in).
    pub fn refund(&mut self) {
        self.attempts = (self.attempts - 1).max(0);
    }
}

/// Marks a browser in which a person has signed in to an account, so that failures
/// elsewhere cannot lock them out ([OWASP: Slow Down Online Guessing Attacks with Device
/// Cookies](https://owasp.org/www-community/Slow_Down_Online_Guessing_Attacks_with_Device_Cookies)).
/// A token is `<user>.<nonce>.<tag>`, the tag an HMAC-SHA-256 under a key derived from
/// the master key for this one purpose: nothing is stored, and a token cannot be made
/// for an account without the key. A browser keeps the tokens of its last few accounts
/// in one cookie, separated by `~`.
#[derive(Clone)]
pub struct DeviceKey([u8; 32]);

/// How many accounts' tokens one browser keeps.
const TOKENS_PER_BROWSER: usize = 4;

/// A device token that verified: whose it is, and the nonce that names its counter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceToken {
    pub user: UserId,
    pub nonce: String,
    raw: String,
}

impl DeviceKey {
    pub fn derive(master: &[u8; 32]) -> Self {
        let mut mac = mac(master);
        mac.update(b"sigil device cookies v1");
        Self(mac.finalize().into_bytes().into())
    }

    /// The tag binds the token to the account's current password (`epoch`, its stored
    /// hash), so changing or resetting the password forgets every browser: one an
    /// intruder used keeps no allowance of its own.
    fn tag(&self, user: UserId, nonce: &str, epoch: &str) -> String {
        let mut mac = mac(&self.0);
        mac.update(format!("{user}.{nonce}.").as_bytes());
        mac.update(epoch.as_bytes());
        hex(&mac.finalize().into_bytes()[..16])
    }

    /// A new token for `user`, whose stored password hash is `epoch`.
    pub fn issue(&self, user: UserId, epoch: &str, random: &dyn Random) -> DeviceToken {
        let mut bytes = [0u8; 16];
        random.fill(&mut bytes);
        let nonce = hex(&bytes);
        let raw = format!(
            "{}.{nonce}.{}",
            user.as_simple(),
            self.tag(user, &nonce, epoch)
        );
        DeviceToken { user, nonce, raw }
    }

    /// The token in `cookie` that belongs to `user` and verifies for `epoch`, if any.
    pub fn find(&self, cookie: &str, user: UserId, epoch: &str) -> Option<DeviceToken> {
        cookie
            .split('~')
            .take(TOKENS_PER_BROWSER)
            .filter_map(|raw| self.verify(raw, user, epoch))
            .next()
    }

    fn verify(&self, raw: &str, user: UserId, epoch: &str) -> Option<DeviceToken> {
        let (owner, nonce, tag) = split(raw)?;
        if owner != user {
            return None;
        }
        let expected = self.tag(user, nonce, epoch);
        bool::from(expected.as_bytes().ct_eq(tag.as_bytes())).then(|| DeviceToken {
            user,
            nonce: nonce.to_owned(),
            raw: raw.to_owned(),
        })
    }

    /// The cookie's new value: `token` first, then the browser's tokens for other
    /// accounts (kept as they are: each is checked when its account signs in).
    pub fn cookie_with(&self, cookie: Option<&str>, token: &DeviceToken) -> String {
        let others = cookie
            .into_iter()
            .flat_map(|c| c.split('~'))
            .filter(|raw| split(raw).is_some_and(|(owner, _, _)| owner != token.user));
        std::iter::once(token.raw.as_str())
            .chain(others)
            .take(TOKENS_PER_BROWSER)
            .collect::<Vec<_>>()
            .join("~")
    }
}

/// A token's parts, if it has the shape of one.
fn split(raw: &str) -> Option<(UserId, &str, &str)> {
    let mut parts = raw.split('.');
    let (user, nonce, tag) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some()
        || nonce.len() != 32
        || !nonce.bytes().all(is_hex)
        || tag.len() != 32
        || !tag.bytes().all(is_hex)
    {
        return None;
    }
    Some((user.parse().ok()?, nonce, tag))
}

fn mac(key: &[u8]) -> Hmac<Sha256> {
    // HMAC takes a key of any length, so this cannot fail.
    <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!())
}

fn is_hex(b: u8) -> bool {
    b.is_ascii_digit() || (b'a'..=b'f').contains(&b)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::SystemRandom;

    const T0: OffsetDateTime = time::macros::datetime!(2026-01-01 0:00 UTC);

    fn rule(max: i64, backoff: Option<Backoff>) -> Rule {
        Rule {
            max,
            window: Duration::minutes(15),
            backoff,
        }
    }

    #[test]
    fn a_counter_allows_max_attempts_per_window_then_refuses_until_it_ends() {
        let mut c = AttemptCounter::empty(T0);
        let r = rule(3, None);
        for _ in 0..3 {
            assert_eq!(c.take(&r, T0), Verdict::Allowed);
        }
        assert_eq!(
            c.take(&r, T0 + Duration::minutes(5)),
            Verdict::Refused {
                retry_at: T0 + Duration::minutes(15),
                first: true
            }
        );
        assert!(matches!(
            c.take(&r, T0 + Duration::minutes(6)),
            Verdict::Refused { first: false, .. }
        ));
        assert_eq!(c.take(&r, T0 + Duration::minutes(15)), Verdict::Allowed);
        assert_eq!((c.attempts, c.refused), (1, 0));
    }

    #[test]
    fn growing_delays_double_after_the_free_attempts() {
        let r = rule(
            10,
            Some(Backoff {
                free: 2,
                base: Duration::seconds(1),
            }),
        );
        let mut c = AttemptCounter::empty(T0);
        assert_eq!(c.take(&r, T0), Verdict::Allowed);
        assert_eq!(c.take(&r, T0), Verdict::Allowed);
        // The third waits 1 s after the second, the fourth 2 s after the third, …
        let mut at = T0;
        for wait in [1, 2, 4, 8] {
            assert_eq!(
                c.take(&r, at + Duration::seconds(wait) - Duration::milliseconds(1)),
                Verdict::Refused {
                    retry_at: at + Duration::seconds(wait),
                    first: wait == 1
                }
            );
            at += Duration::seconds(wait);
            assert_eq!(c.take(&r, at), Verdict::Allowed);
        }
    }

    #[test]
    fn a_refund_gives_one_attempt_back() {
        let r = rule(1, None);
        let mut c = AttemptCounter::empty(T0);
        assert_eq!(c.take(&r, T0), Verdict::Allowed);
        c.refund();
        assert_eq!(c.take(&r, T0), Verdict::Allowed);
    }

    #[test]
    fn device_tokens_verify_for_their_account_and_password_only() {
        let key = DeviceKey::derive(&[7; 32]);
        let (alice, bob) = (
            UserId::generate(&SystemRandom),
            UserId::generate(&SystemRandom),
        );
        let a = key.issue(alice, "hash-a", &SystemRandom);
        let b = key.issue(bob, "hash-b", &SystemRandom);
        let cookie = key.cookie_with(Some(&key.cookie_with(None, &a)), &b);
        assert_eq!(key.find(&cookie, alice, "hash-a"), Some(a.clone()));
        assert_eq!(key.find(&cookie, bob, "hash-b"), Some(b.clone()));
        assert_eq!(key.find(&cookie, alice, "hash-a2"), None, "a new password");

        let other_key = DeviceKey::derive(&[8; 32]);
        assert_eq!(
            other_key.find(&cookie, alice, "hash-a"),
            None,
            "another key's"
        );
        // A token moved to another account, or with its nonce or tag edited, is nothing.
        let forged = a
            .raw
            .replace(&alice.as_simple().to_string(), &bob.as_simple().to_string());
        assert_eq!(key.find(&forged, bob, "hash-a"), None);
        let mut edited = a.raw.clone();
        edited.replace_range(40..41, if &a.raw[40..41] == "0" { "1" } else { "0" });
        assert_eq!(key.find(&edited, alice, "hash-a"), None);
        assert_eq!(key.find("garbage~", alice, "hash-a"), None);
    }
}

//! The profiles userinfo and refreshes served lately, held in memory at the version
//! they were read.
//!
//! Userinfo reads the grant, the token's revocation and the person's profile version
//! in one row on every request, and a refresh its grant and that version
//! ([`crate::ports::HotRepo::find_grant_version`]); the
//! person's row, field values and privacy choices come from here when the held copy is
//! at that same version, and from the database otherwise. A trigger moves the version
//! in the transaction of every change to any of them, whoever makes it (another node,
//! the CLI, a cascade, hand-written SQL), so a held profile is never used once the
//! database has a newer one: no node answers from memory with anything older than what
//! the database held when the request read it. Only the privacy *choices* are held;
//! the operator's rules that turn them into what is released are applied per request.
//! What is held is only what claims are made from: the password hash is dropped before
//! a profile is kept, and a person whose grant or account is found gone is forgotten.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::error::CoreError;
use crate::ids::UserId;
use crate::ports::{Profile, Tx};
use crate::services::Sigil;

/// Enough for the people whose applications call userinfo within a few minutes; past
/// it, entries older than [`KEEP`] go first and then everything (the cost is one read
/// of a profile per person).
const CAPACITY: usize = 2048;

/// How long a profile nobody asked for stays held: a person's data does not linger in
/// a node's memory long after their last request (an application that asks at least
/// once a minute keeps its people's profiles held).
const KEEP: Duration = Duration::from_secs(60);

struct Held {
    profile: Arc<Profile>,
    used: Instant,
}

#[derive(Default)]
pub(crate) struct HeldProfiles {
    map: Mutex<HashMap<UserId, Held>>,
}

impl HeldProfiles {
    /// The held profile of `user` if it is at `version`.
    pub(crate) fn get(&self, user: UserId, version: i64, now: Instant) -> Option<Arc<Profile>> {
        let mut map = self.map.lock().ok()?;
        let held = map.get_mut(&user)?;
        if held.profile.version != version {
            return None;
        }
        held.used = now;
        Some(held.profile.clone())
    }

    /// Keeps `profile` without its password hash, unless a newer version of it is held
    /// already.
    pub(crate) fn put(&self, mut profile: Profile, now: Instant) -> Arc<Profile> {
        profile.user.password_hash = None;
        let profile = Arc::new(profile);
        self.keep(profile.clone(), now);
        profile
    }

    fn keep(&self, profile: Arc<Profile>, now: Instant) {
        let Ok(mut map) = self.map.lock() else {
            return;
        };
        if map
            .get(&profile.user.id)
            .is_some_and(|held| held.profile.version > profile.version)
        {
            return;
        }
        if map.len() >= CAPACITY {
            map.retain(|_, held| now.saturating_duration_since(held.used) < KEEP);
            if map.len() >= CAPACITY {
                map.clear();
            }
        }
        map.insert(profile.user.id, Held { profile, used: now });
    }

    /// Forgets `user` (their grant or account is gone).
    pub(crate) fn forget(&self, user: UserId) {
        if let Ok(mut map) = self.map.lock() {
            map.remove(&user);
        }
    }

    /// Drops what nobody asked for within [`KEEP`] (called by the node's periodic
    /// check, so an erased person's data leaves memory without waiting for the map to
    /// fill).
    pub(crate) fn forget_unused(&self, now: Instant) {
        if let Ok(mut map) = self.map.lock() {
            map.retain(|_, held| now.saturating_duration_since(held.used) < KEEP);
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.map.lock().map(|m| m.len()).unwrap_or(0)
    }
}

impl Sigil {
    /// The profile of `user` at `version` (read with their grant on `conn`): the held
    /// copy if it is at that version, else read through `conn` (after the version, so
    /// at least that new) and held. `None`, with the person forgotten, when the version
    /// or the profile is missing: the account is gone.
    pub(crate) async fn profile_at(
        &self,
        conn: &mut dyn Tx,
        user: UserId,
        version: Option<i64>,
    ) -> Result<Option<Arc<Profile>>, CoreError> {
        let Some(version) = version else {
            self.profiles.forget(user);
            return Ok(None);
        };
        let now = Instant::now();
        if let Some(profile) = self.profiles.get(user, version, now) {
            return Ok(Some(profile));
        }
        match conn.find_profile(user).await? {
            Some(profile) => Ok(Some(self.profiles.put(profile, now))),
            None => {
                self.profiles.forget(user);
                Ok(None)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::privacy::PrivacyLevels;
    use crate::random::SystemRandom;
    use crate::user::{FieldValues, User, UserStatus};
    use time::macros::datetime;

    fn someone() -> UserId {
        UserId::generate(&SystemRandom)
    }

    fn profile(id: UserId, version: i64) -> Profile {
        let at = datetime!(2026-01-01 0:00 UTC);
        Profile {
            version,
            user: User {
                id,
                login: None,
                email: None,
                email_verified: false,
                phone: None,
                photo: None,
                photo_small: None,
                profile_private: false,
                password_hash: Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into()),
                status: UserStatus::Active,
                is_operator: false,
                locale: None,
                created_at: at,
                updated_at: at,
                name: None,
            },
            values: FieldValues::new(),
            privacy: PrivacyLevels::new(),
        }
    }

    #[test]
    fn answers_only_at_the_version_read_and_never_goes_back() {
        let held = HeldProfiles::default();
        let now = Instant::now();
        let id = someone();
        let kept = held.put(profile(id, 3), now);
        assert!(
            kept.user.password_hash.is_none(),
            "no password hash is held"
        );
        assert!(held.get(id, 3, now).is_some());
        assert!(held.get(id, 4, now).is_none(), "the database moved on");
        assert!(held.get(someone(), 3, now).is_none());
        held.put(profile(id, 5), now);
        held.put(profile(id, 4), now);
        assert!(
            held.get(id, 5, now).is_some(),
            "an older read does not replace it"
        );
        assert!(held.get(id, 4, now).is_none());
        held.forget(id);
        assert!(held.get(id, 5, now).is_none(), "forgotten");
    }

    #[test]
    fn stays_bounded_and_forgets_the_unused() {
        let held = HeldProfiles::default();
        let start = Instant::now();
        for _ in 0..CAPACITY * 2 {
            held.put(profile(someone(), 0), start);
        }
        assert!(held.len() <= CAPACITY);
        held.forget_unused(start + KEEP);
        assert_eq!(held.len(), 0);
    }
}

//! The storage port of the hot paths: what the token and userinfo endpoints read or
//! write in one round trip where the general repositories would take several, and
//! the counter that tells every node its applications in memory are out of date.
use async_trait::async_trait;
use time::OffsetDateTime;

use super::StoreResult;
use crate::ids::UserId;
use crate::oidc::grant::GrantState;
use crate::privacy::PrivacyLevels;
use crate::user::{FieldValues, User};

/// What userinfo reads about one access token, and a refresh about its grant, on every
/// request, in one round trip.
#[derive(Debug)]
pub struct GrantVersion {
    /// The token's grant and the end of its browser session.
    pub grant: GrantState,
    /// Whether the access token itself has been revoked (false when none was named).
    pub revoked: bool,
    /// The version of the grant's person's profile, `None` if they are gone.
    pub profile_version: Option<i64>,
}

/// A person's profile as it was at one version: what userinfo releases claims from.
#[derive(Debug)]
pub struct Profile {
    /// `users.profile_version`, which every change to the person's row, field values
    /// or privacy choices moves in its own transaction (a trigger).
    pub version: i64,
    pub user: User,
    pub values: FieldValues,
    pub privacy: PrivacyLevels,
}

#[async_trait]
pub trait HotRepo {
    /// The application generation: a one-row counter that every change to the
    /// applications moves in its own transaction (a trigger, so the CLI and a cascade
    /// move it too).
    async fn app_generation(&mut self) -> StoreResult<i64>;
    /// The grant `gid`, whether the access token `jti` (if one is named) is revoked,
    /// and the version of the grant's person's profile, in one statement; `None` if the
    /// grant does not exist.
    async fn find_grant_version(
        &mut self,
        gid: &str,
        jti: Option<&str>,
    ) -> StoreResult<Option<GrantVersion>>;
    /// The person's profile (their row, field values and privacy choices) with its
    /// version, in one statement.
    async fn find_profile(&mut self, user: UserId) -> StoreResult<Option<Profile>>;
    /// [`super::GrantRepo::rotate_refresh`] in one statement that also requires the
    /// family's application to exist and be open (not closed), read fresh by that
    /// statement: false if the rotation lost, the grant ended, or the application is
    /// closed or gone (the caller then decides in a transaction with the person's
    /// access, see `services::access`).
    async fn rotate_refresh_if_open(
        &mut self,
        id: &str,
        generation: i64,
        at: OffsetDateTime,
    ) -> StoreResult<bool>;
}

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

/// What userinfo reads about one access token, in one round trip.
#[derive(Debug)]
pub struct UserinfoState {
    /// The token's grant and the end of its browser session.
    pub grant: GrantState,
    /// Whether the token itself has been revoked.
    pub revoked: bool,
    /// The grant's person, `None` if the account is gone.
    pub user: Option<User>,
    /// The person's field values and privacy choices.
    pub values: FieldValues,
    pub privacy: PrivacyLevels,
}

#[async_trait]
pub trait HotRepo {
    /// The application generation: a one-row counter that every change to the
    /// applications moves in its own transaction (a trigger, so the CLI and a cascade
    /// move it too).
    async fn app_generation(&mut self) -> StoreResult<i64>;
    /// The grant `gid` with whether the access token `jti` is revoked, the grant's
    /// person, and the field values and privacy choices of `user` (the token's subject,
    /// which the caller compares with the grant's), in one statement; `None` if the
    /// grant does not exist.
    async fn find_userinfo(
        &mut self,
        gid: &str,
        jti: &str,
        user: UserId,
    ) -> StoreResult<Option<UserinfoState>>;
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

//! The storage port of the hot paths: what the token and userinfo endpoints read or
//! write in one round trip where the general repositories would take several, and
//! the counter that tells every node its applications in memory are out of date.
use async_trait::async_trait;
use time::OffsetDateTime;

use super::StoreResult;
use crate::ids::UserId;
use crate::privacy::PrivacyLevels;
use crate::user::{FieldValues, User};

#[async_trait]
pub trait HotRepo {
    /// The application generation: a one-row counter that every change to the
    /// applications moves in its own transaction (a trigger, so the CLI and a cascade
    /// move it too).
    async fn app_generation(&mut self) -> StoreResult<i64>;
    /// The person with their field values and privacy choices, in one query.
    async fn find_user_with_fields(
        &mut self,
        id: UserId,
    ) -> StoreResult<Option<(User, FieldValues, PrivacyLevels)>>;
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

//! Invitations to closed applications.
use sigil_core::email::Email;
use sigil_core::ports::{InvitationRepo, StoreResult};
use time::OffsetDateTime;

use crate::db::{query, Conn, Exec};
use crate::repos::ts;

#[async_trait::async_trait]
impl<E: Exec + 'static> InvitationRepo for Conn<E> {
    async fn count_pending_invitations(
        &mut self,
        email: &Email,
        now: OffsetDateTime,
    ) -> StoreResult<u64> {
        let (n,): (i64,) = query(
            "SELECT COUNT(*) FROM invitations \
             WHERE email = $1 AND status = 'pending' AND expires_at > $2",
        )
        .bind(email.as_str())
        .bind(ts(now))
        .fetch_one(&mut self.0)
        .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}

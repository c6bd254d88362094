//! Queuing messages in the outbox and delivering them.
use super::Sigil;
use crate::error::CoreError;
use crate::ids::ClientId;
use crate::oidc::backchannel::{LogoutClaims, LogoutNotice, LOGOUT_TYP};
use crate::outbox::{
    self, AppNotice, Courier, DeliveryError, Lane, Message, Outgoing, CLAIM_LEASE, MAX_DELIVERIES,
};
use crate::ports::Tx;

/// The associated data of sealed outbox payloads.
const SEAL_LABEL: &str = "outbox";
/// Messages claimed per round.
const BATCH: i64 = 16;

impl Sigil {
    /// Queues `message` inside the caller's transaction; returns its id.
    pub(crate) async fn enqueue(
        &self,
        tx: &mut dyn Tx,
        message: &Message,
    ) -> Result<i64, CoreError> {
        let payload = serde_json::to_vec(message).map_err(anyhow::Error::from)?;
        let sealed =
            self.settings
                .oidc
                .master_key
                .seal(SEAL_LABEL, &payload, self.random.as_ref())?;
        let id = tx
            .enqueue_message(
                message.channel().as_str(),
                message.recipient(),
                &sealed,
                self.clock.now(),
            )
            .await?;
        Ok(id)
    }

    /// Queues a back-channel logout inside the caller's transaction; the logout token
    /// is signed when it is delivered.
    pub(crate) async fn enqueue_logout(
        &self,
        tx: &mut dyn Tx,
        notice: LogoutNotice,
    ) -> Result<i64, CoreError> {
        let client_id = notice.client_id.clone();
        let outgoing = Outgoing::Application(AppNotice::BackchannelLogout(notice));
        let payload = serde_json::to_vec(&outgoing).map_err(anyhow::Error::from)?;
        let sealed =
            self.settings
                .oidc
                .master_key
                .seal(SEAL_LABEL, &payload, self.random.as_ref())?;
        let id = tx
            .enqueue_message(AppNotice::CHANNEL, &client_id, &sealed, self.clock.now())
            .await?;
        Ok(id)
    }

    /// Wakes the delivery jobs after a commit that queued something.
    pub(crate) fn outbox_changed(&self) {
        for ready in &self.outbox_ready {
            ready.notify_one();
        }
    }

    /// Resolves when a use case has queued a message (or at once, if one did since the
    /// last call): the delivery job of `lane` waits on this besides its timer.
    pub async fn outbox_notified(&self, lane: Lane) {
        self.outbox_ready[lane as usize].notified().await;
    }

    /// Delivers the messages of `lane` that are due; returns how many were tried.
    ///
    /// `stopping` is asked before each message: once it says the node is stopping, the
    /// messages claimed but not tried yet are given back (due again at once, for any
    /// node) instead of waiting out their lease, and the round ends after the message it
    /// was on.
    pub async fn deliver_due(
        &self,
        courier: &dyn Courier,
        lane: Lane,
        stopping: &(dyn Fn() -> bool + Sync),
    ) -> Result<usize, CoreError> {
        let now = self.clock.now();
        let lease_until = now + CLAIM_LEASE;
        let mut tx = self.store.begin().await?;
        let claimed = tx.claim_due_messages(now, lease_until, BATCH, lane).await?;
        tx.commit().await?;
        let mut tried = 0;
        let mut claimed = claimed.into_iter();
        while let Some(item) = claimed.next() {
            if stopping() {
                let rest: Vec<i64> = std::iter::once(item.id)
                    .chain(claimed.map(|c| c.id))
                    .collect();
                self.release_claims(&rest, lease_until).await?;
                break;
            }
            tried += 1;
            let message = item.payload.as_deref().and_then(|sealed| {
                let plain = self
                    .settings
                    .oidc
                    .master_key
                    .open(SEAL_LABEL, sealed)
                    .ok()?;
                serde_json::from_slice::<Outgoing>(&plain).ok()
            });
            let attempts = item.attempts + 1;
            let outcome = match &message {
                Some(Outgoing::Person(m)) => courier.deliver(m).await,
                Some(Outgoing::Application(AppNotice::BackchannelLogout(notice))) => {
                    self.deliver_logout(courier, notice).await
                }
                None => Err(outbox::DeliveryError::permanent(
                    "the payload cannot be opened (another master key?)",
                )),
            };
            let counted = self
                .record_outcome(item.id, attempts, &outcome, stopping)
                .await?;
            crate::telemetry::delivery(lane, counted);
        }
        Ok(tried)
    }

    /// Records what became of message `id` after its `attempts`-th try: sent, due again
    /// later, or given up; returns which, for the metrics.
    ///
    /// The message went out (or failed) whatever the database does meanwhile, so while
    /// the database is unavailable the record is tried again, with a growing pause,
    /// until it is taken or the node stops: given up, the message would stay claimed
    /// for its lease and then go out a second time. Only a stop during an outage leaves
    /// that to the lease.
    async fn record_outcome(
        &self,
        id: i64,
        attempts: i64,
        outcome: &Result<(), DeliveryError>,
        stopping: &(dyn Fn() -> bool + Sync),
    ) -> Result<&'static str, CoreError> {
        let mut pause = std::time::Duration::from_millis(100);
        loop {
            match self.try_record_outcome(id, attempts, outcome).await {
                Err(CoreError::Unavailable(e)) if !stopping() => {
                    tracing::warn!(id, error = %e, "recording a delivery: the database is unavailable; trying again");
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(std::time::Duration::from_secs(2));
                }
                done => return done,
            }
        }
    }

    async fn try_record_outcome(
        &self,
        id: i64,
        attempts: i64,
        outcome: &Result<(), DeliveryError>,
    ) -> Result<&'static str, CoreError> {
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let counted = match outcome {
            Ok(()) => {
                tx.mark_message_sent(id, now).await?;
                "sent"
            }
            Err(e) if e.retry && attempts < MAX_DELIVERIES => {
                tracing::warn!(id, attempts, error = %e.message, "delivery failed; will retry");
                tx.mark_message_retry(
                    id,
                    attempts,
                    outbox::next_attempt(now, attempts),
                    &e.message,
                )
                .await?;
                "retry"
            }
            Err(e) => {
                tracing::error!(id, attempts, error = %e.message, "delivery failed; giving up");
                tx.mark_message_failed(id, attempts, &e.message).await?;
                "failed"
            }
        };
        tx.commit().await?;
        Ok(counted)
    }

    /// Gives back the claims (until `lease_until`) on the messages `ids`, untried.
    async fn release_claims(
        &self,
        ids: &[i64],
        lease_until: time::OffsetDateTime,
    ) -> Result<(), CoreError> {
        let mut tx = self.store.begin().await?;
        for &id in ids {
            tx.release_message(id, lease_until).await?;
        }
        tx.commit().await?;
        tracing::debug!(released = ids.len(), "stopping: outbox claims given back");
        Ok(())
    }
}

impl Sigil {
    /// Signs a logout token now — a fresh `jti`, `iat` and `exp` for each attempt, with
    /// the key the application's ID tokens are signed with at this moment — and posts
    /// it to the URI the application has registered now. An application deleted since,
    /// or one that removed its URI, is not told.
    async fn deliver_logout(
        &self,
        courier: &dyn Courier,
        notice: &LogoutNotice,
    ) -> Result<(), DeliveryError> {
        let temporary = |e: CoreError| DeliveryError::temporary(e.to_string());
        let app = async {
            let mut conn = self.store.read().await?;
            let app = conn.find_app(&ClientId(notice.client_id.clone())).await?;
            Ok::<_, CoreError>(app)
        }
        .await
        .map_err(temporary)?;
        let Some(app) = app else {
            return Err(DeliveryError::permanent("the application was deleted"));
        };
        let Some(uri) = &app.backchannel_logout_uri else {
            return Err(DeliveryError::permanent(
                "the application no longer has a back-channel logout URI",
            ));
        };
        let claims = LogoutClaims::new(
            &self.settings.oidc.issuer,
            notice,
            self.random_id(16),
            self.clock.now(),
        );
        let key = self.signing_key(app.signing_alg).await.map_err(temporary)?;
        let token = key
            .sign(LOGOUT_TYP, &claims)
            .map_err(|e| DeliveryError::temporary(format!("signing: {e}")))?;
        courier.post_logout_token(uri.as_str(), &token).await
    }
}

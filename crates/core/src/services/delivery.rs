//! Queuing messages in the outbox and delivering them.
use super::Sigil;
use crate::error::CoreError;
use crate::outbox::{self, Courier, Message, CLAIM_LEASE, MAX_DELIVERIES};
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

    /// Wakes the delivery job after a commit that queued something.
    pub(crate) fn outbox_changed(&self) {
        self.outbox_ready.notify_one();
    }

    /// Resolves when a use case has queued a message (or at once, if one did since the
    /// last call): the delivery job waits on this besides its timer.
    pub async fn outbox_notified(&self) {
        self.outbox_ready.notified().await;
    }

    /// Delivers the messages that are due; returns how many were tried.
    pub async fn deliver_due(&self, courier: &dyn Courier) -> Result<usize, CoreError> {
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let claimed = tx.claim_due_messages(now, now + CLAIM_LEASE, BATCH).await?;
        tx.commit().await?;
        let count = claimed.len();
        for item in claimed {
            let message = item.payload.as_deref().and_then(|sealed| {
                let plain = self
                    .settings
                    .oidc
                    .master_key
                    .open(SEAL_LABEL, sealed)
                    .ok()?;
                serde_json::from_slice::<Message>(&plain).ok()
            });
            let attempts = item.attempts + 1;
            let outcome = match &message {
                Some(m) => courier.deliver(m).await,
                None => Err(outbox::DeliveryError::permanent(
                    "the payload cannot be opened (another master key?)",
                )),
            };
            let now = self.clock.now();
            let mut tx = self.store.begin().await?;
            match outcome {
                Ok(()) => tx.mark_message_sent(item.id, now).await?,
                Err(e) if e.retry && attempts < MAX_DELIVERIES => {
                    tracing::warn!(id = item.id, attempts, error = %e.message, "delivery failed; will retry");
                    tx.mark_message_retry(
                        item.id,
                        attempts,
                        outbox::next_attempt(now, attempts),
                        &e.message,
                    )
                    .await?
                }
                Err(e) => {
                    tracing::error!(id = item.id, attempts, error = %e.message, "delivery failed; giving up");
                    tx.mark_message_failed(item.id, attempts, &e.message)
                        .await?
                }
            }
            tx.commit().await?;
        }
        Ok(count)
    }
}

//! The activity log. Details are JSON kept as text, which both databases store alike.
use super::dt;
use crate::db::query;
use crate::db::Conn;
use crate::db::Exec;
use crate::repos::ts;
use sigil_core::event::ClientInfo;
use sigil_core::event::Event;
use sigil_core::event::NewEvent;
use sigil_core::ids::UserId;
use sigil_core::ports::EventRepo;
use sigil_core::ports::StoreError;
use sigil_core::ports::StoreResult;

crate::db::row_struct! {
pub(crate) struct EventRow {
    id: i64,
    at: i64,
    user_id: Option<String>,
    category: String,
    client_id: Option<String>,
    ip: Option<String>,
    device: Option<String>,
    browser: Option<String>,
    details: String,
}
}

impl EventRow {
    pub(crate) fn into_event(self) -> Result<Event, StoreError> {
        Ok(Event {
            id: self.id,
            at: dt(self.at)?,
            user_id: self.user_id.and_then(|u| u.parse().ok()),
            category: self.category,
            client_id: self.client_id,
            client: ClientInfo {
                ip: self.ip,
                device: self.device,
                browser: self.browser,
            },
            details: serde_json::from_str(&self.details).unwrap_or(serde_json::Value::Null),
        })
    }
}

#[async_trait::async_trait]
impl<E: Exec + 'static> EventRepo for Conn<E> {
    async fn insert_event(&mut self, e: &NewEvent) -> StoreResult<i64> {
        let (id,): (i64,) = query(
            "INSERT INTO events (at, user_id, category, client_id, ip, device, \
                         browser, details) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(ts(e.at))
        .bind(e.user_id.map(|u| u.to_string()))
        .bind(e.category.as_str())
        .bind(e.client_id.as_ref().map(|c| c.0.clone()))
        .bind(e.client.ip.as_deref())
        .bind(e.client.device.as_deref())
        .bind(e.client.browser.as_deref())
        .bind(e.details.to_string())
        .fetch_one(&mut self.0)
        .await?;
        Ok(id)
    }

    async fn list_events(
        &mut self,
        user: UserId,
        before: Option<i64>,
        limit: i64,
    ) -> StoreResult<Vec<Event>> {
        query(
            "SELECT id, at, user_id, category, client_id, ip, device, browser, \
                         details FROM events WHERE user_id = $1 AND id < $2 \
                         ORDER BY id DESC LIMIT $3",
        )
        .bind(user.to_string())
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit)
        .fetch_all(&mut self.0)
        .await?
        .into_iter()
        .map(EventRow::into_event)
        .collect()
    }
}

//! The activity log. Details are JSON kept as text, which both databases store alike.
use super::dt;
use crate::db::query;
use crate::db::Conn;
use crate::db::Exec;
use crate::repos::ts;
use sigil_core::event::ClientInfo;
use sigil_core::event::Event;
use sigil_core::event::EventCategory;
use sigil_core::event::NewEvent;
use sigil_core::ids::UserId;
use sigil_core::ports::EventRepo;
use sigil_core::ports::StoreError;
use sigil_core::ports::StoreResult;
use time::OffsetDateTime;

crate::db::row_struct! {
pub(crate) struct EventRow {
    id: i64,
    at: i64,
    user_id: Option<String>,
    category: String,
    client_id: Option<String>,
    client_name: Option<String>,
    ip: Option<String>,
    device: Option<String>,
    browser: Option<String>,
    os: Option<String>,
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
            client_name: self.client_name,
            client: ClientInfo {
                ip: self.ip,
                device: self.device,
                browser: self.browser,
                os: self.os,
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
                         browser, os, details) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                         RETURNING id",
        )
        .bind(ts(e.at))
        .bind(e.user_id.map(|u| u.to_string()))
        .bind(e.category.as_str())
        .bind(e.client_id.as_ref().map(|c| c.0.clone()))
        .bind(e.client.ip.as_deref())
        .bind(e.client.device.as_deref())
        .bind(e.client.browser.as_deref())
        .bind(e.client.os.as_deref())
        .bind(e.details.to_string())
        .fetch_one(&mut self.0)
        .await?;
        Ok(id)
    }

    async fn list_events(
        &mut self,
        user: UserId,
        category: Option<EventCategory>,
        before: Option<i64>,
        limit: i64,
    ) -> StoreResult<Vec<Event>> {
        // The application's name comes with its event (one query, not one per row); an
        // application deleted since leaves its client_id and no name. An empty category
        // stands for "any": a typed NULL parameter is awkward on PostgreSQL.
        query(
            "SELECT e.id, e.at, e.user_id, e.category, e.client_id, a.name AS client_name, \
                         e.ip, e.device, e.browser, e.os, e.details \
                         FROM events e LEFT JOIN applications a ON a.client_id = e.client_id \
                         WHERE e.user_id = $1 AND e.id < $2 AND ($3 = '' OR e.category = $3) \
                         ORDER BY e.id DESC LIMIT $4",
        )
        .bind(user.to_string())
        .bind(before.unwrap_or(i64::MAX))
        .bind(category.map(EventCategory::as_str).unwrap_or_default())
        .bind(limit)
        .fetch_all(&mut self.0)
        .await?
        .into_iter()
        .map(EventRow::into_event)
        .collect()
    }

    async fn event_categories(&mut self, user: UserId) -> StoreResult<Vec<String>> {
        let rows: Vec<(String,)> =
            query("SELECT DISTINCT category FROM events WHERE user_id = $1 ORDER BY category")
                .bind(user.to_string())
                .fetch_all(&mut self.0)
                .await?;
        Ok(rows.into_iter().map(|(c,)| c).collect())
    }

    async fn purge_events(&mut self, before: OffsetDateTime, limit: i64) -> StoreResult<u64> {
        // The subquery bounds the batch (neither engine takes LIMIT on DELETE alike).
        query(
            "DELETE FROM events WHERE id IN \
             (SELECT id FROM events WHERE at < $1 ORDER BY at LIMIT $2)",
        )
        .bind(ts(before))
        .bind(limit)
        .execute(&mut self.0)
        .await
    }
}

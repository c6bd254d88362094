//! The activity log. Details are JSON kept as text, which both databases store alike.
use sigil_core::event::{ClientInfo, Event};
use sigil_core::ports::StoreError;

use super::dt;

#[derive(sqlx::FromRow)]
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

macro_rules! events_repo {
    ($db:ty) => {
        const _: () = {
            use sigil_core::event::{Event, NewEvent};
            use sigil_core::ids::UserId;
            use sigil_core::ports::{EventRepo, StoreResult};

            use $crate::handle::Handle;
            use $crate::repos::events::EventRow;
            use $crate::repos::{db_err, ts};

            #[async_trait::async_trait]
            impl EventRepo for Handle<$db> {
                async fn insert_event(&mut self, e: &NewEvent) -> StoreResult<i64> {
                    let (id,): (i64,) = sqlx::query_as(
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
                    .fetch_one(self.conn())
                    .await
                    .map_err(db_err)?;
                    Ok(id)
                }

                async fn list_events(
                    &mut self,
                    user: UserId,
                    before: Option<i64>,
                    limit: i64,
                ) -> StoreResult<Vec<Event>> {
                    sqlx::query_as::<_, EventRow>(
                        "SELECT id, at, user_id, category, client_id, ip, device, browser, \
                         details FROM events WHERE user_id = $1 AND id < $2 \
                         ORDER BY id DESC LIMIT $3",
                    )
                    .bind(user.to_string())
                    .bind(before.unwrap_or(i64::MAX))
                    .bind(limit)
                    .fetch_all(self.conn())
                    .await
                    .map_err(db_err)?
                    .into_iter()
                    .map(EventRow::into_event)
                    .collect()
                }
            }
        };
    };
}
pub(crate) use events_repo;

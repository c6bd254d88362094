//! The person's privacy choices.
use sigil_core::ids::UserId;
use sigil_core::ports::{PrivacyRepo, StoreError, StoreResult};
use sigil_core::privacy::{PrivacyLevel, PrivacyLevels};
use sigil_core::user::FieldValues;
use time::OffsetDateTime;

use crate::db::{query, Conn, Exec};
use crate::repos::ts;

/// A person's field document (see [`fields_of`]) as text on both engines.
pub(crate) const FIELDS_OF: &str = "SELECT CAST(fields AS TEXT) FROM users WHERE id = $1";

/// `users.fields`, the document migration 0028's triggers keep from `field_values` and
/// `field_privacy`: `{"v": {field: value}, "p": {field: level}}`.
#[derive(serde::Deserialize)]
struct FieldsDoc {
    v: FieldValues,
    p: std::collections::BTreeMap<String, String>,
}

/// A person's field values and privacy choices from their field document.
pub(crate) fn fields_of(doc: &str) -> StoreResult<(FieldValues, PrivacyLevels)> {
    let doc: FieldsDoc = serde_json::from_str(doc)
        .map_err(|e| StoreError::Other(anyhow::anyhow!("field document: {e}")))?;
    let levels = doc
        .p
        .into_iter()
        .map(|(key, level)| {
            PrivacyLevel::parse(&level)
                .map(|l| (key, l))
                .ok_or_else(|| StoreError::Other(anyhow::anyhow!("privacy level {level}")))
        })
        .collect::<StoreResult<_>>()?;
    Ok((doc.v, levels))
}

#[async_trait::async_trait]
impl<E: Exec + 'static> PrivacyRepo for Conn<E> {
    async fn privacy_levels(&mut self, user: UserId) -> StoreResult<PrivacyLevels> {
        let rows: Vec<(String, String)> =
            query("SELECT field_key, level FROM field_privacy WHERE user_id = $1")
                .bind(user.to_string())
                .fetch_all(&mut self.0)
                .await?;
        rows.into_iter()
            .map(|(key, level)| {
                PrivacyLevel::parse(&level)
                    .map(|l| (key, l))
                    .ok_or_else(|| StoreError::Other(anyhow::anyhow!("privacy level {level}")))
            })
            .collect()
    }

    async fn values_and_privacy(
        &mut self,
        user: UserId,
    ) -> StoreResult<(FieldValues, PrivacyLevels)> {
        let doc: Option<(String,)> = query(FIELDS_OF)
            .bind(user.to_string())
            .fetch_optional(&mut self.0)
            .await?;
        doc.map_or_else(|| Ok(Default::default()), |(doc,)| fields_of(&doc))
    }

    async fn set_privacy(
        &mut self,
        user: UserId,
        field: &str,
        level: PrivacyLevel,
        at: OffsetDateTime,
    ) -> StoreResult<()> {
        query(
            "INSERT INTO field_privacy (user_id, field_key, level, updated_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, field_key) \
             DO UPDATE SET level = excluded.level, updated_at = excluded.updated_at",
        )
        .bind(user.to_string())
        .bind(field)
        .bind(level.as_str())
        .bind(ts(at))
        .execute(&mut self.0)
        .await?;
        Ok(())
    }

    async fn set_profile_private(
        &mut self,
        user: UserId,
        private: bool,
        at: OffsetDateTime,
    ) -> StoreResult<()> {
        query("UPDATE users SET profile_private = $2, updated_at = $3 WHERE id = $1")
            .bind(user.to_string())
            .bind(private)
            .bind(ts(at))
            .execute(&mut self.0)
            .await?;
        Ok(())
    }
}

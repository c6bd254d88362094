//! The person's privacy choices.
use sigil_core::ids::UserId;
use sigil_core::ports::{PrivacyRepo, StoreError, StoreResult};
use sigil_core::privacy::{PrivacyLevel, PrivacyLevels};
use sigil_core::user::FieldValues;
use time::OffsetDateTime;

use crate::db::{query, Conn, Exec};
use crate::repos::ts;

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
        let rows: Vec<(i64, String, String)> = query(
            "SELECT CAST(0 AS BIGINT) AS kind, field_key, value FROM field_values \
             WHERE user_id = $1 \
             UNION ALL SELECT CAST(1 AS BIGINT), field_key, level FROM field_privacy \
             WHERE user_id = $1",
        )
        .bind(user.to_string())
        .fetch_all(&mut self.0)
        .await?;
        let mut values = FieldValues::new();
        let mut levels = PrivacyLevels::new();
        for (kind, key, text) in rows {
            if kind == 0 {
                values.insert(key, text);
            } else {
                let level = PrivacyLevel::parse(&text)
                    .ok_or_else(|| StoreError::Other(anyhow::anyhow!("privacy level {text}")))?;
                levels.insert(key, level);
            }
        }
        Ok((values, levels))
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

//! The person's privacy choices: a level per field, and the Private profile switch.
use serde_json::json;

use super::Sigil;
use crate::error::{CoreError, FieldError, FieldErrorKind};
use crate::event::{ClientInfo, EventCategory};
use crate::identifier::PRIVACY_PREFIX;
use crate::ports::Tx;
use crate::privacy::{PrivacyLevel, PrivacyLevels};
use crate::user::User;

/// What the person's choices amount to.
#[derive(Clone, Debug)]
pub struct PrivacyView {
    /// Every field that has a level, with the level in force (chosen or default).
    pub levels: PrivacyLevels,
    pub profile_private: bool,
}

impl PrivacyView {
    pub fn level(&self, key: &str) -> PrivacyLevel {
        self.levels.get(key).copied().unwrap_or_default()
    }
}

impl Sigil {
    /// The fields a person sets a level for: the catalogue's, the email and the phone.
    fn privacy_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self
            .settings
            .catalogue
            .fields()
            .iter()
            .map(|f| f.key.clone())
            .collect();
        keys.extend(["photo".to_owned(), "email".to_owned(), "phone".to_owned()]);
        keys
    }

    /// The level in force for every field of `user`, read through `conn`.
    pub(crate) async fn privacy_of(
        &self,
        conn: &mut dyn Tx,
        user: &User,
    ) -> Result<PrivacyView, CoreError> {
        let chosen = conn.privacy_levels(user.id).await?;
        Ok(self.privacy_view(user, &chosen))
    }

    /// The levels in force for `user`, given the ones they chose.
    pub(crate) fn privacy_view(&self, user: &User, chosen: &PrivacyLevels) -> PrivacyView {
        let levels = self
            .privacy_keys()
            .into_iter()
            .map(|k| {
                let level = chosen
                    .get(&k)
                    .copied()
                    .unwrap_or_else(|| self.settings.default_privacy(&k));
                (k, level)
            })
            .collect();
        PrivacyView {
            levels,
            profile_private: user.profile_private,
        }
    }

    /// Every level in force for `user`, the linked identifiers' included.
    pub async fn privacy(&self, user: &User) -> Result<PrivacyView, CoreError> {
        let mut conn = self.store.read().await?;
        let mut view = self.privacy_of(&mut *conn, user).await?;
        for identifier in conn.list_identifiers(user.id).await? {
            let level = self.identifier_privacy(&identifier);
            view.levels.insert(identifier.privacy_key(), level);
        }
        Ok(view)
    }

    /// Sets the level of one field; applied at once.
    pub async fn set_privacy(
        &self,
        user: &User,
        field: &str,
        level: &str,
        client: &ClientInfo,
    ) -> Result<(), CoreError> {
        let one = [(field.to_owned(), level.to_owned())].into_iter().collect();
        self.update_privacy(user, &one, None, client).await
    }

    /// Sets several levels and, if given, the Private profile switch: all or nothing.
    pub async fn update_privacy(
        &self,
        user: &User,
        fields: &std::collections::BTreeMap<String, String>,
        profile_private: Option<bool>,
        client: &ClientInfo,
    ) -> Result<(), CoreError> {
        let keys = self.privacy_keys();
        let mut tx = self.store.begin().await?;
        let identifiers = tx.list_identifiers(user.id).await?;
        let known = |field: &String| {
            keys.contains(field) || identifiers.iter().any(|i| i.privacy_key() == *field)
        };
        let mut errors = Vec::new();
        let mut levels = Vec::new();
        for (field, raw) in fields {
            if !known(field) {
                errors.push(FieldError::new(field, FieldErrorKind::Unknown));
            } else if let Some(level) = PrivacyLevel::parse(raw) {
                levels.push((field, level));
            } else {
                errors.push(FieldError::new(field, FieldErrorKind::Privacy));
            }
        }
        if !errors.is_empty() {
            return Err(CoreError::Invalid(errors));
        }
        let now = self.clock.now();
        for (field, level) in levels {
            match field.strip_prefix(PRIVACY_PREFIX) {
                Some(id) => {
                    tx.set_identifier_privacy(user.id, id, level).await?;
                }
                None => tx.set_privacy(user.id, field, level, now).await?,
            }
            let event = self
                .event(Some(user.id), EventCategory::PrivacyChanged, client)
                .with_details(json!({ "field": field, "level": level.as_str() }));
            tx.insert_event(&event).await?;
        }
        if let Some(private) = profile_private {
            tx.set_profile_private(user.id, private, now).await?;
            let event = self
                .event(Some(user.id), EventCategory::ProfilePrivacyChanged, client)
                .with_details(json!({ "private": private }));
            tx.insert_event(&event).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Turns the Private profile switch on or off.
    pub async fn set_profile_private(
        &self,
        user: &User,
        private: bool,
        client: &ClientInfo,
    ) -> Result<(), CoreError> {
        self.update_privacy(user, &Default::default(), Some(private), client)
            .await
    }
}

//! The person's main and additional information under the operator's field rules.
use serde_json::json;

use super::{PhotoChange, Sigil};
use crate::error::{CoreError, FieldError, FieldErrorKind};
use crate::event::{ClientInfo, EventCategory};
use crate::fields::{FieldDef, FieldKind};
use crate::login::Login;
use crate::user::{FieldValues, User};

/// The profile as its owner sees it.
#[derive(Clone, Debug)]
pub struct Profile {
    pub user: User,
    pub values: FieldValues,
    /// Mandatory fields without a value, in catalogue order.
    pub missing_fields: Vec<String>,
}

impl Profile {
    pub fn value(&self, def: &FieldDef) -> Option<&str> {
        match def.kind {
            FieldKind::Login => self.user.login.as_ref().map(Login::as_str),
            _ => self.values.get(&def.key).map(String::as_str),
        }
    }
}

pub(super) fn has_value(user: &User, values: &FieldValues, def: &FieldDef) -> bool {
    match def.kind {
        FieldKind::Login => user.login.is_some(),
        _ => values.get(&def.key).is_some_and(|v| !v.is_empty()),
    }
}

impl Sigil {
    pub async fn profile(&self, user: &User) -> Result<Profile, CoreError> {
        let mut conn = self.store.read().await?;
        let user = conn.find_user(user.id).await?.ok_or(CoreError::NotFound)?;
        let values = conn.field_values(user.id).await?;
        Ok(self.assemble(user, values))
    }

    fn assemble(&self, user: User, values: FieldValues) -> Profile {
        let missing_fields = self
            .settings
            .catalogue
            .missing_mandatory(|f| has_value(&user, &values, f))
            .into_iter()
            .map(|f| f.key.clone())
            .collect();
        Profile {
            user,
            values,
            missing_fields,
        }
    }

    /// Applies changes to catalogue fields as a whole: every value is checked first and
    /// nothing is saved if any is invalid. Empty mandatory fields are allowed; the
    /// returned profile lists them.
    pub async fn update_profile(
        &self,
        user: &User,
        changes: &[(String, String)],
        client: &ClientInfo,
    ) -> Result<Profile, CoreError> {
        self.update_main_information(user, changes, PhotoChange::Keep, client)
            .await
    }

    /// Like [`Sigil::update_profile`], with the photo chosen in the same form: fields
    /// and photo are checked first and saved together in one transaction, or neither.
    pub async fn update_main_information(
        &self,
        user: &User,
        changes: &[(String, String)],
        photo: PhotoChange,
        client: &ClientInfo,
    ) -> Result<Profile, CoreError> {
        let now = self.clock.now();
        let parsed = self.settings.catalogue.validate_changes(changes, now);
        let photo = self.prepare_photo(user, photo).await;
        // Every mistake at once: the fields' and the photo's.
        let (parsed, photo) = match (parsed, photo) {
            (Ok(parsed), Ok(photo)) => (parsed, photo),
            (parsed, photo) => {
                let mut errors = parsed.err().unwrap_or_default();
                match photo {
                    Err(CoreError::Invalid(more)) => errors.extend(more),
                    Err(other) => return Err(other),
                    Ok(_) => {}
                }
                return Err(CoreError::Invalid(errors));
            }
        };

        let mut tx = self.store.begin().await?;
        // Fresh and held until this commits: whether the email is still there decides
        // whether the login may go.
        let current = tx.lock_user(user.id).await?.ok_or(CoreError::NotFound)?;
        let mut values = tx.field_values(user.id).await?;
        let mut changed = Vec::new();
        for (def, value) in parsed {
            if def.kind == FieldKind::Login {
                let login = value.map(Login::from_trusted);
                if login == current.login {
                    continue;
                }
                if login.is_none() && current.email.is_none() {
                    return Err(CoreError::Invalid(vec![FieldError::new(
                        &def.key,
                        FieldErrorKind::LastIdentifier,
                    )]));
                }
                tx.set_login(user.id, login.as_ref(), now).await?;
            } else {
                if values.get(&def.key) == value.as_ref() {
                    continue;
                }
                tx.set_field_value(user.id, &def.key, value.as_deref(), now)
                    .await?;
                match value {
                    Some(v) => values.insert(def.key.clone(), v),
                    None => values.remove(&def.key),
                };
            }
            changed.push(def.key.clone());
        }
        if !changed.is_empty() {
            let event = self
                .event(Some(user.id), EventCategory::ProfileUpdated, client)
                .with_details(json!({ "fields": changed }));
            tx.insert_event(&event).await?;
        }
        self.write_photo(&mut *tx, user, photo, client).await?;
        let updated = tx.find_user(user.id).await?.ok_or(CoreError::NotFound)?;
        tx.commit().await?;
        Ok(self.assemble(updated, values))
    }

    /// The prompt after sign-in: like [`Sigil::update_profile`], but every mandatory
    /// field the person can edit must now have a value.
    pub async fn complete_profile(
        &self,
        user: &User,
        changes: &[(String, String)],
        client: &ClientInfo,
    ) -> Result<Profile, CoreError> {
        let current = self.profile(user).await?;
        let errors: Vec<FieldError> = self
            .settings
            .catalogue
            .fields()
            .iter()
            .filter(|f| f.editable && current.missing_fields.contains(&f.key))
            .filter(|f| {
                !changes
                    .iter()
                    .any(|(k, v)| k == &f.key && !v.trim().is_empty())
            })
            .map(|f| FieldError::new(&f.key, FieldErrorKind::Required))
            .collect();
        if !errors.is_empty() {
            return Err(CoreError::Invalid(errors));
        }
        self.update_profile(user, changes, client).await
    }
}

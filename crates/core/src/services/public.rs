//! The public profile: what a visitor — anyone, signed in or not — may see of a person,
//! decided field by field by the release rule.
use super::Sigil;
use crate::error::CoreError;
use crate::ids::UserId;
use crate::ports::{Profile, Tx};
use crate::privacy::{releases, Requester};
use crate::user::{User, UserStatus};
use crate::vcard::Card;

/// The fields a visitor gets, in catalogue order, then email and phone.
#[derive(Clone, Debug)]
pub struct PublicProfile {
    pub user_id: UserId,
    /// (field key, value) pairs.
    pub fields: Vec<(String, String)>,
    /// Linked identifiers a visitor may see: (provider name, account label).
    pub identifiers: Vec<(String, String)>,
    /// The Private profile switch is on: nothing is public.
    pub private: bool,
    /// When the account last changed.
    pub revised: time::OffsetDateTime,
}

impl PublicProfile {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

impl Sigil {
    /// What a visitor sees of `user`.
    pub async fn public_view(&self, user: &User) -> Result<PublicProfile, CoreError> {
        let mut conn = self.store.read().await?;
        let profile = conn
            .find_profile(user.id)
            .await?
            .ok_or(CoreError::NotFound)?;
        self.public_view_in(&mut *conn, profile).await
    }

    /// What a visitor sees of `profile`; its identifiers read through `conn`.
    async fn public_view_in(
        &self,
        conn: &mut dyn Tx,
        profile: Profile,
    ) -> Result<PublicProfile, CoreError> {
        let Profile {
            user,
            values,
            privacy: chosen,
            ..
        } = profile;
        let privacy = self.privacy_view(&user, &chosen);
        let mut candidates: Vec<(String, Option<String>)> = self
            .settings
            .catalogue
            .fields()
            .iter()
            .map(|f| {
                let value = match f.kind {
                    crate::fields::FieldKind::Login => user.login.as_ref().map(|l| l.to_string()),
                    _ => values.get(&f.key).cloned(),
                };
                (f.key.clone(), value)
            })
            .collect();
        candidates.push((
            "photo".into(),
            user.photo.as_deref().map(|h| self.image_url(h)),
        ));
        candidates.push(("email".into(), user.email.as_ref().map(|e| e.to_string())));
        candidates.push(("phone".into(), user.phone.as_ref().map(|p| p.to_string())));
        let fields = candidates
            .into_iter()
            .filter_map(|(k, v)| {
                let level = privacy.level(&k);
                let value = v.filter(|v| !v.is_empty())?;
                releases(level, Requester::Visitor, user.profile_private).then_some((k, value))
            })
            .collect();
        let identifiers = conn
            .list_identifiers(user.id)
            .await?
            .into_iter()
            .filter(|i| {
                releases(
                    self.identifier_privacy(i),
                    Requester::Visitor,
                    user.profile_private,
                )
            })
            .map(|i| {
                let provider = self
                    .provider(&i.provider)
                    .map_or_else(|| i.provider.clone(), |p| p.name.clone());
                (provider, i.label().to_owned())
            })
            .collect();
        Ok(PublicProfile {
            user_id: user.id,
            fields,
            identifiers,
            private: user.profile_private,
            revised: user.updated_at,
        })
    }

    /// The public profile of `id` as a vCard (`NotFound` like [`Self::public_profile`]).
    pub async fn public_card(&self, id: UserId) -> Result<Card, CoreError> {
        let profile = self.public_profile(id).await?;
        Ok(self.card_of(&profile))
    }

    pub(crate) fn card_of(&self, profile: &PublicProfile) -> Card {
        let get = |k: &str| profile.get(k).map(str::to_owned);
        Card {
            given_name: get("given_name"),
            family_name: get("family_name"),
            nickname: get("nickname"),
            email: get("email"),
            phone: get("phone"),
            birthdate: get("birthdate"),
            photo: get("photo"),
            uid: format!("urn:uuid:{}", profile.user_id),
            revised: Some(profile.revised),
        }
    }

    /// The public profile of the account `id`, for a visitor; `NotFound` when there is
    /// no such active account or it is private.
    /// One read handle: the account with its fields (one row), then its identifiers.
    pub async fn public_profile(&self, id: UserId) -> Result<PublicProfile, CoreError> {
        let mut conn = self.store.read().await?;
        let profile = conn
            .find_profile(id)
            .await?
            .filter(|p| p.user.status == UserStatus::Active && !p.user.profile_private)
            .ok_or(CoreError::NotFound)?;
        self.public_view_in(&mut *conn, profile).await
    }
}

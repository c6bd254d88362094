//! The business card: a page and vCard at `/api/cards/<slug>` with the person's photo,
//! names, email, phone and birth date — whatever their privacy levels, and only while
//! the person keeps it active.
use serde_json::json;

use super::Sigil;
use crate::card::Slug;
use crate::error::{CoreError, FieldErrorKind};
use crate::event::{ClientInfo, EventCategory};
use crate::fields::FieldKind;
use crate::ports::StoreError;
use crate::user::{User, UserStatus};
use crate::vcard::Card;

/// The card as its owner manages it.
#[derive(Clone, Debug)]
pub struct BusinessCard {
    pub slug: Slug,
    pub active: bool,
    /// The full address of the card.
    pub url: String,
}

/// What a card shows.
#[derive(Clone, Debug)]
pub struct CardPage {
    pub card: Card,
    pub fallback_name: String,
}

impl Sigil {
    pub(crate) fn card_url(&self, slug: &Slug) -> String {
        format!("{}/api/cards/{slug}", self.settings.oidc.issuer)
    }

    /// The person's card, made (inactive, with a random link) on first use; `None`
    /// while the operator has not switched the feature on.
    pub async fn business_card(&self, user: &User) -> Result<Option<BusinessCard>, CoreError> {
        if !self.settings.cards_enabled {
            return Ok(None);
        }
        let existing = self.store.read().await?.find_card(user.id).await?;
        let (slug, active) = match existing {
            Some(found) => found,
            None => {
                let slug = Slug::random(self.random.as_ref());
                let mut tx = self.store.begin().await?;
                tx.save_card(user.id, &slug, false, self.clock.now())
                    .await?;
                tx.commit().await?;
                (slug, false)
            }
        };
        Ok(Some(BusinessCard {
            url: self.card_url(&slug),
            slug,
            active,
        }))
    }

    async fn current_card(&self, user: &User) -> Result<BusinessCard, CoreError> {
        self.business_card(user).await?.ok_or(CoreError::NotFound)
    }

    /// Switches the card on or off.
    pub async fn set_card_active(
        &self,
        user: &User,
        active: bool,
        client: &ClientInfo,
    ) -> Result<(), CoreError> {
        let card = self.current_card(user).await?;
        let mut tx = self.store.begin().await?;
        tx.save_card(user.id, &card.slug, active, self.clock.now())
            .await?;
        let event = self
            .event(Some(user.id), EventCategory::CardActivityChanged, client)
            .with_details(json!({ "active": active }));
        tx.insert_event(&event).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Gives the card a link of the person's choosing.
    pub async fn set_card_link(
        &self,
        user: &User,
        raw: &str,
        client: &ClientInfo,
    ) -> Result<(), CoreError> {
        let slug =
            Slug::parse(raw).map_err(|e| CoreError::field("slug", FieldErrorKind::Slug(e)))?;
        let card = self.current_card(user).await?;
        if card.slug == slug {
            return Ok(());
        }
        let mut tx = self.store.begin().await?;
        match tx
            .save_card(user.id, &slug, card.active, self.clock.now())
            .await
        {
            Err(StoreError::Conflict(_)) => {
                return Err(CoreError::field("slug", FieldErrorKind::Taken))
            }
            other => other?,
        }
        let event = self
            .event(Some(user.id), EventCategory::CardLinkChanged, client)
            .with_details(json!({ "from": card.slug.as_str(), "to": slug.as_str() }));
        tx.insert_event(&event).await?;
        tx.commit().await?;
        Ok(())
    }

    /// What the card at `raw` shows to anyone; `NotFound` unless the feature is on and
    /// the card exists and is active.
    pub async fn card_page(&self, raw: &str) -> Result<CardPage, CoreError> {
        if !self.settings.cards_enabled {
            return Err(CoreError::NotFound);
        }
        let slug = Slug::parse(raw).map_err(|_| CoreError::NotFound)?;
        let mut conn = self.store.read().await?;
        let (user_id, active) = conn
            .find_card_by_slug(&slug)
            .await?
            .ok_or(CoreError::NotFound)?;
        if !active {
            return Err(CoreError::NotFound);
        }
        let user = conn
            .find_user(user_id)
            .await?
            .filter(|u| u.status == UserStatus::Active)
            .ok_or(CoreError::NotFound)?;
        let values = conn.field_values(user.id).await?;
        let value = |key: &str| {
            self.settings
                .catalogue
                .get(key)
                .filter(|f| f.kind != FieldKind::Login)
                .and_then(|_| values.get(key).cloned())
                .filter(|v| !v.is_empty())
        };
        Ok(CardPage {
            card: Card {
                given_name: value("given_name"),
                family_name: value("family_name"),
                nickname: value("nickname"),
                email: user.email.as_ref().map(|e| e.to_string()),
                phone: user.phone.as_ref().map(|p| p.to_string()),
                birthdate: value("birthdate"),
                photo: user.photo.as_deref().map(|h| self.image_url(h)),
                uid: self.card_url(&slug),
                revised: Some(user.updated_at),
            },
            fallback_name: slug.to_string(),
        })
    }
}

//! Download data: everything Sigil holds about the person, read in one transaction
//! (so the parts agree with each other), with its activity-log event written in it.
use super::Sigil;
use crate::contact::ContactKind;
use crate::error::CoreError;
use crate::event::{ClientInfo, EventCategory};
use crate::export::{
    utc, AccessEntry, Account, Card, ConsentEntry, Deletion, EmailEntry, EventEntry, Export,
    FavoriteEntry, Field, InvitationEntry, LinkedIdentifier, PendingContactEntry, PhoneEntry,
    Photo, SessionEntry, FORMAT,
};
use crate::ports::Tx;
use crate::privacy::PrivacyLevels;
use crate::session::Session;
use crate::user::{FieldValues, User, UserStatus};

/// How many events one query of the export reads.
const EVENT_BATCH: i64 = 500;

impl Sigil {
    /// The person's data, for download. Needs a sign-in younger than the re-auth
    /// window ([`CoreError::ReauthRequired`]) and an account that is active on its
    /// fresh row ([`CoreError::AccountNotActive`]); writes one `data.exported` event,
    /// which the export itself already lists.
    pub async fn export_data(
        &self,
        current: &Session,
        client: &ClientInfo,
    ) -> Result<Export, CoreError> {
        self.require_recent(current)?;
        let mut tx = self.store.begin().await?;
        // Read fresh and held: a deletion running at the same time waits for the
        // export, or the export sees the account no longer active.
        let user = tx
            .lock_user(current.user_id)
            .await?
            .ok_or(CoreError::NotFound)?;
        if user.status != UserStatus::Active {
            return Err(CoreError::AccountNotActive);
        }
        tx.insert_event(&self.event(Some(user.id), EventCategory::DataExported, client))
            .await?;
        let export = self.gather(&mut *tx, user, current).await?;
        tx.commit().await?;
        Ok(export)
    }

    async fn gather(
        &self,
        tx: &mut dyn Tx,
        user: User,
        current: &Session,
    ) -> Result<Export, CoreError> {
        let (values, chosen) = tx.values_and_privacy(user.id).await?;
        let level = |key: &str| self.level_in_force(&chosen, key);
        let identifiers = tx
            .list_identifiers(user.id)
            .await?
            .into_iter()
            .map(|i| LinkedIdentifier {
                privacy: self.identifier_privacy(&i).as_str().to_owned(),
                provider: i.provider,
                subject: i.subject,
                email: i.email,
                name: i.name,
                has_avatar: i.has_avatar,
                linked_at: utc(i.linked_at),
            })
            .collect();
        let card = tx.find_card(user.id).await?.map(|(slug, active)| Card {
            active,
            url: self.card_url(&slug),
            link: slug.to_string(),
        });
        let mut consents = Vec::new();
        for c in tx.list_consents(user.id).await? {
            let application = tx.find_app(&c.client_id).await?.map(|a| a.name);
            consents.push(ConsentEntry {
                client_id: c.client_id.to_string(),
                application,
                scopes: c.scopes.iter().map(str::to_owned).collect(),
                granted_at: utc(c.granted_at),
                updated_at: utc(c.updated_at),
            });
        }
        let sessions = tx.list_sessions_of_user(user.id).await?;
        let sessions = self
            .live_devices(sessions, current)
            .into_iter()
            .map(|d| SessionEntry {
                device: d.client.device,
                browser: d.client.browser,
                os: d.client.os,
                ip: d.client.ip,
                method: d.method,
                signed_in_at: utc(d.signed_in_at),
                authenticated_at: utc(d.auth_time),
                last_seen_at: utc(d.last_seen_at),
                expires_at: utc(d.expires_at),
                current: d.is_current,
            })
            .collect();
        let mut pending_contacts = Vec::new();
        for kind in [ContactKind::Email, ContactKind::Phone] {
            if let Some(v) = tx.find_verification(user.id, kind).await? {
                if v.used_at.is_none() {
                    pending_contacts.push(PendingContactEntry {
                        kind: kind.as_str().to_owned(),
                        address: v.address,
                        channel: v.channel.as_str().to_owned(),
                        requested_at: utc(v.created_at),
                        expires_at: utc(v.expires_at),
                    });
                }
            }
        }
        let mut invitations = Vec::new();
        let verified = user.email.as_ref().filter(|_| user.email_verified);
        for i in tx.list_invitations_of_person(verified, user.id).await? {
            let application = tx.find_app(&i.client_id).await?.map(|a| a.name);
            invitations.push(InvitationEntry {
                client_id: i.client_id.0,
                application,
                email: i.email.as_str().to_owned(),
                status: i.status.as_str().to_owned(),
                invited_at: utc(i.created_at),
                expires_at: utc(i.expires_at),
                decided_at: i.decided_at.map(utc),
            });
        }
        let favorites = tx
            .list_favorites(user.id)
            .await?
            .into_iter()
            .map(|f| FavoriteEntry {
                client_id: f.client_id.0,
                name: f.name,
                added_at: utc(f.added_at),
            })
            .collect();
        let mut app_access = Vec::new();
        for a in tx.list_access_of_user(user.id).await? {
            app_access.push(AccessEntry {
                name: tx.find_app(&a.client_id).await?.map(|app| app.name),
                client_id: a.client_id.0,
                source: a.source.as_str().to_owned(),
                granted_at: utc(a.granted_at),
            });
        }
        Ok(Export {
            format: FORMAT,
            exported_at: utc(self.clock.now()),
            issuer: self.settings.oidc.issuer.clone(),
            account: Account {
                id: user.id.to_string(),
                sub: user.id.to_string(),
                login: user.login.as_ref().map(|l| l.as_str().to_owned()),
                status: user.status.as_str().to_owned(),
                locale: user.locale.map(|l| l.tag().to_owned()),
                mail_locale: tx.mail_locale(user.id).await?.map(|l| l.tag().to_owned()),
                profile_private: user.profile_private,
                is_operator: user.is_operator,
                has_password: user.password_hash.is_some(),
                password_set_at: tx.password_set_at(user.id).await?.map(utc),
                created_at: utc(user.created_at),
                updated_at: utc(user.updated_at),
            },
            fields: self.export_fields(&user, &values, &chosen),
            email: user.email.as_ref().map(|e| EmailEntry {
                address: e.as_str().to_owned(),
                verified: user.email_verified,
                privacy: level("email"),
            }),
            phone: user.phone.as_ref().map(|p| PhoneEntry {
                number: p.as_str().to_owned(),
                verified: true,
                privacy: level("phone"),
            }),
            photo: user.photo.as_deref().map(|hash| Photo {
                url: self.image_url(hash),
                thumbnail_url: user.photo_small.as_deref().map(|h| self.image_url(h)),
                privacy: level("photo"),
            }),
            identifiers,
            card,
            consents,
            sessions,
            events: all_events(tx, &user).await?,
            pending_contacts,
            deletion: Deletion {
                status: user.status.as_str().to_owned(),
                requested_at: match user.status {
                    UserStatus::PendingDeletion { requested_at, .. } => Some(requested_at),
                    _ => None,
                },
                erase_after: user.status.erase_after(),
            },
            invitations,
            favorites,
            app_access,
        })
    }

    /// Every catalogue field with its value (or `null`) and level, then any value
    /// kept for a field the operator has removed since.
    fn export_fields(
        &self,
        user: &User,
        values: &FieldValues,
        chosen: &PrivacyLevels,
    ) -> Vec<Field> {
        let level = |key: &str| self.level_in_force(chosen, key);
        let catalogue = self.settings.catalogue.fields();
        let mut fields: Vec<Field> = catalogue
            .iter()
            .map(|def| Field {
                key: def.key.clone(),
                block: Some(block_name(def.block).to_owned()),
                value: match def.kind {
                    crate::fields::FieldKind::Login => {
                        user.login.as_ref().map(|l| l.as_str().to_owned())
                    }
                    _ => values.get(&def.key).cloned(),
                },
                privacy: level(&def.key),
            })
            .collect();
        fields.extend(
            values
                .iter()
                .filter(|(key, _)| !catalogue.iter().any(|d| &d.key == *key))
                .map(|(key, value)| Field {
                    key: key.clone(),
                    block: None,
                    value: Some(value.clone()),
                    privacy: level(key),
                }),
        );
        fields
    }
}

impl Sigil {
    /// The level of `key` in force: the person's choice, else the operator's default.
    fn level_in_force(&self, chosen: &PrivacyLevels, key: &str) -> String {
        chosen
            .get(key)
            .copied()
            .unwrap_or_else(|| self.settings.default_privacy(key))
            .as_str()
            .to_owned()
    }
}

fn block_name(block: crate::fields::Block) -> &'static str {
    match block {
        crate::fields::Block::Main => "main",
        crate::fields::Block::Additional => "additional",
    }
}

/// The whole activity log, newest first, a batch at a time inside the transaction.
async fn all_events(tx: &mut dyn Tx, user: &User) -> Result<Vec<EventEntry>, CoreError> {
    let mut out = Vec::new();
    let mut before = None;
    loop {
        let batch = tx.list_events(user.id, None, before, EVENT_BATCH).await?;
        let full = i64::try_from(batch.len()).unwrap_or(0) == EVENT_BATCH;
        before = batch.last().map(|e| e.id);
        out.extend(batch.into_iter().map(|e| EventEntry {
            id: e.id,
            at: utc(e.at),
            category: e.category,
            client_id: e.client_id,
            application: e.client_name,
            ip: e.client.ip,
            device: e.client.device,
            browser: e.client.browser,
            os: e.client.os,
            details: e.details,
        }));
        if !full || before.is_none() {
            return Ok(out);
        }
    }
}

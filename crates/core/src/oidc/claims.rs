//! What an application receives: per granted scope, the person's fields that the
//! release rule lets through, as OpenID Connect claims
//! ([Core §5.1](https://openid.net/specs/openid-connect-core-1_0.html#StandardClaims)).
use serde_json::{json, Map, Value};

use super::scope::{ScopeCatalogue, ScopeSet};
use crate::privacy::{releases, PrivacyLevel, Requester};
use crate::user::{FieldValues, User};

/// The person's data as the rule sees it.
pub struct Subject<'a> {
    pub user: &'a User,
    pub values: &'a FieldValues,
    /// Privacy by field key; a field without an entry is on request.
    pub privacy: &'a (dyn Fn(&str) -> PrivacyLevel + Sync),
    pub profile_private: bool,
    /// The photo's absolute address, if there is one.
    pub photo_url: Option<String>,
}

impl Subject<'_> {
    /// The value of a field, whether it lives on the account or in the catalogue.
    pub fn value(&self, key: &str) -> Option<String> {
        match key {
            "login" => self.user.login.as_ref().map(|l| l.to_string()),
            "email" => self.user.email.as_ref().map(|e| e.to_string()),
            "phone" => self.user.phone.as_ref().map(|p| p.to_string()),
            "photo" => self.photo_url.clone(),
            _ => self.values.get(key).cloned(),
        }
    }
}

/// Per scope of `granted`, in catalogue order, the fields with a value that would be
/// released to an application holding that consent.
pub fn plan<'c>(
    subject: &Subject<'_>,
    granted: &ScopeSet,
    catalogue: &'c ScopeCatalogue,
) -> Vec<(&'c str, Vec<(String, String)>)> {
    catalogue
        .all()
        .iter()
        .filter(|def| granted.contains(&def.name))
        .map(|def| {
            let fields = def
                .fields
                .iter()
                .filter(|key| {
                    releases(
                        (subject.privacy)(key),
                        Requester::Application { consented: true },
                        subject.profile_private,
                    )
                })
                .filter_map(|key| subject.value(key).map(|v| (key.clone(), v)))
                .collect();
            (def.name.as_str(), fields)
        })
        .collect()
}

/// The claims for ID tokens and userinfo.
pub fn claims(
    subject: &Subject<'_>,
    granted: &ScopeSet,
    catalogue: &ScopeCatalogue,
) -> Map<String, Value> {
    let mut out = Map::new();
    for (_, fields) in plan(subject, granted, catalogue) {
        for (key, value) in fields {
            match key.as_str() {
                "login" => {
                    out.insert("preferred_username".into(), json!(value));
                }
                "photo" => {
                    out.insert("picture".into(), json!(value));
                }
                "email" => {
                    out.insert("email".into(), json!(value));
                    out.insert("email_verified".into(), json!(subject.user.email_verified));
                }
                "phone" => {
                    out.insert("phone_number".into(), json!(value));
                    // Sigil keeps only verified numbers on the account.
                    out.insert("phone_number_verified".into(), json!(true));
                }
                _ => {
                    out.insert(key, json!(value));
                }
            }
        }
    }
    let name: Vec<&str> = ["given_name", "family_name"]
        .iter()
        .filter_map(|k| out.get(*k).and_then(Value::as_str))
        .collect();
    if !name.is_empty() {
        let full = name.join(" ");
        out.insert("name".into(), json!(full));
    }
    if granted.contains("profile") {
        out.insert(
            "updated_at".into(),
            json!(subject.user.updated_at.unix_timestamp()),
        );
        if let Some(locale) = subject.user.locale {
            out.insert("locale".into(), json!(locale.tag()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::email::Email;
    use crate::login::Login;
    use crate::user::UserStatus;
    use time::macros::datetime;

    fn user() -> User {
        User {
            id: "00000000-0000-4000-8000-000000000001".parse().expect("id"),
            login: Some(Login::from_trusted("ada".into())),
            email: Some(Email::from_trusted("ada@example.org".into())),
            email_verified: false,
            phone: None,
            photo: None,
            photo_small: None,
            profile_private: false,
            password_hash: None,
            status: UserStatus::Active,
            is_operator: false,
            locale: None,
            created_at: datetime!(2026-01-01 0:00 UTC),
            updated_at: datetime!(2026-01-02 0:00 UTC),
            name: None,
        }
    }

    #[test]
    fn only_granted_scopes_and_releasable_fields_become_claims() {
        let u = user();
        let mut values = FieldValues::new();
        values.insert("given_name".into(), "Ada".into());
        values.insert("family_name".into(), "Lovelace".into());
        values.insert("birthdate".into(), "1990-12-10".into());
        let private_birthdate = |k: &str| {
            if k == "birthdate" {
                PrivacyLevel::Private
            } else {
                PrivacyLevel::OnRequest
            }
        };
        let subject = Subject {
            user: &u,
            values: &values,
            privacy: &private_birthdate,
            profile_private: false,
            photo_url: Some("https://id.example.org/public/images/profile/ab".into()),
        };
        let cat = ScopeCatalogue::standard();
        let c = claims(
            &subject,
            &ScopeSet::parse("openid profile").expect("scopes"),
            &cat,
        );
        assert_eq!(c["name"], "Ada Lovelace");
        assert_eq!(c["preferred_username"], "ada");
        assert_eq!(
            c["picture"], "https://id.example.org/public/images/profile/ab",
            "the photo is the picture claim"
        );
        assert!(c.get("birthdate").is_none(), "private is never released");
        assert!(c.get("email").is_none(), "email scope not granted");
        let c = claims(
            &subject,
            &ScopeSet::parse("openid email").expect("scopes"),
            &cat,
        );
        assert_eq!(c["email"], "ada@example.org");
        assert_eq!(c["email_verified"], false);
        assert!(c.get("given_name").is_none());
    }
}

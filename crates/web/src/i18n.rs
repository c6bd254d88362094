//! Translations with Fluent: one `.ftl` file per language (plus one per console concern
//! under `locales/<tag>/`), compiled into the binary.
//! A unit test fails if any message is missing in any language.
use std::collections::HashMap;

use anyhow::{anyhow, Context};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use sigil_core::error::FieldErrorKind;
use sigil_core::fields::FieldDef;
use sigil_core::locale::Locale;
use sigil_core::password::PasswordError;
use unic_langid::LanguageIdentifier;

/// One language's messages: its main file and one file per console concern, joined.
macro_rules! language {
    ($tag:literal) => {
        concat!(
            include_str!(concat!("../locales/", $tag, ".ftl")),
            "\n",
            include_str!(concat!("../locales/", $tag, "/shell.ftl")),
            "\n",
            include_str!(concat!("../locales/", $tag, "/values.ftl")),
            "\n",
            include_str!(concat!("../locales/", $tag, "/flow.ftl")),
            "\n",
            include_str!(concat!("../locales/", $tag, "/docs.ftl")),
            "\n",
            include_str!(concat!("../locales/", $tag, "/lifecycle.ftl")),
            "\n",
            include_str!(concat!("../locales/", $tag, "/deletion.ftl")),
            "\n",
            include_str!(concat!("../locales/", $tag, "/devices.ftl")),
            "\n",
            include_str!(concat!("../locales/", $tag, "/backchannel.ftl")),
            "\n",
            include_str!(concat!("../locales/", $tag, "/invitations.ftl")),
            "\n",
            include_str!(concat!("../locales/", $tag, "/access.ftl")),
            "\n",
            include_str!(concat!("../locales/", $tag, "/catalog.ftl")),
            "\n",
            include_str!(concat!("../locales/", $tag, "/ops.ftl")),
        )
    };
}

pub(crate) const SOURCES: [(Locale, &str); 3] = [
    (Locale::En, language!("en")),
    (Locale::De, language!("de")),
    (Locale::Ru, language!("ru")),
];

pub struct I18n {
    bundles: HashMap<Locale, FluentBundle<FluentResource>>,
}

impl I18n {
    pub fn load() -> anyhow::Result<Self> {
        let mut bundles = HashMap::new();
        for (locale, source) in SOURCES {
            let resource = FluentResource::try_new(source.to_owned())
                .map_err(|(_, errors)| anyhow!("{}.ftl: {errors:?}", locale.tag()))?;
            let lang: LanguageIdentifier = locale.tag().parse().context("language tag")?;
            let mut bundle = FluentBundle::new_concurrent(vec![lang]);
            // Isolation marks would show up as stray characters in attributes and JSON.
            bundle.set_use_isolating(false);
            bundle
                .add_resource(resource)
                .map_err(|errors| anyhow!("{}.ftl: {errors:?}", locale.tag()))?;
            bundles.insert(locale, bundle);
        }
        Ok(Self { bundles })
    }

    /// The message `key` in `locale`, falling back to English, then to the key itself
    /// (which the completeness test keeps from ever happening).
    pub fn message(&self, locale: Locale, key: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let args = (!args.is_empty()).then(|| {
            let mut a = FluentArgs::new();
            for (name, value) in args {
                a.set(*name, value.clone());
            }
            a
        });
        for l in [locale, Locale::En] {
            let Some(bundle) = self.bundles.get(&l) else {
                continue;
            };
            if let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) {
                let mut errors = vec![];
                return bundle
                    .format_pattern(pattern, args.as_ref(), &mut errors)
                    .into_owned();
            }
        }
        key.to_owned()
    }
}

/// The translator handed to templates and error mapping: one language, bound.
#[derive(Clone, Copy)]
pub struct Tr<'a> {
    pub locale: Locale,
    pub i18n: &'a I18n,
}

impl<'a> Tr<'a> {
    pub fn new(i18n: &'a I18n, locale: Locale) -> Self {
        Self { locale, i18n }
    }

    pub fn t(&self, key: &str) -> String {
        self.i18n.message(self.locale, key, &[])
    }

    pub fn t_with(&self, key: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        self.i18n.message(self.locale, key, args)
    }

    /// A message with one text argument.
    pub fn t1(&self, key: &str, name: &str, value: &str) -> String {
        self.t_with(key, &[(name, value.to_owned().into())])
    }

    pub fn lang(&self) -> &'static str {
        self.locale.tag()
    }

    /// A field's label: the translation for standard fields, the operator's label for
    /// their own.
    pub fn field_label(&self, def: &FieldDef) -> String {
        match def.custom_label(self.locale) {
            Some(label) if !def.is_standard() => label.to_owned(),
            _ => self.t(&format!("field-{}", def.key)),
        }
    }

    /// The label of any field key: the catalogue's, the photo, the email or the phone.
    pub fn key_label(&self, catalogue: &sigil_core::fields::FieldCatalogue, key: &str) -> String {
        match (catalogue.get(key), key) {
            (Some(def), _) => self.field_label(def),
            (None, "photo") => self.t("shell-photo-block"),
            (None, _) => self.t(&format!("contacts-{key}")),
        }
    }

    pub fn field_error(&self, kind: &FieldErrorKind) -> String {
        match kind {
            FieldErrorKind::TooShort { min } => {
                self.t_with("error-too_short", &[("min", (*min).into())])
            }
            FieldErrorKind::TooLong { max } => {
                self.t_with("error-too_long", &[("max", (*max).into())])
            }
            FieldErrorKind::Password(PasswordError::TooShort { min }) => {
                self.t_with("error-password_too_short", &[("min", (*min).into())])
            }
            FieldErrorKind::CodeWrong { left } => {
                self.t_with("error-code_wrong", &[("left", (*left).into())])
            }
            FieldErrorKind::TooSoon { seconds } => {
                self.t_with("error-too_soon", &[("seconds", (*seconds).into())])
            }
            other => self.t(&format!("error-{}", other.code())),
        }
    }

    /// The message for an error on one field: like [`Tr::field_error`], but where the
    /// wording depends on the field (a phone number is not an address).
    pub fn error_on(&self, error: &sigil_core::FieldError) -> String {
        match (&error.kind, error.field.as_str()) {
            (FieldErrorKind::Unchanged, "phone") => self.t("flow-unchanged-phone"),
            (kind, _) => self.field_error(kind),
        }
    }

    /// The translated name of an activity-log category such as `sign_in.failed`.
    pub fn event_category(&self, category: &str) -> String {
        self.t(&format!("event-{}", category.replace('.', "-")))
    }

    pub fn device(&self, device: Option<&str>) -> String {
        match device {
            Some(
                d @ ("pc" | "smartphone" | "tablet" | "mobilephone" | "appliance" | "crawler"
                | "cli"),
            ) => self.t(&format!("device-{d}")),
            _ => self.t("device-unknown"),
        }
    }
}

#[cfg(test)]
mod tests;

/// The person's language: their remembered choice, then the language cookie (for
/// people not signed in), then `Accept-Language`, then English.
pub fn negotiate_headers(
    headers: &axum::http::HeaderMap,
    config: &crate::state::WebConfig,
    user: Option<&sigil_core::user::User>,
) -> Locale {
    if let Some(locale) = user.and_then(|u| u.locale) {
        return locale;
    }
    if let Some(locale) = chosen_locale(headers, config) {
        return locale;
    }
    headers
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Locale::negotiate)
        .unwrap_or_default()
}

/// The language this browser chose with the language menu (its cookie), if any. On
/// pages where no one is signed in it beats an account's stored language and an
/// application's `ui_locales`: it is the person's explicit choice.
pub fn chosen_locale(
    headers: &axum::http::HeaderMap,
    config: &crate::state::WebConfig,
) -> Option<Locale> {
    let jar = axum_extra::extract::CookieJar::from_headers(headers);
    let cookie = crate::auth::cookies::name(config, crate::auth::cookies::LANG);
    jar.get(&cookie).and_then(|c| Locale::parse(c.value()))
}

pub fn negotiated(
    parts: &axum::http::request::Parts,
    state: &crate::state::AppState,
    user: Option<&sigil_core::user::User>,
) -> Locale {
    negotiate_headers(&parts.headers, &state.config, user)
}

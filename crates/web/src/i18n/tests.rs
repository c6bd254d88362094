//! Translation completeness: every message exists in every language, and every key the
//! code and templates use exists.
use std::collections::BTreeSet;

use fluent_bundle::FluentResource;
use fluent_syntax::ast::Entry;
use regex::Regex;
use sigil_core::card::SlugError;
use sigil_core::email::EmailError;
use sigil_core::error::FieldErrorKind;
use sigil_core::event::EventCategory;
use sigil_core::fields::FieldCatalogue;
use sigil_core::login::LoginError;
use sigil_core::password::{PasswordError, Weakness};

use super::{I18n, Tr, SOURCES};

fn ids(source: &str) -> BTreeSet<String> {
    let resource = FluentResource::try_new(source.to_owned()).expect("parses");
    resource
        .entries()
        .filter_map(|e| match e {
            Entry::Message(m) => Some(m.id.name.to_owned()),
            _ => None,
        })
        .collect()
}

#[test]
fn every_language_has_every_message_and_no_extra_ones() {
    let english = ids(SOURCES[0].1);
    assert!(english.len() > 50, "suspiciously few messages");
    for (locale, source) in &SOURCES[1..] {
        let other = ids(source);
        let missing: Vec<_> = english.difference(&other).collect();
        let extra: Vec<_> = other.difference(&english).collect();
        assert!(missing.is_empty(), "{} lacks {missing:?}", locale.tag());
        assert!(extra.is_empty(), "{} has unknown {extra:?}", locale.tag());
    }
}

#[test]
fn every_key_used_in_templates_and_code_exists() {
    let english = ids(SOURCES[0].1);
    let used = Regex::new(r#"\bt(?:_with|1)?\("([a-z][a-z0-9_-]*)""#).expect("regex");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut checked = 0;
    // Every file under templates/ and src/, at any depth, so a new folder is not missed.
    let mut pending = vec![root.join("templates"), root.join("src")];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("read");
            for cap in used.captures_iter(&text) {
                checked += 1;
                assert!(
                    english.contains(&cap[1]),
                    "{} uses missing key {}",
                    path.display(),
                    &cap[1]
                );
            }
        }
    }
    assert!(checked > 40, "the scan found only {checked} keys");
}

/// Every code [`FieldErrorKind::code`] can return, read from its source: the match there
/// is exhaustive, so a kind added later is found here without a list to keep up.
fn every_field_error_code() -> BTreeSet<String> {
    let source = include_str!("../../../core/src/error.rs");
    let start = source
        .find("pub fn code(&self)")
        .expect("FieldErrorKind::code");
    let body = &source[start..];
    let end = body.find("\n    }\n").expect("the end of code()");
    let codes: BTreeSet<String> = Regex::new(r#"=>\s*"([a-z0-9_]+)""#)
        .expect("regex")
        .captures_iter(&body[..end])
        .map(|c| c[1].to_owned())
        .collect();
    assert!(codes.len() > 30, "found only {codes:?}");
    codes
}

#[test]
fn every_field_error_code_has_a_message_in_every_language() {
    let i18n = I18n::load().expect("load");
    for (locale, source) in SOURCES {
        let keys = ids(source);
        let tr = Tr::new(&i18n, locale);
        for code in every_field_error_code() {
            let key = format!("error-{code}");
            assert!(keys.contains(&key), "{} lacks {key}", locale.tag());
            assert_ne!(tr.t(&key), key, "{} {key}", locale.tag());
        }
    }
}

#[test]
fn every_generated_key_exists_in_every_language() {
    let i18n = I18n::load().expect("load");
    let mut kinds = vec![
        FieldErrorKind::Required,
        FieldErrorKind::TooShort { min: 2 },
        FieldErrorKind::TooLong { max: 9 },
        FieldErrorKind::Pattern,
        FieldErrorKind::Date,
        FieldErrorKind::DateRange,
        FieldErrorKind::Login(LoginError::Length),
        FieldErrorKind::Login(LoginError::Characters),
        FieldErrorKind::Login(LoginError::Invisible),
        FieldErrorKind::Slug(SlugError::Invisible),
        FieldErrorKind::Invisible,
        FieldErrorKind::Email(EmailError),
        FieldErrorKind::Password(PasswordError::TooShort { min: 12 }),
        FieldErrorKind::Password(PasswordError::TooLong),
        FieldErrorKind::Password(PasswordError::Common),
        FieldErrorKind::Password(PasswordError::SameAsLogin),
        FieldErrorKind::Taken,
        FieldErrorKind::NotEditable,
        FieldErrorKind::Unknown,
        FieldErrorKind::WrongPassword,
        FieldErrorKind::LastIdentifier,
        FieldErrorKind::LinkedElsewhere,
        FieldErrorKind::ProviderFailed,
        FieldErrorKind::ProviderDenied,
        FieldErrorKind::ProviderExpired,
        FieldErrorKind::ProviderNotLinked,
        FieldErrorKind::InsecureRedirectUri,
        FieldErrorKind::PkceRequired,
        FieldErrorKind::BackchannelUri,
    ];
    kinds.extend(
        Weakness::ALL
            .into_iter()
            .map(|w| FieldErrorKind::Password(PasswordError::Weak(w))),
    );
    for (locale, source) in SOURCES {
        let keys = ids(source);
        let tr = Tr::new(&i18n, locale);
        for kind in &kinds {
            assert!(
                keys.contains(&format!("error-{}", kind.code())),
                "{} error-{}",
                locale.tag(),
                kind.code()
            );
            assert!(!tr.field_error(kind).starts_with("error-"));
        }
        for why in [
            crate::error::Unreadable::TooLarge,
            crate::error::Unreadable::WrongType,
            crate::error::Unreadable::Malformed,
        ] {
            let key = format!("error-{}", why.code());
            assert!(keys.contains(&key), "{} {key}", locale.tag());
        }
        for key in ["error-invalid_query", "error-no_such_endpoint"] {
            assert!(keys.contains(key), "{} {key}", locale.tag());
        }
        for e in sigil_core::access::AccessError::ALL {
            let key = format!("access-error-{}", e.code());
            assert!(keys.contains(&key), "{} {key}", locale.tag());
        }
        for category in EventCategory::ALL {
            let key = format!("event-{}", category.as_str().replace('.', "-"));
            assert!(keys.contains(&key), "{} {key}", locale.tag());
        }
        for field in FieldCatalogue::standard().fields() {
            assert!(
                keys.contains(&format!("field-{}", field.key)),
                "{} field-{}",
                locale.tag(),
                field.key
            );
        }
        for scope in sigil_core::oidc::scope::ScopeCatalogue::STANDARD {
            assert!(
                keys.contains(&format!("scope-{scope}")),
                "{} scope-{scope}",
                locale.tag()
            );
        }
        for device in [
            "pc",
            "smartphone",
            "tablet",
            "mobilephone",
            "appliance",
            "crawler",
            "cli",
            "unknown",
        ] {
            assert!(
                keys.contains(&format!("device-{device}")),
                "{} device-{device}",
                locale.tag()
            );
        }
    }
}

#[test]
fn messages_with_arguments_are_filled_in() {
    let i18n = I18n::load().expect("load");
    for (locale, _) in SOURCES {
        let tr = Tr::new(&i18n, locale);
        let text = tr.field_error(&FieldErrorKind::TooLong { max: 42 });
        assert!(text.contains("42"), "{}: {text}", locale.tag());
    }
}

/// Messages that read the same in a language as in English on purpose: names, codes,
/// units and words German or Russian take over unchanged. Anything else identical to
/// English is an untranslated copy.
const SAME_AS_ENGLISH: &[(&str, &str)] = &[
    ("de", "contacts-channel-sms"),
    ("de", "contacts-via-sms"),
    ("de", "device-pc"),
    ("de", "device-smartphone"),
    ("de", "device-tablet"),
    ("de", "field-login"),
    ("*", "profile-id"),
];

#[test]
fn no_message_is_an_english_copy_unless_meant_to_be() {
    let i18n = I18n::load().expect("load");
    let english = ids(SOURCES[0].1);
    let mut copies = vec![];
    for (locale, _) in &SOURCES[1..] {
        for key in &english {
            let en = i18n.message(sigil_core::locale::Locale::En, key, &[]);
            let other = i18n.message(*locale, key, &[]);
            let allowed = SAME_AS_ENGLISH
                .iter()
                .any(|(tag, k)| *k == key && (*tag == "*" || *tag == locale.tag()));
            if en == other && !allowed {
                copies.push(format!("{}: {key} = {other:?}", locale.tag()));
            }
        }
    }
    assert!(copies.is_empty(), "English copies:\n{}", copies.join("\n"));
}

/// A Russian long date ends in "г." (year): a sentence that ends right after one would
/// end in "г..", so no Russian message puts its full stop after a date.
#[test]
fn no_russian_sentence_ends_right_after_a_date() {
    let (_, ru) = SOURCES
        .iter()
        .find(|(l, _)| *l == sigil_core::locale::Locale::Ru)
        .expect("Russian");
    let ending: Vec<&str> = ["date", "when", "until", "at", "erase_after"]
        .iter()
        .flat_map(|var| {
            let after = format!("{{ ${var} }}.");
            ru.lines().filter(move |l| l.contains(&after))
        })
        .collect();
    assert!(
        ending.is_empty(),
        "a full stop after a date doubles the one in \"г.\": {ending:#?}"
    );
}

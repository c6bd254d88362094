//! The operator's field catalogue: which profile fields exist, in which block, and the
//! rules for each (mandatory, editable by the person, validation).
use std::collections::BTreeMap;

use regex::Regex;
use serde::Serialize;
use time::{Date, OffsetDateTime};

use crate::error::{FieldError, FieldErrorKind};
use crate::locale::Locale;
use crate::login::Login;
use crate::privacy::PrivacyLevel;

/// Where a field is shown in the console.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Block {
    Main,
    Additional,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldKind {
    Text,
    /// A calendar date, `YYYY-MM-DD` ([RFC 3339](https://www.rfc-editor.org/rfc/rfc3339) full-date).
    Date,
    /// The account's login; unique, and stored on the account.
    Login,
}

/// One field of the catalogue.
#[derive(Clone, Debug)]
pub struct FieldDef {
    pub key: String,
    pub block: Block,
    pub kind: FieldKind,
    pub mandatory: bool,
    pub editable: bool,
    pub min_length: Option<usize>,
    pub max_length: usize,
    pub pattern: Option<Regex>,
    /// The privacy level the field has until the person picks one.
    pub default_privacy: PrivacyLevel,
    /// Operator-given labels for fields Sigil does not know; standard fields are
    /// labelled by the translations.
    pub labels: BTreeMap<Locale, String>,
    /// The operator's hint on what to enter (shown under the field and in its format
    /// error), by language.
    pub hints: BTreeMap<Locale, String>,
}

impl FieldDef {
    fn standard(key: &str, kind: FieldKind, max_length: usize) -> Self {
        Self {
            key: key.to_owned(),
            block: Block::Main,
            kind,
            mandatory: false,
            editable: true,
            min_length: None,
            max_length,
            pattern: None,
            // A public name is meant to be seen; everything else waits for consent.
            default_privacy: if key == "nickname" {
                PrivacyLevel::Public
            } else {
                PrivacyLevel::OnRequest
            },
            labels: BTreeMap::new(),
            hints: BTreeMap::new(),
        }
    }

    pub fn is_standard(&self) -> bool {
        STANDARD_KEYS.contains(&self.key.as_str())
    }

    /// The operator's label in `locale`, falling back to English, then to the key.
    pub fn custom_label(&self, locale: Locale) -> Option<&str> {
        self.labels
            .get(&locale)
            .or_else(|| self.labels.get(&Locale::En))
            .map(String::as_str)
    }

    /// The operator's hint in `locale`, falling back to English; `None` without a hint.
    pub fn hint(&self, locale: Locale) -> Option<&str> {
        self.hints
            .get(&locale)
            .or_else(|| self.hints.get(&Locale::En))
            .map(String::as_str)
    }

    /// A name the person is known by: public name, given and family name (the login
    /// has its own rules in [`Login::parse`]). Other text (a company, a position) may
    /// need a zero-width joiner for its script or an emoji, so only names refuse
    /// invisible characters.
    pub fn is_name(&self) -> bool {
        matches!(self.key.as_str(), "nickname" | "given_name" | "family_name")
    }

    /// Parses a raw input into the value to store, in NFC; `None` means cleared. Empty is
    /// always accepted here: mandatory fields may be saved empty and are asked for at
    /// the next sign-in.
    pub fn parse(&self, raw: &str, today: Date) -> Result<Option<String>, FieldErrorKind> {
        let value = crate::text::nfc(raw.trim());
        let value = value.as_str();
        if value.is_empty() {
            return Ok(None);
        }
        if self.is_name() && crate::text::has_invisible(value) {
            return Err(FieldErrorKind::Invisible);
        }
        if value.chars().any(|c| c.is_control()) {
            return Err(FieldErrorKind::Pattern);
        }
        let len = value.chars().count();
        if let Some(min) = self.min_length {
            if len < min {
                return Err(FieldErrorKind::TooShort { min });
            }
        }
        if len > self.max_length {
            return Err(FieldErrorKind::TooLong {
                max: self.max_length,
            });
        }
        let value = match self.kind {
            FieldKind::Text => value.to_owned(),
            FieldKind::Login => Login::parse(value)
                .map_err(FieldErrorKind::Login)?
                .to_string(),
            FieldKind::Date => parse_birthdate(value, today)?,
        };
        if let Some(re) = &self.pattern {
            if !re.is_match(&value) {
                return Err(FieldErrorKind::Pattern);
            }
        }
        Ok(Some(value))
    }
}

const STANDARD_KEYS: [&str; 5] = [
    "nickname",
    "given_name",
    "family_name",
    "login",
    "birthdate",
];

fn parse_birthdate(value: &str, today: Date) -> Result<String, FieldErrorKind> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = Date::parse(value, &format).map_err(|_| FieldErrorKind::Date)?;
    if date > today || date.year() < 1900 {
        return Err(FieldErrorKind::DateRange);
    }
    date.format(&format).map_err(|_| FieldErrorKind::Date)
}

/// The catalogue in display order: the standard fields first, then the operator's own.
#[derive(Clone, Debug)]
pub struct FieldCatalogue {
    fields: Vec<FieldDef>,
}

/// How the operator overrides a field; built from configuration.
#[derive(Clone, Debug, Default)]
pub struct FieldRule {
    pub block: Option<Block>,
    pub mandatory: Option<bool>,
    pub editable: Option<bool>,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub pattern: Option<String>,
    pub kind: Option<FieldKind>,
    pub privacy: Option<PrivacyLevel>,
    pub labels: BTreeMap<Locale, String>,
    pub hints: BTreeMap<Locale, String>,
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    #[error("field `{0}`: the key may only hold lower-case letters, digits and `_`")]
    BadKey(String),
    #[error("field `{key}`: invalid pattern: {message}")]
    BadPattern { key: String, message: String },
    #[error(
        "field `{0}`: a field Sigil does not know needs at least an English label (labels.en)"
    )]
    MissingLabel(String),
    #[error("field `{0}`: the login cannot be moved out of the main block or change kind")]
    LoginFixed(String),
}

impl FieldCatalogue {
    pub fn standard() -> Self {
        Self {
            fields: vec![
                FieldDef::standard("nickname", FieldKind::Text, 64),
                FieldDef::standard("given_name", FieldKind::Text, 100),
                FieldDef::standard("family_name", FieldKind::Text, 100),
                FieldDef::standard("login", FieldKind::Login, Login::MAX),
                FieldDef::standard("birthdate", FieldKind::Date, 10),
            ],
        }
    }

    /// The standard catalogue with the operator's rules applied, in the order given.
    pub fn with_rules(rules: &[(String, FieldRule)]) -> Result<Self, CatalogueError> {
        let mut catalogue = Self::standard();
        for (key, rule) in rules {
            if key.is_empty()
                || !key
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                return Err(CatalogueError::BadKey(key.clone()));
            }
            let pattern = rule
                .pattern
                .as_deref()
                .map(|p| {
                    Regex::new(&format!("^(?:{p})$")).map_err(|e| CatalogueError::BadPattern {
                        key: key.clone(),
                        message: e.to_string(),
                    })
                })
                .transpose()?;
            let def = match catalogue.fields.iter_mut().find(|f| &f.key == key) {
                Some(def) => def,
                None => {
                    if !rule.labels.contains_key(&Locale::En) {
                        return Err(CatalogueError::MissingLabel(key.clone()));
                    }
                    let mut def = FieldDef::standard(key, FieldKind::Text, 255);
                    def.block = Block::Additional;
                    catalogue.fields.push(def);
                    catalogue
                        .fields
                        .last_mut()
                        .ok_or_else(|| CatalogueError::BadKey(key.clone()))?
                }
            };
            if def.kind == FieldKind::Login
                && (rule.block.is_some_and(|b| b != Block::Main)
                    || rule.kind.is_some_and(|k| k != FieldKind::Login))
            {
                return Err(CatalogueError::LoginFixed(key.clone()));
            }
            if let Some(kind) = rule.kind {
                if kind == FieldKind::Login {
                    return Err(CatalogueError::LoginFixed(key.clone()));
                }
                def.kind = kind;
            }
            if let Some(block) = rule.block {
                def.block = block;
            }
            if let Some(m) = rule.mandatory {
                def.mandatory = m;
            }
            if let Some(p) = rule.privacy {
                def.default_privacy = p;
            }
            if let Some(e) = rule.editable {
                def.editable = e;
            }
            if rule.min_length.is_some() {
                def.min_length = rule.min_length;
            }
            if let Some(max) = rule.max_length {
                def.max_length = max;
            }
            if pattern.is_some() {
                def.pattern = pattern;
            }
            def.labels.extend(rule.labels.clone());
            def.hints.extend(rule.hints.clone());
        }
        Ok(catalogue)
    }

    pub fn fields(&self) -> &[FieldDef] {
        &self.fields
    }

    pub fn get(&self, key: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.key == key)
    }

    /// Mandatory fields that have no value, in catalogue order.
    pub fn missing_mandatory(&self, has_value: impl Fn(&FieldDef) -> bool) -> Vec<&FieldDef> {
        self.fields
            .iter()
            .filter(|f| f.mandatory && !has_value(f))
            .collect()
    }

    /// Validates a set of changes as a whole: every error is reported, and the caller
    /// saves nothing if there is any.
    pub fn validate_changes(
        &self,
        changes: &[(String, String)],
        now: OffsetDateTime,
    ) -> Result<Vec<(&FieldDef, Option<String>)>, Vec<FieldError>> {
        let mut parsed = Vec::new();
        let mut errors = Vec::new();
        for (key, raw) in changes {
            let Some(def) = self.get(key) else {
                errors.push(FieldError::new(key, FieldErrorKind::Unknown));
                continue;
            };
            if !def.editable {
                errors.push(FieldError::new(key, FieldErrorKind::NotEditable));
                continue;
            }
            match def.parse(raw, now.date()) {
                Ok(value) => parsed.push((def, value)),
                Err(kind) => errors.push(FieldError::new(key, kind)),
            }
        }
        if errors.is_empty() {
            Ok(parsed)
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn rule() -> FieldRule {
        FieldRule::default()
    }

    #[test]
    fn operator_rules_override_standard_fields_and_add_new_ones() {
        let mut company = rule();
        company.labels.insert(Locale::En, "Company".into());
        company.mandatory = Some(true);
        let mut family = rule();
        family.editable = Some(false);
        let cat = FieldCatalogue::with_rules(&[
            ("family_name".into(), family),
            ("company".into(), company),
        ])
        .expect("valid rules");
        assert!(!cat.get("family_name").expect("field").editable);
        let company = cat.get("company").expect("added");
        assert_eq!(company.block, Block::Additional);
        assert_eq!(company.custom_label(Locale::Ru), Some("Company"));
        assert_eq!(cat.fields().len(), 6);
    }

    #[test]
    fn a_hint_falls_back_to_english_and_is_absent_without_one() {
        let mut company = rule();
        company.labels.insert(Locale::En, "Company".into());
        company
            .hints
            .insert(Locale::En, "As in the register".into());
        company.hints.insert(Locale::De, "Wie im Register".into());
        let cat = FieldCatalogue::with_rules(&[("company".into(), company)]).expect("valid");
        let def = cat.get("company").expect("added");
        assert_eq!(def.hint(Locale::De), Some("Wie im Register"));
        assert_eq!(def.hint(Locale::Ru), Some("As in the register"));
        assert_eq!(cat.get("nickname").expect("field").hint(Locale::En), None);
    }

    #[test]
    fn a_new_field_without_an_english_label_is_a_configuration_error() {
        let err = FieldCatalogue::with_rules(&[("company".into(), rule())]).expect_err("error");
        assert!(matches!(err, CatalogueError::MissingLabel(_)));
    }

    #[test]
    fn patterns_must_match_the_whole_value() {
        let mut r = rule();
        r.pattern = Some("[A-Z][a-z]+".into());
        let cat = FieldCatalogue::with_rules(&[("given_name".into(), r)]).expect("valid");
        let def = cat.get("given_name").expect("field");
        let today = date!(2026 - 01 - 01);
        assert_eq!(def.parse("Alice", today), Ok(Some("Alice".into())));
        assert_eq!(def.parse("Alice1", today), Err(FieldErrorKind::Pattern));
        assert_eq!(def.parse("  ", today), Ok(None));
    }

    #[test]
    fn text_is_stored_composed_and_names_refuse_invisible_characters() {
        let cat = FieldCatalogue::standard();
        let today = date!(2026 - 01 - 01);
        let given = cat.get("given_name").expect("field");
        assert_eq!(given.parse("Jose\u{301}", today), Ok(Some("José".into())));
        for key in ["nickname", "given_name", "family_name"] {
            let def = cat.get(key).expect("field");
            for hidden in ["Ali\u{200B}ce", "\u{202E}ecilA", "Alice\u{200F}"] {
                assert_eq!(
                    def.parse(hidden, today),
                    Err(FieldErrorKind::Invisible),
                    "{key} {hidden:?}"
                );
            }
        }
        let login = cat.get("login").expect("field");
        assert_eq!(
            login.parse("ali\u{200B}ce", today),
            Err(FieldErrorKind::Login(crate::login::LoginError::Invisible))
        );
    }

    #[test]
    fn birthdates_must_be_real_past_dates() {
        let cat = FieldCatalogue::standard();
        let def = cat.get("birthdate").expect("field");
        let today = date!(2026 - 01 - 01);
        assert_eq!(
            def.parse("1990-02-28", today),
            Ok(Some("1990-02-28".into()))
        );
        assert_eq!(def.parse("1990-02-30", today), Err(FieldErrorKind::Date));
        assert_eq!(def.parse("28.02.1990", today), Err(FieldErrorKind::Date));
        assert_eq!(
            def.parse("2030-01-01", today),
            Err(FieldErrorKind::DateRange)
        );
        assert_eq!(
            def.parse("1850-01-01", today),
            Err(FieldErrorKind::DateRange)
        );
    }

    #[test]
    fn validation_reports_every_error_and_refuses_locked_fields() {
        let mut locked = rule();
        locked.editable = Some(false);
        let cat = FieldCatalogue::with_rules(&[("nickname".into(), locked)]).expect("valid");
        let errors = cat
            .validate_changes(
                &[
                    ("nickname".into(), "x".into()),
                    ("given_name".into(), "a".repeat(101)),
                    ("shoe_size".into(), "44".into()),
                ],
                datetime!(2026-01-01 0:00 UTC),
            )
            .expect_err("invalid");
        let kinds: Vec<_> = errors.iter().map(|e| e.kind.code()).collect();
        assert_eq!(kinds, ["not_editable", "too_long", "unknown_field"]);
    }
}

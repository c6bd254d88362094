//! The catalogue sections of the configuration: `[[fields]]` and `[[scopes]]`, and the
//! privacy levels they name.
use std::collections::BTreeMap;

use serde::Deserialize;
use sigil_core::fields::{Block, FieldCatalogue, FieldKind, FieldRule};
use sigil_core::locale::Locale;
use sigil_core::oidc::scope::{ScopeCatalogue, ScopeDef};
use sigil_core::privacy::PrivacyLevel;

use super::{err, ConfigError};

/// One `[[scopes]]` entry: an operator-defined scope and the fields it releases.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ScopeFile {
    name: String,
    fields: Vec<String>,
    #[serde(default)]
    label: BTreeMap<String, String>,
}

/// One `[[fields]]` entry: overrides a standard field or adds the operator's own.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FieldFile {
    key: String,
    block: Option<String>,
    kind: Option<String>,
    mandatory: Option<bool>,
    editable: Option<bool>,
    min_length: Option<usize>,
    max_length: Option<usize>,
    pattern: Option<String>,
    privacy: Option<String>,
    #[serde(default)]
    label: BTreeMap<String, String>,
    /// What to enter, shown under the field and in its format error.
    #[serde(default)]
    hint: BTreeMap<String, String>,
}

pub(super) fn scopes(
    list: Vec<ScopeFile>,
    fields: &FieldCatalogue,
) -> Result<ScopeCatalogue, ConfigError> {
    let mut defs = Vec::new();
    for s in list {
        let setting = format!("scopes.{}", s.name);
        if let Some(unknown) = s
            .fields
            .iter()
            .find(|f| fields.get(f).is_none() && !["email", "phone", "photo"].contains(&f.as_str()))
        {
            return Err(err(
                &setting,
                format!("field `{unknown}` is not in the field catalogue"),
            ));
        }
        let labels = by_language(&setting, "label", s.label)?;
        defs.push(ScopeDef {
            name: s.name,
            fields: s.fields,
            labels,
            standard: false,
        });
    }
    ScopeCatalogue::with_custom(defs).map_err(|e| err("scopes", e))
}

/// Labels (or hints: `what`) by language; only en, de and ru are known.
fn by_language(
    setting: &str,
    what: &str,
    raw: BTreeMap<String, String>,
) -> Result<BTreeMap<Locale, String>, ConfigError> {
    raw.into_iter()
        .map(|(lang, text)| {
            Locale::parse(&lang)
                .filter(|l| l.tag() == lang)
                .map(|l| (l, text))
                .ok_or_else(|| {
                    err(
                        setting,
                        format!("{what} language `{lang}` (expected en, de or ru)"),
                    )
                })
        })
        .collect()
}

pub(super) fn privacy_level(setting: &str, raw: &str) -> Result<PrivacyLevel, ConfigError> {
    PrivacyLevel::parse(raw).ok_or_else(|| {
        err(
            setting,
            format!("`{raw}` (expected private, on_request or public)"),
        )
    })
}

pub(super) fn catalogue(fields: Vec<FieldFile>) -> Result<FieldCatalogue, ConfigError> {
    let mut rules = Vec::new();
    for f in fields {
        let setting = format!("fields.{}", f.key);
        let block = match f.block.as_deref() {
            None => None,
            Some("main") => Some(Block::Main),
            Some("additional") => Some(Block::Additional),
            Some(other) => {
                return Err(err(
                    &setting,
                    format!("block `{other}` (expected main or additional)"),
                ))
            }
        };
        let kind = match f.kind.as_deref() {
            None => None,
            Some("text") => Some(FieldKind::Text),
            Some("date") => Some(FieldKind::Date),
            Some(other) => {
                return Err(err(
                    &setting,
                    format!("kind `{other}` (expected text or date)"),
                ))
            }
        };
        let labels = by_language(&setting, "label", f.label)?;
        let hints = by_language(&setting, "hint", f.hint)?;
        let privacy = f
            .privacy
            .as_deref()
            .map(|p| privacy_level(&format!("{setting}.privacy"), p))
            .transpose()?;
        let rule = FieldRule {
            privacy,
            block,
            mandatory: f.mandatory,
            editable: f.editable,
            min_length: f.min_length,
            max_length: f.max_length,
            pattern: f.pattern,
            kind,
            labels,
            hints,
        };
        rules.push((f.key, rule));
    }
    FieldCatalogue::with_rules(&rules).map_err(|e| err("fields", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(text: &str) -> Result<FieldCatalogue, ConfigError> {
        #[derive(Deserialize)]
        struct File {
            fields: Vec<FieldFile>,
        }
        let file: File = toml::from_str(text).expect("TOML");
        catalogue(file.fields)
    }

    #[test]
    fn a_field_hint_is_read_by_language_and_unknown_languages_are_refused() {
        let cat = fields(
            "[[fields]]\nkey = \"company\"\nlabel = { en = \"Company\" }\n\
             hint = { en = \"As in the register\", de = \"Wie im Register\" }\n",
        )
        .expect("valid");
        let company = cat.get("company").expect("field");
        assert_eq!(company.hint(Locale::De), Some("Wie im Register"));
        assert_eq!(company.hint(Locale::Ru), Some("As in the register"));

        let e = fields("[[fields]]\nkey = \"given_name\"\nhint = { fr = \"Votre pr\u{e9}nom\" }\n")
            .expect_err("French is not offered");
        assert!(e.to_string().contains("hint language `fr`"), "{e}");
    }
}

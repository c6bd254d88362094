//! `[operator]`: who runs this Sigil; `[policy]`: the personal data processing policy
//! per language (see `sigil_web::policy`).
use std::collections::HashMap;
use std::path::PathBuf;

use serde::Deserialize;
use sigil_core::locale::Locale;
use sigil_web::policy::{Document, Operator, Policy};

use super::{err, ConfigError};

/// `[operator]`: the organisation responsible for the data, and where to write.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct OperatorFile {
    organisation: Option<String>,
    /// An email address or a web address.
    contact: Option<String>,
    /// The operator's language (en, de or ru; en if unset): mail to addresses Sigil
    /// knows no account for (invitations) is written in it.
    language: Option<String>,
}

/// `[operator] language`, checked: one of the console's languages.
pub(super) fn operator_language(operator: Option<&OperatorFile>) -> Result<Locale, ConfigError> {
    match operator.and_then(|o| o.language.as_deref()) {
        None => Ok(Locale::En),
        Some(tag) => Locale::parse(tag.trim()).ok_or_else(|| {
            let known: Vec<&str> = Locale::ALL.iter().map(|l| l.tag()).collect();
            err(
                "operator.language",
                format!("use one of {}", known.join(", ")),
            )
        }),
    }
}

/// `[policy]`: a document per language (`en`, `de`, `ru`): .pdf, .html, .md or .txt.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PolicyFile {
    en: Option<PathBuf>,
    de: Option<PathBuf>,
    ru: Option<PathBuf>,
}

/// Reads the documents once at start-up; without `[operator]`, the default policy
/// names the product and its public address, and the start-up log says to set them.
pub(super) fn policy(
    operator: Option<OperatorFile>,
    file: Option<PolicyFile>,
    product_name: &str,
    public_url: &str,
) -> Result<Policy, ConfigError> {
    let operator = operator.unwrap_or_default();
    let organisation = text("operator.organisation", operator.organisation, 200)?;
    let contact = text("operator.contact", operator.contact, 200)?;
    let file = file.unwrap_or_default();
    let mut documents = HashMap::new();
    for (locale, path) in [
        (Locale::En, file.en),
        (Locale::De, file.de),
        (Locale::Ru, file.ru),
    ] {
        let Some(path) = path else { continue };
        let setting = format!("policy.{}", locale.tag());
        let doc =
            Document::read(&path).map_err(|e| err(&setting, format!("{}: {e}", path.display())))?;
        documents.insert(locale, doc);
    }
    if documents.is_empty() && (organisation.is_none() || contact.is_none()) {
        tracing::warn!(
            "the default personal data policy names the organisation and contact in \
             [operator] organisation and contact; set them"
        );
    }
    Ok(Policy {
        operator: Operator {
            organisation: organisation.unwrap_or_else(|| product_name.to_owned()),
            contact: contact.unwrap_or_else(|| public_url.to_owned()),
        },
        documents,
    })
}

fn text(setting: &str, value: Option<String>, max: usize) -> Result<Option<String>, ConfigError> {
    let Some(value) = value else { return Ok(None) };
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max || value.chars().any(char::is_control) {
        return Err(err(
            setting,
            format!("use 1 to {max} characters on one line"),
        ));
    }
    Ok(Some(value.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_operators_language_is_one_of_the_consoles() {
        let with = |tag: &str| OperatorFile {
            language: Some(tag.into()),
            ..OperatorFile::default()
        };
        assert_eq!(operator_language(None).expect("unset"), Locale::En);
        assert_eq!(
            operator_language(Some(&with("de"))).expect("de"),
            Locale::De
        );
        assert_eq!(
            operator_language(Some(&with(" ru "))).expect("ru"),
            Locale::Ru
        );
        let e = operator_language(Some(&with("fr"))).expect_err("not a console language");
        assert_eq!(e.setting, "operator.language");
        assert!(e.message.contains("en, de, ru"), "{}", e.message);
    }

    #[test]
    fn the_operator_is_named_and_a_bad_document_stops_the_start_up() {
        let operator = OperatorFile {
            organisation: Some("  Acme GmbH ".into()),
            contact: Some("privacy@acme.example".into()),
            language: None,
        };
        let p = policy(Some(operator), None, "Acme ID", "https://id.acme.example").expect("ok");
        assert_eq!(p.operator.organisation, "Acme GmbH");
        assert_eq!(p.operator.contact, "privacy@acme.example");
        // Unset, the default names the product and where it is.
        let p = policy(None, None, "Acme ID", "https://id.acme.example").expect("ok");
        assert_eq!(p.operator.organisation, "Acme ID");
        assert_eq!(p.operator.contact, "https://id.acme.example");

        let blank = OperatorFile {
            organisation: Some(" ".into()),
            contact: None,
            language: None,
        };
        let e = policy(Some(blank), None, "Acme ID", "x").expect_err("blank");
        assert_eq!(e.setting, "operator.organisation");
        let missing = PolicyFile {
            de: Some("/nonexistent/policy.de.pdf".into()),
            ..PolicyFile::default()
        };
        let e = policy(None, Some(missing), "Acme ID", "x").expect_err("missing file");
        assert_eq!(e.setting, "policy.de");
        assert!(
            e.message.contains("/nonexistent/policy.de.pdf"),
            "{}",
            e.message
        );
    }
}

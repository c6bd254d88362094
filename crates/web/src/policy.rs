//! The personal data processing policy. The operator supplies a document per language
//! (PDF, HTML, Markdown or plain text, read once at start-up); a language without one
//! gets the operator's English document, and an operator without any gets Sigil's plain
//! default, which names the operator's organisation and contact address.
//!
//! `GET /policy` answers in the person's language (as every page picks it) and
//! `GET /policy/{lang}` in the one asked for; both download the file.
use std::collections::HashMap;
use std::path::Path;

use axum::extract::{Path as UrlPath, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use fluent_bundle::FluentValue;
use sigil_core::locale::Locale;

use crate::auth::session::OptionalUser;
use crate::i18n::negotiate_headers;
use crate::state::AppState;

/// The largest document accepted: a policy, not a library.
pub const DOCUMENT_MAX_BYTES: u64 = 8 * 1024 * 1024;

/// Who runs this Sigil, as the default policy names them.
#[derive(Clone, Debug, Default)]
pub struct Operator {
    /// The organisation responsible for the data (the controller).
    pub organisation: String,
    /// Where people write about their data: an email address or a web address.
    pub contact: String,
}

/// The policy documents and whom they name.
#[derive(Clone, Debug, Default)]
pub struct Policy {
    pub operator: Operator,
    /// The operator's own documents by language.
    pub documents: HashMap<Locale, Document>,
}

/// What kind of file a document is, by its name's extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Pdf,
    Html,
    Markdown,
    Text,
}

impl Kind {
    pub fn of(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "pdf" => Self::Pdf,
            "html" | "htm" => Self::Html,
            "md" | "markdown" => Self::Markdown,
            "txt" | "text" => Self::Text,
            _ => return None,
        })
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Html => "text/html; charset=utf-8",
            Self::Markdown => "text/markdown; charset=utf-8",
            Self::Text => "text/plain; charset=utf-8",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Html => "html",
            Self::Markdown => "md",
            Self::Text => "txt",
        }
    }
}

/// One language's document.
#[derive(Clone, Debug)]
pub struct Document {
    pub kind: Kind,
    pub bytes: Vec<u8>,
}

impl Document {
    /// Reads and checks a document: a known extension, not too large, a PDF that is
    /// one, text that is UTF-8.
    pub fn read(path: &Path) -> Result<Self, String> {
        let kind = Kind::of(path)
            .ok_or("use a .pdf, .html, .md or .txt file (the extension decides the type)")?;
        let size = std::fs::metadata(path).map_err(|e| e.to_string())?.len();
        if size > DOCUMENT_MAX_BYTES {
            return Err(format!(
                "{size} bytes; at most {DOCUMENT_MAX_BYTES} are served"
            ));
        }
        let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
        match kind {
            Kind::Pdf if !bytes.starts_with(b"%PDF-") => {
                return Err("not a PDF file (it does not start with %PDF-)".into())
            }
            Kind::Pdf => {}
            _ if std::str::from_utf8(&bytes).is_err() => {
                return Err("not UTF-8 text".into());
            }
            _ => {}
        }
        Ok(Self { kind, bytes })
    }
}

impl Policy {
    /// The document for `locale` and the language it is in: the operator's in that
    /// language, else theirs in English, else Sigil's default in that language.
    /// `grace_days`: how long a deleted account can be restored, as the default tells
    /// it ("30 days", in the language's own plural).
    pub fn document(&self, locale: Locale, grace_days: &str) -> (Locale, Document) {
        for language in [locale, Locale::En] {
            if let Some(doc) = self.documents.get(&language) {
                return (language, doc.clone());
            }
        }
        let doc = Document {
            kind: Kind::Text,
            bytes: self.default_text(locale, grace_days).into_bytes(),
        };
        (locale, doc)
    }

    /// Sigil's plain default, with the operator's particulars put in.
    pub fn default_text(&self, locale: Locale, grace_days: &str) -> String {
        let template = match locale {
            Locale::En => include_str!("../policy/default.en.txt"),
            Locale::De => include_str!("../policy/default.de.txt"),
            Locale::Ru => include_str!("../policy/default.ru.txt"),
        };
        fill(
            template,
            &[
                ("organisation", self.operator.organisation.as_str()),
                ("contact", self.operator.contact.as_str()),
                ("grace_days", grace_days),
            ],
        )
    }
}

/// Puts `{name}` values into a template in one pass, so a value that itself holds
/// braces is never read as a placeholder.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            values
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v, close))
        });
        match value {
            Some((v, close)) => {
                out.push_str(v);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// `GET /policy`: the policy in the person's language.
pub async fn current(
    State(state): State<AppState>,
    OptionalUser(user): OptionalUser,
    headers: HeaderMap,
) -> Response {
    let locale = negotiate_headers(&headers, &state.config, user.as_ref().map(|(_, u)| u));
    serve(&state, locale)
}

/// `GET /policy/{lang}`: the policy in the language asked for.
pub async fn in_language(
    State(state): State<AppState>,
    UrlPath(lang): UrlPath<String>,
) -> Response {
    match Locale::parse(&lang).filter(|l| l.tag() == lang) {
        Some(locale) => serve(&state, locale),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

fn serve(state: &AppState, locale: Locale) -> Response {
    let days = state.sigil.settings().deletion_grace.whole_days();
    let grace_days = state.i18n.message(
        locale,
        "lifecycle-policy-days",
        &[("days", FluentValue::from(days))],
    );
    let (locale, doc) = state.config.policy.document(locale, &grace_days);
    let file = format!(
        "attachment; filename=\"privacy-policy-{}.{}\"",
        locale.tag(),
        doc.kind.extension()
    );
    let mut response = (
        [
            (header::CONTENT_TYPE, doc.kind.content_type()),
            (header::CONTENT_LANGUAGE, locale.tag()),
        ],
        doc.bytes,
    )
        .into_response();
    let h = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&file) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    // The operator's HTML is a document, not a page of ours: opened anyway, it runs
    // nothing and reaches nothing.
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox",
        ),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_once() {
        let out = fill(
            "{organisation} at {contact}; {unknown} {",
            &[("organisation", "A {contact}"), ("contact", "x@y")],
        );
        assert_eq!(out, "A {contact} at x@y; {unknown} {");
    }

    #[test]
    fn a_missing_language_falls_back_to_english_then_to_the_default() {
        let mut policy = Policy {
            operator: Operator {
                organisation: "Acme GmbH".into(),
                contact: "privacy@acme.example".into(),
            },
            documents: HashMap::new(),
        };
        for locale in Locale::ALL {
            let (language, doc) = policy.document(locale, "30 days");
            assert_eq!((language, doc.kind), (locale, Kind::Text));
            let text = String::from_utf8(doc.bytes).expect("utf-8");
            assert!(text.contains("Acme GmbH"), "{locale:?}: {text}");
            assert!(text.contains("privacy@acme.example"), "{locale:?}");
            assert!(text.contains("30"), "{locale:?}");
            assert!(!text.contains('{'), "{locale:?}: a placeholder is left");
        }
        policy.documents.insert(
            Locale::En,
            Document {
                kind: Kind::Pdf,
                bytes: b"%PDF-1.4".to_vec(),
            },
        );
        let (language, doc) = policy.document(Locale::De, "30 Tage");
        assert_eq!((language, doc.kind), (Locale::En, Kind::Pdf));
    }
}

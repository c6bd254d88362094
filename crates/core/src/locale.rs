//! The languages Sigil speaks, and the choice among them.
use serde::{Deserialize, Serialize};

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    #[default]
    En,
    De,
    Ru,
}

impl Locale {
    pub const ALL: [Locale; 3] = [Locale::En, Locale::De, Locale::Ru];

    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::De => "de",
            Locale::Ru => "ru",
        }
    }

    /// The language's own name, shown in the language switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::En => "English",
            Locale::De => "Deutsch",
            Locale::Ru => "Русский",
        }
    }

    /// Accepts a BCP 47 tag by its primary language subtag (`de-AT` is German).
    pub fn parse(tag: &str) -> Option<Self> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Locale::ALL.into_iter().find(|l| l.tag() == primary)
    }

    /// Picks the best supported language from an `Accept-Language` header
    /// ([RFC 9110 §12.5.4](https://www.rfc-editor.org/rfc/rfc9110#section-12.5.4)).
    pub fn negotiate(accept_language: &str) -> Option<Self> {
        let mut best: Option<(f32, usize, Locale)> = None;
        for (index, item) in accept_language.split(',').enumerate() {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or_default();
            let quality = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if quality <= 0.0 {
                continue;
            }
            if let Some(locale) = Locale::parse(tag) {
                let better = match best {
                    None => true,
                    Some((q, i, _)) => quality > q || (quality == q && index < i),
                };
                if better {
                    best = Some((quality, index, locale));
                }
            }
        }
        best.map(|(_, _, l)| l)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation_honours_quality_values() {
        assert_eq!(
            Locale::negotiate("fr, de;q=0.5, ru;q=0.8"),
            Some(Locale::Ru)
        );
        assert_eq!(Locale::negotiate("de-AT,en;q=0.9"), Some(Locale::De));
        assert_eq!(Locale::negotiate("fr, it"), None);
        assert_eq!(Locale::negotiate("ru;q=0, en"), Some(Locale::En));
    }
}

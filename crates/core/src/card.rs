//! The business card's personal link: `/api/cards/<slug>`.
use std::fmt;

use crate::random::Random;

/// Words a card link may not take: they name Sigil's own pages or could pass for it.
const RESERVED: &[&str] = &[
    "admin", "api", "apps", "card", "cards", "console", "events", "help", "login", "logout", "me",
    "new", "oauth", "profile", "public", "register", "root", "settings", "sigil", "static",
    "support", "system", "www",
];

/// A card link: 3 to 64 Latin letters, digits and hyphens, kept lower-case so that
/// uniqueness ignores case.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Slug(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlugError {
    Length,
    Characters,
    Reserved,
    /// Holds a bidirectional control or zero-width character ([`crate::text`]).
    Invisible,
}

impl Slug {
    pub const MIN: usize = 3;
    pub const MAX: usize = 64;

    pub fn parse(raw: &str) -> Result<Self, SlugError> {
        // Named apart from other characters: the person cannot see what to remove.
        if crate::text::has_invisible(raw) {
            return Err(SlugError::Invisible);
        }
        let value = raw.trim().to_ascii_lowercase();
        if !value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(SlugError::Characters);
        }
        if !(Self::MIN..=Self::MAX).contains(&value.len()) {
            return Err(SlugError::Length);
        }
        if RESERVED.contains(&value.as_str()) {
            return Err(SlugError::Reserved);
        }
        Ok(Self(value))
    }

    /// Ten random letters and digits: unguessable enough that an inactive person's
    /// card cannot be found by trying, until they choose a name.
    pub fn random(random: &dyn Random) -> Self {
        const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
        let mut bytes = [0u8; 10];
        random.fill(&mut bytes);
        Self(
            bytes
                .iter()
                .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
                .collect(),
        )
    }

    pub fn from_trusted(value: String) -> Self {
        Self(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::SystemRandom;

    #[test]
    fn card_links_follow_the_rules() {
        assert_eq!(
            Slug::parse("Ada-Lovelace-1815").expect("ok").as_str(),
            "ada-lovelace-1815"
        );
        assert_eq!(Slug::parse("ab"), Err(SlugError::Length));
        assert_eq!(Slug::parse(&"a".repeat(65)), Err(SlugError::Length));
        assert!(Slug::parse(&"a".repeat(64)).is_ok());
        for bad in ["ada lovelace", "ada_l", "адa", "ada!", "a.b"] {
            assert_eq!(Slug::parse(bad), Err(SlugError::Characters), "{bad}");
        }
        for reserved in ["admin", "API", "Profile"] {
            assert_eq!(
                Slug::parse(reserved),
                Err(SlugError::Reserved),
                "{reserved}"
            );
        }
        for hidden in [
            "ada\u{200D}lovelace",
            "\u{202E}ada-lovelace",
            "ada-\u{2060}l",
        ] {
            assert_eq!(Slug::parse(hidden), Err(SlugError::Invisible), "{hidden:?}");
        }
        let r = Slug::random(&SystemRandom);
        assert_eq!(Slug::parse(r.as_str()).expect("a random link is valid"), r);
    }
}

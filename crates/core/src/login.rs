//! A person's login name: the handle they sign in with.
use std::fmt;

use serde::Serialize;

/// A login: 3 to 64 characters of Latin letters, digits, `.`, `_` and `-`, starting
/// with a letter or digit. Stored lower-case, so `Alice` and `alice` are one account.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Login(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoginError {
    Length,
    Characters,
    /// Holds a bidirectional control or zero-width character ([`crate::text`]).
    Invisible,
}

impl Login {
    pub const MIN: usize = 3;
    pub const MAX: usize = 64;

    pub fn parse(raw: &str) -> Result<Self, LoginError> {
        // Named apart from other characters: the person cannot see what to remove.
        if crate::text::has_invisible(raw) {
            return Err(LoginError::Invisible);
        }
        let value = crate::text::nfc(raw.trim()).to_lowercase();
        let len = value.chars().count();
        if !(Self::MIN..=Self::MAX).contains(&len) {
            return Err(LoginError::Length);
        }
        let starts_well = value
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric());
        let allowed = value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if !starts_well || !allowed {
            return Err(LoginError::Characters);
        }
        Ok(Self(value))
    }

    /// For values read back from the database, which only ever holds parsed logins.
    pub fn from_trusted(value: String) -> Self {
        Self(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Login {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins_are_lower_cased_and_trimmed() {
        assert_eq!(
            Login::parse("  Alice.B ").map(|l| l.0),
            Ok("alice.b".into())
        );
    }

    #[test]
    fn logins_outside_the_alphabet_or_length_are_refused() {
        assert_eq!(Login::parse("ab"), Err(LoginError::Length));
        assert_eq!(Login::parse(&"a".repeat(65)), Err(LoginError::Length));
        assert_eq!(Login::parse("алиса"), Err(LoginError::Characters));
        assert_eq!(Login::parse("-alice"), Err(LoginError::Characters));
        assert_eq!(Login::parse("al ice"), Err(LoginError::Characters));
        assert_eq!(Login::parse("a@b.c"), Err(LoginError::Characters));
    }

    #[test]
    fn logins_with_invisible_characters_are_refused_as_such() {
        for bad in [
            "ali\u{200B}ce",
            "\u{202E}ecila",
            "alice\u{FEFF}",
            "al\u{2066}ice",
        ] {
            assert_eq!(Login::parse(bad), Err(LoginError::Invisible), "{bad:?}");
        }
    }
}

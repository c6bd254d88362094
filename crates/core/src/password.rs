//! Passwords: the NIST SP 800-63B rules for choosing one, and argon2id for keeping it.
//!
//! Rules ([SP 800-63B §3.1.1.2](https://pages.nist.gov/800-63-4/sp800-63b.html)):
//! at least the operator's minimum (12 characters unless configured), up to
//! [`MAX_CHARS`] accepted, any Unicode (normalised with NFKC so the same password typed
//! on two keyboards matches), no composition rules, and a refusal of passwords that are
//! easy to guess: common ones, keyboard rows, repeats, dates, and the person's own login,
//! email or names ([`strength`]).
use unicode_normalization::UnicodeNormalization;

mod hasher;
pub mod strength;
pub use hasher::PasswordHasher;
pub use strength::Weakness;

/// The smallest minimum an operator may set (SP 800-63B: at least 8).
pub const MIN_CHARS: usize = 8;
pub const MAX_CHARS: usize = 256;
/// The size cap checked before anything else is done with a password, so that a
/// megabyte typed into a form is neither normalised, estimated nor hashed.
pub const MAX_BYTES: usize = 1024;

/// What the operator sets about new passwords (`[passwords]` in the configuration).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PasswordPolicy {
    /// Characters a new password needs at least (NFKC-normalised).
    pub min_chars: usize,
}

impl PasswordPolicy {
    pub const DEFAULT_MIN_CHARS: usize = 12;
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self {
            min_chars: Self::DEFAULT_MIN_CHARS,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordError {
    TooShort {
        min: usize,
    },
    TooLong,
    Common,
    SameAsLogin,
    /// Too easy to guess, and why.
    Weak(Weakness),
}

/// The person's own words, which no password may be built on.
#[derive(Clone, Debug, Default)]
pub struct PersonalWords<'a> {
    pub login: Option<&'a str>,
    pub email: Option<&'a str>,
    /// Names from the profile (public name, given and family name).
    pub names: Vec<&'a str>,
}

impl PersonalWords<'_> {
    /// Every word, with the email's local part and each part of a name on its own.
    fn words(&self) -> Vec<&str> {
        let mut words: Vec<&str> = Vec::new();
        words.extend(self.login);
        if let Some(email) = self.email {
            words.push(email);
            words.extend(email.split('@').next());
        }
        for name in &self.names {
            words.push(name);
            words.extend(name.split_whitespace());
        }
        words.retain(|w| !w.is_empty());
        words
    }
}

/// A password that passed the rules; its text never reaches a log.
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(
        raw: &str,
        policy: &PasswordPolicy,
        personal: &PersonalWords<'_>,
    ) -> Result<Self, PasswordError> {
        if raw.len() > MAX_BYTES {
            return Err(PasswordError::TooLong);
        }
        let normalised = normalise(raw);
        let chars = normalised.chars().count();
        let min = policy.min_chars.max(MIN_CHARS);
        if chars < min {
            return Err(PasswordError::TooShort { min });
        }
        if chars > MAX_CHARS {
            return Err(PasswordError::TooLong);
        }
        let lower = normalised.to_lowercase();
        if personal.login.is_some_and(|l| l.to_lowercase() == lower) {
            return Err(PasswordError::SameAsLogin);
        }
        match strength::judge(&normalised, &personal.words()) {
            strength::Verdict::Strong => Ok(Self(normalised)),
            strength::Verdict::Common => Err(PasswordError::Common),
            strength::Verdict::Weak(why) => Err(PasswordError::Weak(why)),
        }
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

fn normalise(raw: &str) -> String {
    raw.nfkc().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &str) -> Result<NewPassword, PasswordError> {
        NewPassword::parse(raw, &PasswordPolicy::default(), &PersonalWords::default())
    }

    #[test]
    fn short_long_common_and_weak_passwords_are_refused() {
        assert_eq!(
            parse("short").err(),
            Some(PasswordError::TooShort { min: 12 })
        );
        assert_eq!(
            parse(&"x".repeat(MAX_CHARS + 1)).err(),
            Some(PasswordError::TooLong)
        );
        assert_eq!(parse("password1234").err(), Some(PasswordError::Common));
        assert_eq!(
            parse("Summer2024!").err(),
            Some(PasswordError::TooShort { min: 12 })
        );
        for weak in [
            "password123!",
            "Summer2024!!",
            "qwertyuiopasdf",
            "passwordpassword",
            "iloveyou1234",
        ] {
            assert!(
                matches!(
                    parse(weak).err(),
                    Some(PasswordError::Weak(_) | PasswordError::Common)
                ),
                "{weak}"
            );
        }
        let personal = PersonalWords {
            login: Some("alice.smith"),
            ..PersonalWords::default()
        };
        assert_eq!(
            NewPassword::parse("Alice.Smith", &PasswordPolicy { min_chars: 8 }, &personal).err(),
            Some(PasswordError::SameAsLogin)
        );
    }

    #[test]
    fn the_operator_sets_the_minimum_but_never_below_eight() {
        // Twelve random characters: strong, so only the length rule can refuse them.
        let ten = "vq8#Lm2!zRw5";
        let p = |min_chars| {
            NewPassword::parse(
                ten,
                &PasswordPolicy { min_chars },
                &PersonalWords::default(),
            )
        };
        assert_eq!(p(13).err(), Some(PasswordError::TooShort { min: 13 }));
        assert!(p(12).is_ok());
        assert_eq!(
            NewPassword::parse(
                "vq8#Lm2",
                &PasswordPolicy { min_chars: 4 },
                &PersonalWords::default()
            )
            .err(),
            Some(PasswordError::TooShort { min: 8 })
        );
    }

    #[test]
    fn a_huge_password_is_refused_by_its_size_before_anything_else() {
        let huge = "ж".repeat(1_000_000);
        let started = std::time::Instant::now();
        assert_eq!(parse(&huge).err(), Some(PasswordError::TooLong));
        assert!(started.elapsed() < std::time::Duration::from_millis(50));
    }

    #[test]
    fn long_unicode_passwords_without_composition_are_accepted() {
        assert!(parse("correct horse battery staple").is_ok());
        assert!(parse(&"жёлтый ёжик ".repeat(8)).is_ok());
        assert!(parse("пароль-для-сигила-длинный").is_ok());
    }
}

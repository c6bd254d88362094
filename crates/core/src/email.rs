//! Email addresses, parsed by a crate that follows RFC 5321/5322.
use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// An email address in normalised form (trimmed, lower-case), so uniqueness and
/// sign-in by email ignore case, as people expect.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Email(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EmailError;

impl Email {
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let value = raw.trim().to_lowercase();
        // Quoted local parts and address literals are legal but only invite trouble in
        // sign-in forms and mail headers; a serious provider refuses them.
        if value.len() > 254 || value.contains(['"', '[', ']', ' ', '<', '>']) {
            return Err(EmailError);
        }
        let parsed = email_address::EmailAddress::from_str(&value).map_err(|_| EmailError)?;
        if !parsed.domain().contains('.') {
            return Err(EmailError);
        }
        Ok(Self(value))
    }

    pub fn from_trusted(value: String) -> Self {
        Self(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_normalised() {
        assert_eq!(
            Email::parse(" Alice@Example.ORG ").map(|e| e.0),
            Ok("alice@example.org".into())
        );
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for bad in [
            "",
            "alice",
            "alice@",
            "@example.org",
            "a b@example.org",
            "alice@localhost",
            "\"a\"@example.org",
        ] {
            assert_eq!(Email::parse(bad), Err(EmailError), "{bad}");
        }
    }
}

//! Scopes: the standard OpenID Connect ones and the operator's own, each naming the
//! profile fields it carries ([OpenID Connect Core §5.4](https://openid.net/specs/openid-connect-core-1_0.html#ScopeClaims)).
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::locale::Locale;

/// A set of scope names, kept sorted so equal sets compare and store alike.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScopeSet(BTreeSet<String>);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ScopeError {
    #[error("malformed scope")]
    Malformed,
    #[error("unknown scope {0}")]
    Unknown(String),
}

impl ScopeSet {
    /// Parses a space-delimited `scope` parameter
    /// ([RFC 6749 §3.3](https://www.rfc-editor.org/rfc/rfc6749#section-3.3)).
    pub fn parse(raw: &str) -> Result<Self, ScopeError> {
        let mut set = BTreeSet::new();
        for token in raw.split(' ').filter(|t| !t.is_empty()) {
            let ok = token
                .bytes()
                .all(|b| b == 0x21 || (0x23..=0x5b).contains(&b) || (0x5d..=0x7e).contains(&b));
            if !ok || token.len() > 64 {
                return Err(ScopeError::Malformed);
            }
            set.insert(token.to_owned());
        }
        Ok(Self(set))
    }

    pub fn contains(&self, scope: &str) -> bool {
        self.0.contains(scope)
    }

    pub fn is_subset(&self, other: &ScopeSet) -> bool {
        self.0.is_subset(&other.0)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn union(&self, other: &ScopeSet) -> ScopeSet {
        Self(self.0.union(&other.0).cloned().collect())
    }

    pub fn intersection(&self, other: &ScopeSet) -> ScopeSet {
        Self(self.0.intersection(&other.0).cloned().collect())
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }

    pub fn insert(&mut self, scope: &str) {
        self.0.insert(scope.to_owned());
    }
}

impl fmt::Display for ScopeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let joined: Vec<&str> = self.iter().collect();
        f.write_str(&joined.join(" "))
    }
}

/// One scope and the fields it releases. Field keys are catalogue keys, plus `email`
/// and `phone` for the contacts.
#[derive(Clone, Debug)]
pub struct ScopeDef {
    pub name: String,
    pub fields: Vec<String>,
    /// Operator-given descriptions for their own scopes; standard scopes are described
    /// by the translations.
    pub labels: BTreeMap<Locale, String>,
    pub standard: bool,
}

#[derive(Clone, Debug)]
pub struct ScopeCatalogue {
    defs: Vec<ScopeDef>,
}

impl ScopeCatalogue {
    pub const STANDARD: [&'static str; 5] =
        ["openid", "profile", "email", "phone", "offline_access"];

    pub fn standard() -> Self {
        let def = |name: &str, fields: &[&str]| ScopeDef {
            name: name.to_owned(),
            fields: fields.iter().map(|f| f.to_string()).collect(),
            labels: BTreeMap::new(),
            standard: true,
        };
        Self {
            defs: vec![
                def("openid", &[]),
                def(
                    "profile",
                    &[
                        "nickname",
                        "given_name",
                        "family_name",
                        "login",
                        "birthdate",
                        "photo",
                    ],
                ),
                def("email", &["email"]),
                def("phone", &["phone"]),
                def("offline_access", &[]),
            ],
        }
    }

    /// Adds the operator's scopes; a name may not shadow a standard one.
    pub fn with_custom(custom: Vec<ScopeDef>) -> Result<Self, String> {
        let mut catalogue = Self::standard();
        for mut def in custom {
            if catalogue.get(&def.name).is_some() {
                return Err(format!(
                    "scope `{}` is defined twice or shadows a standard scope",
                    def.name
                ));
            }
            if ScopeSet::parse(&def.name).map(|s| s.0.len()) != Ok(1) {
                return Err(format!("scope `{}` is not a valid scope name", def.name));
            }
            def.standard = false;
            catalogue.defs.push(def);
        }
        Ok(catalogue)
    }

    pub fn get(&self, name: &str) -> Option<&ScopeDef> {
        self.defs.iter().find(|d| d.name == name)
    }

    pub fn all(&self) -> &[ScopeDef] {
        &self.defs
    }

    /// Every scope of `set` is known.
    pub fn check(&self, set: &ScopeSet) -> Result<(), ScopeError> {
        match set.iter().find(|s| self.get(s).is_none()) {
            Some(unknown) => Err(ScopeError::Unknown(unknown.to_owned())),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_parameters_parse_into_sorted_sets() {
        let s = ScopeSet::parse("profile openid  email").expect("valid");
        assert_eq!(s.to_string(), "email openid profile");
        assert_eq!(ScopeSet::parse("open\"id"), Err(ScopeError::Malformed));
        assert_eq!(ScopeSet::parse("a\\b"), Err(ScopeError::Malformed));
    }

    #[test]
    fn custom_scopes_may_not_shadow_standard_ones() {
        let def = |n: &str| ScopeDef {
            name: n.into(),
            fields: vec![],
            labels: BTreeMap::new(),
            standard: false,
        };
        assert!(ScopeCatalogue::with_custom(vec![def("profile")]).is_err());
        let c = ScopeCatalogue::with_custom(vec![def("work")]).expect("valid");
        assert!(c
            .check(&ScopeSet::parse("openid work").expect("valid"))
            .is_ok());
        assert_eq!(
            c.check(&ScopeSet::parse("openid admin").expect("valid")),
            Err(ScopeError::Unknown("admin".into()))
        );
    }
}

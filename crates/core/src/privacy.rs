//! The release rule (DESIGN.md): who may see a field of someone's profile.
//!
//! The owner sees everything; an application holding the person's consent to a scope
//! sees that scope's public and on-request fields; anyone else sees public fields only;
//! private is never released. A private profile turns every public field into
//! on-request. Every surface that shows someone's data (userinfo, ID tokens, and later
//! the public profile, vCards and the JSON API) asks [`releases`].
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum PrivacyLevel {
    Private,
    #[default]
    OnRequest,
    Public,
}

impl PrivacyLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Private => "private",
            Self::OnRequest => "on_request",
            Self::Public => "public",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "private" => Some(Self::Private),
            "on_request" => Some(Self::OnRequest),
            "public" => Some(Self::Public),
            _ => None,
        }
    }
}

/// The levels a person chose, by field key.
pub type PrivacyLevels = std::collections::BTreeMap<String, PrivacyLevel>;

/// Who is asking.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Requester {
    Owner,
    /// An application; `consented` is whether the person consented to the scope that
    /// carries the field.
    Application {
        consented: bool,
    },
    Visitor,
}

/// The level in force once the private-profile switch is applied.
pub fn effective(level: PrivacyLevel, profile_private: bool) -> PrivacyLevel {
    if profile_private && level == PrivacyLevel::Public {
        PrivacyLevel::OnRequest
    } else {
        level
    }
}

pub fn releases(level: PrivacyLevel, requester: Requester, profile_private: bool) -> bool {
    let level = effective(level, profile_private);
    match requester {
        Requester::Owner => true,
        _ if level == PrivacyLevel::Private => false,
        Requester::Application { consented: true } => true,
        Requester::Application { consented: false } | Requester::Visitor => {
            level == PrivacyLevel::Public
        }
    }
}

#[cfg(test)]
mod tests {
    use super::PrivacyLevel::*;
    use super::*;

    #[test]
    fn the_release_table() {
        let app = Requester::Application { consented: true };
        let stranger_app = Requester::Application { consented: false };
        // (level, requester, private profile) -> released
        let table = [
            (Private, Requester::Owner, false, true),
            (Private, app, false, false),
            (Private, stranger_app, false, false),
            (Private, Requester::Visitor, false, false),
            (OnRequest, Requester::Owner, false, true),
            (OnRequest, app, false, true),
            (OnRequest, stranger_app, false, false),
            (OnRequest, Requester::Visitor, false, false),
            (Public, Requester::Owner, false, true),
            (Public, app, false, true),
            (Public, stranger_app, false, true),
            (Public, Requester::Visitor, false, true),
            (Private, Requester::Owner, true, true),
            (Private, app, true, false),
            (Private, stranger_app, true, false),
            (Private, Requester::Visitor, true, false),
            (OnRequest, Requester::Owner, true, true),
            (OnRequest, app, true, true),
            (OnRequest, stranger_app, true, false),
            (OnRequest, Requester::Visitor, true, false),
            (Public, Requester::Owner, true, true),
            (Public, app, true, true),
            (Public, stranger_app, true, false),
            (Public, Requester::Visitor, true, false),
        ];
        for (level, requester, private, expected) in table {
            assert_eq!(
                releases(level, requester, private),
                expected,
                "{level:?} {requester:?} private={private}"
            );
        }
    }
}

//! The OpenID Provider's use cases: keys, applications, authorization, tokens,
//! resources (userinfo, introspection, revocation, logout) and the person's
//! permissions.
mod apps;
mod authorize;
mod backchannel;
mod held_apps;
mod keys;
mod mint;
mod permissions;
mod profiles;
mod resource;
mod token;
mod verified;

pub use apps::NewAppCredentials;
pub use authorize::{AuthorizeError, AuthorizeParams, Decision, Prompt, ValidRequest};
pub use held_apps::{HeldApps, APP_CHECK_INTERVAL, APP_TRUST};
pub use keys::{KeyRing, Rotation, JWKS_MAX_AGE, KEY_ACTIVATION_DELAY, KEY_CHECK_INTERVAL};
pub use permissions::Permission;
pub(crate) use profiles::HeldProfiles;
pub use resource::{BearerError, EndSession, Introspection};
pub use token::{ClientAuth, TokenError, TokenRequest, TokenResponse};
pub(crate) use verified::VerifiedTokens;

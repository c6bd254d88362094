//! OpenID Connect and OAuth 2.1 types: applications, redirect URIs, scopes, PKCE,
//! signing keys and the claims released to applications.
pub mod application;
pub mod backchannel;
pub mod claims;
pub mod grant;
pub mod jose;
mod jws;
pub mod pkce;
pub mod redirect;
pub mod refresh;
pub mod scope;

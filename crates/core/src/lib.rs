//! Sigil's domain: the newtypes that parse input at the edge, the rules that hold
//! everywhere, and the services that run one use case each through the storage ports.
//!
//! Nothing here speaks HTTP or SQL. Every function that needs "now" gets it from a
//! [`clock::Clock`], and every secret comes from a [`random::Random`], so expiry and
//! throttling are tested without sleeping.

pub mod access;
pub mod card;
pub mod catalog;
pub mod clock;
pub mod contact;
pub mod deletion;
pub mod email;
pub mod error;
pub mod event;
pub mod export;
pub mod fields;
pub mod identifier;
pub mod ids;
pub mod invitation;
pub mod locale;
pub mod login;
pub mod oidc;
pub mod outbox;
pub mod password;
pub mod phone;
pub mod photo;
pub mod ports;
pub mod privacy;
pub mod random;
pub mod recovery;
pub mod services;
pub mod session;
pub mod telemetry;
pub mod text;
pub mod throttle;
pub mod token;
pub mod user;
pub mod vcard;

pub use error::{CoreError, FieldError, FieldErrorKind};
pub use services::{Settings, Sigil};

//! Who the caller is: the session cookie, the extractors that require one, CSRF.
pub mod cookies;
pub mod csrf;
pub mod session;

pub use session::{ApiUser, OptionalUser, PageUser};

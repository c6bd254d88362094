//! What the person typed into the new-address form, kept across a fresh sign-in.
//!
//! It rides in a short-lived `HttpOnly` cookie set with the redirect to the sign-in form
//! and read once by the contact page, not in the page's address: a link that prefilled
//! the form would let a stranger put their own address in front of the person, one
//! click away from getting its code. The cookie names the account it belongs to, so a
//! browser shared by someone else shows them nothing.
use axum::http::HeaderMap;
use axum_extra::extract::cookie::Cookie;
use axum_extra::extract::CookieJar;
use sigil_core::contact::{Channel, ContactKind};
use sigil_core::user::User;

use crate::auth::cookies;
use crate::state::WebConfig;

const COOKIE: &str = "sigil_typed";
/// Long enough to sign in again, short enough not to linger.
const MAX_AGE: time::Duration = time::Duration::minutes(15);
/// More than any email address or phone number.
const ADDRESS_MAX: usize = 320;

#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Typed {
    pub address: String,
    /// A phone code's channel (`sms`, `call`); empty for email.
    pub channel: String,
}

impl Typed {
    /// The cookie that keeps this for `user`'s form of `kind`.
    pub fn keep(&self, config: &WebConfig, user: &User, kind: ContactKind) -> Cookie<'static> {
        let mut value = form_urlencoded::Serializer::new(String::new());
        value.append_pair("user", &user.id.to_string());
        value.append_pair("kind", kind.as_str());
        value.append_pair("address", &self.address);
        if Channel::parse(&self.channel).is_some() {
            value.append_pair("channel", &self.channel);
        }
        cookies::build(config, COOKIE, value.finish(), Some(MAX_AGE))
    }

    /// What was kept for `user`'s form of `kind`, and the cookie's removal when there
    /// was one (kept values are shown once).
    pub fn take(
        config: &WebConfig,
        headers: &HeaderMap,
        user: &User,
        kind: ContactKind,
    ) -> (Self, Option<Cookie<'static>>) {
        let jar = CookieJar::from_headers(headers);
        let Some(cookie) = jar.get(&cookies::name(config, COOKIE)) else {
            return (Self::default(), None);
        };
        let removal = cookies::removal(config, COOKIE);
        let (mut owner, mut for_kind, mut typed) = (String::new(), String::new(), Self::default());
        for (k, v) in form_urlencoded::parse(cookie.value().as_bytes()) {
            match k.as_ref() {
                "user" => owner = v.into_owned(),
                "kind" => for_kind = v.into_owned(),
                "address" => typed.address = v.chars().take(ADDRESS_MAX).collect(),
                "channel" => typed.channel = v.into_owned(),
                _ => {}
            }
        }
        if owner != user.id.to_string() {
            // Left by someone else who used this browser: theirs alone, so gone.
            return (Self::default(), Some(removal));
        }
        if for_kind != kind.as_str() {
            // The other contact's form: kept for its own page.
            return (Self::default(), None);
        }
        (typed, Some(removal))
    }
}

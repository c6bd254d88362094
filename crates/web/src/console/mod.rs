//! The account console: server-rendered pages that work without JavaScript.
mod apps;
mod cards;
mod catalog;
mod contact_link;
mod contacts;
mod contacts_typed;
pub(crate) mod deletion;
mod devices;
pub(crate) use apps::scope_title;
pub(crate) use catalog::group_heading;
mod event_details;
mod events;
mod export;
mod identifiers;
mod invitations;
mod lang;
mod lifecycle;
mod photo;
mod privacy;
mod profile;
mod profile_edit;
mod public;
mod requests;
mod secure;
mod security;
pub(crate) mod shell;
mod sign_in;

use axum::extract::DefaultBodyLimit;
use axum::http::HeaderMap;
use axum::response::Redirect;
use axum::routing::{get, post};
use axum::Router;
use sigil_core::locale::Locale;
use sigil_core::user::User;

use crate::auth::csrf::CsrfToken;
use crate::i18n::{negotiate_headers, Tr};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/profile") }))
        .route("/login", get(sign_in::form).post(sign_in::submit))
        .route(
            "/register",
            get(sign_in::register_form).post(sign_in::register),
        )
        .route("/logout", post(sign_in::logout))
        .route("/login/provider", post(identifiers::sign_in))
        .route("/profile", get(profile::show))
        .route(
            "/profile/edit",
            get(profile_edit::form)
                .post(profile_edit::submit)
                .layer(DefaultBodyLimit::max(photo::UPLOAD_LIMIT)),
        )
        .route(
            "/profile/complete",
            get(profile_edit::complete_form).post(profile_edit::complete),
        )
        .route(
            "/profile/password",
            get(security::form).post(security::submit),
        )
        .route(
            "/profile/contacts/{kind}",
            get(contacts::page).post(contacts::request),
        )
        .route("/profile/contacts/{kind}/confirm", post(contacts::confirm))
        .route("/profile/contacts/{kind}/resend", post(contacts::resend))
        .route(
            "/profile/contacts/{kind}/remove",
            get(contacts::remove_form).post(contacts::remove),
        )
        .route(
            "/contacts/confirm",
            get(contact_link::link_form).post(contact_link::link),
        )
        .route("/account/secure", get(secure::form).post(secure::submit))
        .route("/profile/privacy", post(privacy::set_level))
        .route("/profile/public", get(public::preview))
        .route(
            "/profile/photo",
            post(photo::upload).layer(DefaultBodyLimit::max(photo::UPLOAD_LIMIT)),
        )
        .route(
            "/profile/photo/delete",
            get(photo::remove_form).post(photo::remove),
        )
        .route(
            "/profile/photo/available",
            get(identifiers::available).post(identifiers::use_avatar),
        )
        .route("/profile/identifiers/add", get(identifiers::add_form))
        .route("/profile/identifiers/link", post(identifiers::link))
        .route(
            "/profile/identifiers/{id}/delete",
            post(identifiers::remove),
        )
        .route("/profile/identifiers/{id}/avatar", get(identifiers::avatar))
        .route(
            "/identifiers/callback/{provider}",
            get(identifiers::callback),
        )
        .route("/public/images/profile/{hash}", get(photo::image))
        .route(
            lifecycle::SIGN_OUT_EVERYWHERE,
            get(lifecycle::sign_out_everywhere_form).post(lifecycle::sign_out_everywhere),
        )
        .route(
            deletion::DELETE_ACCOUNT,
            get(deletion::form).post(deletion::submit),
        )
        .route(
            deletion::RESTORE,
            get(deletion::restore_page).post(deletion::restore),
        )
        .route(deletion::RESTORE_SIGN_OUT, post(deletion::leave))
        .route("/profile/devices", get(devices::list))
        .route(
            "/profile/devices/{sid}/sign-out",
            get(devices::sign_out_form).post(devices::sign_out),
        )
        .route("/profile/export", get(export::form).post(export::download))
        .route("/profile/card/active", post(cards::set_active))
        .route("/profile/card/link", post(cards::set_link))
        .route("/profile/card/qr.svg", get(cards::qr))
        .route("/api/cards/{slug}", get(cards::show))
        .route("/public/profile/{id}", get(public::show))
        .route("/public/profile/{id}/vcard", get(public::vcard))
        .route("/profile/private", post(privacy::set_private))
        .route("/events", get(events::list))
        .route("/lang", post(lang::switch))
        .route("/catalog", get(catalog::page))
        .route(catalog::FAVORITES, post(catalog::set_favorite))
        .route("/apps", get(apps::list))
        .route(sigil_core::services::ACCEPT_PATH, get(invitations::accept))
        .route(invitations::SWITCH_PATH, post(invitations::switch))
        .route("/profile/requests", get(requests::list))
        .route("/profile/requests/{id}/accept", post(requests::accept))
        .route("/profile/requests/{id}/decline", post(requests::decline))
        .route(
            "/apps/{client_id}/end-sessions",
            get(apps::end_sessions_form).post(apps::end_sessions),
        )
        .route(
            "/apps/{client_id}/revoke",
            get(apps::revoke_form).post(apps::revoke),
        )
}

/// What every page's frame needs: translator, form token, who is signed in.
pub struct PageCtx<'a> {
    pub t: Tr<'a>,
    pub csrf: String,
    /// The signed-in person's handle for the header; `None` on public pages.
    pub who: Option<String>,
    /// The page's own path, so the language switch can come back to it.
    pub here: String,
    pub section: &'static str,
    /// The operator's product name, logo and accent.
    pub brand: &'a crate::brand::Brand,
    /// The signed-in person's photo thumbnail (its hash), for the account menu.
    pub avatar: Option<String>,
    /// Up to two letters standing in for a missing photo.
    pub initials: String,
    /// The signed-in person's favourites and pending requests ([`shell`]).
    pub shell: sigil_core::services::Shell,
    /// The operator's minimum password length, for the hint beside new passwords.
    password_min: usize,
}

pub struct LangOption {
    pub tag: &'static str,
    pub name: &'static str,
    pub selected: bool,
}

impl<'a> PageCtx<'a> {
    pub fn new(
        state: &'a AppState,
        headers: &HeaderMap,
        csrf: &CsrfToken,
        user: Option<&User>,
        here: &str,
        section: &'static str,
    ) -> Self {
        let locale = negotiate_headers(headers, &state.config, user);
        Self::in_locale(state, locale, csrf, user, here, section)
    }

    /// The frame in a language already chosen (an error page's, told in it).
    pub fn in_locale(
        state: &'a AppState,
        locale: Locale,
        csrf: &CsrfToken,
        user: Option<&User>,
        here: &str,
        section: &'static str,
    ) -> Self {
        let shell = if user.is_some() {
            shell::current()
        } else {
            Default::default()
        };
        // An account registered with an email address still to confirm is named by it
        // (not by its internal id).
        let name_of = |u: &User| match (&shell.pending_email, &u.name, &u.login, &u.email) {
            (Some(address), None, None, None) => address.clone(),
            _ => display_name(u),
        };
        Self {
            t: Tr::new(&state.i18n, locale),
            csrf: csrf.0.clone(),
            who: user.map(name_of),
            here: here.to_owned(),
            section,
            brand: &state.config.brand,
            avatar: user.and_then(|u| u.photo_small.clone()),
            initials: user.map(|u| initials(&name_of(u))).unwrap_or_default(),
            password_min: state.sigil.settings().passwords.min_chars,
            shell,
        }
    }

    /// What a new password needs, beside its field.
    pub fn password_hint(&self) -> String {
        self.t
            .t_with("password-hint", &[("min", self.password_min.into())])
    }

    /// Up to two letters standing in for an application's missing logo.
    pub fn initials_of(&self, name: &str) -> String {
        initials(name)
    }

    /// The language the page is in, by its own name.
    pub fn current_language(&self) -> &'static str {
        self.t.locale.native_name()
    }

    /// The accessible name of the privacy control of the field labelled `label`.
    pub fn privacy_label(&self, label: &str) -> String {
        self.t.t1("shell-privacy-of", "field", label)
    }

    pub fn languages(&self) -> Vec<LangOption> {
        Locale::ALL
            .into_iter()
            .map(|l| LangOption {
                tag: l.tag(),
                name: l.native_name(),
                selected: l == self.t.locale,
            })
            .collect()
    }
}

/// Why a fresh sign-in is asked for; the sign-in page says so. Only these are shown,
/// so a crafted link cannot put words of its own on the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReauthReason {
    Email,
    Phone,
    Identifiers,
    /// Deleting an account that has no password ([`deletion`]).
    Deletion,
    /// Download data.
    Export,
}

impl ReauthReason {
    pub const ALL: [Self; 5] = [
        Self::Email,
        Self::Phone,
        Self::Identifiers,
        Self::Deletion,
        Self::Export,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Phone => "phone",
            Self::Identifiers => "identifiers",
            Self::Deletion => "deletion",
            Self::Export => "export",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == raw)
    }

    /// The sentence on the sign-in page.
    pub fn message_key(self) -> String {
        format!("flow-reauth-{}", self.as_str())
    }
}

/// To the sign-in form, prefilled so that only the password is asked again, saying
/// `why`, and back to `next` (a local page that shows the form again).
pub(crate) fn reauth(user: &User, next: &str, why: ReauthReason) -> axum::response::Response {
    use axum::response::IntoResponse;
    let hint = sign_in_name(user);
    let hint: String = form_urlencoded::byte_serialize(hint.as_bytes()).collect();
    let next: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
    let why = why.as_str();
    Redirect::to(&format!(
        "/login?reauth=1&login_hint={hint}&reason={why}&next={next}"
    ))
    .into_response()
}

/// The first letters of up to two words of `name` (`ada.lovelace` → `AL`).
fn initials(name: &str) -> String {
    name.split(|c: char| !c.is_alphanumeric())
        .filter_map(|w| w.chars().next())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

/// How the console names the person: the public name, else what they sign in with.
pub fn display_name(user: &User) -> String {
    user.name.clone().unwrap_or_else(|| sign_in_name(user))
}

/// What the person signs in with: the login, else the email (the account's id if
/// neither, for an account that signs in through a provider only).
pub fn sign_in_name(user: &User) -> String {
    user.login
        .as_ref()
        .map(|l| l.to_string())
        .or_else(|| user.email.as_ref().map(|e| e.to_string()))
        .unwrap_or_else(|| user.id.to_string())
}

/// Only same-site relative paths may be redirect targets after sign-in, so `next`
/// cannot send anyone elsewhere (no `//host`, no `/\host`, no scheme).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.starts_with("/\\")
                && !n.chars().any(|c| c.is_control() || c == '\\') =>
        {
            n.to_owned()
        }
        _ => "/profile".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::{initials, safe_next};

    #[test]
    fn initials_stand_in_for_a_missing_photo() {
        assert_eq!(initials("ada.lovelace"), "AL");
        assert_eq!(initials("мария"), "М");
        assert_eq!(initials("x@example.org"), "XE");
    }

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/events?before=3")), "/events?before=3");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "javascript:alert(1)",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/profile", "{bad}");
        }
        assert_eq!(safe_next(None), "/profile");
    }
}

//! Error pages. A handler says only what went wrong, in the person's language (an
//! [`ErrorPage`] on its response); [`dress`], a layer that knows the request, puts it
//! in the shell every other page wears: the operator's brand, the skip link, the
//! language menu, and the account menu for someone signed in.
use askama::Template;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sigil_core::locale::Locale;
use sigil_core::CoreError;

use super::{field_message, format_hints, message_of, status_of, Unreadable};
use crate::auth::csrf::CsrfToken;
use crate::console::PageCtx;
use crate::i18n::Tr;
use crate::state::AppState;

/// What went wrong, already in the language it is told in; the body of the response
/// that carries it is written by [`dress`].
#[derive(Clone, Debug)]
pub struct ErrorPage {
    locale: Locale,
    title: String,
    message: String,
    /// What is wrong with each input, for an invalid form.
    details: Vec<String>,
    /// A sentence on what may have happened, under the message.
    hint: Option<String>,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorView<'a> {
    page: PageCtx<'a>,
    error: &'a ErrorPage,
    back: WayBack,
    /// Where "Try again" leads, when the same request may well succeed shortly (503).
    retry: Option<String>,
}

/// Where the error page's link leads: the profile for someone signed in, else the
/// sign-in page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum WayBack {
    Profile,
    SignIn,
}

impl WayBack {
    fn href(self) -> &'static str {
        match self {
            Self::Profile => "/profile",
            Self::SignIn => "/login",
        }
    }

    fn label_key(self) -> &'static str {
        match self {
            Self::Profile => "error-back",
            Self::SignIn => "error-back-sign_in",
        }
    }
}

pub fn error_page(t: Tr<'_>, status: StatusCode, message: &str) -> Response {
    error_page_with(t, status, message, Vec::new())
}

fn error_page_with(t: Tr<'_>, status: StatusCode, message: &str, details: Vec<String>) -> Response {
    let (title, hint) = match status {
        StatusCode::NOT_FOUND => (
            t.t("error-title-not_found"),
            Some(t.t("error-not_found-hint")),
        ),
        StatusCode::SERVICE_UNAVAILABLE => (t.t("error-title-unavailable"), None),
        _ => (t.t("error-title"), None),
    };
    let page = ErrorPage {
        locale: t.locale,
        title,
        message: message.to_owned(),
        details,
        hint,
    };
    let mut response = status.into_response();
    response.extensions_mut().insert(page);
    response
}

/// The signed-in person's chosen language when the page knew them (every console
/// page does), else the browser's.
fn person_locale(state: &AppState, headers: &HeaderMap) -> Locale {
    crate::console::shell::account_locale()
        .unwrap_or_else(|| crate::i18n::negotiate_headers(headers, &state.config, None))
}

/// An error that ends a console page.
pub fn page_failure(state: &AppState, headers: &HeaderMap, error: CoreError) -> Response {
    let locale = person_locale(state, headers);
    let tr = Tr::new(&state.i18n, locale);
    let hints = format_hints(state, locale, &error);
    let details = match &error {
        CoreError::Invalid(list) => list.iter().map(|f| field_message(tr, &hints, f)).collect(),
        _ => Vec::new(),
    };
    error_page_with(tr, status_of(&error), &message_of(tr, &error), details)
}

/// A page's answer to a form it could not read.
pub fn page_unreadable(state: &AppState, headers: &HeaderMap, why: Unreadable) -> Response {
    let locale = person_locale(state, headers);
    let tr = Tr::new(&state.i18n, locale);
    let message = match why {
        Unreadable::TooLarge => tr.t("error-request_too_large"),
        Unreadable::WrongType | Unreadable::Malformed => tr.t("error-bad_form"),
    };
    error_page(tr, why.status(), &message)
}

/// Anyone: a path that names no page is the 404 page in the person's language, with a
/// way back (the API keeps its JSON 404 under `/api/v1`).
pub async fn no_such_page(
    State(state): State<AppState>,
    crate::auth::OptionalUser(current): crate::auth::OptionalUser,
    headers: HeaderMap,
) -> Response {
    let user = current.as_ref().map(|(_, user)| user);
    let locale = crate::i18n::negotiate_headers(&headers, &state.config, user);
    let tr = Tr::new(&state.i18n, locale);
    error_page(tr, StatusCode::NOT_FOUND, &tr.t("error-not_found"))
}

/// The layer that writes every [`ErrorPage`] into the shell. It sits outside the form
/// token's layer, which leaves the request's token on the response for the language
/// menu; the person is looked up only when there is an error page to dress.
pub async fn dress(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let is_get = matches!(*request.method(), Method::GET | Method::HEAD);
    let path = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_owned());
    let headers = request.headers().clone();
    let mut response = next.run(request).await;
    let Some(error) = response.extensions_mut().remove::<ErrorPage>() else {
        return response;
    };
    // The database is unavailable: the page is told without asking it again who is
    // signed in (that would double the wait), in the language already chosen. So
    // when it was found unavailable moments ago, whatever this page's error is.
    let unavailable = response.status() == StatusCode::SERVICE_UNAVAILABLE;
    let ask = !unavailable && !state.sigil.recently_unavailable();
    let retry = unavailable.then(|| match path.as_deref().and_then(local) {
        Some(path) if is_get => path.to_owned(),
        _ => same_origin_referer(&state, &headers).unwrap_or_else(|| "/profile".to_owned()),
    });
    let csrf = response
        .extensions()
        .get::<CsrfToken>()
        .cloned()
        .unwrap_or(CsrfToken(String::new()));
    let user = match ask {
        true => crate::auth::session::signed_in(&state, &headers).await,
        false => None,
    };
    // The frame of a signed-in person: favourites, the Requests badge, the catalog.
    if let Some(user) = &user {
        if !crate::console::shell::is_filled() {
            crate::console::shell::load(&state, user).await;
        }
    }
    let back = match user {
        Some(_) => WayBack::Profile,
        None => WayBack::SignIn,
    };
    // The language menu shows the same page again; after a form, the way back instead.
    let here = match path.as_deref().and_then(local) {
        Some(path) if is_get => path.to_owned(),
        _ => back.href().to_owned(),
    };
    let page = PageCtx::in_locale(&state, error.locale, &csrf, user.as_ref(), &here, "");
    match (ErrorView {
        page,
        error: &error,
        back,
        retry,
    })
    .render()
    {
        Ok(html) => {
            let h = response.headers_mut();
            h.remove(header::CONTENT_LENGTH);
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            *response.body_mut() = Body::from(html);
            response
        }
        Err(e) => {
            tracing::error!(error = %e, "rendering the error page");
            response
        }
    }
}

/// The path of the page a form was sent from (its `Referer`), when that page is Sigil's:
/// "Try again" after a form goes back to it.
fn same_origin_referer(state: &AppState, headers: &HeaderMap) -> Option<String> {
    let referer = headers.get(header::REFERER)?.to_str().ok()?;
    let rest = referer.strip_prefix(state.config.origin())?;
    local(rest).map(str::to_owned)
}

/// `path` if it names a page of this server: `//host/…` and `/\host/…` are read by
/// browsers as another site, so a link to them would lead away.
fn local(path: &str) -> Option<&str> {
    let foreign = path.starts_with("//") || path.starts_with("/\\");
    (path.starts_with('/') && !foreign).then_some(path)
}

#[cfg(test)]
mod tests {
    use super::local;

    #[test]
    fn only_paths_of_this_server_are_linked_back_to() {
        assert_eq!(local("/profile?x=1"), Some("/profile?x=1"));
        assert_eq!(local("//evil.example/phish"), None);
        assert_eq!(local("/\\evil.example/phish"), None);
        assert_eq!(local("https://evil.example/"), None);
        assert_eq!(local(""), None);
    }
}

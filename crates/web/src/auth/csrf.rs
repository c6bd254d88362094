//! Cross-site request forgery protection, in one place for every route.
//!
//! Two layers ([OWASP CSRF Prevention Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html)):
//! 1. A state-changing request that the browser marks as cross-site (`Sec-Fetch-Site`)
//!    or whose `Origin` is not ours is refused.
//! 2. Every form carries a token that must equal the one in its `HttpOnly` cookie
//!    (double submit; `__Host-` prefixed over HTTPS so no subdomain can plant one).
//!    The JSON API needs no token: it accepts only `application/json` bodies, which a
//!    cross-site page cannot send without a CORS preflight that Sigil never grants.
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use sigil_core::random::{Random, SystemRandom};
use sigil_core::token::{constant_time_eq, SecretToken};

use super::cookies;
use crate::state::{AppState, WebConfig};

/// The form token for this request; templates put it in a hidden `csrf` field.
#[derive(Clone, Debug)]
pub struct CsrfToken(pub String);

/// Bodies of console forms are small; the limit keeps buffering cheap.
const FORM_LIMIT: usize = 64 * 1024;

pub async fn protect(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if crate::oidc::COOKIELESS_PATHS.contains(&request.uri().path()) {
        return next.run(request).await;
    }
    let name = cookies::name(&state.config, cookies::CSRF);
    let existing = CookieJar::from_headers(request.headers())
        .get(&name)
        .and_then(|c| SecretToken::from_client(c.value()))
        .map(|t| t.expose().to_owned());
    let token = existing.clone().unwrap_or_else(|| {
        SecretToken::generate(&SystemRandom as &dyn Random)
            .expose()
            .to_owned()
    });

    let mut response = match checked(&state, request, existing.as_deref()).await {
        Ok(mut request) => {
            request.extensions_mut().insert(CsrfToken(token.clone()));
            next.run(request).await
        }
        Err(refusal) => refusal,
    };
    // An error page (a refusal's too) is dressed outside this layer, with a language
    // menu that needs the token.
    response.extensions_mut().insert(CsrfToken(token.clone()));
    let rotated = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .any(|v| v.to_str().is_ok_and(|s| s.starts_with(&format!("{name}="))));
    if existing.is_none() && !rotated {
        let cookie = cookies::build(&state.config, cookies::CSRF, token, None);
        if let Ok(value) = cookie.encoded().to_string().parse() {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// The request, let through (with its form body read and put back), or the page that
/// refuses it.
async fn checked(
    state: &AppState,
    request: Request,
    cookie: Option<&str>,
) -> Result<Request, Response> {
    // Applications call these with their own credentials, never with our cookies.
    let machine = crate::oidc::MACHINE_PATHS.contains(&request.uri().path());
    if machine
        || matches!(
            *request.method(),
            Method::GET | Method::HEAD | Method::OPTIONS
        )
    {
        return Ok(request);
    }
    if !same_origin(request.headers(), &state.config) {
        if request.uri().path().starts_with("/api/") {
            return Err(refuse_api(state, request.headers()).await);
        }
        return Err(refuse(state, request.headers()));
    }
    if request.uri().path().starts_with("/api/") {
        return Ok(request);
    }
    match checked_form(request, cookie).await {
        Ok(rebuilt) => Ok(rebuilt),
        Err(Refused::Forged(headers)) => Err(refuse(state, &headers)),
        Err(Refused::TooLarge(headers)) => Err(crate::error::page_unreadable(
            state,
            &headers,
            crate::error::Unreadable::TooLarge,
        )),
    }
}

/// Fetch metadata first, then `Origin`; requests with neither (non-browser clients)
/// pass on to the token check.
fn same_origin(headers: &HeaderMap, config: &WebConfig) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        Some(origin) => origin.eq_ignore_ascii_case(config.origin()),
        None => true,
    }
}

/// Why a form was not let through.
enum Refused {
    /// No token, or not the cookie's.
    Forged(HeaderMap),
    /// The body is over [`FORM_LIMIT`]: 413, not a forgery.
    TooLarge(HeaderMap),
}

/// Reads the form, checks its `csrf` field against the cookie and hands back a request
/// with the same body for the handler.
async fn checked_form(request: Request, cookie: Option<&str>) -> Result<Request, Refused> {
    let (parts, body) = request.into_parts();
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    // An upload (`multipart/form-data`) carries the token in its action's query, so
    // that its body — megabytes of image — is not buffered here; its handler limits it.
    if content_type.starts_with("multipart/form-data") {
        let sent = parts
            .uri
            .query()
            .and_then(|q| {
                form_urlencoded::parse(q.as_bytes())
                    .find(|(k, _)| k == "csrf")
                    .map(|(_, v)| v.into_owned())
            })
            .unwrap_or_default();
        return match cookie {
            Some(c) if constant_time_eq(sent.as_bytes(), c.as_bytes()) => {
                Ok(Request::from_parts(parts, body))
            }
            _ => Err(Refused::Forged(parts.headers)),
        };
    }
    let is_form = content_type.starts_with("application/x-www-form-urlencoded");
    let (Some(cookie), true) = (cookie, is_form) else {
        return Err(Refused::Forged(parts.headers));
    };
    // Reading stops at the limit; a body cut short by the client fails here too, and
    // then no one reads the answer.
    let Ok(bytes) = to_bytes(body, FORM_LIMIT).await else {
        return Err(Refused::TooLarge(parts.headers));
    };
    let sent = form_urlencoded::parse(&bytes)
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    if !constant_time_eq(sent.as_bytes(), cookie.as_bytes()) {
        return Err(Refused::Forged(parts.headers));
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// The JSON API's refusal of a cross-site request: its own JSON shape, in the language
/// of the account signed in (else the browser's), never an HTML page.
async fn refuse_api(state: &AppState, headers: &HeaderMap) -> Response {
    let user = crate::auth::session::signed_in(state, headers).await;
    let locale = crate::i18n::negotiate_headers(headers, &state.config, user.as_ref());
    crate::error::api_refusal(
        state,
        locale,
        axum::http::StatusCode::FORBIDDEN,
        "cross_site_request",
        "api-error-cross_site_request",
    )
}

fn refuse(state: &AppState, headers: &HeaderMap) -> Response {
    let locale = crate::i18n::negotiate_headers(headers, &state.config, None);
    let tr = crate::i18n::Tr::new(&state.i18n, locale);
    crate::error::error_page(tr, axum::http::StatusCode::FORBIDDEN, &tr.t("error-csrf"))
        .into_response()
}

//! `/oauth/end_session`: RP-initiated logout. A request carrying an ID token of the
//! signed-in person signs out at once; anything less asks the person first. A hint
//! that is not one of Sigil's ID tokens, or a return address that is not registered,
//! answers 400 and signs nobody out.
use std::collections::HashMap;

use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use axum_extra::extract::CookieJar;
use sigil_core::services::oidc::EndSession;
use sigil_core::user::User;

use crate::auth::csrf::CsrfToken;
use crate::auth::{cookies, OptionalUser};
use crate::client::Client;
use crate::console::PageCtx;
use crate::error::{error_page, page_failure, page_unreadable, render, Unreadable};
use crate::extract::PageForm;
use crate::i18n::Tr;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "logout.html")]
struct LogoutPage<'a> {
    page: PageCtx<'a>,
    /// Ask before signing out (`true`) or say it is done.
    confirm: bool,
    redirect: String,
}

async fn handle(
    state: AppState,
    current: OptionalUser,
    csrf: CsrfToken,
    client: Client,
    headers: HeaderMap,
    jar: CookieJar,
    params: HashMap<String, String>,
) -> Response {
    let OptionalUser(current) = current;
    let get = |k: &str| params.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let decision = state
        .sigil
        .end_session(
            get("id_token_hint"),
            get("client_id"),
            get("post_logout_redirect_uri"),
            get("state"),
            current.as_ref().map(|(s, u)| (s, u)),
            &client.0,
        )
        .await;
    let user = current.as_ref().map(|(_, u)| u);
    match decision {
        Ok(EndSession::Done(redirect)) => {
            let jar = jar.add(cookies::removal(&state.config, cookies::SESSION));
            match redirect {
                Some(url) => (jar, Redirect::to(&url)).into_response(),
                None => {
                    let page = PageCtx::new(
                        &state,
                        &headers,
                        &csrf,
                        None,
                        "/oauth/end_session",
                        "logout",
                    );
                    (
                        jar,
                        render(&LogoutPage {
                            page,
                            confirm: false,
                            redirect: String::new(),
                        }),
                    )
                        .into_response()
                }
            }
        }
        Ok(EndSession::Confirm { redirect }) => {
            let page = PageCtx::new(
                &state,
                &headers,
                &csrf,
                user,
                "/oauth/end_session",
                "logout",
            );
            render(&LogoutPage {
                page,
                confirm: true,
                redirect: redirect.unwrap_or_default(),
            })
        }
        Ok(EndSession::BadRequest) => bad_request(&state, &headers, user, "oidc-error-logout"),
        Ok(EndSession::BadHint) => bad_request(&state, &headers, user, "oidc-error-logout_hint"),
        Err(e) => page_failure(&state, &headers, e),
    }
}

/// Anyone's browser, sent by an application.
pub async fn end_session(
    State(state): State<AppState>,
    current: OptionalUser,
    Extension(csrf): Extension<CsrfToken>,
    client: Client,
    headers: HeaderMap,
    jar: CookieJar,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    handle(state, current, csrf, client, headers, jar, params).await
}

/// The same as a form post from the application's page.
pub async fn end_session_post(
    State(state): State<AppState>,
    current: OptionalUser,
    Extension(csrf): Extension<CsrfToken>,
    client: Client,
    headers: HeaderMap,
    jar: CookieJar,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> Response {
    let params = match form {
        Ok(Form(f)) => f,
        Err(rejection) if Unreadable::from_status(rejection.status()) == Unreadable::TooLarge => {
            return page_unreadable(&state, &headers, Unreadable::TooLarge);
        }
        // No form body: a logout without parameters, which asks first.
        Err(_) => HashMap::new(),
    };
    handle(state, current, csrf, client, headers, jar, params).await
}

#[derive(serde::Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    redirect: String,
}

/// The signed-in person confirms signing out (the form carries the CSRF token).
/// The return address is checked before anything changes: a value the logout endpoint
/// did not put there answers 400 and signs nobody out.
pub async fn confirm(
    State(state): State<AppState>,
    OptionalUser(current): OptionalUser,
    Client(client): Client,
    headers: HeaderMap,
    jar: CookieJar,
    PageForm(form): PageForm<ConfirmForm>,
) -> Response {
    let target = if form.redirect.is_empty() {
        "/login?notice=signed_out".to_owned()
    } else {
        match state.sigil.confirmed_logout_target(&form.redirect).await {
            Ok(Some(url)) => url,
            Ok(None) => {
                let user = current.as_ref().map(|(_, u)| u);
                return bad_request(&state, &headers, user, "oidc-error-logout");
            }
            Err(e) => return page_failure(&state, &headers, e),
        }
    };
    if let Some((session, _)) = &current {
        if let Err(e) = state.sigil.sign_out(session, &client).await {
            return page_failure(&state, &headers, e);
        }
    }
    let jar = jar.add(cookies::removal(&state.config, cookies::SESSION));
    (jar, Redirect::to(&target)).into_response()
}

/// Sigil's own 400 page with the message under `key`, in the person's language.
fn bad_request(state: &AppState, headers: &HeaderMap, user: Option<&User>, key: &str) -> Response {
    let tr = Tr::new(
        &state.i18n,
        crate::i18n::negotiate_headers(headers, &state.config, user),
    );
    error_page(tr, StatusCode::BAD_REQUEST, &tr.t(key))
}

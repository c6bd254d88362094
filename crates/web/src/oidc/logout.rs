//! `/oauth/end_session`: RP-initiated logout. A request carrying an ID token of the
//! signed-in person signs out at once; anything less asks the person first.
use std::collections::HashMap;

use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use axum_extra::extract::CookieJar;
use sigil_core::services::oidc::EndSession;

use crate::auth::csrf::CsrfToken;
use crate::auth::{cookies, OptionalUser};
use crate::client::Client;
use crate::console::{safe_next, PageCtx};
use crate::error::{error_page, page_failure, page_unreadable, render, Unreadable};
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
        Ok(EndSession::BadRequest) => {
            let tr = Tr::new(
                &state.i18n,
                crate::i18n::negotiate_headers(&headers, &state.config, user),
            );
            error_page(tr, StatusCode::BAD_REQUEST, &tr.t("oidc-error-logout"))
        }
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
pub async fn confirm(
    State(state): State<AppState>,
    OptionalUser(current): OptionalUser,
    Client(client): Client,
    headers: HeaderMap,
    jar: CookieJar,
    Form(form): Form<ConfirmForm>,
) -> Response {
    if let Some((session, _)) = &current {
        if let Err(e) = state.sigil.sign_out(session, &client).await {
            return page_failure(&state, &headers, e);
        }
    }
    let jar = jar.add(cookies::removal(&state.config, cookies::SESSION));
    // Only a URI the logout endpoint already checked against the registration comes
    // back here; anything else ends on Sigil's own page.
    let target = if form.redirect.starts_with("http://") || form.redirect.starts_with("https://") {
        match state.sigil.is_registered_logout_uri(&form.redirect).await {
            true => form.redirect,
            false => safe_next(None),
        }
    } else {
        "/login?notice=signed_out".to_owned()
    };
    (jar, Redirect::to(&target)).into_response()
}

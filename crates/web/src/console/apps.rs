//! The Scopes tab: applications holding the person's consent, and taking it back.
use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use serde::Deserialize;

use super::PageCtx;
use crate::auth::csrf::CsrfToken;
use crate::auth::PageUser;
use crate::client::Client;
use crate::error::{page_failure, render};
use crate::extract::PagePath;
use crate::extract::PageQuery;
use crate::format::{Dates, When};
use crate::state::AppState;

struct AppView {
    client_id: String,
    name: String,
    description: String,
    home_url: String,
    granted: When,
    /// Scope title and the labels of the fields it releases.
    /// Each scope's title and what it gives the application, in words.
    scopes: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "apps.html")]
struct AppsPage<'a> {
    page: PageCtx<'a>,
    apps: Vec<AppView>,
    notice: Option<String>,
}

#[derive(Deserialize)]
pub struct AppsQuery {
    notice: Option<String>,
}

/// The signed-in person.
pub async fn list(
    State(state): State<AppState>,
    current: PageUser,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
    PageQuery(q): PageQuery<AppsQuery>,
) -> Response {
    let permissions = match state.sigil.permissions(&current.user).await {
        Ok(p) => p,
        Err(e) => return page_failure(&state, &headers, e),
    };
    let page = PageCtx::new(
        &state,
        &headers,
        &csrf,
        Some(&current.user),
        "/apps",
        "apps",
    );
    let t = page.t;
    let catalogue = &state.sigil.settings().catalogue;
    let dates = Dates::new(t);
    let apps = permissions
        .into_iter()
        .map(|p| AppView {
            client_id: p.app.client_id.0.clone(),
            name: p.app.name.clone(),
            description: p.app.description.clone(),
            home_url: p.app.home_url.clone().unwrap_or_default(),
            granted: dates.instant(p.consent.granted_at),
            scopes: p
                .fields
                .into_iter()
                .map(|(scope, keys)| {
                    let labels: Vec<String> =
                        keys.iter().map(|k| t.key_label(catalogue, k)).collect();
                    // What the sign-in identifier is, as the consent page said it.
                    let shown = match (scope.as_str(), labels.is_empty()) {
                        ("openid", _) => t.t("consent-openid"),
                        (_, true) => "—".to_owned(),
                        (_, false) => labels.join(", "),
                    };
                    (scope_title(&state, t, &scope), shown)
                })
                .collect(),
        })
        .collect();
    let notice = match q.notice.as_deref() {
        Some("ended") => Some(t.t("apps-ended")),
        Some("revoked") => Some(t.t("apps-revoked")),
        _ => None,
    };
    render(&AppsPage { page, apps, notice })
}

pub(crate) fn scope_title(state: &AppState, t: crate::i18n::Tr<'_>, scope: &str) -> String {
    match state.sigil.settings().oidc.scopes.get(scope) {
        Some(d) if !d.standard => d
            .labels
            .get(&t.locale)
            .or_else(|| d.labels.get(&sigil_core::locale::Locale::En))
            .cloned()
            .unwrap_or_else(|| scope.to_owned()),
        _ => t.t(&format!("scope-{scope}")),
    }
}

#[derive(Template)]
#[template(path = "apps_confirm.html")]
struct ConfirmPage<'a> {
    page: PageCtx<'a>,
    action: &'static str,
    client_id: String,
    app_name: String,
}

async fn confirm_page(
    state: AppState,
    current: PageUser,
    csrf: CsrfToken,
    headers: HeaderMap,
    client_id: String,
    action: &'static str,
) -> Response {
    let app = match state.sigil.find_app(&client_id).await {
        Ok(a) => a,
        Err(e) => return page_failure(&state, &headers, e),
    };
    let page = PageCtx::new(
        &state,
        &headers,
        &csrf,
        Some(&current.user),
        "/apps",
        "apps",
    );
    render(&ConfirmPage {
        page,
        action,
        client_id,
        app_name: app.name,
    })
}

/// The signed-in person is asked to confirm ending the application's sessions.
pub async fn end_sessions_form(
    State(state): State<AppState>,
    current: PageUser,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
    PagePath(client_id): PagePath<String>,
) -> Response {
    confirm_page(state, current, csrf, headers, client_id, "end-sessions").await
}

/// The signed-in person is asked to confirm revoking the application's permission.
pub async fn revoke_form(
    State(state): State<AppState>,
    current: PageUser,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
    PagePath(client_id): PagePath<String>,
) -> Response {
    confirm_page(state, current, csrf, headers, client_id, "revoke").await
}

/// The signed-in person ends every session of the application.
pub async fn end_sessions(
    State(state): State<AppState>,
    current: PageUser,
    Client(client): Client,
    headers: HeaderMap,
    PagePath(client_id): PagePath<String>,
) -> Response {
    match state
        .sigil
        .end_app_sessions(&current.user, &client_id, &client)
        .await
    {
        Ok(_) => Redirect::to("/apps?notice=ended").into_response(),
        Err(e) => page_failure(&state, &headers, e),
    }
}

/// The signed-in person withdraws the application's permission.
pub async fn revoke(
    State(state): State<AppState>,
    current: PageUser,
    Client(client): Client,
    headers: HeaderMap,
    PagePath(client_id): PagePath<String>,
) -> Response {
    match state
        .sigil
        .revoke_permission(&current.user, &client_id, &client)
        .await
    {
        Ok(()) => Redirect::to("/apps?notice=revoked").into_response(),
        Err(e) => page_failure(&state, &headers, e),
    }
}

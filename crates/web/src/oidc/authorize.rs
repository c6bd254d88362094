//! `/oauth/authorize`: the person signs in if needed, consents if needed, and goes back
//! to the application with a code.
use askama::Template;
use axum::extract::rejection::StringRejection;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use serde::Deserialize;
use sigil_core::fields::FieldKind;
use sigil_core::locale::Locale;
use sigil_core::services::oidc::{AuthorizeError, AuthorizeParams, Decision, ValidRequest};
use sigil_core::session::Session;
use sigil_core::user::User;

use crate::auth::csrf::CsrfToken;
use crate::auth::{OptionalUser, PageUser};
use crate::client::Client;
use crate::console::PageCtx;
use crate::error::{error_page, page_failure, page_unreadable, render, Unreadable};
use crate::extract::PageForm;
use crate::format::Shown;
use crate::i18n::{negotiate_headers, Tr};
use crate::state::AppState;

/// `ui_locales` ([OpenID Connect Core §3.1.2.1](https://openid.net/specs/openid-connect-core-1_0.html#AuthRequest)):
/// the first supported language the application asks for wins.
pub(crate) fn ui_locale(ui_locales: Option<&str>) -> Option<Locale> {
    ui_locales?.split(' ').find_map(Locale::parse)
}

/// The application an authorization request (`/oauth/authorize?…`, as a sign-in's
/// `next` holds it) comes from, if the request is still a valid one.
pub(crate) async fn application_of(
    state: &AppState,
    request: &str,
) -> Option<sigil_core::oidc::application::Application> {
    let (_, query) = request.split_once('?')?;
    let valid = state.sigil.validate_authorize(&parse(query)).await.ok()?;
    Some(valid.app)
}

pub(super) fn locale_for(
    state: &AppState,
    headers: &HeaderMap,
    user: Option<&User>,
    ui_locales: Option<&str>,
) -> Locale {
    ui_locale(ui_locales).unwrap_or_else(|| negotiate_headers(headers, &state.config, user))
}

fn failure(
    state: &AppState,
    headers: &HeaderMap,
    ui_locales: Option<&str>,
    e: AuthorizeError,
) -> Response {
    let tr = Tr::new(&state.i18n, locale_for(state, headers, None, ui_locales));
    match e {
        AuthorizeError::UnknownClient => error_page(
            tr,
            StatusCode::BAD_REQUEST,
            &tr.t("oidc-error-unknown_client"),
        ),
        AuthorizeError::BadRedirectUri => error_page(
            tr,
            StatusCode::BAD_REQUEST,
            &tr.t("oidc-error-redirect_uri"),
        ),
        AuthorizeError::Redirect(url) => Redirect::to(&url).into_response(),
        // Answered by `refused` wherever the person is known; this is only the floor.
        AuthorizeError::NoAccess => error_page(tr, StatusCode::FORBIDDEN, &tr.t("closed-heading")),
        AuthorizeError::Core(e) => page_failure(state, headers, e),
    }
}

/// Reads the parameters. A repeated one is left out and the request marked, so that
/// validation refuses it (RFC 6749 §3.1): on Sigil's own page when the repeated one is
/// `client_id` or `redirect_uri`, else redirected as `invalid_request`.
fn parse(raw: &str) -> AuthorizeParams {
    let params = super::params::parse(raw.as_bytes());
    let mut p = AuthorizeParams {
        repeated: params.repeated,
        ..AuthorizeParams::default()
    };
    for (k, v) in params.values {
        let v = Some(v);
        match k.as_str() {
            "client_id" => p.client_id = v,
            "redirect_uri" => p.redirect_uri = v,
            "response_type" => p.response_type = v,
            "response_mode" => p.response_mode = v,
            "scope" => p.scope = v,
            "state" => p.state = v,
            "nonce" => p.nonce = v,
            "code_challenge" => p.code_challenge = v,
            "code_challenge_method" => p.code_challenge_method = v,
            "prompt" => p.prompt = v,
            "max_age" => p.max_age = v,
            "login_hint" => p.login_hint = v,
            "ui_locales" => p.ui_locales = v,
            "request" => p.request = v,
            "request_uri" => p.request_uri = v,
            "auth_after" => p.auth_after = v.and_then(|s| s.parse().ok()),
            _ => {}
        }
    }
    p
}

/// The query to come back with after signing in: `prompt=login` is dropped and the
/// time of leaving recorded, so the fresh sign-in satisfies it.
fn return_query(raw: &str, force: bool, now: i64) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_urlencoded::parse(raw.as_bytes()) {
        match k.as_ref() {
            "auth_after" => {}
            "prompt" if force => {
                let rest: Vec<&str> = v
                    .split(' ')
                    .filter(|p| *p != "login" && !p.is_empty())
                    .collect();
                if !rest.is_empty() {
                    out.append_pair("prompt", &rest.join(" "));
                }
            }
            _ => {
                out.append_pair(&k, &v);
            }
        }
    }
    if force {
        out.append_pair("auth_after", &now.to_string());
    }
    out.finish()
}

#[derive(Template)]
#[template(path = "consent.html")]
struct ConsentPage<'a> {
    page: PageCtx<'a>,
    app_name: String,
    app_description: String,
    home_url: String,
    scopes: Vec<ScopeView>,
    authz: String,
}

struct ScopeView {
    name: String,
    title: String,
    /// (field key, label, value as stored, value as people read it).
    fields: Vec<(String, String, String, Shown)>,
}

async fn consent_page(
    state: &AppState,
    headers: &HeaderMap,
    csrf: &CsrfToken,
    user: &User,
    req: &ValidRequest,
    raw: &str,
) -> Response {
    let plan = match state.sigil.consent_plan(user, &req.scopes).await {
        Ok(p) => p,
        Err(e) => return page_failure(state, headers, e),
    };
    crate::console::shell::load(state, user).await;
    let locale = locale_for(state, headers, Some(user), req.ui_locales.as_deref());
    let mut page = PageCtx::new(
        state,
        headers,
        csrf,
        Some(user),
        "/oauth/authorize",
        "consent",
    );
    page.t = Tr::new(&state.i18n, locale);
    let t = page.t;
    let catalogue = &state.sigil.settings().catalogue;
    let scopes = plan
        .into_iter()
        .map(|(scope, fields)| {
            let title = crate::console::scope_title(state, t, &scope);
            let fields = fields
                .into_iter()
                .map(|(key, value)| {
                    let kind = catalogue.get(&key).map_or(&FieldKind::Text, |d| &d.kind);
                    let shown = Shown::field(t, kind, &key, &value);
                    (key.clone(), t.key_label(catalogue, &key), value, shown)
                })
                .collect();
            ScopeView {
                name: scope,
                title,
                fields,
            }
        })
        .collect();
    render(&ConsentPage {
        page,
        app_name: req.app.name.clone(),
        app_description: req.app.description.clone(),
        home_url: req.app.home_url.clone().unwrap_or_default(),
        scopes,
        authz: raw.to_owned(),
    })
}

/// Anyone's browser, sent by an application.
pub async fn start(
    State(state): State<AppState>,
    OptionalUser(current): OptionalUser,
    Extension(csrf): Extension<CsrfToken>,
    Client(client): Client,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let raw = raw.unwrap_or_default();
    let params = parse(&raw);
    let req = match state.sigil.validate_authorize(&params).await {
        Ok(r) => r,
        Err(e) => return failure(&state, &headers, params.ui_locales.as_deref(), e),
    };
    let pair = current.as_ref().map(|(s, u)| (s, u));
    match state.sigil.authorize(&req, pair, &client).await {
        Ok(Decision::Redirect(url)) => Redirect::to(&url).into_response(),
        Ok(Decision::Consent) => match &current {
            Some((_, user)) => consent_page(&state, &headers, &csrf, user, &req, &raw).await,
            None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        },
        Ok(Decision::SignIn { force }) => {
            let now = state.sigil.now().unix_timestamp();
            let next = format!("/oauth/authorize?{}", return_query(&raw, force, now));
            let mut login = form_urlencoded::Serializer::new(String::new());
            login.append_pair("next", &next);
            if force {
                login.append_pair("reauth", "1");
            }
            if let Some(hint) = &req.login_hint {
                login.append_pair("login_hint", hint);
            }
            if let Some(ui) = ui_locale(req.ui_locales.as_deref()) {
                login.append_pair("ui_locales", ui.tag());
            }
            Redirect::to(&format!("/login?{}", login.finish())).into_response()
        }
        Err(AuthorizeError::NoAccess) => match &current {
            Some((_, user)) => refused(&state, &headers, &csrf, user, &req, &raw).await,
            None => failure(
                &state,
                &headers,
                params.ui_locales.as_deref(),
                AuthorizeError::NoAccess,
            ),
        },
        Err(e) => failure(&state, &headers, params.ui_locales.as_deref(), e),
    }
}

/// The "by invitation only" page, with a sign-out that comes back to this request.
async fn refused(
    state: &AppState,
    headers: &HeaderMap,
    csrf: &CsrfToken,
    user: &User,
    req: &ValidRequest,
    raw: &str,
) -> Response {
    let now = state.sigil.now().unix_timestamp();
    let next = format!("/oauth/authorize?{}", return_query(raw, false, now));
    crate::console::shell::load(state, user).await;
    super::closed::closed_page(state, headers, csrf, user, req, next)
}

/// The same request sent as a form post, which OpenID Connect Core §3.1.2.1 requires
/// the endpoint to accept. It changes nothing a GET could not, so it takes no CSRF
/// token; the consent answer is a separate, protected form.
pub async fn start_post(
    state: State<AppState>,
    current: OptionalUser,
    csrf: Extension<CsrfToken>,
    client: Client,
    headers: HeaderMap,
    body: Result<String, StringRejection>,
) -> Response {
    match body {
        Ok(body) => start(state, current, csrf, client, headers, RawQuery(Some(body))).await,
        // Over the limit or not UTF-8: the person's browser gets a page, not axum's text.
        Err(rejection) => page_unreadable(
            &state.0,
            &headers,
            Unreadable::from_status(rejection.status()),
        ),
    }
}

#[derive(Deserialize)]
pub struct ConsentForm {
    authz: String,
    decision: String,
}

/// The signed-in person answers the consent question.
pub async fn answer(
    State(state): State<AppState>,
    current: PageUser,
    Extension(csrf): Extension<CsrfToken>,
    Client(client): Client,
    headers: HeaderMap,
    PageForm(form): PageForm<ConsentForm>,
) -> Response {
    let params = parse(&form.authz);
    let req = match state.sigil.validate_authorize(&params).await {
        Ok(r) => r,
        Err(e) => return failure(&state, &headers, params.ui_locales.as_deref(), e),
    };
    let session: &Session = &current.session;
    match state
        .sigil
        .answer_consent(
            &req,
            session,
            &current.user,
            form.decision == "approve",
            &client,
        )
        .await
    {
        Ok(url) => Redirect::to(&url).into_response(),
        Err(AuthorizeError::NoAccess) => {
            refused(&state, &headers, &csrf, &current.user, &req, &form.authz).await
        }
        Err(e) => failure(&state, &headers, params.ui_locales.as_deref(), e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_return_query_drops_prompt_login_and_records_the_time() {
        let q = return_query(
            "client_id=a&prompt=login+consent&state=x%26y&auth_after=1",
            true,
            99,
        );
        assert_eq!(q, "client_id=a&prompt=consent&state=x%26y&auth_after=99");
        assert_eq!(
            return_query("client_id=a&prompt=login", false, 99),
            "client_id=a&prompt=login"
        );
    }

    #[test]
    fn repeated_parameters_are_dropped_and_the_request_marked() {
        let p = parse("client_id=a&client_id=b&scope=openid");
        assert_eq!(p.client_id, None);
        assert_eq!(p.scope.as_deref(), Some("openid"));
        assert!(p.repeated);
        assert!(!parse("client_id=a&state=").repeated);
    }
}

//! The public profile: the page a visitor gets, and the owner's preview of it.
use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use sigil_core::fields::FieldKind;
use sigil_core::ids::UserId;
use sigil_core::services::PublicProfile;
use sigil_core::vcard::{file_name, Card};
use sigil_core::CoreError;

use super::PageCtx;
use crate::auth::csrf::CsrfToken;
use crate::auth::PageUser;
use crate::error::{page_failure, render};
use crate::extract::PagePath;
use crate::format::Shown;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "public_profile.html")]
struct PublicPage<'a> {
    page: PageCtx<'a>,
    title: String,
    /// Label, key, stored value (a photo's address) and the value as people read it.
    rows: Vec<(String, String, String, Shown)>,
    preview: bool,
    private: bool,
    address: String,
}

fn page_of<'a>(
    state: &'a AppState,
    page: PageCtx<'a>,
    profile: &PublicProfile,
    preview: bool,
) -> PublicPage<'a> {
    let t = page.t;
    let catalogue = &state.sigil.settings().catalogue;
    let rows = profile
        .fields
        .iter()
        .map(|(key, value)| {
            let kind = catalogue.get(key).map_or(&FieldKind::Text, |d| &d.kind);
            let shown = Shown::field(t, kind, key, value);
            (
                t.key_label(catalogue, key),
                key.clone(),
                value.clone(),
                shown,
            )
        })
        .chain(profile.identifiers.iter().map(|(provider, label)| {
            let shown = Shown::Text(label.clone());
            (provider.clone(), "identifier".into(), label.clone(), shown)
        }))
        .collect();
    let names: Vec<&str> = ["given_name", "family_name"]
        .iter()
        .filter_map(|k| profile.get(k))
        .collect();
    let title = if names.is_empty() {
        profile
            .get("nickname")
            .map(str::to_owned)
            .unwrap_or_else(|| t.t("public-title"))
    } else {
        names.join(" ")
    };
    PublicPage {
        title,
        rows,
        preview,
        private: profile.private,
        address: format!(
            "{}/public/profile/{}",
            state.config.public_url, profile.user_id
        ),
        page,
    }
}

/// Anyone: the fields the person made public (404 for a private profile).
pub async fn show(
    State(state): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
    PagePath(id): PagePath<String>,
) -> Response {
    let Ok(id) = id.parse::<UserId>() else {
        return page_failure(&state, &headers, CoreError::NotFound);
    };
    match state.sigil.public_profile(id).await {
        Ok(profile) => {
            let here = format!("/public/profile/{id}");
            let page = PageCtx::new(&state, &headers, &csrf, None, &here, "public");
            render(&page_of(&state, page, &profile, false))
        }
        Err(e) => page_failure(&state, &headers, e),
    }
}

/// The signed-in person: exactly what a visitor gets.
pub async fn preview(
    State(state): State<AppState>,
    current: PageUser,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
) -> Response {
    match state.sigil.public_view(&current.user).await {
        Ok(mut profile) => {
            if profile.private {
                profile.fields.clear();
            }
            let page = PageCtx::new(
                &state,
                &headers,
                &csrf,
                Some(&current.user),
                "/profile/public",
                "profile",
            );
            render(&page_of(&state, page, &profile, true))
        }
        Err(e) => page_failure(&state, &headers, e),
    }
}

/// Anyone: the public profile as a vCard 3.0 download.
pub async fn vcard(
    State(state): State<AppState>,
    headers: HeaderMap,
    PagePath(id): PagePath<String>,
) -> Response {
    let Ok(id) = id.parse::<UserId>() else {
        return page_failure(&state, &headers, CoreError::NotFound);
    };
    match state.sigil.public_card(id).await {
        Ok(card) => vcard_response(&card, &id.to_string()),
        Err(e) => page_failure(&state, &headers, e),
    }
}

/// `text/vcard` with a file name to save it under.
pub fn vcard_response(card: &Card, fallback: &str) -> Response {
    let name = file_name(&card.formatted_name(fallback));
    (
        [
            (header::CONTENT_TYPE, "text/vcard; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        card.render(fallback),
    )
        .into_response()
}

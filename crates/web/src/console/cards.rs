//! The business card: the owner's controls and QR code, and the public card with its
//! vCard at `/api/cards/<slug>`.
use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};
use serde::Deserialize;
use sigil_core::fields::FieldKind;
use sigil_core::CoreError;

use super::public::vcard_response;
use super::PageCtx;
use crate::auth::csrf::CsrfToken;
use crate::auth::PageUser;
use crate::client::Client;
use crate::error::{page_failure, render};
use crate::extract::PagePath;
use crate::extract::{PageForm, PageQuery};
use crate::format::Shown;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct ActiveForm {
    active: String,
}

/// The signed-in person switches the card on or off.
pub async fn set_active(
    State(state): State<AppState>,
    current: PageUser,
    Client(client): Client,
    headers: HeaderMap,
    PageForm(form): PageForm<ActiveForm>,
) -> Response {
    let active = match form.active.as_str() {
        "on" => true,
        "off" => false,
        _ => {
            let invalid = CoreError::field("active", sigil_core::FieldErrorKind::Unknown);
            return page_failure(&state, &headers, invalid);
        }
    };
    match state
        .sigil
        .set_card_active(&current.user, active, &client)
        .await
    {
        Ok(()) => {
            let notice = if active { "card_on" } else { "card_off" };
            Redirect::to(&format!("/profile?notice={notice}#business-card")).into_response()
        }
        Err(e) => page_failure(&state, &headers, e),
    }
}

#[derive(Deserialize)]
pub struct LinkForm {
    #[serde(default)]
    slug: String,
}

/// The signed-in person picks the card's link.
pub async fn set_link(
    State(state): State<AppState>,
    current: PageUser,
    Extension(csrf): Extension<CsrfToken>,
    Client(client): Client,
    headers: HeaderMap,
    PageForm(form): PageForm<LinkForm>,
) -> Response {
    match state
        .sigil
        .set_card_link(&current.user, &form.slug, &client)
        .await
    {
        Ok(()) => Redirect::to("/profile?notice=card#business-card").into_response(),
        Err(e) => super::profile::refused(&state, &current, &csrf, &headers, e).await,
    }
}

/// The QR code of `url` as SVG.
pub fn qr_svg(url: &str) -> Result<String, qrcode::types::QrError> {
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M)?;
    Ok(code
        .render::<svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build())
}

/// The signed-in person: the QR code of their card's link.
pub async fn qr(State(state): State<AppState>, current: PageUser, headers: HeaderMap) -> Response {
    let card = match state.sigil.business_card(&current.user).await {
        Ok(Some(card)) => card,
        Ok(None) => return page_failure(&state, &headers, CoreError::NotFound),
        Err(e) => return page_failure(&state, &headers, e),
    };
    match qr_svg(&card.url) {
        Ok(svg) => ([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response(),
        Err(e) => page_failure(&state, &headers, CoreError::Unexpected(anyhow::anyhow!(e))),
    }
}

#[derive(Template)]
#[template(path = "card.html")]
struct CardTemplate<'a> {
    page: PageCtx<'a>,
    name: String,
    /// Label, key, stored value (for links) and the value as people read it.
    rows: Vec<(String, String, String, Shown)>,
    vcard: String,
    photo: Option<String>,
}

#[derive(Deserialize)]
pub struct FormatQuery {
    format: Option<String>,
}

/// Anyone: the active card, as a page or — for `?format=vcf`, or an `Accept` that
/// prefers `text/vcard` to `text/html` (RFC 9110 §12.5.1) — as a vCard.
pub async fn show(
    State(state): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
    PagePath(slug): PagePath<String>,
    PageQuery(q): PageQuery<FormatQuery>,
) -> Response {
    let card = match state.sigil.card_page(&slug).await {
        Ok(card) => card,
        Err(e) => return page_failure(&state, &headers, e),
    };
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
    let wants_vcard = q.format.as_deref() == Some("vcf")
        || crate::accept::preferred(accept, &["text/html", "text/vcard"]) == Some("text/vcard");
    if wants_vcard {
        return vcard_response(&card.card, &card.fallback_name);
    }
    let here = format!("/api/cards/{slug}");
    let page = PageCtx::new(&state, &headers, &csrf, None, &here, "public");
    let t = page.t;
    let c = &card.card;
    let catalogue = &state.sigil.settings().catalogue;
    let label = |key: &str| match catalogue.get(key) {
        Some(def) => t.field_label(def),
        None => t.t(&format!("contacts-{key}")),
    };
    let rows = [
        ("email", &c.email),
        ("phone", &c.phone),
        ("birthdate", &c.birthdate),
    ]
    .into_iter()
    .filter_map(|(k, v)| {
        let kind = catalogue.get(k).map_or(&FieldKind::Text, |d| &d.kind);
        v.as_ref().map(|v| {
            (
                label(k),
                k.to_owned(),
                v.clone(),
                Shown::field(t, kind, k, v),
            )
        })
    })
    .collect();
    render(&CardTemplate {
        name: c.formatted_name(&card.fallback_name),
        rows,
        vcard: format!("{here}?format=vcf"),
        photo: c.photo.clone(),
        page,
    })
}

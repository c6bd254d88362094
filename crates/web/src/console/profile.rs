//! The Profile page: main and additional information, contacts, security, other actions.
use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use serde::Deserialize;
use sigil_core::fields::{Block, FieldDef, FieldKind};
use sigil_core::services::{BusinessCard, PrivacyView, Profile};
use sigil_core::CoreError;

use super::PageCtx;
use crate::auth::csrf::CsrfToken;
use crate::auth::PageUser;
use crate::error::{page_failure, render};
use crate::extract::PageQuery;
use crate::format::Shown;
use crate::i18n::Tr;
use crate::state::AppState;

/// One field as a page shows it.
pub struct FieldView {
    pub key: String,
    pub label: String,
    pub value: String,
    /// The value as people read it (a date in their language); `value` stays as stored
    /// for forms.
    pub shown: Shown,
    pub editable: bool,
    pub mandatory: bool,
    pub input_type: &'static str,
    pub max_length: usize,
    pub error: String,
    /// The operator's hint on what to enter, in the page's language; empty without one.
    pub hint: String,
}

impl FieldView {
    pub fn new(t: Tr<'_>, def: &FieldDef, value: Option<&str>) -> Self {
        Self {
            key: def.key.clone(),
            label: t.field_label(def),
            value: value.unwrap_or_default().to_owned(),
            shown: Shown::field(t, &def.kind, &def.key, value.unwrap_or_default()),
            editable: def.editable,
            mandatory: def.mandatory,
            input_type: match def.kind {
                FieldKind::Date => "date",
                _ => "text",
            },
            max_length: def.max_length,
            error: String::new(),
            hint: def.hint(t.locale).unwrap_or_default().to_owned(),
        }
    }

    /// The error for `kind`, with the operator's hint in a format error.
    pub fn set_error(&mut self, t: Tr<'_>, kind: &sigil_core::error::FieldErrorKind) {
        self.error = crate::error::with_hint(t, kind, Some(&self.hint));
    }

    /// The ids of the hint and the error under the input, for `aria-describedby`.
    pub fn described_by(&self) -> String {
        let hint = (!self.hint.is_empty()).then(|| format!("h-{}", self.key));
        let error = (!self.error.is_empty()).then(|| format!("e-{}", self.key));
        [hint, error]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

pub fn block_views(
    t: Tr<'_>,
    profile: &Profile,
    catalogue: &[FieldDef],
    block: Block,
) -> Vec<FieldView> {
    catalogue
        .iter()
        .filter(|f| f.block == block)
        .map(|f| FieldView::new(t, f, profile.value(f)))
        .collect()
}

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfilePage<'a> {
    page: PageCtx<'a>,
    user_id: String,
    main: Vec<FieldView>,
    additional: Vec<FieldView>,
    can_edit_main: bool,
    can_edit_additional: bool,
    email: String,
    phone: String,
    notice: Option<String>,
    /// The notice answers a privacy choice further down: it stays in sight.
    notice_sticky: bool,
    missing: Vec<String>,
    privacy: PrivacyView,
    card: Option<BusinessCard>,
    /// The photo's thumbnail hash.
    photo: Option<String>,
    identifiers: Vec<super::identifiers::IdentifierView>,
    /// The operator configured providers to link.
    can_link: bool,
    /// A refused form: the general message and each field's error.
    error: Option<String>,
    errors: HashMap<String, String>,
}

impl ProfilePage<'_> {
    fn error_for(&self, field: &str) -> String {
        self.errors.get(field).cloned().unwrap_or_default()
    }

    /// Whether `level` (`private`, `on_request`, `public`) is in force for `key`.
    fn is_level(&self, key: &str, level: &str) -> bool {
        self.privacy.level(key).as_str() == level
    }
}

#[derive(Deserialize)]
pub struct ProfileQuery {
    notice: Option<String>,
    /// The field whose privacy level was just set, for a notice that names it.
    field: Option<String>,
}

/// The signed-in person, about themselves.
pub async fn show(
    State(state): State<AppState>,
    current: PageUser,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
    PageQuery(q): PageQuery<ProfileQuery>,
) -> Response {
    let notice = match (q.notice.as_deref(), q.field.as_deref()) {
        (Some("privacy"), Some(field)) => Notice::Privacy(field),
        (notice, _) => Notice::Named(notice),
    };
    profile_page(&state, &current, &csrf, &headers, notice, None).await
}

/// What the profile page says on arrival.
enum Notice<'a> {
    /// One of the page's notices by name, or none.
    Named(Option<&'a str>),
    /// The level of this field was set (without script): the field and its level.
    Privacy(&'a str),
}

/// A form on the profile page (photo, card link) refused its input: the page again,
/// the errors beside their fields, status 422.
pub async fn refused(
    state: &AppState,
    current: &PageUser,
    csrf: &CsrfToken,
    headers: &HeaderMap,
    error: CoreError,
) -> Response {
    let CoreError::Invalid(list) = &error else {
        return page_failure(state, headers, error);
    };
    let locale = crate::i18n::negotiate_headers(headers, &state.config, Some(&current.user));
    let t = Tr::new(&state.i18n, locale);
    let errors = list
        .iter()
        .map(|f| (f.field.clone(), t.field_error(&f.kind)))
        .collect();
    let page = profile_page(
        state,
        current,
        csrf,
        headers,
        Notice::Named(None),
        Some(errors),
    )
    .await;
    (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
}

async fn profile_page(
    state: &AppState,
    current: &PageUser,
    csrf: &CsrfToken,
    headers: &HeaderMap,
    notice: Notice<'_>,
    errors: Option<HashMap<String, String>>,
) -> Response {
    let profile = match state.sigil.profile(&current.user).await {
        Ok(p) => p,
        Err(e) => return page_failure(state, headers, e),
    };
    let privacy = match state.sigil.privacy(&profile.user).await {
        Ok(p) => p,
        Err(e) => return page_failure(state, headers, e),
    };
    let card = match state.sigil.business_card(&profile.user).await {
        Ok(c) => c,
        Err(e) => return page_failure(state, headers, e),
    };
    let identifiers = match state.sigil.identifiers(&profile.user).await {
        Ok(list) => list
            .iter()
            .map(|i| super::identifiers::IdentifierView::new(state, i))
            .collect(),
        Err(e) => return page_failure(state, headers, e),
    };
    let page = PageCtx::new(
        state,
        headers,
        csrf,
        Some(&profile.user),
        "/profile",
        "profile",
    );
    let t = page.t;
    let catalogue = state.sigil.settings().catalogue.fields();
    let main = block_views(t, &profile, catalogue, Block::Main);
    let additional = block_views(t, &profile, catalogue, Block::Additional);
    let missing = catalogue
        .iter()
        .filter(|f| profile.missing_fields.contains(&f.key))
        .map(|f| t.field_label(f))
        .collect();
    // Answers to a switch further down the page stay in sight where it lands.
    let notice_sticky = matches!(
        notice,
        Notice::Privacy(_)
            | Notice::Named(Some("card_on" | "card_off" | "private_on" | "private_off"))
    );
    let notice = match notice {
        Notice::Privacy(key) if privacy.levels.contains_key(key) => {
            let label = super::privacy::field_label(state, t, &profile.user, key).await;
            let level = privacy.level(key);
            Some(t.t1(
                &format!("flow-privacy-set-{}", level.as_str()),
                "field",
                &label,
            ))
        }
        Notice::Privacy(_) => Some(t.t("notice-privacy")),
        Notice::Named(notice) => named_notice(t, notice),
    };
    render(&ProfilePage {
        can_edit_main: main.iter().any(|f| f.editable),
        can_edit_additional: additional.iter().any(|f| f.editable),
        user_id: profile.user.id.to_string(),
        email: profile
            .user
            .email
            .as_ref()
            .map(|e| e.to_string())
            .unwrap_or_default(),
        phone: profile
            .user
            .phone
            .as_ref()
            .map(|p| p.international())
            .unwrap_or_default(),
        main,
        additional,
        notice,
        notice_sticky,
        missing,
        privacy,
        card,
        photo: profile.user.photo_small.clone(),
        identifiers,
        can_link: !state.sigil.providers().is_empty(),
        error: errors.as_ref().map(|_| t.t("error-invalid_input")),
        errors: errors.unwrap_or_default(),
        page,
    })
}

/// A notice of the profile page by its name in the address.
fn named_notice(t: Tr<'_>, notice: Option<&str>) -> Option<String> {
    let key = match notice? {
        "saved" => "notice-saved",
        "language" => "notice-language",
        "privacy" => "notice-privacy",
        "card" => "notice-card",
        "card_on" => "flow-notice-card_on",
        "card_off" => "flow-notice-card_off",
        "private_on" => "flow-notice-private_on",
        "private_off" => "flow-notice-private_off",
        "photo" => "notice-photo",
        "photo_removed" => "notice-photo_removed",
        "identifier_linked" => "notice-identifier_linked",
        "identifier_removed" => "notice-identifier_removed",
        "restored" => "deletion-notice-restored",
        _ => return None,
    };
    Some(t.t(key))
}

//! The one place errors become responses: JSON for the API, a page for the console.
//! Unexpected errors are logged with their cause and shown only as a generic message.
mod access;
mod deletion;
mod invitation;
mod page;
mod unavailable;

pub use deletion::erase_date;
pub use page::{dress, error_page, no_such_page, page_failure, page_unreadable};
pub use unavailable::{retry_after, RETRY_AFTER_SECONDS};

use askama::Template;
use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;
use serde_json::json;
use sigil_core::error::{FieldError, FieldErrorKind};
use sigil_core::locale::Locale;
use sigil_core::CoreError;

use crate::i18n::{I18n, Tr};
use crate::state::AppState;

pub fn status_of(error: &CoreError) -> StatusCode {
    match error {
        CoreError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        CoreError::InvalidCredentials | CoreError::Unauthenticated => StatusCode::UNAUTHORIZED,
        CoreError::Throttled => StatusCode::TOO_MANY_REQUESTS,
        CoreError::Blocked => StatusCode::FORBIDDEN,
        CoreError::NotFound => StatusCode::NOT_FOUND,
        CoreError::Forbidden | CoreError::ReauthRequired => StatusCode::FORBIDDEN,
        CoreError::Deletion(e) => deletion::status_of(e),
        CoreError::Access(e) => access::status_of(*e),
        CoreError::Invitation(e) => invitation::status_of(e),
        CoreError::CurrentSession | CoreError::AccountNotActive => StatusCode::CONFLICT,
        CoreError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        CoreError::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// A stable code for the API.
pub fn code_of(error: &CoreError) -> &'static str {
    match error {
        CoreError::Invalid(_) => "invalid_input",
        CoreError::InvalidCredentials => "invalid_credentials",
        CoreError::Throttled => "too_many_attempts",
        CoreError::Unauthenticated => "unauthenticated",
        CoreError::Blocked => "account_blocked",
        CoreError::NotFound => "not_found",
        CoreError::Forbidden => "forbidden",
        CoreError::ReauthRequired => "reauth_required",
        CoreError::Deletion(e) => deletion::code_of(e),
        CoreError::Access(e) => e.code(),
        CoreError::Invitation(e) => e.code(),
        CoreError::CurrentSession => "current_session",
        CoreError::AccountNotActive => "account_not_active",
        CoreError::Unavailable(_) => "temporarily_unavailable",
        CoreError::Unexpected(_) => "internal_error",
    }
}

/// The translated sentence for a whole error.
pub fn message_of(tr: Tr<'_>, error: &CoreError) -> String {
    match error {
        CoreError::Invalid(_) => tr.t("error-invalid_input"),
        CoreError::InvalidCredentials => tr.t("error-invalid_credentials"),
        CoreError::Throttled => tr.t("error-too_many_attempts"),
        CoreError::Unauthenticated => tr.t("error-unauthenticated"),
        CoreError::Blocked => tr.t("error-account_blocked"),
        CoreError::NotFound => tr.t("error-not_found"),
        CoreError::Forbidden => tr.t("error-forbidden"),
        CoreError::ReauthRequired => tr.t("error-reauth_required"),
        CoreError::Deletion(e) => deletion::message_of(tr, e),
        CoreError::Access(e) => access::message_of(tr, *e),
        CoreError::Invitation(e) => invitation::message_of(tr, e),
        CoreError::CurrentSession => tr.t("error-current_session"),
        CoreError::AccountNotActive => tr.t("error-account_not_active"),
        CoreError::Unavailable(e) => {
            tracing::warn!(error = %format!("{e:#}"), "database unavailable");
            tr.t("error-temporarily_unavailable")
        }
        CoreError::Unexpected(e) => {
            tracing::error!(error = ?e, "unexpected error");
            tr.t("error-internal_error")
        }
    }
}

/// An API error: `{"error": {"code", "message", "fields": [{"field", "code", "message"}]}}`.
pub struct ApiError {
    locale: Locale,
    error: CoreError,
    i18n: std::sync::Arc<I18n>,
    /// The operator's hints for the fields whose format was refused, by field.
    hints: std::collections::HashMap<String, String>,
}

impl ApiError {
    pub fn new(state: &AppState, locale: Locale, error: CoreError) -> Self {
        Self {
            hints: format_hints(state, locale, &error),
            locale,
            error,
            i18n: state.i18n.clone(),
        }
    }
}

/// The operator's hint, in `locale`, for each field refused for its format.
fn format_hints(
    state: &AppState,
    locale: Locale,
    error: &CoreError,
) -> std::collections::HashMap<String, String> {
    let CoreError::Invalid(list) = error else {
        return Default::default();
    };
    let catalogue = &state.sigil.settings().catalogue;
    list.iter()
        .filter(|f| f.kind == FieldErrorKind::Pattern)
        .filter_map(|f| {
            let hint = catalogue.get(&f.field)?.hint(locale)?;
            Some((f.field.clone(), hint.to_owned()))
        })
        .collect()
}

/// A field's error, with the operator's hint when its format was refused.
fn field_message(
    tr: Tr<'_>,
    hints: &std::collections::HashMap<String, String>,
    f: &FieldError,
) -> String {
    match hints.get(&f.field) {
        Some(hint) => with_hint(tr, &f.kind, Some(hint)),
        None => tr.error_on(f),
    }
}

/// The message for `kind`; a format error spells out the operator's hint, so that the
/// person learns what to type instead of only that it was wrong.
pub fn with_hint(tr: Tr<'_>, kind: &FieldErrorKind, hint: Option<&str>) -> String {
    match hint {
        Some(hint) if *kind == FieldErrorKind::Pattern && !hint.is_empty() => {
            tr.t1("error-pattern-hint", "hint", hint)
        }
        _ => tr.field_error(kind),
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let tr = Tr::new(&self.i18n, self.locale);
        let fields: Vec<_> = match &self.error {
            CoreError::Invalid(errors) => errors
                .iter()
                .map(|e| json!({ "field": e.field, "code": e.kind.code(), "message": field_message(tr, &self.hints, e) }))
                .collect(),
            _ => vec![],
        };
        let body = json!({ "error": {
            "code": code_of(&self.error),
            "message": message_of(tr, &self.error),
            "fields": fields,
        }});
        (status_of(&self.error), Json(body)).into_response()
    }
}

/// Why a request could not be read, from the status of axum's extractor rejection, so
/// that every surface answers the same: a body over the limit is 413 (RFC 9110
/// §15.5.14), a body of the wrong type 415, anything else malformed 400.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unreadable {
    TooLarge,
    WrongType,
    Malformed,
}

impl Unreadable {
    /// From the status any axum rejection carries (`rejection.status()`).
    pub fn from_status(status: StatusCode) -> Self {
        match status {
            StatusCode::PAYLOAD_TOO_LARGE => Self::TooLarge,
            StatusCode::UNSUPPORTED_MEDIA_TYPE => Self::WrongType,
            _ => Self::Malformed,
        }
    }

    pub fn status(self) -> StatusCode {
        match self {
            Self::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::WrongType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Malformed => StatusCode::BAD_REQUEST,
        }
    }

    /// The stable code for the JSON API and its translation `error-{code}`.
    pub fn code(self) -> &'static str {
        match self {
            Self::TooLarge => "request_too_large",
            Self::WrongType | Self::Malformed => "invalid_request",
        }
    }
}

/// The JSON API's answer to a request it could not read.
pub fn api_unreadable(state: &AppState, locale: Locale, why: Unreadable) -> Response {
    let key = format!("error-{}", why.code());
    api_refusal(state, locale, why.status(), why.code(), &key)
}

/// An API error that no [`CoreError`] stands for, in the same shape as [`ApiError`].
pub fn api_refusal(
    state: &AppState,
    locale: Locale,
    status: StatusCode,
    code: &str,
    message_key: &str,
) -> Response {
    let t = Tr::new(&state.i18n, locale);
    let body = json!({ "error": {
        "code": code,
        "message": t.t(message_key),
        "fields": [],
    }});
    (status, Json(body)).into_response()
}

/// `Query` for the JSON API: a query string that does not parse is answered in JSON
/// like any other API error, not with axum's plain-text rejection.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<AppState> for ApiQuery<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(Self(value)),
            // Not `api_unreadable`: its message is about the body, this is the query.
            Err(rejection) => {
                let locale = crate::i18n::negotiate_headers(&parts.headers, &state.config, None);
                let why = Unreadable::from_status(rejection.status());
                Err(api_refusal(
                    state,
                    locale,
                    why.status(),
                    why.code(),
                    "error-invalid_query",
                ))
            }
        }
    }
}

/// `Path` for the JSON API: a path parameter that cannot be decoded (not UTF-8) names
/// nothing there is, so it is the API's JSON 404, as for any unknown id.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<AppState> for ApiPath<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(Self(value)),
            Err(_) => {
                let locale = crate::i18n::negotiate_headers(&parts.headers, &state.config, None);
                Err(ApiError::new(state, locale, CoreError::NotFound).into_response())
            }
        }
    }
}

/// Renders a template into a response, or a plain 500 if the template fails.
pub fn render(template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "rendering a template");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

//! How a refused change of access to a closed application is answered.
use axum::http::StatusCode;
use sigil_core::access::AccessError;

use crate::i18n::Tr;

pub(super) fn status_of(e: AccessError) -> StatusCode {
    match e {
        AccessError::UnknownApp | AccessError::UnknownUser | AccessError::NotHeld => {
            StatusCode::NOT_FOUND
        }
        AccessError::NotClosed => StatusCode::CONFLICT,
    }
}

pub(super) fn message_of(tr: Tr<'_>, e: AccessError) -> String {
    tr.t(&format!("access-error-{}", e.code()))
}

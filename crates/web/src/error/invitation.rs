//! How refusals about invitations ([`InvitationError`]) answer.
use axum::http::StatusCode;
use sigil_core::invitation::InvitationError;

use crate::i18n::Tr;

pub(super) fn status_of(e: &InvitationError) -> StatusCode {
    match e {
        InvitationError::AppNotClosed
        | InvitationError::Duplicate
        | InvitationError::AlreadyHasAccess
        | InvitationError::Contended => StatusCode::CONFLICT,
        InvitationError::ExpiryOutOfRange => StatusCode::UNPROCESSABLE_ENTITY,
        InvitationError::Unknown => StatusCode::NOT_FOUND,
        InvitationError::Expired
        | InvitationError::Revoked
        | InvitationError::Used
        | InvitationError::Replaced => StatusCode::GONE,
        InvitationError::OtherAccount { .. } | InvitationError::Unverified { .. } => {
            StatusCode::FORBIDDEN
        }
    }
}

pub(super) fn message_of(tr: Tr<'_>, e: &InvitationError) -> String {
    match e {
        InvitationError::AppNotClosed => tr.t("invitation-error-app_not_closed"),
        InvitationError::ExpiryOutOfRange => tr.t_with(
            "invitation-error-expiry",
            &[("max", sigil_core::invitation::MAX_EXPIRY_DAYS.into())],
        ),
        InvitationError::Unknown => tr.t("invitation-error-unknown"),
        InvitationError::Expired => tr.t("invitation-error-expired"),
        InvitationError::Revoked => tr.t("invitation-error-revoked"),
        InvitationError::Used => tr.t("invitation-error-used"),
        InvitationError::Replaced => tr.t("invitation-error-replaced"),
        InvitationError::OtherAccount { invited } => {
            tr.t1("invitation-error-other_account", "address", invited)
        }
        InvitationError::Unverified { invited } => {
            tr.t1("invitation-error-unverified", "address", invited)
        }
        InvitationError::Duplicate => tr.t("invitation-error-duplicate"),
        InvitationError::AlreadyHasAccess => tr.t("invitation-error-already_has_access"),
        InvitationError::Contended => tr.t("invitation-error-contended"),
    }
}

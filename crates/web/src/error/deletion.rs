//! How the deletion lifecycle's refusals ([`DeletionError`]) answer.
use axum::http::StatusCode;
use sigil_core::deletion::DeletionError;

use crate::format::Dates;
use crate::i18n::Tr;

pub(super) fn status_of(e: &DeletionError) -> StatusCode {
    match e {
        DeletionError::AlreadyPending { .. } | DeletionError::NotPending => StatusCode::CONFLICT,
        DeletionError::TicketExpired | DeletionError::NothingToRestore => StatusCode::GONE,
        DeletionError::Scheduled(_) => StatusCode::FORBIDDEN,
    }
}

pub(super) fn code_of(e: &DeletionError) -> &'static str {
    match e {
        DeletionError::AlreadyPending { .. } => "deletion_already_requested",
        DeletionError::NotPending => "account_not_pending_deletion",
        DeletionError::TicketExpired => "restore_expired",
        DeletionError::NothingToRestore => "nothing_to_restore",
        DeletionError::Scheduled(_) => "account_pending_deletion",
    }
}

pub(super) fn message_of(tr: Tr<'_>, e: &DeletionError) -> String {
    match e {
        DeletionError::AlreadyPending { erase_after } => {
            let date = erase_date(tr, *erase_after);
            tr.t1("deletion-error-already", "date", &date)
        }
        DeletionError::NotPending => tr.t("deletion-error-not_pending"),
        DeletionError::TicketExpired => tr.t("deletion-error-expired"),
        DeletionError::NothingToRestore => tr.t("deletion-error-nothing"),
        DeletionError::Scheduled(pending) => {
            let date = erase_date(tr, pending.erase_after);
            tr.t1("deletion-scheduled-body", "date", &date)
        }
    }
}

/// The day of erasure as people read it in `tr`'s language (`12 March 2026`).
pub fn erase_date(tr: Tr<'_>, at: time::OffsetDateTime) -> String {
    let utc = at.to_offset(time::UtcOffset::UTC);
    Dates::new(tr).date(utc.date()).text().to_owned()
}

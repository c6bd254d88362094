//! The console frame's per-person part ([`Shell`]: favourites in the sidebar, the
//! Requests badge) reaches every page's [`super::PageCtx`] without each handler
//! passing it along: [`scope`] gives each request an empty slot, the [`PageUser`]
//! extractor fills it once it knows who is signed in, and `PageCtx` reads it.
//!
//! [`PageUser`]: crate::auth::session::PageUser
use std::cell::RefCell;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use sigil_core::services::Shell;

tokio::task_local! {
    static SHELL: RefCell<Option<Shell>>;
}

/// Runs the rest of the request with an empty slot for the frame's part.
pub async fn scope(request: Request, next: Next) -> Response {
    SHELL.scope(RefCell::new(None), next.run(request)).await
}

/// Fills the request's slot (outside [`scope`], as in unit tests, it does nothing).
pub(crate) fn fill(shell: Shell) {
    let _ = SHELL.try_with(|slot| *slot.borrow_mut() = Some(shell));
}

/// The request's frame part; empty if no signed-in page filled it.
pub(crate) fn current() -> Shell {
    SHELL
        .try_with(|slot| slot.borrow().clone())
        .ok()
        .flatten()
        .unwrap_or_default()
}

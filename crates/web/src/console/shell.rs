//! The console frame's per-person part ([`Shell`]: favourites in the sidebar, the
//! Requests badge) reaches every page's [`super::PageCtx`] without each handler
//! passing it along: [`scope`] gives each request an empty slot, the [`PageUser`]
//! extractor fills it once it knows who is signed in, and `PageCtx` reads it.
//!
//! The slot also gathers where the page's application logos come from (the
//! favourites' and the catalog's), so that [`scope`] can let exactly those origins'
//! images through the page's Content Security Policy.
//!
//! [`PageUser`]: crate::auth::session::PageUser
use std::cell::RefCell;
use std::collections::BTreeSet;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use sigil_core::catalog::logo_origin;
use sigil_core::locale::Locale;
use sigil_core::services::Shell;
use sigil_core::user::User;

use crate::state::AppState;

#[derive(Default)]
struct Slot {
    shell: Option<Shell>,
    /// The signed-in person's chosen language, for pages (errors) that do not know them.
    locale: Option<Locale>,
    /// Origins of the application logos the page shows.
    logos: BTreeSet<String>,
}

tokio::task_local! {
    static SHELL: RefCell<Slot>;
}

/// Runs the rest of the request with an empty slot for the frame's part; a page that
/// shows application logos gets a policy that lets their origins' images in.
pub async fn scope(request: Request, next: Next) -> Response {
    SHELL
        .scope(RefCell::new(Slot::default()), async {
            let mut response = next.run(request).await;
            let logos = SHELL
                .try_with(|slot| std::mem::take(&mut slot.borrow_mut().logos))
                .unwrap_or_default();
            crate::security::allow_images_from(&mut response, &logos);
            response
        })
        .await
}

/// Loads and fills the frame's part for `user`, who is signed in, and notes their
/// chosen language. A failure leaves the frame plain (the page itself still works).
pub(crate) async fn load(state: &AppState, user: &User) {
    let _ = SHELL.try_with(|slot| slot.borrow_mut().locale = user.locale);
    match state.sigil.console_shell(user).await {
        Ok(shell) => fill(shell),
        Err(e) => tracing::warn!(error = ?e, "loading the console frame"),
    }
}

/// Whether a signed-in page already filled the frame's part.
pub(crate) fn is_filled() -> bool {
    SHELL
        .try_with(|slot| slot.borrow().shell.is_some())
        .unwrap_or(false)
}

/// The signed-in person's chosen language, if a page knew them ([`load`]).
pub(crate) fn account_locale() -> Option<Locale> {
    SHELL.try_with(|slot| slot.borrow().locale).ok().flatten()
}

/// Fills the request's slot (outside [`scope`], as in unit tests, it does nothing).
pub(crate) fn fill(shell: Shell) {
    let origins: Vec<&str> = shell
        .favorites
        .iter()
        .filter_map(|f| f.logo_url.as_deref())
        .collect();
    show_logos(origins);
    let _ = SHELL.try_with(|slot| slot.borrow_mut().shell = Some(shell));
}

/// Notes that the page shows these logos.
pub(crate) fn show_logos<'a>(logo_urls: impl IntoIterator<Item = &'a str>) {
    let origins: Vec<String> = logo_urls.into_iter().filter_map(logo_origin).collect();
    let _ = SHELL.try_with(|slot| slot.borrow_mut().logos.extend(origins));
}

/// The request's frame part; empty if no signed-in page filled it.
pub(crate) fn current() -> Shell {
    SHELL
        .try_with(|slot| slot.borrow().shell.clone())
        .ok()
        .flatten()
        .unwrap_or_default()
}

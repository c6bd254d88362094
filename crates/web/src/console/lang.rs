//! The language switch.
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use serde::Deserialize;
use sigil_core::locale::Locale;

use super::safe_next;
use crate::auth::{cookies, OptionalUser};
use crate::client::Client;
use crate::extract::PageForm;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct LangForm {
    lang: String,
    next: Option<String>,
}

/// Anyone. Remembers the choice in a cookie, and on the account when signed in.
pub async fn switch(
    State(state): State<AppState>,
    OptionalUser(current): OptionalUser,
    Client(client): Client,
    jar: CookieJar,
    PageForm(form): PageForm<LangForm>,
) -> Response {
    let next = safe_next(form.next.as_deref());
    let Some(locale) = Locale::parse(&form.lang) else {
        return Redirect::to(&next).into_response();
    };
    if let Some((_, user)) = current {
        if let Err(e) = state.sigil.set_locale(&user, locale, &client).await {
            return crate::error::page_failure(&state, &Default::default(), e);
        }
    }
    let cookie = cookies::build(
        &state.config,
        cookies::LANG,
        locale.tag().to_owned(),
        Some(time::Duration::days(365)),
    );
    (jar.add(cookie), Redirect::to(&next)).into_response()
}

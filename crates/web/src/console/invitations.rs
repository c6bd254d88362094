//! The link in an invitation's mail (`/invitations/accept?token=…`): the guide's
//! "Method 1". Not signed in: a link that can still grant access sends the person to
//! sign in (or register) and back here; a dead one answers its page at once. Signed in with the invited address verified: access is
//! granted and the person goes on to the application. Anyone else gets a page that
//! says why, and changes nothing.
//!
//! A GET that grants is safe here: only a browser signed in to the invited person's
//! own account can spend the token, and what it does is what the person came for
//! (mail scanners, which open links without a session, only reach the sign-in page).
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use axum_extra::extract::CookieJar;
use serde::Deserialize;
use sigil_core::invitation::InvitationError;
use sigil_core::services::ACCEPT_PATH;
use sigil_core::user::User;
use sigil_core::CoreError;

use super::PageCtx;
use crate::auth::csrf::CsrfToken;
use crate::auth::{cookies, OptionalUser, PageUser};
use crate::client::Client;
use crate::error::{page_failure, render};
use crate::extract::{PageForm, PageQuery};
use crate::state::AppState;

/// Where signing out to switch accounts posts.
pub const SWITCH_PATH: &str = "/invitations/switch";

#[derive(Template)]
#[template(path = "invitation.html")]
struct InvitationPage<'a> {
    page: PageCtx<'a>,
    outcome: Outcome,
    /// The link itself, for the form that signs out and comes back to it.
    token: String,
}

enum Outcome {
    /// Access granted to the application named, which has no home URL to go on to.
    Done {
        app: String,
        /// Where to go from here: the application's own sign-in, with this account.
        next: String,
    },
    /// The invitation is for the address shown (partly hidden).
    OtherAccount {
        invited: String,
    },
    Unverified {
        invited: String,
    },
    /// The link no longer works (expired, withdrawn, answered, replaced) or never did:
    /// what happened, and what to do next.
    Closed {
        title: String,
        message: String,
        next: String,
    },
}

#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

/// The token of an invitation link given as `next` (the sign-in and register pages').
pub(crate) fn token_of(next: &str) -> Option<String> {
    let query = next.strip_prefix(ACCEPT_PATH)?.strip_prefix('?')?;
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.into_owned())
}

/// The link's path with its token, as the sign-in page's `next`.
fn link(token: &str) -> String {
    let token: String = form_urlencoded::byte_serialize(token.as_bytes()).collect();
    format!("{ACCEPT_PATH}?token={token}")
}

/// The signed-in person; anyone else signs in first and comes back here, when the link
/// can still grant access (a dead link answers its page at once).
pub async fn accept(
    State(state): State<AppState>,
    OptionalUser(current): OptionalUser,
    Extension(csrf): Extension<CsrfToken>,
    Client(client): Client,
    headers: HeaderMap,
    PageQuery(q): PageQuery<TokenQuery>,
) -> Response {
    let Some((_, user)) = current else {
        return match state.sigil.check_invitation_link(&q.token).await {
            Ok(_) => {
                let next: String =
                    form_urlencoded::byte_serialize(link(&q.token).as_bytes()).collect();
                Redirect::to(&format!("/login?next={next}")).into_response()
            }
            Err(e @ CoreError::Invitation(_)) => {
                let outcome = closed(&state, &headers, None, &e);
                answer_page(&state, &headers, &csrf, None, &q.token, e, outcome)
            }
            Err(e) => page_failure(&state, &headers, e),
        };
    };
    super::shell::load(&state, &user).await;
    let result = state
        .sigil
        .accept_invitation_link(&user, &q.token, &client)
        .await;
    let (status, outcome) = match result {
        // Accepted once, and the operator took the access away since.
        Ok(accepted) if !accepted.held => {
            let t = crate::i18n::Tr::new(
                &state.i18n,
                crate::i18n::negotiate_headers(&headers, &state.config, Some(&user)),
            );
            let inviter = &state.config.policy.operator.organisation;
            (
                StatusCode::GONE,
                Outcome::Closed {
                    title: t.t1("invitation-ended-title", "app", &accepted.app.name),
                    message: t.t1("invitation-ended-body", "app", &accepted.app.name),
                    next: t.t1("invitation-closed-next", "inviter", inviter),
                },
            )
        }
        Ok(accepted) => {
            if let Some(home) = accepted.app.home_url {
                return Redirect::to(&home).into_response();
            }
            // The frame's badge counted the invitation before it was accepted.
            super::shell::load(&state, &user).await;
            let locale = crate::i18n::negotiate_headers(&headers, &state.config, Some(&user));
            let next = crate::i18n::Tr::new(&state.i18n, locale).t_with(
                "invitation-done-next",
                &[
                    ("app", accepted.app.name.as_str().into()),
                    ("product", state.config.brand.product_name.as_str().into()),
                ],
            );
            (
                StatusCode::OK,
                Outcome::Done {
                    app: accepted.app.name,
                    next,
                },
            )
        }
        Err(CoreError::Invitation(InvitationError::OtherAccount { invited })) => {
            (StatusCode::FORBIDDEN, Outcome::OtherAccount { invited })
        }
        Err(CoreError::Invitation(InvitationError::Unverified { invited })) => {
            (StatusCode::FORBIDDEN, Outcome::Unverified { invited })
        }
        Err(e @ CoreError::Invitation(_)) => {
            let outcome = closed(&state, &headers, Some(&user), &e);
            return answer_page(&state, &headers, &csrf, Some(&user), &q.token, e, outcome);
        }
        Err(e) => return page_failure(&state, &headers, e),
    };
    let page = PageCtx::new(
        &state,
        &headers,
        &csrf,
        Some(&user),
        &link(&q.token),
        "requests",
    );
    let body = render(&InvitationPage {
        page,
        outcome,
        token: q.token,
    });
    (status, body).into_response()
}

/// The page for a link that no longer works, with the refusal's status.
fn answer_page(
    state: &AppState,
    headers: &HeaderMap,
    csrf: &CsrfToken,
    user: Option<&User>,
    token: &str,
    error: CoreError,
    outcome: Outcome,
) -> Response {
    let page = PageCtx::new(state, headers, csrf, user, &link(token), "requests");
    let body = render(&InvitationPage {
        page,
        outcome,
        token: token.to_owned(),
    });
    (crate::error::status_of(&error), body).into_response()
}

/// Why the link no longer works, in the person's language, and the way on: a new
/// invitation from whoever sent this one (the operator), which comes by email and on
/// the Requests tab.
fn closed(
    state: &AppState,
    headers: &HeaderMap,
    user: Option<&User>,
    error: &CoreError,
) -> Outcome {
    let locale = crate::i18n::negotiate_headers(headers, &state.config, user);
    let t = crate::i18n::Tr::new(&state.i18n, locale);
    let inviter = &state.config.policy.operator.organisation;
    let (title, next) = match error {
        CoreError::Invitation(InvitationError::Unknown) => {
            ("invitation-unknown-title", "invitation-unknown-next")
        }
        CoreError::Invitation(InvitationError::Replaced) => {
            ("invitation-closed-title", "invitation-replaced-next")
        }
        _ => ("invitation-closed-title", "invitation-closed-next"),
    };
    Outcome::Closed {
        title: t.t(title),
        message: crate::error::message_of(t, error),
        next: t.t1(next, "inviter", inviter),
    }
}

/// The signed-in person, on an invitation for another address: signs out and goes to
/// the sign-in page, which comes back to the invitation.
pub async fn switch(
    State(state): State<AppState>,
    current: PageUser,
    Client(client): Client,
    headers: HeaderMap,
    jar: CookieJar,
    PageForm(form): PageForm<TokenQuery>,
) -> Response {
    if let Err(e) = state.sigil.sign_out(&current.session, &client).await {
        return page_failure(&state, &headers, e);
    }
    let jar = jar.add(cookies::removal(&state.config, cookies::SESSION));
    let next: String = form_urlencoded::byte_serialize(link(&form.token).as_bytes()).collect();
    (jar, Redirect::to(&format!("/login?next={next}"))).into_response()
}

//! Privacy choices from the Profile page: one click per field, and the Private profile
//! switch; both apply at once.
//!
//! Without JavaScript a choice is a plain form post that comes back to the field's
//! anchor, so the page does not jump to its top. The page's script (`parts/flow.js`)
//! posts the same form with `Accept: application/json` and gets a short answer to
//! announce instead, so the person stays where they are.
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;
use sigil_core::identifier::PRIVACY_PREFIX;
use sigil_core::user::User;
use sigil_core::CoreError;

use crate::auth::PageUser;
use crate::client::Client;
use crate::error::{message_of, page_failure, status_of};
use crate::extract::PageForm;
use crate::i18n::{negotiate_headers, Tr};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct LevelForm {
    field: String,
    level: String,
}

/// The signed-in person sets the level of one of their fields.
pub async fn set_level(
    State(state): State<AppState>,
    current: PageUser,
    Client(client): Client,
    headers: HeaderMap,
    PageForm(form): PageForm<LevelForm>,
) -> Response {
    let result = state
        .sigil
        .set_privacy(&current.user, &form.field, &form.level, &client)
        .await;
    if wants_json(&headers) {
        let t = Tr::new(
            &state.i18n,
            negotiate_headers(&headers, &state.config, Some(&current.user)),
        );
        return match result {
            Ok(()) => {
                let label = field_label(&state, t, &current.user, &form.field).await;
                let message = t.t1(&format!("flow-privacy-set-{}", form.level), "field", &label);
                Json(json!({ "field": form.field, "level": form.level, "message": message }))
                    .into_response()
            }
            Err(e) => json_failure(t, &e),
        };
    }
    match result {
        Ok(()) => {
            let field: String = form_urlencoded::byte_serialize(form.field.as_bytes()).collect();
            let anchor = field_anchor(&form.field);
            let to = format!("/profile?notice=privacy&field={field}#{anchor}");
            Redirect::to(&to).into_response()
        }
        Err(e) => page_failure(&state, &headers, e),
    }
}

#[derive(Deserialize)]
pub struct SwitchForm {
    private: String,
}

/// The signed-in person turns the Private profile switch on or off.
pub async fn set_private(
    State(state): State<AppState>,
    current: PageUser,
    Client(client): Client,
    headers: HeaderMap,
    PageForm(form): PageForm<SwitchForm>,
) -> Response {
    let private = match form.private.as_str() {
        "on" => true,
        "off" => false,
        _ => return page_failure(&state, &headers, CoreError::NotFound),
    };
    match state
        .sigil
        .set_profile_private(&current.user, private, &client)
        .await
    {
        Ok(()) => {
            let notice = if private { "private_on" } else { "private_off" };
            Redirect::to(&format!("/profile?notice={notice}#profile-privacy")).into_response()
        }
        Err(e) => page_failure(&state, &headers, e),
    }
}

/// The script asks for JSON; a plain form (whose `Accept` prefers HTML) gets the page.
fn wants_json(headers: &HeaderMap) -> bool {
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
    crate::accept::preferred(accept, &["text/html", "application/json"]) == Some("application/json")
}

/// The id of a field's row on the Profile page (`field-<key>`), safe in a fragment:
/// keys are ASCII words, identifiers' keys add a colon; anything else is escaped.
pub(crate) fn field_anchor(key: &str) -> String {
    let mut anchor = String::from("field-");
    for b in key.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b':' | b'.') {
            anchor.push(b as char);
        } else {
            anchor.push_str(&format!("%{b:02X}"));
        }
    }
    anchor
}

/// What the announcement calls the field: its label, or a linked account's provider and
/// name.
pub(super) async fn field_label(state: &AppState, t: Tr<'_>, user: &User, key: &str) -> String {
    if key.starts_with(PRIVACY_PREFIX) {
        let linked = state.sigil.identifiers(user).await.unwrap_or_default();
        if let Some(i) = linked.iter().find(|i| i.privacy_key() == key) {
            let view = super::identifiers::IdentifierView::new(state, i);
            return format!("{} ({})", view.provider, view.label);
        }
    }
    t.key_label(&state.sigil.settings().catalogue, key)
}

/// A refusal the script can announce: the reason in the person's language.
fn json_failure(t: Tr<'_>, error: &CoreError) -> Response {
    let message = match error {
        CoreError::Invalid(list) => list
            .first()
            .map(|f| t.field_error(&f.kind))
            .unwrap_or_else(|| message_of(t, error)),
        _ => message_of(t, error),
    };
    (
        status_of(error),
        Json(json!({ "error": { "message": message } })),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::field_anchor;
    use crate::console::ReauthReason;
    use crate::i18n::{I18n, Tr};
    use sigil_core::locale::Locale;

    /// The flow's keys are built at run time, so the key scan of the templates and
    /// code cannot see them: each is asked for here, in every language.
    #[test]
    fn every_generated_flow_message_exists_in_every_language() {
        let i18n = I18n::load().expect("translations");
        let mut keys: Vec<String> = ["private", "on_request", "public"]
            .iter()
            .map(|l| format!("flow-privacy-set-{l}"))
            .collect();
        keys.extend(ReauthReason::ALL.iter().map(|r| r.message_key()));
        for kind in ["email", "phone"] {
            for notice in ["code_sent", "verified", "removed"] {
                keys.push(format!("flow-notice-{kind}-{notice}"));
            }
        }
        for spent in ["expired", "exhausted", "used"] {
            keys.push(format!("flow-code-{spent}"));
        }
        for locale in Locale::ALL {
            let t = Tr::new(&i18n, locale);
            for key in &keys {
                let text = t.t1(key, "field", "X");
                assert_ne!(&text, key, "{} lacks {key}", locale.tag());
            }
        }
        let en = Tr::new(&i18n, Locale::En);
        assert_eq!(
            en.t1("flow-privacy-set-private", "field", "First name"),
            "First name: visible only to you"
        );
    }

    #[test]
    fn a_field_anchor_cannot_leave_the_fragment() {
        assert_eq!(field_anchor("given_name"), "field-given_name");
        assert_eq!(field_anchor("identifier:abc-1"), "field-identifier:abc-1");
        assert_eq!(field_anchor("a b#c\r\n"), "field-a%20b%23c%0D%0A");
    }
}

//! What an event did, in a few words, from its stored details: which field and level,
//! where a code went, which way a switch was turned. Events without such details say
//! nothing more than their title.
use serde_json::Value;
use sigil_core::fields::FieldCatalogue;

use crate::i18n::Tr;

/// The event's particulars as a short sentence, or an empty string. Its hyphens do
/// not break ("E-Mail" stays one word on the event's line).
pub fn what(t: Tr<'_>, catalogue: &FieldCatalogue, category: &str, details: &Value) -> String {
    particulars(t, catalogue, category, details).replace('-', "\u{2011}")
}

fn particulars(t: Tr<'_>, catalogue: &FieldCatalogue, category: &str, details: &Value) -> String {
    let text = |k: &str| details.get(k).and_then(Value::as_str);
    let flag = |k: &str| details.get(k).and_then(Value::as_bool);
    let label = |key: &str| {
        if key.starts_with(sigil_core::identifier::PRIVACY_PREFIX) {
            t.t("values-what-linked_account")
        } else {
            t.key_label(catalogue, key)
        }
    };
    match category {
        "privacy.field_changed" => match (text("field"), text("level")) {
            (Some(field), Some(level @ ("private" | "on_request" | "public"))) => {
                t.t1(&format!("flow-privacy-set-{level}"), "field", &label(field))
            }
            _ => String::new(),
        },
        "privacy.profile_changed" => match flag("private") {
            Some(true) => t.t("values-what-profile_private-on"),
            Some(false) => t.t("values-what-profile_private-off"),
            None => String::new(),
        },
        "card.activity_changed" => match flag("active") {
            Some(true) => t.t("values-what-card-on"),
            Some(false) => t.t("values-what-card-off"),
            None => String::new(),
        },
        "contact.code_sent" => match (text("to"), text("channel")) {
            (Some(to), Some(channel @ ("email" | "sms" | "call"))) => t.t_with(
                "values-what-code_sent",
                &[
                    ("to", to.to_owned().into()),
                    ("via", t.t(&format!("contacts-via-{channel}")).into()),
                ],
            ),
            _ => String::new(),
        },
        // The session signed out from the Devices page, as its row there named it.
        "session.signed_out_remotely" => {
            let client = sigil_core::event::ClientInfo {
                device: text("device").map(str::to_owned),
                browser: text("browser").map(str::to_owned),
                os: text("os").map(str::to_owned),
                ip: None,
            };
            super::devices::describe(t, &client)
        }
        "profile.updated" => details
            .get("fields")
            .and_then(Value::as_array)
            .map(|fields| {
                fields
                    .iter()
                    .filter_map(Value::as_str)
                    .map(label)
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default(),
        _ => String::new(),
    }
}

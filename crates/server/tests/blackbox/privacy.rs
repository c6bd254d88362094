//! Privacy levels: one click per field, the Private profile switch, and the release rule
//! applied to what applications receive.
use reqwest::{Method, StatusCode};
use serde_json::json;
use sigil_store::testing::Backend;

use crate::helpers::{location, spawn_app, spawn_with};
use crate::oidc_helpers::{register, signed_in_tokens, userinfo};
use crate::on_both_backends;

on_both_backends!(
    one_click_sets_a_level_and_applications_receive_only_what_it_allows,
    the_api_changes_levels_all_or_nothing_and_the_operator_sets_defaults,
    a_visitor_sees_exactly_the_public_fields_and_nothing_of_a_private_profile,
    the_public_vcard_reads_back_whole_in_any_script,
);

async fn one_click_sets_a_level_and_applications_receive_only_what_it_allows(backend: Backend) {
    let app = spawn_app(backend).await;
    let rp = register(&app, "web", None).await;
    let (b, tokens) = signed_in_tokens(&app, &rp, "ada", "openid profile").await;
    assert_eq!(
        b.post_form(
            "/profile/edit",
            &[
                ("block", "main"),
                ("given_name", "Ada"),
                ("family_name", "Lovelace"),
                ("nickname", "ada"),
            ],
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
    let access = tokens["access_token"].as_str().expect("token");
    let (_, claims) = userinfo(&app, access).await;
    assert_eq!(
        claims["given_name"], "Ada",
        "on request by default, consented"
    );

    // One click, applied at once, logged.
    let r = b
        .post_form(
            "/profile/privacy",
            &[("field", "given_name"), ("level", "private")],
        )
        .await;
    assert_eq!(
        location(&r),
        "/profile?notice=privacy&field=given_name#field-given_name"
    );
    let (_, page) = b.page(&location(&r)).await;
    assert!(page.contains("First name: visible only to you"));
    let pressed = regex::Regex::new(
        r#"value="given_name">\s*<span class="levels"[^>]*><button name="level" value="private" aria-pressed="true""#,
    )
    .expect("regex");
    assert!(
        pressed.is_match(&page),
        "the control shows the level in force"
    );
    let (_, claims) = userinfo(&app, access).await;
    assert!(
        claims.get("given_name").is_none(),
        "private is never released: {claims}"
    );
    assert_eq!(claims["family_name"], "Lovelace");
    assert!(
        claims["name"] == "Lovelace",
        "the full name is built from what is released"
    );

    // The Private profile switch does not hide on-request fields from a consented app.
    let r = b.post_form("/profile/private", &[("private", "on")]).await;
    assert_eq!(location(&r), "/profile?notice=private_on#profile-privacy");
    let (_, page) = b.page("/profile").await;
    assert!(page.contains(r#"id="profile-private-state">on<"#));
    let (_, claims) = userinfo(&app, access).await;
    assert_eq!(claims["family_name"], "Lovelace");

    let (_, events) = b.api(Method::GET, "/api/v1/me/events", None).await;
    let categories: Vec<&str> = events["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["category"].as_str())
        .collect();
    assert!(categories.contains(&"privacy.field_changed"));
    assert!(categories.contains(&"privacy.profile_changed"));

    // Nonsense is refused and changes nothing.
    let r = b
        .post_form(
            "/profile/privacy",
            &[("field", "given_name"), ("level", "everyone")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (_, privacy) = b.api(Method::GET, "/api/v1/me/privacy", None).await;
    assert_eq!(privacy["fields"]["given_name"], "private");
    assert_eq!(privacy["profile_private"], true);
}

async fn the_api_changes_levels_all_or_nothing_and_the_operator_sets_defaults(backend: Backend) {
    let app = spawn_with(backend, |c| {
        c.settings.contacts.email_privacy = sigil_core::privacy::PrivacyLevel::Public;
    })
    .await;
    let b = app.signed_in("bob").await;
    let (status, privacy) = b.api(Method::GET, "/api/v1/me/privacy", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        privacy["fields"]["email"], "public",
        "the operator's default"
    );
    assert_eq!(privacy["fields"]["nickname"], "public");
    assert_eq!(privacy["fields"]["birthdate"], "on_request");
    assert_eq!(privacy["profile_private"], false);

    let (status, body) = b
        .api(
            Method::PATCH,
            "/api/v1/me/privacy",
            Some(json!({ "fields": { "birthdate": "public", "shoe_size": "public" } })),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["fields"][0]["field"], "shoe_size");
    let (_, privacy) = b.api(Method::GET, "/api/v1/me/privacy", None).await;
    assert_eq!(
        privacy["fields"]["birthdate"], "on_request",
        "nothing changed"
    );

    let (status, _) = b
        .api(
            Method::PATCH,
            "/api/v1/me/privacy",
            Some(json!({ "fields": { "birthdate": "private", "phone": "public" }, "profile_private": true })),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, privacy) = b.api(Method::GET, "/api/v1/me/privacy", None).await;
    assert_eq!(privacy["fields"]["birthdate"], "private");
    assert_eq!(privacy["fields"]["phone"], "public");
    assert_eq!(privacy["profile_private"], true);
}

async fn a_visitor_sees_exactly_the_public_fields_and_nothing_of_a_private_profile(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let b = app.signed_in("grace").await;
    assert_eq!(
        b.post_form(
            "/profile/edit",
            &[
                ("block", "main"),
                ("given_name", "Grace"),
                ("family_name", "Hopper"),
                ("nickname", "amazing grace"),
            ],
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        b.post_form(
            "/profile/privacy",
            &[("field", "given_name"), ("level", "public")],
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
    let (_, me) = b.api(Method::GET, "/api/v1/me", None).await;
    let id = me["id"].as_str().expect("id").to_owned();

    let visitor = app.browser().await;
    let (status, page) = visitor.page(&format!("/public/profile/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(r#"data-field="given_name">Grace<"#));
    assert!(
        page.contains(r#"data-field="nickname">amazing grace<"#),
        "public by default"
    );
    assert!(!page.contains("Hopper"), "on request is not for visitors");
    assert!(
        !page.contains(r#"data-field="login""#),
        "the login is on request"
    );
    // The owner's preview is the same view.
    let (_, preview) = b.page("/profile/public").await;
    assert!(preview.contains(r#"data-field="given_name">Grace<"#));
    assert!(!preview.contains(r#"data-field="family_name""#));
    assert!(preview.contains(&format!("/public/profile/{id}")));

    assert_eq!(
        b.post_form("/profile/private", &[("private", "on")])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let (status, _) = visitor.page(&format!("/public/profile/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, preview) = b.page("/profile/public").await;
    assert!(preview.contains("Your profile is private"));
    assert!(!preview.contains(r#"data-field="given_name""#));
    let (status, _) = visitor.page("/public/profile/not-a-uuid").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// The text values of `property` in a parsed card.
fn texts(card: &calcard::vcard::VCard, property: calcard::vcard::VCardProperty) -> Vec<String> {
    card.entries
        .iter()
        .filter(|e| e.name == property)
        .flat_map(|e| e.values.iter())
        .filter_map(|v| match v {
            calcard::vcard::VCardValue::Text(t) => Some(t.clone()),
            _ => None,
        })
        .collect()
}

async fn the_public_vcard_reads_back_whole_in_any_script(backend: Backend) {
    use calcard::vcard::{VCard, VCardProperty};
    let app = spawn_with(backend, |c| {
        let rules = vec![(
            "family_name".to_owned(),
            sigil_core::fields::FieldRule {
                max_length: Some(255),
                ..Default::default()
            },
        )];
        c.settings.catalogue =
            sigil_core::fields::FieldCatalogue::with_rules(&rules).expect("catalogue");
    })
    .await;
    let b = app.signed_in("sofia").await;
    let long = format!("Ковалевская, Корвин-Круковская; {}", "я".repeat(160));
    assert!(long.chars().count() >= 190);
    let r = b
        .post_form(
            "/profile/edit",
            &[
                ("block", "main"),
                ("given_name", "Софья \\ Sofia"),
                ("family_name", &long),
                ("nickname", "Sonya, the mathematician"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    for field in ["given_name", "family_name"] {
        assert_eq!(
            b.post_form("/profile/privacy", &[("field", field), ("level", "public")])
                .await
                .status(),
            StatusCode::SEE_OTHER
        );
    }
    let (_, me) = b.api(Method::GET, "/api/v1/me", None).await;
    let id = me["id"].as_str().expect("id").to_owned();

    let visitor = app.browser().await;
    let r = visitor.get(&format!("/public/profile/{id}/vcard")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["content-type"].to_str().expect("type"),
        "text/vcard; charset=utf-8"
    );
    let disposition = r.headers()["content-disposition"]
        .to_str()
        .expect("disposition")
        .to_owned();
    assert!(disposition.starts_with("attachment; filename=") && disposition.ends_with(".vcf\""));
    let text = r.text().await.expect("body");
    assert!(text.starts_with("BEGIN:VCARD\r\nVERSION:3.0\r\n"));
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "a line of {} octets", line.len());
    }
    let card = VCard::parse(&text).expect("a vCard parser reads it");
    assert_eq!(
        texts(&card, VCardProperty::Fn),
        [format!("Софья \\ Sofia {long}")]
    );
    assert_eq!(
        texts(&card, VCardProperty::N)[..2],
        [long.clone(), "Софья \\ Sofia".to_owned()]
    );
    assert_eq!(
        texts(&card, VCardProperty::Nickname),
        ["Sonya, the mathematician"]
    );
    assert_eq!(texts(&card, VCardProperty::Uid), [format!("urn:uuid:{id}")]);
    assert!(
        texts(&card, VCardProperty::Email).is_empty(),
        "no email on the account"
    );
    assert!(!text.contains("sofia\r\n"), "the login is not public");
    assert!(text.contains("\r\nREV:"));

    assert_eq!(
        b.post_form("/profile/private", &[("private", "on")])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let r = visitor.get(&format!("/public/profile/{id}/vcard")).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

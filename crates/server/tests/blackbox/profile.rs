//! Main and additional information under the operator's field rules.
use reqwest::{Method, StatusCode};
use serde_json::json;
use sigil_core::fields::FieldRule;
use sigil_store::testing::Backend;

use crate::helpers::{field_text, location, spawn_with, PASSWORD};
use crate::on_both_backends;

on_both_backends!(
    a_valid_edit_is_saved_and_logged,
    an_invalid_edit_comes_back_with_errors_beside_the_fields_and_saves_nothing,
    empty_mandatory_fields_are_saved_with_a_notice_and_asked_for_at_the_next_sign_in,
    a_locked_field_has_no_edit_control_and_the_api_refuses_it,
);

/// The operator's catalogue for these tests: a pattern on the given name, a mandatory
/// family name, a locked nickname, and an additional "company" field.
async fn app_with_rules(backend: Backend) -> crate::helpers::TestApp {
    spawn_with(backend, |c| {
        let given = FieldRule {
            pattern: Some(r"\p{Lu}[\p{L} '-]*".into()),
            ..FieldRule::default()
        };
        let family = FieldRule {
            mandatory: Some(true),
            ..FieldRule::default()
        };
        let nickname = FieldRule {
            editable: Some(false),
            ..FieldRule::default()
        };
        let mut company = FieldRule::default();
        company
            .labels
            .insert(sigil_core::locale::Locale::En, "Company".into());
        company
            .labels
            .insert(sigil_core::locale::Locale::De, "Firma".into());
        company.max_length = Some(20);
        c.settings.catalogue = sigil_core::fields::FieldCatalogue::with_rules(&[
            ("given_name".into(), given),
            ("family_name".into(), family),
            ("nickname".into(), nickname),
            ("company".into(), company),
        ])
        .expect("rules");
    })
    .await
}

async fn a_valid_edit_is_saved_and_logged(backend: Backend) {
    let app = app_with_rules(backend).await;
    let b = app.signed_in("frank").await;

    let r = b
        .post_form(
            "/profile/edit",
            &[
                ("block", "main"),
                ("given_name", "Фрэнк"),
                ("family_name", "Müller"),
                ("birthdate", "1990-04-01"),
                ("login", "frank.m"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/profile?notice=saved");
    let r = b
        .post_form(
            "/profile/edit",
            &[("block", "additional"), ("company", "ACME <b>")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    let (_, html) = b.page("/profile?notice=saved").await;
    assert!(html.contains("Your changes are saved."));
    assert_eq!(field_text(&html, "given_name"), "Фрэнк");
    assert_eq!(
        field_text(&html, "birthdate"),
        r#"<time datetime="1990-04-01">April 1, 1990"#
    );
    assert_eq!(field_text(&html, "login"), "frank.m");
    assert_eq!(
        field_text(&html, "company"),
        "ACME &#60;b&#62;",
        "values are escaped"
    );
    let (_, events) = b.api(Method::GET, "/api/v1/me/events", None).await;
    assert_eq!(events["events"][0]["category"], "profile.updated");
    assert_eq!(events["events"][0]["details"]["fields"], json!(["company"]));
    assert_eq!(
        events["events"][1]["details"]["fields"],
        json!(["given_name", "family_name", "login", "birthdate"])
    );
    // The new login signs in.
    let other = app.browser().await;
    assert_eq!(
        other.sign_in("frank.m", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
}

async fn an_invalid_edit_comes_back_with_errors_beside_the_fields_and_saves_nothing(
    backend: Backend,
) {
    let app = app_with_rules(backend).await;
    app.signed_in("taken").await;
    let b = app.browser_in("ru").await;
    assert_eq!(
        b.register("gina", "", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        b.post_form(
            "/profile/edit",
            &[("block", "main"), ("family_name", "Before")],
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );

    let r = b
        .post_form(
            "/profile/edit",
            &[
                ("block", "main"),
                ("given_name", "lowercase"),
                ("family_name", "After"),
                ("birthdate", "1990-02-30"),
                ("login", "taken"),
            ],
        )
        .await;

    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.expect("body");
    assert!(html.contains("Исправьте отмеченные поля. Ничего не сохранено."));
    assert!(
        html.contains(
            r#"id="e-given_name" class="field-error">Значение не соответствует требуемому формату."#
        ),
        "{html}"
    );
    assert!(
        html.contains(r#"id="e-birthdate" class="field-error">Введите дату в формате ГГГГ-ММ-ДД."#)
    );
    assert!(
        html.contains(r#"value="lowercase""#),
        "the form keeps what was typed"
    );
    let (_, html) = b.page("/profile").await;
    assert_eq!(field_text(&html, "family_name"), "Before", "nothing saved");

    // A taken login alone is refused too, after validation passed.
    let r = b
        .post_form(
            "/profile/edit",
            &[
                ("block", "main"),
                ("family_name", "After"),
                ("login", "taken"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .text()
        .await
        .expect("body")
        .contains("уже используется другим аккаунтом"));
    let (_, html) = b.page("/profile").await;
    assert_eq!(
        field_text(&html, "family_name"),
        "Before",
        "one transaction: the valid field was not kept"
    );
}

async fn empty_mandatory_fields_are_saved_with_a_notice_and_asked_for_at_the_next_sign_in(
    backend: Backend,
) {
    let app = app_with_rules(backend).await;
    let b = app.signed_in("hank").await;
    let r = b
        .post_form(
            "/profile/edit",
            &[
                ("block", "main"),
                ("given_name", "Hank"),
                ("family_name", ""),
            ],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "saving with an empty mandatory field is allowed"
    );
    let (_, html) = b.page("/profile?notice=saved").await;
    assert!(html.contains("Mandatory fields are empty"));
    assert_eq!(field_text(&html, "given_name"), "Hank");

    let next = app.browser().await;
    let r = next.sign_in("hank", PASSWORD).await;
    assert_eq!(location(&r), "/profile/complete?next=%2Fprofile");
    let (_, html) = next.page("/profile/complete?next=/events").await;
    assert!(html.contains(r#"name="family_name""#));
    assert!(
        !html.contains(r#"name="given_name""#),
        "only the missing fields are asked for"
    );
    let r = next
        .post_form(
            "/profile/complete",
            &[("next", "/events"), ("family_name", "  ")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .text()
        .await
        .expect("body")
        .contains("This field is mandatory."));
    let r = next
        .post_form(
            "/profile/complete",
            &[("next", "/events"), ("family_name", "Hill")],
        )
        .await;
    assert_eq!(location(&r), "/events");
    let r = app.browser().await.sign_in("hank", PASSWORD).await;
    assert_eq!(location(&r), "/profile", "nothing is missing any more");
}

async fn a_locked_field_has_no_edit_control_and_the_api_refuses_it(backend: Backend) {
    let app = app_with_rules(backend).await;
    let b = app.signed_in("ivy").await;
    let (_, html) = b.page("/profile/edit?block=main").await;
    assert!(!html.contains(r#"name="nickname""#));
    assert!(html.contains("Only the service administrator can change this field."));

    let (status, body) = b
        .api(
            Method::PATCH,
            "/api/v1/me",
            Some(json!({ "fields": { "nickname": "Poison", "given_name": "Ivy" } })),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["code"], "invalid_input");
    assert_eq!(body["error"]["fields"][0]["field"], "nickname");
    assert_eq!(body["error"]["fields"][0]["code"], "not_editable");
    let (_, me) = b.api(Method::GET, "/api/v1/me", None).await;
    assert_eq!(
        me["fields"]["given_name"],
        serde_json::Value::Null,
        "all or nothing"
    );

    // A form that smuggles the locked field in changes nothing either.
    assert_eq!(
        b.post_form(
            "/profile/edit",
            &[("block", "main"), ("nickname", "Poison")],
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
    let (_, me) = b.api(Method::GET, "/api/v1/me", None).await;
    assert_eq!(me["fields"]["nickname"], serde_json::Value::Null);
}

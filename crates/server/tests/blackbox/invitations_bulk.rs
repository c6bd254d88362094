//! A bulk invitation's addresses, each answered for itself: a repeat of an earlier
//! address and a person who holds access already are left out (no mail, nothing
//! pending); and what the operator may call an application (no control characters).
use reqwest::{Method, StatusCode};
use serde_json::json;
use sigil_core::services::OperatorAct;
use sigil_store::testing::Backend;

use crate::contacts::with_smtp;
use crate::invitations::{closed_app, count, invitation_path, invite, mail_to, HOME};
use crate::notices::confirmed_email;
use crate::oidc_helpers::signed_in_operator;
use crate::on_both_backends;

on_both_backends!(
    an_address_given_twice_is_invited_once_and_its_repeat_reported,
    a_person_holding_access_already_is_not_invited_again,
    application_names_and_descriptions_refuse_control_characters,
    an_address_with_no_account_is_written_to_in_the_operators_language,
);

async fn an_address_given_twice_is_invited_once_and_its_repeat_reported(backend: Backend) {
    let (app, smtp) = with_smtp(backend).await;
    let rp = closed_app(&app, "Wiki", Some(HOME)).await;
    let op = signed_in_operator(&app).await;

    let (status, body) = invite(
        &op,
        &rp,
        &["gina@example.com", "  GINA@example.com ", "hal@example.org"],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["invited"], 2, "{body}");
    let results = body["results"].as_array().expect("results");
    assert_eq!(results[0]["ok"], true, "{body}");
    assert_eq!(results[1]["email"], "  GINA@example.com ", "{body}");
    assert_eq!(results[1]["ok"], false, "{body}");
    assert_eq!(results[1]["skipped"], true, "{body}");
    assert_eq!(results[1]["error"]["code"], "duplicate", "{body}");
    assert_eq!(
        results[1]["error"]["message"],
        "This address already appears earlier in the list: it is invited once.",
        "{body}"
    );
    assert_eq!(results[2]["ok"], true, "{body}");

    // One invitation and one mail each; the first link was not killed by a second.
    let invitations = "SELECT COUNT(*) FROM invitations WHERE status = 'pending'";
    assert_eq!(count(&app, invitations).await, 2);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM invitations WHERE status <> 'pending'"
        )
        .await,
        0
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM outbox").await, 2);
    let mails = smtp.inbox.wait_for(2).await;
    let link = invitation_path(mail_to(&mails, "gina@example.com"));
    let gina = app.browser().await;
    confirmed_email(&gina, &smtp.inbox, "gina", "gina@example.com").await;
    // Confirming the address accepted the one invitation; its link goes on to the
    // application.
    let accepted = "SELECT COUNT(*) FROM invitations \
                    WHERE email = 'gina@example.com' AND status = 'accepted'";
    assert_eq!(count(&app, accepted).await, 1);
    let r = gina.get(&link).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "the link works");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM app_access").await, 1);
}

async fn a_person_holding_access_already_is_not_invited_again(backend: Backend) {
    let (app, smtp) = with_smtp(backend).await;
    let ada = app.browser().await;
    confirmed_email(&ada, &smtp.inbox, "ada", "ada@example.org").await;
    let rp = closed_app(&app, "Wiki", Some(HOME)).await;
    app.sigil
        .grant_access_by_operator(&rp.client_id, "ada", &OperatorAct::command_line())
        .await
        .expect("granted");
    let op = signed_in_operator(&app).await;
    let outbox = count(&app, "SELECT COUNT(*) FROM outbox").await;

    let (status, body) = invite(&op, &rp, &["ADA@example.org", "bob@example.org"]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["invited"], 1, "{body}");
    let ada_result = &body["results"][0];
    assert_eq!(ada_result["ok"], false, "{body}");
    assert_eq!(ada_result["skipped"], true, "{body}");
    assert_eq!(ada_result["error"]["code"], "already_has_access", "{body}");
    assert!(
        ada_result["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("already has access")),
        "{body}"
    );
    assert_eq!(body["results"][1]["ok"], true, "{body}");
    // No mail, no pending request for Ada; Bob's is sent.
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM invitations WHERE email = 'ada@example.org'"
        )
        .await,
        0
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM outbox").await, outbox + 1);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM events WHERE category = 'invitation.sent'"
        )
        .await,
        1
    );

    // In German for a German operator.
    let url = op.url(&format!("/api/v1/admin/apps/{}/invitations", rp.client_id));
    let r = op
        .client
        .request(Method::POST, url)
        .header("accept-language", "de")
        .json(&json!({ "emails": ["ada@example.org"] }))
        .send()
        .await
        .expect("POST");
    let body: serde_json::Value = r.json().await.expect("JSON");
    assert_eq!(
        body["results"][0]["error"]["message"],
        "Diese Person hat bereits Zugang zur Anwendung: Es wurde keine Einladung gesendet.",
        "{body}"
    );
}

async fn application_names_and_descriptions_refuse_control_characters(backend: Backend) {
    let app = crate::helpers::spawn_app(backend).await;
    let op = signed_in_operator(&app).await;
    let apps = "/api/v1/admin/apps";
    let uris = json!(["https://evil.example/cb"]);
    let before = count(&app, "SELECT COUNT(*) FROM applications").await;

    for name in [
        "Evil\r\nBcc: x",
        "Evil\u{7}",
        "Tab\there",
        "Live\u{202E}gnp",
    ] {
        let (status, body) = op
            .api(
                Method::POST,
                apps,
                Some(json!({ "name": name, "type": "web", "redirect_uris": uris })),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{name:?}: {body}");
        assert_eq!(body["error"]["fields"][0]["field"], "name", "{body}");
        assert_eq!(
            body["error"]["fields"][0]["code"], "invisible_characters",
            "{body}"
        );
    }
    let (status, body) = op
        .api(
            Method::POST,
            apps,
            Some(
                json!({ "name": "Wiki", "description": "Notes\u{0}\u{1b}[31m",
                         "type": "web", "redirect_uris": uris }),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["fields"][0]["field"], "description", "{body}");
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM applications").await,
        before
    );

    // A description may run over lines; a form's CR LF is stored as a plain line break.
    let (status, body) = op
        .api(
            Method::POST,
            apps,
            Some(
                json!({ "name": "Wiki", "description": "First line\r\nSecond line\nThird",
                         "type": "web", "redirect_uris": uris }),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["description"], "First line\nSecond line\nThird");
}

/// `[operator] language`: an address no account holds gets the invitation in the
/// operator's language; one an account holds verified, in the account's.
async fn an_address_with_no_account_is_written_to_in_the_operators_language(backend: Backend) {
    let server = crate::smtp::start().await;
    let url = server.url.clone();
    let app = crate::helpers::spawn_with(backend, move |c| {
        c.delivery.smtp_url = Some(url);
        c.delivery.mail_from = "Sigil <id@example.org>".into();
        c.settings.default_locale = sigil_core::locale::Locale::Ru;
    })
    .await;
    let ada = app.browser_in("de").await;
    confirmed_email(&ada, &server.inbox, "ada", "ada@example.org").await;
    let rp = closed_app(&app, "Wiki", Some(HOME)).await;
    let op = signed_in_operator(&app).await;

    let (status, body) = invite(&op, &rp, &["ada@example.org", "new@example.org"]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["invited"], 2, "{body}");
    let mails = server.inbox.wait_for(3).await;
    let to_new = mail_to(&mails, "new@example.org");
    assert!(
        to_new.subject().contains("Приглашение"),
        "the operator's language: {}",
        to_new.subject()
    );
    let to_ada = mail_to(&mails, "ada@example.org");
    assert!(
        to_ada.subject().contains("Einladung"),
        "the account's language: {}",
        to_ada.subject()
    );
}

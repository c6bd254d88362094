//! Invitations to closed applications through the public surface: the admin API, the
//! mail on a loopback SMTP sink, the link, and what each refusal changes (nothing).
use regex::Regex;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use sigil_core::oidc::application::AppInput;
use sigil_store::testing::Backend;

use crate::contacts::with_smtp;
use crate::helpers::{location, Browser, TestApp, PASSWORD};
use crate::notices::confirmed_email;
use crate::oidc_helpers::{signed_in_operator, Rp, REDIRECT};
use crate::on_both_backends;
use crate::smtp::Received;

on_both_backends!(
    the_mail_arrives_in_the_invitees_language_and_its_link_lets_the_invited_person_in,
    a_signed_out_person_signs_in_first_and_is_then_let_in,
    another_account_or_an_unverified_address_is_told_which_address_and_changes_nothing,
    expired_replaced_revoked_and_forged_links_change_nothing,
    inviting_to_an_open_or_unknown_application_is_refused_with_a_reason,
    two_accepts_at_once_grant_access_once,
);

pub const HOME: &str = "https://closed.example/home";

/// A closed application with a home URL (or none).
pub async fn closed_app(app: &TestApp, name: &str, home: Option<&str>) -> Rp {
    let input = AppInput {
        name: name.into(),
        description: format!("{name}: for invited people only"),
        app_type: "web".into(),
        home_url: home.map(str::to_owned),
        redirect_uris: vec![REDIRECT.into()],
        closed: true,
        ..AppInput::default()
    };
    let created = app.sigil.create_app(&input).await.expect("application");
    Rp {
        client_id: created.app.client_id.0,
        secret: created.client_secret,
        redirect: REDIRECT.into(),
    }
}

/// The operator invites `emails` to `rp` through the admin API.
pub async fn invite(op: &Browser, rp: &Rp, emails: &[&str]) -> (StatusCode, Value) {
    op.api(
        Method::POST,
        &format!("/api/v1/admin/apps/{}/invitations", rp.client_id),
        Some(json!({ "emails": emails })),
    )
    .await
}

/// The invitation link in a mail, as a local path.
pub fn invitation_path(mail: &Received) -> String {
    let text = mail.text();
    let link = Regex::new(r"https?://\S+(/invitations/accept\?token=[A-Za-z0-9_-]+)")
        .expect("regex")
        .captures(&text)
        .unwrap_or_else(|| panic!("an invitation link in {text}"))[1]
        .to_owned();
    link
}

/// The newest mail sent to `to`.
pub fn mail_to<'a>(mails: &'a [Received], to: &str) -> &'a Received {
    mails
        .iter()
        .rev()
        .find(|m| m.to.iter().any(|t| t == to))
        .unwrap_or_else(|| panic!("a mail to {to}"))
}

pub async fn count(app: &TestApp, sql: &str) -> i64 {
    app.query_i64(sql).await
}

async fn the_mail_arrives_in_the_invitees_language_and_its_link_lets_the_invited_person_in(
    backend: Backend,
) {
    let (app, smtp) = with_smtp(backend).await;
    let ada = app.browser_in("de").await;
    confirmed_email(&ada, &smtp.inbox, "ada", "ada@example.org").await;
    let rp = closed_app(&app, "Wiki", Some(HOME)).await;
    let op = signed_in_operator(&app).await;

    let (status, body) = invite(
        &op,
        &rp,
        &["Ada@Example.org", "not an address", "bob@example.org"],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["invited"], 2, "{body}");
    let results = body["results"].as_array().expect("results");
    assert_eq!(
        results[0]["invitation"]["email"], "ada@example.org",
        "normalised"
    );
    assert_eq!(results[1]["ok"], false);
    assert_eq!(results[1]["error"]["code"], "invalid_email", "{body}");
    assert_eq!(results[2]["ok"], true);

    let mails = smtp.inbox.wait_for(3).await;
    let to_ada = mail_to(&mails, "ada@example.org");
    assert!(
        to_ada.subject().contains("Einladung zu Wiki"),
        "{}",
        to_ada.subject()
    );
    assert!(
        to_ada.text().contains("Wiki: for invited people only"),
        "{}",
        to_ada.text()
    );
    let to_bob = mail_to(&mails, "bob@example.org");
    assert!(
        to_bob.subject().contains("Invitation to Wiki"),
        "{}",
        to_bob.subject()
    );
    let link = invitation_path(to_ada);
    let token = link.split("token=").nth(1).expect("token");
    assert!(
        !body.to_string().contains(token),
        "the API never shows the token"
    );
    let (_, listed) = op
        .api(
            Method::GET,
            &format!("/api/v1/admin/apps/{}/invitations", rp.client_id),
            None,
        )
        .await;
    assert_eq!(listed["invitations"].as_array().map(Vec::len), Some(2));
    assert!(!listed.to_string().contains(token));

    // The invited person, signed in with the address confirmed, goes straight on.
    let r = ada.get(&link).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), HOME);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM app_access WHERE source = 'invitation'"
        )
        .await,
        1
    );
    // Again: theirs already, not an error, and nothing more happens.
    let r = ada.get(&link).await;
    assert_eq!(location(&r), HOME);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM events WHERE category = 'invitation.accepted'"
        )
        .await,
        1
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM events WHERE category = 'invitation.sent' AND client_id IS NOT NULL").await,
        2
    );
}

async fn a_signed_out_person_signs_in_first_and_is_then_let_in(backend: Backend) {
    let (app, smtp) = with_smtp(backend).await;
    let carol = app.browser().await;
    confirmed_email(&carol, &smtp.inbox, "carol", "carol@example.org").await;
    let rp = closed_app(&app, "Board", Some(HOME)).await;
    let op = signed_in_operator(&app).await;
    assert_eq!(
        invite(&op, &rp, &["carol@example.org"]).await.0,
        StatusCode::OK
    );
    let link = invitation_path(&smtp.inbox.wait_for(2).await[1]);

    let fresh = app.browser().await;
    let r = fresh.get(&link).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to_sign_in = location(&r);
    assert!(to_sign_in.starts_with("/login?next="), "{to_sign_in}");
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM app_access").await,
        0,
        "nothing happens before signing in"
    );
    let next = crate::oidc_helpers::url_param(&to_sign_in, "next").expect("next");
    assert_eq!(next, link);
    let r = fresh
        .post_form(
            "/login",
            &[
                ("identifier", "carol"),
                ("password", PASSWORD),
                ("next", &next),
            ],
        )
        .await;
    assert_eq!(location(&r), link, "back to the invitation");
    let r = fresh.get(&link).await;
    assert_eq!(location(&r), HOME);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM app_access").await, 1);
}

async fn another_account_or_an_unverified_address_is_told_which_address_and_changes_nothing(
    backend: Backend,
) {
    let (app, smtp) = with_smtp(backend).await;
    let dan = app.browser().await;
    confirmed_email(&dan, &smtp.inbox, "dan", "dan@example.org").await;
    let rp = closed_app(&app, "Vault", None).await;
    let op = signed_in_operator(&app).await;
    assert_eq!(
        invite(&op, &rp, &["erin@example.org"]).await.0,
        StatusCode::OK
    );
    let link = invitation_path(&smtp.inbox.wait_for(2).await[1]);

    let r = dan.get(&link).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let page = r.text().await.expect("page");
    assert!(
        page.contains("e••@example.org"),
        "names the invited address"
    );
    assert!(
        page.contains(r#"action="/invitations/switch""#),
        "offers to switch"
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM app_access").await, 0);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM invitations WHERE status = 'pending'"
        )
        .await,
        1
    );

    // Switching signs out and comes back to the link through the sign-in page.
    let token = link.split("token=").nth(1).expect("token");
    let r = dan
        .post_form("/invitations/switch", &[("token", token)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(
        location(&r).starts_with("/login?next=%2Finvitations%2Faccept"),
        "{}",
        location(&r)
    );
    assert_eq!(
        dan.get("/profile").await.status(),
        StatusCode::SEE_OTHER,
        "signed out"
    );

    // Erin registers with the address but has not typed the code yet.
    let erin = app.browser().await;
    assert_eq!(
        erin.register("erin", "erin@example.org", PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let r = erin.get(&link).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let page = r.text().await.expect("page");
    assert!(
        page.contains(r#"href="/profile/contacts/email""#),
        "says where to confirm it"
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM app_access").await, 0);

    // Once confirmed, the access is there already (granted on confirmation), and the
    // link says so with the application's name: it has no home URL.
    let mail = smtp.inbox.wait_for(3).await.remove(2);
    let (code, _) = crate::contacts::code_and_link(&mail.text());
    let r = erin
        .post_form("/profile/contacts/email/confirm", &[("code", &code)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM app_access WHERE source = 'registration'"
        )
        .await,
        1
    );
    let (status, page) = erin.page(&link).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("You now have access to Vault"), "{page}");
}

async fn expired_replaced_revoked_and_forged_links_change_nothing(backend: Backend) {
    let (app, smtp) = with_smtp(backend).await;
    let fay = app.browser().await;
    confirmed_email(&fay, &smtp.inbox, "fay", "fay@example.org").await;
    let rp = closed_app(&app, "Labs", Some(HOME)).await;
    let op = signed_in_operator(&app).await;

    assert_eq!(
        invite(&op, &rp, &["fay@example.org"]).await.0,
        StatusCode::OK
    );
    let first = invitation_path(&smtp.inbox.wait_for(2).await[1]);
    let (_, body) = invite(&op, &rp, &["fay@example.org"]).await;
    assert!(body["results"][0]["replaced"].is_string(), "{body}");
    let second = invitation_path(&smtp.inbox.wait_for(3).await[2]);
    let (status, page) = fay.page(&first).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(page.contains("newer invitation"), "replaced: {page}");

    let id = body["results"][0]["invitation"]["id"].as_str().expect("id");
    let (status, revoked) = op
        .api(
            Method::DELETE,
            &format!("/api/v1/admin/invitations/{id}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{revoked}");
    assert_eq!(revoked["status"], "revoked");
    let (status, again) = op
        .api(
            Method::DELETE,
            &format!("/api/v1/admin/invitations/{id}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::GONE, "{again}");
    assert_eq!(again["error"]["code"], "invitation_revoked");
    let (status, page) = fay.page(&second).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(page.contains("withdrawn"), "{page}");

    assert_eq!(
        invite(&op, &rp, &["fay@example.org"]).await.0,
        StatusCode::OK
    );
    let third = invitation_path(&smtp.inbox.wait_for(4).await[3]);
    app.clock.advance(time::Duration::days(15));
    // Two weeks on, the session has ended too: Fay signs in again.
    assert_eq!(
        fay.sign_in("fay", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    let (status, page) = fay.page(&third).await;
    assert_eq!(status, StatusCode::GONE, "expired");
    assert!(page.contains("has expired"), "{page}");

    let (status, _) = fay
        .page("/invitations/accept?token=forged-token-0000")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = fay.page("/invitations/accept?token=%3Cscript%3E").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM app_access").await, 0);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM events WHERE category = 'invitation.accepted'"
        )
        .await,
        0
    );
}

async fn inviting_to_an_open_or_unknown_application_is_refused_with_a_reason(backend: Backend) {
    let app = crate::helpers::spawn_app(backend).await;
    let op = signed_in_operator(&app).await;
    let open = crate::oidc_helpers::register(&app, "web", None).await;
    let (status, body) = invite(&op, &open, &["gus@example.org"]).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "application_not_closed");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("close the application first")),
        "{body}"
    );
    let unknown = Rp {
        client_id: "no-such-app".into(),
        secret: None,
        redirect: REDIRECT.into(),
    };
    let (status, body) = invite(&op, &unknown, &["gus@example.org"]).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(body["error"]["code"], "unknown_application", "{body}");
    assert_eq!(
        body["error"]["message"], "There is no application with this client ID.",
        "{body}"
    );
    let (status, body) = op
        .api(
            Method::GET,
            "/api/v1/admin/apps/no-such-app/invitations",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(body["error"]["code"], "unknown_application", "{body}");
    let closed = closed_app(&app, "Ops", None).await;
    let (status, body) = op
        .api(
            Method::POST,
            &format!("/api/v1/admin/apps/{}/invitations", closed.client_id),
            Some(json!({ "emails": ["gus@example.org"], "expires_days": 0 })),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["code"], "invalid_expiry");
    // Not an operator: refused.
    let someone = app.browser().await;
    assert_eq!(
        someone.register("hal", "", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        invite(&someone, &closed, &["gus@example.org"]).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM invitations").await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM outbox").await, 0);
}

async fn two_accepts_at_once_grant_access_once(backend: Backend) {
    let (app, smtp) = with_smtp(backend).await;
    let ivy = app.browser().await;
    confirmed_email(&ivy, &smtp.inbox, "ivy", "ivy@example.org").await;
    let other_tab = app.browser().await;
    assert_eq!(
        other_tab.sign_in("ivy", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    let rp = closed_app(&app, "Race", Some(HOME)).await;
    let op = signed_in_operator(&app).await;
    assert_eq!(
        invite(&op, &rp, &["ivy@example.org"]).await.0,
        StatusCode::OK
    );
    let link = invitation_path(&smtp.inbox.wait_for(2).await[1]);

    let (a, b) = tokio::join!(ivy.get(&link), other_tab.get(&link));
    for r in [a, b] {
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&r), HOME, "both tabs go on: it is the same person");
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM app_access").await, 1);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM events WHERE category = 'invitation.accepted'"
        )
        .await,
        1
    );
}

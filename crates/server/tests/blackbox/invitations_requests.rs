//! The Requests tab, registration with an invited address, and the closed application's
//! sign-in after it; a Chromium accepting from the tab.
use reqwest::StatusCode;
use sigil_store::testing::Backend;

use crate::contacts::{code_and_link, with_smtp};
use crate::helpers::{location, PASSWORD};
use crate::invitations::{closed_app, count, invitation_path, invite, HOME};
use crate::notices::confirmed_email;
use crate::oidc_helpers::{authorize_path, pkce, signed_in_operator, url_param};
use crate::on_both_backends;

on_both_backends!(
    the_requests_tab_counts_accepts_and_declines_only_the_persons_own_invitations,
    registering_with_the_invited_address_grants_access_and_comes_back_to_the_link,
    the_closed_application_signs_in_only_after_the_invitation,
);

async fn the_requests_tab_counts_accepts_and_declines_only_the_persons_own_invitations(
    backend: Backend,
) {
    let (app, smtp) = with_smtp(backend).await;
    let jo = app.browser().await;
    confirmed_email(&jo, &smtp.inbox, "jolene", "jo@example.org").await;
    let kim = app.browser().await;
    confirmed_email(&kim, &smtp.inbox, "kimberly", "kim@example.org").await;
    let wiki = closed_app(&app, "Wiki", Some(HOME)).await;
    let chat = closed_app(&app, "Chat", None).await;
    let op = signed_in_operator(&app).await;
    let (_, first) = invite(&op, &wiki, &["jo@example.org"]).await;
    let (_, second) = invite(&op, &chat, &["jo@example.org", "kim@example.org"]).await;
    let wiki_id = first["results"][0]["invitation"]["id"]
        .as_str()
        .expect("id");
    let chat_id = second["results"][0]["invitation"]["id"]
        .as_str()
        .expect("id");
    let kims = second["results"][1]["invitation"]["id"]
        .as_str()
        .expect("id");

    let (_, profile) = jo.page("/profile").await;
    assert!(
        profile.contains(r#"aria-label="Requests, 2 pending""#),
        "the tab's name carries the count"
    );
    let (status, page) = jo.page("/profile/requests").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Wiki") && page.contains("Chat: for invited people only"));
    assert!(page.contains(&format!("/profile/requests/{wiki_id}/accept")));
    assert!(!page.contains(kims), "only invitations to Jo's own address");

    // Someone else's invitation is not found, and stays pending.
    let r = jo
        .post_form(&format!("/profile/requests/{kims}/accept"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    let r = jo
        .post_form(&format!("/profile/requests/{wiki_id}/accept"), &[])
        .await;
    assert_eq!(location(&r), "/profile/requests?notice=accepted");
    let (_, page) = jo.page("/profile/requests?notice=accepted").await;
    assert!(
        page.contains(&format!(r#"href="{HOME}""#)) && page.contains("Open Wiki"),
        "offers to open the application"
    );
    assert!(page.contains(r#"aria-label="Requests, 1 pending""#));

    let r = jo
        .post_form(&format!("/profile/requests/{chat_id}/decline"), &[])
        .await;
    assert_eq!(location(&r), "/profile/requests?notice=declined");
    let (_, page) = jo.page("/profile/requests").await;
    assert!(
        !page.contains(&format!("/profile/requests/{chat_id}/")),
        "gone"
    );
    assert!(!page.contains("Requests, "), "no badge left");
    // Answered already: a second answer changes nothing.
    let r = jo
        .post_form(&format!("/profile/requests/{chat_id}/accept"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::GONE);

    assert_eq!(count(&app, "SELECT COUNT(*) FROM app_access").await, 1);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM events WHERE category = 'invitation.declined' AND client_id IS NOT NULL"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM invitations WHERE status = 'pending'"
        )
        .await,
        1,
        "Kim's is still waiting"
    );
}

async fn registering_with_the_invited_address_grants_access_and_comes_back_to_the_link(
    backend: Backend,
) {
    let (app, smtp) = with_smtp(backend).await;
    let rp = closed_app(&app, "Portal", Some(HOME)).await;
    let op = signed_in_operator(&app).await;
    assert_eq!(
        invite(&op, &rp, &["lee@example.org"]).await.0,
        StatusCode::OK
    );
    let link = invitation_path(&smtp.inbox.wait_for(1).await[0]);

    // Not signed in: to the sign-in page, which offers registration on the same way.
    let lee = app.browser().await;
    let to_sign_in = location(&lee.get(&link).await);
    let (_, login) = lee.page(&to_sign_in).await;
    let register = regex::Regex::new(r#"href="(/register\?next=[^"]+)" id="register-link""#)
        .expect("regex")
        .captures(&login)
        .map(|c| c[1].to_owned())
        .expect("a way to register");
    assert_eq!(url_param(&register, "next").as_deref(), Some(link.as_str()));
    let (_, form) = lee.page(&register).await;
    assert!(form.contains(r#"name="next""#));
    let r = lee
        .post_form(
            "/register",
            &[
                ("login", "lee"),
                ("email", "lee@example.org"),
                ("password", PASSWORD),
                ("next", &link),
            ],
        )
        .await;
    let to_code = location(&r);
    assert!(
        to_code.starts_with("/profile/contacts/email?next="),
        "{to_code}"
    );
    let (_, page) = lee.page(&to_code).await;
    assert!(
        page.contains(r#"name="next""#),
        "the code form goes on afterwards"
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM app_access").await, 0);

    let (code, _) = code_and_link(&smtp.inbox.wait_for(2).await[1].text());
    let r = lee
        .post_form(
            "/profile/contacts/email/confirm",
            &[("code", &code), ("next", &link)],
        )
        .await;
    assert_eq!(location(&r), link, "back to the invitation");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM app_access WHERE source = 'registration'"
        )
        .await,
        1,
        "granted when the address was confirmed"
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM events WHERE category = 'invitation.access_granted'"
        )
        .await,
        1
    );
    // The link now goes on to the application instead of saying it was used.
    assert_eq!(location(&lee.get(&link).await), HOME);
    let (_, page) = lee.page("/profile/requests").await;
    assert!(page.contains("Accepted") && page.contains("Open Portal"));
}

/// A closed application refuses a person without access, and lets them in once an
/// invitation is accepted.
async fn the_closed_application_signs_in_only_after_the_invitation(backend: Backend) {
    let (app, smtp) = with_smtp(backend).await;
    let rp = closed_app(&app, "Portal", Some(HOME)).await;
    let mo = app.browser().await;
    confirmed_email(&mo, &smtp.inbox, "morgan", "mo@example.org").await;
    let (_, challenge) = pkce();
    let path = authorize_path(&rp, "openid", &challenge, &[]);
    let r = mo.get(&path).await;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "by invitation only: a page, never a code nor the consent"
    );

    let op = signed_in_operator(&app).await;
    assert_eq!(
        invite(&op, &rp, &["mo@example.org"]).await.0,
        StatusCode::OK
    );
    let link = invitation_path(&smtp.inbox.wait_for(2).await[1]);
    assert_eq!(location(&mo.get(&link).await), HOME);
    let loc = crate::oidc_helpers::authorize(&mo, &path, "morgan").await;
    assert!(url_param(&loc, "code").is_some(), "a code after: {loc}");
}

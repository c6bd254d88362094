//! Invitations in the person's data download (in the documented shape, never the token
//! nor its hash), and the operator inviting one address several times at once: one
//! pending invitation is left, and every invitation reported sent has its one mail.
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use reqwest::StatusCode;
use serde_json::Value;
use sigil_core::token::SecretToken;
use sigil_store::testing::Backend;

use crate::contacts::with_smtp;
use crate::export::schema_errors;
use crate::invitations::{closed_app, count, invitation_path, invite, HOME};
use crate::notices::confirmed_email;
use crate::oidc_helpers::signed_in_operator;
use crate::on_both_backends;

on_both_backends!(
    the_download_lists_pending_and_accepted_invitations_without_their_token,
    inviting_one_address_six_times_at_once_leaves_one_pending_and_a_mail_for_each_sent,
);

async fn the_download_lists_pending_and_accepted_invitations_without_their_token(backend: Backend) {
    let (app, smtp) = with_smtp(backend).await;
    let una = app.browser().await;
    confirmed_email(&una, &smtp.inbox, "una", "una@example.org").await;
    let wiki = closed_app(&app, "Wiki", Some(HOME)).await;
    let chat = closed_app(&app, "Chat", None).await;
    let op = signed_in_operator(&app).await;
    assert_eq!(
        invite(&op, &wiki, &["una@example.org"]).await.0,
        StatusCode::OK
    );
    let accepted = invitation_path(&smtp.inbox.wait_for(2).await[1]);
    assert_eq!(
        invite(&op, &chat, &["una@example.org"]).await.0,
        StatusCode::OK
    );
    let pending = invitation_path(&smtp.inbox.wait_for(3).await[2]);
    assert_eq!(una.get(&accepted).await.status(), StatusCode::SEE_OTHER);

    let r = una.post_form("/profile/export", &[]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let text = r.text().await.expect("body");
    let export: Value = serde_json::from_str(&text).expect("JSON");
    let problems = schema_errors(&export);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let listed = export["invitations"].as_array().expect("invitations");
    let status_of = |client_id: &str| {
        listed
            .iter()
            .find(|i| i["client_id"] == client_id)
            .map(|i| i["status"].clone())
    };
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert_eq!(status_of(&wiki.client_id), Some("accepted".into()));
    assert_eq!(status_of(&chat.client_id), Some("pending".into()));

    for link in [&accepted, &pending] {
        let token = link.split("token=").nth(1).expect("token");
        let hash = SecretToken::hash_str(token);
        // The hash as stored: the test looks for what is really in the table.
        assert_eq!(
            count(
                &app,
                &format!(
                    "SELECT COUNT(*) FROM invitations WHERE token_hash = '{}'",
                    hash.to_hex()
                )
            )
            .await,
            1
        );
        for secret in [
            token.to_owned(),
            hash.to_hex(),
            URL_SAFE_NO_PAD.encode(sha2::Digest::finalize(
                <sha2::Sha256 as sha2::Digest>::new_with_prefix(token.as_bytes()),
            )),
        ] {
            assert!(!text.contains(&secret), "the download holds {secret}");
        }
    }
    assert!(!text.contains("token"), "no token field of any name");
}

async fn inviting_one_address_six_times_at_once_leaves_one_pending_and_a_mail_for_each_sent(
    backend: Backend,
) {
    let (app, smtp) = with_smtp(backend).await;
    let rp = closed_app(&app, "Race", None).await;
    let op = signed_in_operator(&app).await;
    let to = ["vic@example.org"];
    let (a, b, c, d, e, f) = tokio::join!(
        invite(&op, &rp, &to),
        invite(&op, &rp, &to),
        invite(&op, &rp, &to),
        invite(&op, &rp, &to),
        invite(&op, &rp, &to),
        invite(&op, &rp, &to),
    );
    let mut sent = 0;
    for (status, body) in [a, b, c, d, e, f] {
        assert_eq!(status, StatusCode::OK, "{body}");
        // Each is sent, replacing the one before: a try that lost the race to the
        // unique index is tried again, and left nothing behind.
        assert_eq!(body["results"][0]["ok"], true, "{body}");
        sent += 1;
    }
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM invitations WHERE status = 'pending'"
        )
        .await,
        1,
        "never two pending for one application and address"
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM invitations").await,
        sent,
        "the others are replaced, none lost, none half-made"
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM outbox WHERE recipient = 'vic@example.org'"
        )
        .await,
        sent,
        "one mail per invitation sent"
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM events WHERE category = 'invitation.sent'"
        )
        .await,
        sent
    );
    // The mails that arrive: one per invitation sent.
    let mails = smtp.inbox.wait_for(sent as usize).await;
    assert_eq!(mails.len() as i64, sent);
}

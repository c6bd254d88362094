//! The invitation mail as a strict reader gets it, in English, German and Russian:
//! proper MIME (a plain-text and an HTML part, UTF-8, nothing but 7-bit on the wire, no
//! overlong line), the Subject encoded, and the link absolute on the configured public
//! URL, whole on a line of its own in the text part.
use regex::Regex;
use reqwest::StatusCode;
use sigil_core::oidc::application::AppInput;
use sigil_store::testing::Backend;

use crate::helpers::spawn_with;
use crate::invitations::{invite, mail_to};
use crate::notices::confirmed_email;
use crate::oidc_helpers::{signed_in_operator, Rp, REDIRECT};
use crate::on_both_backends;
use crate::smtp::{self, Received};

on_both_backends!(the_invitation_mail_is_well_formed_in_every_language);

/// Not the address the server listens on (plain HTTP only so that the test's browsers
/// keep their cookies; an `https://` public URL is the same setting).
const PUBLIC: &str = "http://id.example.org";

/// The header `name`'s raw line(s), unfolded, as sent.
fn raw_header(mail: &Received, name: &str) -> String {
    let raw = String::from_utf8_lossy(&mail.data);
    let head = raw.split("\r\n\r\n").next().unwrap_or_default();
    let mut found = String::new();
    let mut inside = false;
    for line in head.split("\r\n") {
        if inside && line.starts_with([' ', '\t']) {
            found.push_str(line);
        } else {
            inside = line
                .to_ascii_lowercase()
                .starts_with(&format!("{}:", name.to_ascii_lowercase()));
            if inside {
                found.push_str(line);
            }
        }
    }
    found
}

/// Every way this mail could be malformed.
fn problems(mail: &Received, subject: &str) -> Vec<String> {
    let mut found = Vec::new();
    if !mail.data.is_ascii() {
        found.push("8-bit bytes on the wire".to_owned());
    }
    let raw = String::from_utf8_lossy(&mail.data);
    if raw.split("\r\n").any(|l| l.len() > 998) {
        found.push("a line longer than 998 characters".to_owned());
    }
    if raw.replace("\r\n", "").contains('\n') {
        found.push("a bare LF".to_owned());
    }
    for name in ["Date", "Message-ID", "From", "To", "MIME-Version"] {
        if raw_header(mail, name).is_empty() {
            found.push(format!("no {name} header"));
        }
    }
    let raw_subject = raw_header(mail, "Subject");
    if !subject.is_ascii() && !raw_subject.contains("=?utf-8?") {
        found.push(format!("Subject not encoded: {raw_subject}"));
    }
    let parsed = mail.parsed();
    if parsed.subject() != Some(subject) {
        found.push(format!("Subject {:?}, not {subject:?}", parsed.subject()));
    }
    let content_type = raw_header(mail, "Content-Type").to_ascii_lowercase();
    if !content_type.contains("multipart/alternative") {
        found.push(format!("not multipart/alternative: {content_type}"));
    }
    let lower = raw.to_ascii_lowercase();
    for part in [
        "content-type: text/plain; charset=utf-8",
        "content-type: text/html; charset=utf-8",
    ] {
        if !lower.contains(part) {
            found.push(format!("no part with {part}"));
        }
    }
    let text = mail.text();
    let line = Regex::new(&format!(
        r"(?m)^{}/invitations/accept\?token=[A-Za-z0-9_-]{{20,}}\r?$",
        regex::escape(PUBLIC)
    ))
    .expect("regex");
    match line.find(&text) {
        None => found.push(format!("no absolute link on a line of its own: {text}")),
        Some(link) => {
            let href = format!(r#"href="{}""#, link.as_str().trim_end());
            if !mail.html().contains(&href) {
                found.push(format!("the HTML part has no {href}"));
            }
        }
    }
    if text.contains('<') || text.contains("&amp;") || text.contains("&#") {
        found.push(format!("markup in the text part: {text}"));
    }
    found
}

async fn the_invitation_mail_is_well_formed_in_every_language(backend: Backend) {
    let server = smtp::start().await;
    let url = server.url.clone();
    let app = spawn_with(backend, move |c| {
        c.delivery.smtp_url = Some(url);
        c.delivery.mail_from = "Sigil <id@example.org>".into();
        c.public_url = PUBLIC.into();
        c.settings.oidc.issuer = PUBLIC.into();
    })
    .await;
    for (lang, login) in [("de", "greta"), ("ru", "olga")] {
        let b = app.browser_in(lang).await;
        confirmed_email(&b, &server.inbox, login, &format!("{login}@example.org")).await;
    }
    let input = AppInput {
        name: "Atelier Köln".into(),
        description: "Notes & plans for the team's work".into(),
        app_type: "web".into(),
        redirect_uris: vec![REDIRECT.into()],
        closed: true,
        ..AppInput::default()
    };
    let created = app.sigil.create_app(&input).await.expect("application");
    let rp = Rp {
        client_id: created.app.client_id.0,
        secret: created.client_secret,
        redirect: REDIRECT.into(),
    };
    let op = signed_in_operator(&app).await;
    let (status, body) = invite(
        &op,
        &rp,
        &[
            "greta@example.org",
            "olga@example.org",
            "nobody@example.org",
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let mails = server.inbox.wait_for(5).await;

    let mut found = Vec::new();
    for (to, subject, words) in [
        (
            "nobody@example.org",
            "Invitation to Atelier Köln",
            [
                "invites you to Atelier Köln",
                "The invitation is valid until",
                "invited this address to Atelier Köln",
            ],
        ),
        (
            "greta@example.org",
            "Einladung zu Atelier Köln",
            [
                "lädt Sie zu Atelier Köln ein",
                "Die Einladung ist bis",
                "diese Adresse zu Atelier Köln eingeladen",
            ],
        ),
        (
            "olga@example.org",
            "Приглашение в приложение «Atelier Köln»",
            [
                "приглашает вас в приложение «Atelier Köln»",
                "Срок действия приглашения: до",
                "этот адрес пригласили в приложение «Atelier Köln»",
            ],
        ),
    ] {
        let mail = mail_to(&mails, to);
        found.extend(
            problems(mail, subject)
                .into_iter()
                .map(|p| format!("{to}: {p}")),
        );
        let text = mail.text();
        if text.contains("change to your account") || text.contains("Konto etwas geändert") {
            found.push(format!("{to}: the footer speaks of a change to an account"));
        }
        for w in words
            .into_iter()
            .chain(["Notes & plans for the team's work"])
        {
            if !text.contains(w) {
                found.push(format!("{to}: the text part lacks {w:?}: {text}"));
            }
        }
        let html = mail.html();
        if html.contains("Notes & plans") || !html.contains("plans for the team") {
            found.push(format!("{to}: the HTML part does not escape: {html}"));
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

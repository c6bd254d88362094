//! The Requests tab as Chromium draws it: a logo that fails leaves the application's
//! initials, the "Accepted" badge sits on the title's line, a favourite's long name
//! ends in an ellipsis, and at a phone's width the pending count shows on the closed
//! menu button (and is in its name); axe-core finds nothing at either width.
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sigil_store::testing::Backend;

use crate::axe::{chromium_in, describe, set_viewport, violations};
use crate::catalog::{catalog_app, star};
use crate::helpers::{TestApp, PASSWORD};
use crate::invitations::invite;
use crate::invitations_polish::{app_with_logo, spawn_mail_catalog};
use crate::notices::confirmed_email;
use crate::oidc_helpers::signed_in_operator;

const LONG: &str = "Verwaltungsdienstleistungsportal";

const READ: &str = r#"
const done = arguments[0];
const check = () => {
  const img = document.querySelector('.request .app-logo img');
  if (img && !img.hidden) { setTimeout(check, 50); return; }
  const tile = document.querySelector('.request .app-logo');
  const initials = tile.querySelector('span');
  const accepted = [...document.querySelectorAll('.request')].find(r => r.querySelector('.badge.ok'));
  const mid = el => { const r = el.getBoundingClientRect(); return r.top + r.height / 2; };
  const name = document.querySelector('.side .favorite-name');
  done({
    initials: initials.checkVisibility() ? initials.textContent : null,
    badgeOffset: Math.abs(mid(accepted.querySelector('.badge.ok')) - mid(accepted.querySelector('h2'))),
    logoOffset: Math.abs(mid(accepted.querySelector('.app-logo')) - mid(accepted.querySelector('h2'))),
    ellipsis: getComputedStyle(name).textOverflow,
    cut: name.scrollWidth > name.clientWidth,
    fullName: name.textContent.trim(),
  });
};
check();
"#;

const MENU: &str = r#"
const summary = document.querySelector('.nav-menu > summary');
const badge = summary.querySelector('.badge.count');
return {
  open: summary.parentElement.open,
  shown: badge.checkVisibility() && badge.getBoundingClientRect().width > 0,
  text: summary.textContent.replace(/\s+/g, ' ').trim(),
};
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_requests_show_initials_aligned_badges_and_the_count_on_the_menu() {
    let (app, smtp) = spawn_mail_catalog(Backend::Sqlite).await;
    let dan = app.browser().await;
    confirmed_email(&dan, &smtp.inbox, "dan", "dan@example.org").await;
    let fav = catalog_app(&app, LONG, "Long name", "web", |_| {}).await;
    assert_eq!(
        star(&dan, &fav, "on", "").await.status(),
        StatusCode::SEE_OTHER
    );
    let op = signed_in_operator(&app).await;
    // A logo whose host does not exist, and an invitation accepted.
    let atelier = app_with_logo(&app, "Atelier", Some("https://logo.invalid/a.png"), true).await;
    let board = app_with_logo(&app, "Board", None, true).await;
    for rp in [&atelier, &board] {
        let (status, body) = invite(&op, rp, &["dan@example.org"]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let id: String = {
        let (_, html) = dan.page("/profile/requests").await;
        let at = html.find(">Board</h2>").expect("Board");
        let start = html[..at].rfind("data-invitation=\"").expect("id") + 17;
        html[start..].split('"').next().expect("id").to_owned()
    };
    let r = dan
        .post_form(&format!("/profile/requests/{id}/accept"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    let c = chromium_in("en", 1280, 900).await;
    let result = walk(&c, &app).await;
    let _ = c.close().await;
    let found = result.expect("the walk in Chromium");
    assert!(found.is_empty(), "{}", found.join("\n"));
}

async fn walk(c: &Client, app: &TestApp) -> Result<Vec<String>, fantoccini::error::CmdError> {
    let mut found = Vec::new();
    c.goto(&format!("{}/login", app.base)).await?;
    c.find(Locator::Css("input[name='identifier']"))
        .await?
        .send_keys("dan")
        .await?;
    c.find(Locator::Css("input[name='password']"))
        .await?
        .send_keys(&format!("{PASSWORD}{}", Key::Enter))
        .await?;
    c.wait()
        .for_url(&format!("{}/profile", app.base).parse().expect("url"))
        .await?;
    c.goto(&format!("{}/profile/requests", app.base)).await?;
    let read: Value = c.execute_async(READ, vec![]).await?;
    assert_eq!(read["initials"], "A", "{read}");
    for key in ["badgeOffset", "logoOffset"] {
        assert!(
            read[key].as_f64().is_some_and(|d| d < 2.0),
            "{key} off the title's line: {read}"
        );
    }
    assert_eq!(read["ellipsis"], "ellipsis", "{read}");
    assert_eq!(read["cut"], true, "{read}");
    assert_eq!(read["fullName"], LONG, "{read}");
    audit(c, "requests at 1280", &mut found).await;

    set_viewport(c, 390, 844).await?;
    c.goto(&format!("{}/profile", app.base)).await?;
    let menu: Value = c.execute(MENU, vec![]).await?;
    assert_eq!(
        menu,
        json!({ "open": false, "shown": true, "text": "Menu 1 pending request" })
    );
    audit(c, "profile at 390", &mut found).await;
    c.goto(&format!("{}/profile/requests", app.base)).await?;
    audit(c, "requests at 390", &mut found).await;
    Ok(found)
}

async fn audit(c: &Client, label: &str, found: &mut Vec<String>) {
    match violations(c).await {
        Ok(list) => found.extend(list.iter().map(|v| format!("{label}: {}", describe(v)))),
        Err(e) => found.push(format!("{label}: {e}")),
    }
}

//! The Requests tab in Chromium, in every language: a pending invitation reads whole at
//! a computer's and a phone's width (nothing cut, no word broken, a date a person
//! reads), passes axe-core, and Accept leaves an offer to open the application and no
//! badge.
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sigil_core::clock::Clock;
use sigil_store::testing::Backend;

use crate::contacts::with_smtp;
use crate::helpers::PASSWORD;
use crate::invitations::{closed_app, invite, HOME};
use crate::notices::confirmed_email;
use crate::oidc_helpers::signed_in_operator;

/// What does not read whole in the first request on the page: a word split over two
/// lines, a button or badge wrapped, the page wider than the screen.
const BROKEN: &str = r#"
const problems = [];
const card = document.querySelector('.request');
if (!card) { return ['no request on the page']; }
const lines = (range) => new Set(Array.from(range.getClientRects())
    .filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
const walker = document.createTreeWalker(card, NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
  const node = walker.currentNode;
  for (const m of node.data.matchAll(/\S+/g)) {
    const r = document.createRange();
    r.setStart(node, m.index);
    r.setEnd(node, m.index + m[0].length);
    if (lines(r) > 1) { problems.push('a word broken: ' + m[0]); }
  }
}
for (const el of card.querySelectorAll('button, .badge, a.button')) {
  const r = document.createRange();
  r.selectNodeContents(el);
  if (lines(r) > 1) { problems.push('wrapped: ' + el.textContent.trim()); }
  const box = el.getBoundingClientRect();
  if (box.right > document.documentElement.clientWidth + 1) {
    problems.push('off the screen: ' + el.textContent.trim());
  }
}
const root = document.documentElement;
if (root.scrollWidth > root.clientWidth + 1) {
  problems.push('the page is wider than the screen: ' + root.scrollWidth);
}
return problems;
"#;

/// The first request's parts, as the person reads them.
const READ: &str = r#"
const card = document.querySelector('.request');
const nav = document.querySelector('a[href="/profile/requests"][aria-label]');
return {
  name: card.querySelector('h2').textContent.trim(),
  text: card.innerText,
  badge: nav ? nav.getAttribute('aria-label') : null,
  count: document.querySelectorAll('a[href="/profile/requests"] .badge.count').length,
};
"#;

/// Per language: "Invited by", "Valid until", Open.
const WORDS: [(&str, &str, &str, &str); 3] = [
    ("en", "Invited by", "Valid until", "Open Atelier"),
    ("de", "Eingeladen von", "Gültig bis", "Atelier öffnen"),
    (
        "ru",
        "Приглашение от",
        "Действует до",
        "Открыть приложение «Atelier»",
    ),
];

async fn axe_at(c: &Client, label: &str, found: &mut Vec<String>) {
    for (width, height) in [(1280, 900), (390, 844)] {
        crate::axe::set_viewport(c, width, height)
            .await
            .expect("viewport");
        match crate::axe::violations(c).await {
            Ok(list) => found.extend(
                list.iter()
                    .map(|v| format!("{label} {width}px: {}", crate::axe::describe(v))),
            ),
            Err(e) => found.push(format!("{label} {width}px: axe-core failed: {e}")),
        }
        if label.ends_with("pending") {
            let broken = c.execute(BROKEN, vec![]).await.expect("layout");
            if broken != json!([]) {
                found.push(format!("{label} {width}px: {broken}"));
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_a_pending_invitation_reads_whole_and_accept_offers_the_application() {
    let (app, smtp) = with_smtp(Backend::Sqlite).await;
    let rp = closed_app(&app, "Atelier", Some(HOME)).await;
    let op = signed_in_operator(&app).await;
    let iso = regex::Regex::new(r"\d{4}-\d{2}-\d{2}").expect("regex");
    let mut found = Vec::new();
    for (lang, invited_by, valid_until, open) in WORDS {
        let login = format!("pia.{lang}");
        let address = format!("pia.{lang}@example.org");
        let person = app.browser_in(lang).await;
        confirmed_email(&person, &smtp.inbox, &login, &address).await;
        let (status, body) = invite(&op, &rp, &[address.as_str()]).await;
        assert_eq!(status, StatusCode::OK, "{body}");

        let c = crate::axe::chromium_in(lang, 1280, 900).await;
        let result = async {
            c.goto(&format!("{}/login", app.base)).await?;
            c.find(Locator::Css("input[name='identifier']"))
                .await?
                .send_keys(&login)
                .await?;
            c.find(Locator::Css("input[name='password']"))
                .await?
                .send_keys(&format!("{PASSWORD}{}", Key::Enter))
                .await?;
            c.wait()
                .for_url(&format!("{}/profile", app.base).parse().expect("url"))
                .await?;
            c.goto(&format!("{}/profile/requests", app.base)).await?;
            c.wait().for_element(Locator::Css(".request")).await?;
            let read: Value = c.execute(READ, vec![]).await?;
            assert_eq!(read["name"], "Atelier", "{lang}");
            let text = read["text"].as_str().unwrap_or_default();
            assert!(
                text.contains("Atelier: for invited people only")
                    && text.contains(invited_by)
                    && text.contains(valid_until),
                "{lang}: {text}"
            );
            // The expiry a person reads: a date in their language, not a timestamp.
            let year = (app.clock.now() + time::Duration::days(14))
                .year()
                .to_string();
            assert!(
                text.contains(&year) && !iso.is_match(text),
                "{lang}: {text}"
            );
            assert!(
                read["badge"].as_str().is_some_and(|b| b.contains('1')),
                "{lang}: {read}"
            );
            assert!(
                read["count"].as_u64().is_some_and(|n| n > 0),
                "{lang}: the badge: {read}"
            );
            axe_at(&c, &format!("{lang} pending"), &mut found).await;
            crate::axe::set_viewport(&c, 1280, 900).await?;

            c.find(Locator::Css(".request button.primary"))
                .await?
                .click()
                .await?;
            c.wait().for_element(Locator::Css("p.notice")).await?;
            let offer = c
                .find(Locator::Css(&format!(".request a.button[href='{HOME}']")))
                .await?;
            assert_eq!(offer.text().await?, open, "{lang}");
            let read: Value = c.execute(READ, vec![]).await?;
            assert_eq!(read["badge"], Value::Null, "{lang}: no badge left");
            assert_eq!(read["count"], 0, "{lang}");
            axe_at(&c, &format!("{lang} accepted"), &mut found).await;
            Ok::<_, fantoccini::error::CmdError>(())
        }
        .await;
        let _ = c.close().await;
        result.expect("the Requests tab in Chromium");
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

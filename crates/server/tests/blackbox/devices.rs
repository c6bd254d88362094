//! The Devices tab: the person's live sessions, this one first and marked, and signing
//! out one of the others after a confirm step — which ends its cookie and every token
//! applications got under it, with one event. Sessions are addressed by their public
//! `sid`; another person's, or this one, changes nothing.
use fantoccini::{Client, Locator};
use regex::Regex;
use reqwest::{Method, StatusCode};
use sigil_store::testing::Backend;

use crate::browser::{arrive_with, chromium, register};
use crate::helpers::{location, spawn_app, Browser, TestApp, PASSWORD};
use crate::oidc_helpers::{authorize, authorize_path, exchange, pkce, post_client, register as rp};
use crate::oidc_helpers::{url_param, userinfo};
use crate::on_both_backends;

on_both_backends!(
    two_browsers_are_listed_and_signing_out_the_other_ends_its_session_and_tokens,
    another_persons_session_is_not_found_and_nothing_changes,
    the_current_session_is_not_signed_out_from_the_devices_tab,
    the_devices_tab_and_the_download_button_work_in_chromium,
);

pub const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";

/// The rows of the Devices page in order: (sid, is it this one, the row's markup).
pub fn rows(html: &str) -> Vec<(String, bool, String)> {
    let re = Regex::new(r#"(?s)<section class="card device" id="session-[^"]*" data-sid="([^"]+)"( data-current="true")?>(.*?)</section>"#)
        .expect("regex");
    re.captures_iter(html)
        .map(|c| (c[1].to_owned(), c.get(2).is_some(), c[3].to_owned()))
        .collect()
}

/// The sid of the session `b` is signed in with.
pub async fn own_sid(b: &Browser) -> String {
    let (status, html) = b.page("/profile/devices").await;
    assert_eq!(status, StatusCode::OK);
    rows(&html)
        .into_iter()
        .find(|(_, current, _)| *current)
        .map(|(sid, _, _)| sid)
        .expect("this device's row")
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    app.query_i64(sql).await
}

const REMOTE_EVENTS: &str =
    "SELECT COUNT(*) FROM events WHERE category = 'session.signed_out_remotely'";

async fn two_browsers_are_listed_and_signing_out_the_other_ends_its_session_and_tokens(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let client = rp(&app, "web", None).await;
    let mut desk = app.signed_in("lena").await;
    // A phone signs in later, and an application gets tokens there.
    app.clock.advance(time::Duration::minutes(2));
    let phone = app.browser_as("en", IPHONE).await;
    assert_eq!(
        phone.sign_in("lena", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    let (verifier, challenge) = pkce();
    let loc = authorize(
        &phone,
        &authorize_path(&client, "openid profile", &challenge, &[]),
        "lena",
    )
    .await;
    let code = url_param(&loc, "code").expect("a code");
    let (status, tokens) = exchange(&app, &client, &code, &verifier).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    let access = tokens["access_token"].as_str().expect("at").to_owned();
    let refresh = tokens["refresh_token"].as_str().expect("rt").to_owned();

    // Both are listed, this browser first and marked, with what each is and when.
    let (status, html) = desk.page("/profile").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(r#"href="/profile/devices""#),
        "in the navigation"
    );
    let (_, html) = desk.page("/profile/devices").await;
    let listed = rows(&html);
    assert_eq!(listed.len(), 2, "{html}");
    let (desk_sid, desk_current, desk_row) = &listed[0];
    let (phone_sid, phone_current, phone_row) = &listed[1];
    assert!(*desk_current && !*phone_current);
    assert!(desk_row.contains("This device"));
    assert!(desk_row.contains("Computer"));
    // The browser by its major version, as people know it.
    assert!(desk_row.contains("Firefox 128 on Linux"), "{desk_row}");
    assert!(!desk_row.contains("128.0"), "{desk_row}");
    assert!(desk_row.contains("Browser and system"));
    // "now" as the other rows' times read (the browser's relative format).
    assert!(desk_row.contains("<dd>now</dd>"), "{desk_row}");
    assert!(desk_row.contains("127.0.0.1"));
    assert!(!desk_row.contains("/sign-out"), "no sign-out for this one");
    assert!(phone_row.contains("Smartphone"));
    assert!(phone_row.contains("on iOS"));
    assert!(phone_row.contains(r#"<time datetime=""#));
    assert!(phone_row.contains(&format!(r#"href="/profile/devices/{phone_sid}/sign-out""#)));
    // The phone sees the same two, itself first.
    assert_eq!(own_sid(&phone).await, *phone_sid);
    assert_ne!(desk_sid, phone_sid);

    // The confirm step names the device.
    let confirm = format!("/profile/devices/{phone_sid}/sign-out");
    let (status, page) = desk.page(&confirm).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Sign out Safari 17 on iOS?"), "{page}");
    assert!(page.contains("Smartphone, Safari"));
    // The language menu comes back to this page, not to the list.
    assert!(
        page.contains(&format!(r#"name="next" value="{confirm}""#)),
        "{page}"
    );
    // Without its form token the POST is refused and changes nothing.
    let r = desk.post_raw(&confirm, &[]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(phone.get("/profile").await.status(), StatusCode::OK);

    let r = desk.post_form(&confirm, &[]).await;

    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/profile/devices?notice=signed_out");
    let (_, html) = desk.page(&location(&r)).await;
    assert!(html.contains("The device has been signed out."));
    assert_eq!(rows(&html).len(), 1);
    // The phone's cookie no longer opens anything, and its tokens are dead.
    let r = phone.get("/profile").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).starts_with("/login"));
    assert_eq!(userinfo(&app, &access).await.0, StatusCode::UNAUTHORIZED);
    let (_, intro) = post_client(&app, &client, "/oauth/introspect", &[("token", &access)]).await;
    assert_eq!(intro["active"], false, "{intro}");
    let (status, answer) = post_client(
        &app,
        &client,
        "/oauth/token",
        &[("grant_type", "refresh_token"), ("refresh_token", &refresh)],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer["error"], "invalid_grant");
    // This browser is still signed in.
    assert_eq!(desk.get("/profile").await.status(), StatusCode::OK);

    // One event, naming the device; readable in every language.
    let (_, events) = desk.api(Method::GET, "/api/v1/me/events", None).await;
    let remote: Vec<_> = events["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["category"] == "session.signed_out_remotely")
        .collect();
    assert_eq!(remote.len(), 1, "{events}");
    assert_eq!(remote[0]["details"]["device"], "smartphone");
    assert_eq!(remote[0]["details"]["os"], "iOS");
    for (lang, title) in [
        ("en", "Device signed out"),
        ("de", "Gerät abgemeldet"),
        ("ru", "Сеанс устройства завершён"),
    ] {
        desk.accept_language = lang.into();
        let (_, log) = desk.page("/events").await;
        assert!(log.contains(title), "{lang}");
        assert!(log.contains("Safari"), "{lang}: the device is named");
    }
    desk.accept_language = "en".into();

    // Signed out already: the same sid is gone, a 404 that writes nothing.
    let r = desk.post_form(&confirm, &[]).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(count(&app, REMOTE_EVENTS).await, 1);
}

async fn another_persons_session_is_not_found_and_nothing_changes(backend: Backend) {
    let app = spawn_app(backend).await;
    let lena = app.signed_in("lena").await;
    let omar = app.signed_in("omar").await;
    let omars = own_sid(&omar).await;
    let sessions = "SELECT COUNT(*) FROM sessions";
    assert_eq!(count(&app, sessions).await, 2);

    let (status, theirs) = lena
        .page(&format!("/profile/devices/{omars}/sign-out"))
        .await;
    let (unknown_status, unknown) = lena
        .page("/profile/devices/AAAAAAAAAAAAAAAAAAAAAA/sign-out")
        .await;
    let r = lena
        .post_form(&format!("/profile/devices/{omars}/sign-out"), &[])
        .await;

    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(unknown_status, StatusCode::NOT_FOUND);
    assert_eq!(
        theirs.replace(&omars, "SID"),
        unknown.replace("AAAAAAAAAAAAAAAAAAAAAA", "SID"),
        "the answer tells nothing about whose the sid is"
    );
    assert!(!theirs.contains("Firefox"));
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(omar.get("/profile").await.status(), StatusCode::OK);
    assert_eq!(count(&app, sessions).await, 2);
    assert_eq!(count(&app, REMOTE_EVENTS).await, 0);
    let (_, html) = lena.page("/profile/devices").await;
    assert!(
        !html.contains(&omars),
        "only lena's own sessions are listed"
    );
}

async fn the_current_session_is_not_signed_out_from_the_devices_tab(backend: Backend) {
    let app = spawn_app(backend).await;
    let b = app.signed_in("lena").await;
    let sid = own_sid(&b).await;
    let path = format!("/profile/devices/{sid}/sign-out");

    let (status, page) = b.page(&path).await;
    let r = b.post_form(&path, &[]).await;

    assert_eq!(status, StatusCode::CONFLICT);
    assert!(page.contains("This is the device you are using now."));
    assert!(
        page.contains(r#"action="/logout""#),
        "the way that does end it"
    );
    assert!(!page.contains(&format!(r#"action="{path}""#)));
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(b.get("/profile").await.status(), StatusCode::OK);
    assert_eq!(count(&app, REMOTE_EVENTS).await, 0);

    // Switching language stays on this page.
    let r = b
        .post_form("/lang", &[("lang", "de"), ("next", &path)])
        .await;
    assert_eq!(location(&r), path);
    let (_, page) = b.page(&path).await;
    assert!(page.contains("Dies ist das Gerät, das Sie gerade verwenden."));
}

async fn the_devices_tab_and_the_download_button_work_in_chromium(backend: Backend) {
    let app = spawn_app(backend).await;
    let c = chromium().await;
    let result = in_chromium(&c, &app).await;
    let _ = c.close().await;
    result.expect("the Devices tab in Chromium");
}

async fn in_chromium(c: &Client, app: &TestApp) -> Result<(), fantoccini::error::CmdError> {
    register(c, &app.base, "chrome.devices").await?;
    let phone = app.browser_as("en", IPHONE).await;
    assert_eq!(
        phone.sign_in("chrome.devices", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );

    // The tab is in the navigation (beside the page, or in the menu on a narrow one).
    c.find(Locator::Css("nav a[href='/profile/devices']"))
        .await?;
    c.goto(&format!("{}/profile/devices", app.base)).await?;
    let current = c
        .find(Locator::Css("section.device[data-current='true'] h2"))
        .await?
        .text()
        .await?;
    assert!(current.contains("This device"), "{current}");
    c.find(Locator::Css("section.device:not([data-current]) a.button"))
        .await?
        .click()
        .await?;
    c.wait()
        .for_element(Locator::Css("#device-sign-out button.danger"))
        .await?
        .click()
        .await?;
    arrive_with(c, "/profile/devices", "notice=signed_out").await?;
    assert_eq!(
        c.find_all(Locator::Css("section.device")).await?.len(),
        1,
        "only this browser is left"
    );
    assert_eq!(phone.get("/profile").await.status(), StatusCode::SEE_OTHER);

    // Download data is one button among the Other actions.
    c.goto(&format!("{}/profile", app.base)).await?;
    c.find(Locator::Css("#other-actions summary"))
        .await?
        .click()
        .await?;
    let button = c.find(Locator::Css("#export-link")).await?;
    assert!(button.is_displayed().await?);
    assert_eq!(button.text().await?, "Download data");
    button.click().await?;
    for _ in 0..100 {
        if app
            .query_i64("SELECT COUNT(*) FROM events WHERE category = 'data.exported'")
            .await
            == 1
        {
            return Ok(());
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the click downloaded nothing");
}

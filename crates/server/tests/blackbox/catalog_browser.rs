//! The catalog in Chromium: a person stars an application and finds it in the sidebar
//! on every page (at a phone's width, in the header's menu); logos show, and one that
//! fails to load leaves the application's initials; axe-core finds nothing on the
//! catalog at a desktop's and a phone's width.
use fantoccini::{Client, Locator};
use sigil_store::testing::Backend;
use sigil_web::brand::{Brand, Logo};

use crate::axe::{chromium_in, describe, set_viewport, violations};
use crate::catalog::catalog_app;
use crate::helpers::{spawn_with, TestApp, PASSWORD};
use crate::on_both_backends;

on_both_backends!(starring_an_application_in_chromium_puts_it_in_the_sidebar);

const LOGO: &[u8] = br##"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><rect width="40" height="40" fill="#2f5bd3"/></svg>"##;

async fn starring_an_application_in_chromium_puts_it_in_the_sidebar(backend: Backend) {
    let app = spawn_with(backend, |c| {
        c.settings.catalog_enabled = true;
        c.brand = Brand {
            logo: Some(Logo::sniff(LOGO.to_vec()).expect("an SVG")),
            ..Brand::default()
        };
    })
    .await;
    // A logo Sigil serves itself, one whose host does not exist, and none.
    let own_logo = format!("{}/static/brand-logo", app.base);
    let notes = catalog_app(&app, "Lovelace Notes", "Notes on the Engine", "web", |a| {
        a.logo_url = Some(own_logo)
    })
    .await;
    let calendar = catalog_app(&app, "Difference Calendar", "Plans your week", "spa", |a| {
        a.logo_url = Some("https://logo.invalid/calendar.png".into())
    })
    .await;
    catalog_app(&app, "Engine Console", "On your desktop", "native", |a| {
        a.home_url = None
    })
    .await;
    let b = app.signed_in("starry").await;
    drop(b);

    let c = chromium_in("en", 1280, 900).await;
    let result = walk(&c, &app, &notes, &calendar).await;
    let _ = c.close().await;
    let found = result.expect("the walk in Chromium");
    assert!(
        found.is_empty(),
        "{} accessibility problems:\n{}",
        found.len(),
        found.join("\n")
    );
}

async fn walk(
    c: &Client,
    app: &TestApp,
    notes: &str,
    calendar: &str,
) -> Result<Vec<String>, fantoccini::error::CmdError> {
    let base = &app.base;
    let mut found = Vec::new();
    c.goto(&format!("{base}/login")).await?;
    c.find(Locator::Css("input[name='identifier']"))
        .await?
        .send_keys("starry")
        .await?;
    c.find(Locator::Css("input[name='password']"))
        .await?
        .send_keys(&format!("{PASSWORD}\u{e007}"))
        .await?;
    wait_for(c, "the sign-in to leave /login", |u| !u.contains("/login")).await?;

    // The header's button opens the catalog.
    c.find(Locator::Css("a.catalog-button"))
        .await?
        .click()
        .await?;
    wait_for(c, "the catalog", |u| u.ends_with("/catalog")).await?;
    audit(c, "/catalog at 1280", &mut found).await?;

    // Logos: Sigil's own shows; the unreachable one gives way to the initials.
    let logos = c
        .execute_async(
            r#"const [own, gone, done] = arguments;
               const tile = id => document.querySelector(`li[data-client="${id}"] .app-logo`);
               const check = () => {
                 const ownImg = tile(own).querySelector('img');
                 const goneImg = tile(gone).querySelector('img');
                 if (ownImg.complete && ownImg.naturalWidth > 0 && goneImg.hidden) {
                   const initials = tile(gone).querySelector('span');
                   done({ own: ownImg.checkVisibility(), initials: initials.checkVisibility(),
                          text: initials.textContent });
                 } else setTimeout(check, 50);
               };
               check();"#,
            vec![notes.into(), calendar.into()],
        )
        .await?;
    assert_eq!(
        logos,
        serde_json::json!({ "own": true, "initials": true, "text": "DC" })
    );

    // The star: pressed after the click, and the application is in the sidebar.
    let star = format!(r#"li[data-client="{notes}"] form.star button"#);
    let button = c.find(Locator::Css(&star)).await?;
    assert_eq!(button.attr("aria-pressed").await?.as_deref(), Some("false"));
    assert_eq!(
        button.text().await?.trim(),
        "Add Lovelace Notes to favourites"
    );
    button.click().await?;
    wait_for(c, "the catalog after the star", |u| u.contains("added=")).await?;
    let button = c.find(Locator::Css(&star)).await?;
    assert_eq!(button.attr("aria-pressed").await?.as_deref(), Some("true"));
    // The focus is back on the star just pressed, not at the page's top.
    let focused = c
        .execute_async(
            "const [star, done] = arguments; let tries = 40; \
             const check = () => document.activeElement.matches(star) || --tries === 0 \
               ? done(document.activeElement.matches(star)) : setTimeout(check, 25); \
             check();",
            vec![star.clone().into()],
        )
        .await?;
    assert_eq!(focused, serde_json::json!(true), "the star has the focus");
    let notice = c.find(Locator::Css("p.notice")).await?.text().await?;
    assert_eq!(notice, "Lovelace Notes is now in your favourites.");
    audit(c, "/catalog with a favourite at 1280", &mut found).await?;

    // On another page too, opening the application.
    c.goto(&format!("{base}/profile")).await?;
    let link = c.find(Locator::Css(".side .favorites a")).await?;
    let name = link.find(Locator::Css(".favorite-name")).await?;
    assert_eq!(name.text().await?, "Lovelace Notes");
    assert_eq!(
        link.attr("href").await?.as_deref(),
        Some("https://rp.example/home")
    );
    assert!(link.is_displayed().await?);
    audit(c, "/profile with a favourite at 1280", &mut found).await?;
    c.goto(&format!("{base}/catalog?q=nothing-like-this"))
        .await?;
    let empty = c
        .find(Locator::Css("p.catalog-empty"))
        .await?
        .text()
        .await?;
    assert_eq!(
        empty,
        "Nothing found for “nothing-like-this”. Try another word, or clear the search."
    );
    audit(c, "/catalog with nothing found at 1280", &mut found).await?;

    // A phone: no side column; the button keeps its name, and the header's menu
    // holds the favourites.
    set_viewport(c, 390, 844).await?;
    c.goto(&format!("{base}/catalog")).await?;
    audit(c, "/catalog at 390", &mut found).await?;
    let button = c.find(Locator::Css("a.catalog-button")).await?;
    assert!(button.is_displayed().await?);
    let label = c
        .execute(
            "const a = document.querySelector('a.catalog-button'); \
             return [a.textContent.trim(), \
                     a.querySelector('.catalog-label').getBoundingClientRect().width];",
            vec![],
        )
        .await?;
    assert_eq!(label, serde_json::json!(["Catalog", 1]));
    // As wide as its neighbours' touch targets.
    let width = c
        .execute(
            "return document.querySelector('a.catalog-button').getBoundingClientRect().width;",
            vec![],
        )
        .await?;
    assert!(
        width.as_f64().is_some_and(|w| w >= 36.0),
        "the catalog button is {width}px wide"
    );
    assert!(
        !c.find(Locator::Css(".side .favorites a"))
            .await?
            .is_displayed()
            .await?
    );
    c.find(Locator::Css(".nav-menu > summary"))
        .await?
        .click()
        .await?;
    let in_menu = c.find(Locator::Css(".nav-menu .favorites a")).await?;
    assert!(in_menu.is_displayed().await?);
    let name = in_menu.find(Locator::Css(".favorite-name")).await?;
    assert_eq!(name.text().await?, "Lovelace Notes");
    audit(c, "/catalog with the menu open at 390", &mut found).await?;
    c.goto(&format!("{base}/catalog?q=nothing-like-this"))
        .await?;
    audit(c, "/catalog with nothing found at 390", &mut found).await?;
    Ok(found)
}

/// Waits until the address satisfies `arrived`.
async fn wait_for(
    c: &Client,
    what: &str,
    arrived: impl Fn(&str) -> bool,
) -> Result<(), fantoccini::error::CmdError> {
    for _ in 0..100 {
        if arrived(c.current_url().await?.as_str()) {
            return Ok(());
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("waited in vain for {what}: {}", c.current_url().await?);
}

/// What axe-core finds on the page shown, under `label`.
async fn audit(
    c: &Client,
    label: &str,
    found: &mut Vec<String>,
) -> Result<(), fantoccini::error::CmdError> {
    match violations(c).await {
        Ok(list) => found.extend(list.iter().map(|v| format!("{label}: {}", describe(v)))),
        Err(e) => found.push(format!("{label}: {e}")),
    }
    Ok(())
}

//! Accessibility, as a person with assistive technology meets it: axe-core's WCAG 2.1 A
//! and AA rules on every console page, sign-in, registration, consent and error page in
//! English, German and Russian, at a desktop's and a phone's width, for an account with
//! something in every block and for one just registered (the keyboard: `keyboard.rs`).
use std::collections::BTreeSet;

use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use sigil_store::testing::Backend;
use sigil_web::brand::{Accent, Brand, Logo};

use crate::axe::{chromium_with, describe, set_viewport, violations};
use crate::helpers::PASSWORD;
use crate::pages::{console_get_routes, NOT_PAGES};
use crate::showcase::{showcase, showcase_with, sign_in, Showcase, LOGIN};

// The pages' markup does not depend on the database, and this walk (about 280 runs of
// axe-core, 1½ minutes) is the suite's longest: it runs on SQLite alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_passes_axe_in_every_language() {
    every_page_passes_axe_in_every_language_on(Backend::Sqlite).await;
}

/// The operator's accent and logo on the pages that show them, in both colour schemes:
/// whatever colour the operator picks, text on it and links in it stay readable.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_branded_console_passes_axe_in_both_schemes() {
    let mut found = Vec::new();
    // A pale accent (its text must be dark) and a deep one (its text must be light).
    for accent in ["#ffcc00", "#5b1a8a"] {
        let brand = Brand {
            product_name: "Acme Identity".into(),
            logo: Some(Logo::sniff(BRAND_LOGO.to_vec()).expect("an SVG")),
            accent: Some(Accent::parse(accent).expect("a colour")),
        };
        let s = showcase_with(Backend::Sqlite, brand).await;
        for dark in [false, true] {
            let pass = Pass { lang: "en", dark };
            let (width, height) = VIEWPORTS[0];
            let c = chromium_with(pass.lang, width, height, dark).await;
            let result = audit_branded(&c, &s, pass, accent, &mut found).await;
            let _ = c.close().await;
            result.expect("the pages in Chromium");
        }
    }
    assert!(
        found.is_empty(),
        "{} accessibility problems under a brand:\n{}",
        found.len(),
        found.join("\n")
    );
}

const BRAND_LOGO: &[u8] = br#"<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20"><circle cx="10" cy="10" r="9"/></svg>"#;

/// Sign-in, registration, the console's main pages and the consent page.
async fn audit_branded(
    c: &Client,
    s: &Showcase,
    pass: Pass,
    accent: &str,
    found: &mut Vec<String>,
) -> Result<(), fantoccini::error::CmdError> {
    let base = &s.app.base;
    let mut seen = Vec::new();
    for path in ["/login", "/register", "/no/such/page"] {
        audit(c, base, pass, path, &mut seen).await?;
    }
    // The brand is in force: the sign-in button wears the operator's accent.
    c.goto(&format!("{base}/login")).await?;
    let button = c
        .execute(
            "return getComputedStyle(document.querySelector('button.primary')).backgroundColor;",
            vec![],
        )
        .await?;
    let default = "rgb(47, 91, 211)";
    assert_ne!(
        button.as_str(),
        Some(default),
        "the accent {accent} is not applied"
    );
    sign_in(c, base).await?;
    for path in [
        "/profile".to_owned(),
        "/profile/edit?block=main".to_owned(),
        "/profile/contacts/phone".to_owned(),
        "/events".to_owned(),
        "/apps".to_owned(),
        s.consent_path(),
    ] {
        audit(c, base, pass, &path, &mut seen).await?;
    }
    found.extend(seen.into_iter().map(|p| format!("accent {accent}: {p}")));
    Ok(())
}

/// One walk over the pages: a language, in the light or the dark colour scheme.
#[derive(Clone, Copy, PartialEq)]
struct Pass {
    lang: &'static str,
    dark: bool,
}

/// Every language in the light scheme; the dark one's contrast is checked in English.
const PASSES: [Pass; 4] = [
    Pass {
        lang: "en",
        dark: false,
    },
    Pass {
        lang: "de",
        dark: false,
    },
    Pass {
        lang: "ru",
        dark: false,
    },
    Pass {
        lang: "en",
        dark: true,
    },
];

async fn every_page_passes_axe_in_every_language_on(backend: Backend) {
    let s = showcase(backend).await;
    let mut found = Vec::new();
    let mut visited = BTreeSet::new();
    for pass in PASSES {
        let (width, height) = VIEWPORTS[0];
        let c = chromium_with(pass.lang, width, height, pass.dark).await;
        let result = audit_pass(&c, &s, pass, &mut found, &mut visited).await;
        let _ = c.close().await;
        result.expect("the pages in Chromium");
    }

    let not_pages: BTreeSet<&str> = NOT_PAGES.iter().map(|(r, _)| *r).collect();
    let unvisited: Vec<_> = console_get_routes()
        .into_iter()
        .filter(|r| !visited.contains(r) && !not_pages.contains(r.as_str()))
        .collect();
    if !unvisited.is_empty() {
        found.push(format!(
            "console pages this test does not check: {unvisited:?}"
        ));
    }
    assert!(
        found.is_empty(),
        "{} accessibility problems:\n{}",
        found.len(),
        found.join("\n")
    );
}

/// Every page in one pass: first those a signed-out person sees, then the console.
async fn audit_pass(
    c: &Client,
    s: &Showcase,
    pass: Pass,
    found: &mut Vec<String>,
    visited: &mut BTreeSet<String>,
) -> Result<(), fantoccini::error::CmdError> {
    let base = &s.app.base;
    if pass == PASSES[0] {
        axe_sees_a_planted_problem(c, base).await?;
    }
    for path in [
        "/login",
        "/register",
        "/no/such/page",
        // A request no application could have sent: the error page.
        "/oauth/authorize?client_id=nobody&response_type=code",
        // Signed out already: the page that says so.
        "/oauth/end_session",
    ] {
        audit(c, base, pass, path, found).await?;
    }
    visited.extend(["/login".to_owned(), "/register".to_owned()]);

    // The forms again, sent with mistakes: their errors are part of the page.
    for (path, fields) in [
        (
            "/login",
            [("identifier", "nobody.here"), ("password", "wrong")],
        ),
        ("/register", [("login", LOGIN), ("password", "short")]),
    ] {
        c.goto(&format!("{base}{path}")).await?;
        submit(c, &fields).await?;
        audit_here(c, pass, &format!("{path} (sent with mistakes)"), found).await?;
    }

    sign_in(c, base).await?;
    let id = s.granted.client_id.as_str();
    let pages = [
        ("/profile", "/profile".to_owned()),
        ("/profile/edit", "/profile/edit?block=main".to_owned()),
        ("/profile/edit", "/profile/edit?block=additional".to_owned()),
        ("/profile/complete", "/profile/complete".to_owned()),
        ("/profile/password", "/profile/password".to_owned()),
        (
            "/profile/sign-out-everywhere",
            "/profile/sign-out-everywhere".to_owned(),
        ),
        ("/profile/devices", "/profile/devices".to_owned()),
        ("/profile/requests", "/profile/requests".to_owned()),
        // An invitation link that names nothing: its error page.
        (
            "/invitations/accept",
            "/invitations/accept?token=no-such-invitation".to_owned(),
        ),
        ("/profile/devices/{sid}/sign-out", s.device_path.clone()),
        ("/profile/export", "/profile/export".to_owned()),
        (
            "/profile/contacts/{kind}",
            "/profile/contacts/email".to_owned(),
        ),
        (
            "/profile/contacts/{kind}",
            "/profile/contacts/phone".to_owned(),
        ),
        (
            "/profile/contacts/{kind}/remove",
            "/profile/contacts/email/remove".to_owned(),
        ),
        (
            "/profile/contacts/{kind}/remove",
            "/profile/contacts/phone/remove".to_owned(),
        ),
        ("/contacts/confirm", s.confirm_path.clone()),
        ("/account/secure", s.secure_path.clone()),
        ("/profile/public", "/profile/public".to_owned()),
        (
            "/profile/photo/available",
            "/profile/photo/available".to_owned(),
        ),
        (
            "/profile/identifiers/add",
            "/profile/identifiers/add".to_owned(),
        ),
        ("/api/cards/{slug}", s.card_path.clone()),
        ("/public/profile/{id}", s.public_path.clone()),
        ("/events", "/events".to_owned()),
        ("/apps", "/apps".to_owned()),
        (
            "/apps/{client_id}/end-sessions",
            format!("/apps/{id}/end-sessions"),
        ),
        ("/apps/{client_id}/revoke", format!("/apps/{id}/revoke")),
        ("/catalog", "/catalog".to_owned()),
        ("/catalog", "/catalog?q=nothing-like-this".to_owned()),
        // The consent page of an application the person has not allowed yet.
        ("/oauth/authorize", s.consent_path()),
        // Asked to sign out by an application: the confirmation (last: it may sign out).
        ("/oauth/end_session", "/oauth/end_session".to_owned()),
    ];
    let routes = console_get_routes();
    // The confirmation before the photo is deleted, once the console has it as a page.
    let photo_delete = ("/profile/photo/delete", "/profile/photo/delete".to_owned());
    let extra = routes.contains(photo_delete.0).then_some(photo_delete);
    for (route, path) in pages.into_iter().chain(extra) {
        audit(c, base, pass, &path, found).await?;
        let landed = c.current_url().await?;
        let asked = path.split('?').next().unwrap_or_default();
        assert_eq!(landed.path(), asked, "{} {path} went elsewhere", pass.lang);
        visited.insert(route.to_owned());
    }
    audit_new_account(c, base, pass, found).await?;
    audit_deletion(c, s, pass, found, visited).await
}

/// Delete account, then what a sign-in meets during the grace period: through an
/// application, the page that says the account is scheduled for deletion; in the
/// console, the recovery page.
async fn audit_deletion(
    c: &Client,
    s: &Showcase,
    pass: Pass,
    found: &mut Vec<String>,
    visited: &mut BTreeSet<String>,
) -> Result<(), fantoccini::error::CmdError> {
    let base = &s.app.base;
    c.delete_all_cookies().await?;
    c.goto(&format!("{base}/register")).await?;
    let login = format!("gone.{}{}", pass.lang, if pass.dark { ".dark" } else { "" });
    submit(c, &[("login", &login), ("password", PASSWORD)]).await?;
    audit(c, base, pass, "/profile/delete", found).await?;
    submit(c, &[("password", PASSWORD)]).await?;
    c.goto(&format!("{base}{}", s.consent_path())).await?;
    submit(c, &[("identifier", &login), ("password", PASSWORD)]).await?;
    audit_here(c, pass, "the scheduled-deletion page", found).await?;
    c.goto(&format!("{base}/login")).await?;
    submit(c, &[("identifier", &login), ("password", PASSWORD)]).await?;
    assert_eq!(c.current_url().await?.path(), "/account/restore");
    audit_here(c, pass, "/account/restore", found).await?;
    visited.extend(["/profile/delete".to_owned(), "/account/restore".to_owned()]);
    Ok(())
}

/// A person who has just registered (through the form, with a mandatory field still
/// empty) sees the console's empty states: no photo, no contacts, no applications.
async fn audit_new_account(
    c: &Client,
    base: &str,
    pass: Pass,
    found: &mut Vec<String>,
) -> Result<(), fantoccini::error::CmdError> {
    c.delete_all_cookies().await?;
    c.goto(&format!("{base}/register")).await?;
    let login = format!("new.{}{}", pass.lang, if pass.dark { ".dark" } else { "" });
    submit(c, &[("login", &login), ("password", PASSWORD)]).await?;
    let landed = c.current_url().await?.path().to_owned();
    assert_ne!(landed, "/register", "the registration of {login} failed");
    audit_here(c, pass, &format!("{landed} (just registered)"), found).await?;
    for path in [
        "/profile",
        "/profile/contacts/email",
        "/profile/contacts/phone",
        "/apps",
        "/events",
        "/catalog",
    ] {
        audit(c, base, pass, path, found).await?;
    }
    Ok(())
}

/// A picture without a text alternative, planted on the sign-in page, is reported: axe-core
/// loaded despite the page's Content Security Policy, and its findings come back.
async fn axe_sees_a_planted_problem(
    c: &Client,
    base: &str,
) -> Result<(), fantoccini::error::CmdError> {
    c.goto(&format!("{base}/login")).await?;
    c.execute(
        "const img = document.createElement('img'); img.src = '/static/none.png'; \
         document.querySelector('main').append(img);",
        vec![],
    )
    .await?;
    let found = violations(c).await.expect("axe-core runs");
    assert!(
        found.iter().any(|v| v.id == "image-alt"),
        "axe-core missed an image without alt: {found:?}"
    );
    Ok(())
}

/// The widths the console is designed for: a desktop and a phone.
const VIEWPORTS: [(u32, u32); 2] = [(1280, 900), (390, 844)];

/// Opens `path` and adds what axe-core finds there to `found`.
async fn audit(
    c: &Client,
    base: &str,
    pass: Pass,
    path: &str,
    found: &mut Vec<String>,
) -> Result<(), fantoccini::error::CmdError> {
    let (width, height) = VIEWPORTS[0];
    set_viewport(c, width, height).await?;
    c.goto(&format!("{base}{path}")).await?;
    audit_here(c, pass, path, found).await
}

/// Adds what axe-core finds on the page the browser shows, at each width, to `found`.
async fn audit_here(
    c: &Client,
    pass: Pass,
    what: &str,
    found: &mut Vec<String>,
) -> Result<(), fantoccini::error::CmdError> {
    let lang = pass.lang;
    let scheme = if pass.dark { " dark" } else { "" };
    // Chromium shows a page of its own for an answer without a body. Right after a
    // navigation the document may not be there yet (`documentElement` is null for a
    // moment on a loaded machine): asked again, briefly, before it counts.
    let mut tries = 0;
    let (page_lang, ours) = loop {
        let (page_lang, ours) = serde_json::from_value::<(Option<String>, bool)>(
            c.execute(
                "return [document.documentElement ? document.documentElement.lang : null, \
                         !!document.querySelector('link[rel=stylesheet][href^=\"/static/\"]')];",
                vec![],
            )
            .await?,
        )
        .expect("the page's language");
        tries += 1;
        match page_lang {
            Some(page_lang) => break (page_lang, ours),
            None if tries < 10 => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
            None => break (String::new(), ours),
        }
    };
    if !ours || page_lang != lang {
        found.push(format!(
            "{lang}{scheme} {what}: not a Sigil page in {lang} (ours: {ours}, <html lang={page_lang:?}>)"
        ));
        return Ok(());
    }
    for (width, height) in VIEWPORTS {
        set_viewport(c, width, height).await?;
        let at = format!("{lang}{scheme} {width}px {what}");
        match violations(c).await {
            Ok(list) => found.extend(list.iter().map(|v| format!("{at}: {}", describe(v)))),
            Err(e) => found.push(format!("{at}: axe-core failed: {e}")),
        }
    }
    Ok(())
}

/// Types `fields` into the page's form by name, sends it with Enter in the last one, and
/// waits for the answer to replace the page.
async fn submit(c: &Client, fields: &[(&str, &str)]) -> Result<(), fantoccini::error::CmdError> {
    c.execute("window.sigilOldPage = true;", vec![]).await?;
    for (i, (name, value)) in fields.iter().enumerate() {
        let enter = if i + 1 == fields.len() {
            Key::Enter.to_string()
        } else {
            String::new()
        };
        c.find(Locator::Css(&format!("input[name='{name}']")))
            .await?
            .send_keys(&format!("{value}{enter}"))
            .await?;
    }
    for _ in 0..100 {
        let done = c
            .execute(
                "return window.sigilOldPage === undefined && document.readyState === 'complete';",
                vec![],
            )
            .await?;
        if done == serde_json::Value::Bool(true) {
            return Ok(());
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the form's answer never came");
}

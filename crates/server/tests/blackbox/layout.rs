//! The console's layout, measured in Chromium: on every page (and the consent page), in English, German and
//! Russian, at 1280 and 390 px wide, each field's label, value, privacy control and
//! actions lie inside that field's row, no button, label or link overflows or breaks a
//! word across lines, and nothing scrolls sideways. The account is filled the way a
//! person with long names fills it, so that the longest translations meet the longest
//! values, under an operator's brand with a long product name and a wide logo; the
//! header's menus, opened one by one, lie inside the screen. With Tab alone, the skip
//! link comes first and every control shows its focus.
use std::time::Duration;

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use regex::Regex;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use sigil_core::fields::{Block, FieldCatalogue, FieldRule};
use sigil_core::locale::Locale;
use sigil_store::testing::Backend;
use sigil_web::brand::{Accent, Brand, Logo};

use crate::browser::chromium;
use crate::contacts::code_and_link;
use crate::helpers::{location, spawn_with, TestApp, PASSWORD};
use crate::oidc_helpers::{authorize, authorize_path, pkce, register};
use crate::on_both_backends;
use crate::phones::{newest_outbox_sms, six_digits};
use crate::photos::{picture, upload};
use crate::showcase::confirm_email;
use crate::smtp;

on_both_backends!(every_page_keeps_each_field_in_its_row_at_every_width_and_language);

const LANGS: [&str; 3] = ["en", "de", "ru"];
const WIDTHS: [u32; 2] = [1280, 390];

/// A wordmark as wide as a real one, beside a product name longer than most.
const WIDE_LOGO: &[u8] = br#"<svg xmlns="http://www.w3.org/2000/svg" width="96" height="28"><rect width="96" height="28" rx="6"/></svg>"#;

/// Returns every layout problem on the current page, one line each.
const MEASURE: &str = r#"
const problems = [];
const vw = window.innerWidth;
const doc = document.documentElement;
if (doc.scrollWidth > vw) problems.push(`the page scrolls sideways: ${doc.scrollWidth} > ${vw}`);
const shown = el => {
  const r = el.getBoundingClientRect();
  const s = getComputedStyle(el);
  return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && !el.closest('details:not([open]) > :not(summary)');
};
const name = el => {
  const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().replace(/\s+/g, ' ');
  return `<${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}> "${text.slice(0, 40)}"`;
};
// The header's brand and menu buttons are whole on the screen.
for (const el of document.querySelectorAll('header.top a, header.top summary')) {
  if (!shown(el)) continue;
  const r = el.getBoundingClientRect();
  if (r.left < -1 || r.right > vw + 1) problems.push(`${name(el)} is cut off: ${Math.round(r.left)}..${Math.round(r.right)} of ${vw}`);
}
// Each menu (the header's and the pages' own), opened alone, lies inside the screen
// with all it holds.
for (const menu of document.querySelectorAll('details.menu')) {
  const summary = menu.querySelector(':scope > summary');
  if (!shown(summary)) continue;
  summary.click();
  const panel = menu.querySelector(':scope > .panel');
  const what = `the menu ${name(summary)}`;
  if (!menu.open || !shown(panel)) { problems.push(`${what} does not open`); continue; }
  const p = panel.getBoundingClientRect();
  if (p.left < -1 || p.right > vw + 1) problems.push(`${what} opens off the screen: ${Math.round(p.left)}..${Math.round(p.right)} of ${vw}`);
  if (doc.scrollWidth > vw) problems.push(`with ${what} open the page scrolls sideways: ${doc.scrollWidth} > ${vw}`);
  for (const el of panel.querySelectorAll('a, button')) {
    const r = el.getBoundingClientRect();
    if (r.left < p.left - 1 || r.right > p.right + 1 || el.scrollWidth > el.clientWidth + 1)
      problems.push(`${what}: ${name(el)} does not fit in it`);
  }
  summary.click();
}
// Every field's value and privacy control belongs to a row.
for (const el of document.querySelectorAll('main [data-field], main form.privacy')) {
  if (!shown(el)) continue;
  const row = el.closest('[data-row]');
  if (!row) { problems.push(`${name(el)} is in no [data-row]`); continue; }
  const key = el.matches('form.privacy') ? el.querySelector('input[name=field]').value : el.dataset.field;
  if (row.dataset.row !== key && !row.id.endsWith('-' + key))
    problems.push(`${name(el)} for ${key} sits in the row of ${row.dataset.row}`);
}
// Each row holds its parts inside its own box.
for (const row of document.querySelectorAll('[data-row]')) {
  if (!shown(row)) continue;
  const b = row.getBoundingClientRect();
  for (const el of row.querySelectorAll('dt, dd, label, form, button, a, input, select, img, summary, .value')) {
    if (!shown(el) || el.type === 'hidden') continue;
    const r = el.getBoundingClientRect();
    if (r.left < b.left - 1 || r.right > b.right + 1 || r.top < b.top - 1 || r.bottom > b.bottom + 1)
      problems.push(`row ${row.dataset.row}: ${name(el)} lies outside it`);
  }
}
// Nothing overflows its box.
const texts = 'button, label, a, summary, th, dt, nav a, .button';
for (const el of document.querySelectorAll(texts)) {
  if (!shown(el)) continue;
  if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).display !== 'inline')
    problems.push(`${name(el)} overflows: ${el.scrollWidth} > ${el.clientWidth}`);
}
// No word is broken across two lines.
for (const el of document.querySelectorAll(texts)) {
  if (!shown(el)) continue;
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const re = /\S+/g;
    let m;
    while ((m = re.exec(node.data)) !== null) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const rects = Array.from(range.getClientRects()).filter(r => r.width > 0);
      // A machine address (email, URL) longer than a phone's screen must wrap somewhere.
      // (An ellipsis that cuts a word splits it on one line: that is not a break.)
      const lines = new Set(rects.map(r => Math.round(r.top)));
      if (lines.size > 1 && !/@|:\/\//.test(m[0])) problems.push(`${name(el)}: the word "${m[0]}" breaks across lines`);
    }
  }
}
return problems;
"#;

async fn every_page_keeps_each_field_in_its_row_at_every_width_and_language(backend: Backend) {
    let server = smtp::start().await;
    let url = server.url.clone();
    let app = spawn_with(backend, move |c| {
        c.brand = Brand {
            product_name: "Acme Corporation Identity Services".into(),
            logo: Some(Logo::sniff(WIDE_LOGO.to_vec()).expect("an SVG")),
            accent: Some(Accent::parse("#0b7a75").expect("a colour")),
        };
        c.delivery.smtp_url = Some(url);
        c.settings.cards_enabled = true;
        c.settings.catalog_enabled = true;
        c.settings.catalogue = FieldCatalogue::with_rules(&[(
            "organisation".into(),
            FieldRule {
                block: Some(Block::Additional),
                mandatory: Some(true),
                labels: [
                    (Locale::En, "Organisation".to_owned()),
                    (Locale::De, "Organisationseinheit".to_owned()),
                    (Locale::Ru, "Подразделение организации".to_owned()),
                ]
                .into_iter()
                .collect(),
                ..FieldRule::default()
            },
        )])
        .expect("rules");
    })
    .await;
    let pages = rich_account(&app, &server).await;
    // A second account that still lacks the mandatory field, for the prompt.
    let incomplete = app.browser().await;
    let r = incomplete.register("halfway", "", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    let c = chromium().await;
    let result = measure_all(&c, &app.base, &pages).await;
    let _ = c.close().await;
    let problems = result.expect("the browser walk");
    assert!(
        problems.is_empty(),
        "{} layout problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Registers and fills an account with long values in every block; returns the paths
/// of the pages it has.
async fn rich_account(app: &TestApp, server: &smtp::SmtpServer) -> Vec<String> {
    let b = app.browser().await;
    let r = b.register("rich", "", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = b
        .post_form(
            "/profile/edit",
            &[
                ("block", "main"),
                ("nickname", "Светлана Рождественская-Калашникова"),
                ("given_name", "Maximiliane Friederike"),
                ("family_name", "Schwarzenberg-Überlingen"),
                ("birthdate", "1985-12-10"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "main information saved");
    let r = b
        .post_form(
            "/profile/edit",
            &[
                ("block", "additional"),
                (
                    "organisation",
                    "Forschungsgemeinschaft für Datenschutzangelegenheiten",
                ),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "additional information");
    let r = upload(
        &b,
        picture(image::ImageFormat::Png, 120, 90),
        "me.png",
        "image/png",
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "photo");

    // An email on the account, removed (whose notice links to the page that secures the
    // account) and added again, and a second one on its way (the link's page).
    confirm_email(app, &b, server, "maximiliane.schwarzenberg@example.org", 1).await;
    let r = b.post_form("/profile/contacts/email/remove", &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let notice = server.inbox.wait_for(2).await[1].text();
    let secure = Regex::new(r"https?://\S+(/account/secure\?token=[A-Za-z0-9_-]+)")
        .expect("regex")
        .captures(&notice)
        .map(|c| c[1].to_owned())
        .expect("a link in the removal notice");
    confirm_email(app, &b, server, "maximiliane.schwarzenberg@example.org", 3).await;
    app.clock.advance(time::Duration::seconds(61));
    let r = b
        .post_form(
            "/profile/contacts/email",
            &[("address", "m.schwarzenberg-ueberlingen@example.org")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, link) = code_and_link(&server.inbox.wait_for(4).await[3].text());
    let link = link.replacen(&app.base, "", 1);

    // A phone number, confirmed with the code the outbox folder holds.
    let r = b
        .post_form(
            "/profile/contacts/phone",
            &[("address", "+49 30 1234567"), ("channel", "sms")],
        )
        .await;
    assert_eq!(location(&r), "/profile/contacts/phone?notice=code_sent");
    let code = six_digits(&newest_outbox_sms(app).await);
    let r = b
        .post_form("/profile/contacts/phone/confirm", &[("code", &code)])
        .await;
    assert_eq!(location(&r), "/profile/contacts/phone?notice=verified");

    // Public fields, an active card, and a consent for the Scopes tab.
    for field in ["given_name", "family_name", "email"] {
        let r = b
            .post_form("/profile/privacy", &[("field", field), ("level", "public")])
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let r = b
        .post_form("/profile/card/active", &[("active", "on")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, profile) = b.page("/profile").await;
    let card = Regex::new(r#"id="card-url" value="([^"]+)""#)
        .expect("regex")
        .captures(&profile)
        .map(|c| c[1].replacen(&app.base, "", 1))
        .expect("the card's link");
    let (_, me) = b.api(Method::GET, "/api/v1/me", None).await;
    let id = me["id"].as_str().expect("id").to_owned();
    let rp = register(app, "web", None).await;
    let (_, challenge) = pkce();
    let path = authorize_path(&rp, "openid profile email", &challenge, &[]);
    let loc = authorize(&b, &path, "rich").await;
    assert!(loc.starts_with(&rp.redirect), "{loc}");

    // Another browser signed in: the Devices page lists it, and its confirm step.
    let other = app.browser().await;
    assert_eq!(
        other.sign_in("rich", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    let device = format!(
        "/profile/devices/{}/sign-out",
        crate::devices::own_sid(&other).await
    );

    // A favourite from the catalog with a long name, in the sidebar and the phone's menu.
    let listed = crate::catalog::catalog_app(
        app,
        "Forschungsgemeinschaft Datenschutzportal für Mitarbeitende",
        "Ein Portal mit sehr langen Wörtern wie Datenschutzgrundverordnungsbeauftragte",
        "web",
        |_| {},
    )
    .await;
    let r = crate::catalog::star(&b, &listed, "on", "").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // A second application the person has not yet answered: its consent page.
    let other = register(app, "web", None).await;
    let consent = authorize_path(&other, "openid profile email phone", &challenge, &[]);

    vec![
        consent,
        "/profile".to_owned(),
        "/profile/edit?block=main".to_owned(),
        "/profile/edit?block=additional".to_owned(),
        "/profile/password".to_owned(),
        "/profile/sign-out-everywhere".to_owned(),
        "/profile/delete".to_owned(),
        "/profile/devices".to_owned(),
        "/profile/requests".to_owned(),
        device,
        "/profile/export".to_owned(),
        "/profile/contacts/email".to_owned(),
        "/profile/contacts/phone".to_owned(),
        "/profile/contacts/email/remove".to_owned(),
        "/profile/contacts/phone/remove".to_owned(),
        "/profile/photo/available".to_owned(),
        "/profile/photo/delete".to_owned(),
        "/profile/identifiers/add".to_owned(),
        "/profile/public".to_owned(),
        link,
        secure,
        card,
        format!("/public/profile/{id}"),
        "/events".to_owned(),
        "/apps".to_owned(),
        "/catalog".to_owned(),
        "/catalog?q=nothing-like-this".to_owned(),
        format!("/apps/{}/end-sessions", rp.client_id),
        format!("/apps/{}/revoke", rp.client_id),
        "/oauth/end_session".to_owned(),
        "/no/such/page".to_owned(),
    ]
}

async fn measure_all(
    c: &Client,
    base: &str,
    pages: &[String],
) -> Result<Vec<String>, fantoccini::error::CmdError> {
    let mut problems = Vec::new();
    // Signed out: sign-in and registration.
    for lang in LANGS {
        switch_language(c, base, "/login", lang).await?;
        for path in ["/login", "/register"] {
            measure(c, base, path, lang, &mut problems).await?;
        }
    }
    // The prompt for a missing mandatory field.
    sign_in(c, base, "halfway").await?;
    for lang in LANGS {
        switch_language(c, base, "/profile/complete", lang).await?;
        measure(c, base, "/profile/complete", lang, &mut problems).await?;
    }
    c.delete_all_cookies().await?;
    // Every page of the full account.
    sign_in(c, base, "rich").await?;
    for lang in LANGS {
        switch_language(c, base, "/profile", lang).await?;
        // Each privacy control is named by its field, in the page's language.
        let named = c
            .execute(
                "return document.querySelector('#field-given_name form.privacy [role=group]').getAttribute('aria-label');",
                vec![],
            )
            .await?;
        let expected = match lang {
            "de" => "Wer „Vorname“ sehen kann",
            "ru" => "Кто видит: Имя",
            _ => "Who can see First name",
        };
        assert_eq!(named.as_str(), Some(expected), "{lang}");
        for path in pages {
            measure(c, base, path, lang, &mut problems).await?;
        }
    }
    keyboard_walk(c, base, &mut problems).await?;
    Ok(problems)
}

/// What has the keyboard focus, and whether its focus ring shows.
const FOCUSED: &str = r#"
const a = document.activeElement;
const s = getComputedStyle(a);
const text = (a.innerText || a.value || a.getAttribute('aria-label') || '').trim().replace(/\s+/g, ' ');
return {
  name: `<${a.tagName.toLowerCase()}${a.className ? '.' + a.className : ''}> "${text.slice(0, 30)}"`,
  skip: a.matches('a.skip'),
  body: a === document.body,
  ring: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
};
"#;

/// Walks the profile with Tab alone: the skip link comes first, and every control
/// then shows a focus ring.
async fn keyboard_walk(
    c: &Client,
    base: &str,
    problems: &mut Vec<String>,
) -> Result<(), fantoccini::error::CmdError> {
    set_width(c, 1280).await?;
    c.goto(&format!("{base}/profile")).await?;
    // A Tab pressed before the page is whole, or while the window lacks the focus (a
    // busy machine), goes nowhere: wait for both first.
    for _ in 0..100 {
        let ready = c
            .execute(
                "window.focus(); return document.readyState === 'complete' && document.hasFocus();",
                vec![],
            )
            .await?;
        if ready == Value::Bool(true) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let tab = || {
        KeyActions::new("keyboard".into())
            .then(KeyAction::Down {
                value: Key::Tab.into(),
            })
            .then(KeyAction::Up {
                value: Key::Tab.into(),
            })
    };
    for step in 0..200 {
        c.perform_actions(tab()).await?;
        let focused = c.execute(FOCUSED, vec![]).await?;
        let name = focused["name"].as_str().unwrap_or_default().to_owned();
        if step == 0 && focused["skip"] != true {
            problems.push(format!(
                "/profile: the first Tab reaches {name}, not the skip link"
            ));
        }
        if step > 0 && (focused["skip"] == true || focused["body"] == true) {
            return Ok(());
        }
        if focused["ring"] != true {
            problems.push(format!("/profile: {name} shows no focus ring"));
        }
    }
    Ok(())
}

/// Opens `path` at each width and collects what [`MEASURE`] finds.
async fn measure(
    c: &Client,
    base: &str,
    path: &str,
    lang: &str,
    problems: &mut Vec<String>,
) -> Result<(), fantoccini::error::CmdError> {
    for width in WIDTHS {
        set_width(c, width).await?;
        c.goto(&format!("{base}{path}")).await?;
        let html_lang = c
            .find(Locator::Css("html"))
            .await?
            .attr("lang")
            .await?
            .unwrap_or_default();
        assert_eq!(html_lang, lang, "{path} is not in {lang}");
        let found = c.execute(MEASURE, vec![]).await?;
        for p in found.as_array().into_iter().flatten() {
            problems.push(format!(
                "{path} {lang} {width}px: {}",
                p.as_str().unwrap_or_default()
            ));
        }
    }
    Ok(())
}

/// Resizes the window until the page itself is `width` CSS pixels wide.
async fn set_width(c: &Client, width: u32) -> Result<(), fantoccini::error::CmdError> {
    let mut outer = width;
    for _ in 0..3 {
        c.set_window_rect(0, 0, outer, 900).await?;
        let inner = c.execute("return window.innerWidth;", vec![]).await?;
        let inner = inner.as_u64().unwrap_or_default() as u32;
        if inner == width {
            return Ok(());
        }
        outer = (outer + width).saturating_sub(inner);
    }
    panic!("the window cannot be made {width} px wide");
}

/// Picks `lang` with the page's own language control.
async fn switch_language(
    c: &Client,
    base: &str,
    path: &str,
    lang: &str,
) -> Result<(), fantoccini::error::CmdError> {
    c.goto(&format!("{base}{path}")).await?;
    c.execute(
        "document.querySelector(`form.lang button[value='${arguments[0]}']`).click();",
        vec![Value::from(lang)],
    )
    .await?;
    c.wait()
        .for_element(Locator::Css(&format!("html[lang='{lang}']")))
        .await?;
    Ok(())
}

async fn sign_in(c: &Client, base: &str, login: &str) -> Result<(), fantoccini::error::CmdError> {
    c.goto(&format!("{base}/login")).await?;
    c.find(Locator::Css("#identifier"))
        .await?
        .send_keys(login)
        .await?;
    c.find(Locator::Css("#password"))
        .await?
        .send_keys(PASSWORD)
        .await?;
    c.find(Locator::Css("form[action='/login'] button.primary"))
        .await?
        .click()
        .await?;
    for _ in 0..100 {
        if c.current_url().await?.path() != "/login" {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{login} could not sign in");
}

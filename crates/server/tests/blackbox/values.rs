//! Values as people read them: dates in the person's language inside `<time datetime>`,
//! phone numbers grouped, and the Event log with application names, a category filter
//! and pages.

use fantoccini::Locator;
use regex::Regex;
use reqwest::{Method, StatusCode};
use serde_json::json;
use sigil_core::clock::Clock;
use sigil_store::testing::Backend;
use time::format_description::well_known::Rfc3339;
use time::Duration;

use crate::helpers::{location, spawn_app, spawn_with, Browser, TestApp, PASSWORD};
use crate::oidc_helpers::{authorize, authorize_path, pkce, register};
use crate::on_both_backends;

on_both_backends!(
    the_event_log_reads_in_german_with_application_names,
    the_category_filter_shows_one_category_and_survives_paging,
    a_phone_number_reads_in_international_form_in_every_language,
    a_recent_event_reads_as_relative_time_with_javascript_in_chromium,
    each_event_says_what_it_did,
);

const GERMAN_MONTHS: [&str; 12] = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
];

/// The `data-category` of every event on an Event log page, in order.
fn categories_on(html: &str) -> Vec<String> {
    Regex::new(r#"<li class="event" data-category="([^"]+)""#)
        .expect("regex")
        .captures_iter(html)
        .map(|c| c[1].to_owned())
        .collect()
}

/// The older-page link of an Event log page, unescaped.
fn older_link(html: &str) -> Option<String> {
    Regex::new(r#"<a class="button" href="([^"]+)" rel="next">"#)
        .expect("regex")
        .captures(html)
        .map(|c| c[1].replace("&#38;", "&"))
}

async fn the_event_log_reads_in_german_with_application_names(backend: Backend) {
    let app = spawn_app(backend).await;
    let rp = register(&app, "web", None).await;
    let b = app.browser_in("de").await;
    let r = b.register("vera", "", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, challenge) = pkce();
    let back = authorize(&b, &authorize_path(&rp, "openid", &challenge, &[]), "vera").await;
    assert!(back.starts_with(&rp.redirect), "{back}");

    let (status, html) = b.page("/events").await;
    assert_eq!(status, StatusCode::OK);
    // Every event happened at the test clock's "now": the attribute holds it exactly,
    // the text reads in German (day.month.year on the line, the month's name in full).
    let now = app.clock.now();
    let exact = now.format(&Rfc3339).expect("rfc 3339");
    let line = format!(
        r#"<time datetime="{exact}" data-when="relative">{:02}.{:02}.{}, "#,
        now.day(),
        u8::from(now.month()),
        now.year()
    );
    assert!(html.contains(&line), "no German date line {line} in {html}");
    let month = GERMAN_MONTHS[usize::from(u8::from(now.month())) - 1];
    let full = format!(
        r#"<time datetime="{exact}" data-when="exact">{}. {month} {} um "#,
        now.day(),
        now.year()
    );
    assert!(html.contains(&full), "no German full date {full}");
    assert!(html.contains(" Uhr UTC</time>"));
    assert!(!html.contains(&format!(">{exact}<")), "no ISO text");

    // The application's name on the line, its client_id below it in the details.
    assert!(html.contains(r#"<span class="event-app">Test web app</span>"#));
    let details = format!(
        r#"<span class="event-app-name">Test web app</span>
        <span class="event-client-id">Anwendungskennung (client_id): <code>{}</code></span>"#,
        rp.client_id
    );
    assert!(html.contains(&details), "no name over client_id in {html}");
    // An event of the console itself says it had no application.
    assert!(html.contains(r#"<span class="event-app">Ohne Anwendung</span>"#));
    // The device as browser on system.
    assert!(html.contains("Computer, Firefox 128 unter Linux"));
}

async fn the_category_filter_shows_one_category_and_survives_paging(backend: Backend) {
    let app = spawn_app(backend).await;
    let b = app.signed_in("fritz").await;
    for i in 0..23 {
        let (status, _) = b
            .api(
                Method::PATCH,
                "/api/v1/me",
                Some(json!({ "fields": { "nickname": format!("Fritz {i}") } })),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
    }
    let (_, all) = b.page("/events").await;
    let all = categories_on(&all);
    assert_eq!(all.len(), 20);

    let (_, html) = b.page("/events?category=account.registered").await;
    assert_eq!(categories_on(&html), ["account.registered"]);
    assert!(html.contains(r#"<option value="account.registered" selected>"#));
    assert!(html.contains(r#"<option value="profile.updated">Profile changed</option>"#));
    assert_eq!(older_link(&html), None);

    // 23 profile changes: a page of 20 of them, then 3, the filter kept on the way.
    let (_, first) = b.page("/events?category=profile.updated").await;
    assert_eq!(categories_on(&first), vec!["profile.updated"; 20]);
    let older = older_link(&first).expect("an older page");
    assert!(
        Regex::new(r"^/events\?category=profile\.updated&before=\d+$")
            .expect("regex")
            .is_match(&older),
        "{older}"
    );
    let (_, second) = b.page(&older).await;
    assert_eq!(categories_on(&second), vec!["profile.updated"; 3]);
    assert_eq!(older_link(&second), None);
    assert!(second.contains(r#"<a class="button" href="/events?category=profile.updated">"#));
}

/// Confirms `number` as the phone of the person in `b`, the code read from the outbox.
async fn confirm_phone(app: &TestApp, b: &Browser, number: &str) {
    let r = b
        .post_form(
            "/profile/contacts/phone",
            &[("address", number), ("channel", "sms")],
        )
        .await;
    assert_eq!(location(&r), "/profile/contacts/phone?notice=code_sent");
    let code = crate::phones::six_digits(&crate::phones::newest_outbox_sms(app).await);
    let r = b
        .post_form("/profile/contacts/phone/confirm", &[("code", &code)])
        .await;
    assert_eq!(location(&r), "/profile/contacts/phone?notice=verified");
}

async fn a_phone_number_reads_in_international_form_in_every_language(backend: Backend) {
    let app = spawn_with(backend, |c| {
        c.settings.contacts.phone_region = sigil_core::phone::region("DE");
    })
    .await;
    let b = app.signed_in("paula").await;
    confirm_phone(&app, &b, "030 12345678").await;
    let r = b
        .post_form(
            "/profile/edit",
            &[("block", "main"), ("birthdate", "1985-12-10")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // An application asking for them: the consent page shows what it would receive.
    let rp = register(&app, "web", None).await;
    let (_, challenge) = pkce();
    let consent = authorize_path(&rp, "openid profile phone", &challenge, &[]);
    let birthday = |lang: &str| match lang {
        "de" => "10. Dezember 1985",
        "ru" => "10 декабря 1985 г.",
        _ => "December 10, 1985",
    };

    for lang in ["en", "de", "ru"] {
        let r = b.post_form("/lang", &[("lang", lang)]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let (_, profile) = b.page("/profile").await;
        assert!(profile.contains(&format!(r#"<html lang="{lang}""#)));
        assert!(
            profile.contains("+49 30 12345678"),
            "{lang}: no grouped number on the profile"
        );
        assert!(!profile.contains("+493012345678"), "{lang}: E.164 shown");
        let (_, contact) = b.page("/profile/contacts/phone").await;
        assert!(contact.contains(r#"<span class="contact-current">+49 30 12345678</span>"#));
        let (_, page) = b.page(&consent).await;
        // ICU keeps "1985 г." together with a (narrow) no-break space.
        let page = page.replace(['\u{a0}', '\u{202f}'], " ");
        assert!(page.contains(r#"id="consent""#), "{lang}: the consent page");
        assert!(page.contains("+49 30 12345678"), "{lang}: consent phone");
        assert!(!page.contains("+493012345678"), "{lang}: E.164 on consent");
        assert!(
            page.contains(&format!(
                r#"<time datetime="1985-12-10">{}</time>"#,
                birthday(lang)
            )),
            "{lang}: the birthday on the consent page: {page}"
        );
    }
    // Machines keep the E.164 form.
    let (_, me) = b.api(Method::GET, "/api/v1/me", None).await;
    assert_eq!(me["phone"], "+493012345678");
}

async fn a_recent_event_reads_as_relative_time_with_javascript_in_chromium(backend: Backend) {
    let app = spawn_app(backend).await;
    // The account is made five minutes before the browser reads the log.
    app.clock.advance(Duration::minutes(-5));
    let registered = app.clock.now().format(&Rfc3339).expect("rfc 3339");
    let c = crate::browser::chromium().await;
    let result = read_relative(&c, &app.base, &registered).await;
    let _ = c.close().await;
    result.expect("the event log in Chromium");
}

async fn read_relative(
    c: &fantoccini::Client,
    base: &str,
    registered: &str,
) -> Result<(), fantoccini::error::CmdError> {
    crate::browser::register(c, base, "rel.ative").await?;
    c.goto(&format!("{base}/events")).await?;
    let line = "li.event[data-category='account.registered'] time[data-when='relative']";
    let time = c.wait().for_element(Locator::Css(line)).await?;
    assert_eq!(time.attr("datetime").await?.as_deref(), Some(registered));
    // The script rewrote the UTC text as relative text; the exact local time is the title.
    assert_eq!(time.text().await?, "5 minutes ago");
    let title = time.attr("title").await?.unwrap_or_default();
    assert!(title.contains(&registered[..4]), "title {title:?}");
    Ok(())
}

async fn each_event_says_what_it_did(backend: Backend) {
    let app = spawn_with(backend, |c| c.settings.cards_enabled = true).await;
    let b = app.signed_in("wanda").await;
    for (path, form) in [
        (
            "/profile/privacy",
            &[("field", "given_name"), ("level", "public")][..],
        ),
        ("/profile/card/active", &[("active", "on")][..]),
        (
            "/profile/contacts/email",
            &[("address", "wanda@example.org")][..],
        ),
        (
            "/profile/edit",
            &[
                ("block", "main"),
                ("given_name", "Wanda"),
                ("family_name", "Maximoff"),
            ][..],
        ),
    ] {
        let r = b.post_form(path, form).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{path}");
    }
    let (_, log) = b.page("/events").await;
    for what in [
        "First name: visible to everyone",
        "Switched on",
        "To w••@example.org by email",
        "First name, Last name",
    ] {
        assert!(
            log.contains(&format!(r#"<span class="event-what">{what}</span>"#)),
            "{what}: {log}"
        );
    }
}

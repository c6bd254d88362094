//! No jumps and no lost input: a privacy choice keeps the person where they were, a
//! fresh sign-in says why and comes back with what was typed, notices name what
//! happened, and errors say what to do (the operator's hint, a spent code, a 404 page).
use std::collections::BTreeMap;

use fantoccini::{Client, Locator};
use reqwest::StatusCode;
use sigil_core::fields::{FieldCatalogue, FieldRule};
use sigil_core::locale::Locale;
use sigil_store::testing::Backend;
use time::Duration;

use crate::browser::{arrive_with, chromium, register};
use crate::contacts::{code_and_link, with_smtp};
use crate::helpers::{location, spawn_app, spawn_with, Browser, TestApp, PASSWORD};
use crate::on_both_backends;
use crate::phones::{six_digits, with_gateway};

on_both_backends!(
    a_privacy_choice_without_script_comes_back_to_its_field,
    a_privacy_choice_by_script_gets_a_sentence_to_announce,
    a_fresh_sign_in_for_a_new_phone_says_why_and_keeps_the_number_and_channel,
    a_fresh_sign_in_for_a_new_email_says_why_in_russian_and_keeps_the_address,
    only_known_reasons_are_shown_and_typed_values_stay_with_their_account,
    contact_notices_name_the_contact,
    the_operators_hint_is_shown_under_the_field_and_in_its_format_error,
    a_spent_code_says_so_beside_the_resend_button,
    an_unknown_page_is_a_404_page_in_the_persons_language_with_a_way_back,
    a_privacy_click_in_chromium_changes_the_level_in_place_and_announces_it,
);

async fn registered(app: &TestApp, lang: &str, login: &str) -> Browser {
    let b = app.browser_in(lang).await;
    let r = b.register(login, "", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "registration of {login}");
    b
}

async fn a_privacy_choice_without_script_comes_back_to_its_field(backend: Backend) {
    let app = spawn_app(backend).await;
    let b = app.signed_in("ada").await;

    let r = b
        .post_form(
            "/profile/privacy",
            &[("field", "login"), ("level", "public")],
        )
        .await;

    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&r),
        "/profile?notice=privacy&field=login#field-login"
    );
    let (_, page) = b.page(&location(&r)).await;
    assert!(
        page.contains(r#"<p class="notice sticky" role="status">Login: visible to everyone</p>"#),
        "the notice names the field and its level, and stays in sight"
    );
    assert!(
        page.contains(r#"id="field-login""#),
        "the anchor is on the page"
    );
    for (field, anchor) in [("email", "field-email"), ("photo", "field-photo")] {
        let r = b
            .post_form(
                "/profile/privacy",
                &[("field", field), ("level", "private")],
            )
            .await;
        assert!(location(&r).ends_with(&format!("#{anchor}")), "{field}");
        assert!(page.contains(&format!(r#"id="{anchor}""#)), "{anchor}");
    }
    let r = b.post_form("/profile/private", &[("private", "on")]).await;
    assert_eq!(location(&r), "/profile?notice=private_on#profile-privacy");
    let (_, page) = b.page(&location(&r)).await;
    assert!(
        page.contains(r#"<p class="notice sticky" role="status">Private profile switched on:"#),
        "the switch's answer says which way and stays in sight"
    );
}

/// Posts a privacy choice as the page's script does.
async fn post_as_script(b: &Browser, fields: &[(&str, &str)]) -> reqwest::Response {
    let token = b.cookie("sigil_csrf").expect("csrf cookie");
    let mut all = fields.to_vec();
    all.push(("csrf", &token));
    b.client
        .post(b.url("/profile/privacy"))
        .header("accept", "application/json")
        .header("accept-language", &b.accept_language)
        .form(&all)
        .send()
        .await
        .expect("POST")
}

async fn a_privacy_choice_by_script_gets_a_sentence_to_announce(backend: Backend) {
    let app = spawn_app(backend).await;
    let b = registered(&app, "de", "dora").await;

    let r = post_as_script(&b, &[("field", "given_name"), ("level", "private")]).await;

    assert_eq!(r.status(), StatusCode::OK);
    let answer: serde_json::Value = r.json().await.expect("JSON");
    assert_eq!(answer["level"], "private");
    assert_eq!(answer["message"], "Vorname: nur für Sie sichtbar");
    let (_, page) = b.page("/profile").await;
    let pressed = regex::Regex::new(
        r#"value="given_name">\s*<span class="levels"[^>]*><button name="level" value="private" aria-pressed="true""#,
    )
    .expect("regex");
    assert!(pressed.is_match(&page), "the level is in force");

    let r = post_as_script(&b, &[("field", "given_name"), ("level", "everyone")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let answer: serde_json::Value = r.json().await.expect("JSON");
    let message = answer["error"]["message"].as_str().expect("a message");
    assert!(
        !message.is_empty() && !message.contains("error-"),
        "{message}"
    );
}

async fn a_fresh_sign_in_for_a_new_phone_says_why_and_keeps_the_number_and_channel(
    backend: Backend,
) {
    let (app, _gateway) = with_gateway(backend).await;
    let b = registered(&app, "de", "dora").await;
    app.clock.advance(Duration::minutes(6));

    let r = b
        .post_form(
            "/profile/contacts/phone",
            &[("address", "+49 30 9876543"), ("channel", "call")],
        )
        .await;

    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = location(&r);
    assert!(to.starts_with("/login?reauth=1&"), "{to}");
    let (_, form) = b.page(&to).await;
    assert!(
        form.contains(
            "Zu Ihrer Sicherheit melden Sie sich bitte erneut an, um Ihre Telefonnummer zu ändern."
        ),
        "the reason, in German"
    );
    let next = regex::Regex::new(r#"(?s)action="/login">.*?name="next" value="([^"]+)""#)
        .expect("regex")
        .captures(&form)
        .map(|c| c[1].replace("&#38;", "&").replace("&amp;", "&"))
        .expect("the way back in the form");
    let r = b
        .post_form(
            "/login",
            &[
                ("identifier", "dora"),
                ("password", PASSWORD),
                ("next", &next),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/profile/contacts/phone");
    let (status, page) = b.page("/profile/contacts/phone").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(r#"value="+49 30 9876543""#),
        "the number is typed in"
    );
    assert!(
        page.contains(r#"value="call" checked"#),
        "the channel is picked"
    );
    let (_, again) = b.page("/profile/contacts/phone").await;
    assert!(!again.contains("9876543"), "shown once");
}

async fn a_fresh_sign_in_for_a_new_email_says_why_in_russian_and_keeps_the_address(
    backend: Backend,
) {
    let (app, smtp) = with_smtp(backend).await;
    let b = registered(&app, "ru", "raya").await;
    app.clock.advance(Duration::minutes(6));

    let r = b
        .post_form(
            "/profile/contacts/email",
            &[("address", "raya@example.org")],
        )
        .await;

    let (_, form) = b.page(&location(&r)).await;
    assert!(form.contains("lang=\"ru\""));
    assert!(
        form.contains("войдите ещё раз, чтобы изменить адрес электронной почты"),
        "the reason, in Russian"
    );
    assert!(
        form.contains(r#"value="raya""#),
        "only the password is asked"
    );
    assert!(
        !form.contains(r#"href="/register""#),
        "no new account is offered to someone signed in"
    );
    assert!(
        form.contains(r#"autocomplete="current-password" required autofocus"#),
        "the cursor waits in the password"
    );
    let r = b
        .post_form(
            "/login",
            &[
                ("identifier", "raya"),
                ("password", PASSWORD),
                ("next", "/profile/contacts/email"),
            ],
        )
        .await;
    let (_, page) = b.page(&location(&r)).await;
    assert!(page.contains(r#"value="raya@example.org""#), "{page}");
    // Nothing was sent before the fresh sign-in.
    assert!(smtp.inbox.all().is_empty());
}

async fn only_known_reasons_are_shown_and_typed_values_stay_with_their_account(backend: Backend) {
    let app = spawn_app(backend).await;
    let b = app.signed_in("eve").await;

    let (_, form) = b.page("/login?reauth=1&reason=%3Cb%3Ehi").await;
    assert!(!form.contains("reauth-reason") && !form.contains("<b>hi"));
    let (_, form) = b.page("/login?reauth=1&reason=email").await;
    assert!(form.contains("For your security, sign in again to change your email address."));

    // A link cannot put an address into the form.
    let (_, page) = b
        .page("/profile/contacts/email?address=mallory%40example.org")
        .await;
    assert!(!page.contains("mallory@example.org"));

    // What one account typed is not shown to the next one in the same browser.
    app.clock.advance(Duration::minutes(6));
    let r = b
        .post_form("/profile/contacts/email", &[("address", "eve@example.org")])
        .await;
    assert!(location(&r).starts_with("/login?reauth=1&"));
    assert_eq!(
        b.post_form("/logout", &[]).await.status(),
        StatusCode::SEE_OTHER
    );
    let r = b.register("mallory", "", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = b.page("/profile/contacts/email").await;
    assert!(!page.contains("eve@example.org"));
}

async fn contact_notices_name_the_contact(backend: Backend) {
    let (app, gateway) = with_gateway(backend).await;
    let b = app.signed_in("pia").await;
    let r = b
        .post_form(
            "/profile/contacts/phone",
            &[("address", "+49 30 12345678"), ("channel", "sms")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, sms) = gateway.wait_for(1).await.remove(0);
    let code = six_digits(sms["text"].as_str().expect("text"));

    let r = b
        .post_form("/profile/contacts/phone/confirm", &[("code", &code)])
        .await;

    let (_, page) = b.page(&location(&r)).await;
    assert!(page.contains("Phone number confirmed."), "not an address");
    // The same number again is a number, not an address, too.
    let r = b
        .post_form(
            "/profile/contacts/phone",
            &[("address", "+49 30 12345678"), ("channel", "sms")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.expect("body");
    assert!(page.contains("This is already your current phone number."));
    assert!(!page.contains("address."), "{page}");
    let r = b.post_form("/profile/contacts/phone/remove", &[]).await;
    let (_, page) = b.page(&location(&r)).await;
    assert!(page.contains("Phone number removed."));
    let de = registered(&app, "de", "dora").await;
    let (_, page) = de.page("/profile/contacts/email?notice=verified").await;
    assert!(page.contains("E-Mail-Adresse bestätigt."));
    let (_, page) = de.page("/profile/contacts/phone?notice=removed").await;
    assert!(page.contains("Telefonnummer entfernt."));
}

async fn the_operators_hint_is_shown_under_the_field_and_in_its_format_error(backend: Backend) {
    let app = spawn_with(backend, |c| {
        let company = FieldRule {
            labels: BTreeMap::from([(Locale::En, "Company code".to_owned())]),
            pattern: Some("[A-Z]{2}-[0-9]{4}".into()),
            hints: BTreeMap::from([
                (
                    Locale::En,
                    "two capitals, a dash, four digits: AB-1234".to_owned(),
                ),
                (
                    Locale::De,
                    "zwei Großbuchstaben, Bindestrich, vier Ziffern: AB-1234".to_owned(),
                ),
            ]),
            ..FieldRule::default()
        };
        c.settings.catalogue =
            FieldCatalogue::with_rules(&[("company".into(), company)]).expect("catalogue");
    })
    .await;
    let b = registered(&app, "de", "dora").await;

    let (_, form) = b.page("/profile/edit?block=additional").await;
    assert!(form.contains(r#"aria-describedby="h-company""#));
    assert!(form.contains(
        r#"<small id="h-company" class="hint">zwei Großbuchstaben, Bindestrich, vier Ziffern: AB-1234</small>"#
    ));

    let r = b
        .post_form(
            "/profile/edit",
            &[("block", "additional"), ("company", "acme")],
        )
        .await;

    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.expect("body");
    assert!(
        body.contains(
            "Verwenden Sie dieses Format: zwei Großbuchstaben, Bindestrich, vier Ziffern: AB-1234"
        ),
        "the hint in the error"
    );
    assert!(body.contains(r#"aria-describedby="h-company e-company""#));
    let (status, body) = b
        .api(
            reqwest::Method::PATCH,
            "/api/v1/me",
            Some(serde_json::json!({ "fields": { "company": "acme" } })),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body["error"]["fields"][0]["message"],
        "Verwenden Sie dieses Format: zwei Großbuchstaben, Bindestrich, vier Ziffern: AB-1234"
    );
    // Russian was not given: the English hint stands in.
    let ru = registered(&app, "ru", "raya").await;
    let r = ru
        .post_form(
            "/profile/edit",
            &[("block", "additional"), ("company", "acme")],
        )
        .await;
    let body = r.text().await.expect("body");
    assert!(body.contains("Используйте формат: two capitals, a dash, four digits: AB-1234"));
}

async fn a_spent_code_says_so_beside_the_resend_button(backend: Backend) {
    let (app, smtp) = with_smtp(backend).await;
    let b = app.signed_in("bea").await;
    let r = b
        .post_form("/profile/contacts/email", &[("address", "bea@example.org")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (code, _) = code_and_link(&smtp.inbox.wait_for(1).await[0].text());
    app.clock.advance(Duration::minutes(11));

    let (_, page) = b.page("/profile/contacts/email").await;

    let spent = regex::Regex::new(
        r#"(?s)id="code-spent">This code has expired\. Ask for a new one\.</p>.*action="/profile/contacts/email/resend""#,
    )
    .expect("regex");
    assert!(spent.is_match(&page), "the reason, then the resend button");
    assert!(
        !page.contains("It is valid for 10 minutes."),
        "a spent code is not said to be valid"
    );
    let r = b
        .post_form("/profile/contacts/email/confirm", &[("code", &code)])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.expect("body");
    assert!(body.contains("This code has expired. Ask for a new one."));
    assert!(
        !body.contains("Please correct the marked fields"),
        "not a generic error"
    );
}

async fn an_unknown_page_is_a_404_page_in_the_persons_language_with_a_way_back(backend: Backend) {
    let app = spawn_app(backend).await;
    let visitor = app.browser_in("ru").await;

    let r = visitor.get("/no/such/page").await;

    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let kind = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(kind.starts_with("text/html"), "{kind}");
    let page = r.text().await.expect("body");
    assert!(page.contains(r#"<html lang="ru">"#));
    assert!(page.contains("<title>Страница не найдена"));
    assert!(page.contains(r#"id="way-back" href="/login">Перейти ко входу</a>"#));

    let ada = registered(&app, "de", "ada").await;
    let (status, page) = ada.page("/profil").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(page.contains(r#"id="way-back" href="/profile">Zurück zum Profil</a>"#));
    // The API keeps its JSON.
    let (status, body) = ada
        .api(reqwest::Method::GET, "/api/v1/nothing-here", None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "not_found");
}

async fn a_privacy_click_in_chromium_changes_the_level_in_place_and_announces_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let c = chromium().await;
    let result = privacy_in_place(&c, &app.base).await;
    let _ = c.close().await;
    result.expect("a privacy choice in place");
}

async fn privacy_in_place(c: &Client, base: &str) -> Result<(), fantoccini::error::CmdError> {
    c.set_window_size(1280, 500).await?;
    register(c, base, "still.user").await?;
    let url = c.current_url().await?;
    // Down the page, with a mark that a new document would not have.
    let before = c
        .execute(
            "document.getElementById('field-login').scrollIntoView({block: 'center'});
             window.stayed = true;
             return window.scrollY;",
            vec![],
        )
        .await?;
    let before = before.as_f64().unwrap_or_default();
    assert!(before > 0.0, "the page scrolled ({before})");
    let public = "form.privacy:has(input[value='login']) button[value='public']";

    c.find(Locator::Css(public)).await?.click().await?;

    let pressed = format!("{public}[aria-pressed='true']");
    c.wait().for_element(Locator::Css(&pressed)).await?;
    let mut live = String::new();
    for _ in 0..50 {
        let text = c
            .execute(
                "return document.getElementById('live').textContent;",
                vec![],
            )
            .await?;
        live = text.as_str().unwrap_or_default().to_owned();
        if !live.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(live, "Login: visible to everyone");
    let after = c
        .execute("return [window.stayed === true, window.scrollY];", vec![])
        .await?;
    assert_eq!(after[0], true, "no new page was loaded");
    assert_eq!(after[1].as_f64(), Some(before), "the page did not scroll");
    assert_eq!(c.current_url().await?, url, "the address did not change");
    let private = "form.privacy:has(input[value='login']) button[value='private']";
    let other = c
        .find(Locator::Css(private))
        .await?
        .attr("aria-pressed")
        .await?;
    assert_eq!(other.as_deref(), Some("false"));

    // Without a network answer the choice is still made, by the plain form.
    c.execute(
        "window.fetch = () => Promise.reject(new TypeError('offline'));",
        vec![],
    )
    .await?;
    c.find(Locator::Css(private)).await?.click().await?;
    arrive_with(c, "/profile", "notice=privacy&field=login").await?;
    let now = c
        .find(Locator::Css(private))
        .await?
        .attr("aria-pressed")
        .await?;
    assert_eq!(now.as_deref(), Some("true"));
    Ok(())
}

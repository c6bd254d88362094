//! The business card: its switch, its link rules, the page and vCard whatever the
//! privacy levels, and a QR code that decodes back to the link.
use reqwest::{Method, StatusCode};
use sigil_store::testing::Backend;

use crate::helpers::{location, spawn_app, spawn_with, Browser};
use crate::on_both_backends;

on_both_backends!(
    an_active_card_shows_its_fields_whatever_their_privacy_and_answers_a_vcard,
    card_links_are_checked_unique_ignoring_case_and_move_the_card,
    the_qr_code_decodes_to_the_cards_link,
    without_the_operator_there_is_no_card,
);

async fn enabled(backend: Backend) -> crate::helpers::TestApp {
    spawn_with(backend, |c| c.settings.cards_enabled = true).await
}

/// The card's link as the profile page shows it.
async fn card_url(b: &Browser) -> String {
    let (_, page) = b.page("/profile").await;
    let re = regex::Regex::new(r#"id="card-url" value="([^"]+)""#).expect("regex");
    re.captures(&page).expect("the card block")[1].to_owned()
}

async fn an_active_card_shows_its_fields_whatever_their_privacy_and_answers_a_vcard(
    backend: Backend,
) {
    let app = enabled(backend).await;
    let b = app.signed_in("ada").await;
    let r = b
        .post_form(
            "/profile/edit",
            &[
                ("block", "main"),
                ("given_name", "Ада"),
                ("family_name", "Lovelace, Byron"),
                ("birthdate", "1985-12-10"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "the profile is saved");
    assert_eq!(
        b.post_form(
            "/profile/privacy",
            &[("field", "given_name"), ("level", "private")],
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
    let url = card_url(&b).await;
    let path = url
        .strip_prefix(&app.base)
        .expect("an address of this server")
        .to_owned();
    let visitor = app.browser().await;
    assert_eq!(
        visitor.page(&path).await.0,
        StatusCode::NOT_FOUND,
        "inactive by default"
    );

    let r = b
        .post_form("/profile/card/active", &[("active", "on")])
        .await;
    assert_eq!(location(&r), "/profile?notice=card_on#business-card");
    let (_, profile) = b.page(&location(&r)).await;
    assert!(profile.contains("Business card switched on: anyone with its link can see it."));
    let (status, page) = visitor.page(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("<h1>Ада Lovelace, Byron</h1>"),
        "a private name shows on the card: {}",
        &page[page.find("<main").unwrap_or(0)..]
    );
    assert!(page.contains(
        r#"data-field="birthdate"><time datetime="1985-12-10">December 10, 1985</time><"#
    ));

    let r = visitor.get(&format!("{path}?format=vcf")).await;
    assert_eq!(r.headers()["content-type"], "text/vcard; charset=utf-8");
    let by_query = r.text().await.expect("body");
    let r = visitor
        .client
        .get(&url)
        .header("accept", "text/vcard")
        .send()
        .await
        .expect("request");
    let by_accept = r.text().await.expect("body");
    assert_eq!(by_query, by_accept);
    let card = calcard::vcard::VCard::parse(&by_query).expect("a vCard");
    let fns: Vec<String> = card
        .entries
        .iter()
        .filter(|e| e.name == calcard::vcard::VCardProperty::Fn)
        .flat_map(|e| {
            e.values
                .iter()
                .filter_map(|v| v.as_text().map(str::to_owned))
        })
        .collect();
    assert_eq!(fns, ["Ада Lovelace, Byron"]);
    assert!(by_query.contains("\r\nBDAY:1985-12-10\r\n"));

    assert_eq!(
        b.post_form("/profile/card/active", &[("active", "off")])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(visitor.page(&path).await.0, StatusCode::NOT_FOUND);
    let (_, events) = b.api(Method::GET, "/api/v1/me/events", None).await;
    assert_eq!(events["events"][0]["category"], "card.activity_changed");

    // A value that is neither on nor off is refused as input and changes nothing.
    let bad = b
        .post_form("/profile/card/active", &[("active", "maybe")])
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(visitor.page(&path).await.0, StatusCode::NOT_FOUND);
}

async fn card_links_are_checked_unique_ignoring_case_and_move_the_card(backend: Backend) {
    let app = enabled(backend).await;
    let ada = app.signed_in("ada").await;
    let old = card_url(&ada).await;
    assert_eq!(
        ada.post_form("/profile/card/active", &[("active", "on")])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let r = ada
        .post_form("/profile/card/link", &[("slug", "Ada-Card")])
        .await;
    assert_eq!(location(&r), "/profile?notice=card#business-card");
    let new = card_url(&ada).await;
    assert!(new.ends_with("/api/cards/ada-card"), "{new}");
    let visitor = app.browser().await;
    assert_eq!(
        visitor.page(&new.replace(&app.base, "")).await.0,
        StatusCode::OK
    );
    assert_eq!(
        visitor
            .page(&new.replace(&app.base, "").replace("ada-card", "ADA-CARD"))
            .await
            .0,
        StatusCode::OK,
        "links ignore case"
    );
    assert_eq!(
        visitor.page(&old.replace(&app.base, "")).await.0,
        StatusCode::NOT_FOUND
    );

    let bob = app.signed_in("bob").await;
    for (slug, message) in [
        ("ADA-card", "already used by another account"),
        ("admin", "This word is reserved"),
        ("ab", "3 to 64 characters"),
        ("bob card", "Latin letters, digits and hyphens"),
    ] {
        let r = bob.post_form("/profile/card/link", &[("slug", slug)]).await;
        let status = r.status();
        let body = r.text().await.expect("body");
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{slug}: {body}");
        assert!(body.contains(message), "{slug}: {body}");
        assert!(
            body.contains(r#"<small class="field-error">"#) && body.contains(r#"id="slug""#),
            "the error is beside the link field on the profile page"
        );
    }
    let (_, events) = ada.api(Method::GET, "/api/v1/me/events", None).await;
    assert_eq!(events["events"][0]["category"], "card.link_changed");
}

async fn the_qr_code_decodes_to_the_cards_link(backend: Backend) {
    let app = enabled(backend).await;
    let b = app.signed_in("qrcode").await;
    let url = card_url(&b).await;
    let r = b.get("/profile/card/qr.svg").await;
    assert_eq!(r.headers()["content-type"], "image/svg+xml");
    let svg = r.text().await.expect("svg");
    assert_eq!(decode_qr(&svg), url);
}

/// Rasterises the SVG the `qrcode` crate draws (a light background and one path of
/// dark rectangles) and decodes it with rqrr.
fn decode_qr(svg: &str) -> String {
    let size = regex::Regex::new(r#"width="(\d+)" height="(\d+)""#)
        .expect("regex")
        .captures(svg)
        .expect("a size");
    let (w, h): (usize, usize) = (size[1].parse().expect("w"), size[2].parse().expect("h"));
    let mut dark = vec![false; w * h];
    let rect = regex::Regex::new(r"M(\d+) (\d+)h(\d+)v(\d+)").expect("regex");
    for c in rect.captures_iter(svg) {
        let n = |i: usize| c[i].parse::<usize>().expect("number");
        for y in n(2)..n(2) + n(4) {
            for x in n(1)..n(1) + n(3) {
                dark[y * w + x] = true;
            }
        }
    }
    let mut img =
        rqrr::PreparedImage::prepare_from_greyscale(
            w,
            h,
            |x, y| {
                if dark[y * w + x] {
                    0
                } else {
                    255
                }
            },
        );
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code");
    grids[0].decode().expect("decodes").1
}

async fn without_the_operator_there_is_no_card(backend: Backend) {
    let app = spawn_app(backend).await;
    let b = app.signed_in("nocard").await;
    let (_, page) = b.page("/profile").await;
    assert!(!page.contains("business-card"));
    assert_eq!(
        b.page("/profile/card/qr.svg").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        b.post_form("/profile/card/active", &[("active", "on")])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.browser().await.page("/api/cards/nocard").await.0,
        StatusCode::NOT_FOUND
    );
}

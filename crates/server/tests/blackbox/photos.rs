//! Profile photos: what is accepted, what comes out, and what a bad file gets.
use std::io::Cursor;

use image::{DynamicImage, ImageBuffer, ImageFormat, Rgb};
use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;
use sigil_store::testing::Backend;

use crate::helpers::{location, spawn_app, Browser};
use crate::on_both_backends;

on_both_backends!(
    a_photo_is_redrawn_square_without_its_metadata_and_served_for_good,
    bad_files_get_a_clear_error_and_change_nothing,
    the_main_information_form_saves_its_fields_and_photo_together,
);

pub fn picture(format: ImageFormat, w: u32, h: u32) -> Vec<u8> {
    let img = ImageBuffer::from_fn(w, h, |x, y| Rgb([(x % 251) as u8, (y % 241) as u8, 120]));
    let mut out = Vec::new();
    DynamicImage::ImageRgb8(img)
        .write_to(&mut Cursor::new(&mut out), format)
        .expect("encode");
    out
}

/// A JPEG carrying an Exif segment with a GPS marker, as cameras write them.
fn jpeg_with_exif() -> Vec<u8> {
    let plain = picture(ImageFormat::Jpeg, 640, 480);
    let payload = b"Exif\0\0MM\0*GPSLatitude 52.5200 N GPSLongitude 13.4050 E";
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(payload);
    out.extend_from_slice(&plain[2..]);
    out
}

pub async fn upload(b: &Browser, bytes: Vec<u8>, name: &str, mime: &str) -> reqwest::Response {
    let csrf = b.cookie("sigil_csrf").expect("csrf cookie");
    let part = Part::bytes(bytes)
        .file_name(name.to_owned())
        .mime_str(mime)
        .expect("mime");
    b.client
        .post(b.url(&format!("/profile/photo?csrf={csrf}")))
        .header("origin", b.url(""))
        .multipart(Form::new().part("photo", part))
        .send()
        .await
        .expect("upload")
}

pub fn photo_src(page: &str) -> Option<String> {
    regex::Regex::new(r#"<img src="(/public/images/profile/[0-9a-f]{32})""#)
        .expect("regex")
        .captures(page)
        .map(|c| c[1].to_owned())
}

async fn a_photo_is_redrawn_square_without_its_metadata_and_served_for_good(backend: Backend) {
    let app = spawn_app(backend).await;
    let b = app.signed_in("pat").await;
    let original = jpeg_with_exif();
    assert!(original.windows(4).any(|w| w == b"Exif"));
    let r = upload(&b, original, "me.jpg", "image/jpeg").await;
    assert_eq!(location(&r), "/profile?notice=photo#main-information");
    let (_, page) = b.page("/profile").await;
    let src = photo_src(&page).expect("the photo on the profile");

    let visitor = app.browser().await;
    let r = visitor.get(&src).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/jpeg");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert!(r.headers()["cache-control"]
        .to_str()
        .expect("cc")
        .contains("immutable"));
    let served = r.bytes().await.expect("bytes");
    assert!(!served.windows(4).any(|w| w == b"Exif"), "no Exif");
    assert!(!served.windows(3).any(|w| w == b"GPS"), "no GPS");
    let img = image::load_from_memory(&served).expect("a picture");
    assert_eq!(img.width(), img.height(), "square");

    // PNG and WebP are accepted too; a new photo replaces the old one.
    for (format, name, mime) in [
        (ImageFormat::Png, "me.png", "image/png"),
        (ImageFormat::WebP, "me.webp", "image/webp"),
    ] {
        let r = upload(&b, picture(format, 300, 500), name, mime).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{name}");
    }
    assert_eq!(
        visitor.get(&src).await.status(),
        StatusCode::NOT_FOUND,
        "the old one is gone"
    );

    // Delete asks first, and then says what happened.
    let (status, confirm) = b.page("/profile/photo/delete").await;
    assert_eq!(status, StatusCode::OK);
    assert!(confirm.contains(r#"<form method="post" action="/profile/photo/delete">"#));
    assert!(photo_src(&confirm).is_some(), "the photo that would go");
    let r = b.post_form("/profile/photo/delete", &[]).await;
    assert_eq!(location(&r), "/profile?notice=photo_removed#field-photo");
    let (_, page) = b.page("/profile?notice=photo_removed").await;
    assert!(photo_src(&page).is_none());
    assert!(page.contains("Photo removed."), "not \"Photo saved\"");
    let (_, events) = b.api(reqwest::Method::GET, "/api/v1/me/events", None).await;
    assert_eq!(events["events"][0]["category"], "profile.photo_removed");
    assert_eq!(events["events"][1]["category"], "profile.photo_changed");
}

async fn bad_files_get_a_clear_error_and_change_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let b = app.signed_in("eve").await;
    upload(&b, picture(ImageFormat::Png, 64, 64), "ok.png", "image/png").await;
    let (_, before) = b.page("/profile").await;
    let kept = photo_src(&before).expect("a photo");

    let good = picture(ImageFormat::Png, 64, 64);
    let mut corrupt = good.clone();
    corrupt.truncate(good.len() / 2);
    let mut polyglot = good.clone();
    polyglot.extend_from_slice(b"PK\x03\x04\x14\0\0\0 an archive rides along");
    let mut huge = picture(ImageFormat::Png, 16, 16);
    // Just over the limit, so the whole body is read and the rule itself refuses it.
    huge.resize(sigil_core::photo::MAX_BYTES + 1, 0xAB);
    let cases: Vec<(Vec<u8>, &str, &str)> = vec![
        (corrupt, "damaged", "image/png"),
        (polyglot, "more than a picture", "image/png"),
        (
            b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec(),
            "JPEG, PNG or WebP",
            "image/gif",
        ),
        (
            b"<html><script>alert(1)</script></html>".to_vec(),
            "JPEG, PNG or WebP",
            "image/png",
        ),
        (huge, "larger than 5 MB", "image/png"),
    ];
    for (bytes, message, mime) in cases {
        let r = upload(&b, bytes, "bad", mime).await;
        let status = r.status();
        let body = r.text().await.expect("body");
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{message}: {body}"
        );
        assert!(body.contains(message), "{message}: {body}");
        assert!(
            body.contains(r#"<small class="field-error">"#),
            "beside the upload field"
        );
    }
    let (_, after) = b.page("/profile").await;
    assert_eq!(photo_src(&after), Some(kept), "nothing changed");
}

/// Sends the Main information form with `fields` and, if given, a photo file.
async fn save_main(
    b: &Browser,
    fields: &[(&str, &str)],
    photo: Option<Vec<u8>>,
) -> reqwest::Response {
    let csrf = b.cookie("sigil_csrf").expect("csrf cookie");
    let mut form = Form::new().text("block", "main");
    for (k, v) in fields {
        form = form.text((*k).to_owned(), (*v).to_owned());
    }
    let part = Part::bytes(photo.unwrap_or_default())
        .file_name("me.png")
        .mime_str("image/png")
        .expect("mime");
    b.client
        .post(b.url(&format!("/profile/edit?csrf={csrf}")))
        .header("origin", b.url(""))
        .header("accept-language", &b.accept_language)
        .multipart(form.part("photo", part))
        .send()
        .await
        .expect("save")
}

async fn the_main_information_form_saves_its_fields_and_photo_together(backend: Backend) {
    let app = spawn_app(backend).await;
    let b = app.signed_in("gina").await;
    let (_, edit) = b.page("/profile/edit?block=main").await;
    assert!(edit.contains(r#"enctype="multipart/form-data""#));
    assert!(edit.contains(r#"id="photo-file""#), "Upload is in the form");

    // Without a file, the photo stays as it is.
    assert!(
        edit.contains(r#"<span class="who">gina</span>"#),
        "the login, unnamed"
    );
    let r = save_main(&b, &[("given_name", "Gina"), ("nickname", "Gigi <3")], None).await;
    assert_eq!(location(&r), "/profile?notice=saved");
    let (_, page) = b.page("/profile").await;
    assert!(
        page.contains(r#"<span class="who">Gigi &#60;3</span>"#),
        "the header names the person by the public name"
    );
    assert_eq!(crate::helpers::field_text(&page, "given_name"), "Gina");
    assert!(photo_src(&page).is_none());

    let photo = picture(ImageFormat::Png, 90, 60);
    let r = save_main(&b, &[("given_name", "Georgina")], Some(photo)).await;
    assert_eq!(location(&r), "/profile?notice=saved");
    let (_, page) = b.page("/profile").await;
    assert_eq!(crate::helpers::field_text(&page, "given_name"), "Georgina");
    let kept = photo_src(&page).expect("the photo saved with the fields");

    // A bad file refuses the whole form, in the person's language, as typed.
    let r = b
        .post_form("/lang", &[("lang", "de"), ("next", "/profile")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = save_main(
        &b,
        &[("given_name", "Gigi")],
        Some(b"not a picture".to_vec()),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.expect("body");
    assert!(
        body.contains("Laden Sie ein JPEG-, PNG- oder WebP-Bild hoch."),
        "{body}"
    );
    assert!(
        body.contains(r#"value="Gigi""#),
        "the typed value comes back"
    );
    let (_, page) = b.page("/profile").await;
    assert_eq!(crate::helpers::field_text(&page, "given_name"), "Georgina");
    assert_eq!(photo_src(&page).as_ref(), Some(&kept), "nothing changed");

    // A mistake in a field keeps a good photo back too: one form, saved whole or not.
    let good = picture(ImageFormat::Png, 40, 40);
    let r = save_main(&b, &[("birthdate", "1990-02-31")], Some(good)).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (_, page) = b.page("/profile").await;
    assert_eq!(photo_src(&page).as_ref(), Some(&kept), "the photo waits");

    // Both mistakes at once are both named.
    let r = save_main(
        &b,
        &[("birthdate", "1990-02-31")],
        Some(b"not a picture".to_vec()),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.expect("body");
    assert!(
        body.contains("Geben Sie ein Datum als JJJJ-MM-TT ein."),
        "{body}"
    );
    assert!(body.contains("Laden Sie ein JPEG-, PNG- oder WebP-Bild hoch."));
}

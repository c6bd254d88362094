//! The photo's file chooser speaks the page's language, not the browser's: in a German
//! console the button and the "nothing chosen" text are German, the chosen file's name
//! shows beside it, and the photo is saved with the Main information form.
use fantoccini::{Client, Locator};
use sigil_store::testing::Backend;

use crate::axe::chromium_in;
use crate::browser::{arrive_with, register};
use crate::helpers::spawn_app;
use crate::on_both_backends;
use crate::photos::picture;

on_both_backends!(the_photo_chooser_speaks_the_pages_language_and_saves_with_the_form);

async fn the_photo_chooser_speaks_the_pages_language_and_saves_with_the_form(backend: Backend) {
    let app = spawn_app(backend).await;
    let file = app.dir.join("Urlaubsfoto.png");
    std::fs::write(&file, picture(image::ImageFormat::Png, 80, 80)).expect("a picture");
    let c = chromium_in("de", 1280, 900).await;
    let result = choose(&c, &app.base, &file).await;
    let _ = c.close().await;
    result.expect("choosing a photo");
}

async fn choose(
    c: &Client,
    base: &str,
    file: &std::path::Path,
) -> Result<(), fantoccini::error::CmdError> {
    register(c, base, "bilder.fan").await?;
    c.goto(&format!("{base}/profile/edit?block=main")).await?;
    let text = |css: &'static str| async move { c.find(Locator::Css(css)).await?.text().await };
    assert_eq!(text("button.file-choose").await?, "Bild auswählen…");
    assert_eq!(text("#photo-file-name").await?, "Kein Bild ausgewählt");
    // The page's button is what the keyboard reaches; the native control is out of the way.
    let native_tab = c
        .find(Locator::Css("#photo-file"))
        .await?
        .attr("tabindex")
        .await?;
    assert_eq!(native_tab.as_deref(), Some("-1"));
    let name = c
        .execute(
            "const b = document.querySelector('button.file-choose');
             return b.getAttribute('aria-labelledby').split(' ')
               .map(id => document.getElementById(id).textContent.trim()).join(' ');",
            vec![],
        )
        .await?;
    assert_eq!(name.as_str(), Some("Hochladen Bild auswählen…"));

    c.find(Locator::Css("#photo-file"))
        .await?
        .send_keys(&file.display().to_string())
        .await?;
    assert_eq!(text("#photo-file-name").await?, "Urlaubsfoto.png");
    c.find(Locator::Css("form button.primary"))
        .await?
        .click()
        .await?;
    arrive_with(c, "/profile", "notice=saved").await?;
    let photo = c
        .execute(
            "return !!document.querySelector('#field-photo img[src^=\"/public/images/profile/\"]');",
            vec![],
        )
        .await?;
    assert_eq!(photo, serde_json::Value::Bool(true), "the photo is saved");
    Ok(())
}

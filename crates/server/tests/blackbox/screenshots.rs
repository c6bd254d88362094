//! The main pages photographed in Chromium at 1280×900 in English, for the README.
//! Every run takes them and checks they are whole PNGs of that size; with
//! `SIGIL_WRITE_SCREENSHOTS=1` it also writes them to `docs/screenshots/`.
use std::path::PathBuf;

use fantoccini::Client;
use sigil_store::testing::Backend;

use crate::axe::chromium_in;
use crate::showcase::{showcase, sign_in, Showcase};

const WIDTH: u32 = 1280;
const HEIGHT: u32 = 900;

// The pages look the same on either database, so one is enough here.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_main_pages_are_photographed_at_desktop_width() {
    let s = showcase(Backend::Sqlite).await;
    let c = chromium_in("en", WIDTH, HEIGHT).await;
    let result = photograph(&c, &s).await;
    let _ = c.close().await;
    let shots = result.expect("the pages in Chromium");

    let write = std::env::var("SIGIL_WRITE_SCREENSHOTS").is_ok_and(|v| v == "1");
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots");
    // The README shows only pictures this test makes.
    let readme = std::fs::read_to_string(dir.join("../../README.md")).expect("README.md");
    let shown = regex::Regex::new(r"docs/screenshots/([a-z-]+)\.png").expect("regex");
    for name in shown.captures_iter(&readme) {
        assert!(
            shots.iter().any(|(n, _)| *n == &name[1]),
            "README.md shows {}.png, which no page here makes",
            &name[1]
        );
    }
    for (name, png) in shots {
        let image = image::load_from_memory_with_format(&png, image::ImageFormat::Png)
            .unwrap_or_else(|e| panic!("{name} is not a PNG: {e}"));
        assert_eq!(
            (image.width(), image.height()),
            (WIDTH, HEIGHT),
            "{name} is not {WIDTH}×{HEIGHT}"
        );
        // A blank page is one colour: a rendered one has text and edges.
        let first = image.to_rgb8().get_pixel(0, 0).to_owned();
        assert!(
            image.to_rgb8().pixels().any(|p| *p != first),
            "{name} is blank"
        );
        if write {
            std::fs::create_dir_all(&dir).expect("docs/screenshots");
            std::fs::write(dir.join(format!("{name}.png")), &png).expect("writing a screenshot");
        }
    }
}

/// The pages in the README's order: signing in, then the console.
async fn photograph(
    c: &Client,
    s: &Showcase,
) -> Result<Vec<(&'static str, Vec<u8>)>, fantoccini::error::CmdError> {
    let base = &s.app.base;
    let mut shots = Vec::new();
    c.goto(&format!("{base}/login")).await?;
    shots.push(("sign-in", c.screenshot().await?));

    sign_in(c, base).await?;
    for (name, path) in [
        ("profile", "/profile".to_owned()),
        ("profile-edit", "/profile/edit?block=main".to_owned()),
        ("contacts-email", "/profile/contacts/email".to_owned()),
        ("contacts-phone", "/profile/contacts/phone".to_owned()),
        ("apps", "/apps".to_owned()),
        ("events", "/events".to_owned()),
        ("business-card", s.card_path.clone()),
        ("consent", s.consent_path()),
    ] {
        c.goto(&format!("{base}{path}")).await?;
        let landed = c.current_url().await?;
        assert_eq!(
            landed.path(),
            path.split('?').next().unwrap_or_default(),
            "{name}"
        );
        shots.push((name, c.screenshot().await?));
    }
    Ok(shots)
}

//! The console in a real browser: Debian's Chromium driven over WebDriver, with no
//! script on the pages, as a person would use it.
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use sigil_store::testing::Backend;

use crate::helpers::{spawn_app, PASSWORD};
use crate::on_both_backends;

/// Set by `scripts/test`, which starts chromedriver for the run.
const WEBDRIVER_ENV: &str = "SIGIL_TEST_WEBDRIVER_URL";

pub async fn chromium() -> Client {
    let url = std::env::var(WEBDRIVER_ENV)
        .unwrap_or_else(|_| panic!("{WEBDRIVER_ENV} is not set: run the tests with scripts/test, which starts chromedriver"));
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-quic", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--lang=en-US",
                     "--accept-lang=en-US,en"],
        }),
    );
    session(&url, caps).await
}

/// A WebDriver session with `caps`. Chromium sometimes exits while starting on a loaded
/// machine ("session not created: Chrome instance exited"): the session is asked for
/// again, twice at most, before that counts as a failure. Nothing of Sigil's runs until
/// there is one.
pub async fn session(url: &str, caps: serde_json::Map<String, serde_json::Value>) -> Client {
    let mut attempt = 0;
    loop {
        attempt += 1;
        match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps.clone())
            .connect(url)
            .await
        {
            Ok(client) => return client,
            Err(fantoccini::error::NewSessionError::SessionNotCreated(e)) if attempt < 3 => {
                eprintln!("WebDriver session not created ({e}); asking again");
                tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            }
            Err(e) => panic!("a WebDriver session: {e:?}"),
        }
    }
}

on_both_backends!(
    a_person_registers_edits_the_profile_and_switches_language_in_chromium,
    a_person_adds_an_email_with_its_code_in_chromium,
    a_person_sets_a_privacy_level_and_uploads_a_photo_in_chromium,
);

async fn a_person_registers_edits_the_profile_and_switches_language_in_chromium(backend: Backend) {
    let app = spawn_app(backend).await;
    let c = chromium().await;
    let result = walk_through(&c, &app.base).await;
    let _ = c.close().await;
    result.expect("the walk through the console");
}

async fn walk_through(c: &Client, base: &str) -> Result<(), fantoccini::error::CmdError> {
    register(c, base, "chrome.user").await?;
    assert!(c.source().await?.contains("chrome.user"));

    c.find(Locator::Css("#main-information a.button"))
        .await?
        .click()
        .await?;
    arrive(c, "/profile/edit").await?;
    c.find(Locator::Css("#f-given_name"))
        .await?
        .send_keys("Ada")
        .await?;
    // Chromium's date control takes the en-US order when typed; it submits ISO 8601.
    c.find(Locator::Css("#f-birthdate"))
        .await?
        .send_keys("05171990")
        .await?;
    c.find(Locator::Css("button.primary"))
        .await?
        .click()
        .await?;
    arrive(c, "/profile").await?;
    let given = c
        .find(Locator::Css("dd[data-field='given_name']"))
        .await?
        .text()
        .await?;
    assert_eq!(given, "Ada");
    // A date reads in the page's language; the element keeps the exact value.
    let birthdate = c
        .find(Locator::Css("dd[data-field='birthdate'] time"))
        .await?;
    assert_eq!(birthdate.text().await?, "May 17, 1990");
    assert_eq!(
        birthdate.attr("datetime").await?.as_deref(),
        Some("1990-05-17")
    );
    let notice = c.find(Locator::Css(".notice")).await?.text().await?;
    assert_eq!(notice, "Your changes are saved.");

    // The language is one compact menu in the header.
    c.find(Locator::Css("details.lang-menu > summary"))
        .await?
        .click()
        .await?;
    c.find(Locator::Css("form.lang button[value='de']"))
        .await?
        .click()
        .await?;
    c.wait()
        .for_element(Locator::XPath("//main/h1[text()='Profil']"))
        .await?;

    // Signing out is in the account menu beside the person's initials.
    c.find(Locator::Css("details.account-menu > summary"))
        .await?
        .click()
        .await?;
    c.find(Locator::Css("form.signout button"))
        .await?
        .click()
        .await?;
    arrive(c, "/login").await?;
    let notice = c.find(Locator::Css(".notice")).await?.text().await?;
    assert_eq!(
        notice, "Sie sind abgemeldet.",
        "the language cookie outlives the session"
    );
    c.goto(&format!("{base}/profile")).await?;
    arrive(c, "/login").await?;
    Ok(())
}

async fn a_person_adds_an_email_with_its_code_in_chromium(backend: Backend) {
    let (app, smtp) = crate::contacts::with_smtp(backend).await;
    let c = chromium().await;
    let result = add_email(&c, &app.base, &smtp.inbox).await;
    let _ = c.close().await;
    result.expect("adding an email in the browser");
}

async fn add_email(
    c: &Client,
    base: &str,
    inbox: &crate::smtp::Inbox,
) -> Result<(), fantoccini::error::CmdError> {
    register(c, base, "mail.user").await?;
    c.find(Locator::Css("#contact-email a.button"))
        .await?
        .click()
        .await?;
    arrive(c, "/profile/contacts/email").await?;
    c.find(Locator::Css("#address"))
        .await?
        .send_keys("mail.user@example.org")
        .await?;
    c.find(Locator::Css("#new-address button.primary"))
        .await?
        .click()
        .await?;
    arrive_with(c, "/profile/contacts/email", "notice=code_sent").await?;
    let mail = inbox.wait_for(1).await.remove(0);
    let (code, _) = crate::contacts::code_and_link(&mail.text());
    c.find(Locator::Css("#code"))
        .await?
        .send_keys(&code)
        .await?;
    c.find(Locator::Css("#pending button.primary"))
        .await?
        .click()
        .await?;
    arrive_with(c, "/profile/contacts/email", "notice=verified").await?;
    let notice = c.find(Locator::Css(".notice")).await?.text().await?;
    assert_eq!(notice, "Email address confirmed.");
    let current = c
        .find(Locator::Css(".contact-current"))
        .await?
        .text()
        .await?;
    assert_eq!(current, "mail.user@example.org");
    Ok(())
}

async fn a_person_sets_a_privacy_level_and_uploads_a_photo_in_chromium(backend: Backend) {
    let app = crate::helpers::spawn_with(backend, |c| c.settings.cards_enabled = true).await;
    let file = app.dir.join("photo.png");
    let img = image::RgbImage::from_fn(80, 60, |x, y| image::Rgb([x as u8, y as u8, 200]));
    img.save(&file).expect("a PNG on disk");
    let c = chromium().await;
    let result = privacy_and_photo(&c, &app.base, &file).await;
    let _ = c.close().await;
    result.expect("privacy and photo in the browser");
}

async fn privacy_and_photo(
    c: &Client,
    base: &str,
    file: &std::path::Path,
) -> Result<(), fantoccini::error::CmdError> {
    register(c, base, "photo.user").await?;
    let public = "form.privacy:has(input[value='login']) button[value='public']";
    c.find(Locator::Css(public)).await?.click().await?;
    // Applied in place by the page's script (flow.rs follows it more closely).
    let pressed = format!("{public}[aria-pressed='true']");
    c.wait().for_element(Locator::Css(&pressed)).await?;
    let pressed = c
        .find(Locator::Css(public))
        .await?
        .attr("aria-pressed")
        .await?;
    assert_eq!(
        pressed.as_deref(),
        Some("true"),
        "applied at once, no confirmation"
    );

    // The photo is uploaded in the Main information form and saved with it.
    c.find(Locator::Css("#main-information a.button"))
        .await?
        .click()
        .await?;
    arrive(c, "/profile/edit").await?;
    c.find(Locator::Css("#photo-file"))
        .await?
        .send_keys(&file.display().to_string())
        .await?;
    c.find(Locator::Css("#f-given_name"))
        .await?
        .send_keys("Photo")
        .await?;
    c.find(Locator::Css("button.primary"))
        .await?
        .click()
        .await?;
    arrive_with(c, "/profile", "notice=saved").await?;
    let given = c
        .find(Locator::Css("dd[data-field='given_name']"))
        .await?
        .text()
        .await?;
    assert_eq!(given, "Photo", "the fields are saved with the photo");
    let src = c
        .find(Locator::Css("#photo img.avatar"))
        .await?
        .attr("src")
        .await?
        .unwrap_or_default();
    assert!(src.starts_with("/public/images/profile/"), "{src}");

    // The business card's Copy link button puts the link on the clipboard.
    let copy = c
        .find(Locator::Css("#business-card button[data-copy]"))
        .await?;
    let link = copy.attr("data-copy").await?.unwrap_or_default();
    assert!(link.starts_with(&format!("{base}/api/cards/")), "{link}");
    copy.click().await?;
    let mut label = String::new();
    for _ in 0..50 {
        label = copy.text().await?;
        if label == "Copied" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(label, "Copied", "the clipboard took the link");
    // Pasted (Ctrl+V) into the link field, it is the card's address.
    let field = c.find(Locator::Css("#slug")).await?;
    field.clear().await?;
    let paste = format!(
        "{}v{}",
        fantoccini::key::Key::Control,
        fantoccini::key::Key::Control
    );
    field.send_keys(&paste).await?;
    assert_eq!(field.prop("value").await?.as_deref(), Some(link.as_str()));
    Ok(())
}

/// Registers `login` with the test password and lands on the profile.
pub async fn register(
    c: &Client,
    base: &str,
    login: &str,
) -> Result<(), fantoccini::error::CmdError> {
    c.goto(&format!("{base}/register")).await?;
    c.find(Locator::Css("#login"))
        .await?
        .send_keys(login)
        .await?;
    c.find(Locator::Css("#password"))
        .await?
        .send_keys(PASSWORD)
        .await?;
    c.find(Locator::Css("form[action='/register'] button.primary"))
        .await?
        .click()
        .await?;
    arrive(c, "/profile").await
}

/// Waits for a navigation to land on `path` with `query`.
pub async fn arrive_with(
    c: &Client,
    path: &str,
    query: &str,
) -> Result<(), fantoccini::error::CmdError> {
    for _ in 0..100 {
        let url = c.current_url().await?;
        if url.path() == path && url.query() == Some(query) {
            // The new page's document is in place once its elements answer.
            c.wait().for_element(Locator::Css("main")).await?;
            return Ok(());
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the browser never reached {path}?{query}");
}

/// Waits for the navigation a click started to land on `path`.
pub async fn arrive(c: &Client, path: &str) -> Result<(), fantoccini::error::CmdError> {
    for _ in 0..100 {
        if c.current_url().await?.path() == path {
            return Ok(());
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!(
        "the browser never reached {path}; it is at {}",
        c.current_url().await?
    );
}

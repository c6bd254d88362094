//! Chromium in a chosen language and window size, and axe-core run inside it.
//!
//! axe-core comes from the npm registry: `scripts/test` installs it and names its
//! `axe.min.js` in `SIGIL_TEST_AXE_JS`. The script is injected through WebDriver, which
//! evaluates it in the page through the DevTools protocol, outside the page's Content
//! Security Policy (the console allows only same-origin script files).
use std::sync::OnceLock;

use fantoccini::Client;
use serde::Deserialize;
use serde_json::json;

/// Set by `scripts/test`, which installs axe-core from the npm registry.
const AXE_ENV: &str = "SIGIL_TEST_AXE_JS";

/// WCAG 2.0 and 2.1, levels A and AA.
const TAGS: [&str; 6] = [
    "wcag2a",
    "wcag2aa",
    "wcag21a",
    "wcag21aa",
    "wcag22aa",
    "best-practice",
];

/// A Chromium session whose requests ask for `lang` and whose viewport is
/// `width`×`height` CSS pixels.
pub async fn chromium_in(lang: &str, width: u32, height: u32) -> Client {
    chromium_with(lang, width, height, false).await
}

/// Like [`chromium_in`]; `dark` makes pages see `prefers-color-scheme: dark`.
pub async fn chromium_with(lang: &str, width: u32, height: u32, dark: bool) -> Client {
    let url = std::env::var("SIGIL_TEST_WEBDRIVER_URL").unwrap_or_else(|_| {
        panic!("SIGIL_TEST_WEBDRIVER_URL is not set: run the tests with scripts/test, which starts chromedriver")
    });
    let mut args = vec![
        "--headless=new".to_owned(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-dev-shm-usage".into(),
        "--disable-quic".into(),
        "--no-first-run".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--disable-sync".into(),
        "--hide-scrollbars".into(),
        "--force-device-scale-factor=1".into(),
        format!("--lang={lang}"),
        format!("--accept-lang={lang}"),
        format!("--window-size={width},{height}"),
    ];
    if dark {
        args.push("--force-dark-mode".into());
    }
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": "/usr/bin/chromium",
            "args": args,
            "prefs": { "intl.accept_languages": lang },
        }),
    );
    let c = crate::browser::session(&url, caps).await;
    set_viewport(&c, width, height).await.expect("the viewport");
    c
}

/// Sizes the window so that the page gets `width`×`height` CSS pixels (the window's
/// outer size is not the viewport everywhere).
pub async fn set_viewport(
    c: &Client,
    width: u32,
    height: u32,
) -> Result<(), fantoccini::error::CmdError> {
    let inner = || async {
        let v = c
            .execute("return [window.innerWidth, window.innerHeight];", vec![])
            .await?;
        Ok::<_, fantoccini::error::CmdError>((
            v[0].as_u64().unwrap_or(0) as u32,
            v[1].as_u64().unwrap_or(0) as u32,
        ))
    };
    // The window's frame takes the difference between the outer size and the page's,
    // and a resize lands a moment later under load: measure, correct, measure again.
    let mut got = inner().await?;
    for _ in 0..20 {
        if got == (width, height) {
            return Ok(());
        }
        let (outer_w, outer_h) = c.get_window_size().await?;
        let fix = |outer: u64, want: u32, have: u32| {
            (outer as i64 + i64::from(want) - i64::from(have)).max(1) as u32
        };
        c.set_window_size(fix(outer_w, width, got.0), fix(outer_h, height, got.1))
            .await?;
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        got = inner().await?;
    }
    assert_eq!(got, (width, height), "Chromium's viewport");
    Ok(())
}

/// axe-core's source, read once.
fn axe_source() -> &'static str {
    static AXE: OnceLock<String> = OnceLock::new();
    AXE.get_or_init(|| {
        let path = std::env::var(AXE_ENV).unwrap_or_else(|_| {
            panic!("{AXE_ENV} is not set: run the tests with scripts/test, which installs axe-core from the npm registry")
        });
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{AXE_ENV}={path} cannot be read ({e}): run scripts/test"))
    })
}

#[derive(Debug, Deserialize)]
pub struct Violation {
    pub id: String,
    pub impact: Option<String>,
    pub help: String,
    pub nodes: Vec<Node>,
}

#[derive(Debug, Deserialize)]
pub struct Node {
    pub target: String,
    pub summary: String,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Outcome {
    Violations(Vec<Violation>),
    Failed { error: String },
}

/// Runs axe-core's WCAG 2.1 A and AA rules on the page the browser shows.
pub async fn violations(c: &Client) -> Result<Vec<Violation>, String> {
    c.execute(axe_source(), vec![])
        .await
        .map_err(|e| format!("injecting axe-core: {e}"))?;
    let script = r"
        const done = arguments[arguments.length - 1];
        if (typeof window.axe === 'undefined') { done({ error: 'axe-core did not load' }); return; }
        window.axe.run(document, {
            runOnly: { type: 'tag', values: arguments[0] },
            resultTypes: ['violations'],
        }).then(r => done(r.violations.map(v => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            nodes: v.nodes.map(n => ({
                target: n.target.map(t => Array.isArray(t) ? t.join(' >>> ') : t).join(', '),
                summary: n.failureSummary || '',
            })),
        })))).catch(e => done({ error: String(e) }));
    ";
    let value = c
        .execute_async(script, vec![json!(TAGS)])
        .await
        .map_err(|e| format!("running axe-core: {e}"))?;
    match serde_json::from_value(value) {
        Ok(Outcome::Violations(v)) => Ok(v),
        Ok(Outcome::Failed { error }) => Err(error),
        Err(e) => Err(format!("axe-core's answer: {e}")),
    }
}

/// One violation, readable: the rule, its impact, what it asks, and each element.
pub fn describe(v: &Violation) -> String {
    let mut out = format!(
        "{} [{}]: {}",
        v.id,
        v.impact.as_deref().unwrap_or("?"),
        v.help
    );
    for n in &v.nodes {
        let summary = n.summary.replace('\n', " / ");
        out.push_str(&format!("\n      at {}: {summary}", n.target));
    }
    out
}

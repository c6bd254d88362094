//! The console used with the keyboard alone: on each main page, Tab starts at a skip
//! link to the main content, then reaches every visible control in document order, and
//! the focused one always shows where the focus is.
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use fantoccini::Client;
use serde::Deserialize;
use sigil_store::testing::Backend;

use crate::axe::chromium_in;
use crate::on_both_backends;
use crate::showcase::{showcase, sign_in, Showcase};

on_both_backends!(the_console_is_usable_with_the_keyboard_alone);

async fn the_console_is_usable_with_the_keyboard_alone(backend: Backend) {
    let s = showcase(backend).await;
    let c = chromium_in("en", 1280, 900).await;
    let result = tab_through(&c, &s).await;
    let _ = c.close().await;
    let problems = result.expect("the console in Chromium");
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// Presses Tab through each page, and says what is wrong on which.
async fn tab_through(c: &Client, s: &Showcase) -> Result<Vec<String>, fantoccini::error::CmdError> {
    let base = &s.app.base;
    sign_in(c, base).await?;
    let mut problems = Vec::new();
    for (name, path) in [
        ("/profile", "/profile".to_owned()),
        ("/profile/edit", "/profile/edit?block=main".to_owned()),
        (
            "/profile/contacts/email",
            "/profile/contacts/email".to_owned(),
        ),
        (
            "/profile/contacts/phone",
            "/profile/contacts/phone".to_owned(),
        ),
        ("/apps", "/apps".to_owned()),
        ("/events", "/events".to_owned()),
        ("/catalog", "/catalog".to_owned()),
        ("the consent page", s.consent_path()),
    ] {
        c.goto(&format!("{base}{path}")).await?;
        problems.extend(
            tab_through_page(c)
                .await?
                .into_iter()
                .map(|p| format!("{name}: {p}")),
        );
    }
    Ok(problems)
}

/// What the page says of the element that has the focus after a Tab.
#[derive(Debug, Deserialize)]
struct Focused {
    /// Its place among the stops the page should offer, if it is one of them.
    stop: Option<usize>,
    tag: String,
    what: String,
    /// Whether an outline or a shadow shows where the focus is.
    visible: bool,
    /// For a link to an anchor: whether its target is (in) the main content.
    targets_main: bool,
}

/// Marks every visible control in document order as a stop, and names each one.
const MARK_STOPS: &str = r"
    const describe = el => el.tagName.toLowerCase()
        + (el.id ? '#' + el.id : '')
        + (el.name ? '[name=' + el.name + ']' : '')
        + (el.getAttribute('href') ? '[href=' + el.getAttribute('href') + ']' : '')
        + ' ' + JSON.stringify((el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 40));
    const radios = new Map();
    for (const r of document.querySelectorAll('input[type=radio]')) {
        const key = (r.form ? r.form.action : '') + '|' + r.name;
        const seen = radios.get(key);
        if (!seen || (!seen.checked && r.checked)) radios.set(key, r);
    }
    const stops = [];
    for (const el of document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')) {
        if (el.disabled || el.type === 'hidden' || el.getAttribute('tabindex') === '-1') continue;
        // Not rendered, hidden, or in a closed <details>: no stop until it is shown.
        if (el.closest('[inert]') || !el.checkVisibility({ visibilityProperty: true })) continue;
        if (el.type === 'radio' && radios.get((el.form ? el.form.action : '') + '|' + el.name) !== el) continue;
        el.dataset.kbStop = stops.length;
        stops.push(describe(el));
    }
    return stops;
";

const READ_FOCUS: &str = r"
    const el = document.activeElement;
    const cs = getComputedStyle(el);
    const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0;
    const shadow = cs.boxShadow && cs.boxShadow !== 'none';
    const href = el.getAttribute('href') || '';
    let targetsMain = false;
    if (href.startsWith('#') && href.length > 1) {
        const t = document.getElementById(decodeURIComponent(href.slice(1)));
        targetsMain = !!t && (t.tagName === 'MAIN' || !!t.closest('main, [role=main]'));
    }
    return {
        stop: el.dataset.kbStop === undefined ? null : Number(el.dataset.kbStop),
        tag: el.tagName.toLowerCase(),
        what: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (href ? '[href=' + href + ']' : '')
            + ' ' + JSON.stringify((el.innerText || el.value || '').trim().slice(0, 40)),
        visible: outline || shadow,
        targets_main: targetsMain,
    };
";

/// Presses Tab once for every control the page shows, and returns what is amiss.
async fn tab_through_page(c: &Client) -> Result<Vec<String>, fantoccini::error::CmdError> {
    let stops: Vec<String> =
        serde_json::from_value(c.execute(MARK_STOPS, vec![]).await?).expect("the list of stops");
    assert!(stops.len() > 3, "too few controls: {stops:?}");
    // A Tab pressed while the window lacks the focus (a busy machine) goes nowhere.
    for _ in 0..100 {
        let ready = c
            .execute("window.focus(); return document.hasFocus();", vec![])
            .await?;
        if ready == serde_json::Value::Bool(true) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }

    let mut reached: Vec<Focused> = Vec::new();
    // A date field takes a Tab for each of its parts: a press that stays on the same
    // control is not a stop of its own.
    let mut presses = 0;
    while reached.len() < stops.len() && presses < 4 * stops.len() {
        presses += 1;
        let tab = KeyActions::new("keyboard".into())
            .then(KeyAction::Down {
                value: Key::Tab.into(),
            })
            .then(KeyAction::Up {
                value: Key::Tab.into(),
            });
        c.perform_actions(tab).await?;
        let focused: Focused = serde_json::from_value(c.execute(READ_FOCUS, vec![]).await?)
            .expect("the focused element");
        let same = reached
            .last()
            .is_some_and(|last| focused.stop.is_some() && last.stop == focused.stop);
        if !same {
            reached.push(focused);
        }
    }

    // Every finding is gathered, so that one run names all three kinds on every page.
    let mut problems = Vec::new();
    let first = &reached[0];
    if !(first.tag == "a" && first.targets_main) {
        problems.push(format!(
            "the first Tab stop is not a link to the main content (a skip link) but {}",
            first.what
        ));
    }
    let order: Vec<Option<usize>> = reached.iter().map(|f| f.stop).collect();
    let expected: Vec<Option<usize>> = (0..stops.len()).map(Some).collect();
    let mismatch = order
        .iter()
        .zip(&expected)
        .position(|(a, b)| a != b)
        .or((order.len() < expected.len()).then_some(order.len()));
    if let Some(at) = mismatch {
        let got = reached.get(at).map_or("nothing new", |f| f.what.as_str());
        problems.push(format!(
            "Tab does not reach every control in document order: stop {at} should be {}, \
             the focus is on {got}.\nExpected: {stops:#?}\nReached: {:#?}",
            stops[at],
            reached.iter().map(|f| &f.what).collect::<Vec<_>>()
        ));
    }
    let unmarked: Vec<&str> = reached
        .iter()
        .filter(|f| !f.visible)
        .map(|f| f.what.as_str())
        .collect();
    if !unmarked.is_empty() {
        problems.push(format!("no visible focus indicator on: {unmarked:#?}"));
    }
    Ok(problems)
}

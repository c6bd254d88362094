//! The activity log is kept for `[events] retention_days` (400 by default, never less
//! than a year): housekeeping deletes what is older, in small batches, and the person's
//! activity page keeps showing the last year. Time passes on the test's clock; rows are
//! counted in the database itself.
use std::time::Duration as StdDuration;

use reqwest::StatusCode;
use sigil_core::clock::Clock;
use sigil_store::testing::{execute, Backend};
use time::Duration;

use crate::helpers::{spawn_with, TestApp, PASSWORD};
use crate::on_both_backends;

on_both_backends!(housekeeping_deletes_the_activity_log_past_retention_and_keeps_the_last_year,);

/// Events of `category` that the database holds for the account `ada`.
async fn events_of(app: &TestApp, category: &str) -> i64 {
    app.query_i64(&format!(
        "SELECT COUNT(*) FROM events WHERE category = '{category}' AND user_id = \
         (SELECT id FROM users WHERE login = 'ada')"
    ))
    .await
}

/// Adds `n` events of `category` for `ada`, dated `at` (Unix seconds).
async fn seed_events(app: &TestApp, n: u32, category: &str, at: i64) {
    execute(
        &app.database_url,
        &format!(
            "INSERT INTO events (at, user_id, category, details) \
             WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < {n}) \
             SELECT {at}, (SELECT id FROM users WHERE login = 'ada'), '{category}', 'null' FROM k"
        ),
    )
    .await
    .expect("seed events");
}

async fn housekeeping_deletes_the_activity_log_past_retention_and_keeps_the_last_year(
    backend: Backend,
) {
    let app = spawn_with(backend, |c| {
        c.housekeeping_every = StdDuration::from_secs(1);
    })
    .await;
    let start = app.clock.now().unix_timestamp();
    let day = 86_400;
    // Day 0: Ada registers. Her log also holds 2 500 failed sign-ins from the day before
    // (more than one batch) and a change of language on day 60.
    let _ada = app.signed_in("ada").await;
    assert_eq!(events_of(&app, "account.registered").await, 1);
    seed_events(&app, 2500, "sign_in.failed", start - day).await;
    seed_events(&app, 1, "locale.changed", start + 60 * day).await;

    // Day 200: she edits her profile.
    app.clock.advance(Duration::days(200));
    let b = app.browser().await;
    assert_eq!(
        b.sign_in("ada", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    let r = b
        .post_form(
            "/profile/edit",
            &[
                ("block", "main"),
                ("given_name", "Ada"),
                ("nickname", "ada"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(events_of(&app, "profile.updated").await, 1);

    // Day 450: 400 days keep everything from day 50 on.
    app.clock.advance(Duration::days(250));
    let deadline = tokio::time::Instant::now() + StdDuration::from_secs(20);
    while events_of(&app, "sign_in.failed").await > 0
        || events_of(&app, "account.registered").await > 0
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the log past retention is still there"
        );
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }

    let cutoff = app.clock.now().unix_timestamp() - 400 * day;
    assert_eq!(
        app.query_i64(&format!("SELECT COUNT(*) FROM events WHERE at < {cutoff}"))
            .await,
        0
    );
    assert_eq!(events_of(&app, "locale.changed").await, 1, "390 days old");
    assert_eq!(events_of(&app, "profile.updated").await, 1, "250 days old");
    // Her activity page still shows the last year.
    let b = app.browser().await;
    assert_eq!(
        b.sign_in("ada", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    let (status, page) = b.page("/events").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(r#"data-category="profile.updated""#),
        "{page}"
    );
    assert!(page.contains(r#"data-category="locale.changed""#), "{page}");
    assert!(!page.contains(r#"data-category="account.registered""#));
    assert!(!page.contains(r#"data-category="sign_in.failed""#));
}

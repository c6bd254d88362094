//! The JSON API: same services, JSON errors with stable codes and translated messages.
use reqwest::{Method, StatusCode};
use serde_json::json;
use sigil_store::testing::Backend;

use crate::helpers::spawn_app;
use crate::on_both_backends;

on_both_backends!(
    the_api_needs_a_session_and_answers_in_the_persons_language,
    the_api_reads_and_changes_the_profile,
    the_event_log_pages_newest_first,
);

async fn the_api_needs_a_session_and_answers_in_the_persons_language(backend: Backend) {
    let app = spawn_app(backend).await;
    let b = app.browser_in("ru").await;
    let (status, body) = b.api(Method::GET, "/api/v1/me", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "unauthenticated");
    assert_eq!(body["error"]["message"], "Пожалуйста, войдите в систему.");
}

async fn the_api_reads_and_changes_the_profile(backend: Backend) {
    let app = spawn_app(backend).await;
    let b = app.signed_in("rita").await;

    let (status, me) = b.api(Method::GET, "/api/v1/me", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["login"], "rita");
    assert!(me["id"].as_str().is_some_and(|id| id.len() == 36));
    assert_eq!(me["catalogue"][0]["key"], "nickname");

    let (status, me) = b
        .api(Method::PATCH, "/api/v1/me", Some(json!({ "fields": { "nickname": "Rita", "birthdate": "1985-12-31" }, "locale": "de" })))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["fields"]["nickname"], "Rita");
    assert_eq!(me["fields"]["birthdate"], "1985-12-31");
    assert_eq!(me["locale"], "de");

    let (status, body) = b
        .api(Method::PATCH, "/api/v1/me", Some(json!({ "fields": { "nickname": null, "birthdate": "2999-01-01", "shoe_size": "9" } })))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body["error"]["message"],
        "Bitte korrigieren Sie die markierten Felder. Es wurde nichts gespeichert."
    );
    let codes: Vec<_> = body["error"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| f["code"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(codes, ["date_out_of_range", "unknown_field"]);
    let (_, me) = b.api(Method::GET, "/api/v1/me", None).await;
    assert_eq!(me["fields"]["nickname"], "Rita", "nothing changed");

    let (status, body) = b
        .api(
            Method::PATCH,
            "/api/v1/me",
            Some(json!({ "fields": { "nickname": 5 } })),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "invalid_request");
    let (status, body) = b
        .api(
            Method::PATCH,
            "/api/v1/me",
            Some(json!({ "fields": { "login": "" } })),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["fields"][0]["code"], "last_identifier");
}

async fn the_event_log_pages_newest_first(backend: Backend) {
    let app = spawn_app(backend).await;
    let b = app.signed_in("sam").await;
    for i in 0..23 {
        let (status, _) = b
            .api(
                Method::PATCH,
                "/api/v1/me",
                Some(json!({ "fields": { "nickname": format!("Sam {i}") } })),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
    }
    // 2 events from registration and 23 profile changes.
    let (_, first) = b.api(Method::GET, "/api/v1/me/events?limit=10", None).await;
    assert_eq!(first["events"].as_array().map(Vec::len), Some(10));
    let ids: Vec<i64> = first["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["id"].as_i64())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first");
    let before = first["next_before"].as_i64().expect("more pages");
    let (_, rest) = b
        .api(
            Method::GET,
            &format!("/api/v1/me/events?limit=100&before={before}"),
            None,
        )
        .await;
    assert_eq!(rest["events"].as_array().map(Vec::len), Some(15));
    assert!(rest["next_before"].is_null());

    // The Event log tab shows 20 a page with a link to older ones.
    let (_, html) = b.page("/events").await;
    assert_eq!(html.matches(r#"<li class="event""#).count(), 20);
    assert!(html.contains("Profile changed"));
    let older = regex::Regex::new(r#"href="/events\?before=(\d+)""#).expect("regex");
    let next = older.captures(&html).expect("older link")[1].to_owned();
    let (_, html) = b.page(&format!("/events?before={next}")).await;
    assert_eq!(html.matches(r#"<li class="event""#).count(), 5);
    assert!(html.contains("Account registered"));
    assert!(!older.is_match(&html));
}

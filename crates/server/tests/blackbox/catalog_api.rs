//! The catalog's JSON API (`/api/v1/me/catalog`, `/api/v1/me/favorites`), and the
//! switch: with `[catalog] enabled` off, the pages and the API are gone and the
//! favourites stay stored.
use reqwest::{Method, StatusCode};
use serde_json::Value;
use sigil_store::testing::Backend;

use crate::catalog::{catalog_app, count, sidebar, spawn_catalog, star};
use crate::helpers::spawn_node;
use crate::on_both_backends;

on_both_backends!(
    the_api_lists_the_catalog_and_changes_favourites,
    switched_off_the_catalog_is_gone_and_the_favourites_stay_stored,
);

async fn the_api_lists_the_catalog_and_changes_favourites(backend: Backend) {
    let app = spawn_catalog(backend).await;
    let notes = catalog_app(&app, "Notes", "Write things down", "web", |a| {
        a.logo_url = Some("https://cdn.example.org/notes.svg".into())
    })
    .await;
    let pocket = catalog_app(&app, "Pocket", "", "native", |a| a.home_url = None).await;
    let b = app.signed_in("caller").await;

    let (status, catalog) = b.api(Method::GET, "/api/v1/me/catalog", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        catalog,
        serde_json::json!({ "query": "", "groups": [
            { "type": "web", "title": "Web applications", "applications": [{
                "client_id": notes, "name": "Notes", "description": "Write things down",
                "logo_url": "https://cdn.example.org/notes.svg",
                "home_url": "https://rp.example/home", "type": "web", "favorite": false }] },
            { "type": "native", "title": "Mobile and desktop apps", "applications": [{
                "client_id": pocket, "name": "Pocket", "description": "",
                "logo_url": null, "home_url": null, "type": "native", "favorite": false }] },
        ]})
    );

    let path = format!("/api/v1/me/favorites/{notes}");
    let (status, body) = b.api(Method::PUT, &path, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        serde_json::json!({ "client_id": notes, "favorite": true, "changed": true })
    );
    let (_, body) = b.api(Method::PUT, &path, None).await;
    assert_eq!(body["changed"], false);
    assert_eq!(count(&app, "favorite.added", &notes).await, 1);
    let (_, body) = b
        .api(Method::PUT, &format!("/api/v1/me/favorites/{pocket}"), None)
        .await;
    assert_eq!(body["changed"], true);

    let (_, catalog) = b.api(Method::GET, "/api/v1/me/catalog", None).await;
    assert_eq!(catalog["groups"][0]["applications"][0]["favorite"], true);
    let (status, favorites) = b.api(Method::GET, "/api/v1/me/favorites", None).await;
    assert_eq!(status, StatusCode::OK);
    let names: Vec<&str> = favorites["favorites"]
        .as_array()
        .expect("favorites")
        .iter()
        .map(|f| f["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["Notes", "Pocket"]);
    assert_eq!(
        favorites["favorites"][0]["home_url"],
        "https://rp.example/home"
    );
    assert!(favorites["favorites"][0]["added_at"]
        .as_str()
        .is_some_and(|s| s.ends_with('Z')));
    assert_eq!(sidebar(&b.page("/profile").await.1), ["Notes", "Pocket"]);

    let (status, body) = b.api(Method::DELETE, &path, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        serde_json::json!({ "client_id": notes, "favorite": false, "changed": true })
    );
    let (_, body) = b.api(Method::DELETE, &path, None).await;
    assert_eq!(body["changed"], false);
    assert_eq!(count(&app, "favorite.removed", &notes).await, 1);

    // Unknown: 404 in the person's language.
    let (status, en) = b
        .api(Method::PUT, "/api/v1/me/favorites/nobody", None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(en["error"]["code"], "not_found");
    let mut de = b;
    de.accept_language = "de".into();
    let (status, body) = de
        .api(Method::DELETE, "/api/v1/me/favorites/nobody", None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "not_found");
    assert_ne!(body["error"]["message"], en["error"]["message"]);
}

async fn switched_off_the_catalog_is_gone_and_the_favourites_stay_stored(backend: Backend) {
    let app = spawn_catalog(backend).await;
    let notes = catalog_app(&app, "Notes", "", "web", |_| {}).await;
    let b = app.signed_in("switch").await;
    let r = star(&b, &notes, "on", "").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // A node of the same Sigil with the catalog off (the default).
    let off = spawn_node(&app, |_| {}).await;
    let r = b.get(&format!("{}/catalog", off.base)).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = b.get(&format!("{}/api/v1/me/catalog", off.base)).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let body: Value = r.json().await.expect("JSON");
    assert_eq!(body["error"]["code"], "not_found");
    let r = b.get(&format!("{}/api/v1/me/favorites", off.base)).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = b
        .client
        .put(format!("{}/api/v1/me/favorites/{notes}", off.base))
        .send()
        .await
        .expect("PUT");
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let token = b.cookie("sigil_csrf").expect("csrf");
    let r = b
        .client
        .post(format!("{}/catalog/favorites", off.base))
        .form(&[
            ("client_id", notes.as_str()),
            ("favorite", "off"),
            ("csrf", &token),
        ])
        .send()
        .await
        .expect("POST");
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = b.get(&format!("{}/profile", off.base)).await;
    let html = r.text().await.expect("body");
    assert!(!html.contains("catalog-button"));
    assert!(!html.contains("favorites-heading"));

    // Stored all along: on again, the sidebar has it.
    assert_eq!(app.query_i64("SELECT COUNT(*) FROM favorites").await, 1);
    assert_eq!(sidebar(&b.page("/profile").await.1), ["Notes"]);
}

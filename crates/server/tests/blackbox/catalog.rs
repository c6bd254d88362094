//! The application catalog (`[catalog] enabled`): the applications the operator marked
//! for it, grouped by type and searched without a script; closed ones only for people
//! holding access; stars that keep favourites, shown in the console's sidebar in the
//! order added; the same through the JSON API; events, the export, and the switch.
use regex::Regex;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use sigil_core::oidc::application::AppInput;
use sigil_store::testing::Backend;

use crate::helpers::{location, spawn_with, Browser, TestApp};
use crate::oidc_helpers::REDIRECT;
use crate::on_both_backends;

on_both_backends!(
    the_catalog_groups_the_applications_offered_by_type_and_leaves_out_the_rest,
    a_closed_application_is_listed_only_for_people_holding_access,
    the_search_filters_by_name_and_description_ignoring_case,
    a_star_keeps_a_favourite_and_the_sidebar_lists_them_in_the_order_added,
    a_favourite_is_refused_for_an_application_the_catalog_does_not_offer,
    the_export_holds_favourites_and_access_to_closed_applications,
);

/// A server with the catalog on.
pub async fn spawn_catalog(backend: Backend) -> TestApp {
    spawn_with(backend, |c| c.settings.catalog_enabled = true).await
}

/// Registers an application in the catalog, as the operator would, changed by
/// `tweak`; its client_id.
pub async fn catalog_app(
    app: &TestApp,
    name: &str,
    description: &str,
    kind: &str,
    tweak: impl FnOnce(&mut AppInput),
) -> String {
    let mut input = AppInput {
        name: name.into(),
        description: description.into(),
        app_type: kind.into(),
        home_url: Some("https://rp.example/home".into()),
        redirect_uris: if kind == "service" {
            vec![]
        } else {
            vec![REDIRECT.into()]
        },
        in_catalog: true,
        ..AppInput::default()
    };
    tweak(&mut input);
    app.sigil
        .create_app(&input)
        .await
        .expect("application")
        .app
        .client_id
        .0
}

/// The signed-in person's account id.
pub async fn user_id(b: &Browser) -> String {
    let (_, me) = b.api(Method::GET, "/api/v1/me", None).await;
    me["id"].as_str().expect("id").to_owned()
}

/// Access to a closed application, as the operator grants it (written to the
/// database directly: this branch has no operator's command for it yet).
pub async fn grant_access(app: &TestApp, user: &str, client_id: &str) {
    let one = app
        .query_i64(&format!(
            "INSERT INTO app_access (user_id, client_id, source, granted_at) \
             VALUES ('{user}', '{client_id}', 'operator', 1700000000) RETURNING CAST(1 AS BIGINT)"
        ))
        .await;
    assert_eq!(one, 1);
}

/// Stars (`on`) or unstars (`off`) an application through the catalog's form.
pub async fn star(b: &Browser, client_id: &str, favorite: &str, q: &str) -> reqwest::Response {
    b.post_form(
        "/catalog/favorites",
        &[("client_id", client_id), ("favorite", favorite), ("q", q)],
    )
    .await
}

/// The names in the sidebar's favourites of `html`, in order.
pub fn sidebar(html: &str) -> Vec<String> {
    let Some((_, side)) = html.split_once(r#"aria-labelledby="favorites-heading-side""#) else {
        return Vec::new();
    };
    let side = side.split("</section>").next().unwrap_or_default();
    Regex::new(r#"class="favorite-name">([^<]*)<"#)
        .expect("regex")
        .captures_iter(side)
        .map(|c| c[1].to_owned())
        .collect()
}

/// The names of the applications the catalog page lists, in order.
fn listed(html: &str) -> Vec<String> {
    Regex::new(r#"<h3>(?:<a href="[^"]*" rel="noopener noreferrer">)?([^<]*)<"#)
        .expect("regex")
        .captures_iter(html)
        .map(|c| c[1].to_owned())
        .collect()
}

pub async fn count(app: &TestApp, category: &str, client_id: &str) -> i64 {
    app.query_i64(&format!(
        "SELECT COUNT(*) FROM events WHERE category = '{category}' AND client_id = '{client_id}'"
    ))
    .await
}

async fn the_catalog_groups_the_applications_offered_by_type_and_leaves_out_the_rest(
    backend: Backend,
) {
    let app = spawn_catalog(backend).await;
    catalog_app(&app, "Wiki", "Team pages", "web", |a| {
        a.logo_url = Some("https://cdn.example.org/wiki.png".into())
    })
    .await;
    catalog_app(&app, "Atlas", "Maps", "web", |_| {}).await;
    catalog_app(&app, "Board", "A kanban board", "spa", |_| {}).await;
    catalog_app(&app, "Pocket", "For your phone", "native", |a| {
        a.home_url = None
    })
    .await;
    catalog_app(&app, "Batch", "Nightly jobs", "service", |_| {}).await;
    catalog_app(&app, "Hidden", "Not listed", "web", |a| {
        a.in_catalog = false
    })
    .await;
    let b = app.signed_in("reader").await;

    let r = b.get("/catalog").await;
    assert_eq!(r.status(), StatusCode::OK);
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .expect("ASCII")
        .to_owned();
    let html = r.text().await.expect("body");

    // Three groups, in a fixed order, each by name; no service, nothing unlisted.
    let headings: Vec<usize> = [
        "Web applications",
        "Browser apps",
        "Mobile and desktop apps",
    ]
    .iter()
    .map(|h| html.find(&format!(">{h}</h2>")).expect(h))
    .collect();
    assert!(headings.windows(2).all(|w| w[0] < w[1]), "{headings:?}");
    assert_eq!(listed(&html), ["Atlas", "Wiki", "Board", "Pocket"]);
    assert!(!html.contains(">Services</h2>"));
    // Each opens its home URL; one without a home URL is not a link, and says so.
    assert!(html.contains(
        r#"<h3><a href="https://rp.example/home" rel="noopener noreferrer">Wiki</a></h3>"#
    ));
    assert!(html.contains("<h3>Pocket</h3>"));
    assert!(html.contains("This application has no web address to open from here."));
    // A logo over the initials, and the page lets images come from the logo's origin.
    assert!(html.contains(r#"<span class="app-logo" aria-hidden="true"><span>W</span><img src="https://cdn.example.org/wiki.png""#));
    assert!(html.contains(r#"<span class="app-logo" aria-hidden="true"><span>A</span></span>"#));
    assert!(
        csp.contains("img-src 'self' data: https://cdn.example.org;"),
        "{csp}"
    );
    // The header's button to the catalog, marked as the page shown.
    assert!(html.contains(r#"<a class="catalog-button" href="/catalog" aria-current="page">"#));
    let (_, profile) = b.page("/profile").await;
    assert!(profile.contains(r#"<a class="catalog-button" href="/catalog">"#));
    let r = b.get("/profile").await;
    assert!(!r.headers()["content-security-policy"]
        .to_str()
        .expect("ASCII")
        .contains("cdn.example.org"));

    // In German: the headings and the stars' names too.
    let de = app.browser_in("de").await;
    assert_eq!(
        de.sign_in("reader", crate::helpers::PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let (_, html) = de.page("/catalog").await;
    assert!(html.contains(">Webanwendungen</h2>"));
    assert!(html.contains("Wiki zu den Favoriten hinzufügen"));
}

async fn a_closed_application_is_listed_only_for_people_holding_access(backend: Backend) {
    let app = spawn_catalog(backend).await;
    let vault = catalog_app(&app, "Vault", "Invitation only", "web", |a| a.closed = true).await;
    let insider = app.signed_in("insider").await;
    let outsider = app.signed_in("outsider").await;
    grant_access(&app, &user_id(&insider).await, &vault).await;

    let (_, html) = insider.page("/catalog").await;
    assert_eq!(listed(&html), ["Vault"]);
    let (_, html) = outsider.page("/catalog").await;
    assert!(listed(&html).is_empty());
    assert!(html.contains("There are no applications in the catalog for you yet."));
    assert!(!html.contains("Vault"));

    // The one with access keeps it as a favourite; once access is taken away, it is
    // hidden from the sidebar and the catalog but kept, and shows again with access.
    let r = star(&insider, &vault, "on", "").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(sidebar(&insider.page("/profile").await.1), ["Vault"]);
    let removed = app
        .query_i64(&format!(
            "DELETE FROM app_access WHERE client_id = '{vault}' RETURNING CAST(1 AS BIGINT)"
        ))
        .await;
    assert_eq!(removed, 1);
    assert!(sidebar(&insider.page("/profile").await.1).is_empty());
    let (_, favorites) = insider.api(Method::GET, "/api/v1/me/favorites", None).await;
    assert_eq!(favorites["favorites"], serde_json::json!([]));
    assert_eq!(app.query_i64("SELECT COUNT(*) FROM favorites").await, 1);
    grant_access(&app, &user_id(&insider).await, &vault).await;
    assert_eq!(sidebar(&insider.page("/profile").await.1), ["Vault"]);
}

async fn the_search_filters_by_name_and_description_ignoring_case(backend: Backend) {
    let app = spawn_catalog(backend).await;
    catalog_app(&app, "Team Wiki", "Pages for everyone", "web", |_| {}).await;
    catalog_app(&app, "Mail", "Read your WIKIPEDIA digest", "spa", |_| {}).await;
    catalog_app(&app, "Почта", "Письма", "native", |_| {}).await;
    let b = app.signed_in("seeker").await;

    let (_, html) = b.page("/catalog?q=wiki").await;
    assert_eq!(listed(&html), ["Team Wiki", "Mail"]);
    assert!(html.contains("2 applications found."));
    assert!(html.contains(r#"name="q" value="wiki""#));
    let (_, html) = b
        .page("/catalog?q=%20%20%D0%BF%D0%9E%D0%A7%D0%A2%D0%90%20")
        .await;
    assert_eq!(listed(&html), ["Почта"]);
    assert!(html.contains("One application found."));

    // Nothing found: said so, with what was searched, and a way back to everything.
    let (status, html) = b.page("/catalog?q=calendar").await;
    assert_eq!(status, StatusCode::OK);
    assert!(listed(&html).is_empty());
    assert!(html.contains("Nothing found for “calendar”."));
    assert!(html.contains(r#"<a class="button" href="/catalog">Clear search</a>"#));

    // Odd characters are characters: no wildcard, no markup, nothing found.
    for odd in ["%", "_", "'", "<b>\"x\"</b>&", "%27%3B--"] {
        let query = crate::helpers::form_urlencoded(&[("q", odd)]);
        let (status, html) = b.page(&format!("/catalog?{query}")).await;
        assert_eq!(status, StatusCode::OK, "{odd}");
        assert!(listed(&html).is_empty(), "{odd}: {:?}", listed(&html));
        assert!(html.contains("Nothing found for"), "{odd}");
        assert!(!html.contains("<b>\"x\""), "{odd} is not escaped");
    }
    let (_, html) = b.page("/catalog?q=%3Cb%3E").await;
    assert!(html.contains(r#"value="&#60;b&#62;""#));

    // The API searches the same way.
    let (_, found) = b.api(Method::GET, "/api/v1/me/catalog?q=WIKI", None).await;
    assert_eq!(found["query"], "WIKI");
    let names: Vec<&str> = found["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .flat_map(|g| g["applications"].as_array().expect("applications"))
        .map(|a| a["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["Team Wiki", "Mail"]);
}

async fn a_star_keeps_a_favourite_and_the_sidebar_lists_them_in_the_order_added(backend: Backend) {
    let app = spawn_catalog(backend).await;
    let zebra = catalog_app(&app, "Zebra", "Stripes", "web", |_| {}).await;
    let aardvark = catalog_app(&app, "Aardvark", "Ants", "spa", |_| {}).await;
    let b = app.signed_in("collector").await;
    let (_, html) = b.page("/catalog").await;
    assert!(html.contains(r#"<button type="submit" aria-pressed="false">"#));
    assert!(html.contains("Add Zebra to favourites"));
    assert!(sidebar(&html).is_empty());

    // The star comes back to the catalog with the same search, at the application.
    let r = star(&b, &zebra, "on", " STRIPES ").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&r),
        format!("/catalog?q=STRIPES&added={zebra}#app-{zebra}")
    );
    let r2 = star(&b, &zebra, "on", "a&b c").await;
    assert_eq!(
        location(&r2),
        format!("/catalog?q=a%26b+c&added={zebra}#app-{zebra}")
    );
    let (_, html) = b.page(&location(&r)).await;
    assert!(html.contains("Zebra is now in your favourites."));
    let r = star(&b, &aardvark, "on", "").await;
    assert_eq!(
        location(&r),
        format!("/catalog?added={aardvark}#app-{aardvark}")
    );

    // In the order added (not by name), on every console page, linking to the app.
    for page in ["/profile", "/events", "/apps", "/catalog"] {
        let (_, html) = b.page(page).await;
        assert_eq!(sidebar(&html), ["Zebra", "Aardvark"], "{page}");
    }
    let (_, html) = b.page("/catalog").await;
    assert!(html.contains("Remove Zebra from favourites"));
    assert_eq!(
        html.matches(r#"<button type="submit" aria-pressed="true"><svg"#)
            .count(),
        2
    );
    assert!(html.contains(
        r#"<a href="https://rp.example/home" rel="noopener noreferrer" title="Zebra"><span class="app-logo app-logo-sm""#
    ));

    // Starring again changes nothing: no second event, the order stays.
    let r = star(&b, &zebra, "on", "").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(count(&app, "favorite.added", &zebra).await, 1);
    assert_eq!(count(&app, "favorite.added", &aardvark).await, 1);
    assert_eq!(sidebar(&b.page("/profile").await.1), ["Zebra", "Aardvark"]);

    // Unstarred: gone from the sidebar, one event; starred again, it comes last.
    let r = star(&b, &zebra, "off", "").await;
    assert_eq!(
        location(&r),
        format!("/catalog?removed={zebra}#app-{zebra}")
    );
    let (_, html) = b.page(&location(&r)).await;
    assert!(html.contains("Zebra is no longer in your favourites."));
    assert_eq!(sidebar(&html), ["Aardvark"]);
    assert_eq!(count(&app, "favorite.removed", &zebra).await, 1);
    let r = star(&b, &zebra, "off", "").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(count(&app, "favorite.removed", &zebra).await, 1);
    let r = star(&b, &zebra, "on", "").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(sidebar(&b.page("/profile").await.1), ["Aardvark", "Zebra"]);

    // The activity log names them.
    let (_, events) = b.page("/events").await;
    assert!(events.contains("Favourite added"));
    assert!(events.contains("Favourite removed"));

    // Another person's favourites are their own.
    let other = app.signed_in("other").await;
    assert!(sidebar(&other.page("/profile").await.1).is_empty());
}

async fn a_favourite_is_refused_for_an_application_the_catalog_does_not_offer(backend: Backend) {
    let app = spawn_catalog(backend).await;
    let listed_app = catalog_app(&app, "Listed", "", "web", |_| {}).await;
    let unlisted = catalog_app(&app, "Unlisted", "", "web", |a| a.in_catalog = false).await;
    let service = catalog_app(&app, "Batch", "", "service", |_| {}).await;
    let closed = catalog_app(&app, "Closed", "", "web", |a| a.closed = true).await;
    let b = app.browser_in("de").await;
    let r = b.register("picky", "", crate::helpers::PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    for client_id in [
        unlisted.as_str(),
        service.as_str(),
        closed.as_str(),
        "nobody",
    ] {
        let r = star(&b, client_id, "on", "x").await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{client_id}");
        let html = r.text().await.expect("body");
        assert!(
            html.contains(r#"<p class="error" role="alert">Diese Anwendung ist nicht im Katalog"#),
            "{client_id}"
        );
        // The page comes back with the search kept.
        assert!(html.contains(r#"name="q" value="x""#));
        let (status, body) = b
            .api(
                Method::PUT,
                &format!("/api/v1/me/favorites/{client_id}"),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{client_id}");
        assert_eq!(body["error"]["code"], "not_found");
        let message = body["error"]["message"].as_str().unwrap_or_default();
        assert!(message.starts_with("Diese Anwendung ist nicht im Katalog"));
    }
    let r = star(&b, &listed_app, "maybe", "").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.query_i64("SELECT COUNT(*) FROM favorites").await, 0);
    assert_eq!(
        app.query_i64("SELECT COUNT(*) FROM events WHERE category LIKE 'favorite.%'")
            .await,
        0
    );
    // Without the form token, nothing at all.
    let r = b
        .post_raw(
            "/catalog/favorites",
            &[("client_id", &listed_app), ("favorite", "on")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.query_i64("SELECT COUNT(*) FROM favorites").await, 0);
}

async fn the_export_holds_favourites_and_access_to_closed_applications(backend: Backend) {
    let app = spawn_catalog(backend).await;
    let notes = catalog_app(&app, "Notes", "", "web", |_| {}).await;
    let vault = catalog_app(&app, "Vault", "", "web", |a| a.closed = true).await;
    let b = app.signed_in("exporter").await;
    grant_access(&app, &user_id(&b).await, &vault).await;
    for id in [&vault, &notes] {
        let r = star(&b, id, "on", "").await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    // Hidden from the catalog since, but kept: it is in the export.
    let changed = app
        .query_i64(&format!(
            "UPDATE applications SET in_catalog = FALSE WHERE client_id = '{notes}' \
             RETURNING CAST(1 AS BIGINT)"
        ))
        .await;
    assert_eq!(changed, 1);
    assert_eq!(sidebar(&b.page("/profile").await.1), ["Vault"]);

    let r = b.post_form("/profile/export", &[]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let export: Value = r.json().await.expect("JSON");
    let errors = crate::export::schema_errors(&export);
    assert!(errors.is_empty(), "{errors:#?}");
    let favorites: Vec<(&str, &str)> = export["favorites"]
        .as_array()
        .expect("favorites")
        .iter()
        .map(|f| {
            (
                f["client_id"].as_str().expect("client_id"),
                f["name"].as_str().expect("name"),
            )
        })
        .collect();
    assert_eq!(
        favorites,
        [(vault.as_str(), "Vault"), (notes.as_str(), "Notes")]
    );
    assert_eq!(
        export["app_access"],
        serde_json::json!([{
            "client_id": vault, "name": "Vault", "source": "operator",
            "granted_at": "2023-11-14T22:13:20Z",
        }])
    );
    let events: Vec<&str> = export["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["category"] == "favorite.added")
        .map(|e| e["client_id"].as_str().expect("client_id"))
        .collect();
    assert_eq!(events, [notes.as_str(), vault.as_str()]);
}

//! The application catalog (`[catalog] enabled`; see [`sigil_core::catalog`]): the
//! applications offered to the person, grouped by type, searched by a query parameter
//! (`?q=`, so it works without a script), each with a star that adds it to or removes
//! it from the favourites in the sidebar (a form: it works without a script too).
//!
//! An application without a home URL is listed, with its description, but is not a
//! link: there is nowhere to send the person. While the catalog is off, its pages
//! answer 404 like any unknown page.
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use serde::Deserialize;
use sigil_core::catalog::{Catalog, CatalogEntry, Search};
use sigil_core::oidc::application::AppType;
use sigil_core::user::User;
use sigil_core::CoreError;

use super::PageCtx;
use crate::auth::csrf::CsrfToken;
use crate::auth::PageUser;
use crate::client::Client;
use crate::error::{page_failure, render};
use crate::extract::{PageForm, PageQuery};
use crate::i18n::Tr;
use crate::state::AppState;

pub const CATALOG: &str = "/catalog";
pub const FAVORITES: &str = "/catalog/favorites";

/// One application as the catalog lists it.
struct EntryView {
    client_id: String,
    name: String,
    description: String,
    home_url: Option<String>,
    logo_url: Option<String>,
    /// Stands in for a missing logo (and shows through one that fails to load).
    initials: String,
    is_favorite: bool,
    /// The star's accessible name: "Add … to favourites" or "Remove … from favourites".
    star_label: String,
}

struct GroupView {
    key: &'static str,
    heading: String,
    entries: Vec<EntryView>,
}

#[derive(Template)]
#[template(path = "catalog.html")]
struct CatalogPage<'a> {
    page: PageCtx<'a>,
    /// The search, as typed (trimmed).
    q: String,
    groups: Vec<GroupView>,
    /// How many matched a search; `None` without one.
    found: Option<String>,
    /// Why nothing is listed; `None` when something is.
    empty: Option<String>,
    notice: Option<String>,
    error: Option<String>,
}

/// The heading of a group, humane and translated.
pub(crate) fn group_heading(t: Tr<'_>, app_type: AppType) -> String {
    t.t(&format!("catalog-group-{}", app_type.as_str()))
}

/// `/catalog`, with the search if there is one, and `extra` (`added=…`) after it.
fn catalog_path(q: &str, extra: Option<(&str, &str)>) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    if !q.is_empty() {
        query.append_pair("q", q);
    }
    if let Some((k, v)) = extra {
        query.append_pair(k, v);
    }
    let query = query.finish();
    if query.is_empty() {
        CATALOG.to_owned()
    } else {
        format!("{CATALOG}?{query}")
    }
}

/// What the page says above the list, and its status.
struct Said {
    notice: Option<String>,
    error: Option<String>,
    status: StatusCode,
}

/// The page for `catalog`.
fn show(
    state: &AppState,
    headers: &HeaderMap,
    csrf: &CsrfToken,
    user: &User,
    catalog: Catalog,
    said: Said,
) -> Response {
    let q = catalog.search.as_str().to_owned();
    super::shell::show_logos(
        catalog
            .groups
            .iter()
            .flat_map(|g| &g.entries)
            .filter_map(|e| e.logo_url.as_deref()),
    );
    let page = PageCtx::new(
        state,
        headers,
        csrf,
        Some(user),
        &catalog_path(&q, None),
        "catalog",
    );
    let t = page.t;
    let view = |e: CatalogEntry| EntryView {
        star_label: t.t1(
            if e.is_favorite {
                "catalog-favorite-remove"
            } else {
                "catalog-favorite-add"
            },
            "app",
            &e.name,
        ),
        initials: super::initials(&e.name),
        client_id: e.client_id.0,
        name: e.name,
        description: e.description,
        home_url: e.home_url,
        logo_url: e.logo_url,
        is_favorite: e.is_favorite,
    };
    let matched: usize = catalog.groups.iter().map(|g| g.entries.len()).sum();
    let found = (!q.is_empty() && matched > 0)
        .then(|| t.t_with("catalog-found", &[("count", matched.into())]));
    let empty = match (catalog.offered, matched) {
        (0, _) => Some(t.t("catalog-empty")),
        (_, 0) => Some(t.t1("catalog-nothing_found", "q", &q)),
        _ => None,
    };
    let groups = catalog
        .groups
        .into_iter()
        .map(|g| GroupView {
            key: g.app_type.as_str(),
            heading: group_heading(t, g.app_type),
            entries: g.entries.into_iter().map(view).collect(),
        })
        .collect();
    let mut response = render(&CatalogPage {
        page,
        q,
        groups,
        found,
        empty,
        notice: said.notice,
        error: said.error,
    });
    *response.status_mut() = said.status;
    response
}

#[derive(Deserialize)]
pub struct CatalogQuery {
    #[serde(default)]
    q: String,
    /// The application just made a favourite (after the star's form).
    added: Option<String>,
    /// The application just removed from the favourites.
    removed: Option<String>,
}

/// The signed-in person: the catalog, searched by `q`.
pub async fn page(
    State(state): State<AppState>,
    current: Result<PageUser, Response>,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
    PageQuery(query): PageQuery<CatalogQuery>,
) -> Response {
    if !state.sigil.settings().catalog_enabled {
        return page_failure(&state, &headers, CoreError::NotFound);
    }
    let current = match current {
        Ok(c) => c,
        Err(to_sign_in) => return to_sign_in,
    };
    let catalog = match state
        .sigil
        .catalog(&current.user, Search::parse(&query.q))
        .await
    {
        Ok(c) => c,
        Err(e) => return page_failure(&state, &headers, e),
    };
    // Only a name from the catalog is put in the notice, never what the link says.
    let name_of = |id: &str| {
        catalog
            .groups
            .iter()
            .flat_map(|g| &g.entries)
            .find(|e| e.client_id.0 == id)
            .map(|e| e.name.clone())
    };
    let t = Tr::new(
        &state.i18n,
        crate::i18n::negotiate_headers(&headers, &state.config, Some(&current.user)),
    );
    let notice = match (query.added.as_deref(), query.removed.as_deref()) {
        (Some(id), _) => name_of(id).map(|n| t.t1("catalog-added", "app", &n)),
        (None, Some(id)) => name_of(id).map(|n| t.t1("catalog-removed", "app", &n)),
        (None, None) => None,
    };
    show(
        &state,
        &headers,
        &csrf,
        &current.user,
        catalog,
        Said {
            notice,
            error: None,
            status: StatusCode::OK,
        },
    )
}

#[derive(Deserialize)]
pub struct FavoriteForm {
    client_id: String,
    /// `on` adds, `off` removes: a second click of a stale page changes nothing.
    favorite: String,
    /// The search to come back to.
    #[serde(default)]
    q: String,
}

/// The signed-in person stars or unstars an application; back to the catalog with
/// the same search, at the application. One the catalog does not offer them is
/// refused on the catalog page (404), and nothing changes.
pub async fn set_favorite(
    State(state): State<AppState>,
    current: Result<PageUser, Response>,
    Extension(csrf): Extension<CsrfToken>,
    Client(client): Client,
    headers: HeaderMap,
    PageForm(form): PageForm<FavoriteForm>,
) -> Response {
    if !state.sigil.settings().catalog_enabled {
        return page_failure(&state, &headers, CoreError::NotFound);
    }
    let current = match current {
        Ok(c) => c,
        Err(to_sign_in) => return to_sign_in,
    };
    let user = &current.user;
    let result = match form.favorite.as_str() {
        "on" => {
            state
                .sigil
                .add_favorite(user, &form.client_id, &client)
                .await
        }
        "off" => {
            state
                .sigil
                .remove_favorite(user, &form.client_id, &client)
                .await
        }
        _ => Err(CoreError::field(
            "favorite",
            sigil_core::FieldErrorKind::Unknown,
        )),
    };
    let q = Search::parse(&form.q);
    match result {
        Ok(_) => {
            let done = if form.favorite == "on" {
                "added"
            } else {
                "removed"
            };
            let fragment: String =
                form_urlencoded::byte_serialize(form.client_id.as_bytes()).collect();
            let to = catalog_path(q.as_str(), Some((done, &form.client_id)));
            Redirect::to(&format!("{to}#app-{fragment}")).into_response()
        }
        Err(CoreError::NotFound) => {
            let catalog = match state.sigil.catalog(user, q).await {
                Ok(c) => c,
                Err(e) => return page_failure(&state, &headers, e),
            };
            let t = Tr::new(
                &state.i18n,
                crate::i18n::negotiate_headers(&headers, &state.config, Some(user)),
            );
            let said = Said {
                notice: None,
                error: Some(t.t("catalog-not_offered")),
                status: StatusCode::NOT_FOUND,
            };
            show(&state, &headers, &csrf, user, catalog, said)
        }
        Err(e) => page_failure(&state, &headers, e),
    }
}

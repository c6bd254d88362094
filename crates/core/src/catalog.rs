//! The application catalog and the person's favourites (an experimental feature the
//! operator switches on with `[catalog] enabled`).
//!
//! What the catalog offers a person ([`is_offered`]): every application the operator
//! marked `in_catalog`, except
//! - service clients (`client_credentials`, machine to machine): nobody signs in to
//!   them, so there is nothing for a person to open;
//! - closed applications the person holds no access to (see [`crate::access`]): they
//!   are not shown at all, so the catalog does not even tell that they exist.
//!
//! Favourites are kept per person in the order added. A favourite whose application
//! is no longer offered to the person (it left the catalog, or their access to a
//! closed one was taken away) stays stored, and in the data export, but is hidden
//! from the sidebar and the catalog; it shows again when the application is offered
//! again. Deleting the application deletes the favourite with it.
use time::OffsetDateTime;

use crate::ids::ClientId;
use crate::oidc::application::{AppType, Application};

/// The groups of the catalog, in the order shown. Service clients have none.
pub const GROUPS: [AppType; 3] = [AppType::Web, AppType::Spa, AppType::Native];

/// Whether the catalog offers an application to a person; `has_access` matters only
/// for a closed application.
pub fn is_offered(app_type: AppType, in_catalog: bool, closed: bool, has_access: bool) -> bool {
    in_catalog && app_type != AppType::Service && (!closed || has_access)
}

/// The origin (`https://host[:port]`) of an application's logo, which a page that
/// shows the logo lets images come from; `None` for anything but an http(s) URL.
pub fn logo_origin(logo_url: &str) -> Option<String> {
    let url = url::Url::parse(logo_url).ok()?;
    if !matches!(url.scheme(), "https" | "http") || url.host().is_none() {
        return None;
    }
    Some(url.origin().ascii_serialization())
}

/// One of the person's favourite applications, as the console's sidebar shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FavoriteApp {
    pub client_id: ClientId,
    pub name: String,
    pub logo_url: Option<String>,
    /// Where choosing it goes; `None` if the operator gave the application no home URL.
    pub home_url: Option<String>,
    pub added_at: OffsetDateTime,
    /// Whether the catalog offers the application to the person now ([`is_offered`]);
    /// a favourite that is not offered is kept but not shown.
    pub offered: bool,
}

/// A search of the catalog: what the person typed, matched case-insensitively against
/// each application's name and description. Blank matches everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Search(String);

/// Longer searches are cut here: no name or description is longer than 1000 characters.
const SEARCH_MAX: usize = 200;

impl Search {
    pub fn parse(raw: &str) -> Self {
        Self(raw.trim().chars().take(SEARCH_MAX).collect::<String>())
    }

    /// What was searched for, trimmed (empty if nothing).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `name` or `description` contains the search, ignoring case.
    pub fn matches(&self, name: &str, description: &str) -> bool {
        if self.0.is_empty() {
            return true;
        }
        let needle = self.0.to_lowercase();
        name.to_lowercase().contains(&needle) || description.to_lowercase().contains(&needle)
    }
}

/// One application in the catalog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogEntry {
    pub client_id: ClientId,
    pub name: String,
    pub description: String,
    pub app_type: AppType,
    pub logo_url: Option<String>,
    /// Where choosing it goes; an application without one is listed but not a link.
    pub home_url: Option<String>,
    pub is_favorite: bool,
}

impl CatalogEntry {
    pub fn of(app: &Application, is_favorite: bool) -> Self {
        Self {
            client_id: app.client_id.clone(),
            name: app.name.clone(),
            description: app.description.clone(),
            app_type: app.app_type,
            logo_url: app.logo_url.clone(),
            home_url: app.home_url.clone(),
            is_favorite,
        }
    }
}

/// The applications of one type, by name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogGroup {
    pub app_type: AppType,
    pub entries: Vec<CatalogEntry>,
}

/// The catalog as one person sees it, filtered by a search.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Catalog {
    pub search: Search,
    /// Only groups with at least one match, in [`GROUPS`] order.
    pub groups: Vec<CatalogGroup>,
    /// How many applications the catalog offers the person before the search.
    pub offered: usize,
}

impl Catalog {
    /// Sorts the offered `entries` into groups, keeping those that match `search`.
    pub fn build(search: Search, entries: Vec<CatalogEntry>) -> Self {
        let offered = entries.len();
        let groups = GROUPS
            .into_iter()
            .filter_map(|app_type| {
                let mut in_group: Vec<CatalogEntry> = entries
                    .iter()
                    .filter(|e| e.app_type == app_type && search.matches(&e.name, &e.description))
                    .cloned()
                    .collect();
                in_group.sort_by(|a, b| {
                    a.name
                        .to_lowercase()
                        .cmp(&b.name.to_lowercase())
                        .then_with(|| a.client_id.0.cmp(&b.client_id.0))
                });
                (!in_group.is_empty()).then_some(CatalogGroup {
                    app_type,
                    entries: in_group,
                })
            })
            .collect();
        Self {
            search,
            groups,
            offered,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_offers_listed_person_facing_applications_and_closed_ones_only_with_access() {
        for app_type in [AppType::Web, AppType::Spa, AppType::Native] {
            assert!(is_offered(app_type, true, false, false));
            assert!(is_offered(app_type, true, true, true));
            assert!(!is_offered(app_type, true, true, false));
            assert!(!is_offered(app_type, false, false, true));
        }
        assert!(!is_offered(AppType::Service, true, false, true));
    }

    #[test]
    fn a_search_ignores_case_and_surrounding_space_in_names_and_descriptions() {
        let s = Search::parse("  WIKI ");
        assert_eq!(s.as_str(), "WIKI");
        assert!(s.matches("Team wiki", ""));
        assert!(s.matches("Notes", "A wiki for notes"));
        assert!(!s.matches("Notes", "Plain notes"));
        assert!(Search::parse("ПОЧТА").matches("Почта", ""));
        assert!(Search::parse("   ").matches("anything", ""));
        assert!(Search::parse("%_'\"<").matches("odd %_'\"< name", ""));
    }

    #[test]
    fn a_logo_origin_is_its_scheme_host_and_port_only() {
        assert_eq!(
            logo_origin("https://cdn.example.org:8443/a/logo.png?x=1").as_deref(),
            Some("https://cdn.example.org:8443")
        );
        assert_eq!(
            logo_origin("https://b\u{fc}cher.example/l.svg").as_deref(),
            Some("https://xn--bcher-kva.example")
        );
        assert_eq!(logo_origin("data:image/png;base64,AAAA"), None);
        assert_eq!(logo_origin("javascript:alert(1)"), None);
        assert_eq!(logo_origin("not a url"), None);
    }

    fn entry(name: &str, app_type: AppType) -> CatalogEntry {
        CatalogEntry {
            client_id: ClientId(name.to_lowercase()),
            name: name.into(),
            description: String::new(),
            app_type,
            logo_url: None,
            home_url: None,
            is_favorite: false,
        }
    }

    #[test]
    fn groups_come_in_a_fixed_order_sorted_by_name_and_empty_ones_are_left_out() {
        let c = Catalog::build(
            Search::default(),
            vec![
                entry("zeta", AppType::Native),
                entry("Beta", AppType::Web),
                entry("alpha", AppType::Web),
            ],
        );
        let shape: Vec<(AppType, Vec<&str>)> = c
            .groups
            .iter()
            .map(|g| {
                (
                    g.app_type,
                    g.entries.iter().map(|e| e.name.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(
            shape,
            vec![
                (AppType::Web, vec!["alpha", "Beta"]),
                (AppType::Native, vec!["zeta"])
            ]
        );
        assert_eq!(c.offered, 3);
        assert!(
            Catalog::build(Search::parse("nothing"), vec![entry("a", AppType::Web)]).is_empty()
        );
    }
}

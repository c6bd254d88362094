//! The application catalog and favourites ([`crate::catalog`]): reading the catalog as
//! one person sees it, and adding or removing a favourite (each one transaction with
//! its event, which names the application).
use std::collections::HashSet;

use super::Sigil;
use crate::catalog::{is_offered, Catalog, CatalogEntry, FavoriteApp, Search};
use crate::error::CoreError;
use crate::event::{ClientInfo, EventCategory};
use crate::ids::ClientId;
use crate::oidc::application::Application;
use crate::ports::Tx;
use crate::user::User;

impl Sigil {
    /// `NotFound` while the operator has not switched the catalog on.
    fn catalog_enabled(&self) -> Result<(), CoreError> {
        if self.settings.catalog_enabled {
            Ok(())
        } else {
            Err(CoreError::NotFound)
        }
    }

    /// The catalog as `user` sees it, with the applications that match `search`.
    pub async fn catalog(&self, user: &User, search: Search) -> Result<Catalog, CoreError> {
        self.catalog_enabled()?;
        let mut conn = self.store.read().await?;
        let apps = conn.list_apps().await?;
        let access: HashSet<String> = conn
            .list_access_of_user(user.id)
            .await?
            .into_iter()
            .map(|a| a.client_id.0)
            .collect();
        let favorites: HashSet<String> = conn
            .list_favorites(user.id)
            .await?
            .into_iter()
            .map(|f| f.client_id.0)
            .collect();
        let entries = apps
            .iter()
            .filter(|a| {
                is_offered(
                    a.app_type,
                    a.in_catalog,
                    a.closed,
                    access.contains(&a.client_id.0),
                )
            })
            .map(|a| CatalogEntry::of(a, favorites.contains(&a.client_id.0)))
            .collect();
        Ok(Catalog::build(search, entries))
    }

    /// The person's favourites that the catalog offers them now, in the order added.
    pub async fn favorites(&self, user: &User) -> Result<Vec<FavoriteApp>, CoreError> {
        self.catalog_enabled()?;
        let mut conn = self.store.read().await?;
        Ok(offered(conn.list_favorites(user.id).await?))
    }

    /// Makes the application `client_id` one of the person's favourites, after the
    /// others: true if it was not one yet (then a `favorite.added` event is written),
    /// false if it was (nothing changes). `NotFound` unless the catalog offers the
    /// application to the person (unknown, not in the catalog, a service, or closed to
    /// them).
    pub async fn add_favorite(
        &self,
        user: &User,
        client_id: &str,
        client: &ClientInfo,
    ) -> Result<bool, CoreError> {
        self.catalog_enabled()?;
        let mut tx = self.store.begin().await?;
        let app = offered_app(&mut *tx, user, client_id)
            .await?
            .ok_or(CoreError::NotFound)?;
        let added = tx
            .add_favorite(user.id, &app.client_id, self.clock.now())
            .await?;
        if added {
            let mut event = self.event(Some(user.id), EventCategory::FavoriteAdded, client);
            event.client_id = Some(app.client_id.clone());
            tx.insert_event(&event).await?;
        }
        tx.commit().await?;
        Ok(added)
    }

    /// Removes the application `client_id` from the person's favourites: true if it
    /// was one (then a `favorite.removed` event is written), false if not. A favourite
    /// hidden because its application is no longer offered can still be removed;
    /// otherwise `NotFound` unless the catalog offers the application to the person.
    pub async fn remove_favorite(
        &self,
        user: &User,
        client_id: &str,
        client: &ClientInfo,
    ) -> Result<bool, CoreError> {
        self.catalog_enabled()?;
        let id = ClientId(client_id.to_owned());
        let mut tx = self.store.begin().await?;
        let removed = tx.remove_favorite(user.id, &id).await?;
        if removed {
            let mut event = self.event(Some(user.id), EventCategory::FavoriteRemoved, client);
            event.client_id = Some(id);
            tx.insert_event(&event).await?;
        } else if offered_app(&mut *tx, user, client_id).await?.is_none() {
            return Err(CoreError::NotFound);
        }
        tx.commit().await?;
        Ok(removed)
    }
}

/// The application `client_id` if the catalog offers it to `user`, read in `tx`.
async fn offered_app(
    tx: &mut dyn Tx,
    user: &User,
    client_id: &str,
) -> Result<Option<Application>, CoreError> {
    let Some(app) = tx.find_app(&ClientId(client_id.to_owned())).await? else {
        return Ok(None);
    };
    let has_access = app.closed && tx.has_access(user.id, &app.client_id).await?;
    Ok(is_offered(app.app_type, app.in_catalog, app.closed, has_access).then_some(app))
}

/// The favourites the catalog offers now (the others are kept, not shown).
pub(crate) fn offered(all: Vec<FavoriteApp>) -> Vec<FavoriteApp> {
    all.into_iter().filter(|f| f.offered).collect()
}

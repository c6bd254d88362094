//! Favourites: kept in the order added, once each; what the catalog offers decides only
//! whether one is shown (`offered`), never whether it is kept.
use sigil_core::access::{AccessSource, AppAccess};
use sigil_core::ids::ClientId;
use sigil_store::testing::Backend;
use time::Duration;

use crate::oidc::app;
use crate::{new_user, on_both_backends, store, T0};

on_both_backends!(
    favourites_keep_the_order_added_once_each,
    a_favourite_is_offered_only_while_the_catalog_offers_its_application,
);

async fn favourites_keep_the_order_added_once_each(backend: Backend) {
    let store = store(backend).await;
    let user = new_user("fan", None);
    let mut tx = store.begin().await.expect("begin");
    tx.create_user(&user).await.expect("user");
    for id in ["zeta", "alpha", "mid"] {
        tx.create_app(&app(id)).await.expect("app");
    }
    tx.commit().await.expect("commit");

    // The same instant for all: the order is the order added, not the names'.
    let mut tx = store.begin().await.expect("begin");
    for id in ["zeta", "alpha", "mid"] {
        assert!(tx
            .add_favorite(user.id, &ClientId(id.into()), T0)
            .await
            .expect("add"));
    }
    assert!(!tx
        .add_favorite(user.id, &ClientId("zeta".into()), T0 + Duration::hours(1))
        .await
        .expect("again"));
    tx.commit().await.expect("commit");
    let mut conn = store.read().await.expect("read");
    let order: Vec<String> = conn
        .list_favorites(user.id)
        .await
        .expect("list")
        .into_iter()
        .map(|f| f.client_id.0)
        .collect();
    assert_eq!(order, ["zeta", "alpha", "mid"]);
    drop(conn);

    // Removed and added again, it comes last.
    let mut tx = store.begin().await.expect("begin");
    assert!(tx
        .remove_favorite(user.id, &ClientId("zeta".into()))
        .await
        .expect("remove"));
    assert!(!tx
        .remove_favorite(user.id, &ClientId("zeta".into()))
        .await
        .expect("remove again"));
    assert!(tx
        .add_favorite(user.id, &ClientId("zeta".into()), T0)
        .await
        .expect("add"));
    let list = tx.list_favorites(user.id).await.expect("list");
    let order: Vec<&str> = list.iter().map(|f| f.client_id.0.as_str()).collect();
    assert_eq!(order, ["alpha", "mid", "zeta"]);
    assert_eq!(list[0].added_at, T0);
    assert_eq!(list[0].name, "App alpha");
}

async fn a_favourite_is_offered_only_while_the_catalog_offers_its_application(backend: Backend) {
    let store = store(backend).await;
    let user = new_user("insider", None);
    let mut closed = app("closed");
    closed.closed = true;
    let mut tx = store.begin().await.expect("begin");
    tx.create_user(&user).await.expect("user");
    tx.create_app(&closed).await.expect("app");
    tx.create_app(&app("open")).await.expect("app");
    tx.add_favorite(user.id, &ClientId("closed".into()), T0)
        .await
        .expect("add");
    tx.add_favorite(user.id, &ClientId("open".into()), T0)
        .await
        .expect("add");
    let offered = |list: Vec<sigil_core::catalog::FavoriteApp>| -> Vec<(String, bool)> {
        list.into_iter()
            .map(|f| (f.client_id.0, f.offered))
            .collect()
    };
    assert_eq!(
        offered(tx.list_favorites(user.id).await.expect("list")),
        [("closed".to_owned(), false), ("open".to_owned(), true)]
    );
    tx.grant_access(&AppAccess {
        user_id: user.id,
        client_id: ClientId("closed".into()),
        source: AccessSource::Operator,
        invitation_id: None,
        granted_at: T0,
    })
    .await
    .expect("grant");
    assert_eq!(
        offered(tx.list_favorites(user.id).await.expect("list")),
        [("closed".to_owned(), true), ("open".to_owned(), true)]
    );
    tx.commit().await.expect("commit");
}

//! The field document on each person's row (migration 0028) that profile reads use.
use sigil_core::privacy::PrivacyLevel;
use sigil_store::testing::Backend;

use crate::{new_user, on_both_backends, store, T0};

on_both_backends!(the_field_document_holds_every_change_even_made_at_once,);

async fn the_field_document_holds_every_change_even_made_at_once(backend: Backend) {
    let store = store(backend).await;
    let alice = new_user("alice", None);
    let mut tx = store.begin().await.expect("begin");
    tx.create_user(&alice).await.expect("alice");
    tx.commit().await.expect("commit");
    let levels = [
        PrivacyLevel::Public,
        PrivacyLevel::Private,
        PrivacyLevel::OnRequest,
    ];

    // Sixteen transactions at once, each with a field of its own: none is lost, though
    // each rebuilds the one document of the one person.
    let writes: Vec<_> = (0..16)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                let key = format!("field_{i}");
                let mut tx = store.begin().await.expect("begin");
                let value = format!("value {i}");
                tx.set_field_value(alice.id, &key, Some(&value), T0)
                    .await
                    .expect("value");
                tx.set_privacy(alice.id, &key, levels[i % 3], T0)
                    .await
                    .expect("privacy");
                tx.commit().await.expect("commit");
            })
        })
        .collect();
    for write in writes {
        write.await.expect("write");
    }

    let mut conn = store.read().await.expect("read");
    let profile = conn
        .find_profile(alice.id)
        .await
        .expect("profile")
        .expect("alice");
    assert_eq!(profile.values.len(), 16, "{:?}", profile.values);
    assert_eq!(profile.privacy.len(), 16, "{:?}", profile.privacy);
    for i in 0..16 {
        let key = format!("field_{i}");
        assert_eq!(profile.values[&key], format!("value {i}"));
        assert_eq!(profile.privacy[&key], levels[i % 3]);
    }
    let (values, privacy) = conn.values_and_privacy(alice.id).await.expect("apart");
    assert_eq!((&values, &privacy), (&profile.values, &profile.privacy));
    // The choices as the table holds them (read from `field_privacy` itself).
    assert_eq!(
        conn.privacy_levels(alice.id).await.expect("table"),
        profile.privacy
    );
    assert_eq!(
        conn.field_values(alice.id).await.expect("values"),
        profile.values
    );
    assert_eq!(profile.user.name, None);
    drop(conn);

    // Removed and replaced in one transaction; the nickname is the person's name.
    let mut tx = store.begin().await.expect("begin");
    for i in 0..8 {
        let key = format!("field_{i}");
        tx.set_field_value(alice.id, &key, None, T0)
            .await
            .expect("remove");
    }
    tx.set_field_value(alice.id, "nickname", Some("Al \"the\" 🦀"), T0)
        .await
        .expect("nickname");
    // Inside the transaction its own changes are read.
    let inside = tx.field_values(alice.id).await.expect("values");
    assert_eq!(inside.len(), 9, "{inside:?}");
    tx.commit().await.expect("commit");

    let mut conn = store.read().await.expect("read");
    let profile = conn
        .find_profile(alice.id)
        .await
        .expect("profile")
        .expect("alice");
    assert_eq!(profile.values.len(), 9, "{:?}", profile.values);
    assert!(!profile.values.contains_key("field_0"));
    assert_eq!(profile.values["nickname"], "Al \"the\" 🦀");
    assert_eq!(
        profile.privacy.len(),
        16,
        "choices stay with their values gone"
    );
    assert_eq!(profile.user.name.as_deref(), Some("Al \"the\" 🦀"));
    let user = conn
        .find_user(alice.id)
        .await
        .expect("user")
        .expect("alice");
    assert_eq!(user.name.as_deref(), Some("Al \"the\" 🦀"));
}

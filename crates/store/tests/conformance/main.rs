//! The conformance suite: every storage port behaves the same on SQLite and PostgreSQL.
mod access;
mod accounts;
mod backchannel;
mod contacts;
mod favorites;
mod fields;
mod hot;
mod housekeeping;
mod identifiers;
mod invitations;
mod keys;
mod locking;
mod oidc;
mod operability;
mod recovery;
mod shutdown;

use std::sync::Arc;

use sigil_core::email::Email;
use sigil_core::ids::UserId;
use sigil_core::login::Login;
use sigil_core::ports::Store;
use sigil_core::random::SystemRandom;
use sigil_core::user::NewUser;
use sigil_store::testing::{scratch_database, Backend};
use time::macros::datetime;
use time::OffsetDateTime;

pub const T0: OffsetDateTime = datetime!(2026-03-01 12:00 UTC);

pub async fn store(backend: Backend) -> Arc<dyn Store> {
    let name = uuid::Uuid::new_v4().simple().to_string();
    let dir = std::env::temp_dir().join("sigil-store-tests");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let url = scratch_database(backend, &dir, &name)
        .await
        .expect("scratch database");
    sigil_store::connect(&url).await.expect("connect")
}

pub fn new_user(login: &str, email: Option<&str>) -> NewUser {
    NewUser {
        id: UserId::generate(&SystemRandom),
        login: Some(Login::parse(login).expect("login")),
        email: email.map(|e| Email::parse(e).expect("email")),
        password_hash: "$argon2id$stub".into(),
        is_operator: false,
        locale: None,
        created_at: T0,
    }
}

#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite { $( #[tokio::test] async fn $name() { super::$name(sigil_store::testing::Backend::Sqlite).await } )* }
        mod postgres { $( #[tokio::test] async fn $name() { super::$name(sigil_store::testing::Backend::Postgres).await } )* }
    };
}

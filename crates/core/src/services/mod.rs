//! Use cases. Each public method is one use case: it parses its input, checks the
//! rules, and makes its changes (with their activity-log event) in one transaction.
mod accounts;
mod operators;
mod profile;
mod throttle;

use std::sync::Arc;

use time::OffsetDateTime;

use crate::clock::Clock;
use crate::error::CoreError;
use crate::event::{ClientInfo, EventCategory, NewEvent};
use crate::fields::FieldCatalogue;
use crate::ids::UserId;
use crate::password::PasswordHasher;
use crate::ports::{Store, StoreError};
use crate::random::Random;
use crate::session::SessionPolicy;

pub use accounts::{Registration, SignedIn};
pub use operators::OperatorCredentials;
pub use profile::Profile;
pub use throttle::ThrottlePolicy;

/// What the operator configures about accounts.
#[derive(Clone, Debug)]
pub struct Settings {
    pub catalogue: FieldCatalogue,
    pub sessions: SessionPolicy,
    pub throttle: ThrottlePolicy,
    pub registration_open: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            catalogue: FieldCatalogue::standard(),
            sessions: SessionPolicy::default(),
            throttle: ThrottlePolicy::default(),
            registration_open: true,
        }
    }
}

/// The application: every use case, over injected ports.
pub struct Sigil {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    random: Arc<dyn Random>,
    hasher: PasswordHasher,
    settings: Settings,
}

impl Sigil {
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        random: Arc<dyn Random>,
        hasher: PasswordHasher,
        settings: Settings,
    ) -> Self {
        Self {
            store,
            clock,
            random,
            hasher,
            settings,
        }
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }

    fn event(
        &self,
        user: Option<UserId>,
        category: EventCategory,
        client: &ClientInfo,
    ) -> NewEvent {
        NewEvent::new(self.clock.now(), user, category, client)
    }
}

impl From<StoreError> for CoreError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(field) => {
                CoreError::field(field, crate::error::FieldErrorKind::Taken)
            }
            StoreError::Other(e) => CoreError::Unexpected(e),
        }
    }
}

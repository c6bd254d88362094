//! The storage ports. `sigil-store` implements them for SQLite and PostgreSQL; services
//! hold an `Arc<dyn Store>` and never learn which.
//!
//! A use case that changes anything opens one transaction with [`Store::begin`], does
//! all its writes there (the activity-log event included) and commits, so a failure
//! anywhere changes nothing. Plain reads use [`Store::read`], which skips the
//! BEGIN/COMMIT round trips.
//!
//! # What the two engines guarantee
//! - [`Store::begin`] on SQLite is `BEGIN IMMEDIATE`: one writer at a time, so a
//!   transaction is serialisable. On PostgreSQL it is `READ COMMITTED`: each statement
//!   sees what was committed before it started, and a plain `SELECT` locks nothing, so
//!   two transactions may both read a row, both decide on it, and both write.
//! - [`Store::read`] gives a consistent snapshot on SQLite (one read transaction) and
//!   per statement on PostgreSQL; it never sees uncommitted writes and locks nothing.
//!
//! So a check that guards a limit or an invariant (an attempt count, a single use, the
//! last way to sign in) never decides on what [`Store::read`] or a plain `find_*`
//! returned, and never on the session's copy of a row. It uses a `lock_*` call, which
//! reads the row fresh and holds it until the transaction ends (an `UPDATE … RETURNING`
//! or upsert that takes PostgreSQL's row lock; on SQLite the single writer), a
//! conditional `UPDATE … WHERE` whose row count says who won, or a constraint. The
//! store's conformance suite runs two such transactions at once on both engines.
mod access;
mod deletion;
mod favorites;
mod gauges;
mod hot;
mod invitations;
mod keys;
mod outcome;

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::card::Slug;
use crate::contact::{ContactKind, Verification};
use crate::email::Email;
use crate::event::{Event, EventCategory, NewEvent};
use crate::identifier::{Identifier, NewIdentifier, PendingRequest};
use crate::ids::ClientId;
use crate::ids::UserId;
use crate::locale::Locale;
use crate::login::Login;
use crate::oidc::application::Application;
use crate::oidc::backchannel::{BackchannelUri, LogoutTarget};
use crate::oidc::grant::{AuthCode, Consent, GrantState, TokenFamily};
use crate::oidc::scope::ScopeSet;
use crate::outbox::{Claimed, DeliveryStatus};
use crate::phone::Phone;
use crate::privacy::{PrivacyLevel, PrivacyLevels};
use crate::recovery::Recovery;
use crate::session::Session;
use crate::throttle::AttemptCounter;
use crate::token::TokenHash;
use crate::user::{FieldValues, NewUser, User};

pub use access::AccessRepo;
pub use deletion::DeletionRepo;
pub use favorites::FavoriteRepo;
pub use gauges::{Connections, GaugeRepo, OutboxDepth};
pub use hot::{GrantVersion, HotRepo, Profile};
pub use invitations::InvitationRepo;
pub use keys::KeyRepo;
pub use outcome::{SchemaState, StoreError, StoreResult};

#[async_trait]
pub trait Store: Send + Sync {
    /// Starts a transaction; dropping it without [`Tx::commit`] rolls back.
    async fn begin(&self) -> StoreResult<Box<dyn Tx>>;
    /// A pooled connection for reads only: every write goes through [`Store::begin`],
    /// so writers queue in one place (SQLite has a single writer).
    async fn read(&self) -> StoreResult<Box<dyn Tx>>;
    /// For a use case that writes with one statement: on PostgreSQL that statement is
    /// its own transaction (no BEGIN and COMMIT round trips); on SQLite, [`Store::begin`].
    async fn autocommit(&self) -> StoreResult<Box<dyn Tx>> {
        self.begin().await
    }
    /// Asks the database, within its acquire and statement timeouts, which schema it
    /// holds: the readiness check and the migration commands use it.
    async fn schema_state(&self) -> StoreResult<SchemaState>;
    /// Whether the database was found unavailable moments ago (a few seconds): an
    /// error page then tells its error without asking the database who is signed in.
    fn recently_unavailable(&self) -> bool {
        false
    }
    /// This node's connections, for the metrics; `None` where the engine cannot tell.
    fn connections(&self) -> Option<Connections> {
        None
    }
    /// Ends this node's use of the database at a clean stop, once nothing uses it any
    /// more: SQLite's log is written into the database file (which alone is then a
    /// complete copy), PostgreSQL's connections are closed rather than dropped.
    async fn close(&self) {}
}

#[async_trait]
pub trait Tx:
    UserRepo
    + SessionRepo
    + EventRepo
    + ThrottleRepo
    + AppRepo
    + GrantRepo
    + KeyRepo
    + ContactRepo
    + OutboxRepo
    + PrivacyRepo
    + CardRepo
    + ImageRepo
    + IdentifierRepo
    + RecoveryRepo
    + LeaseRepo
    + DeletionRepo
    + AccessRepo
    + FavoriteRepo
    + InvitationRepo
    + GaugeRepo
    + HotRepo
    + Send
{
    /// Commits a transaction; on a plain connection it does nothing.
    async fn commit(self: Box<Self>) -> StoreResult<()>;
}

#[async_trait]
pub trait UserRepo {
    async fn create_user(&mut self, user: &NewUser) -> StoreResult<()>;
    async fn find_user(&mut self, id: UserId) -> StoreResult<Option<User>>;
    async fn find_user_by_login(&mut self, login: &Login) -> StoreResult<Option<User>>;
    async fn find_user_by_email(&mut self, email: &Email) -> StoreResult<Option<User>>;
    /// The account's row, read fresh and locked until the transaction ends: what a
    /// check of an invariant on it (the last way to sign in) must decide on.
    async fn lock_user(&mut self, id: UserId) -> StoreResult<Option<User>>;
    async fn set_login(
        &mut self,
        id: UserId,
        login: Option<&Login>,
        at: OffsetDateTime,
    ) -> StoreResult<()>;
    async fn set_password_hash(
        &mut self,
        id: UserId,
        hash: &str,
        at: OffsetDateTime,
    ) -> StoreResult<()>;
    async fn set_locale(
        &mut self,
        id: UserId,
        locale: Option<Locale>,
        at: OffsetDateTime,
    ) -> StoreResult<()>;
    async fn field_values(&mut self, id: UserId) -> StoreResult<FieldValues>;
    /// Sets or (with `None`) removes one catalogue field's value.
    async fn set_field_value(
        &mut self,
        id: UserId,
        key: &str,
        value: Option<&str>,
        at: OffsetDateTime,
    ) -> StoreResult<()>;
    async fn count_operators(&mut self) -> StoreResult<i64>;
}

#[async_trait]
pub trait SessionRepo {
    async fn create_session(&mut self, session: &Session) -> StoreResult<()>;
    async fn find_session(&mut self, id_hash: &TokenHash) -> StoreResult<Option<Session>>;
    /// The person's session with the public id `sid` (never another person's).
    async fn find_session_by_sid(
        &mut self,
        user: UserId,
        sid: &str,
    ) -> StoreResult<Option<Session>>;
    /// Every stored session of the person (expired ones too, until purged), most
    /// recently seen first.
    async fn list_sessions_of_user(&mut self, user: UserId) -> StoreResult<Vec<Session>>;
    async fn touch_session(&mut self, id_hash: &TokenHash, at: OffsetDateTime) -> StoreResult<()>;
    /// Whether the session exists, read fresh and held until the transaction ends: a
    /// concurrent sign-out or log out everywhere waits for this transaction, and this
    /// one waits for theirs (and then finds the session gone). What a grant issued
    /// under the session must decide on, so none outlives the session's end.
    async fn lock_session(&mut self, id_hash: &TokenHash) -> StoreResult<bool>;
    async fn delete_session(&mut self, id_hash: &TokenHash) -> StoreResult<bool>;
    /// Ends every session of the person; returns how many there were.
    async fn delete_sessions_of_user(&mut self, user: UserId) -> StoreResult<u64>;
    async fn delete_expired_sessions(&mut self, now: OffsetDateTime) -> StoreResult<u64>;
}

#[async_trait]
pub trait EventRepo {
    async fn insert_event(&mut self, event: &NewEvent) -> StoreResult<i64>;
    /// The person's events, newest first, older than `before` (an event id) if given and
    /// of `category` only if given, each with its application's name when it has one.
    async fn list_events(
        &mut self,
        user: UserId,
        category: Option<EventCategory>,
        before: Option<i64>,
        limit: i64,
    ) -> StoreResult<Vec<Event>>;
    /// The distinct categories of the person's events, in stored names.
    async fn event_categories(&mut self, user: UserId) -> StoreResult<Vec<String>>;
    /// Deletes at most `limit` events from before `before` (found through the index on
    /// their time), returning how many went: the caller repeats in transactions of their
    /// own until fewer than `limit` go, so no transaction holds the log for long.
    async fn purge_events(&mut self, before: OffsetDateTime, limit: i64) -> StoreResult<u64>;
}

/// Attempt counters ([`crate::throttle`]), in the database so that limits hold across
/// nodes. Keys are hashed by the caller: the table never holds what someone typed.
#[async_trait]
pub trait ThrottleRepo {
    /// The counter of `key` (created empty at `now` if there is none), locked until the
    /// transaction ends: a concurrent caller waits, then reads what this one saved.
    async fn lock_counter(&mut self, key: &str, now: OffsetDateTime)
        -> StoreResult<AttemptCounter>;
    async fn save_counter(&mut self, key: &str, counter: &AttemptCounter) -> StoreResult<()>;
    async fn clear_counter(&mut self, key: &str) -> StoreResult<()>;
    /// Drops counters whose window opened at or before `before` (passed windows).
    async fn purge_counters(&mut self, before: OffsetDateTime) -> StoreResult<u64>;
}

/// Registered applications.
#[async_trait]
pub trait AppRepo {
    async fn create_app(&mut self, app: &Application) -> StoreResult<()>;
    async fn find_app(&mut self, client_id: &ClientId) -> StoreResult<Option<Application>>;
    async fn list_apps(&mut self) -> StoreResult<Vec<Application>>;
    /// Sets or removes the back-channel logout URI and whether it needs `sid`; false if
    /// there is no such application.
    async fn set_app_backchannel(
        &mut self,
        client_id: &ClientId,
        uri: Option<&BackchannelUri>,
        session_required: bool,
    ) -> StoreResult<bool>;
    /// Sets whether the application is closed (invitation only) and listed in the
    /// catalog; false if there is no such application.
    async fn set_app_listing(
        &mut self,
        client_id: &ClientId,
        closed: bool,
        in_catalog: bool,
    ) -> StoreResult<bool>;
    /// Removes the application with its consents and everything issued to it.
    async fn delete_app(&mut self, client_id: &ClientId) -> StoreResult<bool>;
}

/// Consents, authorization codes, token families, refresh tokens and revoked access
/// tokens.
#[async_trait]
pub trait GrantRepo {
    async fn find_consent(
        &mut self,
        user: UserId,
        client: &ClientId,
    ) -> StoreResult<Option<Consent>>;
    async fn save_consent(
        &mut self,
        user: UserId,
        client: &ClientId,
        scopes: &ScopeSet,
        at: OffsetDateTime,
    ) -> StoreResult<()>;
    async fn delete_consent(&mut self, user: UserId, client: &ClientId) -> StoreResult<bool>;
    async fn list_consents(&mut self, user: UserId) -> StoreResult<Vec<Consent>>;

    async fn insert_code(&mut self, code: &AuthCode) -> StoreResult<()>;
    async fn find_code(&mut self, code_hash: &TokenHash) -> StoreResult<Option<AuthCode>>;
    /// Marks an unused code used by `family`; false if it was used already.
    async fn use_code(
        &mut self,
        code_hash: &TokenHash,
        family: &str,
        at: OffsetDateTime,
    ) -> StoreResult<bool>;

    async fn insert_family(&mut self, family: &TokenFamily) -> StoreResult<()>;
    async fn find_family(&mut self, id: &str) -> StoreResult<Option<TokenFamily>>;
    /// The family, whether its session exists, and whether access token `jti` is
    /// revoked: what a bearer check needs, in one statement.
    async fn find_grant_state(
        &mut self,
        family: &str,
        jti: &str,
    ) -> StoreResult<Option<(GrantState, bool)>>;
    /// The family with when its session ends: what a refresh needs, in one statement.
    async fn find_grant(&mut self, family: &str) -> StoreResult<Option<GrantState>>;
    /// Moves a live family's refresh token from `generation` to the next; false if the
    /// family is not at `generation` (someone rotated it first) or has ended.
    async fn rotate_refresh(
        &mut self,
        family: &str,
        generation: i64,
        at: OffsetDateTime,
    ) -> StoreResult<bool>;
    async fn revoke_family(&mut self, id: &str, at: OffsetDateTime) -> StoreResult<()>;
    /// Revokes every live family of `session`; returns how many.
    /// The applications with a back-channel logout URI that hold a live family, or an
    /// unused code not yet expired at `now`, under `session`: one row per application,
    /// person and `sid`, sorted.
    async fn logout_targets_of_session(
        &mut self,
        session: &TokenHash,
        now: OffsetDateTime,
    ) -> StoreResult<Vec<LogoutTarget>>;
    /// Like [`GrantRepo::logout_targets_of_session`], for every session of the person.
    async fn logout_targets_of_user(
        &mut self,
        user: UserId,
        now: OffsetDateTime,
    ) -> StoreResult<Vec<LogoutTarget>>;
    /// Like [`GrantRepo::logout_targets_of_session`], for what one application holds of
    /// the person (at most that application).
    async fn logout_targets_of_grant(
        &mut self,
        user: UserId,
        client: &ClientId,
        now: OffsetDateTime,
    ) -> StoreResult<Vec<LogoutTarget>>;
    /// Ends every token family under the session and deletes its codes not yet
    /// exchanged; returns how many families ended. (So do the two below, for all of a
    /// person's sessions and for one application's grant.)
    async fn revoke_families_of_session(
        &mut self,
        session: &TokenHash,
        at: OffsetDateTime,
    ) -> StoreResult<u64>;
    async fn revoke_families_of_user(
        &mut self,
        user: UserId,
        at: OffsetDateTime,
    ) -> StoreResult<u64>;
    async fn revoke_families_of_grant(
        &mut self,
        user: UserId,
        client: &ClientId,
        at: OffsetDateTime,
    ) -> StoreResult<u64>;

    async fn revoke_access_token(
        &mut self,
        jti: &str,
        expires_at: OffsetDateTime,
    ) -> StoreResult<()>;
    async fn is_access_token_revoked(&mut self, jti: &str) -> StoreResult<bool>;

    /// Drops codes that expired before `before`, used or not.
    async fn purge_codes(&mut self, before: OffsetDateTime) -> StoreResult<u64>;
    /// Drops families whose absolute lifetime ended before `before`, revoked or not.
    async fn purge_families(&mut self, before: OffsetDateTime) -> StoreResult<u64>;
    /// Drops revocation entries of access tokens that expired before `before`.
    async fn purge_revoked_access_tokens(&mut self, before: OffsetDateTime) -> StoreResult<u64>;
}

/// Verified contacts on the account and verifications waiting for their code.
#[async_trait]
pub trait ContactRepo {
    /// Stores `v`, replacing the person's previous verification of the same kind (so
    /// a new code invalidates the one before).
    async fn replace_verification(&mut self, v: &Verification) -> StoreResult<()>;
    async fn find_verification(
        &mut self,
        user: UserId,
        kind: ContactKind,
    ) -> StoreResult<Option<Verification>>;
    /// Like [`ContactRepo::find_verification`], but read fresh and locked until the
    /// transaction ends, so that its attempt count and single use hold under any
    /// concurrency.
    async fn lock_verification(
        &mut self,
        user: UserId,
        kind: ContactKind,
    ) -> StoreResult<Option<Verification>>;
    async fn find_verification_by_link(
        &mut self,
        link_hash: &TokenHash,
    ) -> StoreResult<Option<Verification>>;
    /// Counts one try at the code; returns the count including it.
    async fn count_attempt(&mut self, id: &str) -> StoreResult<i64>;
    /// Marks the verification used; false if it already was.
    async fn use_verification(&mut self, id: &str, at: OffsetDateTime) -> StoreResult<bool>;
    async fn delete_verification(&mut self, user: UserId, kind: ContactKind) -> StoreResult<()>;
    /// Drops verifications that expired before `before`.
    async fn purge_verifications(&mut self, before: OffsetDateTime) -> StoreResult<u64>;
    /// Sets (verified) or removes the account's email; `Conflict("email")` if another
    /// account has it.
    async fn set_email(
        &mut self,
        user: UserId,
        email: Option<&Email>,
        at: OffsetDateTime,
    ) -> StoreResult<()>;
    /// Sets (verified) or removes the account's phone; `Conflict("phone")` if another
    /// account has it.
    async fn set_phone(
        &mut self,
        user: UserId,
        phone: Option<&Phone>,
        at: OffsetDateTime,
    ) -> StoreResult<()>;
}

/// Messages waiting for delivery.
#[async_trait]
pub trait OutboxRepo {
    /// Queues a message (its payload sealed) for delivery now; returns its id.
    async fn enqueue_message(
        &mut self,
        channel: &str,
        recipient: &str,
        sealed_payload: &str,
        at: OffsetDateTime,
    ) -> StoreResult<i64>;
    /// Claims up to `limit` due messages of `lane` until `lease_until`, so that of
    /// several nodes only one delivers each.
    async fn claim_due_messages(
        &mut self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: i64,
        lane: crate::outbox::Lane,
    ) -> StoreResult<Vec<Claimed>>;
    /// Gives back a claim taken until `lease_until` without trying the message (its node
    /// is stopping): it is due again at once, for any node. Nothing changes if the
    /// claim is no longer this one (the lease ran out and another node took it).
    async fn release_message(&mut self, id: i64, lease_until: OffsetDateTime) -> StoreResult<bool>;
    /// Delivered: the payload is erased. Once only: recorded again (after a commit whose
    /// answer was lost), nothing changes.
    async fn mark_message_sent(&mut self, id: i64, at: OffsetDateTime) -> StoreResult<()>;
    /// Failed for now: tried again at `next_at`.
    async fn mark_message_retry(
        &mut self,
        id: i64,
        attempts: i64,
        next_at: OffsetDateTime,
        error: &str,
    ) -> StoreResult<()>;
    /// Given up: the payload is erased.
    async fn mark_message_failed(&mut self, id: i64, attempts: i64, error: &str)
        -> StoreResult<()>;
    async fn message_status(&mut self, id: i64) -> StoreResult<Option<DeliveryStatus>>;
    /// Drops sent and given-up messages created before `before`.
    async fn purge_messages(&mut self, before: OffsetDateTime) -> StoreResult<u64>;
}

/// The person's privacy choices.
#[async_trait]
pub trait PrivacyRepo {
    /// The levels the person chose, by field key (fields without a choice are absent).
    async fn privacy_levels(&mut self, user: UserId) -> StoreResult<PrivacyLevels>;
    /// The person's catalogue field values and chosen levels, in one round trip.
    async fn values_and_privacy(
        &mut self,
        user: UserId,
    ) -> StoreResult<(FieldValues, PrivacyLevels)>;
    async fn set_privacy(
        &mut self,
        user: UserId,
        field: &str,
        level: PrivacyLevel,
        at: OffsetDateTime,
    ) -> StoreResult<()>;
    async fn set_profile_private(
        &mut self,
        user: UserId,
        private: bool,
        at: OffsetDateTime,
    ) -> StoreResult<()>;
}

/// Business cards.
#[async_trait]
pub trait CardRepo {
    /// The person's card link and whether it is active.
    async fn find_card(&mut self, user: UserId) -> StoreResult<Option<(Slug, bool)>>;
    /// The owner of a card link and whether it is active.
    async fn find_card_by_slug(&mut self, slug: &Slug) -> StoreResult<Option<(UserId, bool)>>;
    /// Creates or changes the person's card; `Conflict("slug")` if the link is taken.
    async fn save_card(
        &mut self,
        user: UserId,
        slug: &Slug,
        active: bool,
        at: OffsetDateTime,
    ) -> StoreResult<()>;
}

/// Stored images (profile photos), by the hash of their bytes.
#[async_trait]
pub trait ImageRepo {
    async fn save_image(
        &mut self,
        hash: &str,
        user: UserId,
        content_type: &str,
        data: &[u8],
        at: OffsetDateTime,
    ) -> StoreResult<()>;
    /// The content type and bytes of an image.
    async fn find_image(&mut self, hash: &str) -> StoreResult<Option<(String, Vec<u8>)>>;
    async fn delete_images_of(&mut self, user: UserId) -> StoreResult<()>;
    /// Sets (large and small hash) or removes the person's photo.
    async fn set_photo(
        &mut self,
        user: UserId,
        photo: Option<(&str, &str)>,
        at: OffsetDateTime,
    ) -> StoreResult<()>;
}

/// Linked identifiers and the authorization requests that link them.
#[async_trait]
pub trait IdentifierRepo {
    async fn save_identifier_request(
        &mut self,
        state_hash: &TokenHash,
        request: &PendingRequest,
        at: OffsetDateTime,
    ) -> StoreResult<()>;
    /// Removes and returns the request: each state is spent once.
    async fn take_identifier_request(
        &mut self,
        state_hash: &TokenHash,
    ) -> StoreResult<Option<PendingRequest>>;
    async fn purge_identifier_requests(&mut self, expired_by: OffsetDateTime) -> StoreResult<u64>;
    /// The person's identifiers, oldest link first.
    async fn list_identifiers(&mut self, user: UserId) -> StoreResult<Vec<Identifier>>;
    async fn find_identifier_by_subject(
        &mut self,
        provider: &str,
        subject: &str,
    ) -> StoreResult<Option<Identifier>>;
    /// Fails with `Conflict("subject")` when the account is linked already.
    async fn insert_identifier(&mut self, new: &NewIdentifier<'_>) -> StoreResult<()>;
    /// Refreshes what the provider said about an identifier linked again.
    async fn refresh_identifier(&mut self, new: &NewIdentifier<'_>) -> StoreResult<()>;
    async fn delete_identifier(&mut self, user: UserId, id: &str) -> StoreResult<bool>;
    async fn identifier_avatar(&mut self, user: UserId, id: &str) -> StoreResult<Option<Vec<u8>>>;
    async fn set_identifier_privacy(
        &mut self,
        user: UserId,
        id: &str,
        level: PrivacyLevel,
    ) -> StoreResult<bool>;
}

/// What notices about the account need: the language of mail, when the password was
/// last set, and the links that secure the account (see [`crate::recovery`]).
#[async_trait]
pub trait RecoveryRepo {
    /// The language mail goes in while the person has picked none.
    async fn set_mail_locale(&mut self, user: UserId, locale: Locale) -> StoreResult<()>;
    async fn mail_locale(&mut self, user: UserId) -> StoreResult<Option<Locale>>;
    async fn mark_password_set(&mut self, user: UserId, at: OffsetDateTime) -> StoreResult<()>;
    /// When the password was last set (registration, if never since).
    async fn password_set_at(&mut self, user: UserId) -> StoreResult<Option<OffsetDateTime>>;
    async fn insert_recovery(&mut self, recovery: &Recovery) -> StoreResult<()>;
    async fn find_recovery(&mut self, token_hash: &TokenHash) -> StoreResult<Option<Recovery>>;
    /// Spends a link that is still open at `at`: true for one caller only, whatever
    /// runs at the same time. Every open link of the account inserted after it
    /// is spent with it; links inserted before it stay open.
    async fn use_recovery(
        &mut self,
        token_hash: &TokenHash,
        at: OffsetDateTime,
    ) -> StoreResult<bool>;
    async fn purge_recoveries(&mut self, expired_by: OffsetDateTime) -> StoreResult<u64>;
}

/// Leases on background jobs that must run once across the nodes sharing the database.
#[async_trait]
pub trait LeaseRepo {
    /// Takes the lease `name` for `holder` until `until` if nobody holds it at `now`
    /// (never taken, or held until `now` or earlier), counting one more run: true for
    /// one caller only, whatever runs at the same time. The row stays locked until the
    /// transaction ends, so the work done in it is done once.
    async fn take_lease(
        &mut self,
        name: &str,
        holder: &str,
        now: OffsetDateTime,
        until: OffsetDateTime,
    ) -> StoreResult<bool>;
}

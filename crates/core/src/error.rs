//! What can go wrong in a use case. User-facing variants carry what the person needs to
//! fix their input; the web layer translates them. `Unexpected` is everything else and is
//! logged, never shown.
use crate::email::EmailError;
use crate::login::LoginError;
use crate::password::{PasswordError, Weakness};

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// One or more inputs are invalid; nothing was changed.
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// Wrong login or password; deliberately says nothing about which.
    #[error("invalid credentials")]
    InvalidCredentials,
    /// Too many failed attempts from this address or for this account.
    #[error("too many attempts")]
    Throttled,
    /// The session is missing, expired or ended.
    #[error("not signed in")]
    Unauthenticated,
    /// The account exists but may not sign in.
    #[error("account blocked")]
    Blocked,
    #[error("not found")]
    NotFound,
    /// Signed in, but not allowed to do this (e.g. not an operator).
    #[error("forbidden")]
    Forbidden,
    /// The change needs a recent sign-in: the person enters the password again.
    #[error("sign in again")]
    ReauthRequired,
    /// The deletion lifecycle refused ([`crate::deletion`]).
    #[error("account deletion: {0:?}")]
    Deletion(crate::deletion::DeletionError),
    /// The session asked about is the one making the request: it ends with the normal
    /// sign-out, not from the list of devices.
    #[error("this is the current session")]
    CurrentSession,
    /// An invitation to a closed application was refused ([`crate::invitation`]).
    #[error("invitation: {0:?}")]
    Invitation(crate::invitation::InvitationError),
    /// The account's fresh row is not active (blocked, or pending deletion): what
    /// only an active account may do is refused.
    #[error("account not active")]
    AccountNotActive,
    /// The operator's grant or revocation of access to a closed application was
    /// refused ([`crate::access::AccessError`]).
    #[error("access: {0}")]
    Access(crate::access::AccessError),
    /// The database is unavailable for now (see `ports::StoreError::Unavailable`):
    /// nothing was changed and the person may try again shortly.
    #[error("temporarily unavailable: {0:#}")]
    Unavailable(anyhow::Error),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl CoreError {
    pub fn field(field: &str, kind: FieldErrorKind) -> Self {
        Self::Invalid(vec![FieldError::new(field, kind)])
    }
}

/// A problem with one input, named by the field it belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub kind: FieldErrorKind,
}

impl FieldError {
    pub fn new(field: &str, kind: FieldErrorKind) -> Self {
        Self {
            field: field.to_owned(),
            kind,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldErrorKind {
    Required,
    TooShort {
        min: usize,
    },
    TooLong {
        max: usize,
    },
    Pattern,
    Date,
    DateRange,
    Login(LoginError),
    Email(EmailError),
    Password(PasswordError),
    /// Already used by another account; says nothing about that account.
    Taken,
    NotEditable,
    Unknown,
    WrongPassword,
    /// Removing it would leave the account without a way to sign in.
    LastIdentifier,
    /// A bidirectional control or zero-width character in a name, login or card link
    /// ([`crate::text`]).
    Invisible,
    /// Not a phone number (in the operator's default region, if national).
    Phone,
    /// The code is wrong; `left` tries remain.
    CodeWrong {
        left: i64,
    },
    CodeExpired,
    CodeUsed,
    /// Too many wrong tries: a new code is needed.
    CodeExhausted,
    /// No code is waiting (none was sent, or it was replaced).
    CodeMissing,
    /// A new code can be sent in `seconds`.
    TooSoon {
        seconds: i64,
    },
    /// The address is already the account's.
    Unchanged,
    /// The operator has not enabled this delivery channel.
    Channel,
    /// Not a privacy level (private, on_request, public).
    Privacy,
    Slug(crate::card::SlugError),
    Photo(crate::photo::PhotoError),
    /// The external account is linked to another Sigil account.
    LinkedElsewhere,
    /// The provider could not be reached or its answer did not validate.
    ProviderFailed,
    /// The person declined at the provider.
    ProviderDenied,
    /// The link request expired, was used, or belongs to another sign-in: start again.
    ProviderExpired,
    /// No profile is linked to the account the person signed in with at the provider.
    ProviderNotLinked,
    /// A redirect URI with plain `http` to a host other than the loopback interface.
    InsecureRedirectUri,
    /// PKCE can be waived only for a confidential client.
    PkceRequired,
    /// Not an absolute `https` URL without a fragment (plain `http` only on loopback):
    /// see [`crate::oidc::backchannel::BackchannelUri`].
    BackchannelUri,
}

impl FieldErrorKind {
    /// A stable machine-readable code for the JSON API.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Required => "required",
            Self::TooShort { .. } => "too_short",
            Self::TooLong { .. } => "too_long",
            Self::Pattern => "pattern",
            Self::Date => "invalid_date",
            Self::DateRange => "date_out_of_range",
            Self::Login(LoginError::Length) => "login_length",
            Self::Login(LoginError::Characters) => "login_characters",
            Self::Invisible
            | Self::Login(LoginError::Invisible)
            | Self::Slug(crate::card::SlugError::Invisible) => "invisible_characters",
            Self::Email(_) => "invalid_email",
            Self::Password(PasswordError::TooShort { .. }) => "password_too_short",
            Self::Password(PasswordError::TooLong) => "password_too_long",
            Self::Password(PasswordError::Common) => "password_common",
            Self::Password(PasswordError::SameAsLogin) => "password_same_as_login",
            Self::Password(PasswordError::Weak(why)) => match why {
                Weakness::Similar => "password_weak_similar",
                Weakness::Keyboard => "password_weak_keyboard",
                Weakness::Repeats => "password_weak_repeats",
                Weakness::Sequence => "password_weak_sequence",
                Weakness::Dates => "password_weak_dates",
                Weakness::Word => "password_weak_word",
                Weakness::Names => "password_weak_names",
                Weakness::Personal => "password_weak_personal",
                Weakness::Guessable => "password_weak_guessable",
            },
            Self::Taken => "taken",
            Self::NotEditable => "not_editable",
            Self::Unknown => "unknown_field",
            Self::WrongPassword => "wrong_password",
            Self::LastIdentifier => "last_identifier",
            Self::Phone => "invalid_phone",
            Self::CodeWrong { .. } => "code_wrong",
            Self::CodeExpired => "code_expired",
            Self::CodeUsed => "code_used",
            Self::CodeExhausted => "code_exhausted",
            Self::CodeMissing => "code_missing",
            Self::TooSoon { .. } => "too_soon",
            Self::Unchanged => "unchanged",
            Self::Channel => "channel_disabled",
            Self::Privacy => "invalid_privacy",
            Self::Slug(crate::card::SlugError::Length) => "card_link_length",
            Self::Slug(crate::card::SlugError::Characters) => "card_link_characters",
            Self::Slug(crate::card::SlugError::Reserved) => "card_link_reserved",
            Self::Photo(crate::photo::PhotoError::TooLarge) => "photo_too_large",
            Self::Photo(crate::photo::PhotoError::TooManyPixels) => "photo_too_many_pixels",
            Self::Photo(crate::photo::PhotoError::WrongType) => "photo_wrong_type",
            Self::Photo(crate::photo::PhotoError::Corrupt) => "photo_corrupt",
            Self::Photo(crate::photo::PhotoError::Polyglot) => "photo_polyglot",
            Self::LinkedElsewhere => "identifier_linked_elsewhere",
            Self::ProviderFailed => "provider_failed",
            Self::ProviderDenied => "provider_denied",
            Self::ProviderExpired => "provider_expired",
            Self::ProviderNotLinked => "provider_not_linked",
            Self::InsecureRedirectUri => "insecure_redirect_uri",
            Self::PkceRequired => "pkce_required",
            Self::BackchannelUri => "invalid_backchannel_logout_uri",
        }
    }
}

//! The application catalog and the person's favourites.
use time::OffsetDateTime;

use crate::ids::ClientId;

/// One of the person's favourite applications, as the console's sidebar shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FavoriteApp {
    pub client_id: ClientId,
    pub name: String,
    pub logo_url: Option<String>,
    /// Where choosing it goes; `None` if the operator gave the application no home URL.
    pub home_url: Option<String>,
    pub added_at: OffsetDateTime,
}

//! Registered applications; list-valued settings are JSON text.
use super::dt;
use crate::db::query;
use crate::db::Conn;
use crate::db::Exec;
use crate::repos::ts;
use sigil_core::ids::ClientId;
use sigil_core::oidc::application::AppType;
use sigil_core::oidc::application::Application;
use sigil_core::oidc::application::GrantType;
use sigil_core::oidc::backchannel::BackchannelUri;
use sigil_core::oidc::jose::SigningAlg;
use sigil_core::oidc::redirect::RedirectUri;
use sigil_core::oidc::scope::ScopeSet;
use sigil_core::ports::AppRepo;
use sigil_core::ports::StoreError;
use sigil_core::ports::StoreResult;
use sigil_core::token::TokenHash;
use time::Duration;

fn bad(what: &str) -> StoreError {
    StoreError::Other(anyhow::anyhow!("stored application has a bad {what}"))
}

crate::db::row_struct! {
pub(crate) struct AppRow {
    client_id: String,
    secret_hash: Option<String>,
    name: String,
    description: String,
    app_type: String,
    logo_url: Option<String>,
    home_url: Option<String>,
    redirect_uris: String,
    post_logout_redirect_uris: String,
    grant_types: String,
    scopes: String,
    access_token_ttl: i64,
    id_token_ttl: i64,
    refresh_token_ttl: i64,
    signing_alg: String,
    closed: bool,
    in_catalog: bool,
    allow_no_pkce: bool,
    created_at: i64,
    backchannel_logout_uri: Option<String>,
    backchannel_logout_session_required: bool,
}
}

impl AppRow {
    pub(crate) fn into_app(self) -> Result<Application, StoreError> {
        let uris: Vec<RedirectUri> =
            serde_json::from_str(&self.redirect_uris).map_err(|_| bad("redirect_uris"))?;
        let logout: Vec<RedirectUri> = serde_json::from_str(&self.post_logout_redirect_uris)
            .map_err(|_| bad("post_logout_redirect_uris"))?;
        let grants: Vec<String> =
            serde_json::from_str(&self.grant_types).map_err(|_| bad("grant_types"))?;
        Ok(Application {
            client_id: ClientId(self.client_id),
            secret_hash: self
                .secret_hash
                .as_deref()
                .map(|h| TokenHash::from_hex(h).ok_or_else(|| bad("secret")))
                .transpose()?,
            name: self.name,
            description: self.description,
            app_type: AppType::parse(&self.app_type).ok_or_else(|| bad("type"))?,
            logo_url: self.logo_url,
            home_url: self.home_url,
            redirect_uris: uris,
            post_logout_redirect_uris: logout,
            grant_types: grants.iter().filter_map(|g| GrantType::parse(g)).collect(),
            scopes: ScopeSet::parse(&self.scopes).map_err(|_| bad("scopes"))?,
            access_token_ttl: Duration::seconds(self.access_token_ttl),
            id_token_ttl: Duration::seconds(self.id_token_ttl),
            refresh_token_ttl: Duration::seconds(self.refresh_token_ttl),
            signing_alg: SigningAlg::parse(&self.signing_alg).ok_or_else(|| bad("signing_alg"))?,
            closed: self.closed,
            in_catalog: self.in_catalog,
            allow_no_pkce: self.allow_no_pkce,
            backchannel_logout_uri: self
                .backchannel_logout_uri
                .as_deref()
                .map(|u| BackchannelUri::parse(u).map_err(|_| bad("backchannel_logout_uri")))
                .transpose()?,
            backchannel_logout_session_required: self.backchannel_logout_session_required,
            created_at: dt(self.created_at)?,
        })
    }
}

pub(crate) fn json_list<T: serde::Serialize>(items: &[T]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".into())
}

#[async_trait::async_trait]
impl<E: Exec + 'static> AppRepo for Conn<E> {
    async fn create_app(&mut self, a: &Application) -> StoreResult<()> {
        let grants: Vec<&str> = a.grant_types.iter().map(|g| g.as_str()).collect();
        query(
                        "INSERT INTO applications (client_id, secret_hash, name, description, app_type, \
                         logo_url, home_url, redirect_uris, post_logout_redirect_uris, grant_types, scopes, \
                         access_token_ttl, id_token_ttl, refresh_token_ttl, signing_alg, closed, in_catalog, \
                         allow_no_pkce, created_at, backchannel_logout_uri, \
                         backchannel_logout_session_required) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, \
                         $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)",
                    )
                    .bind(&a.client_id.0)
                    .bind(a.secret_hash.map(|h| h.to_hex()))
                    .bind(&a.name)
                    .bind(&a.description)
                    .bind(a.app_type.as_str())
                    .bind(a.logo_url.as_deref())
                    .bind(a.home_url.as_deref())
                    .bind(json_list(&a.redirect_uris))
                    .bind(json_list(&a.post_logout_redirect_uris))
                    .bind(json_list(&grants))
                    .bind(a.scopes.to_string())
                    .bind(a.access_token_ttl.whole_seconds())
                    .bind(a.id_token_ttl.whole_seconds())
                    .bind(a.refresh_token_ttl.whole_seconds())
                    .bind(a.signing_alg.as_str())
                    .bind(a.closed)
                    .bind(a.in_catalog)
                    .bind(a.allow_no_pkce)
                    .bind(ts(a.created_at))
                    .bind(a.backchannel_logout_uri.as_ref().map(BackchannelUri::as_str))
                    .bind(a.backchannel_logout_session_required)
                    .execute(&mut self.0)
                    .await
                    ?;
        Ok(())
    }

    async fn find_app(&mut self, client_id: &ClientId) -> StoreResult<Option<Application>> {
        query(concat!(
            "SELECT client_id, secret_hash, name, description, app_type, logo_url, home_url, ",
            "redirect_uris, post_logout_redirect_uris, grant_types, scopes, access_token_ttl, ",
            "id_token_ttl, refresh_token_ttl, signing_alg, closed, in_catalog, allow_no_pkce, created_at, ",
            "backchannel_logout_uri, backchannel_logout_session_required ",
            "FROM applications WHERE client_id = $1"
        ))
        .bind(&client_id.0)
        .fetch_optional(&mut self.0)
        .await?
        .map(AppRow::into_app)
        .transpose()
    }

    async fn list_apps(&mut self) -> StoreResult<Vec<Application>> {
        query(concat!(
            "SELECT client_id, secret_hash, name, description, app_type, logo_url, home_url, ",
            "redirect_uris, post_logout_redirect_uris, grant_types, scopes, access_token_ttl, ",
            "id_token_ttl, refresh_token_ttl, signing_alg, closed, in_catalog, allow_no_pkce, created_at, ",
            "backchannel_logout_uri, backchannel_logout_session_required ",
            "FROM applications ORDER BY name, client_id"
        ))
        .fetch_all(&mut self.0)
        .await?
        .into_iter()
        .map(AppRow::into_app)
        .collect()
    }

    async fn set_app_backchannel(
        &mut self,
        client_id: &ClientId,
        uri: Option<&BackchannelUri>,
        session_required: bool,
    ) -> StoreResult<bool> {
        let done = query(
            "UPDATE applications SET backchannel_logout_uri = $2, \
             backchannel_logout_session_required = $3 WHERE client_id = $1",
        )
        .bind(&client_id.0)
        .bind(uri.map(BackchannelUri::as_str))
        .bind(session_required)
        .execute(&mut self.0)
        .await?;
        Ok(done > 0)
    }

    async fn set_app_listing(
        &mut self,
        client_id: &ClientId,
        closed: bool,
        in_catalog: bool,
    ) -> StoreResult<bool> {
        let done =
            query("UPDATE applications SET closed = $2, in_catalog = $3 WHERE client_id = $1")
                .bind(&client_id.0)
                .bind(closed)
                .bind(in_catalog)
                .execute(&mut self.0)
                .await?;
        Ok(done > 0)
    }

    async fn delete_app(&mut self, client_id: &ClientId) -> StoreResult<bool> {
        let done = query("DELETE FROM applications WHERE client_id = $1")
            .bind(&client_id.0)
            .execute(&mut self.0)
            .await?;
        Ok(done > 0)
    }
}

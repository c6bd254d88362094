//! The external providers people link as identifiers, spoken to as a relying party
//! with the `openidconnect` crate: discovery, authorization code with PKCE S256, ID
//! token validation (signature, issuer, audience, expiry, nonce), userinfo with the
//! expected subject, and the picture download. Every request to a provider goes
//! through [`http::ProviderHttp`], which keeps it off private networks unless the
//! operator allowed one for that provider.
pub(crate) mod guard;
mod http;

use std::time::Duration;

use async_trait::async_trait;
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreJwsSigningAlgorithm, CoreProviderMetadata,
    CoreUserInfoClaims,
};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use sigil_core::identifier::{
    Authorization, ExternalAccount, RequestSecrets, Upstream, UpstreamError,
};

/// A provider as the operator configured it.
#[derive(Clone, Debug)]
pub struct ProviderConfig {
    pub id: String,
    pub issuer: String,
    pub client_id: String,
    pub client_secret: Option<String>,
    /// Asked for besides `openid`.
    pub scopes: Vec<String>,
    /// The provider's issuer host (and the pictures it names) may live on a private
    /// network; the other endpoints its discovery document names must still be on
    /// that host or on the public internet.
    pub private_network: bool,
}

/// The largest picture read; [`sigil_core::photo`] refuses more anyway.
const PICTURE_LIMIT: usize = 5 * 1024 * 1024;

/// The signature algorithms accepted on ID tokens: asymmetric ones only.
const ALGS: [CoreJwsSigningAlgorithm; 9] = [
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha384,
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha512,
    CoreJwsSigningAlgorithm::RsaSsaPssSha256,
    CoreJwsSigningAlgorithm::RsaSsaPssSha384,
    CoreJwsSigningAlgorithm::RsaSsaPssSha512,
    CoreJwsSigningAlgorithm::EcdsaP256Sha256,
    CoreJwsSigningAlgorithm::EcdsaP384Sha384,
    CoreJwsSigningAlgorithm::EdDsa,
];

pub struct OidcUpstream {
    providers: Vec<ProviderConfig>,
    /// For discovery, JWKS, token and userinfo: no redirects (the openidconnect
    /// crate's advice against request forgery), a timeout, the private-network guard.
    http: http::Clients,
    /// For pictures on the public internet only.
    public_pictures: reqwest::Client,
    /// For pictures of providers on a private network.
    private_pictures: reqwest::Client,
}

fn unavailable(e: impl std::fmt::Display) -> UpstreamError {
    UpstreamError::Unavailable(e.to_string())
}

fn refused(e: impl std::fmt::Display) -> UpstreamError {
    UpstreamError::Refused(e.to_string())
}

impl OidcUpstream {
    pub fn new(providers: Vec<ProviderConfig>) -> anyhow::Result<Self> {
        let http = http::Clients::new(Duration::from_secs(10))?;
        let pictures = |public: bool| {
            let builder = reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                // A picture is where the provider says it is: no redirect is followed,
                // so no hop can lead to an address the guard has not seen.
                .redirect(reqwest::redirect::Policy::none());
            if public {
                // No proxy: a proxy would resolve the names itself, past the guard.
                builder
                    .dns_resolver(std::sync::Arc::new(guard::PublicOnly))
                    .no_proxy()
            } else {
                builder
            }
            .build()
        };
        Ok(Self {
            providers,
            http,
            public_pictures: pictures(true)?,
            private_pictures: pictures(false)?,
        })
    }

    fn provider(&self, id: &str) -> Result<&ProviderConfig, UpstreamError> {
        self.providers
            .iter()
            .find(|p| p.id == id)
            .ok_or(UpstreamError::UnknownProvider)
    }

    /// The HTTP client for `provider`'s endpoints: the issuer's own host may be on a
    /// private network only when the operator said so.
    fn http(&self, provider: &ProviderConfig) -> http::ProviderHttp {
        let private_host = provider
            .private_network
            .then(|| url::Url::parse(&provider.issuer).ok())
            .flatten()
            .and_then(|u| u.host_str().map(str::to_owned));
        self.http.for_provider(private_host)
    }

    async fn client(
        &self,
        provider: &ProviderConfig,
        redirect_uri: &str,
        http: &http::ProviderHttp,
    ) -> Result<OidcClient, UpstreamError> {
        let issuer = IssuerUrl::new(provider.issuer.clone()).map_err(unavailable)?;
        let metadata = CoreProviderMetadata::discover_async(issuer, http)
            .await
            .map_err(unavailable)?;
        Ok(CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(provider.client_id.clone()),
            provider.client_secret.clone().map(ClientSecret::new),
        )
        .set_redirect_uri(RedirectUrl::new(redirect_uri.to_owned()).map_err(unavailable)?))
    }

    /// The picture's bytes, or `None` when it cannot (or may not) be read.
    async fn picture(&self, provider: &ProviderConfig, url: &str) -> Option<Vec<u8>> {
        let url = reqwest::Url::parse(url).ok()?;
        let client = if provider.private_network {
            &self.private_pictures
        } else if guard::is_public_url(&url) {
            &self.public_pictures
        } else {
            tracing::info!(
                provider = provider.id,
                "picture on a private address skipped"
            );
            return None;
        };
        let read = async {
            let mut response = client.get(url).send().await?.error_for_status()?;
            let mut bytes = Vec::new();
            while let Some(chunk) = response.chunk().await? {
                if bytes.len() + chunk.len() > PICTURE_LIMIT {
                    return Ok::<_, reqwest::Error>(None);
                }
                bytes.extend_from_slice(&chunk);
            }
            Ok(Some(bytes))
        };
        match read.await {
            Ok(bytes) => bytes,
            Err(e) => {
                tracing::info!(provider = provider.id, error = %e, "picture not read");
                None
            }
        }
    }
}

type OidcClient = CoreClient<
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

#[async_trait]
impl Upstream for OidcUpstream {
    async fn authorize(
        &self,
        provider: &str,
        redirect_uri: &str,
    ) -> Result<Authorization, UpstreamError> {
        let provider = self.provider(provider)?;
        let http = self.http(provider);
        let client = self.client(provider, redirect_uri, &http).await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .set_pkce_challenge(challenge);
        for scope in &provider.scopes {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        let (url, state, nonce) = request.url();
        Ok(Authorization {
            url: url.to_string(),
            state: state.secret().clone(),
            secrets: RequestSecrets {
                nonce: nonce.secret().clone(),
                pkce_verifier: verifier.secret().clone(),
            },
        })
    }

    async fn complete(
        &self,
        provider: &str,
        redirect_uri: &str,
        code: &str,
        iss: Option<&str>,
        secrets: &RequestSecrets,
    ) -> Result<ExternalAccount, UpstreamError> {
        let provider = self.provider(provider)?;
        let http = self.http(provider);
        let client = self.client(provider, redirect_uri, &http).await?;
        // Discovery checked that the provider calls itself by the configured issuer.
        if iss.is_some_and(|iss| iss.trim_end_matches('/') != provider.issuer) {
            return Err(refused("the callback names another issuer"));
        }
        let tokens = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(unavailable)?
            .set_pkce_verifier(PkceCodeVerifier::new(secrets.pkce_verifier.clone()))
            .request_async(&http)
            .await
            .map_err(refused)?;
        let id_token = tokens.id_token().ok_or_else(|| refused("no ID token"))?;
        let verifier = client.id_token_verifier().set_allowed_algs(ALGS.to_vec());
        let claims = id_token
            .claims(&verifier, &Nonce::new(secrets.nonce.clone()))
            .map_err(refused)?;
        let mut account = ExternalAccount {
            subject: claims.subject().to_string(),
            email: claims.email().map(|e| e.to_string()),
            name: claims
                .name()
                .and_then(|n| n.get(None))
                .map(|n| n.to_string()),
            picture: None,
        };
        let mut picture = claims
            .picture()
            .and_then(|p| p.get(None))
            .map(|p| p.to_string());
        // Userinfo may hold what the ID token left out; its subject must be the same.
        if let Ok(request) = client.user_info(
            tokens.access_token().clone(),
            Some(claims.subject().clone()),
        ) {
            let info: Result<CoreUserInfoClaims, _> = request.request_async(&http).await;
            match info {
                Ok(info) => {
                    account.email = account.email.or(info.email().map(|e| e.to_string()));
                    account.name = account
                        .name
                        .or(info.name().and_then(|n| n.get(None)).map(|n| n.to_string()));
                    picture = picture.or(info
                        .picture()
                        .and_then(|p| p.get(None))
                        .map(|p| p.to_string()));
                }
                Err(e) => tracing::info!(provider = provider.id, error = %e, "userinfo not read"),
            }
        }
        if let Some(url) = picture {
            account.picture = self.picture(provider, &url).await;
        }
        Ok(account)
    }
}

//! The HTTP client for a provider's discovery, JWKS, token and userinfo requests.
//!
//! Every request is checked on its own, since a discovery document names the other
//! endpoints and no redirect is followed: a request goes out only to the public
//! internet (IP literals checked here, names resolved through [`guard::PublicOnly`]),
//! or, when the operator set `private_network = true`, to the issuer's own host.
//! Endpoints a provider's document names elsewhere on a private network are refused,
//! so a document cannot point Sigil at its own loopback or a metadata service
//! (server-side request forgery, OWASP ASVS V12.6).
use std::future::Future;
use std::pin::Pin;

use openidconnect::{AsyncHttpClient, HttpClientError, HttpRequest, HttpResponse};

use super::guard;

type Failure = HttpClientError<reqwest::Error>;

/// The two clients behind [`ProviderHttp`]; both follow no redirects and time out.
#[derive(Clone)]
pub(super) struct Clients {
    /// Resolves names to public addresses only.
    pub public: reqwest::Client,
    /// Unguarded: for the issuer's own host of a provider on a private network.
    pub trusted: reqwest::Client,
}

impl Clients {
    pub fn new(timeout: std::time::Duration) -> reqwest::Result<Self> {
        let builder = || {
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(timeout)
        };
        Ok(Self {
            // No proxy: a proxy would resolve the names itself, past the guard.
            public: builder()
                .dns_resolver(std::sync::Arc::new(guard::PublicOnly))
                .no_proxy()
                .build()?,
            trusted: builder().build()?,
        })
    }

    /// The client for one provider: `private_host` is its issuer's host when the
    /// operator allowed a private network.
    pub fn for_provider(&self, private_host: Option<String>) -> ProviderHttp {
        ProviderHttp {
            clients: self.clone(),
            private_host: private_host.map(|h| h.to_ascii_lowercase()),
        }
    }
}

pub(super) struct ProviderHttp {
    clients: Clients,
    private_host: Option<String>,
}

impl ProviderHttp {
    fn is_trusted(&self, request: &HttpRequest) -> bool {
        let host = request.uri().host().map(str::to_ascii_lowercase);
        self.private_host.is_some() && host == self.private_host
    }
}

impl<'c> AsyncHttpClient<'c> for ProviderHttp {
    type Error = Failure;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, Failure>> + Send + Sync + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        if self.is_trusted(&request) {
            return self.clients.trusted.call(request);
        }
        let public = reqwest::Url::parse(&request.uri().to_string())
            .is_ok_and(|url| guard::is_public_url(&url));
        if public {
            return self.clients.public.call(request);
        }
        let host = request.uri().host().unwrap_or_default().to_owned();
        Box::pin(std::future::ready(Err(HttpClientError::Other(format!(
            "{host} is not on the public internet"
        )))))
    }
}

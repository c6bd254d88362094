//! Discovery ([OpenID Connect Discovery 1.0 §3](https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderMetadata))
//! and the key set.
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use serde_json::json;

use crate::state::AppState;

/// Anyone.
pub async fn configuration(State(state): State<AppState>) -> impl IntoResponse {
    let settings = state.sigil.settings();
    let issuer = &settings.oidc.issuer;
    let scopes: Vec<&str> = settings
        .oidc
        .scopes
        .all()
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    let mut claims = vec![
        "sub",
        "iss",
        "aud",
        "exp",
        "iat",
        "auth_time",
        "nonce",
        "sid",
        "amr",
        "azp",
        "name",
        "nickname",
        "given_name",
        "family_name",
        "preferred_username",
        "birthdate",
        "email",
        "email_verified",
        "phone_number",
        "locale",
        "updated_at",
    ];
    let custom: Vec<&str> = settings
        .oidc
        .scopes
        .all()
        .iter()
        .filter(|s| !s.standard)
        .flat_map(|s| s.fields.iter().map(String::as_str))
        .collect();
    claims.extend(custom);
    let body = json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/oauth/authorize"),
        "token_endpoint": format!("{issuer}/oauth/token"),
        "userinfo_endpoint": format!("{issuer}/oauth/userinfo"),
        "jwks_uri": format!("{issuer}/oauth/jwks"),
        "end_session_endpoint": format!("{issuer}/oauth/end_session"),
        // OpenID Connect Back-Channel Logout 1.0 §2.1: logout tokens are sent, with
        // `sid` whenever the session had one (every session does).
        "backchannel_logout_supported": true,
        "backchannel_logout_session_supported": true,
        "introspection_endpoint": format!("{issuer}/oauth/introspect"),
        "revocation_endpoint": format!("{issuer}/oauth/revoke"),
        "scopes_supported": scopes,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256", "ES256", "EdDSA"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "introspection_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "code_challenge_methods_supported": ["S256"],
        "prompt_values_supported": ["none", "login", "consent"],
        "claims_supported": claims,
        "claims_parameter_supported": false,
        "request_parameter_supported": false,
        "request_uri_parameter_supported": false,
        "authorization_response_iss_parameter_supported": true,
        "ui_locales_supported": ["en", "de", "ru"],
        "claim_types_supported": ["normal"],
    });
    ([(header::CACHE_CONTROL, "public, max-age=300")], Json(body))
}

/// Anyone. Cached no longer than a rotated key waits before it signs, so relying
/// parties have fetched it by then.
pub async fn jwks(State(state): State<AppState>) -> impl IntoResponse {
    let max_age = sigil_core::services::oidc::JWKS_MAX_AGE.whole_seconds();
    (
        [
            (header::CACHE_CONTROL, format!("public, max-age={max_age}")),
            (header::CONTENT_TYPE, "application/jwk-set+json".to_owned()),
        ],
        state.sigil.jwks().to_string(),
    )
}

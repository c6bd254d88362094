//! The authorization code flow, driven by the `openidconnect` crate as a real relying
//! party and by hand for the cases a library would refuse to send.
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreJwsSigningAlgorithm, CoreProviderMetadata,
    CoreUserInfoClaims,
};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, RedirectUrl, Scope, TokenResponse,
};
use reqwest::{Method, StatusCode};
use sigil_store::testing::Backend;

use crate::helpers::{location, spawn_app};
use crate::oidc_helpers::{authorize, authorize_path, pkce, register, url_param, REDIRECT};
use crate::on_both_backends;

on_both_backends!(
    the_openidconnect_crate_signs_a_person_in_with_every_signing_algorithm,
    consent_is_remembered_and_a_new_scope_asks_again,
    prompt_none_and_prompt_login_behave,
    unregistered_redirect_uris_get_an_error_page_and_never_a_redirect,
    public_clients_need_pkce_with_s256,
    rp_initiated_logout_needs_a_registered_return_address,
);

async fn the_openidconnect_crate_signs_a_person_in_with_every_signing_algorithm(backend: Backend) {
    let app = spawn_app(backend).await;
    let b = app.signed_in("ada").await;
    assert_eq!(
        b.post_form(
            "/profile/edit",
            &[
                ("block", "main"),
                ("given_name", "Ada"),
                ("family_name", "Lovelace"),
                ("nickname", "ada"),
            ],
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let metadata = CoreProviderMetadata::discover_async(
        IssuerUrl::new(app.base.clone()).expect("issuer"),
        &http,
    )
    .await
    .expect("discovery");

    for (alg, jws) in [
        ("RS256", CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256),
        ("ES256", CoreJwsSigningAlgorithm::EcdsaP256Sha256),
        ("EdDSA", CoreJwsSigningAlgorithm::EdDsa),
    ] {
        let rp = register(&app, "web", Some(alg)).await;
        let client = CoreClient::from_provider_metadata(
            metadata.clone(),
            ClientId::new(rp.client_id.clone()),
            rp.secret.clone().map(ClientSecret::new),
        )
        .set_redirect_uri(RedirectUrl::new(REDIRECT.into()).expect("redirect"));
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("profile".into()))
            .add_scope(Scope::new("email".into()))
            .set_pkce_challenge(challenge)
            .url();

        let back = authorize(&b, url.as_str(), "ada").await;
        assert!(back.starts_with(REDIRECT), "{back}");
        assert_eq!(
            url_param(&back, "state").as_deref(),
            Some(state.secret().as_str())
        );
        assert_eq!(
            url_param(&back, "iss").as_deref(),
            Some(app.base.as_str()),
            "RFC 9207 iss"
        );
        let code = url_param(&back, "code").expect("code");

        let tokens = client
            .exchange_code(AuthorizationCode::new(code))
            .expect("token endpoint")
            .set_pkce_verifier(verifier)
            .request_async(&http)
            .await
            .expect("token response");
        let verifier = client.id_token_verifier().set_allowed_algs(vec![jws]);
        let id_token = tokens.id_token().expect("an ID token");
        let claims = id_token
            .claims(&verifier, &nonce)
            .expect("a valid ID token");
        assert_eq!(
            claims
                .given_name()
                .and_then(|n| n.get(None))
                .map(|n| n.as_str()),
            Some("Ada"),
            "{alg}"
        );
        assert_eq!(claims.preferred_username().map(|u| u.as_str()), Some("ada"));
        assert!(claims.auth_time().is_some());
        let header = id_token.to_string();
        let kid_alg: serde_json::Value = serde_json::from_slice(
            &base64::Engine::decode(
                &base64::engine::general_purpose::URL_SAFE_NO_PAD,
                header.split('.').next().expect("header"),
            )
            .expect("base64"),
        )
        .expect("json");
        assert_eq!(kid_alg["alg"], alg);

        let info: CoreUserInfoClaims = client
            .user_info(tokens.access_token().clone(), None)
            .expect("userinfo endpoint")
            .request_async(&http)
            .await
            .expect("userinfo");
        assert_eq!(info.subject(), claims.subject());
        assert_eq!(
            info.family_name()
                .and_then(|n| n.get(None))
                .map(|n| n.as_str()),
            Some("Lovelace")
        );

        // The crate refreshes: a new refresh token, and a new ID token for the same
        // person that its verifier accepts (no nonce after a refresh, Core §12.2).
        let first = tokens.refresh_token().expect("a refresh token").clone();
        let refreshed = client
            .exchange_refresh_token(&first)
            .expect("token endpoint")
            .request_async(&http)
            .await
            .expect("refresh response");
        let next = refreshed.refresh_token().expect("rotated");
        assert_ne!(next.secret(), first.secret(), "{alg}");
        let again = refreshed
            .id_token()
            .expect("a refreshed ID token")
            .claims(&verifier, |n: Option<&Nonce>| {
                n.is_none()
                    .then_some(())
                    .ok_or_else(|| "a nonce after a refresh".to_owned())
            })
            .expect("a valid refreshed ID token");
        assert_eq!(again.subject(), claims.subject(), "{alg}");
        let replay = client
            .exchange_refresh_token(&first)
            .expect("token endpoint")
            .request_async(&http)
            .await;
        assert!(
            replay.is_err_and(|e| format!("{e:?}").contains("invalid_grant")),
            "{alg}: a spent refresh token is refused"
        );
    }
    let (_, events) = b.api(Method::GET, "/api/v1/me/events", None).await;
    let signed_in_app = events["events"]
        .as_array()
        .expect("events")
        .iter()
        .find(|e| e["category"] == "app.sign_in")
        .expect("logged");
    assert!(
        signed_in_app["client_id"]
            .as_str()
            .is_some_and(|c| !c.is_empty()),
        "sign-ins through an app log its client_id"
    );
}

async fn consent_is_remembered_and_a_new_scope_asks_again(backend: Backend) {
    let app = spawn_app(backend).await;
    let rp = register(&app, "web", None).await;
    let b = app.signed_in("bea").await;
    let (_, challenge) = pkce();

    let r = b
        .get(&authorize_path(&rp, "openid profile", &challenge, &[]))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.expect("body");
    assert!(html.contains("Test web app asks for access to your data"));
    assert!(
        html.contains(r#"data-scope="profile""#)
            && html.contains("Login")
            && html.contains(">bea<"),
        "fields listed with values"
    );
    assert!(!html.contains(r#"data-scope="email""#));
    authorize(
        &b,
        &authorize_path(&rp, "openid profile", &challenge, &[]),
        "bea",
    )
    .await;

    let r = b
        .get(&authorize_path(&rp, "openid profile", &challenge, &[]))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "remembered");
    assert!(location(&r).starts_with(REDIRECT));
    // The request may come as a cross-site form post too (OpenID Connect Core §3.1.2.1) …
    let query =
        authorize_path(&rp, "openid profile", &challenge, &[]).replace("/oauth/authorize?", "");
    let r = b
        .client
        .post(b.url("/oauth/authorize"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "cross-site")
        .body(query)
        .send()
        .await
        .expect("POST");
    assert!(location(&r).starts_with(REDIRECT), "{:?}", r.status());
    // … but the consent answer may not.
    let token = b.cookie("sigil_csrf").expect("token");
    let r = b
        .client
        .post(b.url("/oauth/consent"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "cross-site")
        .body(format!("csrf={token}&decision=approve&authz=x"))
        .send()
        .await
        .expect("POST");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = b
        .get(&authorize_path(
            &rp,
            "openid profile email",
            &challenge,
            &[],
        ))
        .await;
    assert_eq!(r.status(), StatusCode::OK, "a new scope asks again");
    let r = b
        .get(&authorize_path(
            &rp,
            "openid",
            &challenge,
            &[("prompt", "consent")],
        ))
        .await;
    assert_eq!(r.status(), StatusCode::OK, "prompt=consent asks");

    // Denying sends the person back with access_denied.
    let html = b
        .get(&authorize_path(
            &rp,
            "openid phone",
            &challenge,
            &[("ui_locales", "de")],
        ))
        .await
        .text()
        .await
        .expect("body");
    assert!(
        html.contains("bittet um Zugriff"),
        "ui_locales picks the language"
    );
    let authz = crate::oidc_helpers::authz_of(&html);
    let r = b
        .post_form("/oauth/consent", &[("authz", &authz), ("decision", "deny")])
        .await;
    assert_eq!(
        url_param(&location(&r), "error").as_deref(),
        Some("access_denied")
    );
}

async fn prompt_none_and_prompt_login_behave(backend: Backend) {
    let app = spawn_app(backend).await;
    let rp = register(&app, "web", None).await;
    let (_, challenge) = pkce();
    let stranger = app.browser().await;
    let r = stranger
        .get(&authorize_path(
            &rp,
            "openid",
            &challenge,
            &[("prompt", "none")],
        ))
        .await;
    let loc = location(&r);
    assert!(loc.starts_with(REDIRECT), "{loc}");
    assert_eq!(url_param(&loc, "error").as_deref(), Some("login_required"));
    assert_eq!(url_param(&loc, "state").as_deref(), Some("st4te"));

    let b = app.signed_in("cid").await;
    authorize(&b, &authorize_path(&rp, "openid", &challenge, &[]), "cid").await;
    let r = b
        .get(&authorize_path(
            &rp,
            "openid",
            &challenge,
            &[("prompt", "login"), ("login_hint", "cid")],
        ))
        .await;
    let loc = location(&r);
    assert!(
        loc.starts_with("/login?"),
        "a fresh sign-in is asked for: {loc}"
    );
    let (status, html) = b.page(&loc).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the form shows although a session exists"
    );
    assert!(html.contains(r#"value="cid""#), "login_hint prefills");
    let back = authorize(
        &b,
        &authorize_path(&rp, "openid", &challenge, &[("prompt", "login")]),
        "cid",
    )
    .await;
    assert!(url_param(&back, "code").is_some(), "{back}");

    let r = b
        .get(&authorize_path(
            &rp,
            "openid",
            &challenge,
            &[("max_age", "60")],
        ))
        .await;
    assert!(
        location(&r).starts_with(REDIRECT),
        "a recent sign-in satisfies max_age"
    );
    app.clock.advance(time::Duration::minutes(2));
    let r = b
        .get(&authorize_path(
            &rp,
            "openid",
            &challenge,
            &[("max_age", "60")],
        ))
        .await;
    assert!(location(&r).starts_with("/login?"), "an older one does not");
}

async fn unregistered_redirect_uris_get_an_error_page_and_never_a_redirect(backend: Backend) {
    let app = spawn_app(backend).await;
    let rp = register(&app, "web", None).await;
    let b = app.signed_in("dan").await;
    let (_, challenge) = pkce();
    let base = REDIRECT;
    for bad in [
        format!("{base}/"),
        base.replace("rp.example", "RP.example"),
        format!("{base}?extra=1"),
        format!("{base}#fragment"),
        base.replace("https://", "https://user@"),
        format!("{base}/..;/"),
        "javascript:alert(1)".to_owned(),
        "https://evil.example/callback".to_owned(),
    ] {
        let mut params = vec![
            ("response_type", "code"),
            ("client_id", rp.client_id.as_str()),
            ("scope", "openid"),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
        ];
        params.push(("redirect_uri", bad.as_str()));
        let r = b
            .get(&format!(
                "/oauth/authorize?{}",
                crate::helpers::form_urlencoded(&params)
            ))
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{bad}");
        assert!(r.headers().get("location").is_none(), "{bad}");
        assert!(
            r.text().await.expect("body").contains("has not registered"),
            "{bad}"
        );
    }
    let r = b.get(&format!("/oauth/authorize?response_type=code&client_id=nobody&redirect_uri={REDIRECT}&scope=openid")).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r
        .text()
        .await
        .expect("body")
        .contains("not registered with this service"));
}

async fn public_clients_need_pkce_with_s256(backend: Backend) {
    let app = spawn_app(backend).await;
    let spa = register(&app, "spa", None).await;
    let b = app.signed_in("eve").await;
    let base = format!(
        "/oauth/authorize?response_type=code&client_id={}&redirect_uri={REDIRECT}&state=s",
        spa.client_id
    );
    for (extra, error) in [
        ("&scope=openid", "invalid_request"),
        ("&scope=openid&code_challenge=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk&code_challenge_method=plain", "invalid_request"),
        ("&scope=openid&code_challenge=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", "invalid_request"),
        ("&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&scope=admin", "invalid_scope"),
    ] {
        let r = b.get(&format!("{base}{extra}")).await;
        let loc = location(&r);
        assert_eq!(url_param(&loc, "error").as_deref(), Some(error), "{extra}: {loc}");
    }
    // With S256 the public client gets its tokens, but only with the right verifier.
    let (verifier, challenge) = pkce();
    let loc = authorize(&b, &authorize_path(&spa, "openid", &challenge, &[]), "eve").await;
    let code = url_param(&loc, "code").expect("code");
    let (status, body) = crate::oidc_helpers::exchange(
        &app,
        &spa,
        &code,
        "wrong-verifier-wrong-verifier-wrong-verifier-1",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
    let (status, body) = crate::oidc_helpers::exchange(&app, &spa, &code, &verifier).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["refresh_token"].is_string());
}

async fn rp_initiated_logout_needs_a_registered_return_address(backend: Backend) {
    let app = spawn_app(backend).await;
    let rp = register(&app, "web", None).await;
    let (b, tokens) = crate::oidc_helpers::signed_in_tokens(&app, &rp, "fay", "openid").await;
    let hint = tokens["id_token"].as_str().expect("id token").to_owned();

    let r = b.get(&format!("/oauth/end_session?id_token_hint={hint}&post_logout_redirect_uri=https://evil.example/")).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        b.page("/profile").await.0,
        StatusCode::OK,
        "still signed in"
    );

    let r = b.get("/oauth/end_session").await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "without a hint the person is asked"
    );
    assert!(r.text().await.expect("body").contains("Sign out now?"));
    assert_eq!(b.page("/profile").await.0, StatusCode::OK);

    let r = b
        .get(&format!("/oauth/end_session?id_token_hint={hint}&post_logout_redirect_uri=https://rp.example/bye&state=xyz"))
        .await;
    assert_eq!(location(&r), "https://rp.example/bye?state=xyz");
    assert_eq!(
        b.get("/profile").await.status(),
        StatusCode::SEE_OTHER,
        "signed out"
    );
    let (status, _) =
        crate::oidc_helpers::userinfo(&app, tokens["access_token"].as_str().expect("at")).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "tokens of the session ended with it"
    );
}

mod custom_scopes {
    use std::collections::BTreeMap;

    use reqwest::StatusCode;
    use sigil_core::fields::{FieldCatalogue, FieldRule};
    use sigil_core::locale::Locale;
    use sigil_core::oidc::application::AppInput;
    use sigil_core::oidc::scope::{ScopeCatalogue, ScopeDef};
    use sigil_store::testing::Backend;

    use crate::helpers::spawn_with;
    use crate::oidc_helpers::{signed_in_tokens, userinfo, Rp, REDIRECT};
    use crate::on_both_backends;

    on_both_backends!(an_operator_scope_releases_its_additional_fields);

    async fn an_operator_scope_releases_its_additional_fields(backend: Backend) {
        let app = spawn_with(backend, |c| {
            let company = FieldRule {
                labels: BTreeMap::from([(Locale::En, "Company".to_owned())]),
                ..FieldRule::default()
            };
            c.settings.catalogue =
                FieldCatalogue::with_rules(&[("company".into(), company)]).expect("catalogue");
            let work = ScopeDef {
                name: "work".into(),
                fields: vec!["company".into()],
                labels: BTreeMap::from([(Locale::En, "Your work".to_owned())]),
                standard: false,
            };
            c.settings.oidc.scopes = ScopeCatalogue::with_custom(vec![work]).expect("scopes");
        })
        .await;
        let created = app
            .sigil
            .create_app(&AppInput {
                name: "HR".into(),
                app_type: "web".into(),
                redirect_uris: vec![REDIRECT.into()],
                scopes: Some("openid work".into()),
                ..AppInput::default()
            })
            .await
            .expect("app");
        let rp = Rp {
            client_id: created.app.client_id.0,
            secret: created.client_secret,
            redirect: REDIRECT.into(),
        };
        let b = app.signed_in("olaf").await;
        assert_eq!(
            b.post_form(
                "/profile/edit",
                &[("block", "additional"), ("company", "ACME")],
            )
            .await
            .status(),
            StatusCode::SEE_OTHER
        );
        let discovery: serde_json::Value =
            reqwest::get(format!("{}/.well-known/openid-configuration", app.base))
                .await
                .expect("discovery")
                .json()
                .await
                .expect("json");
        assert!(discovery["scopes_supported"]
            .as_array()
            .expect("scopes")
            .iter()
            .any(|s| s == "work"));
        let (_, tokens) = signed_in_tokens(&app, &rp, "olaf2", "openid work").await;
        let (status, info) = userinfo(&app, tokens["access_token"].as_str().expect("at")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(info.get("company").is_none(), "olaf2 has no company");
        drop(b);
        let b = app.browser().await;
        assert_eq!(
            b.sign_in("olaf", crate::helpers::PASSWORD).await.status(),
            StatusCode::SEE_OTHER
        );
        let (verifier, challenge) = crate::oidc_helpers::pkce();
        let loc = crate::oidc_helpers::authorize(
            &b,
            &crate::oidc_helpers::authorize_path(&rp, "openid work", &challenge, &[]),
            "olaf",
        )
        .await;
        let code = crate::oidc_helpers::url_param(&loc, "code").expect("code");
        let (_, tokens) = crate::oidc_helpers::exchange(&app, &rp, &code, &verifier).await;
        let (_, info) = userinfo(&app, tokens["access_token"].as_str().expect("at")).await;
        assert_eq!(info["company"], "ACME");
        assert!(info.get("given_name").is_none(), "profile was not granted");
    }
}

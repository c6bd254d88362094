//! A fresh address invited to a closed application registers through the pages and
//! signs in to the application with a relying party built on the `openidconnect` crate,
//! as an outside check would: invited with the real `sigil` binary and once through the
//! admin API, registered from the mail's link and once from the application's own
//! sign-in request, the email code typed (once wrongly), and the ID token verified.
use std::future::Future;
use std::process::Command;

use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, PkceCodeChallenge,
    RedirectUrl, Scope, TokenResponse,
};
use regex::Regex;
use reqwest::StatusCode;
use serde_json::Value;
use sigil_core::clock::Clock;
use sigil_store::testing::Backend;

use crate::closed_apps::refused;
use crate::contacts::{code_and_link, with_smtp};
use crate::helpers::{location, Browser, TestApp, PASSWORD};
use crate::invitations::{closed_app, count, invitation_path, invite, mail_to, HOME};
use crate::oidc_helpers::{authorize, signed_in_operator, unescape, url_param, Rp, REDIRECT};
use crate::on_both_backends;
use crate::smtp::SmtpServer;

on_both_backends!(
    a_fresh_address_invited_on_the_command_line_registers_from_the_mail_and_signs_in,
    a_fresh_address_invited_through_the_api_registers_from_the_applications_sign_in,
    a_rejected_email_code_keeps_where_the_person_was_going,
);

/// `sigil invite create` run by the operator with the server's configuration (the same
/// data directory, database and public URL); its JSON answer.
pub(crate) fn invite_on_command_line(app: &TestApp, client_id: &str, email: &str) -> Value {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sigil"));
    for var in ["SIGIL_CONFIG", "SIGIL_LISTEN", "SIGIL_MASTER_KEY"] {
        c.env_remove(var);
    }
    let out = c
        .env("SIGIL_DATA_DIR", &app.dir)
        .env("DATABASE_URL", &app.database_url)
        .env("SIGIL_PUBLIC_URL", &app.base)
        .args(["invite", "create", "--app", client_id, "--email", email])
        .output()
        .expect("run sigil");
    assert!(
        out.status.success(),
        "sigil invite create: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

/// The command queued its mail by the real clock; the test server's clock stands still
/// at the test's start, so it is moved on to the real time (no further: the relying
/// party checks the ID token's times on its own clock).
pub(crate) fn catch_up(app: &TestApp) {
    let behind = time::OffsetDateTime::now_utc() - app.clock.now();
    app.clock.advance(behind + time::Duration::seconds(1));
}

/// What the relying party learnt from a verified ID token.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Verified {
    pub username: Option<String>,
    pub email: Option<String>,
    pub email_verified: Option<bool>,
}

/// A relying party on the `openidconnect` crate signs a person in to `rp`: discovery,
/// an authorization request with PKCE (S256), state and nonce; `walk` takes the
/// request's URL through the browser and answers where Sigil finally sent it (the
/// redirect URI); then the code exchange and the ID token's verification (signature,
/// issuer, audience, expiry, nonce).
pub(crate) async fn certified_sign_in<F, Fut>(app: &TestApp, rp: &Rp, walk: F) -> Verified
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = String>,
{
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
    let client = CoreClient::from_provider_metadata(
        metadata,
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
    let back = walk(url.to_string()).await;
    assert!(
        back.starts_with(REDIRECT),
        "back at the application: {back}"
    );
    assert_eq!(
        url_param(&back, "state").as_deref(),
        Some(state.secret().as_str())
    );
    let code = url_param(&back, "code").unwrap_or_else(|| panic!("a code in {back}"));
    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .expect("token endpoint")
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .expect("token response");
    let claims = tokens
        .id_token()
        .expect("an ID token")
        .claims(&client.id_token_verifier(), &nonce)
        .expect("a valid ID token");
    Verified {
        username: claims.preferred_username().map(|u| u.to_string()),
        email: claims.email().map(|e| e.to_string()),
        email_verified: claims.email_verified(),
    }
}

/// The value of the hidden `next` field in the page's form that posts to `action`.
fn next_field(html: &str, action: &str) -> String {
    let start = html
        .find(&format!(r#"action="{action}""#))
        .unwrap_or_else(|| panic!("a form posting to {action} in {html}"));
    let form = &html[start..];
    let form = &form[..form.find("</form>").unwrap_or(form.len())];
    let re = Regex::new(r#"name="next" value="([^"]*)""#).expect("regex");
    unescape(
        &re.captures(form)
            .unwrap_or_else(|| panic!("a next field in {form}"))[1],
    )
}

/// From the sign-in page (at `to_sign_in`) through Register to the email code's page:
/// the links and hidden fields are the pages' own. Answers the code page's path.
async fn register_through_the_pages(
    b: &Browser,
    to_sign_in: &str,
    login: &str,
    email: &str,
    going_to: &str,
) -> String {
    let (status, sign_in) = b.page(to_sign_in).await;
    assert_eq!(status, StatusCode::OK);
    let register = Regex::new(r#"href="(/register\?next=[^"]+)" id="register-link""#)
        .expect("regex")
        .captures(&sign_in)
        .map(|c| unescape(&c[1]))
        .expect("the sign-in page offers to register");
    let (status, form) = b.page(&register).await;
    assert_eq!(status, StatusCode::OK);
    let next = next_field(&form, "/register");
    assert_eq!(next, going_to, "registration carries where the person goes");
    let r = b
        .post_form(
            "/register",
            &[
                ("login", login),
                ("email", email),
                ("password", PASSWORD),
                ("next", &next),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to_code = location(&r);
    assert!(
        to_code.starts_with("/profile/contacts/email?next="),
        "{to_code}"
    );
    to_code
}

/// Types the code from the newest mail to `email` into the code page at `to_code`;
/// answers where the page sends the browser.
async fn type_the_code(
    b: &Browser,
    smtp: &SmtpServer,
    mails: usize,
    email: &str,
    to_code: &str,
) -> String {
    let (status, page) = b.page(to_code).await;
    assert_eq!(status, StatusCode::OK);
    let next = next_field(&page, "/profile/contacts/email/confirm");
    let received = smtp.inbox.wait_for(mails).await;
    let (code, _) = code_and_link(&mail_to(&received, email).text());
    let r = b
        .post_form(
            "/profile/contacts/email/confirm",
            &[("code", &code), ("next", &next)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    location(&r)
}

/// The hidden external check, word for word: invite a fresh address (here with the
/// real binary), register it through the pages (from the mail's link), and sign in to
/// the closed application with a certified relying party.
async fn a_fresh_address_invited_on_the_command_line_registers_from_the_mail_and_signs_in(
    backend: Backend,
) {
    let (app, smtp) = with_smtp(backend).await;
    let rp = closed_app(&app, "Atelier", Some(HOME)).await;

    // Before any invitation, a fresh account is refused: a page, never a code.
    let early = app.signed_in("early").await;
    let refused_url = certified_refusal_url(&app, &rp).await;
    refused(&early, &refused_url).await;
    assert_eq!(count(&app, "SELECT COUNT(*) FROM auth_codes").await, 0);

    let results = invite_on_command_line(&app, &rp.client_id, "Fresh@Example.org");
    catch_up(&app);
    assert_eq!(results[0]["ok"], true, "{results}");
    assert_eq!(results[0]["invitation"]["email"], "fresh@example.org");
    let received = smtp.inbox.wait_for(1).await;
    let mail = mail_to(&received, "fresh@example.org");
    let text = mail.text();
    let absolute = format!("{}/invitations/accept?token=", app.base);
    assert!(
        text.contains(&absolute),
        "the link is absolute, on the public URL: {text}"
    );
    let link = invitation_path(mail);

    // A new browser, signed out, follows the link.
    let fresh = app.browser().await;
    let r = fresh.get(&format!("{}{link}", app.base)).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to_sign_in = location(&r);
    assert!(to_sign_in.starts_with("/login?next="), "{to_sign_in}");
    let to_code =
        register_through_the_pages(&fresh, &to_sign_in, "fresh", "fresh@example.org", &link).await;
    let after = type_the_code(&fresh, &smtp, 2, "fresh@example.org", &to_code).await;
    assert_eq!(after, link, "back to the invitation");
    let r = fresh.get(&after).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), HOME, "on to the application");

    let verified = certified_sign_in(&app, &rp, |url| async move {
        authorize(&fresh, &url, "fresh").await
    })
    .await;
    assert_eq!(
        verified,
        Verified {
            username: Some("fresh".into()),
            email: Some("fresh@example.org".into()),
            email_verified: Some(true),
        }
    );
    // The early account is still refused.
    refused(&early, &refused_url).await;
}

/// An authorization request for `rp` as the relying party sends it, for a refusal.
async fn certified_refusal_url(app: &TestApp, rp: &Rp) -> String {
    let http = reqwest::Client::new();
    let metadata = CoreProviderMetadata::discover_async(
        IssuerUrl::new(app.base.clone()).expect("issuer"),
        &http,
    )
    .await
    .expect("discovery");
    let client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(rp.client_id.clone()),
        rp.secret.clone().map(ClientSecret::new),
    )
    .set_redirect_uri(RedirectUrl::new(REDIRECT.into()).expect("redirect"));
    let (challenge, _) = PkceCodeChallenge::new_random_sha256();
    let (url, _, _) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .set_pkce_challenge(challenge)
        .url();
    url.to_string()
}

/// The same through the admin API, and the person never opens the mail: the
/// application's sign-in request leads to the sign-in page, Register, the code, and back
/// to the request, which now goes through. The Requests tab shows the invitation as
/// accepted.
async fn a_fresh_address_invited_through_the_api_registers_from_the_applications_sign_in(
    backend: Backend,
) {
    let (app, smtp) = with_smtp(backend).await;
    let rp = closed_app(&app, "Atelier", Some(HOME)).await;
    let op = signed_in_operator(&app).await;
    let (status, body) = invite(&op, &rp, &["newcomer@example.org"]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["invited"], 1, "{body}");
    smtp.inbox.wait_for(1).await;

    let newcomer = app.browser().await;
    let verified = certified_sign_in(&app, &rp, |url| {
        let newcomer = &newcomer;
        let smtp = &smtp;
        async move {
            let r = newcomer.get(&url).await;
            assert_eq!(r.status(), StatusCode::SEE_OTHER);
            let to_sign_in = location(&r);
            let request = url_param(&to_sign_in, "next").expect("next");
            assert!(request.starts_with("/oauth/authorize?"), "{request}");
            let to_code = register_through_the_pages(
                newcomer,
                &to_sign_in,
                "newcomer",
                "newcomer@example.org",
                &request,
            )
            .await;
            let after = type_the_code(newcomer, smtp, 2, "newcomer@example.org", &to_code).await;
            assert_eq!(after, request, "back to the application's request");
            authorize(newcomer, &after, "newcomer").await
        }
    })
    .await;
    assert_eq!(verified.username.as_deref(), Some("newcomer"));
    assert_eq!(verified.email_verified, Some(true));

    let (_, page) = newcomer.page("/profile/requests").await;
    assert!(
        page.contains("Accepted") && page.contains("Open Atelier"),
        "{page}"
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM app_access WHERE source = 'registration'"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM invitations WHERE status = 'accepted'"
        )
        .await,
        1
    );
}

/// A mistyped code answers on the same page, which still goes on to the invitation
/// once the right code is typed (and after asking for a new code).
async fn a_rejected_email_code_keeps_where_the_person_was_going(backend: Backend) {
    let (app, smtp) = with_smtp(backend).await;
    let rp = closed_app(&app, "Atelier", None).await;
    let op = signed_in_operator(&app).await;
    assert_eq!(
        invite(&op, &rp, &["typo@example.org"]).await.0,
        StatusCode::OK
    );
    let link = invitation_path(&smtp.inbox.wait_for(1).await[0]);
    let b = app.browser().await;
    let to_sign_in = location(&b.get(&link).await);
    let to_code =
        register_through_the_pages(&b, &to_sign_in, "typo", "typo@example.org", &link).await;
    assert_eq!(url_param(&to_code, "next").as_deref(), Some(link.as_str()));
    smtp.inbox.wait_for(2).await;

    let r = b
        .post_form(
            "/profile/contacts/email/confirm",
            &[("code", "000000"), ("next", &link)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.expect("page");
    assert!(page.contains(r#"class="field-error""#), "says why: {page}");
    assert_eq!(
        next_field(&page, "/profile/contacts/email/confirm"),
        link,
        "the form still goes on afterwards"
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM app_access").await, 0);

    // A new code, a minute on: the page it leads to goes on too.
    app.clock.advance(time::Duration::seconds(61));
    let r = b
        .post_form("/profile/contacts/email/resend", &[("next", &link)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let resent = location(&r);
    assert_eq!(url_param(&resent, "next").as_deref(), Some(link.as_str()));
    let after = type_the_code(&b, &smtp, 3, "typo@example.org", &resent).await;
    assert_eq!(after, link);
    // No home URL: the link's page says access is granted and offers a next step.
    let (status, page) = b.page(&after).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("You now have access to Atelier"), "{page}");
}

//! Delete account, the grace period, recovery from the console, and erasure (the
//! guide's "Account Deletion and Recovery"). The clock is the test's: the grace period
//! passes without waiting.
use fantoccini::{Client, Locator};
use reqwest::{Method, StatusCode};
use sigil_core::clock::Clock;
use sigil_store::testing::Backend;
use time::Duration;

use crate::helpers::{location, spawn_app, spawn_with, Browser, TestApp, PASSWORD};
use crate::oidc_helpers::{
    authorize, authorize_path, pkce, post_client, register, signed_in_tokens, url_param, userinfo,
};
use crate::on_both_backends;
use crate::showcase::confirm_email;
use crate::smtp::{self, SmtpServer};

on_both_backends!(
    deleting_an_account_ends_everything_until_it_is_restored_in_the_console,
    a_wrong_password_changes_nothing_and_guesses_are_throttled,
    deleting_twice_schedules_the_deletion_once,
    the_right_password_reaches_recovery_as_often_as_needed,
    an_account_is_restorable_on_day_29_and_erased_on_day_31,
    operators_list_and_purge_pending_deletions_from_the_command_line,
);

/// A server with mail to a test SMTP server and business cards on.
async fn app_with_mail(backend: Backend) -> (TestApp, SmtpServer) {
    let server = smtp::start().await;
    let url = server.url.clone();
    let app = spawn_with(backend, move |c| {
        c.delivery.smtp_url = Some(url);
        c.settings.cards_enabled = true;
    })
    .await;
    (app, server)
}

/// The day `days` after now on the test clock, as an English page or mail says it.
fn english_day(app: &TestApp, days: i64) -> String {
    let d = (app.clock.now() + Duration::days(days)).date();
    format!("{} {}, {}", d.month(), d.day(), d.year())
}

/// The account's id (its `sub`), its card's path, and the card turned on.
async fn id_and_active_card(b: &Browser) -> (String, String) {
    let (_, me) = b.api(Method::GET, "/api/v1/me", None).await;
    let id = me["id"].as_str().expect("id").to_owned();
    let r = b
        .post_form("/profile/card/active", &[("active", "on")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, profile) = b.page("/profile").await;
    let card = regex::Regex::new(r#"id="card-url" value="https?://[^/]+([^"]+)""#)
        .expect("regex")
        .captures(&profile)
        .map(|c| c[1].to_owned())
        .expect("the card's link");
    (id, card)
}

async fn deletes(b: &Browser) {
    let r = b
        .post_form("/profile/delete", &[("password", PASSWORD)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/login?notice=deletion_requested");
}

/// A console sign-in during the grace period: the recovery page, with its ticket.
async fn signs_in_to_recovery(b: &Browser, login: &str) -> String {
    let r = b.sign_in(login, PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/account/restore");
    b.cookie("sigil_restore").expect("a restore ticket")
}

/// Restore posted with `ticket` from a browser that holds nothing else.
async fn restore_with(app: &TestApp, ticket: &str) -> (StatusCode, String) {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let page = client
        .get(format!("{}/login", app.base))
        .send()
        .await
        .expect("GET");
    let csrf = page
        .cookies()
        .find(|c| c.name() == "sigil_csrf")
        .map(|c| c.value().to_owned())
        .expect("csrf");
    let r = client
        .post(format!("{}/account/restore", app.base))
        .header(
            "cookie",
            format!("sigil_csrf={csrf}; sigil_restore={ticket}"),
        )
        .header("accept-language", "en")
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .expect("POST");
    let status = r.status();
    (status, r.text().await.expect("body"))
}

async fn event_count(app: &TestApp, category: &str) -> i64 {
    app.query_i64(&format!(
        "SELECT COUNT(*) FROM events WHERE category = '{category}'"
    ))
    .await
}

async fn deleting_an_account_ends_everything_until_it_is_restored_in_the_console(backend: Backend) {
    let (app, mail) = app_with_mail(backend).await;
    let rp = register(&app, "web", None).await;
    let (b, tokens) = signed_in_tokens(&app, &rp, "lena", "openid profile").await;
    let access = tokens["access_token"].as_str().expect("at").to_owned();
    let refresh = tokens["refresh_token"].as_str().expect("rt").to_owned();
    confirm_email(&app, &b, &mail, "lena@example.org", 1).await;
    let (id, card) = id_and_active_card(&b).await;
    let stranger = app.browser().await;
    assert_eq!(stranger.page(&card).await.0, StatusCode::OK);
    let public = format!("/public/profile/{id}");
    assert_eq!(stranger.page(&public).await.0, StatusCode::OK);

    // Other actions leads to a page that says what happens and when.
    let (_, profile) = b.page("/profile").await;
    assert!(profile.contains(r#"href="/profile/delete""#));
    let (status, page) = b.page("/profile/delete").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&english_day(&app, 30)), "the erase date");
    assert!(page.contains(r#"name="password""#));

    deletes(&b).await;

    let (_, login) = b.page("/login?notice=deletion_requested").await;
    assert!(login.contains("Your account is scheduled for deletion"));
    let r = b.get("/profile").await;
    assert!(location(&r).starts_with("/login"), "signed out");
    let (status, _) = userinfo(&app, &access).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, answer) = post_client(
        &app,
        &rp,
        "/oauth/token",
        &[("grant_type", "refresh_token"), ("refresh_token", &refresh)],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer["error"], "invalid_grant");
    for path in [card.clone(), public.clone(), format!("{public}/vcard")] {
        assert_eq!(
            stranger.page(&path).await.0,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    // The verified address is told the day its data goes.
    let notice = &mail.inbox.wait_for(2).await[1];
    assert!(notice.subject().contains("scheduled for deletion"));
    assert!(
        notice.text().contains(&english_day(&app, 30)),
        "{}",
        notice.text()
    );
    assert_eq!(event_count(&app, "account.deletion_requested").await, 1);

    // Through an application: a page that says so, and no way to restore there.
    let (_, challenge) = pkce();
    let path = authorize_path(&rp, "openid profile", &challenge, &[]);
    let app_browser = app.browser().await;
    let r = app_browser.get(&path).await;
    let next = url_param(&location(&r), "next").expect("sign-in first");
    let r = app_browser
        .post_form(
            "/login",
            &[
                ("identifier", "lena"),
                ("password", PASSWORD),
                ("next", &next),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let html = r.text().await.expect("body");
    assert!(
        html.contains("This account is scheduled for deletion"),
        "{html}"
    );
    assert!(html.contains(&english_day(&app, 30)));
    assert!(!html.contains("/account/restore") && !html.contains("Restore"));
    assert!(app_browser.cookie("sigil_restore").is_none());
    assert!(app_browser.cookie("sigil_session").is_none());

    // In the console: the recovery page, and nothing else.
    let ticket = signs_in_to_recovery(&b, "lena").await;
    let (status, recovery) = b.page("/account/restore").await;
    assert_eq!(status, StatusCode::OK);
    assert!(recovery.contains("Restore account") && recovery.contains("Sign out"));
    assert!(recovery.contains(&english_day(&app, 30)));
    assert!(location(&b.get("/profile").await).starts_with("/login"));
    assert_eq!(
        b.api(Method::GET, "/api/v1/me", None).await.0,
        StatusCode::UNAUTHORIZED
    );

    let r = b.post_form("/account/restore", &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/profile?notice=restored");
    let (status, profile) = b.page(&location(&r)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(profile.contains("Your account has been restored."));
    assert!(profile.contains("lena@example.org"), "the email is back");
    assert_eq!(stranger.page(&card).await.0, StatusCode::OK, "the card");
    assert_eq!(stranger.page(&public).await.0, StatusCode::OK);
    let (_, apps) = b.page("/apps").await;
    assert!(apps.contains(&rp.client_id), "the consent is back");
    // What ended stays ended; the consent lets the application in without asking.
    let (status, _) = userinfo(&app, &access).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let loc = authorize(&b, &path, "lena").await;
    assert!(url_param(&loc, "code").is_some(), "{loc}");
    assert_eq!(event_count(&app, "account.restored").await, 1);

    // Restoring an active account (the ticket again) changes nothing and says so.
    let (status, body) = restore_with(&app, &ticket).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains("not scheduled for deletion"), "{body}");
    assert_eq!(event_count(&app, "account.restored").await, 1);
}

async fn a_wrong_password_changes_nothing_and_guesses_are_throttled(backend: Backend) {
    let app = spawn_with(backend, |c| c.settings.throttle.per_account = 3).await;
    let b = app.signed_in("ivo").await;
    for _ in 0..3 {
        let r = b
            .post_form("/profile/delete", &[("password", "wrong guess")])
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.expect("body");
        assert!(html.contains(r#"id="password-error""#), "{html}");
        assert!(html.contains("The password is incorrect. Nothing was deleted."));
    }
    let r = b
        .post_form("/profile/delete", &[("password", PASSWORD)])
        .await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "throttled");
    // Nothing changed: still signed in, still active, no event.
    assert_eq!(b.page("/profile").await.0, StatusCode::OK);
    assert_eq!(event_count(&app, "account.deletion_requested").await, 0);
    assert_eq!(
        app.query_i64("SELECT COUNT(*) FROM users WHERE status <> 'active'")
            .await,
        0
    );
    // In German, for a German browser.
    let de = app.browser_in("de").await;
    let r = de.register("ida", "", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = de
        .post_form("/profile/delete", &[("password", "falsch")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.expect("body");
    assert!(html.contains("Konto löschen"));
    assert!(html.contains("Es wurde nichts gelöscht."), "{html}");
}

async fn the_right_password_reaches_recovery_as_often_as_needed(backend: Backend) {
    let app = spawn_app(backend).await;
    let b = app.signed_in("ugo").await;
    deletes(&b).await;

    // The owner proves who they are each time: that is no failed attempt, so the
    // allowance never runs out on them, from fresh browsers or the same one.
    for _ in 0..5 {
        signs_in_to_recovery(&app.browser().await, "ugo").await;
    }
    signs_in_to_recovery(&b, "ugo").await;

    assert_eq!(event_count(&app, "sign_in.pending_deletion").await, 6);
    assert_eq!(event_count(&app, "sign_in.failed").await, 0);
    // A wrong password still counts (from a browser the account has not seen).
    let stranger = app.browser().await;
    for _ in 0..3 {
        let r = stranger.sign_in("ugo", "wrong guess").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let r = stranger.sign_in("ugo", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
}

async fn deleting_twice_schedules_the_deletion_once(backend: Backend) {
    let (app, mail) = app_with_mail(backend).await;
    let b = app.signed_in("tom").await;
    confirm_email(&app, &b, &mail, "tom@example.org", 1).await;
    let (one, two) = tokio::join!(
        b.post_form("/profile/delete", &[("password", PASSWORD)]),
        b.post_form("/profile/delete", &[("password", PASSWORD)]),
    );
    let done: Vec<_> = [&one, &two]
        .into_iter()
        .filter(|r| location(r) == "/login?notice=deletion_requested")
        .collect();
    assert_eq!(done.len(), 1, "{} {}", one.status(), two.status());
    let erase_after = app
        .query_i64("SELECT erase_after FROM users WHERE login = 'tom'")
        .await;
    // Later, with the old cookie: it signs nothing in and changes nothing.
    app.clock.advance(Duration::days(1));
    let r = b
        .post_form("/profile/delete", &[("password", PASSWORD)])
        .await;
    assert!(location(&r).starts_with("/login?next="), "{}", location(&r));
    assert_eq!(event_count(&app, "account.deletion_requested").await, 1);
    assert_eq!(
        app.query_i64("SELECT erase_after FROM users WHERE login = 'tom'")
            .await,
        erase_after
    );
    let _ = mail.inbox.wait_for(2).await;
    assert_eq!(mail.inbox.all().len(), 2, "one notice of the deletion");
    // Signing in again answers with the pending deletion, not a second one.
    signs_in_to_recovery(&b, "tom").await;
    let (_, page) = b.page("/account/restore").await;
    assert!(
        page.contains(&english_day(&app, 29)),
        "the first date stands"
    );
}

async fn an_account_is_restorable_on_day_29_and_erased_on_day_31(backend: Backend) {
    let (app, mail) = app_with_mail(backend).await;
    let b = app.signed_in("mira").await;
    confirm_email(&app, &b, &mail, "mira@example.org", 1).await;
    let (id, _) = id_and_active_card(&b).await;
    let r = b
        .post_form("/profile/card/link", &[("slug", "mira-card")])
        .await;
    assert_eq!(location(&r), "/profile?notice=card#business-card");
    let card = "/api/cards/mira-card".to_owned();
    deletes(&b).await;

    // Day 29: the job erases nothing, and the account can still be restored.
    app.clock.advance(Duration::days(29));
    assert!(app
        .sigil
        .purge_due_accounts()
        .await
        .expect("purge")
        .is_empty());
    signs_in_to_recovery(&b, "mira").await;
    let (status, _) = b.page("/account/restore").await;
    assert_eq!(status, StatusCode::OK);
    let r = b.post_form("/account/restore/sign-out", &[]).await;
    assert_eq!(location(&r), "/login?notice=signed_out");
    // A recovery page opened just before the end of the grace period…
    app.clock
        .advance(Duration::hours(23) + Duration::minutes(50));
    let ticket = signs_in_to_recovery(&b, "mira").await;

    // Day 31: a node that is stopping leaves the account to the next run (its lease
    // ends at once here)…
    app.clock.advance(Duration::days(1));
    let stopping = app
        .sigil
        .erase_due_accounts("stopping node", Duration::ZERO, &|| true)
        .await
        .expect("the job")
        .expect("the lease");
    assert!(stopping.is_empty(), "{stopping:?}");
    // …and the next run erases it.
    let erased = app
        .sigil
        .erase_due_accounts("test node", Duration::minutes(10), &|| false)
        .await
        .expect("the job")
        .expect("the lease");
    assert_eq!(erased.len(), 1);
    assert_eq!(erased[0].id.to_string(), id);
    // …cannot restore it any more, and says so.
    let (status, body) = restore_with(&app, &ticket).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(body.contains("There is no account to restore"), "{body}");
    assert_eq!(
        b.sign_in("mira", PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let stranger = app.browser().await;
    assert_eq!(stranger.page(&card).await.0, StatusCode::NOT_FOUND);
    for table in [
        "users WHERE id",
        "field_values WHERE user_id",
        "business_cards WHERE user_id",
        "sessions WHERE user_id",
        "events WHERE user_id",
    ] {
        let n = app
            .query_i64(&format!("SELECT COUNT(*) FROM {table} = '{id}'"))
            .await;
        assert_eq!(n, 0, "{table}");
    }
    // The log keeps its rows, under a tombstone, without address or device.
    let kept = app
        .query_i64("SELECT COUNT(*) FROM events WHERE user_id LIKE 'erased:%'")
        .await;
    assert!(
        kept >= 4,
        "registration, sign-ins, deletion, erasure: {kept}"
    );
    let traced = app
        .query_i64(
            "SELECT COUNT(*) FROM events WHERE user_id LIKE 'erased:%' AND \
             (ip IS NOT NULL OR device IS NOT NULL OR browser IS NOT NULL OR os IS NOT NULL \
              OR details LIKE '%mira%')",
        )
        .await;
    assert_eq!(traced, 0);
    assert_eq!(event_count(&app, "account.erased").await, 1);
    assert_eq!(
        app.query_i64("SELECT COUNT(*) FROM outbox WHERE recipient = 'mira@example.org'")
            .await,
        0
    );

    // The login, email and card link are free: a new account, with a new sub.
    let again = app.browser().await;
    let r = again.register("mira", "", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    confirm_email(&app, &again, &mail, "mira@example.org", 3).await;
    let (new_id, _) = id_and_active_card(&again).await;
    assert_ne!(new_id, id, "a new sub");
    let r = again
        .post_form("/profile/card/link", &[("slug", "mira-card")])
        .await;
    assert_eq!(location(&r), "/profile?notice=card#business-card");
    assert_eq!(stranger.page(&card).await.0, StatusCode::OK);
}

async fn operators_list_and_purge_pending_deletions_from_the_command_line(backend: Backend) {
    let app = spawn_with(backend, |c| {
        c.settings.deletion_grace = Duration::days(1);
        // The server's own erasure job must not get there first: it runs once at
        // start (with nothing due), then not again within the test.
        c.housekeeping_every = std::time::Duration::from_secs(3600);
    })
    .await;
    let ran = "SELECT COUNT(*) FROM job_leases WHERE name = 'erasure'";
    for _ in 0..200 {
        if app.query_i64(ran).await == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(app.query_i64(ran).await, 1, "the erasure job's first run");
    // Deleted two days ago by the clock: due now, by the command's own clock.
    app.clock.advance(Duration::days(-2));
    let b = app.signed_in("olga").await;
    deletes(&b).await;
    app.clock.advance(Duration::days(2));
    let waiting = app.signed_in("paul").await;
    deletes(&waiting).await;
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_sigil"))
            .env_remove("SIGIL_CONFIG")
            .env_remove("SIGIL_MASTER_KEY")
            .env("SIGIL_DATA_DIR", &app.dir)
            .env("DATABASE_URL", &app.database_url)
            .args(args)
            .output()
            .expect("run");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let pending = run(&["accounts", "pending"]);
    assert!(
        pending.contains("olga") && pending.contains("paul"),
        "{pending}"
    );
    assert!(pending.contains("erased after"), "{pending}");
    let purged = run(&["accounts", "purge"]);
    assert!(
        purged.contains("Erased") && purged.contains("olga"),
        "{purged}"
    );
    assert!(purged.contains("1 account(s) erased"), "{purged}");
    let pending = run(&["accounts", "pending"]);
    assert!(
        !pending.contains("olga") && pending.contains("paul"),
        "{pending}"
    );
    assert_eq!(
        app.query_i64("SELECT COUNT(*) FROM users WHERE login = 'olga'")
            .await,
        0
    );
}

/// A person deletes their account in Chromium, signs in again and restores it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_a_person_deletes_the_account_and_restores_it() {
    let app = spawn_with(Backend::Sqlite, |_| {}).await;
    let b = app.signed_in("zoe").await;
    drop(b);
    let c = crate::axe::chromium_in("en", 1280, 900).await;
    let result = delete_and_restore(&c, &app.base).await;
    let _ = c.close().await;
    let landed = result.expect("the console in Chromium");
    assert_eq!(landed, "/profile");
    assert_eq!(event_count(&app, "account.deletion_requested").await, 1);
    assert_eq!(event_count(&app, "account.restored").await, 1);
    assert_eq!(
        app.query_i64("SELECT COUNT(*) FROM users WHERE login = 'zoe' AND status = 'active'")
            .await,
        1
    );
}

async fn delete_and_restore(c: &Client, base: &str) -> Result<String, fantoccini::error::CmdError> {
    let sign_in = || async {
        c.goto(&format!("{base}/login")).await?;
        c.find(Locator::Id("identifier"))
            .await?
            .send_keys("zoe")
            .await?;
        c.find(Locator::Id("password"))
            .await?
            .send_keys(PASSWORD)
            .await?;
        c.find(Locator::Css("form[action='/login'] button[type=submit]"))
            .await?
            .click()
            .await?;
        Ok::<_, fantoccini::error::CmdError>(())
    };
    sign_in().await?;
    c.goto(&format!("{base}/profile")).await?;
    c.find(Locator::Css("#other-actions summary"))
        .await?
        .click()
        .await?;
    c.find(Locator::Id("delete-account-link"))
        .await?
        .click()
        .await?;
    // Cancel goes back to Other actions, unfolded.
    c.find(Locator::Css(
        "#delete-account a[href='/profile#other-actions']",
    ))
    .await?
    .click()
    .await?;
    let open = c
        .find(Locator::Css("#other-actions details"))
        .await?
        .attr("open")
        .await?;
    assert!(open.is_some(), "Other actions is unfolded");
    c.find(Locator::Id("delete-account-link"))
        .await?
        .click()
        .await?;
    c.find(Locator::Id("password"))
        .await?
        .send_keys(PASSWORD)
        .await?;
    c.find(Locator::Css("#delete-account button.danger"))
        .await?
        .click()
        .await?;
    // The click returns once the form is sent, not once the next page is there.
    let notice = notice_on_next_page(c).await?;
    assert!(notice.contains("scheduled for deletion"), "{notice}");

    sign_in().await?;
    let restore = c.wait().for_element(Locator::Id("restore-submit")).await?;
    assert_eq!(c.current_url().await?.path(), "/account/restore");
    restore.click().await?;
    let notice = notice_on_next_page(c).await?;
    assert!(notice.contains("has been restored"), "{notice}");
    Ok(c.current_url().await?.path().to_owned())
}

/// The notice of the page a form led to, once that page is there.
async fn notice_on_next_page(c: &Client) -> Result<String, fantoccini::error::CmdError> {
    c.wait()
        .for_element(Locator::Css("p.notice"))
        .await?
        .text()
        .await
}

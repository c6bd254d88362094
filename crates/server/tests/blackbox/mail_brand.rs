//! Mail and SMS name the service as its pages do: the operator's product name, in the
//! person's language.
use reqwest::StatusCode;
use sigil_store::testing::Backend;
use sigil_web::brand::Brand;

use crate::helpers::{location, spawn_with};
use crate::on_both_backends;
use crate::smtp;

on_both_backends!(mail_and_sms_carry_the_operators_product_name);

async fn mail_and_sms_carry_the_operators_product_name(backend: Backend) {
    let server = smtp::start().await;
    let url = server.url.clone();
    let app = spawn_with(backend, move |c| {
        c.delivery.smtp_url = Some(url);
        c.brand = Brand {
            product_name: "Acme Identity".into(),
            ..Brand::default()
        };
        c.settings.contacts.phone_region = sigil_core::phone::region("DE");
    })
    .await;
    let b = app.browser_in("de").await;
    assert_eq!(
        b.register("greta", "", crate::helpers::PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );

    let r = b
        .post_form(
            "/profile/contacts/email",
            &[("address", "greta@example.org")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let mail = server.inbox.wait_for(1).await[0].text();
    assert!(
        mail.contains("für ein Konto bei Acme Identity verwenden"),
        "{mail}"
    );
    assert!(mail.contains("Von Acme Identity gesendet"), "{mail}");
    assert!(!mail.contains("Sigil"), "{mail}");

    let r = b
        .post_form(
            "/profile/contacts/phone",
            &[("address", "030 12345678"), ("channel", "sms")],
        )
        .await;
    assert_eq!(location(&r), "/profile/contacts/phone?notice=code_sent");
    let text = crate::phones::newest_outbox_sms(&app).await;
    assert!(text.starts_with("Code für Acme Identity: "), "{text}");
}

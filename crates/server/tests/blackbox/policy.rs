//! The personal data processing policy: Sigil's default names the operator; the
//! operator's own documents are served in the person's language with their type,
//! falling back to English. Linked from Other actions and from registration.
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use reqwest::StatusCode;
use sigil_core::locale::Locale;
use sigil_store::testing::Backend;
use sigil_web::policy::{Document, Kind};

use crate::helpers::spawn_with;
use crate::on_both_backends;

on_both_backends!(
    the_default_policy_names_the_operator_in_the_persons_language,
    the_operators_documents_are_served_with_their_type_falling_back_to_english,
);

fn header(r: &reqwest::Response, name: reqwest::header::HeaderName) -> String {
    r.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

async fn the_default_policy_names_the_operator_in_the_persons_language(backend: Backend) {
    let app = spawn_with(backend, |c| {
        c.policy.operator.organisation = "Acme Identity GmbH".into();
        c.policy.operator.contact = "privacy@acme.example".into();
        c.settings.deletion_grace = time::Duration::days(21);
    })
    .await;
    // Registration links it, before an account exists.
    let visitor = app.browser_in("de").await;
    let (_, register) = visitor.page("/register").await;
    assert!(register.contains(r#"href="/policy""#), "{register}");
    assert!(register.contains("Richtlinie zur Verarbeitung personenbezogener Daten"));

    for (lang, heading, grace) in [
        ("en", "Personal data processing policy", "for\n21 days;"),
        (
            "de",
            "Richtlinie zur Verarbeitung personenbezogener Daten",
            "noch\n21 Tage lang",
        ),
        // 21 takes the singular in Russian: "в течение 21 дня".
        (
            "ru",
            "Политика обработки персональных данных",
            "в течение\n21 дня;",
        ),
    ] {
        let r = app.browser_in(lang).await.get("/policy").await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(header(&r, CONTENT_TYPE), "text/plain; charset=utf-8");
        assert_eq!(
            header(&r, CONTENT_DISPOSITION),
            format!("attachment; filename=\"privacy-policy-{lang}.txt\"")
        );
        let text = r.text().await.expect("body");
        assert!(text.starts_with(heading), "{lang}: {text}");
        assert!(text.contains("Acme Identity GmbH"), "{lang}");
        assert!(text.contains("privacy@acme.example"), "{lang}");
        assert!(
            text.contains(grace),
            "{lang}: the operator's grace period: {text}"
        );
        assert!(
            !text.contains('{'),
            "{lang}: a placeholder was left: {text}"
        );
    }

    // Signed in, the Other actions link downloads it in the person's chosen language
    // whatever the browser asks for.
    let person = app.signed_in("lena").await;
    let (_, profile) = person.page("/profile").await;
    assert!(profile.contains(r#"href="/policy" id="policy-link" download"#));
    let r = person.post_form("/lang", &[("lang", "ru")]).await;
    assert!(r.status().is_redirection());
    let r = person.get("/policy").await;
    assert_eq!(
        header(&r, CONTENT_DISPOSITION),
        "attachment; filename=\"privacy-policy-ru.txt\""
    );
    // A language asked for by name; an unknown one is not a policy.
    let r = person.get("/policy/de").await;
    assert!(r.text().await.expect("body").starts_with("Richtlinie"));
    assert_eq!(
        person.get("/policy/fr").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        person.get("/policy/EN").await.status(),
        StatusCode::NOT_FOUND
    );
}

async fn the_operators_documents_are_served_with_their_type_falling_back_to_english(
    backend: Backend,
) {
    let dir = std::env::temp_dir().join(format!("sigil-policy-{}-{backend:?}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let pdf = dir.join("policy.en.pdf");
    std::fs::write(&pdf, b"%PDF-1.4\n% the operator's own\n%%EOF\n").expect("pdf");
    let html = dir.join("policy.de.html");
    std::fs::write(&html, "<h1>Datenschutz</h1><script>alert(1)</script>").expect("html");
    let en = Document::read(&pdf).expect("a PDF");
    let de = Document::read(&html).expect("HTML");
    assert_eq!((en.kind, de.kind), (Kind::Pdf, Kind::Html));
    let app = spawn_with(backend, move |c| {
        c.policy.documents.insert(Locale::En, en);
        c.policy.documents.insert(Locale::De, de);
    })
    .await;

    let r = app.browser_in("de").await.get("/policy").await;
    assert_eq!(header(&r, CONTENT_TYPE), "text/html; charset=utf-8");
    assert_eq!(
        header(&r, CONTENT_DISPOSITION),
        "attachment; filename=\"privacy-policy-de.html\""
    );
    // Opened anyway, the operator's HTML runs nothing.
    let csp = header(&r, reqwest::header::CONTENT_SECURITY_POLICY);
    assert!(
        csp.contains("sandbox") && csp.contains("default-src 'none'"),
        "{csp}"
    );
    assert!(r.text().await.expect("body").contains("Datenschutz"));

    // Russian has no document of its own: the operator's English one, not the default.
    let r = app.browser_in("ru").await.get("/policy").await;
    assert_eq!(header(&r, CONTENT_TYPE), "application/pdf");
    assert_eq!(
        header(&r, CONTENT_DISPOSITION),
        "attachment; filename=\"privacy-policy-en.pdf\""
    );
    assert!(r.bytes().await.expect("body").starts_with(b"%PDF-1.4"));

    // What the configuration refuses, it refuses naming the file.
    let fake = dir.join("policy.pdf");
    std::fs::write(&fake, "not a pdf").expect("write");
    assert!(Document::read(&fake)
        .expect_err("not a PDF")
        .contains("%PDF-"));
    let doc = dir.join("policy.docx");
    std::fs::write(&doc, "x").expect("write");
    assert!(Document::read(&doc).is_err());
    let _ = std::fs::remove_dir_all(&dir);
}

//! Reading the configuration: the file, the environment on top, and the errors.
use super::*;

fn load(toml_text: &str, env: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let dir = std::env::temp_dir().join(format!("sigil-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    // One file per call: tests run in parallel threads of one process, and two
    // texts must never share (and overwrite) a file.
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = dir.join(format!("{n}.toml"));
    std::fs::write(&path, toml_text).expect("write");
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Config::load(Some(&path), |k| {
        env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
    })
}

#[test]
fn logout_tokens_reach_private_networks_only_when_allowed() {
    assert!(
        !load("", &[])
            .expect("defaults")
            .delivery
            .backchannel_private_network
    );
    let open = load("[backchannel]\nprivate_network = true\n", &[]).expect("valid");
    assert!(open.delivery.backchannel_private_network);
    assert!(
        load("[backchannel]\nprivate = true\n", &[]).is_err(),
        "a typo"
    );
}

#[test]
fn defaults_use_sqlite_in_the_data_dir() {
    let c = load("", &[]).expect("valid");
    assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
    assert_eq!(c.public_url, "http://127.0.0.1:8080");
    assert_eq!(c.database_url, "sqlite://data/sigil.db");
    assert_eq!(c.housekeeping_every.as_secs(), 600);
    let c = load("housekeeping_seconds = 60\n", &[]).expect("valid");
    assert_eq!(c.housekeeping_every.as_secs(), 60);
}

#[test]
fn mail_comes_from_the_product_by_name_unless_set() {
    let c = load("", &[]).expect("valid");
    assert_eq!(c.delivery.mail_from, "Sigil <sigil@localhost>");
    let c = load("[branding]\nproduct_name = \"Acme ID\"\n", &[]).expect("valid");
    assert!(
        c.delivery.mail_from.contains("Acme ID"),
        "{}",
        c.delivery.mail_from
    );
    assert!(c.delivery.mail_from.ends_with("<sigil@localhost>"));
    let c = load(
        "[branding]\nproduct_name = \"Acme ID\"\n[mail]\nfrom = \"id@acme.example\"\n",
        &[],
    )
    .expect("valid");
    assert_eq!(c.delivery.mail_from, "id@acme.example");
}

#[test]
fn environment_overrides_the_file() {
    let c = load(
        "listen = \"127.0.0.1:9000\"\n",
        &[
            ("SIGIL_LISTEN", "0.0.0.0:7000"),
            ("DATABASE_URL", "postgres://x@db/sigil"),
            ("SIGIL_PUBLIC_URL", "https://id.example.org/"),
        ],
    )
    .expect("valid");
    assert_eq!(c.listen.port(), 7000);
    assert_eq!(c.database_url, "postgres://x@db/sigil");
    assert_eq!(c.public_url, "https://id.example.org");
}

#[test]
fn the_password_minimum_is_twelve_unless_set_within_eight_to_sixty_four() {
    let c = load("", &[]).expect("valid");
    assert_eq!(c.settings.passwords.min_chars, 12);
    let c = load(
        "[passwords] # the operator's minimum\nmin_length = 16\n",
        &[],
    )
    .expect("valid");
    assert_eq!(c.settings.passwords.min_chars, 16);
    let e = load("[passwords]\nmin_length = 4\n", &[]).expect_err("too small");
    assert!(e.to_string().contains("passwords.min_length"), "{e}");
}

#[test]
fn bad_settings_are_named() {
    let e = load("", &[("SIGIL_LISTEN", "nowhere")]).expect_err("bad");
    assert!(e.to_string().contains("SIGIL_LISTEN"), "{e}");
    let e = load("", &[("SIGIL_PUBLIC_URL", "ftp://x")]).expect_err("bad");
    assert!(e.to_string().contains("SIGIL_PUBLIC_URL"), "{e}");
    let e = load("", &[("DATABASE_URL", "mysql://x")]).expect_err("bad");
    assert!(e.to_string().contains("DATABASE_URL"), "{e}");
    let e = load("lisen = 1", &[]).expect_err("typo");
    assert!(e.to_string().contains("lisen"), "{e}");
    let e = load("[[fields]]\nkey = \"company\"\n", &[]).expect_err("no label");
    assert!(e.to_string().contains("company"), "{e}");
    let e = load("housekeeping_seconds = 0", &[]).expect_err("zero");
    assert!(e.to_string().contains("housekeeping_seconds"), "{e}");
    let e = load("[throttle]\nper_ip = 0\n", &[]).expect_err("zero");
    assert!(e.to_string().contains("throttle.per_ip"), "{e}");
}

#[test]
fn providers_are_read_with_their_secret_from_the_environment() {
    let text = "[[providers]]\nid = \"corp-sso\"\nname = \"Corp\"\n\
                issuer = \"https://sso.example.org/\"\nclient_id = \"sigil\"\n\
                client_secret = \"from-file\"\nprivacy = \"public\"\n";
    let c = load(text, &[("SIGIL_PROVIDER_CORP_SSO_SECRET", "from-env")]).expect("valid");
    assert_eq!(c.settings.providers[0].name, "Corp");
    assert_eq!(
        c.settings.providers[0].default_privacy,
        sigil_core::privacy::PrivacyLevel::Public
    );
    let p = &c.providers[0];
    assert_eq!(p.issuer, "https://sso.example.org");
    assert_eq!(p.client_secret.as_deref(), Some("from-env"));
    assert_eq!(p.scopes, ["profile", "email"]);
    assert!(!p.private_network);
    assert!(
        c.settings.providers[0].sign_in,
        "offered at sign-in unless set"
    );
    let link_only = load(&format!("{text}sign_in = false\n"), &[]).expect("valid");
    assert!(!link_only.settings.providers[0].sign_in);

    let plain = text.replace("https://", "http://");
    let e = load(&plain, &[]).expect_err("http without private_network");
    assert!(e.to_string().contains("providers.corp-sso.issuer"), "{e}");
    let ok = format!("{plain}private_network = true\n");
    assert!(load(&ok, &[]).is_ok());
    for private in [
        "https://127.0.0.1:8443",
        "https://169.254.169.254",
        "https://[::1]",
    ] {
        let text = text.replace("https://sso.example.org/", private);
        let e = load(&text, &[]).expect_err("a private issuer");
        assert!(e.to_string().contains("private_network"), "{private}: {e}");
        assert!(load(&format!("{text}private_network = true\n"), &[]).is_ok());
    }
    let e = load(&text.replace("corp-sso", "Corp SSO"), &[]).expect_err("bad id");
    assert!(e.to_string().contains("providers.Corp SSO"), "{e}");
    let twice = format!("{text}{text}");
    let e = load(&twice, &[]).expect_err("twice");
    assert!(e.to_string().contains("defined twice"), "{e}");
}

#[test]
fn operator_fields_are_read_in_order() {
    let c = load(
        "[[fields]]\nkey = \"given_name\"\nmandatory = true\n\n[[fields]]\nkey = \"company\"\nlabel = { en = \"Company\", de = \"Firma\", ru = \"Компания\" }\n",
        &[],
    )
    .expect("valid");
    let cat = &c.settings.catalogue;
    assert!(cat.get("given_name").expect("field").mandatory);
    assert_eq!(cat.fields().last().map(|f| f.key.as_str()), Some("company"));
}

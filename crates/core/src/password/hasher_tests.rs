use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use std::sync::atomic::Ordering;

use super::PasswordHasher;
use crate::password::{NewPassword, PasswordPolicy, PersonalWords};

fn new_password(raw: &str) -> NewPassword {
    NewPassword::parse(raw, &PasswordPolicy::default(), &PersonalWords::default()).expect("valid")
}

/// Made by Sigil's hasher before it kept its own working memory (the argon2 crate's
/// `PasswordHasher::hash_password` at m=19456, t=2, p=1), for "correct horse battery
/// staple" and, NFKC-normalised first, "ｗｉｄｅ ｃｏｒｒｅｃｔ ｈｏｒｓｅ" (full-width letters).
const STORED: [(&str, &str); 2] = [
    (
        "correct horse battery staple",
        "$argon2id$v=19$m=19456,t=2,p=1$Xhn4RDsjbO0y1tqQa4mhWg$r2xwKVT+xMtzUm7xyWv7fe9pMQ3KSbe4+PaDNZIciGY",
    ),
    (
        "ｗｉｄｅ ｃｏｒｒｅｃｔ ｈｏｒｓｅ",
        "$argon2id$v=19$m=19456,t=2,p=1$oe+BB8o7ltuhnmjudo6maA$djtWdppQsLsuXoeZtiP48YLfCTj+JZLWoa3LPCo4/z0",
    ),
];

/// The way Sigil hashed before: the argon2 crate's own traits, memory allocated per hash.
fn hashed_the_old_way(argon: &Argon2<'_>, password: &str) -> String {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    argon
        .hash_password(password.as_bytes(), &salt)
        .expect("hash")
        .to_string()
}

fn sigils_params() -> Argon2<'static> {
    Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(19_456, 2, 1, None).expect("params"),
    )
}

#[tokio::test]
async fn a_hash_verifies_only_its_own_password_and_is_argon2id() {
    let hasher = PasswordHasher::new(1).expect("hasher");
    let phc = hasher
        .hash(new_password("correct horse battery staple"))
        .await
        .expect("hash");
    assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    assert!(hasher
        .verify("correct horse battery staple", Some(&phc))
        .await
        .expect("verify"));
    assert!(!hasher
        .verify("wrong horse battery staple", Some(&phc))
        .await
        .expect("verify"));
    assert!(!hasher
        .verify("anything at all", None)
        .await
        .expect("verify"));
    let huge = format!("correct horse battery staple{}", " ".repeat(2_000_000));
    assert!(!hasher.verify(&huge, Some(&phc)).await.expect("verify"));
}

#[tokio::test]
async fn hashes_stored_before_still_verify_and_wrong_passwords_fail() {
    let hasher = PasswordHasher::new(2).expect("hasher");
    for (password, stored) in STORED {
        assert!(hasher.verify(password, Some(stored)).await.expect("verify"));
        let wrong = format!("{password}!");
        assert!(!hasher.verify(&wrong, Some(stored)).await.expect("verify"));
        assert!(!hasher
            .verify("correct horse battery stapl", Some(stored))
            .await
            .expect("verify"));
    }
    // And ones made the old way just now, with fresh salts.
    let old = hashed_the_old_way(&sigils_params(), "Tr0ub4dor&3 and more");
    assert!(hasher
        .verify("Tr0ub4dor&3 and more", Some(&old))
        .await
        .expect("verify"));
    assert!(!hasher
        .verify("Tr0ub4dor&3 and mor", Some(&old))
        .await
        .expect("verify"));
}

#[tokio::test]
async fn new_hashes_are_what_the_argon2_crate_reads() {
    let hasher = PasswordHasher::new(1).expect("hasher");
    let phc = hasher
        .hash(new_password("correct horse battery staple"))
        .await
        .expect("hash");
    let parsed = PasswordHash::new(&phc).expect("a PHC string");
    assert_eq!(parsed.salt.map(|s| s.len()), Some(22), "16 bytes of salt");
    assert_eq!(parsed.hash.map(|h| h.len()), Some(32));
    let argon = Argon2::default();
    assert!(argon
        .verify_password(b"correct horse battery staple", &parsed)
        .is_ok());
    assert!(argon
        .verify_password(b"correct horse battery stapler", &parsed)
        .is_err());
}

#[tokio::test]
async fn hashes_at_other_parameters_are_recomputed_at_theirs() {
    let hasher = PasswordHasher::new(1).expect("hasher");
    let others = [
        (
            Algorithm::Argon2i,
            Version::V0x10,
            Params::new(64, 3, 1, None),
        ),
        (
            Algorithm::Argon2d,
            Version::V0x13,
            Params::new(32, 1, 2, Some(16)),
        ),
        // More memory than Sigil's own: a block of its own, not the pool's.
        (
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(24_576, 1, 1, None),
        ),
    ];
    for (algorithm, version, params) in others {
        let argon = Argon2::new(algorithm, version, params.expect("params"));
        let stored = hashed_the_old_way(&argon, "a password of another time");
        assert!(
            hasher
                .verify("a password of another time", Some(&stored))
                .await
                .expect("verify"),
            "{stored}"
        );
        assert!(!hasher
            .verify("a password of another tim", Some(&stored))
            .await
            .expect("verify"));
    }
    assert!(hasher.verify("x", Some("not a hash")).await.is_err());
    assert!(!hasher
        .verify("x", Some("$argon2id$v=19$m=19456,t=2,p=1"))
        .await
        .expect("no salt, no output: matches nothing"));
}

#[tokio::test]
async fn the_working_memory_is_one_block_per_permit_reused_and_freed_at_rest() {
    let hasher = PasswordHasher::new(2).expect("hasher");
    let stored = hashed_the_old_way(&sigils_params(), "correct horse battery staple");
    // Eight at once: two hash, six wait, and each waiting one takes a block given back.
    let mut attempts = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let (hasher, stored) = (hasher.clone(), stored.clone());
        attempts.spawn(async move {
            hasher
                .verify("correct horse battery staple", Some(&stored))
                .await
        });
    }
    while let Some(matched) = attempts.join_next().await {
        assert!(matched.expect("task").expect("verify"));
    }
    assert_eq!(
        hasher.made.load(Ordering::Relaxed),
        2,
        "one block per permit"
    );
    assert!(
        hasher.memory.lock().expect("pool").is_empty(),
        "nothing kept when no hash waits"
    );
    // One at a time: nothing waits, each hash makes its block and frees it.
    for _ in 0..2 {
        assert!(hasher
            .verify("correct horse battery staple", Some(&stored))
            .await
            .expect("verify"));
    }
    assert_eq!(hasher.made.load(Ordering::Relaxed), 4);
    assert!(hasher.memory.lock().expect("pool").is_empty());
}

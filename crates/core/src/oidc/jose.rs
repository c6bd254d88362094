//! Signing keys and JSON Web Signatures ([RFC 7515](https://www.rfc-editor.org/rfc/rfc7515),
//! [RFC 7517](https://www.rfc-editor.org/rfc/rfc7517)) on RustCrypto; the compact
//! serialization is in [`super::jws`].
//!
//! Private keys are stored encrypted with AES-256-GCM under the operator's master key,
//! the key id bound in as associated data, so a copied database holds no usable key.
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use anyhow::{anyhow, Context};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use time::OffsetDateTime;

use super::jws::KeyPair;
pub use super::jws::{is_plain_jwt, kid_of};
use crate::random::Random;

/// The algorithms Sigil signs with. RS256 is always available, as OpenID Connect
/// requires ([Core §15.1](https://openid.net/specs/openid-connect-core-1_0.html#ServerMTI)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum SigningAlg {
    RS256,
    ES256,
    EdDSA,
}

impl SigningAlg {
    pub const ALL: [SigningAlg; 3] = [Self::RS256, Self::ES256, Self::EdDSA];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::RS256 => "RS256",
            Self::ES256 => "ES256",
            Self::EdDSA => "EdDSA",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// The operator's 256-bit key that encrypts signing keys at rest.
#[derive(Clone)]
pub struct MasterKey([u8; 32]);

impl MasterKey {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    pub fn generate(random: &dyn Random) -> Self {
        let mut b = [0u8; 32];
        random.fill(&mut b);
        Self(b)
    }

    /// Base64 (standard alphabet), as kept in the configuration or the key file.
    pub fn parse(encoded: &str) -> anyhow::Result<Self> {
        let bytes = STANDARD
            .decode(encoded.trim())
            .context("the master key is not base64")?;
        let array: [u8; 32] = bytes
            .try_into()
            .map_err(|_| anyhow!("the master key must be 32 bytes"))?;
        Ok(Self(array))
    }

    pub fn encode(&self) -> String {
        STANDARD.encode(self.0)
    }

    /// The raw key, for deriving keys for other purposes.
    pub(crate) fn secret(&self) -> &[u8; 32] {
        &self.0
    }

    fn cipher(&self) -> Aes256Gcm {
        Aes256Gcm::new(&self.0.into())
    }

    pub(crate) fn seal(
        &self,
        kid: &str,
        plaintext: &[u8],
        random: &dyn Random,
    ) -> anyhow::Result<String> {
        let mut nonce = [0u8; 12];
        random.fill(&mut nonce);
        let sealed = self
            .cipher()
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: kid.as_bytes(),
                },
            )
            .map_err(|_| anyhow!("encrypting a signing key"))?;
        let mut out = nonce.to_vec();
        out.extend(sealed);
        Ok(STANDARD.encode(out))
    }

    pub(crate) fn open(&self, kid: &str, sealed: &str) -> anyhow::Result<Vec<u8>> {
        let bytes = STANDARD
            .decode(sealed)
            .context("stored key is not base64")?;
        if bytes.len() < 13 {
            return Err(anyhow!("stored key is truncated"));
        }
        let (nonce, ciphertext) = bytes.split_at(12);
        self.cipher()
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: kid.as_bytes(),
                },
            )
            .map_err(|_| {
                anyhow!(
                    "cannot decrypt signing key {kid}: is the master key the one it was made with?"
                )
            })
    }
}

/// A key as the database keeps it.
#[derive(Clone, Debug)]
pub struct StoredKey {
    pub kid: String,
    pub alg: SigningAlg,
    /// Encrypted DER: PKCS#8 (PKCS#1 for RSA keys made before Sigil used AWS-LC).
    pub private_sealed: String,
    pub public_jwk: Value,
    pub created_at: OffsetDateTime,
    /// When the key starts signing: a rotation publishes a key a while before it signs
    /// (see `services::oidc::keys`).
    pub active_from: OffsetDateTime,
    /// When a newer key takes over signing; it stays published for verification.
    pub retired_at: Option<OffsetDateTime>,
}

/// A usable key pair.
pub struct SigningKey {
    pub kid: String,
    pub alg: SigningAlg,
    pub public_jwk: Value,
    pub created_at: OffsetDateTime,
    pub active_from: OffsetDateTime,
    pub retired_at: Option<OffsetDateTime>,
    pair: KeyPair,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .field("alg", &self.alg)
            .finish()
    }
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Generates a new key pair, signing from `now`, and seals its private half.
pub fn generate(
    alg: SigningAlg,
    master: &MasterKey,
    random: &dyn Random,
    now: OffsetDateTime,
) -> anyhow::Result<StoredKey> {
    let mut id = [0u8; 12];
    random.fill(&mut id);
    let kid = b64(&id);
    let (der, mut jwk) = super::jws::generate(alg)?;
    jwk["kid"] = json!(kid);
    jwk["alg"] = json!(alg.as_str());
    jwk["use"] = json!("sig");
    Ok(StoredKey {
        private_sealed: master.seal(&kid, &der, random)?,
        kid,
        alg,
        public_jwk: jwk,
        created_at: now,
        active_from: now,
        retired_at: None,
    })
}

impl SigningKey {
    pub fn open(stored: &StoredKey, master: &MasterKey) -> anyhow::Result<Self> {
        let der = master.open(&stored.kid, &stored.private_sealed)?;
        Ok(Self {
            kid: stored.kid.clone(),
            alg: stored.alg,
            public_jwk: stored.public_jwk.clone(),
            created_at: stored.created_at,
            active_from: stored.active_from,
            retired_at: stored.retired_at,
            pair: KeyPair::from_der(stored.alg, &der)?,
        })
    }

    /// Signs `claims` as a compact JWS with `typ` (`JWT`, or `at+jwt` for access tokens).
    pub fn sign(&self, typ: &str, claims: &impl Serialize) -> anyhow::Result<String> {
        self.pair.sign(&self.kid, typ, claims)
    }

    /// Verifies the signature, the algorithm and `iss`. Expiry is the caller's to check
    /// against the injected clock; audience too, as the caller knows whom the token is for.
    pub fn verify<T: DeserializeOwned>(&self, token: &str, issuer: &str) -> Option<T> {
        self.pair.verify(token, issuer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::SystemRandom;

    #[test]
    fn every_algorithm_signs_and_verifies_and_the_sealed_key_needs_the_master_key() {
        let master = MasterKey::generate(&SystemRandom);
        let now = OffsetDateTime::now_utc();
        for alg in SigningAlg::ALL {
            let stored = generate(alg, &master, &SystemRandom, now).expect("generate");
            let key = SigningKey::open(&stored, &master).expect("open");
            let exp = now.unix_timestamp() + 60;
            let token = key
                .sign(
                    "JWT",
                    &json!({ "iss": "https://id.example", "sub": "x", "exp": exp }),
                )
                .expect("sign");
            assert_eq!(kid_of(&token).as_deref(), Some(stored.kid.as_str()));
            let claims: Value = key.verify(&token, "https://id.example").expect("valid");
            assert_eq!(claims["sub"], "x");
            assert!(key
                .verify::<Value>(&token, "https://other.example")
                .is_none());
            let mut forged = token.clone();
            forged.pop();
            forged.push(if token.ends_with('A') { 'B' } else { 'A' });
            assert!(
                key.verify::<Value>(&forged, "https://id.example").is_none(),
                "{alg:?}"
            );
            let other = MasterKey::generate(&SystemRandom);
            assert!(SigningKey::open(&stored, &other).is_err());
        }
    }
}

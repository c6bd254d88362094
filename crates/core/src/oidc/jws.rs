//! Compact JSON Web Signatures ([RFC 7515 §7.1](https://www.rfc-editor.org/rfc/rfc7515#section-7.1))
//! over parsed RustCrypto keys.
//!
//! Written here rather than taken from `jsonwebtoken`: that crate rebuilds its signer
//! from the DER key for every token — for Ed25519 and P-256 that derives the public key
//! again (a scalar multiplication as costly as the signature), for RSA it parses the
//! key — and its verifier decompresses the public key for every token. Sigil signs on
//! every token request, so it keeps each key parsed once. Only the serialization is
//! ours; the signature schemes are RustCrypto's (`ed25519-dalek`, `p256`, `rsa`).
use anyhow::Context;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::Sha256;
use signature::{SignatureEncoding, Signer, Verifier};

use super::jose::SigningAlg;

/// A private key with its public half, ready to sign and verify.
pub(crate) enum KeyPair {
    Rs256(
        Box<rsa::pkcs1v15::SigningKey<Sha256>>,
        Box<rsa::pkcs1v15::VerifyingKey<Sha256>>,
    ),
    Es256(Box<p256::ecdsa::SigningKey>, Box<p256::ecdsa::VerifyingKey>),
    EdDsa(
        Box<ed25519_dalek::SigningKey>,
        Box<ed25519_dalek::VerifyingKey>,
    ),
}

impl KeyPair {
    /// Parses the private key as [`super::jose::generate`] encodes it: PKCS#1 for RSA,
    /// PKCS#8 for P-256 and Ed25519.
    pub(crate) fn from_der(alg: SigningAlg, der: &[u8]) -> anyhow::Result<Self> {
        Ok(match alg {
            SigningAlg::RS256 => {
                use rsa::pkcs1::DecodeRsaPrivateKey;
                let mut key = rsa::RsaPrivateKey::from_pkcs1_der(der).context("RSA key")?;
                key.precompute().context("RSA key")?;
                let signing = rsa::pkcs1v15::SigningKey::<Sha256>::new(key);
                let verifying = signing.as_ref().to_public_key();
                Self::Rs256(
                    Box::new(signing),
                    Box::new(rsa::pkcs1v15::VerifyingKey::new(verifying)),
                )
            }
            SigningAlg::ES256 => {
                use p256::pkcs8::DecodePrivateKey;
                let key = p256::ecdsa::SigningKey::from_pkcs8_der(der).context("EC key")?;
                let public = *key.verifying_key();
                Self::Es256(Box::new(key), Box::new(public))
            }
            SigningAlg::EdDSA => {
                use ed25519_dalek::pkcs8::DecodePrivateKey;
                let key = ed25519_dalek::SigningKey::from_pkcs8_der(der).context("Ed25519 key")?;
                let public = key.verifying_key();
                Self::EdDsa(Box::new(key), Box::new(public))
            }
        })
    }

    pub(crate) fn alg(&self) -> SigningAlg {
        match self {
            Self::Rs256(..) => SigningAlg::RS256,
            Self::Es256(..) => SigningAlg::ES256,
            Self::EdDsa(..) => SigningAlg::EdDSA,
        }
    }

    fn sign_bytes(&self, message: &[u8]) -> anyhow::Result<Vec<u8>> {
        Ok(match self {
            Self::Rs256(key, _) => key.try_sign(message)?.to_vec(),
            // JWS wants the fixed-size R ‖ S form (RFC 7518 §3.4), which is p256's.
            Self::Es256(key, _) => {
                let sig: p256::ecdsa::Signature = key.try_sign(message)?;
                sig.to_bytes().to_vec()
            }
            Self::EdDsa(key, _) => key.try_sign(message)?.to_bytes().to_vec(),
        })
    }

    fn verify_bytes(&self, message: &[u8], sig: &[u8]) -> bool {
        match self {
            Self::Rs256(_, key) => rsa::pkcs1v15::Signature::try_from(sig)
                .is_ok_and(|s| key.verify(message, &s).is_ok()),
            Self::Es256(_, key) => p256::ecdsa::Signature::from_slice(sig)
                .is_ok_and(|s| key.verify(message, &s).is_ok()),
            Self::EdDsa(_, key) => ed25519_dalek::Signature::from_slice(sig)
                .is_ok_and(|s| key.verify_strict(message, &s).is_ok()),
        }
    }

    /// Signs `claims` as a compact JWS with the header `{alg, kid, typ}`.
    pub(crate) fn sign(
        &self,
        kid: &str,
        typ: &str,
        claims: &impl Serialize,
    ) -> anyhow::Result<String> {
        let header = Header {
            alg: self.alg().as_str(),
            kid: Some(kid),
            typ: Some(typ),
        };
        let mut out = String::with_capacity(512);
        URL_SAFE_NO_PAD.encode_string(serde_json::to_vec(&header)?, &mut out);
        out.push('.');
        URL_SAFE_NO_PAD.encode_string(serde_json::to_vec(claims)?, &mut out);
        let sig = self.sign_bytes(out.as_bytes())?;
        out.push('.');
        URL_SAFE_NO_PAD.encode_string(sig, &mut out);
        Ok(out)
    }

    /// The claims of `token` if it is a compact JWS signed by this key with this key's
    /// algorithm, without critical header parameters, and its `iss` is `issuer`.
    pub(crate) fn verify<T: DeserializeOwned>(&self, token: &str, issuer: &str) -> Option<T> {
        let (input, sig) = token.rsplit_once('.')?;
        let (header, payload) = input.split_once('.')?;
        let header: ReadHeader = serde_json::from_slice(&decode(header)?).ok()?;
        // RFC 7515 §4.1.11: a `crit` we would have to understand is never ours.
        if header.alg != self.alg().as_str() || header.crit.is_some() {
            return None;
        }
        if !self.verify_bytes(input.as_bytes(), &decode(sig)?) {
            return None;
        }
        let claims: serde_json::Map<String, Value> =
            serde_json::from_slice(&decode(payload)?).ok()?;
        if claims.get("iss").and_then(Value::as_str) != Some(issuer) {
            return None;
        }
        serde_json::from_value(Value::Object(claims)).ok()
    }
}

#[derive(Serialize)]
struct Header<'a> {
    alg: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    kid: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    typ: Option<&'a str>,
}

#[derive(Deserialize)]
struct ReadHeader {
    alg: String,
    #[serde(default)]
    kid: Option<String>,
    #[serde(default)]
    crit: Option<Value>,
}

/// Strict base64url without padding; anything else is not one of our tokens.
fn decode(part: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(part).ok()
}

/// The `kid` of a compact JWS, read without verifying anything.
pub fn kid_of(token: &str) -> Option<String> {
    let header = token.split('.').next()?;
    let header: ReadHeader = serde_json::from_slice(&decode(header)?).ok()?;
    header.kid
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oidc::jose::{generate, MasterKey};
    use crate::random::SystemRandom;
    use serde_json::json;

    fn pair(alg: SigningAlg) -> KeyPair {
        let master = MasterKey::generate(&SystemRandom);
        let stored = generate(alg, &master, &SystemRandom, time::OffsetDateTime::now_utc())
            .expect("generate");
        let der = master
            .open(&stored.kid, &stored.private_sealed)
            .expect("unseal");
        KeyPair::from_der(alg, &der).expect("parse")
    }

    /// A token with `header` over `claims`, signed properly by `key`.
    fn forge(key: &KeyPair, header: &Value, claims: &Value) -> String {
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let sig = key.sign_bytes(input.as_bytes()).expect("sign");
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig))
    }

    #[test]
    fn only_our_algorithm_without_crit_and_strict_base64_verifies() {
        let claims = json!({ "iss": "https://id.example", "sub": "x" });
        for alg in SigningAlg::ALL {
            let key = pair(alg);
            let good = key.sign("k1", "JWT", &claims).expect("sign");
            assert_eq!(kid_of(&good).as_deref(), Some("k1"));
            assert!(key.verify::<Value>(&good, "https://id.example").is_some());

            let other_alg = SigningAlg::ALL
                .into_iter()
                .find(|a| *a != alg)
                .expect("alg");
            let header = json!({ "alg": other_alg.as_str(), "kid": "k1" });
            assert!(key
                .verify::<Value>(&forge(&key, &header, &claims), "https://id.example")
                .is_none());
            let header = json!({ "alg": "none" });
            let unsigned = format!(
                "{}.{}.",
                URL_SAFE_NO_PAD.encode(header.to_string()),
                URL_SAFE_NO_PAD.encode(claims.to_string())
            );
            assert!(key
                .verify::<Value>(&unsigned, "https://id.example")
                .is_none());
            let header = json!({ "alg": alg.as_str(), "crit": ["exp"], "exp": 1 });
            assert!(key
                .verify::<Value>(&forge(&key, &header, &claims), "https://id.example")
                .is_none());
            let padded = format!("{good}==");
            assert!(key.verify::<Value>(&padded, "https://id.example").is_none());
            let no_iss = forge(
                &key,
                &json!({ "alg": alg.as_str() }),
                &json!({ "sub": "x" }),
            );
            assert!(key.verify::<Value>(&no_iss, "https://id.example").is_none());
            let extra = format!("{good}.x");
            assert!(key.verify::<Value>(&extra, "https://id.example").is_none());
        }
    }
}

//! Compact JSON Web Signatures ([RFC 7515 §7.1](https://www.rfc-editor.org/rfc/rfc7515#section-7.1))
//! over keys parsed once.
//!
//! Written here rather than taken from `jsonwebtoken`: that crate rebuilds its signer
//! from the DER key for every token — for Ed25519 and P-256 that derives the public key
//! again (a scalar multiplication as costly as the signature), for RSA it parses the
//! key — and its verifier parses the public key for every token. Sigil signs on every
//! token request, so it keeps each key parsed once. Only the serialization is ours; the
//! signature schemes are AWS-LC's through `aws-lc-rs` (ring's API): its RSA is constant
//! time and blinded, unlike the `rsa` crate's (RUSTSEC-2023-0071), and its Ed25519 and
//! P-256 use assembly that signs in about half the time of the pure-Rust crates.
use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    EcdsaKeyPair, Ed25519KeyPair, KeyPair as _, ParsedPublicKey, RsaKeyPair,
    ECDSA_P256_SHA256_FIXED, ECDSA_P256_SHA256_FIXED_SIGNING, ED25519, RSA_PKCS1_2048_8192_SHA256,
    RSA_PKCS1_SHA256,
};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::jose::SigningAlg;

/// A private key with its public half, ready to sign and verify.
pub(crate) struct KeyPair {
    signer: Signer,
    verifier: ParsedPublicKey,
}

enum Signer {
    Rs256(RsaKeyPair),
    Es256(EcdsaKeyPair),
    EdDsa(Ed25519KeyPair),
}

/// A new private key in PKCS#8, with the public key as a JWK (`kty`, `crv`, `n`, `e`,
/// `x`, `y`).
pub(crate) fn generate(alg: SigningAlg) -> anyhow::Result<(Vec<u8>, Value)> {
    let b64 = |b: &[u8]| URL_SAFE_NO_PAD.encode(b);
    Ok(match alg {
        SigningAlg::RS256 => {
            let key = RsaKeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048)
                .map_err(|_| anyhow::anyhow!("generating an RSA key"))?;
            let der: Pkcs8V1Der = key
                .as_der()
                .map_err(|_| anyhow::anyhow!("encoding the RSA key"))?;
            let public = key.public_key();
            let members = json!({
                "kty": "RSA",
                "n": b64(public.modulus().big_endian_without_leading_zero()),
                "e": b64(public.exponent().big_endian_without_leading_zero()),
            });
            (der.as_ref().to_vec(), members)
        }
        SigningAlg::ES256 => {
            let key = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING)
                .map_err(|_| anyhow::anyhow!("generating an EC key"))?;
            let der = key
                .to_pkcs8v1()
                .map_err(|_| anyhow::anyhow!("encoding the EC key"))?;
            // The uncompressed point: 0x04 ‖ x ‖ y (SEC 1 §2.3.3).
            let point = key.public_key().as_ref();
            anyhow::ensure!(point.len() == 65 && point[0] == 4, "unexpected EC point");
            let members = json!({
                "kty": "EC", "crv": "P-256", "x": b64(&point[1..33]), "y": b64(&point[33..]),
            });
            (der.as_ref().to_vec(), members)
        }
        SigningAlg::EdDSA => {
            let key = Ed25519KeyPair::generate()
                .map_err(|_| anyhow::anyhow!("generating an Ed25519 key"))?;
            let der = key
                .to_pkcs8()
                .map_err(|_| anyhow::anyhow!("encoding the Ed25519 key"))?;
            let members = json!({
                "kty": "OKP", "crv": "Ed25519", "x": b64(key.public_key().as_ref()),
            });
            (der.as_ref().to_vec(), members)
        }
    })
}

impl KeyPair {
    /// Parses a private key as [`generate`] encodes it (PKCS#8), or as Sigil encoded it
    /// before it used AWS-LC: PKCS#1 for RSA, PKCS#8 v1 or v2 for P-256 and Ed25519.
    pub(crate) fn from_der(alg: SigningAlg, der: &[u8]) -> anyhow::Result<Self> {
        let rejected = |what: &str| anyhow::anyhow!("unusable {what} key");
        let (signer, verifier) = match alg {
            SigningAlg::RS256 => {
                let key = RsaKeyPair::from_pkcs8(der)
                    .or_else(|_| RsaKeyPair::from_der(der))
                    .map_err(|_| rejected("RSA"))?;
                let verifier =
                    ParsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, key.public_key().as_ref())
                        .map_err(|_| rejected("RSA"))?;
                (Signer::Rs256(key), verifier)
            }
            SigningAlg::ES256 => {
                let key = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, der)
                    .map_err(|_| rejected("EC"))?;
                let verifier =
                    ParsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, key.public_key().as_ref())
                        .map_err(|_| rejected("EC"))?;
                (Signer::Es256(key), verifier)
            }
            SigningAlg::EdDSA => {
                let key = Ed25519KeyPair::from_pkcs8_maybe_unchecked(der)
                    .map_err(|_| rejected("Ed25519"))?;
                let verifier = ParsedPublicKey::new(&ED25519, key.public_key().as_ref())
                    .map_err(|_| rejected("Ed25519"))?;
                (Signer::EdDsa(key), verifier)
            }
        };
        Ok(Self { signer, verifier })
    }

    pub(crate) fn alg(&self) -> SigningAlg {
        match self.signer {
            Signer::Rs256(_) => SigningAlg::RS256,
            Signer::Es256(_) => SigningAlg::ES256,
            Signer::EdDsa(_) => SigningAlg::EdDSA,
        }
    }

    fn sign_bytes(&self, message: &[u8]) -> anyhow::Result<Vec<u8>> {
        let failed = |_| anyhow::anyhow!("signing failed");
        Ok(match &self.signer {
            Signer::Rs256(key) => {
                let mut sig = vec![0; key.public_modulus_len()];
                key.sign(&RSA_PKCS1_SHA256, &SystemRandom::new(), message, &mut sig)
                    .map_err(failed)?;
                sig
            }
            // JWS wants the fixed-size R ‖ S form (RFC 7518 §3.4), which FIXED is.
            Signer::Es256(key) => key
                .sign(&SystemRandom::new(), message)
                .map_err(failed)?
                .as_ref()
                .to_vec(),
            Signer::EdDsa(key) => key.sign(message).as_ref().to_vec(),
        })
    }

    fn verify_bytes(&self, message: &[u8], sig: &[u8]) -> bool {
        self.verifier.verify_sig(message, sig).is_ok()
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
    typ: Option<String>,
    #[serde(default)]
    crit: Option<Value>,
}

/// Strict base64url without padding; anything else is not one of our tokens.
fn decode(part: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(part).ok()
}

fn header_of(token: &str) -> Option<ReadHeader> {
    let header = token.split('.').next()?;
    serde_json::from_slice(&decode(header)?).ok()
}

/// The `kid` of a compact JWS, read without verifying anything.
pub fn kid_of(token: &str) -> Option<String> {
    header_of(token)?.kid
}

/// Whether the header's `typ` ([RFC 7515 §4.1.9](https://www.rfc-editor.org/rfc/rfc7515#section-4.1.9))
/// is absent or `JWT`, as on an ID token; an access token says `at+jwt`
/// ([RFC 9068 §2.1](https://www.rfc-editor.org/rfc/rfc9068#section-2.1)). Read without
/// verifying: the caller verifies the signature, which covers the header.
pub fn is_plain_jwt(token: &str) -> bool {
    header_of(token).is_some_and(|h| {
        h.typ.as_deref().is_none_or(|t| {
            t.eq_ignore_ascii_case("JWT") || t.eq_ignore_ascii_case("application/jwt")
        })
    })
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

    /// Keys and tokens made by the RustCrypto code Sigil used before AWS-LC (PKCS#1 for
    /// RSA, PKCS#8 v1 for P-256, v2 for Ed25519): databases keep such keys.
    #[test]
    fn keys_stored_before_aws_lc_still_sign_and_verify() {
        use base64::engine::general_purpose::STANDARD;
        let fixtures = include_str!("testdata/rustcrypto_keys.txt");
        let mut seen = Vec::new();
        for line in fixtures.lines() {
            let fields: Vec<&str> = line.split(' ').collect();
            let [alg, der, _jwk, token] = fields[..] else {
                panic!("fixture line: {line}");
            };
            let alg = SigningAlg::parse(alg).expect("alg");
            let key = KeyPair::from_der(alg, &STANDARD.decode(der).expect("base64"))
                .expect("old key parses");
            let claims: Value = key
                .verify(token, "https://id.example")
                .expect("the old signature verifies");
            assert_eq!(claims["sub"], "x");
            let fresh = key
                .sign("k", "JWT", &json!({ "iss": "https://id.example" }))
                .expect("sign");
            assert!(key.verify::<Value>(&fresh, "https://id.example").is_some());
            seen.push(alg);
        }
        assert_eq!(seen, SigningAlg::ALL);
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

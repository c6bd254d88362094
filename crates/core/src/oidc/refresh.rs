//! Refresh tokens: `<family>.<generation>.<tag>`, where the tag is an HMAC-SHA-256 of
//! family and generation under a key derived from the master key.
//!
//! A family keeps only its current generation; a rotation moves it one on in place.
//! Every token the family ever had is still recognised exactly: the tag proves Sigil
//! issued it, and a generation behind the current one is a replay, which ends the
//! family ([RFC 9700 §4.14.2](https://www.rfc-editor.org/rfc/rfc9700#section-4.14.2)).
//! Nothing that could be presented is stored: the database alone yields no token, as
//! with hashed tokens, and a rotation writes one row instead of adding one per use.
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// What a genuine refresh token names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefreshClaim {
    pub family_id: String,
    pub generation: i64,
}

/// The key refresh tokens are tagged with.
#[derive(Clone)]
pub struct RefreshKey([u8; 32]);

impl RefreshKey {
    /// Derives the refresh-token key from the master key, for this one purpose.
    pub fn derive(master: &[u8; 32]) -> Self {
        let mut mac = HmacSha256::new_from_slice(master).expect("HMAC takes any key length");
        mac.update(b"sigil refresh tokens v1");
        Self(mac.finalize().into_bytes().into())
    }

    fn mac(&self, family_id: &str, generation: i64) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(family_id.as_bytes());
        mac.update(b".");
        mac.update(&generation.to_be_bytes());
        mac
    }

    /// The token for generation `generation` of family `family_id`.
    pub fn issue(&self, family_id: &str, generation: i64) -> String {
        let tag = self.mac(family_id, generation).finalize().into_bytes();
        format!(
            "{family_id}.{generation}.{}",
            URL_SAFE_NO_PAD.encode(tag.as_slice())
        )
    }

    /// What `token` names, if Sigil issued it; the tag is compared in constant time.
    pub fn open(&self, token: &str) -> Option<RefreshClaim> {
        if token.len() > 200 {
            return None;
        }
        let mut parts = token.split('.');
        let (family_id, generation, tag) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || family_id.is_empty() {
            return None;
        }
        // Digits only: `+1` or `01` would name the same generation as another token.
        if generation.is_empty()
            || !generation.bytes().all(|b| b.is_ascii_digit())
            || generation.len() > 1 && generation.starts_with('0')
        {
            return None;
        }
        let generation: i64 = generation.parse().ok()?;
        let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
        self.mac(family_id, generation).verify_slice(&tag).ok()?;
        Some(RefreshClaim {
            family_id: family_id.to_owned(),
            generation,
        })
    }
}

impl std::fmt::Debug for RefreshKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RefreshKey(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_issued_token_opens_to_its_family_and_generation() {
        let key = RefreshKey::derive(&[1; 32]);
        let token = key.issue("fam-Id_1", 41);
        assert_eq!(
            key.open(&token),
            Some(RefreshClaim {
                family_id: "fam-Id_1".into(),
                generation: 41
            })
        );
    }

    #[test]
    fn a_changed_or_foreign_token_does_not_open() {
        let key = RefreshKey::derive(&[1; 32]);
        let token = key.issue("fam", 3);
        let tag = token.rsplit('.').next().expect("tag");
        for forged in [
            format!("fam.4.{tag}"),
            format!("fbm.3.{tag}"),
            format!("fam.03.{tag}"),
            format!("fam.+3.{tag}"),
            format!("fam.3.{tag}="),
            format!("fam.3.{tag}.x"),
            format!(".3.{tag}"),
            "fam.3".into(),
            String::new(),
            token[..token.len() - 1].to_owned(),
        ] {
            assert_eq!(key.open(&forged), None, "{forged}");
        }
        assert_eq!(RefreshKey::derive(&[2; 32]).open(&token), None);
    }
}

//! Keyed pseudonyms of young people for the supervision log.
//!
//! The log must let a coordinator follow one young person across exchanges without holding
//! their Discord id. A keyed hash (HMAC-SHA256) gives a stable pseudonym that nobody can
//! recompute without the operator's key, unlike a plain hash of a guessable snowflake.

use std::fmt;

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Number of hex digits kept from the HMAC: 40 bits, enough to tell apart the young people
/// of a network while staying short enough to read aloud in a meeting.
const PSEUDONYM_HEX_LEN: usize = 10;

/// Prefix of every pseudonym ("j" for jeune), so a pseudonym is never mistaken for an id.
const PSEUDONYM_PREFIX: &str = "j-";

/// The smallest key accepted: shorter keys are guessable.
pub const MIN_KEY_LEN: usize = 32;

/// The operator's secret key (`PROMENEUR_PSEUDONYM_KEY`). Its `Debug` never shows the key.
#[derive(Clone, PartialEq, Eq)]
pub struct PseudonymKey(Vec<u8>);

/// Why a pseudonym key was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PseudonymKeyError {
    #[error("the pseudonym key is {len} bytes long; it must be at least {MIN_KEY_LEN} bytes")]
    TooShort { len: usize },
}

impl PseudonymKey {
    /// Builds a key from secret bytes, refusing keys shorter than [`MIN_KEY_LEN`].
    pub fn new(bytes: impl Into<Vec<u8>>) -> Result<Self, PseudonymKeyError> {
        let bytes = bytes.into();
        if bytes.len() < MIN_KEY_LEN {
            return Err(PseudonymKeyError::TooShort { len: bytes.len() });
        }
        Ok(Self(bytes))
    }

    /// The pseudonym of a Discord user id, e.g. `j-3f9a1c2b7d`: stable for a given key.
    pub fn pseudonym(&self, user_id: u64) -> Pseudonym {
        // HMAC accepts keys of any length, so this cannot fail.
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0)
            .expect("HMAC-SHA256 accepts keys of any length");
        mac.update(user_id.to_string().as_bytes());
        let digest = mac.finalize().into_bytes();
        let hex = hex::encode(digest);
        Pseudonym(format!("{PSEUDONYM_PREFIX}{}", &hex[..PSEUDONYM_HEX_LEN]))
    }
}

impl fmt::Debug for PseudonymKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PseudonymKey(<redacted>)")
    }
}

/// A young person's pseudonym as stored in the supervision log.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pseudonym(String);

impl Pseudonym {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Pseudonym {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> PseudonymKey {
        PseudonymKey::new(text.as_bytes().to_vec()).expect("test keys are long enough")
    }

    #[test]
    fn the_same_user_and_key_always_give_the_same_pseudonym() {
        let key = key("a key for the network of Lyon, kept apart");
        assert_eq!(key.pseudonym(123_456_789), key.pseudonym(123_456_789));
    }

    #[test]
    fn a_pseudonym_is_short_prefixed_lowercase_hex() {
        let pseudonym = key("a key for the network of Lyon, kept apart").pseudonym(42);
        let text = pseudonym.as_str();
        assert_eq!(text.len(), PSEUDONYM_PREFIX.len() + PSEUDONYM_HEX_LEN);
        assert!(text.starts_with("j-"));
        assert!(text[2..]
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    }

    #[test]
    fn a_pseudonym_matches_the_hmac_sha256_reference() {
        // Reference computed independently:
        // printf '%s' 42 | openssl dgst -sha256 -hmac 'a key for the network of Lyon, kept apart'
        assert_eq!(
            key("a key for the network of Lyon, kept apart")
                .pseudonym(42)
                .as_str(),
            "j-74d056c8f1"
        );
    }

    #[test]
    fn different_users_get_different_pseudonyms() {
        let key = key("a key for the network of Lyon, kept apart");
        assert_ne!(key.pseudonym(1), key.pseudonym(2));
    }

    #[test]
    fn a_different_key_gives_a_different_pseudonym() {
        let a = key("a key for the network of Lyon, kept apart");
        let b = key("a key for the network of Lille, kept apart");
        assert_ne!(a.pseudonym(42), b.pseudonym(42));
    }

    #[test]
    fn the_key_debug_output_never_shows_the_secret() {
        let shown = format!("{:?}", key("super secret pseudonym key of the network"));
        assert!(!shown.contains("super"));
        assert!(!shown.contains("secret pseudonym"));
        assert_eq!(shown, "PseudonymKey(<redacted>)");
    }

    #[test]
    fn short_keys_are_refused() {
        assert_eq!(
            PseudonymKey::new(b"short".to_vec()),
            Err(PseudonymKeyError::TooShort { len: 5 })
        );
    }
}

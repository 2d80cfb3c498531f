//! Password policy and argon2id hashing.
//!
//! Hashing is CPU-heavy by design, so callers run it through [`hash_password`] /
//! [`verify_password`], which move the work off the async runtime.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 128;

/// A password that meets the policy: 12 to 128 Unicode code points, nothing else required.
/// Never `Serialize`, never `Debug`-printed.
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(input: String) -> Result<Self, String> {
        let chars = input.chars().count();
        if chars < MIN_PASSWORD_CHARS {
            return Err(format!("Use at least {MIN_PASSWORD_CHARS} characters."));
        }
        if chars > MAX_PASSWORD_CHARS {
            return Err(format!("Use at most {MAX_PASSWORD_CHARS} characters."));
        }
        Ok(NewPassword(input))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(…)")
    }
}

/// argon2id with the OWASP-recommended parameters: 19 MiB memory, 2 passes, 1 lane.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19_456, 2, 1, None).expect("static argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn hash_blocking(password: &str) -> String {
    let mut salt_bytes = [0u8; 16];
    getrandom::fill(&mut salt_bytes).expect("the OS random generator is available");
    let salt = SaltString::encode_b64(&salt_bytes).expect("16 bytes is a valid salt length");
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashing with valid parameters cannot fail")
        .to_string()
}

fn verify_blocking(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| argon2().verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

/// Hashes on a blocking thread.
pub async fn hash_password(password: &NewPassword) -> String {
    let password = password.expose().to_owned();
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .expect("password hashing task panicked")
}

/// Verifies on a blocking thread; a malformed stored hash simply does not match.
pub async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || verify_blocking(&password, &hash))
        .await
        .unwrap_or(false)
}

/// A real hash of a random secret, verified against when no user matches, so that an unknown
/// email costs the same time as a wrong password.
pub async fn decoy_hash() -> String {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).expect("the OS random generator is available");
    let secret: String = secret.iter().map(|b| format!("{b:02x}")).collect();
    hash_password(&NewPassword(secret)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eleven_characters_are_too_few_and_twelve_are_enough() {
        assert!(NewPassword::parse("a".repeat(11)).is_err());
        assert!(NewPassword::parse("a".repeat(12)).is_ok());
    }

    #[test]
    fn length_is_counted_in_code_points_not_bytes() {
        // 12 emoji are 48 bytes but 12 characters.
        assert!(NewPassword::parse("🔒".repeat(12)).is_ok());
        assert!(NewPassword::parse("🔒".repeat(129)).is_err());
        assert!(NewPassword::parse("🔒".repeat(128)).is_ok());
    }

    #[tokio::test]
    async fn a_hash_verifies_its_own_password_and_no_other() {
        let password = NewPassword::parse("correct horse battery".into()).unwrap();
        let hash = hash_password(&password).await;
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_password("correct horse battery".into(), hash.clone()).await);
        assert!(!verify_password("correct horse battery!".into(), hash).await);
    }

    #[tokio::test]
    async fn a_malformed_stored_hash_never_matches() {
        assert!(!verify_password("anything at all".into(), "not-a-hash".into()).await);
    }
}

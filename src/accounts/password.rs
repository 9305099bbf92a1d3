//! Argon2id password hashes as PHC strings, with OWASP's parameters (19 MiB, 2 passes,
//! 1 lane: the argon2 crate's defaults). Request handlers use the `_off_thread` versions.

use std::sync::LazyLock;

use argon2::{ARGON2ID_IDENT, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier};
use tokio::sync::Semaphore;

use crate::error::AppError;

/// At most this many hashes at once, leaving a core for page views: a burst of logins
/// queues up instead of starving every other request of CPU.
static HASHING_SLOTS: LazyLock<Semaphore> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    Semaphore::new(cores.saturating_sub(1).max(1))
});

async fn off_thread<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    let _slot = HASHING_SLOTS
        .acquire()
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("hashing slots closed: {e}")))?;
    actix_web::web::block(work)
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("hashing task failed: {e}")))
}

/// `hash` on the blocking pool, within the hashing limit.
pub async fn hash_off_thread(password: String) -> Result<String, AppError> {
    Ok(off_thread(move || hash(&password)).await??)
}

/// `verify` on the blocking pool, within the hashing limit. With `Verified::YesButRehash`
/// also returns the fresh hash to store.
pub async fn verify_off_thread(
    password: String,
    stored: Option<String>,
) -> Result<(Verified, Option<String>), AppError> {
    off_thread(move || {
        let verified = verify(&password, stored.as_deref());
        let rehash = match verified {
            Verified::YesButRehash => hash(&password).ok(),
            _ => None,
        };
        (verified, rehash)
    })
    .await
}

fn hasher() -> Argon2<'static> {
    Argon2::default()
}

/// A PHC string: `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`.
pub fn hash(password: &str) -> anyhow::Result<String> {
    hasher()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| anyhow::anyhow!("password hashing failed: {e}"))
}

/// A hash of a password nobody knows, verified against for unknown accounts so that the
/// answer takes as long as for a real one.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash("glowpress dummy password for timing").unwrap_or_default());

pub enum Verified {
    No,
    Yes,
    /// Right password, but the hash uses other parameters: store a fresh hash.
    YesButRehash,
}

/// Checks `password` against `stored` (or the dummy hash when there is no account).
pub fn verify(password: &str, stored: Option<&str>) -> Verified {
    let Some(stored) = stored else {
        let _ = hasher().verify_password(password.as_bytes(), DUMMY_HASH.as_str());
        return Verified::No;
    };
    let Ok(parsed) = PasswordHash::new(stored) else {
        return Verified::No;
    };
    if hasher()
        .verify_password(password.as_bytes(), &parsed)
        .is_err()
    {
        return Verified::No;
    }
    if uses_current_parameters(&parsed) {
        Verified::Yes
    } else {
        Verified::YesButRehash
    }
}

fn uses_current_parameters(parsed: &PasswordHash) -> bool {
    let current = Params::default();
    parsed.algorithm == ARGON2ID_IDENT
        && Params::try_from(parsed).is_ok_and(|p| {
            p.m_cost() == current.m_cost()
                && p.t_cost() == current.t_cost()
                && p.p_cost() == current.p_cost()
        })
}

/// A short value that changes whenever the password does; kept in the session so that
/// changing the password logs out every other session.
pub fn fingerprint(stored_hash: &str) -> String {
    let tail: String = stored_hash.chars().rev().take(16).collect();
    tail.chars().rev().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_is_argon2id_with_owasp_parameters_and_verifies() {
        let stored = hash("correct horse battery staple").unwrap();
        assert!(
            stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{stored}"
        );
        assert!(matches!(
            verify("correct horse battery staple", Some(&stored)),
            Verified::Yes
        ));
        assert!(matches!(verify("wrong", Some(&stored)), Verified::No));
    }

    #[test]
    fn an_old_parameter_set_is_flagged_for_rehash() {
        let weak = Argon2::new(
            argon2::Algorithm::Argon2id,
            argon2::Version::V0x13,
            Params::new(8192, 1, 1, None).unwrap(),
        );
        let stored = weak.hash_password(b"passphrase here").unwrap().to_string();
        assert!(matches!(
            verify("passphrase here", Some(&stored)),
            Verified::YesButRehash
        ));
    }

    #[test]
    fn unknown_accounts_and_garbage_hashes_never_verify() {
        assert!(matches!(verify("anything", None), Verified::No));
        assert!(matches!(
            verify("anything", Some("not a hash")),
            Verified::No
        ));
    }

    #[test]
    fn the_fingerprint_changes_with_the_hash() {
        let a = hash("first password").unwrap();
        let b = hash("first password").unwrap();
        assert_ne!(fingerprint(&a), fingerprint(&b));
        assert_eq!(fingerprint(&a).len(), 16);
    }
}

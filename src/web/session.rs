//! Sessions: signed cookies by default, Redis when REDIS_URL is set. The signing key is
//! generated once and kept in the database (or given in the config), so restarts and other
//! nodes accept the same cookies.

use actix_session::SessionMiddleware;
use actix_session::config::{BrowserSession, CookieContentSecurity};
use actix_session::storage::{
    LoadError, RedisSessionStore, SaveError, SessionKey, SessionStore, UpdateError,
};
use actix_web::body::MessageBody;
use actix_web::cookie::{Key, SameSite, time::Duration};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::InternalError;
use actix_web::middleware::Next;
use diesel::prelude::*;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

use crate::db::DbConn;
use crate::db::schema::settings;
use crate::error::AppError;
use crate::web::tokens::hex;

pub const COOKIE_NAME: &str = "glowpress_session";
/// Kept out of `settings::DEFINITIONS`, so `settings list` never prints it.
const KEY_SETTING: &str = "secret_session_key";

/// The application's secrets, all derived from the session key. The derived keys are kept
/// as keyed HMAC states, so that a signature hashes only its message, not the key again.
#[derive(Clone)]
pub struct Secrets {
    pub session_key: Key,
    address_key: Hmac<Sha256>,
    signing_key: Hmac<Sha256>,
    order_link_key: Hmac<Sha256>,
}

impl Secrets {
    pub fn from_master(master: &[u8]) -> anyhow::Result<Secrets> {
        let session_key = Key::try_from(master)
            .map_err(|_| anyhow::anyhow!("the session key must be at least 64 bytes"))?;
        let master_key = keyed(master);
        let derived = |purpose: &[u8]| keyed(&derive(&master_key, purpose));
        Ok(Secrets {
            address_key: derived(b"client address hashing"),
            signing_key: derived(b"form signing"),
            order_link_key: derived(b"order links"),
            session_key,
        })
    }

    /// A short signature of `message` (for values a form sends back).
    pub fn sign(&self, message: &str) -> String {
        hex(&derive(&self.signing_key, message.as_bytes())[..12])
    }

    /// The key in an order's link in its emails (128 bits): it shows the order in any
    /// browser, so a guest can open it on another device. Unguessable without the site's key.
    pub fn order_link_key(&self, public_id: &str) -> String {
        hex(&derive(&self.order_link_key, public_id.as_bytes())[..16])
    }

    /// Whether `key` is the order link key of `public_id`, compared in constant time.
    pub fn is_order_link_key(&self, public_id: &str, key: &str) -> bool {
        crate::web::tokens::same_token(key.as_bytes(), self.order_link_key(public_id).as_bytes())
    }

    /// A keyed hash of a client address: counters and records keep this, never the address.
    pub fn hash_address(&self, address: &str) -> String {
        hex(&derive(&self.address_key, address.as_bytes())[..16])
    }
}

fn keyed(key: &[u8]) -> Hmac<Sha256> {
    <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length")
}

/// HMAC-SHA256 of `message` under `key`.
fn derive(key: &Hmac<Sha256>, message: &[u8]) -> Vec<u8> {
    let mut mac = key.clone();
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

/// The configured key (128 hex characters), or the one in the database, created on first
/// start. Two nodes starting at once agree: the loser of the insert reads the winner's key.
pub fn load_secrets(conn: &mut DbConn, configured: Option<&str>) -> anyhow::Result<Secrets> {
    if let Some(hex_key) = configured {
        return Secrets::from_master(&parse_hex(hex_key.trim())?);
    }
    let stored: Option<String> = settings::table
        .find(KEY_SETTING)
        .select(settings::value)
        .first(conn)
        .optional()?;
    let hex_key = match stored {
        Some(key) => key,
        None => {
            let fresh = format!(
                "{}{}",
                crate::web::tokens::new_token(),
                crate::web::tokens::new_token()
            );
            let inserted = diesel::insert_into(settings::table)
                .values((settings::key.eq(KEY_SETTING), settings::value.eq(&fresh)))
                .execute(conn);
            match inserted {
                Ok(_) => fresh,
                Err(_) => settings::table
                    .find(KEY_SETTING)
                    .select(settings::value)
                    .first(conn)?,
            }
        }
    };
    Secrets::from_master(&parse_hex(&hex_key)?)
}

fn parse_hex(text: &str) -> anyhow::Result<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        anyhow::bail!("the session key must be hexadecimal (128 characters)");
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).map_err(Into::into))
        .collect()
}

/// The session middleware over any store: a browser-session cookie (it ends when the
/// browser closes; "Remember me" is a separate cookie), HttpOnly, SameSite=Lax, Secure
/// when the site is served over HTTPS.
pub fn middleware<S: SessionStore + 'static>(
    store: S,
    secrets: &Secrets,
    secure: bool,
) -> SessionMiddleware<S> {
    SessionMiddleware::builder(store, secrets.session_key.clone())
        .cookie_name(COOKIE_NAME.to_owned())
        .cookie_http_only(true)
        .cookie_same_site(SameSite::Lax)
        .cookie_secure(secure)
        .cookie_content_security(CookieContentSecurity::Private)
        .session_lifecycle(BrowserSession::default().state_ttl(Duration::days(14)))
        .build()
}

/// actix-session answers a failure of its store (Redis away) with an empty 500 of its own,
/// outside the error pages: this turns it into the 503 page. A request without a session
/// never asks the store, so logged-out reading goes on. (The page is made from the error, by
/// `AppError::error_response`: a middleware before routing must not keep a copy of the
/// request.)
pub async fn store_failure_as_503(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    next.call(req)
        .await
        .map_err(|error| match is_store_failure(&error) {
            true => AppError::SessionsUnavailable(error.to_string()).into(),
            false => error,
        })
}

/// actix-session wraps a failed load, ttl update or delete as the store's bare anyhow error,
/// a failed save or update as their own error types.
fn is_store_failure(error: &actix_web::Error) -> bool {
    error.as_error::<InternalError<anyhow::Error>>().is_some()
        || error.as_error::<InternalError<LoadError>>().is_some()
        || error.as_error::<InternalError<SaveError>>().is_some()
        || error.as_error::<InternalError<UpdateError>>().is_some()
}

/// Sessions in Redis, where a request never waits on Redis for longer than `patience`: it
/// gets the 503 page instead. The Redis store reconnects by itself when a connection
/// fails, but a connection that hangs (a dropped network, a half-open socket) would hold
/// every request forever, so a call that times out also has a fresh store connected in the
/// background, which takes over once it is connected.
#[derive(Clone)]
pub struct RedisSessions {
    url: String,
    patience: std::time::Duration,
    current: Arc<RwLock<RedisSessionStore>>,
    reconnecting: Arc<AtomicBool>,
}

impl RedisSessions {
    pub async fn connect(url: &str, patience: std::time::Duration) -> anyhow::Result<Self> {
        let store = RedisSessionStore::new(url).await?;
        Ok(RedisSessions {
            url: url.to_owned(),
            patience,
            current: Arc::new(RwLock::new(store)),
            reconnecting: Arc::default(),
        })
    }

    fn store(&self) -> RedisSessionStore {
        self.current
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    async fn within<T, E>(
        &self,
        call: impl Future<Output = Result<T, E>>,
        as_error: impl FnOnce(anyhow::Error) -> E,
    ) -> Result<T, E> {
        match actix_web::rt::time::timeout(self.patience, call).await {
            Ok(result) => result,
            Err(_) => {
                self.reconnect();
                Err(as_error(anyhow::anyhow!(
                    "Redis did not answer within {:?}",
                    self.patience
                )))
            }
        }
    }

    /// One reconnection at a time; a failed one is tried again by the next timeout.
    fn reconnect(&self) {
        if self.reconnecting.swap(true, Ordering::AcqRel) {
            return;
        }
        let this = self.clone();
        actix_web::rt::spawn(async move {
            let attempt = RedisSessionStore::new(this.url.clone());
            if let Ok(Ok(fresh)) = actix_web::rt::time::timeout(RECONNECT_PATIENCE, attempt).await {
                *this.current.write().unwrap_or_else(PoisonError::into_inner) = fresh;
            }
            this.reconnecting.store(false, Ordering::Release);
        });
    }
}

const RECONNECT_PATIENCE: std::time::Duration = std::time::Duration::from_secs(2);

type State = HashMap<String, String>;

impl SessionStore for RedisSessions {
    async fn load(&self, key: &SessionKey) -> Result<Option<State>, LoadError> {
        let store = self.store();
        self.within(store.load(key), LoadError::Other).await
    }

    async fn save(&self, state: State, ttl: &Duration) -> Result<SessionKey, SaveError> {
        let store = self.store();
        self.within(store.save(state, ttl), SaveError::Other).await
    }

    async fn update(
        &self,
        key: SessionKey,
        state: State,
        ttl: &Duration,
    ) -> Result<SessionKey, UpdateError> {
        let store = self.store();
        self.within(store.update(key, state, ttl), UpdateError::Other)
            .await
    }

    async fn update_ttl(&self, key: &SessionKey, ttl: &Duration) -> anyhow::Result<()> {
        let store = self.store();
        self.within(store.update_ttl(key, ttl), |e| e).await
    }

    async fn delete(&self, key: &SessionKey) -> anyhow::Result<()> {
        let store = self.store();
        self.within(store.delete(key), |e| e).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_hashes_are_stable_keyed_and_not_the_address() {
        let a = Secrets::from_master(&[7u8; 64]).unwrap();
        let b = Secrets::from_master(&[8u8; 64]).unwrap();
        assert_eq!(a.hash_address("10.0.0.1"), a.hash_address("10.0.0.1"));
        assert_ne!(a.hash_address("10.0.0.1"), b.hash_address("10.0.0.1"));
        assert!(!a.hash_address("10.0.0.1").contains("10.0"));
    }

    /// Stored address hashes, and order links in mails already sent, must keep matching.
    #[test]
    fn each_secret_is_an_hmac_under_an_hmac_of_the_master_key() {
        let master = [7u8; 64];
        let secrets = Secrets::from_master(&master).unwrap();
        let hmac = |key: &[u8], message: &[u8]| {
            let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap();
            mac.update(message);
            mac.finalize().into_bytes().to_vec()
        };
        let under = |purpose: &[u8], message: &[u8]| hmac(&hmac(&master, purpose), message);
        assert_eq!(
            secrets.hash_address("10.0.0.1"),
            hex(&under(b"client address hashing", b"10.0.0.1")[..16])
        );
        assert_eq!(
            secrets.sign("1:abc:1700000000"),
            hex(&under(b"form signing", b"1:abc:1700000000")[..12])
        );
        assert_eq!(
            secrets.order_link_key("GP-1042"),
            hex(&under(b"order links", b"GP-1042")[..16])
        );
    }

    #[test]
    fn configured_keys_must_be_long_hex() {
        assert!(parse_hex("zz").is_err());
        assert!(Secrets::from_master(&parse_hex("ab").unwrap()).is_err());
        assert!(Secrets::from_master(&parse_hex(&"ab".repeat(64)).unwrap()).is_ok());
    }
}

//! Sessions: signed cookies by default, Redis when REDIS_URL is set. The signing key is
//! generated once and kept in the database (or given in the config), so restarts and other
//! nodes accept the same cookies.

use actix_session::SessionMiddleware;
use actix_session::config::{BrowserSession, CookieContentSecurity};
use actix_session::storage::{LoadError, SaveError, SessionStore, UpdateError};
use actix_web::body::MessageBody;
use actix_web::cookie::{Key, SameSite, time::Duration};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::InternalError;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, ResponseError};
use diesel::prelude::*;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::db::DbConn;
use crate::db::schema::settings;
use crate::error::AppError;
use crate::web::tokens::hex;

pub const COOKIE_NAME: &str = "glowpress_session";
/// Kept out of `settings::DEFINITIONS`, so `settings list` never prints it.
const KEY_SETTING: &str = "secret_session_key";

/// The application's secrets, all derived from the session key.
#[derive(Clone)]
pub struct Secrets {
    pub session_key: Key,
    address_key: Vec<u8>,
    signing_key: Vec<u8>,
}

impl Secrets {
    pub fn from_master(master: &[u8]) -> anyhow::Result<Secrets> {
        let session_key = Key::try_from(master)
            .map_err(|_| anyhow::anyhow!("the session key must be at least 64 bytes"))?;
        Ok(Secrets {
            address_key: derive(master, b"client address hashing"),
            signing_key: derive(master, b"form signing"),
            session_key,
        })
    }

    /// A short signature of `message` (for values a form sends back).
    pub fn sign(&self, message: &str) -> String {
        hex(&derive(&self.signing_key, message.as_bytes())[..12])
    }

    /// A keyed hash of a client address: counters and records keep this, never the address.
    pub fn hash_address(&self, address: &str) -> String {
        hex(&derive(&self.address_key, address.as_bytes())[..16])
    }
}

fn derive(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
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
/// never asks the store, so logged-out reading goes on. (The page is made from the error:
/// a middleware before routing must not keep a copy of the request.)
pub async fn store_failure_as_503(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    next.call(req)
        .await
        .map_err(|error| match is_store_failure(&error) {
            true => StoreUnavailable(error.to_string()).into(),
            false => error,
        })
}

#[derive(Debug, thiserror::Error)]
#[error("session store unavailable: {0}")]
struct StoreUnavailable(String);

impl ResponseError for StoreUnavailable {
    fn status_code(&self) -> StatusCode {
        StatusCode::SERVICE_UNAVAILABLE
    }

    fn error_response(&self) -> HttpResponse {
        let mut page =
            crate::web::error_pages::standalone(&AppError::SessionsUnavailable(self.0.clone()));
        crate::web::security_headers::add_to(&mut page);
        let headers = page.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
        page
    }
}

fn is_store_failure(error: &actix_web::Error) -> bool {
    error.as_error::<InternalError<LoadError>>().is_some()
        || error.as_error::<InternalError<SaveError>>().is_some()
        || error.as_error::<InternalError<UpdateError>>().is_some()
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

    #[test]
    fn configured_keys_must_be_long_hex() {
        assert!(parse_hex("zz").is_err());
        assert!(Secrets::from_master(&parse_hex("ab").unwrap()).is_err());
        assert!(Secrets::from_master(&parse_hex(&"ab".repeat(64)).unwrap()).is_ok());
    }
}

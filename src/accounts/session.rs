//! A typed view of the session: named accessors instead of string keys.

use actix_session::{Session, SessionExt};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use std::future::{Ready, ready};

use crate::accounts::password::fingerprint;
use crate::accounts::users::User;
use crate::web::tokens::new_token;

pub const USER_ID: &str = "uid";
const FINGERPRINT: &str = "fp";
pub const CSRF: &str = "csrf";
const GRANT: &str = "grant";
const FLASH: &str = "flash";
const FLASH_LINK: &str = "flash_link";
const CART_TOKEN: &str = "cart";

#[derive(Clone)]
pub struct AppSession(Session);

impl AppSession {
    pub fn of(req: &HttpRequest) -> AppSession {
        AppSession(req.get_session())
    }

    fn get<T: serde::de::DeserializeOwned>(&self, key: &str) -> Option<T> {
        self.0.get(key).ok().flatten()
    }

    fn set<T: serde::Serialize>(&self, key: &str, value: T) {
        if let Err(e) = self.0.insert(key, value) {
            tracing::error!(error = %e, key, "cannot write to the session");
        }
    }

    pub fn user_id(&self) -> Option<i32> {
        self.get(USER_ID)
    }

    /// The server-side grant of a logged-in session (see `grants`).
    pub fn grant(&self) -> Option<String> {
        self.get(GRANT)
    }

    /// Whether the session still belongs to this password (a password change ends others).
    pub fn matches_password_of(&self, user: &User) -> bool {
        let stored: Option<String> = self.get(FINGERPRINT);
        match (&user.password_hash, stored) {
            (Some(hash), Some(fp)) => fingerprint(hash) == fp,
            _ => false,
        }
    }

    /// A new session id for the logged-in state, and a new CSRF token with it. Use
    /// `grants::sign_in`, which records the grant on the server first.
    pub fn log_in(&self, user: &User, grant: &str) {
        self.0.renew();
        self.set(USER_ID, user.id);
        self.set(GRANT, grant);
        self.set(
            FINGERPRINT,
            user.password_hash
                .as_deref()
                .map(fingerprint)
                .unwrap_or_default(),
        );
        self.set(CSRF, new_token());
    }

    /// Re-binds the session to a new password hash (after the user changed it).
    pub fn refresh_password(&self, new_hash: &str) {
        self.0.renew();
        self.set(FINGERPRINT, fingerprint(new_hash));
    }

    pub fn log_out(&self) {
        self.0.purge();
    }

    /// The session's CSRF token, created on first use: pages without forms create no
    /// session at all.
    pub fn csrf_token(&self) -> String {
        if let Some(token) = self.get::<String>(CSRF) {
            return token;
        }
        let token = new_token();
        self.set(CSRF, &token);
        token
    }

    /// The session's CSRF token if it has one already (creates nothing).
    pub fn existing_csrf_token(&self) -> Option<String> {
        self.get(CSRF)
    }

    /// A one-time notice for the next page ("Your password has been changed.").
    pub fn flash(&self, message: &str) {
        self.set(FLASH, message);
        // A link left by an earlier notice nobody saw belongs to that notice.
        self.0.remove(FLASH_LINK);
    }

    /// Touches the session only when there is a notice: a `remove` alone would mark it
    /// changed and send every anonymous reader a cookie.
    pub fn take_flash(&self) -> Option<String> {
        let notice: String = self.get(FLASH)?;
        self.0.remove(FLASH);
        Some(notice)
    }

    /// A notice with a link after it ("… added to your cart. View cart").
    pub fn flash_with_link(&self, message: &str, href: &str, label: &str) {
        self.set(FLASH, message);
        self.set(FLASH_LINK, (href, label));
    }

    /// The link of the one-time notice, if it has one; touches the session only then.
    pub fn take_flash_link(&self) -> Option<(String, String)> {
        let link: (String, String) = self.get(FLASH_LINK)?;
        self.0.remove(FLASH_LINK);
        Some(link)
    }

    /// The guest's cart token, if they have added anything (reading creates nothing).
    pub fn cart_token(&self) -> Option<String> {
        self.get(CART_TOKEN)
    }

    /// The guest's cart token, created on the first add to cart.
    pub fn cart_token_or_new(&self) -> String {
        if let Some(token) = self.cart_token() {
            return token;
        }
        let token = new_token();
        self.set(CART_TOKEN, &token);
        token
    }

    pub fn raw(&self) -> &Session {
        &self.0
    }
}

impl FromRequest for AppSession {
    type Error = actix_web::Error;
    type Future = Ready<Result<AppSession, actix_web::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(AppSession::of(req)))
    }
}

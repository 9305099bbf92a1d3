//! "Remember me": a 14-day cookie holding a random token; the database keeps its hash.
//! Without it the session cookie ends when the browser closes.

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use diesel::prelude::*;
use time::{Duration, PrimitiveDateTime};

use crate::accounts::users::User;
use crate::db::DbConn;
use crate::db::schema::{remember_tokens, users};
use crate::web::tokens::{looks_like_token, new_token, token_hash};

pub const COOKIE: &str = "glowpress_remember";
pub const LIFETIME_DAYS: i64 = 14;

pub fn create(conn: &mut DbConn, user_id: i32, now: PrimitiveDateTime) -> QueryResult<String> {
    let token = new_token();
    diesel::delete(remember_tokens::table.filter(remember_tokens::expires_at.lt(now)))
        .execute(conn)?;
    diesel::insert_into(remember_tokens::table)
        .values((
            remember_tokens::user_id.eq(user_id),
            remember_tokens::token_hash.eq(token_hash(&token)),
            remember_tokens::expires_at.eq(now + Duration::days(LIFETIME_DAYS)),
        ))
        .execute(conn)?;
    Ok(token)
}

/// The account a still-valid token belongs to.
pub fn user_for(
    conn: &mut DbConn,
    token: &str,
    now: PrimitiveDateTime,
) -> QueryResult<Option<User>> {
    if !looks_like_token(token) {
        return Ok(None);
    }
    remember_tokens::table
        .inner_join(users::table)
        .filter(remember_tokens::token_hash.eq(token_hash(token)))
        .filter(remember_tokens::expires_at.gt(now))
        .filter(users::disabled_at.is_null())
        .select(User::as_select())
        .first(conn)
        .optional()
}

pub fn forget(conn: &mut DbConn, token: &str) -> QueryResult<()> {
    diesel::delete(remember_tokens::table.filter(remember_tokens::token_hash.eq(token_hash(token))))
        .execute(conn)
        .map(drop)
}

pub fn forget_all(conn: &mut DbConn, user_id: i32) -> QueryResult<()> {
    diesel::delete(remember_tokens::table.filter(remember_tokens::user_id.eq(user_id)))
        .execute(conn)
        .map(drop)
}

pub fn cookie(token: String, secure: bool) -> Cookie<'static> {
    Cookie::build(COOKIE, token)
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .max_age(CookieDuration::days(LIFETIME_DAYS))
        .finish()
}

pub fn removal_cookie(secure: bool) -> Cookie<'static> {
    let mut cookie = cookie(String::new(), secure);
    cookie.make_removal();
    cookie
}

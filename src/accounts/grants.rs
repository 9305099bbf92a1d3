//! Server-side record of logged-in sessions. The session holds a random grant; the database
//! keeps its hash. Logging out deletes the row, so a copied session cookie stops working
//! even with the cookie store (which keeps everything else in the cookie itself).

use diesel::prelude::*;
use time::{Duration, PrimitiveDateTime};

use crate::accounts::session::AppSession;
use crate::accounts::users::User;
use crate::db::schema::{session_grants, users};
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::web::dates;
use crate::web::tokens::{looks_like_token, new_token, token_hash};

/// A login lasts at most this long without logging in again (remember-me logs in again).
pub const LIFETIME: Duration = Duration::days(14);

pub fn create(conn: &mut DbConn, user_id: i32, now: PrimitiveDateTime) -> QueryResult<String> {
    diesel::delete(session_grants::table.filter(session_grants::expires_at.lt(now)))
        .execute(conn)?;
    let token = new_token();
    diesel::insert_into(session_grants::table)
        .values((
            session_grants::user_id.eq(user_id),
            session_grants::token_hash.eq(token_hash(&token)),
            session_grants::expires_at.eq(now + LIFETIME),
        ))
        .execute(conn)?;
    Ok(token)
}

/// The user of a live grant.
pub fn user_for(
    conn: &mut DbConn,
    grant: &str,
    now: PrimitiveDateTime,
) -> QueryResult<Option<User>> {
    Ok(live_grant(conn, grant, now)?.map(|(user, _)| user))
}

/// The user of a live grant and when the grant ends.
pub fn live_grant(
    conn: &mut DbConn,
    grant: &str,
    now: PrimitiveDateTime,
) -> QueryResult<Option<(User, PrimitiveDateTime)>> {
    if !looks_like_token(grant) {
        return Ok(None);
    }
    let hash = token_hash(grant);
    crate::on_backend!(conn, |c| session_grants::table
        .inner_join(users::table)
        .filter(session_grants::token_hash.eq(&hash))
        .filter(session_grants::expires_at.gt(now))
        // A disabled account has no sessions, even if a grant were left behind.
        .filter(users::disabled_at.is_null())
        .select((User::as_select(), session_grants::expires_at))
        .first(c)
        .optional())
}

pub fn revoke(conn: &mut DbConn, grant: &str) -> QueryResult<()> {
    diesel::delete(session_grants::table.filter(session_grants::token_hash.eq(token_hash(grant))))
        .execute(conn)
        .map(drop)
}

/// Every session of the user, and every remember-me token: the account is logged out
/// everywhere on its next request (disabling an account).
pub fn revoke_all(conn: &mut DbConn, user_id: i32) -> QueryResult<()> {
    diesel::delete(session_grants::table.filter(session_grants::user_id.eq(user_id)))
        .execute(conn)?;
    crate::accounts::remember::forget_all(conn, user_id)
}

/// Every session of the user but `keep` (after a password change).
pub fn revoke_others(conn: &mut DbConn, user_id: i32, keep: Option<&str>) -> QueryResult<()> {
    let keep_hash = keep.map(token_hash).unwrap_or_default();
    diesel::delete(
        session_grants::table
            .filter(session_grants::user_id.eq(user_id))
            .filter(session_grants::token_hash.ne(keep_hash)),
    )
    .execute(conn)
    .map(drop)
}

/// Logs `user` in on this session: a new grant in the database, a renewed session. The
/// session's previous grant (someone else's, or an older login) is revoked, so a copy of
/// the old cookie stops working.
pub async fn sign_in(db: &Db, session: &AppSession, user: &User) -> Result<(), AppError> {
    let user_id = user.id;
    let previous = session.grant();
    let grant = db
        .write(move |conn| {
            if let Some(previous) = &previous {
                revoke(conn, previous)?;
            }
            Ok(create(conn, user_id, dates::now())?)
        })
        .await?;
    session.log_in(user, &grant);
    Ok(())
}

/// Ends the session here and on the server.
pub async fn sign_out(db: &Db, session: &AppSession) -> Result<(), AppError> {
    if let Some(grant) = session.grant() {
        db.write(move |conn| Ok(revoke(conn, &grant)?)).await?;
    }
    session.log_out();
    Ok(())
}

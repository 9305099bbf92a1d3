//! Login throttling: at most `MAX_FAILURES` failed logins per account and per client
//! address in `WINDOW`. Counted in the database, so every node sees the same numbers.
//! Guest orders are counted in the same table, under their own prefix (`guest_order`).

use diesel::prelude::*;
use time::{Duration, PrimitiveDateTime};

use crate::db::DbConn;
use crate::db::schema::login_failures;

pub const MAX_FAILURES: usize = 5;
pub const WINDOW: Duration = Duration::minutes(15);

/// At most this many guest orders per client address in `GUEST_ORDER_WINDOW`.
pub const GUEST_ORDERS: usize = 10;
pub const GUEST_ORDER_WINDOW: Duration = Duration::hours(1);
const GUEST_ORDER_PREFIX: &str = "guest-order:";

/// The subjects a login attempt counts against: the account (by id once known, so its
/// username and its email share one budget) and the client address.
pub fn subjects(user_id: Option<i32>, login: &str, hashed_address: &str) -> [String; 2] {
    let account = match user_id {
        Some(id) => format!("user:{id}"),
        None => format!("login:{}", login.trim().to_lowercase()),
    };
    [account, format!("address:{hashed_address}")]
}

/// Records an attempt before the password is checked, then counts: parallel attempts
/// each see the ones committed before them, so no burst gets past the limit. Returns the
/// rows written (to forget them if the password is right), or when the lock ends.
pub fn begin_attempt(
    conn: &mut DbConn,
    subjects: &[String],
    now: PrimitiveDateTime,
) -> QueryResult<Result<Vec<i32>, PrimitiveDateTime>> {
    diesel::delete(
        login_failures::table
            .filter(login_failures::failed_at.le(now - WINDOW))
            .filter(login_failures::subject.not_like(format!("{GUEST_ORDER_PREFIX}%"))),
    )
    .execute(conn)?;
    let mut ids = Vec::with_capacity(subjects.len());
    for subject in subjects {
        ids.push(
            diesel::insert_into(login_failures::table)
                .values((
                    login_failures::subject.eq(subject),
                    login_failures::failed_at.eq(now),
                ))
                .returning(login_failures::id)
                .get_result(conn)?,
        );
    }
    let mut over_limit = false;
    for subject in subjects {
        let recent: i64 = login_failures::table
            .filter(login_failures::subject.eq(subject))
            .filter(login_failures::failed_at.gt(now - WINDOW))
            .count()
            .get_result(conn)?;
        over_limit |= recent as usize > MAX_FAILURES;
    }
    if !over_limit {
        return Ok(Ok(ids));
    }
    // A refused attempt does not lengthen the lock.
    forget(conn, &ids)?;
    let until = locked_until(conn, subjects, now)?.unwrap_or(now + Duration::minutes(1));
    Ok(Err(until))
}

/// When the earliest of `subjects` may try again, if any of them is locked now.
fn locked_until(
    conn: &mut DbConn,
    subjects: &[String],
    now: PrimitiveDateTime,
) -> QueryResult<Option<PrimitiveDateTime>> {
    let mut until = None;
    for subject in subjects {
        let recent: Vec<PrimitiveDateTime> = login_failures::table
            .filter(login_failures::subject.eq(subject))
            .filter(login_failures::failed_at.gt(now - WINDOW))
            .select(login_failures::failed_at)
            .order(login_failures::failed_at.desc())
            .limit(MAX_FAILURES as i64)
            .load(conn)?;
        if recent.len() >= MAX_FAILURES {
            // Unlocked when the oldest of the last MAX_FAILURES leaves the window.
            let free_at = recent[MAX_FAILURES - 1] + WINDOW;
            until = Some(until.map_or(free_at, |t: PrimitiveDateTime| t.max(free_at)));
        }
    }
    Ok(until)
}

/// Drops attempt rows (a right password is no failure).
pub fn forget(conn: &mut DbConn, ids: &[i32]) -> QueryResult<()> {
    diesel::delete(login_failures::table.filter(login_failures::id.eq_any(ids)))
        .execute(conn)
        .map(drop)
}

/// A successful login forgives the account's failures (not the address's).
pub fn clear(conn: &mut DbConn, subject: &str) -> QueryResult<()> {
    diesel::delete(login_failures::table.filter(login_failures::subject.eq(subject)))
        .execute(conn)
        .map(drop)
}

/// Counts a guest order from `hashed_address`, or refuses it with when the address may
/// order again. Call it in the order's transaction: an order that is not placed rolls its
/// row back, so only placed orders count.
pub fn guest_order(
    conn: &mut DbConn,
    hashed_address: &str,
    now: PrimitiveDateTime,
) -> QueryResult<Result<(), PrimitiveDateTime>> {
    let since = now - GUEST_ORDER_WINDOW;
    diesel::delete(
        login_failures::table
            .filter(login_failures::subject.like(format!("{GUEST_ORDER_PREFIX}%")))
            .filter(login_failures::failed_at.le(since)),
    )
    .execute(conn)?;
    let subject = format!("{GUEST_ORDER_PREFIX}{hashed_address}");
    let recent: Vec<PrimitiveDateTime> = login_failures::table
        .filter(login_failures::subject.eq(&subject))
        .filter(login_failures::failed_at.gt(since))
        .select(login_failures::failed_at)
        .order(login_failures::failed_at.asc())
        .load(conn)?;
    if recent.len() >= GUEST_ORDERS {
        // Free again when enough of them have left the window.
        return Ok(Err(recent[recent.len() - GUEST_ORDERS] + GUEST_ORDER_WINDOW));
    }
    diesel::insert_into(login_failures::table)
        .values((
            login_failures::subject.eq(&subject),
            login_failures::failed_at.eq(now),
        ))
        .execute(conn)?;
    Ok(Ok(()))
}

/// "in 12 minutes", rounded up, for the 429 page.
pub fn wait_phrase(now: PrimitiveDateTime, until: PrimitiveDateTime) -> String {
    let minutes = ((until - now).whole_seconds().max(0) + 59) / 60;
    match minutes.max(1) {
        1 => "in a minute".to_owned(),
        n => format!("in {n} minutes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_is_rounded_up_to_whole_minutes() {
        let now = crate::web::dates::parse("2026-01-01 10:00:00").unwrap();
        assert_eq!(wait_phrase(now, now + Duration::seconds(30)), "in a minute");
        assert_eq!(
            wait_phrase(now, now + Duration::seconds(61)),
            "in 2 minutes"
        );
        assert_eq!(
            wait_phrase(now, now + Duration::minutes(15)),
            "in 15 minutes"
        );
    }

    #[test]
    fn an_account_is_one_subject_whatever_login_was_typed() {
        assert_eq!(subjects(Some(7), "Devon", "ab")[0], "user:7");
        assert_eq!(subjects(Some(7), "devon@example.com", "ab")[0], "user:7");
        assert_eq!(subjects(None, " Nobody ", "ab")[0], "login:nobody");
        assert_eq!(subjects(None, "x", "ab")[1], "address:ab");
    }
}

//! Attempt budgets, counted in the database so every node sees the same numbers.
//!
//! Logins (and the account page's current-password checks): at most `MAX_FAILURES` failures
//! per account *and* client address together in `WINDOW`, so a stranger failing from one
//! address cannot lock the owner out from another; and `MAX_ADDRESS_FAILURES` per address
//! across all accounts, against password spraying. Registrations: `MAX_REGISTRATIONS` per
//! address in `REGISTRATION_WINDOW`.
//! Guest orders are counted in the same table, under their own prefix (`guest_order`).

use diesel::prelude::*;
use time::{Duration, PrimitiveDateTime};

use crate::db::DbConn;
use crate::db::schema::login_failures;

pub const MAX_FAILURES: usize = 5;
pub const MAX_ADDRESS_FAILURES: usize = 20;
pub const WINDOW: Duration = Duration::minutes(15);
pub const MAX_REGISTRATIONS: usize = 5;
pub const REGISTRATION_WINDOW: Duration = Duration::hours(1);
/// The longest window of any budget: older rows count for nothing.
const LONGEST_WINDOW: Duration = REGISTRATION_WINDOW;

/// Guesses at a protected post's password, per post and client address, in `WINDOW`.
pub const MAX_POST_PASSWORD_GUESSES: usize = 10;

/// The budget of password guesses at post (or page) `post_id` from one client address.
pub fn post_password(post_id: i32, hashed_address: &str) -> Budget {
    Budget::new(
        format!("post-password:{post_id}|address:{hashed_address}"),
        MAX_POST_PASSWORD_GUESSES,
        WINDOW,
    )
}

/// At most this many guest orders per client address in `GUEST_ORDER_WINDOW`.
pub const GUEST_ORDERS: usize = 10;
pub const GUEST_ORDER_WINDOW: Duration = Duration::hours(1);
const GUEST_ORDER_PREFIX: &str = "guest-order:";

/// One subject an attempt counts against, and its budget.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Budget {
    pub subject: String,
    pub max: usize,
    pub window: Duration,
}

impl Budget {
    pub fn new(subject: String, max: usize, window: Duration) -> Budget {
        Budget {
            subject,
            max,
            window,
        }
    }
}

/// The budgets a login attempt counts against: the account (by id once known, so its
/// username and its email share one budget) together with the client address, and the
/// address alone.
pub fn subjects(user_id: Option<i32>, login: &str, hashed_address: &str) -> [Budget; 2] {
    let account = match user_id {
        Some(id) => account_prefix(id),
        None => format!("login:{}|", login.trim().to_lowercase()),
    };
    [
        Budget::new(
            format!("{account}address:{hashed_address}"),
            MAX_FAILURES,
            WINDOW,
        ),
        Budget::new(
            format!("address:{hashed_address}"),
            MAX_ADDRESS_FAILURES,
            WINDOW,
        ),
    ]
}

/// What every per-account subject of user `id` starts with.
fn account_prefix(id: i32) -> String {
    format!("user:{id}|")
}

/// The budget of accounts registered from one client address.
pub fn registrations(hashed_address: &str) -> Budget {
    Budget::new(
        format!("register:{hashed_address}"),
        MAX_REGISTRATIONS,
        REGISTRATION_WINDOW,
    )
}

/// Records an attempt before the password is checked, then counts: parallel attempts
/// each see the ones committed before them, so no burst gets past the limit. Returns the
/// rows written (to forget them if the password is right), or when the lock ends.
pub fn begin_attempt(
    conn: &mut DbConn,
    budgets: &[Budget],
    now: PrimitiveDateTime,
) -> QueryResult<Result<Vec<i32>, PrimitiveDateTime>> {
    diesel::delete(
        login_failures::table
            .filter(login_failures::failed_at.le(now - LONGEST_WINDOW))
            .filter(login_failures::subject.not_like(format!("{GUEST_ORDER_PREFIX}%"))),
    )
    .execute(conn)?;
    let mut ids = Vec::with_capacity(budgets.len());
    for budget in budgets {
        ids.push(
            diesel::insert_into(login_failures::table)
                .values((
                    login_failures::subject.eq(&budget.subject),
                    login_failures::failed_at.eq(now),
                ))
                .returning(login_failures::id)
                .get_result(conn)?,
        );
    }
    let mut over_limit = false;
    for budget in budgets {
        let recent: i64 = login_failures::table
            .filter(login_failures::subject.eq(&budget.subject))
            .filter(login_failures::failed_at.gt(now - budget.window))
            .count()
            .get_result(conn)?;
        over_limit |= recent as usize > budget.max;
    }
    if !over_limit {
        return Ok(Ok(ids));
    }
    // A refused attempt does not lengthen the lock.
    forget(conn, &ids)?;
    let until = locked_until(conn, budgets, now)?.unwrap_or(now + Duration::minutes(1));
    Ok(Err(until))
}

/// When the earliest of `budgets` may try again, if any of them is used up now.
fn locked_until(
    conn: &mut DbConn,
    budgets: &[Budget],
    now: PrimitiveDateTime,
) -> QueryResult<Option<PrimitiveDateTime>> {
    let mut until = None;
    for budget in budgets {
        let recent: Vec<PrimitiveDateTime> = login_failures::table
            .filter(login_failures::subject.eq(&budget.subject))
            .filter(login_failures::failed_at.gt(now - budget.window))
            .select(login_failures::failed_at)
            .order(login_failures::failed_at.desc())
            .limit(budget.max as i64)
            .load(conn)?;
        if budget.max > 0 && recent.len() >= budget.max {
            // Free when the oldest of the last `max` leaves the window.
            let free_at = recent[budget.max - 1] + budget.window;
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

/// A successful login forgives the account's failures from its address (not the
/// address's failures across accounts).
pub fn clear(conn: &mut DbConn, subject: &str) -> QueryResult<()> {
    diesel::delete(login_failures::table.filter(login_failures::subject.eq(subject)))
        .execute(conn)
        .map(drop)
}

/// A completed password reset forgives the account's failures from every address.
pub fn clear_account(conn: &mut DbConn, user_id: i32) -> QueryResult<()> {
    let pattern = format!("{}%", account_prefix(user_id));
    diesel::delete(login_failures::table.filter(login_failures::subject.like(pattern)))
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
        assert_eq!(
            subjects(Some(7), "Devon", "ab")[0].subject,
            "user:7|address:ab"
        );
        assert_eq!(
            subjects(Some(7), "devon@example.com", "ab")[0].subject,
            "user:7|address:ab"
        );
        assert_eq!(
            subjects(None, " Nobody ", "ab")[0].subject,
            "login:nobody|address:ab"
        );
    }

    #[test]
    fn an_account_counts_per_address_and_an_address_across_accounts() {
        let [pair, address] = subjects(Some(7), "devon", "ab");
        assert_eq!((pair.max, pair.window), (MAX_FAILURES, WINDOW));
        assert_ne!(pair, subjects(Some(7), "devon", "cd")[0]);
        assert_eq!(address.subject, "address:ab");
        assert_eq!(address.max, MAX_ADDRESS_FAILURES);
        assert_eq!(address, subjects(Some(8), "mira", "ab")[1]);
    }

    #[test]
    fn an_accounts_subjects_share_a_prefix_no_other_account_has() {
        let prefix = account_prefix(7);
        assert!(subjects(Some(7), "", "ab")[0].subject.starts_with(&prefix));
        assert!(!subjects(Some(70), "", "ab")[0].subject.starts_with(&prefix));
        assert!(
            !subjects(None, "user:7", "ab")[0]
                .subject
                .starts_with(&prefix)
        );
    }

    #[test]
    fn registrations_count_per_address_over_an_hour() {
        let budget = registrations("ab");
        assert_eq!(budget.subject, "register:ab");
        assert_eq!((budget.max, budget.window), (5, Duration::hours(1)));
    }
}

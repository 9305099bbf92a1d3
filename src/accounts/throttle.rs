//! Login throttling: at most `MAX_FAILURES` failed logins per account and per client
//! address in `WINDOW`. Counted in the database, so every node sees the same numbers.

use diesel::prelude::*;
use time::{Duration, PrimitiveDateTime};

use crate::db::DbConn;
use crate::db::schema::login_failures;

pub const MAX_FAILURES: usize = 5;
pub const WINDOW: Duration = Duration::minutes(15);

/// The subjects a login attempt counts against.
pub fn subjects(login: &str, hashed_address: &str) -> [String; 2] {
    [
        format!("account:{}", login.trim().to_lowercase()),
        format!("address:{hashed_address}"),
    ]
}

/// When the earliest of `subjects` may try again, if any of them is locked now.
pub fn locked_until(
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

pub fn record_failure(
    conn: &mut DbConn,
    subjects: &[String],
    now: PrimitiveDateTime,
) -> QueryResult<()> {
    conn.transaction(|conn| {
        diesel::delete(login_failures::table.filter(login_failures::failed_at.le(now - WINDOW)))
            .execute(conn)?;
        for subject in subjects {
            diesel::insert_into(login_failures::table)
                .values((
                    login_failures::subject.eq(subject),
                    login_failures::failed_at.eq(now),
                ))
                .execute(conn)?;
        }
        Ok(())
    })
}

/// A successful login forgives the account's failures (not the address's).
pub fn clear(conn: &mut DbConn, subject: &str) -> QueryResult<()> {
    diesel::delete(login_failures::table.filter(login_failures::subject.eq(subject)))
        .execute(conn)
        .map(drop)
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
    fn subjects_ignore_case_and_spacing_of_the_login() {
        assert_eq!(subjects(" Devon ", "ab")[0], "account:devon");
        assert_eq!(subjects("x", "ab")[1], "address:ab");
    }
}

//! The content version: one number in the database that every change to what readers see
//! moves forward (a post or page saved, a comment stored or moderated, a setting, a
//! product). Pages keep parts rendered for a version in memory (`web::page_cache`); a node
//! learns of a newer version at once when it made the change itself, and from the database
//! within [`WATCH_EVERY`] when another node or a command did.
//!
//! A second number, the people version, moves with every change to accounts, logins and
//! carts (by database triggers, whoever writes). The header of a logged-in page (who is
//! logged in, their mini-cart) is kept for it (`web::layout::HeaderCache`).

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use diesel::prelude::*;

use crate::db::schema::content_version;
use crate::db::{Db, DbConn};

/// How often a node reads the version other nodes (and CLI commands) may have moved.
pub const WATCH_EVERY: Duration = Duration::from_millis(20);

/// The row of `content_version` the triggers on accounts, logins and carts move.
const PEOPLE_ROW: i32 = 2;

/// What this node knows of the two versions. Shared by every clone of [`Db`].
#[derive(Default)]
pub struct ContentVersion {
    content: AtomicI64,
    people: AtomicI64,
}

impl ContentVersion {
    pub fn current(&self) -> i64 {
        self.content.load(Ordering::Acquire)
    }

    /// Takes a version read from the database; never moves back.
    pub fn observe(&self, version: i64) {
        self.content.fetch_max(version, Ordering::AcqRel);
    }

    /// The people version (accounts, logins, carts) this node knows.
    pub fn people(&self) -> i64 {
        self.people.load(Ordering::Acquire)
    }

    pub fn observe_people(&self, version: i64) {
        self.people.fetch_max(version, Ordering::AcqRel);
    }

    /// Both, as [`read_both`] gave them.
    pub fn observe_both(&self, (content, people): (i64, i64)) {
        self.observe(content);
        self.observe_people(people);
    }
}

/// Moves the version forward; returns the new one. Call it in the transaction of the change.
pub fn bump(conn: &mut DbConn) -> QueryResult<i64> {
    diesel::update(content_version::table.find(1))
        .set(content_version::version.eq(content_version::version + 1))
        .returning(content_version::version)
        .get_result(conn)
}

/// The content and the people version, in one query.
pub fn read_both(conn: &mut DbConn) -> QueryResult<(i64, i64)> {
    let rows: Vec<(i32, i64)> = content_version::table
        .select((content_version::id, content_version::version))
        .load(conn)?;
    let of = |row| {
        rows.iter()
            .find(|(id, _)| *id == row)
            .map(|(_, version)| *version)
            .ok_or(diesel::result::Error::NotFound)
    };
    Ok((of(1)?, of(PEOPLE_ROW)?))
}

/// Reads the version every [`WATCH_EVERY`] on a thread and a connection of its own (not
/// the pool's: it never waits behind requests), until the last handle of `db` is gone.
pub fn spawn_watch(db: &Db) -> std::io::Result<()> {
    let target = db.target().clone();
    let known = Arc::downgrade(db.content());
    std::thread::Builder::new()
        .name("content-watch".to_owned())
        .spawn(move || {
            let mut conn = None;
            loop {
                std::thread::sleep(WATCH_EVERY);
                let Some(known) = known.upgrade() else {
                    return;
                };
                if conn.is_none() {
                    // The database is away: pages answer 503 meanwhile; try again next tick.
                    conn = target.connect().ok();
                }
                if let Some(c) = conn.as_mut() {
                    match read_both(c) {
                        Ok(versions) => known.observe_both(versions),
                        Err(e) => {
                            tracing::debug!(error = %e, "content version not read");
                            conn = None;
                        }
                    }
                }
            }
        })?;
    Ok(())
}

/// The handle tests and commands use to wait for a node to see a change.
pub type Shared = Arc<ContentVersion>;

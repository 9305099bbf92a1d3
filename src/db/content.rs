//! The content version: one number in the database that every change to what readers see
//! moves forward (a post or page saved, a comment stored or moderated, a setting, a
//! product). Pages keep parts rendered for a version in memory (`web::page_cache`); a node
//! learns of a newer version at once when it made the change itself, and from the database
//! within [`WATCH_EVERY`] when another node or a command did.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use diesel::prelude::*;

use crate::db::schema::content_version;
use crate::db::{Db, DbConn};

/// How often a node reads the version other nodes (and CLI commands) may have moved.
pub const WATCH_EVERY: Duration = Duration::from_millis(20);

/// What this node knows of the version. Shared by every clone of [`Db`].
#[derive(Default)]
pub struct ContentVersion(AtomicI64);

impl ContentVersion {
    pub fn current(&self) -> i64 {
        self.0.load(Ordering::Acquire)
    }

    /// Takes a version read from the database; never moves back.
    pub fn observe(&self, version: i64) {
        self.0.fetch_max(version, Ordering::AcqRel);
    }
}

/// Moves the version forward; returns the new one. Call it in the transaction of the change.
pub fn bump(conn: &mut DbConn) -> QueryResult<i64> {
    diesel::update(content_version::table.find(1))
        .set(content_version::version.eq(content_version::version + 1))
        .returning(content_version::version)
        .get_result(conn)
}

pub fn read(conn: &mut DbConn) -> QueryResult<i64> {
    content_version::table
        .find(1)
        .select(content_version::version)
        .first(conn)
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
                    match read(c) {
                        Ok(version) => known.observe(version),
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

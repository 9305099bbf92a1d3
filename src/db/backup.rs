//! `glowpress backup FILE`: a consistent copy of a SQLite database while the site serves.

use std::path::Path;

use anyhow::{Context, bail};
use diesel::RunQueryDsl;
use diesel::sql_types::Text;

use super::DbConn;

/// `VACUUM INTO` reads one snapshot (readers and writers go on meanwhile) and writes a
/// compact database file, so the copy is never half of one write and half of the next.
/// PostgreSQL has its own tool for this: `pg_dump`.
pub fn backup(conn: &mut DbConn, destination: &Path) -> anyhow::Result<()> {
    let DbConn::Sqlite(sqlite) = conn else {
        bail!("the database is PostgreSQL: back it up with pg_dump (see README.md)");
    };
    if destination.exists() {
        bail!("{} already exists: name a new file", destination.display());
    }
    let Some(path) = destination.to_str() else {
        bail!("{} is not a UTF-8 path", destination.display());
    };
    diesel::sql_query("VACUUM INTO ?")
        .bind::<Text, _>(path)
        .execute(sqlite)
        .with_context(|| format!("cannot write {}", destination.display()))?;
    Ok(())
}

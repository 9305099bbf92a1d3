//! `glowpress import-wordpress FILE.xml`: a WordPress export (WXR) read (`wxr`), its
//! content made into HTML (`content`), and everything written in one transaction (`store`),
//! so a failure leaves nothing half-imported. What was imported is recorded by WordPress id
//! per source site, so running the same import again adds nothing. Old permalinks are
//! answered by `redirects`.

pub mod content;
pub mod redirects;
mod store;
mod summary;
pub mod wxr;

pub use summary::{Count, Summary};

use crate::db::DbConn;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the file is not a well-formed WordPress export: {0}; nothing was imported")]
    Malformed(#[from] wxr::ParseError),
    #[error("the import failed and nothing was imported: {0}")]
    Database(#[from] diesel::result::Error),
}

/// Imports an export's text into the database, all or nothing.
pub fn import_wordpress(conn: &mut DbConn, xml: &str) -> Result<Summary, ImportError> {
    let export = wxr::parse(xml)?;
    let summary = conn.write_transaction(|conn| store::import(conn, &export))?;
    crate::search::merge_index(conn)?;
    crate::db::content::bump(conn)?;
    Ok(summary)
}

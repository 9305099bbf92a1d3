//! Search: the full-text index over published posts, pages and products (kept by the
//! database: FTS5 on SQLite, a tsvector with a GIN index on PostgreSQL), the terms made
//! from what a reader typed, and the results page at `/search`.

mod index;
mod marks;
mod page;
mod postgres;
mod sqlite;
mod terms;
mod text;

use actix_web::web;

pub use index::{WINDOW, query_plan};
pub use terms::Terms;
pub use text::plain_text;

/// After a bulk load (an import, generated posts): merges SQLite's full-text index into one
/// segment per table, so that each search reads one list per word instead of hundreds
/// (snippets got twice as fast on 100,000 posts). PostgreSQL's GIN index needs nothing.
pub fn merge_index(conn: &mut crate::db::DbConn) -> diesel::QueryResult<()> {
    use diesel::connection::SimpleConnection;
    match conn {
        crate::db::DbConn::Sqlite(conn) => conn.batch_execute(
            "INSERT INTO search_posts (search_posts) VALUES ('optimize'); \
             INSERT INTO search_products (search_products) VALUES ('optimize');",
        ),
        crate::db::DbConn::Pg(_) => Ok(()),
    }
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/search", web::get().to(page::search));
}

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

/// After a bulk load (an import, generated posts), so that searching is as quick at once as
/// it is once the database has settled: SQLite's full-text index is merged into one segment
/// per table (each word one list to read instead of hundreds); on PostgreSQL, `VACUUM
/// ANALYZE` moves the GIN index's pending entries into it and gives the planner the new
/// table sizes (without them it scans every post for a common word: 0.5 s at 100,000),
/// also of the comments and the archives' memberships (without them a category archive's
/// count took 337 ms at 100,000 posts instead of 133 ms). Autovacuum would do the same later.
pub fn merge_index(conn: &mut crate::db::DbConn) -> diesel::QueryResult<()> {
    use diesel::connection::SimpleConnection;
    match conn {
        crate::db::DbConn::Sqlite(conn) => conn.batch_execute(
            "INSERT INTO search_posts (search_posts) VALUES ('optimize'); \
             INSERT INTO search_products (search_products) VALUES ('optimize');",
        ),
        crate::db::DbConn::Pg(conn) => conn
            .batch_execute("VACUUM ANALYZE posts, products, comments, post_categories, post_tags;"),
    }
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/search", web::get().to(page::search));
}

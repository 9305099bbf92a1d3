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

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/search", web::get().to(page::search));
}

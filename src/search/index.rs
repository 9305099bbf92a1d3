//! Asking the full-text index: how many match, which page of them in rank order, and then
//! the highlighted title and snippet of that page's matches only (snippets cost, so they
//! are not made for every match). The SQL of each backend is in `sqlite` and `postgres`;
//! the index itself is kept by the database (triggers, generated columns; see the
//! `2026-12-03-000012_search` migrations).
//!
//! A query matching more than [`WINDOW`] posts (or products) is answered from the newest
//! `WINDOW` of them only, so that the work per query stays the same as the site grows.
//!
//! Visibility is decided here, at query time, not when indexing: a scheduled post is found
//! once its time has come, with nothing reindexed.

use std::collections::HashMap;

use diesel::QueryResult;
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Integer, Nullable, Text, Timestamp};
use time::PrimitiveDateTime;

use super::terms::Terms;
use super::{postgres, sqlite};
use crate::db::DbConn;

/// How many of the newest matches of a table are ranked, counted and paged when more
/// match: enough to page through for a while (20 pages of 10), few enough that reading and
/// ranking them costs about what a small site's search does, however many posts there are.
/// A common word ("skin" in a skincare blog) matches nearly every post; ranking all of
/// them takes a time that grows with the site (on SQLite bm25 reads the whole list of
/// every word).
pub const WINDOW: i64 = 200;

/// Where the newest [`WINDOW`] matches of each table begin, when more match: only ids
/// above these are searched. `None`: all matches are.
#[derive(Clone, Copy, Debug, Default)]
pub struct Window {
    pub posts_after: Option<i32>,
    pub products_after: Option<i32>,
}

impl Window {
    /// Whether some matches are left out.
    pub fn is_cut(&self) -> bool {
        self.posts_after.is_some() || self.products_after.is_some()
    }

    /// A cut table's window holds [`WINDOW`] matches (it ends just after the one older than
    /// them); when both are cut, no need to count.
    pub fn known_total(&self) -> Option<i64> {
        (self.posts_after.is_some() && self.products_after.is_some()).then_some(2 * WINDOW)
    }

    /// The ids searched are above these (ids start at 1).
    pub fn floors(&self) -> (i32, i32) {
        (
            self.posts_after.unwrap_or(0),
            self.products_after.unwrap_or(0),
        )
    }
}

/// The id of the match just older than the newest [`WINDOW`], if there is one.
#[derive(QueryableByName)]
pub struct Floor {
    #[diesel(sql_type = Integer)]
    pub id: i32,
}

/// Which table a match is from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Source {
    /// A post or a page (`posts.kind` says which).
    Post,
    Product,
}

/// A match on the page asked for, in rank order.
#[derive(QueryableByName, Debug)]
pub struct Hit {
    #[diesel(sql_type = Text)]
    source: String,
    #[diesel(sql_type = Integer)]
    pub id: i32,
}

impl Hit {
    pub fn new(source: Source, id: i32) -> Hit {
        let source = match source {
            Source::Post => "post",
            Source::Product => "product",
        };
        Hit {
            source: source.to_owned(),
            id,
        }
    }

    pub fn source(&self) -> Source {
        if self.source == "product" {
            Source::Product
        } else {
            Source::Post
        }
    }
}

/// A match's text with the found words between [`super::marks::START`] and `END`.
#[derive(QueryableByName, Debug)]
pub struct Marked {
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Text)]
    pub excerpt: String,
    /// A few words around the first matches in the body.
    #[diesel(sql_type = Text)]
    pub snippet: String,
}

#[derive(QueryableByName, Debug)]
pub struct PostMatch {
    #[diesel(sql_type = Integer)]
    pub id: i32,
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = Text)]
    pub slug: String,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub published_at: Option<PrimitiveDateTime>,
    #[diesel(embed)]
    pub marked: Marked,
}

#[derive(QueryableByName, Debug)]
pub struct ProductMatch {
    #[diesel(sql_type = Integer)]
    pub id: i32,
    #[diesel(sql_type = Text)]
    pub slug: String,
    #[diesel(sql_type = BigInt)]
    pub price_cents: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub sale_price_cents: Option<i64>,
    #[diesel(embed)]
    pub marked: Marked,
}

#[derive(QueryableByName)]
pub struct Total {
    #[diesel(sql_type = BigInt)]
    pub total: i64,
}

/// One page of results: the matches in rank order, with what each shows.
pub struct Found {
    /// All matches, or those of the window if it is cut.
    pub total: i64,
    /// Only the newest matches were searched.
    pub cut: bool,
    pub hits: Vec<Hit>,
    pub posts: HashMap<i32, PostMatch>,
    pub products: HashMap<i32, ProductMatch>,
}

/// What is asked: the terms, the time that decides what is published, and the page.
pub struct Search<'a> {
    pub terms: &'a Terms,
    pub now: PrimitiveDateTime,
    pub limit: i64,
    pub offset: i64,
}

/// The matches of a search (of the window, when it is cut) and the page asked for of
/// them, in rank order.
pub struct Ranked {
    pub total: i64,
    pub cut: bool,
    pub hits: Vec<Hit>,
}

/// At most eight queries, whatever the number of matches.
pub fn find(conn: &mut DbConn, search: &Search) -> QueryResult<Found> {
    let Ranked { total, cut, hits } = match conn {
        DbConn::Sqlite(conn) => sqlite::rank(conn, search)?,
        DbConn::Pg(conn) => {
            let window = postgres::window(conn, search)?;
            let total = match window.known_total() {
                Some(total) => total,
                None => postgres::count(conn, search, window)?,
            };
            let hits = postgres::hits(conn, search, window)?;
            Ranked {
                total,
                cut: window.is_cut(),
                hits,
            }
        }
    };
    let ids_of = |source: Source| -> Vec<i32> {
        hits.iter()
            .filter(|hit| hit.source() == source)
            .map(|hit| hit.id)
            .collect()
    };
    let (post_ids, product_ids) = (ids_of(Source::Post), ids_of(Source::Product));
    let (posts, products) = match conn {
        DbConn::Sqlite(conn) => (
            sqlite::posts(conn, search.terms, &post_ids)?,
            sqlite::products(conn, search.terms, &product_ids)?,
        ),
        DbConn::Pg(conn) => (
            postgres::posts(conn, search.terms, &post_ids)?,
            postgres::products(conn, search.terms, &product_ids)?,
        ),
    };
    Ok(Found {
        total,
        cut,
        hits,
        posts: posts.into_iter().map(|p| (p.id, p)).collect(),
        products: products.into_iter().map(|p| (p.id, p)).collect(),
    })
}

/// The plans the database makes for finding the window, counting the matches and for the
/// ranked page of them (the window cut or not), one step a line: for
/// checking that it reads the full-text index (FTS5 table, GIN index) instead of scanning.
pub fn query_plan(
    conn: &mut DbConn,
    terms: &Terms,
    now: PrimitiveDateTime,
) -> QueryResult<Vec<String>> {
    let search = Search {
        terms,
        now,
        limit: 10,
        offset: 0,
    };
    match conn {
        DbConn::Sqlite(conn) => sqlite::plan(conn, &search),
        DbConn::Pg(conn) => postgres::plan(conn, &search),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_two_cut_windows_need_no_count() {
        let window = |posts_after, products_after| Window {
            posts_after,
            products_after,
        };
        assert_eq!(window(Some(7), Some(3)).known_total(), Some(2 * WINDOW));
        assert_eq!(window(Some(7), None).known_total(), None);
        assert_eq!(window(None, Some(3)).known_total(), None);
        assert!(!window(None, None).is_cut());
        assert_eq!(window(Some(7), None).floors(), (7, 0));
    }
}

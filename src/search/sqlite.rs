//! The index on SQLite: FTS5 tables `search_posts` (title, excerpt, body) and
//! `search_products` (name, sku, short_description, description), rowid = the row's id,
//! porter stemming over unicode61 with diacritics removed.

use std::collections::HashSet;

use diesel::prelude::*;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{Integer, Nullable, Text, Timestamp};
use diesel::sqlite::{Sqlite, SqliteConnection};
use time::PrimitiveDateTime;

use super::index::{Hit, PostMatch, ProductMatch, Ranked, Search, Source, WINDOW};
use super::marks::{END, START};
use super::terms::Terms;

// Every query reads the FTS table first (`CROSS JOIN` fixes SQLite's join order): left to
// itself, SQLite may walk the posts index of status and date and run the full-text query
// again for every post, which takes minutes at 100,000 posts instead of milliseconds.

/// Published posts and pages whose time has come, not password-protected; binds: the
/// match, now. The visibility columns are read from the `posts_search_visibility` index,
/// not from the rows (whose bodies would be read past to reach them); SQLite would take the
/// primary key without `INDEXED BY`.
const POSTS_MATCHING: &str = "FROM search_posts \
     CROSS JOIN posts INDEXED BY posts_search_visibility ON posts.id = search_posts.rowid \
     WHERE search_posts MATCH ? AND posts.status = 'published' \
     AND posts.kind IN ('post', 'page') AND posts.published_at <= ? \
     AND posts.password IS NULL";

/// Published products; binds: the match.
const PRODUCTS_MATCHING: &str = "FROM search_products \
     CROSS JOIN products INDEXED BY products_search_visibility \
     ON products.id = search_products.rowid \
     WHERE search_products MATCH ? AND products.published";

/// A table's columns by weight: a match whose every word is in the first group (the
/// title) ranks highest, then every word in the second (title and excerpt), then the rest.
/// As WordPress ranks its search; bm25 is not used because it reads every match of every
/// word in the table to weigh them, a time that grows with the site.
struct Table {
    name: &'static str,
    title: &'static str,
    excerpt: &'static str,
}

const POSTS: Table = Table {
    name: "search_posts",
    title: "title",
    excerpt: "title excerpt",
};

const PRODUCTS: Table = Table {
    name: "search_products",
    title: "name sku",
    excerpt: "name sku short_description",
};

/// A match of the window: its id and the date that breaks ties of rank.
#[derive(QueryableByName)]
struct Match {
    #[diesel(sql_type = Integer)]
    id: i32,
    #[diesel(sql_type = Nullable<Timestamp>)]
    at: Option<PrimitiveDateTime>,
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = Integer)]
    id: i32,
}

/// The newest [`WINDOW`] matches of posts and of products, ranked; the page asked for of
/// them. FTS5 gives matches newest first by rowid, so each query reads at most `WINDOW`
/// matches (and their visibility), however many posts there are.
pub fn rank(conn: &mut SqliteConnection, search: &Search) -> QueryResult<Ranked> {
    let posts = window_query("", search, Source::Post).load::<Match>(conn)?;
    let products = window_query("", search, Source::Product).load::<Match>(conn)?;
    let cut = posts.len() as i64 > WINDOW || products.len() as i64 > WINDOW;
    let mut ranked = Vec::new();
    for (source, table, mut matches) in [
        (Source::Post, &POSTS, posts),
        (Source::Product, &PRODUCTS, products),
    ] {
        matches.truncate(WINDOW as usize);
        let Some(floor) = matches.iter().map(|m| m.id).min() else {
            continue;
        };
        let in_title = ids_in(conn, table.name, &search.terms.fts5_in(table.title), floor)?;
        let in_excerpt = ids_in(
            conn,
            table.name,
            &search.terms.fts5_in(table.excerpt),
            floor,
        )?;
        ranked.extend(matches.into_iter().map(|m| {
            let tier = if in_title.contains(&m.id) {
                3
            } else if in_excerpt.contains(&m.id) {
                2
            } else {
                1
            };
            (tier, m.at, Hit::new(source, m.id))
        }));
    }
    let total = ranked.len() as i64;
    // Best first; ties newest first (by date, then id).
    ranked.sort_by_key(|&(tier, at, ref hit)| std::cmp::Reverse((tier, at, hit.id)));
    let hits = ranked
        .into_iter()
        .skip(search.offset.max(0) as usize)
        .take(search.limit.max(0) as usize)
        .map(|(_, _, hit)| hit)
        .collect();
    Ok(Ranked { total, cut, hits })
}

type Query = BoxedSqlQuery<'static, Sqlite, SqlQuery>;

/// The newest `WINDOW + 1` matches: one more than the window tells that it is cut.
fn window_query(prefix: &str, search: &Search, source: Source) -> Query {
    let limit = WINDOW + 1;
    let query = search.terms.fts5_match();
    match source {
        Source::Post => diesel::sql_query(format!(
            "{prefix}SELECT posts.id AS id, posts.published_at AS at {POSTS_MATCHING} \
             ORDER BY search_posts.rowid DESC LIMIT {limit}"
        ))
        .into_boxed()
        .bind::<Text, _>(query)
        .bind::<Timestamp, _>(search.now),
        Source::Product => diesel::sql_query(format!(
            "{prefix}SELECT products.id AS id, products.created_at AS at {PRODUCTS_MATCHING} \
             ORDER BY search_products.rowid DESC LIMIT {limit}"
        ))
        .into_boxed()
        .bind::<Text, _>(query),
    }
}

/// One column-filtered FTS5 query over the window (ids from `floor` up).
fn tier_query(prefix: &str, table: &str, query: &str, floor: i32) -> Query {
    diesel::sql_query(format!(
        "{prefix}SELECT rowid AS id FROM {table} WHERE {table} MATCH ? AND rowid >= ?"
    ))
    .into_boxed()
    .bind::<Text, _>(query.to_owned())
    .bind::<Integer, _>(floor)
}

fn ids_in(
    conn: &mut SqliteConnection,
    table: &str,
    query: &str,
    floor: i32,
) -> QueryResult<HashSet<i32>> {
    let ids = tier_query("", table, query, floor).load::<Id>(conn)?;
    Ok(ids.into_iter().map(|row| row.id).collect())
}

/// What SQLite does to find the windows and their tiers, one step a line.
pub fn plan(conn: &mut SqliteConnection, search: &Search) -> QueryResult<Vec<String>> {
    let explain = "EXPLAIN QUERY PLAN ";
    let mut steps: Vec<PlanStep> = window_query(explain, search, Source::Post).load(conn)?;
    steps.extend(window_query(explain, search, Source::Product).load::<PlanStep>(conn)?);
    for table in [&POSTS, &PRODUCTS] {
        let query = search.terms.fts5_in(table.title);
        steps.extend(tier_query(explain, table.name, &query, 1).load::<PlanStep>(conn)?);
    }
    Ok(steps.into_iter().map(|step| step.detail).collect())
}

#[derive(QueryableByName)]
struct PlanStep {
    #[diesel(sql_type = Text)]
    detail: String,
}

/// `ids` as a JSON array, for `IN (SELECT value FROM json_each(?))`: one bind for a list.
fn json_ids(ids: &[i32]) -> String {
    let listed: Vec<String> = ids.iter().map(i32::to_string).collect();
    format!("[{}]", listed.join(","))
}

/// `highlight()` marks the found words of a whole column; `snippet()` picks the few words
/// around them (or the start, if the column has none).
fn marked_columns(table: &str, title: u8, excerpt: u8, body: u8) -> String {
    format!(
        "highlight({table}, {title}, ?1, ?2) AS title, \
         highlight({table}, {excerpt}, ?1, ?2) AS excerpt, \
         snippet({table}, {body}, ?1, ?2, '…', 24) AS snippet"
    )
}

pub fn posts(
    conn: &mut SqliteConnection,
    terms: &Terms,
    ids: &[i32],
) -> QueryResult<Vec<PostMatch>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT posts.id AS id, posts.kind AS kind, posts.slug AS slug, \
         posts.published_at AS published_at, {} \
         FROM search_posts CROSS JOIN posts ON posts.id = search_posts.rowid \
         WHERE search_posts MATCH ?3 AND search_posts.rowid >= ?5 \
         AND search_posts.rowid IN (SELECT value FROM json_each(?4))",
        marked_columns("search_posts", 0, 1, 2)
    );
    marked_query(conn, sql, terms, ids)
}

pub fn products(
    conn: &mut SqliteConnection,
    terms: &Terms,
    ids: &[i32],
) -> QueryResult<Vec<ProductMatch>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT products.id AS id, products.slug AS slug, products.price_cents AS price_cents, \
         products.sale_price_cents AS sale_price_cents, {} \
         FROM search_products CROSS JOIN products ON products.id = search_products.rowid \
         WHERE search_products MATCH ?3 AND search_products.rowid >= ?5 \
         AND search_products.rowid IN (SELECT value FROM json_each(?4))",
        marked_columns("search_products", 0, 2, 3)
    );
    marked_query(conn, sql, terms, ids)
}

/// Binds ?1 and ?2 (the marks), ?3 (the match), ?4 (the ids) and ?5 (the least of them:
/// FTS5 then reads the matches from there, not all of them).
fn marked_query<T>(
    conn: &mut SqliteConnection,
    sql: String,
    terms: &Terms,
    ids: &[i32],
) -> QueryResult<Vec<T>>
where
    T: QueryableByName<Sqlite> + 'static,
{
    diesel::sql_query(sql)
        .bind::<Text, _>(START.to_string())
        .bind::<Text, _>(END.to_string())
        .bind::<Text, _>(terms.fts5_match())
        .bind::<Text, _>(json_ids(ids))
        .bind::<Integer, _>(ids.iter().copied().min().unwrap_or(0))
        .load(conn)
}

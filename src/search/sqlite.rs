//! The index on SQLite: FTS5 tables `search_posts` (title, excerpt, body) and
//! `search_products` (name, sku, short_description, description), rowid = the row's id,
//! porter stemming over unicode61 with diacritics removed.

use diesel::prelude::*;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{BigInt, Text, Timestamp};
use diesel::sqlite::{Sqlite, SqliteConnection};

use super::index::{Hit, PostMatch, ProductMatch, Search, Total};
use super::marks::{END, START};
use super::terms::Terms;

// Every query reads the FTS table first (`CROSS JOIN` fixes SQLite's join order): left to
// itself, SQLite may walk the posts index of status and date and run the full-text query
// again for every post, which takes minutes at 100,000 posts instead of milliseconds.

/// Published posts and pages whose time has come, not password-protected; binds: the match,
/// now.
const POSTS_MATCHING: &str = "FROM search_posts CROSS JOIN posts ON posts.id = search_posts.rowid \
     WHERE search_posts MATCH ? AND posts.status = 'published' \
     AND posts.kind IN ('post', 'page') AND posts.published_at <= ? \
     AND posts.password IS NULL";

/// Published products; bind: the match.
const PRODUCTS_MATCHING: &str = "FROM search_products \
     CROSS JOIN products ON products.id = search_products.rowid \
     WHERE search_products MATCH ? AND products.published";

/// bm25 is lower for better matches; negated so that both backends sort by score, highest
/// first. A word in the title weighs ten times one in the body.
const POST_SCORE: &str = "-bm25(search_posts, 10.0, 3.0, 1.0)";
const PRODUCT_SCORE: &str = "-bm25(search_products, 10.0, 10.0, 3.0, 1.0)";

pub fn count(conn: &mut SqliteConnection, search: &Search) -> QueryResult<i64> {
    let total: Total = count_query("", search).get_result(conn)?;
    Ok(total.total)
}

pub fn hits(conn: &mut SqliteConnection, search: &Search) -> QueryResult<Vec<Hit>> {
    hits_query("", search).load(conn)
}

/// What SQLite does for [`count`] and [`hits`], one step a line.
pub fn plan(conn: &mut SqliteConnection, search: &Search) -> QueryResult<Vec<String>> {
    let explain = "EXPLAIN QUERY PLAN ";
    let mut steps: Vec<PlanStep> = count_query(explain, search).load(conn)?;
    steps.extend(hits_query(explain, search).load::<PlanStep>(conn)?);
    Ok(steps.into_iter().map(|step| step.detail).collect())
}

#[derive(QueryableByName)]
struct PlanStep {
    #[diesel(sql_type = Text)]
    detail: String,
}

fn count_query(prefix: &str, search: &Search) -> BoxedSqlQuery<'static, Sqlite, SqlQuery> {
    let sql = format!(
        "{prefix}SELECT (SELECT count(*) {POSTS_MATCHING}) \
         + (SELECT count(*) {PRODUCTS_MATCHING}) AS total"
    );
    matching(sql, search)
}

/// `sql` with the binds of [`POSTS_MATCHING`] and then [`PRODUCTS_MATCHING`].
fn matching(sql: String, search: &Search) -> BoxedSqlQuery<'static, Sqlite, SqlQuery> {
    let query = search.terms.fts5_match();
    diesel::sql_query(sql)
        .into_boxed()
        .bind::<Text, _>(query.clone())
        .bind::<Timestamp, _>(search.now)
        .bind::<Text, _>(query)
}

fn hits_query(prefix: &str, search: &Search) -> BoxedSqlQuery<'static, Sqlite, SqlQuery> {
    let sql = format!(
        "{prefix}SELECT 'post' AS source, posts.id AS id, {POST_SCORE} AS score, \
         posts.published_at AS at {POSTS_MATCHING} \
         UNION ALL \
         SELECT 'product', products.id, {PRODUCT_SCORE}, products.created_at \
         {PRODUCTS_MATCHING} \
         ORDER BY score DESC, at DESC, id DESC LIMIT ? OFFSET ?"
    );
    matching(sql, search)
        .bind::<BigInt, _>(search.limit)
        .bind::<BigInt, _>(search.offset)
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
         WHERE search_posts MATCH ?3 AND search_posts.rowid IN (SELECT value FROM json_each(?4))",
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
         WHERE search_products MATCH ?3 \
         AND search_products.rowid IN (SELECT value FROM json_each(?4))",
        marked_columns("search_products", 0, 2, 3)
    );
    marked_query(conn, sql, terms, ids)
}

/// Binds ?1 and ?2 (the marks), ?3 (the match) and ?4 (the ids).
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
        .load(conn)
}

//! The index on SQLite: FTS5 tables `search_posts` (title, excerpt, body) and
//! `search_products` (name, sku, short_description, description), rowid = the row's id,
//! porter stemming over unicode61 with diacritics removed.

use diesel::prelude::*;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{BigInt, Integer, Text, Timestamp};
use diesel::sqlite::{Sqlite, SqliteConnection};

use super::index::{Floor, Hit, PostMatch, ProductMatch, Search, Total, WINDOW, Window};
use super::marks::{END, START};
use super::terms::Terms;

// Every query reads the FTS table first (`CROSS JOIN` fixes SQLite's join order): left to
// itself, SQLite may walk the posts index of status and date and run the full-text query
// again for every post, which takes minutes at 100,000 posts instead of milliseconds.

/// Published posts and pages whose time has come, not password-protected; binds: the match,
/// the window's floor, now.
const POSTS_MATCHING: &str = "FROM search_posts CROSS JOIN posts ON posts.id = search_posts.rowid \
     WHERE search_posts MATCH ? AND search_posts.rowid > ? AND posts.status = 'published' \
     AND posts.kind IN ('post', 'page') AND posts.published_at <= ? \
     AND posts.password IS NULL";

/// Published products; binds: the match, the window's floor.
const PRODUCTS_MATCHING: &str = "FROM search_products \
     CROSS JOIN products ON products.id = search_products.rowid \
     WHERE search_products MATCH ? AND search_products.rowid > ? AND products.published";

/// bm25 is lower for better matches; negated so that both backends sort by score, highest
/// first. A word in the title weighs ten times one in the body.
const POST_SCORE: &str = "-bm25(search_posts, 10.0, 3.0, 1.0)";
const PRODUCT_SCORE: &str = "-bm25(search_products, 10.0, 10.0, 3.0, 1.0)";

/// The columns of a table, for the score of a cut window: every word in the first group
/// (the title) ranks highest, then every word in the first two (title and excerpt), then
/// the rest. bm25 cannot rank a window: it counts every match of each word in the table.
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

/// Binds: the title match, the floor, the title-or-excerpt match, the floor. Each `IN` is
/// one column-filtered FTS5 query over the window, run once.
fn tier_score(table: &Table) -> String {
    let name = table.name;
    let within =
        format!("{name}.rowid IN (SELECT rowid FROM {name} WHERE {name} MATCH ? AND rowid > ?)");
    format!("CASE WHEN {within} THEN 3 WHEN {within} THEN 2 ELSE 1 END")
}

/// Finds the id of the match just older than the newest [`WINDOW`] posts, and products.
/// FTS5 gives the matches newest first by rowid, so this reads `WINDOW` matches, not all.
pub fn window(conn: &mut SqliteConnection, search: &Search) -> QueryResult<Window> {
    let (posts, products) = window_queries("", search);
    Ok(Window {
        posts_after: posts.get_result::<Floor>(conn).optional()?.map(|f| f.id),
        products_after: products.get_result::<Floor>(conn).optional()?.map(|f| f.id),
    })
}

type Query = BoxedSqlQuery<'static, Sqlite, SqlQuery>;

fn window_queries(prefix: &str, search: &Search) -> (Query, Query) {
    let beyond = format!("LIMIT 1 OFFSET {WINDOW}");
    let query = search.terms.fts5_match();
    let posts = diesel::sql_query(format!(
        "{prefix}SELECT posts.id AS id {POSTS_MATCHING} ORDER BY search_posts.rowid DESC {beyond}"
    ))
    .into_boxed()
    .bind::<Text, _>(query.clone())
    .bind::<Integer, _>(0)
    .bind::<Timestamp, _>(search.now);
    let products = diesel::sql_query(format!(
        "{prefix}SELECT products.id AS id {PRODUCTS_MATCHING} \
         ORDER BY search_products.rowid DESC {beyond}"
    ))
    .into_boxed()
    .bind::<Text, _>(query)
    .bind::<Integer, _>(0);
    (posts, products)
}

pub fn count(conn: &mut SqliteConnection, search: &Search, window: Window) -> QueryResult<i64> {
    let total: Total = count_query("", search, window).get_result(conn)?;
    Ok(total.total)
}

pub fn hits(conn: &mut SqliteConnection, search: &Search, window: Window) -> QueryResult<Vec<Hit>> {
    hits_query("", search, window).load(conn)
}

/// What SQLite does to find the window, for [`count`] and for [`hits`] (with the window
/// cut and not), one step a line.
pub fn plan(conn: &mut SqliteConnection, search: &Search) -> QueryResult<Vec<String>> {
    let explain = "EXPLAIN QUERY PLAN ";
    let (posts, products) = window_queries(explain, search);
    let cut = Window {
        posts_after: Some(0),
        products_after: Some(0),
    };
    let mut steps: Vec<PlanStep> = posts.load(conn)?;
    steps.extend(products.load::<PlanStep>(conn)?);
    steps.extend(count_query(explain, search, Window::default()).load::<PlanStep>(conn)?);
    steps.extend(hits_query(explain, search, Window::default()).load::<PlanStep>(conn)?);
    steps.extend(hits_query(explain, search, cut).load::<PlanStep>(conn)?);
    Ok(steps.into_iter().map(|step| step.detail).collect())
}

#[derive(QueryableByName)]
struct PlanStep {
    #[diesel(sql_type = Text)]
    detail: String,
}

fn count_query(prefix: &str, search: &Search, window: Window) -> Query {
    let sql = format!(
        "{prefix}SELECT (SELECT count(*) {POSTS_MATCHING}) \
         + (SELECT count(*) {PRODUCTS_MATCHING}) AS total"
    );
    let query = diesel::sql_query(sql).into_boxed();
    let query = bind_posts_matching(query, search, window);
    bind_products_matching(query, search, window)
}

fn bind_posts_matching(query: Query, search: &Search, window: Window) -> Query {
    query
        .bind::<Text, _>(search.terms.fts5_match())
        .bind::<Integer, _>(window.floors().0)
        .bind::<Timestamp, _>(search.now)
}

fn bind_products_matching(query: Query, search: &Search, window: Window) -> Query {
    query
        .bind::<Text, _>(search.terms.fts5_match())
        .bind::<Integer, _>(window.floors().1)
}

/// Binds [`tier_score`]'s, when the window is cut.
fn bind_tier(query: Query, table: &Table, search: &Search, floor: i32, cut: bool) -> Query {
    if !cut {
        return query;
    }
    query
        .bind::<Text, _>(search.terms.fts5_in(table.title))
        .bind::<Integer, _>(floor)
        .bind::<Text, _>(search.terms.fts5_in(table.excerpt))
        .bind::<Integer, _>(floor)
}

/// Ranked by bm25 over all matches, or, when the window is cut, by where the words are
/// (posts and products alike, so that the scores compare), ties newest first.
fn hits_query(prefix: &str, search: &Search, window: Window) -> Query {
    let cut = window.is_cut();
    let (post_score, product_score) = if cut {
        (tier_score(&POSTS), tier_score(&PRODUCTS))
    } else {
        (POST_SCORE.to_owned(), PRODUCT_SCORE.to_owned())
    };
    let sql = format!(
        "{prefix}SELECT 'post' AS source, posts.id AS id, {post_score} AS score, \
         posts.published_at AS at {POSTS_MATCHING} \
         UNION ALL \
         SELECT 'product', products.id, {product_score}, products.created_at \
         {PRODUCTS_MATCHING} \
         ORDER BY score DESC, at DESC, id DESC LIMIT ? OFFSET ?"
    );
    let (posts_floor, products_floor) = window.floors();
    let query = diesel::sql_query(sql).into_boxed();
    let query = bind_tier(query, &POSTS, search, posts_floor, cut);
    let query = bind_posts_matching(query, search, window);
    let query = bind_tier(query, &PRODUCTS, search, products_floor, cut);
    bind_products_matching(query, search, window)
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

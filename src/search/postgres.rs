//! The index on PostgreSQL: a generated `search_vector` column on posts and on products
//! (title weight A, excerpt or short description B, body D; a product's SKU A), each with a
//! GIN index. The 'english' configuration stems like FTS5's porter tokenizer does
//! ("routines" finds "routine" on both).

use diesel::pg::{Pg, PgConnection};
use diesel::prelude::*;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{Array, BigInt, Integer, Text, Timestamp};

use super::index::{Floor, Hit, PostMatch, ProductMatch, Search, Total, WINDOW, Window};
use super::marks::{END, START};
use super::terms::Terms;

/// Published posts and pages whose time has come, not password-protected; binds: $1 the
/// tsquery text, $2 now, $3 the window's floor.
const POSTS_MATCHING: &str = "FROM posts, to_tsquery('english', $1) AS query \
     WHERE posts.search_vector @@ query AND posts.id > $3 AND posts.status = 'published' \
     AND posts.kind IN ('post', 'page') AND posts.published_at <= $2 \
     AND posts.password IS NULL";

/// Published products; binds: $1 the tsquery text, $4 the window's floor.
const PRODUCTS_MATCHING: &str = "FROM products, to_tsquery('english', $1) AS query \
     WHERE products.search_vector @@ query AND products.id > $4 AND products.published";

/// Cover density rank with weights for {D, C, B, A}: a title word counts ten times a body
/// word, as on SQLite. It reads only the row's own vector, so it ranks a window as well as
/// all matches.
const SCORE: &str = "ts_rank_cd('{0.1, 0.2, 0.3, 1.0}', search_vector, query)";

type Query = BoxedSqlQuery<'static, Pg, SqlQuery>;

/// `sql` with $1 to $4 bound; a query that uses only some of them still knows their types,
/// which Diesel sends with the statement.
fn matching(sql: String, search: &Search, window: Window) -> Query {
    let (posts_floor, products_floor) = window.floors();
    diesel::sql_query(sql)
        .into_boxed()
        .bind::<Text, _>(search.terms.tsquery())
        .bind::<Timestamp, _>(search.now)
        .bind::<Integer, _>(posts_floor)
        .bind::<Integer, _>(products_floor)
}

/// Finds the id of the match just older than the newest [`WINDOW`] posts, and products.
pub fn window(conn: &mut PgConnection, search: &Search) -> QueryResult<Window> {
    let (posts, products) = window_queries("", search);
    Ok(Window {
        posts_after: posts.get_result::<Floor>(conn).optional()?.map(|f| f.id),
        products_after: products.get_result::<Floor>(conn).optional()?.map(|f| f.id),
    })
}

fn window_queries(prefix: &str, search: &Search) -> (Query, Query) {
    let beyond = format!("LIMIT 1 OFFSET {WINDOW}");
    let posts = format!("{prefix}SELECT posts.id {POSTS_MATCHING} ORDER BY posts.id DESC {beyond}");
    let products = format!(
        "{prefix}SELECT products.id {PRODUCTS_MATCHING} ORDER BY products.id DESC {beyond}"
    );
    let all = Window::default();
    (
        matching(posts, search, all),
        matching(products, search, all),
    )
}

pub fn count(conn: &mut PgConnection, search: &Search, window: Window) -> QueryResult<i64> {
    let total: Total = count_query("", search, window).get_result(conn)?;
    Ok(total.total)
}

pub fn hits(conn: &mut PgConnection, search: &Search, window: Window) -> QueryResult<Vec<Hit>> {
    hits_query("", search, window).load(conn)
}

/// What PostgreSQL does to find the window, for [`count`] and for [`hits`], one plan node a
/// line.
pub fn plan(conn: &mut PgConnection, search: &Search) -> QueryResult<Vec<String>> {
    let (posts, products) = window_queries("EXPLAIN ", search);
    let mut lines: Vec<PlanLine> = posts.load(conn)?;
    lines.extend(products.load::<PlanLine>(conn)?);
    lines.extend(count_query("EXPLAIN ", search, Window::default()).load::<PlanLine>(conn)?);
    lines.extend(hits_query("EXPLAIN ", search, Window::default()).load::<PlanLine>(conn)?);
    Ok(lines.into_iter().map(|line| line.line).collect())
}

#[derive(QueryableByName)]
struct PlanLine {
    #[diesel(sql_type = Text, column_name = "QUERY PLAN")]
    line: String,
}

fn count_query(prefix: &str, search: &Search, window: Window) -> Query {
    let sql = format!(
        "{prefix}SELECT (SELECT count(*) {POSTS_MATCHING}) \
         + (SELECT count(*) {PRODUCTS_MATCHING}) AS total"
    );
    matching(sql, search, window)
}

fn hits_query(prefix: &str, search: &Search, window: Window) -> Query {
    let sql = format!(
        "{prefix}SELECT 'post'::text AS source, posts.id AS id, {SCORE} AS score, \
         posts.published_at AS at {POSTS_MATCHING} \
         UNION ALL \
         SELECT 'product', products.id, {SCORE}, products.created_at {PRODUCTS_MATCHING} \
         ORDER BY score DESC, at DESC, id DESC LIMIT $5 OFFSET $6"
    );
    matching(sql, search, window)
        .bind::<BigInt, _>(search.limit)
        .bind::<BigInt, _>(search.offset)
}

/// `ts_headline` options: $2 marks every found word of a whole field, $3 picks a few words
/// around them (or the start, if the field has none).
fn options() -> (String, String) {
    let marks = format!("StartSel={START}, StopSel={END}");
    (
        format!("HighlightAll=true, {marks}"),
        format!("MaxWords=24, MinWords=12, MaxFragments=2, FragmentDelimiter=\" … \", {marks}"),
    )
}

fn marked_columns(title: &str, excerpt: &str, body: &str) -> String {
    format!(
        "ts_headline('english', {title}, query, $2) AS title, \
         ts_headline('english', {excerpt}, query, $2) AS excerpt, \
         ts_headline('english', {body}, query, $3) AS snippet"
    )
}

pub fn posts(conn: &mut PgConnection, terms: &Terms, ids: &[i32]) -> QueryResult<Vec<PostMatch>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT posts.id, posts.kind, posts.slug, posts.published_at, {} \
         FROM posts, to_tsquery('english', $1) AS query WHERE posts.id = ANY($4)",
        marked_columns("posts.title", "posts.excerpt", "posts.body_text")
    );
    marked_query(conn, sql, terms, ids)
}

pub fn products(
    conn: &mut PgConnection,
    terms: &Terms,
    ids: &[i32],
) -> QueryResult<Vec<ProductMatch>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT products.id, products.slug, products.price_cents, products.sale_price_cents, {} \
         FROM products, to_tsquery('english', $1) AS query WHERE products.id = ANY($4)",
        marked_columns(
            "products.name",
            "products.short_description",
            "products.description"
        )
    );
    marked_query(conn, sql, terms, ids)
}

/// Binds $1 (the tsquery text), $2 and $3 (the headline options) and $4 (the ids).
fn marked_query<T>(
    conn: &mut PgConnection,
    sql: String,
    terms: &Terms,
    ids: &[i32],
) -> QueryResult<Vec<T>>
where
    T: QueryableByName<Pg> + 'static,
{
    let (whole, fragment) = options();
    diesel::sql_query(sql)
        .bind::<Text, _>(terms.tsquery())
        .bind::<Text, _>(whole)
        .bind::<Text, _>(fragment)
        .bind::<Array<Integer>, _>(ids)
        .load(conn)
}

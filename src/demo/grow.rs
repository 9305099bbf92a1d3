//! `glowpress generate`: fills the database with many plausible posts, comments and products,
//! quickly, to measure how pages behave as the tables grow (like `wp post generate`). The
//! text comes from a seeded generator, so two runs with the same counts make the same site.

use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use time::PrimitiveDateTime;

use crate::db::DbConn;
use crate::db::schema::{categories, comments, post_categories, posts, products, users};
use crate::posts::queries::{Kind, Status};
use crate::web::dates;

/// How much to add.
#[derive(Clone, Copy, Debug)]
pub struct Growth {
    pub posts: usize,
    pub comments: usize,
    pub products: usize,
}

/// What was added.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Grown {
    pub posts: usize,
    pub comments: usize,
    pub products: usize,
}

/// A multi-row INSERT, which the connection enum cannot build: each backend builds its own.
macro_rules! insert_rows {
    ($conn:expr, $table:expr, $rows:expr) => {
        match $conn {
            DbConn::Sqlite(conn) => diesel::insert_into($table).values($rows).execute(conn),
            DbConn::Pg(conn) => diesel::insert_into($table).values($rows).execute(conn),
        }
    };
}

/// Rows per INSERT: well under both backends' limits on bound parameters.
const BATCH: usize = 500;

const WORDS: &[&str] = &[
    "skin",
    "serum",
    "barrier",
    "routine",
    "gentle",
    "cleanser",
    "retinol",
    "niacinamide",
    "sunscreen",
    "texture",
    "hydration",
    "glow",
    "calm",
    "redness",
    "acid",
    "exfoliate",
    "moisturizer",
    "ceramide",
    "peptide",
    "vitamin",
    "morning",
    "evening",
    "layer",
    "patch",
    "test",
    "honest",
    "review",
    "season",
    "winter",
    "summer",
    "oily",
    "dry",
    "balance",
    "fragrance",
    "mineral",
    "filter",
    "spf",
    "tone",
    "pores",
    "clay",
    "mask",
    "oil",
    "balm",
    "water",
    "sleep",
    "habit",
    "simple",
    "budget",
    "favourite",
    "week",
    "result",
    "label",
    "ingredient",
    "formula",
    "dermatologist",
    "sensitive",
    "comfort",
    "tight",
    "soft",
    "bright",
];

/// Adds `growth` to the database in one transaction per table, in batches.
pub fn grow(conn: &mut DbConn, growth: Growth) -> anyhow::Result<Grown> {
    let mut rng = StdRng::seed_from_u64(2026);
    let now = dates::now();
    let author_id = byline(conn, now)?;
    let category_ids: Vec<i32> = categories::table.select(categories::id).load(conn)?;
    let first_post = next_number(conn)?;
    let mut grown = Grown::default();
    conn.write_transaction(|conn| -> anyhow::Result<()> {
        for start in (0..growth.posts).step_by(BATCH) {
            let rows: Vec<_> = (start..growth.posts.min(start + BATCH))
                .map(|i| {
                    // Newer ids are newer posts, as on a real site.
                    let age = growth.posts - i;
                    post_row(&mut rng, first_post + i, age, author_id, &category_ids, now)
                })
                .collect();
            grown.posts += insert_posts(conn, &rows)?;
        }
        Ok(())
    })?;
    let generated: Vec<(i32, Option<i32>)> = posts::table
        .filter(posts::slug.like("generated-%"))
        .select((posts::id, posts::category_id))
        .order(posts::id)
        .load(conn)?;
    let added = &generated[generated.len().saturating_sub(growth.posts)..];
    conn.write_transaction(|conn| -> anyhow::Result<()> {
        // Archives list a post by its categories, of which the first is its own.
        let memberships: Vec<_> = added
            .iter()
            .filter_map(|&(post_id, category)| {
                category.map(|category_id| {
                    (
                        post_categories::post_id.eq(post_id),
                        post_categories::category_id.eq(category_id),
                    )
                })
            })
            .collect();
        for batch in memberships.chunks(BATCH) {
            insert_rows!(conn, post_categories::table, batch)?;
        }
        Ok(())
    })?;
    let post_ids: Vec<i32> = added.iter().map(|&(id, _)| id).collect();
    conn.write_transaction(|conn| -> anyhow::Result<()> {
        grown.comments = insert_comments(conn, &mut rng, &post_ids, growth.comments, now)?;
        Ok(())
    })?;
    let first_product = products::table.count().get_result::<i64>(conn)? as usize;
    conn.write_transaction(|conn| -> anyhow::Result<()> {
        for start in (0..growth.products).step_by(BATCH) {
            let rows: Vec<_> = (start..growth.products.min(start + BATCH))
                .map(|i| product_row(&mut rng, first_product + i, now))
                .collect();
            grown.products += insert_rows!(conn, products::table, &rows)?;
        }
        Ok(())
    })?;
    crate::search::merge_index(conn)?;
    crate::db::content::bump(conn)?;
    Ok(grown)
}

/// Generated posts are numbered on from those of an earlier run.
fn next_number(conn: &mut DbConn) -> QueryResult<usize> {
    let count: i64 = posts::table
        .filter(posts::slug.like("generated-%"))
        .count()
        .get_result(conn)?;
    Ok(count as usize)
}

/// The author every generated post is by (created once).
fn byline(conn: &mut DbConn, now: PrimitiveDateTime) -> QueryResult<i32> {
    let existing = users::table
        .filter(users::username.eq("generated-author"))
        .select(users::id)
        .first(conn)
        .optional()?;
    if let Some(id) = existing {
        return Ok(id);
    }
    diesel::insert_into(users::table)
        .values((
            users::username.eq("generated-author"),
            users::email.eq("generated-author@example.com"),
            users::email_normalized.eq("generated-author@example.com"),
            users::display_name.eq("Generated Author"),
            users::role.eq("author"),
            users::created_at.eq(now),
        ))
        .returning(users::id)
        .get_result(conn)
}

fn sentence(rng: &mut StdRng, words: usize) -> String {
    let mut text: Vec<&str> = (0..words)
        .map(|_| *WORDS.choose(rng).unwrap_or(&"skin"))
        .collect();
    let first = text[0].to_owned();
    let mut capital = first[..1].to_uppercase();
    capital.push_str(&first[1..]);
    text[0] = &capital;
    format!("{}.", text.join(" "))
}

type PostRow = (
    diesel::dsl::Eq<posts::slug, String>,
    diesel::dsl::Eq<posts::title, String>,
    diesel::dsl::Eq<posts::excerpt, String>,
    diesel::dsl::Eq<posts::body, String>,
    diesel::dsl::Eq<posts::body_text, String>,
    diesel::dsl::Eq<posts::body_html, String>,
    diesel::dsl::Eq<posts::status, &'static str>,
    diesel::dsl::Eq<posts::published_at, Option<PrimitiveDateTime>>,
    diesel::dsl::Eq<posts::author_id, i32>,
    diesel::dsl::Eq<posts::category_id, Option<i32>>,
    diesel::dsl::Eq<posts::updated_at, PrimitiveDateTime>,
    diesel::dsl::Eq<posts::kind, &'static str>,
    diesel::dsl::Eq<posts::render_version, i32>,
);

fn post_row(
    rng: &mut StdRng,
    number: usize,
    age: usize,
    author_id: i32,
    category_ids: &[i32],
    now: PrimitiveDateTime,
) -> PostRow {
    let title = sentence(rng, 5);
    let title = title.trim_end_matches('.').to_owned();
    let paragraphs: Vec<String> = (0..6).map(|_| sentence(rng, 30)).collect();
    let body = paragraphs.join("\n\n");
    let body_html: String = paragraphs.iter().map(|p| format!("<p>{p}</p>\n")).collect();
    // One post every ten minutes, the last `age` steps of ten minutes before now.
    let published_at = now - time::Duration::minutes(10 * age as i64);
    (
        posts::slug.eq(format!("generated-{number}")),
        posts::title.eq(title),
        posts::excerpt.eq(sentence(rng, 20)),
        posts::body.eq(body),
        posts::body_text.eq(crate::search::plain_text(&body_html)),
        posts::body_html.eq(body_html),
        posts::status.eq(Status::Published.as_str()),
        posts::published_at.eq(Some(published_at)),
        posts::author_id.eq(author_id),
        posts::category_id.eq(category_ids.choose(rng).copied()),
        posts::updated_at.eq(published_at),
        posts::kind.eq(Kind::Post.as_str()),
        posts::render_version.eq(crate::posts::editor::RENDER_VERSION),
    )
}

fn insert_posts(conn: &mut DbConn, rows: &[PostRow]) -> QueryResult<usize> {
    insert_rows!(conn, posts::table, rows)
}

/// Comments in runs of equal length on the generated posts; then every third one answers
/// the one before it on the same post, so threads nest.
fn insert_comments(
    conn: &mut DbConn,
    rng: &mut StdRng,
    post_ids: &[i32],
    count: usize,
    now: PrimitiveDateTime,
) -> anyhow::Result<usize> {
    if post_ids.is_empty() || count == 0 {
        return Ok(0);
    }
    let before: Option<i32> = comments::table
        .select(diesel::dsl::max(comments::id))
        .get_result(conn)?;
    let mut inserted = 0;
    let mut batch = Vec::with_capacity(BATCH);
    for k in 0..count {
        let post_id = post_ids[k * post_ids.len() / count];
        let body = sentence(rng, 25);
        batch.push((
            comments::post_id.eq(post_id),
            comments::author_name.eq(format!("Reader {}", k % 997)),
            comments::author_email.eq(format!("reader{}@example.com", k % 997)),
            comments::body_html.eq(format!("<p>{body}</p>")),
            comments::body_digest.eq(crate::comments::store::body_digest(&body)),
            comments::body.eq(body),
            comments::status.eq("approved"),
            comments::created_at.eq(now - time::Duration::seconds((count - k) as i64)),
            comments::render_version.eq(crate::comments::text::RENDER_VERSION),
        ));
        if batch.len() == BATCH || k + 1 == count {
            inserted += insert_rows!(conn, comments::table, &batch)?;
            batch.clear();
        }
    }
    diesel::sql_query(
        "UPDATE comments SET parent_id = id - 1, depth = 1 \
         WHERE id > $1 AND id % 3 = 0 \
         AND post_id = (SELECT earlier.post_id FROM comments earlier WHERE earlier.id = comments.id - 1)",
    )
    .bind::<diesel::sql_types::Integer, _>(before.unwrap_or(0))
    .execute(conn)?;
    Ok(inserted)
}

type ProductRow = (
    diesel::dsl::Eq<products::slug, String>,
    diesel::dsl::Eq<products::name, String>,
    diesel::dsl::Eq<products::short_description, String>,
    diesel::dsl::Eq<products::description, String>,
    diesel::dsl::Eq<products::price_cents, i64>,
    diesel::dsl::Eq<products::sku, String>,
    diesel::dsl::Eq<products::stock, Option<i32>>,
    diesel::dsl::Eq<products::published, bool>,
    diesel::dsl::Eq<products::created_at, PrimitiveDateTime>,
);

fn product_row(rng: &mut StdRng, number: usize, now: PrimitiveDateTime) -> ProductRow {
    let name = sentence(rng, 3);
    (
        products::slug.eq(format!("generated-product-{number}")),
        products::name.eq(name.trim_end_matches('.').to_owned()),
        products::short_description.eq(sentence(rng, 12)),
        products::description.eq(sentence(rng, 60)),
        products::price_cents.eq(rng.random_range(500..9_000)),
        products::sku.eq(format!("GEN-{number:06}")),
        products::stock.eq(Some(rng.random_range(0..200))),
        products::published.eq(true),
        products::created_at.eq(now - time::Duration::minutes(number as i64)),
    )
}

//! Demo content: the seed article and a small magazine around it, and a small skincare
//! shop, loaded into an empty database on first start so that `cargo run` shows a
//! real-looking site.

pub mod grow;
mod posts;
mod products;

use std::collections::HashMap;

use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{
    categories, post_categories, post_tags, posts as posts_table, products as products_table,
    settings, tags, users,
};
use crate::posts::slug::slugify;
use crate::web::dates;

pub use posts::{CATEGORIES, POSTS};
pub use products::{COUPONS, PRODUCTS};

/// Set once the demo has been loaded; it is never loaded again, even if every post is deleted.
const MARKER: &str = "demo_loaded_at";

const DEMO_SETTINGS: &[(&str, &str)] = &[
    ("site_title", "The Glow Edit"),
    (
        "tagline",
        "Skincare stories, honest reviews and the routines that work",
    ),
    ("users_can_register", "1"),
];

/// Loads the demo unless the database already has content (posts or products) or had the
/// demo before.
/// Returns whether it loaded anything.
pub fn load_if_empty(conn: &mut DbConn) -> anyhow::Result<bool> {
    conn.write_transaction(|conn| {
        let had_demo: i64 = settings::table
            .filter(settings::key.eq(MARKER))
            .count()
            .get_result(conn)?;
        let post_count: i64 = posts_table::table.count().get_result(conn)?;
        let product_count: i64 = products_table::table.count().get_result(conn)?;
        if had_demo > 0 || post_count > 0 || product_count > 0 {
            return Ok(false);
        }
        load(conn)?;
        Ok(true)
    })
}

fn load(conn: &mut DbConn) -> anyhow::Result<()> {
    let now = dates::now();
    for (key, value) in DEMO_SETTINGS {
        crate::settings::set(conn, key, value)?;
    }
    diesel::insert_into(settings::table)
        .values((
            settings::key.eq(MARKER),
            settings::value.eq(dates::iso(now)),
        ))
        .execute(conn)?;

    let mut category_ids = HashMap::new();
    for category in CATEGORIES {
        let id: i32 = diesel::insert_into(categories::table)
            .values((
                categories::slug.eq(category.slug),
                categories::name.eq(category.name),
                categories::description.eq(category.description),
            ))
            .returning(categories::id)
            .get_result(conn)?;
        category_ids.insert(category.slug, id);
    }

    let mut author_ids: HashMap<&str, i32> = HashMap::new();
    let mut tag_ids: HashMap<&str, i32> = HashMap::new();
    for post in POSTS {
        let author_id = match author_ids.get(post.author) {
            Some(id) => *id,
            None => {
                let id = insert_author(conn, post.author, now)?;
                author_ids.insert(post.author, id);
                id
            }
        };
        let published_at = dates::parse(post.published_at)?;
        let post_id: i32 = diesel::insert_into(posts_table::table)
            .values((
                posts_table::slug.eq(post.slug),
                posts_table::title.eq(post.title),
                posts_table::excerpt.eq(post.excerpt),
                posts_table::body.eq(post.body),
                crate::posts::editor::rendered_body(crate::posts::markdown::MARKDOWN, post.body),
                posts_table::status.eq(crate::posts::queries::Status::Published.as_str()),
                posts_table::published_at.eq(published_at),
                posts_table::author_id.eq(author_id),
                posts_table::category_id.eq(category_ids.get(post.category).copied()),
                posts_table::featured_image.eq(post.image),
                posts_table::image_alt.eq(post.image_alt),
                posts_table::caption.eq(post.caption),
                posts_table::credit.eq(post.credit),
                posts_table::updated_at.eq(published_at),
            ))
            .returning(posts_table::id)
            .get_result(conn)?;
        if let Some(category_id) = category_ids.get(post.category) {
            diesel::insert_into(post_categories::table)
                .values((
                    post_categories::post_id.eq(post_id),
                    post_categories::category_id.eq(category_id),
                ))
                .execute(conn)?;
        }
        for name in post.tags {
            let tag_id = match tag_ids.get(name) {
                Some(id) => *id,
                None => {
                    let id: i32 = diesel::insert_into(tags::table)
                        .values((tags::slug.eq(slugify(name)), tags::name.eq(*name)))
                        .returning(tags::id)
                        .get_result(conn)?;
                    tag_ids.insert(name, id);
                    id
                }
            };
            diesel::insert_into(post_tags::table)
                .values((post_tags::post_id.eq(post_id), post_tags::tag_id.eq(tag_id)))
                .execute(conn)?;
        }
    }
    load_shop(conn, now)
}

fn load_shop(conn: &mut DbConn, now: time::PrimitiveDateTime) -> anyhow::Result<()> {
    for product in PRODUCTS {
        diesel::insert_into(products_table::table)
            .values((
                products_table::slug.eq(product.slug),
                products_table::name.eq(product.name),
                products_table::short_description.eq(product.short_description),
                products_table::description.eq(product.description),
                products_table::price_cents.eq(product.price_cents),
                products_table::sale_price_cents.eq(product.sale_price_cents),
                products_table::sku.eq(product.sku),
                products_table::stock.eq(product.stock),
                products_table::image.eq(product.image()),
                products_table::image_alt.eq(product.image_alt),
                products_table::published.eq(true),
                products_table::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    for (code, kind, amount) in COUPONS {
        let coupon = crate::shop::coupons::NewCoupon {
            code,
            kind,
            amount: *amount,
            expires_at: None,
            usage_limit: None,
        };
        crate::shop::coupons::insert(conn, &coupon)?;
    }
    Ok(())
}

/// A byline-only account: it has no password, so nobody can log in as it.
fn insert_author(conn: &mut DbConn, name: &str, now: time::PrimitiveDateTime) -> QueryResult<i32> {
    let username = slugify(name);
    diesel::insert_into(users::table)
        .values((
            users::email.eq(format!("{username}@example.com")),
            users::email_normalized.eq(crate::accounts::email::normalize(&format!(
                "{username}@example.com"
            ))),
            users::username.eq(&username),
            users::display_name.eq(name),
            users::role.eq("author"),
            users::created_at.eq(now),
        ))
        .returning(users::id)
        .get_result(conn)
}

use diesel::prelude::*;
use glowpress::db::schema::{posts, settings};

use crate::common::{Backend, Site, TestApp, count};

fn post_count(site: &Site) -> i64 {
    site.with_conn(|conn| posts::table.count().get_result(conn).unwrap())
}

#[actix_web::test]
async fn demo_content_is_loaded_once_and_never_again() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let (_, home) = app.page("/").await;
    assert_eq!(count(&home, "<article class=\"card\">"), 6);
    let site = app.stop().await;
    assert_eq!(post_count(&site), 6);

    // Deleting every post does not bring the demo back on the next start.
    site.with_conn(|conn| {
        diesel::delete(glowpress::db::schema::post_tags::table)
            .execute(conn)
            .unwrap();
        diesel::delete(posts::table).execute(conn).unwrap();
    });
    let app = site.start().await;
    let (_, home) = app.page("/").await;
    assert!(home.contains("Nothing has been published here yet."));
    assert_eq!(post_count(app.site()), 0);
}

#[actix_web::test]
async fn demo_content_can_be_turned_off() {
    let mut site = Site::new(Backend::Sqlite).unwrap();
    site.config.demo = false;
    let app = site.start().await;
    let (status, home) = app.page("/").await;
    assert_eq!(status, reqwest::StatusCode::OK);
    assert!(home.contains("Nothing has been published here yet."));
    assert!(home.contains("<span class=\"brand__title\">glowpress</span>"));
    assert_eq!(post_count(app.site()), 0);
    let has_marker: i64 = app.with_conn(|conn| {
        settings::table
            .filter(settings::key.eq("demo_loaded_at"))
            .count()
            .get_result(conn)
            .unwrap()
    });
    assert_eq!(has_marker, 0);
}

#[actix_web::test]
async fn demo_content_never_lands_on_top_of_real_content() {
    let mut site = Site::new(Backend::Sqlite).unwrap();
    site.config.no_demo = true;
    let app = site.start().await;
    let mut site = app.stop().await;
    site.with_conn(|conn| {
        diesel::sql_query(
            "INSERT INTO users (username, email, display_name, role, created_at) \
             VALUES ('ed', 'ed@example.com', 'Ed', 'admin', CURRENT_TIMESTAMP)",
        )
        .execute(conn)
        .unwrap();
        diesel::sql_query(
            "INSERT INTO posts (slug, title, body, body_html, status, published_at, author_id, \
             updated_at) VALUES ('mine', 'My own post', 'Hi', '<p>Hi</p>', 'published', \
             '2026-01-01 00:00:00', 1, '2026-01-01 00:00:00')",
        )
        .execute(conn)
        .unwrap();
    });
    site.config.no_demo = false;
    let app = site.start().await;
    let (_, home) = app.page("/").await;
    assert_eq!(count(&home, "<article class=\"card\">"), 1);
    assert!(home.contains("My own post"));
    assert_eq!(post_count(app.site()), 1);
}

#[actix_web::test]
async fn the_demo_shop_never_lands_on_top_of_real_products() {
    use glowpress::db::schema::products;
    let mut site = Site::new(Backend::Sqlite).unwrap();
    site.config.no_demo = true;
    let mut site = site.start().await.stop().await;
    site.with_conn(|conn| {
        diesel::sql_query(
            "INSERT INTO products (slug, name, price_cents, sku, published, created_at) \
             VALUES ('mine', 'My own cream', 1000, 'MINE-1', TRUE, '2026-01-01 00:00:00')",
        )
        .execute(conn)
        .unwrap();
    });
    site.config.no_demo = false;
    let app = site.start().await;
    let (_, shop) = app.page("/shop").await;
    assert_eq!(count(&shop, "class=\"product-card\""), 1);
    assert!(shop.contains("My own cream"));
    assert_eq!(post_count(app.site()), 0);
    let products: i64 = app.with_conn(|conn| products::table.count().get_result(conn).unwrap());
    assert_eq!(products, 1);
}

crate::on_both_backends!(the_generator_adds_what_it_is_asked_for_and_the_pages_still_work);

async fn the_generator_adds_what_it_is_asked_for_and_the_pages_still_work(app: TestApp) {
    use glowpress::db::schema::{comments, products};
    use glowpress::demo::grow::{Grown, Growth, grow};
    let growth = Growth {
        posts: 300,
        comments: 3_000,
        products: 700,
    };
    let before_posts = post_count(app.site());
    let grown = app.with_conn(|conn| grow(conn, growth).expect("the generator runs"));
    assert_eq!(
        grown,
        Grown {
            posts: 300,
            comments: 3_000,
            products: 700
        }
    );
    assert_eq!(post_count(app.site()), before_posts + 300);
    let (threaded, deepest): (i64, Option<i32>) = app.with_conn(|conn| {
        comments::table
            .filter(comments::parent_id.is_not_null())
            .select((diesel::dsl::count_star(), diesel::dsl::max(comments::depth)))
            .first(conn)
            .unwrap()
    });
    // Ten comments a post; about every third answers the one before it on the same post.
    assert!((750..=1_000).contains(&threaded), "{threaded} replies");
    assert_eq!(deepest, Some(1));
    // Each reply answers a comment on its own post.
    let strays: i64 = app.with_conn(|conn| {
        diesel::dsl::sql::<diesel::sql_types::BigInt>(
            "SELECT count(*) FROM comments c JOIN comments p ON p.id = c.parent_id \
             WHERE p.post_id <> c.post_id",
        )
        .get_result(conn)
        .unwrap()
    });
    assert_eq!(strays, 0);
    let generated_products: i64 = app.with_conn(|conn| {
        products::table
            .filter(products::sku.like("GEN-%"))
            .count()
            .get_result(conn)
            .unwrap()
    });
    assert_eq!(generated_products, 700);
    // Generated posts are in their category's archive, and the shop runs to many pages.
    for path in [
        "/",
        "/?page=20",
        "/posts/generated-0",
        "/category/routines?page=10",
        "/shop",
        "/shop?page=25",
    ] {
        let (status, html) = app.page(path).await;
        assert_eq!(status, reqwest::StatusCode::OK, "{path}");
        if path.starts_with("/category") {
            assert!(html.contains("href=\"/posts/generated-"), "{path}");
        }
    }
    // A second run numbers on instead of colliding with the first.
    let again = app.with_conn(|conn| grow(conn, growth).expect("a second run"));
    assert_eq!(again.posts, 300);
    assert_eq!(post_count(app.site()), before_posts + 600);
}

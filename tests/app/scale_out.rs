//! Two app nodes on one PostgreSQL database and one Redis, as behind a load balancer: what a
//! reader does on one node holds on the other.

use std::time::{Duration, Instant};

use reqwest::StatusCode;

use crate::common::{
    Backend, Browser, Page, Site, TestApp, count, csrf_token, input_value, insert_admin,
    insert_user, redis_url, skip, skip_without_redis, wait_until_logged_out,
};
use glowpress::accounts::users::Role;

const PASSWORD: &str = "velvet kettle orbits lazily";

const ARTICLE: &str = "/posts/exosome-therapy-skin-rejuvenation";

/// Node A (owns the data dir) and node B, both on PostgreSQL and Redis.
async fn two_nodes() -> Option<(TestApp, TestApp)> {
    let Some(redis) = redis_url() else {
        skip_without_redis("two nodes on PostgreSQL and Redis");
        return None;
    };
    let Some(mut site) = Site::new(Backend::Postgres) else {
        skip("two nodes on PostgreSQL and Redis");
        return None;
    };
    site.config.redis_url = Some(redis);
    let second = site.another_node();
    let a = site.start().await;
    let b = second.start().await;
    Some((a, b))
}

/// The page once it shows `wanted`: another node learns of a change within the content
/// watch's period (20 ms); this allows a second.
async fn page_showing(browser: &Browser, path: &str, wanted: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(1);
    loop {
        let (status, html) = browser.page(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        if html.contains(wanted) || Instant::now() > deadline {
            return html;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Adds `quantity` of the product at `/shop/{slug}` through its form: its id and the page
/// the add ends on.
async fn add_to_cart(browser: &Browser, slug: &str, quantity: &str) -> (String, Page) {
    let (_, product) = browser.page(&format!("/shop/{slug}")).await;
    let id = input_value(&product, "product_id").expect("an add-to-cart form");
    let added = browser
        .submit(
            "/cart/items",
            &[
                ("csrf_token", &csrf_token(&product)),
                ("product_id", &id),
                ("quantity", quantity),
                ("return_to", "/shop"),
            ],
        )
        .await;
    (id, added)
}

#[actix_web::test]
async fn a_login_on_one_node_holds_on_the_other() {
    let Some((a, b)) = two_nodes().await else {
        return;
    };
    a.with_conn(|conn| insert_user(conn, "mira", "mira@example.com", PASSWORD, Role::Subscriber));
    let on_a = a.new_browser();
    let page = on_a.log_in("mira", PASSWORD).await;
    assert!(page.html.contains("Logged in as"), "{}", page.html);
    let account = on_a.at(&b).visit("/account").await;
    assert_eq!(account.path, "/account", "node B knows the session");
    assert!(account.html.contains("<strong>mira</strong>"));
}

#[actix_web::test]
async fn a_cart_filled_on_one_node_is_the_same_on_the_other() {
    let Some((a, b)) = two_nodes().await else {
        return;
    };
    let shopper = a.new_browser();
    let (id, added) = add_to_cart(&shopper, "gentle-cleanser", "2").await;
    assert_eq!(added.status, StatusCode::OK);
    let (_, cart_a) = shopper.page("/cart").await;
    let (_, cart_b) = shopper.at(&b).page("/cart").await;
    assert_eq!(count(&cart_a, "class=\"cart-line\""), 1);
    assert_eq!(count(&cart_b, "class=\"cart-line\""), 1);
    assert_eq!(
        input_value(&cart_b, &format!("qty-{id}")).as_deref(),
        Some("2"),
        "node B shows the same line"
    );
}

/// Each node keeps a logged-in reader's header (name, mini-cart) for the people version:
/// a cart changed on A must show in B's header, and logging out on A must end B's header.
#[actix_web::test]
async fn a_logged_in_readers_header_follows_their_cart_and_logout_on_the_other_node() {
    let Some((a, b)) = two_nodes().await else {
        return;
    };
    a.with_conn(|conn| insert_user(conn, "mira", "mira@example.com", PASSWORD, Role::Subscriber));
    let on_a = a.new_browser();
    on_a.log_in("mira", PASSWORD).await;
    let on_b = on_a.at(&b);
    let empty = "<span class=\"mini-cart__count\">0</span>";
    for browser in [&on_a, &on_b, &on_b] {
        let (_, home) = browser.page("/").await;
        assert!(home.contains(empty), "{home}");
    }
    add_to_cart(&on_a, "gentle-cleanser", "2").await;
    let two = "<span class=\"mini-cart__count\">2</span>";
    let home_b = page_showing(&on_b, "/", two).await;
    assert!(home_b.contains(two), "node B's header shows the cart");

    // The browser gets a fresh cookie when it logs out; a copy of the old one must fail too.
    let old_cookie = on_a.cookie("glowpress_session").expect("a session cookie");
    on_a.log_out().await;
    wait_until_logged_out(&b, "/", &old_cookie).await;
}

#[actix_web::test]
async fn a_comment_posted_on_one_node_shows_on_the_other() {
    let Some((a, b)) = two_nodes().await else {
        return;
    };
    a.with_conn(|conn| insert_admin(conn, "chief", "chief@example.com", PASSWORD));
    let reader = a.new_browser();
    // Node A has the article, comments and all, in its cache.
    let (_, before) = reader.page(ARTICLE).await;
    let text = "Posted through node B, read on node A.";
    assert!(!before.contains(text));

    let chief = b.new_browser();
    chief.log_in("chief", PASSWORD).await;
    let (_, form) = chief.page(ARTICLE).await;
    let stamp = input_value(&form, "stamp").expect("a reply form");
    let sent = chief
        .submit(
            &format!("{ARTICLE}/comments"),
            &[
                ("csrf_token", &csrf_token(&form)),
                ("stamp", &stamp),
                ("comment", text),
            ],
        )
        .await;
    assert!(sent.html.contains(text), "node B shows it at once");

    let on_a = page_showing(&reader, ARTICLE, text).await;
    assert!(on_a.contains(text), "node A shows the comment too");
}

#[actix_web::test]
async fn a_sale_on_one_node_shows_in_the_shop_on_the_other() {
    let Some((a, b)) = two_nodes().await else {
        return;
    };
    let reader = a.new_browser();
    // Node A has both shop pages in its cache.
    for path in ["/shop", "/shop/mineral-sunscreen"] {
        let (_, html) = reader.page(path).await;
        assert!(html.contains("Only 2 left"), "{path}");
    }

    let shopper = b.new_browser();
    add_to_cart(&shopper, "mineral-sunscreen", "2").await;
    let (_, checkout) = shopper.page("/checkout").await;
    let key = input_value(&checkout, "idempotency_key").expect("a checkout form");
    let token = csrf_token(&checkout);
    let address = crate::shop::address(&key, &crate::shop::fingerprint(&checkout));
    let mut fields = vec![("csrf_token", token.as_str())];
    fields.extend(address.iter().map(|(k, v)| (*k, v.as_str())));
    let ordered = shopper.submit("/checkout", &fields).await;
    assert!(ordered.path.starts_with("/orders/"), "{}", ordered.path);

    let product = page_showing(&reader, "/shop/mineral-sunscreen", ">Out of stock<").await;
    assert!(product.contains(">Out of stock<"), "node A shows the sale");
    let (_, shop) = reader.page("/shop").await;
    assert!(!shop.contains("Only 2 left"), "and so does its catalogue");
}

#[actix_web::test]
async fn a_login_throttle_tripped_on_one_node_holds_on_the_other() {
    let Some((a, b)) = two_nodes().await else {
        return;
    };
    a.with_conn(|conn| insert_user(conn, "mira", "mira@example.com", PASSWORD, Role::Subscriber));
    for attempt in 1..=5 {
        let browser = a.new_browser();
        let (_, form) = browser.page("/login").await;
        let page = browser
            .submit(
                "/login",
                &[
                    ("csrf_token", &csrf_token(&form)),
                    ("login", "mira"),
                    ("password", "not the password at all"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
    }
    let on_b = b.new_browser();
    let (_, form) = on_b.page("/login").await;
    let sixth = on_b
        .submit(
            "/login",
            &[
                ("csrf_token", &csrf_token(&form)),
                ("login", "mira"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(
        sixth.status,
        StatusCode::TOO_MANY_REQUESTS,
        "node B counts node A's failures"
    );
}

//! Issue 8, the web and shop items: the checkout charges what the shopper saw, and guest
//! checkout is limited per client address.

use diesel::prelude::*;
use glowpress::accounts::users::Role;
use glowpress::db::schema::{orders, products};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderValue};

use crate::common::{
    Backend, Browser, Site, TestApp, browser_with_jar, input_value, insert_user, skip,
};
use crate::on_both_backends;

const PASSWORD: &str = "correct horse battery 42";
const CART_CHANGED: &str = "Your cart changed since you opened this page";

on_both_backends!(
    an_item_added_in_another_tab_after_the_checkout_page_opened_places_no_order_and_shows_the_new_total,
    a_price_raised_between_the_checkout_page_and_the_submit_places_no_order_and_shows_the_new_price,
);

/// Like `on_both_backends!`, for tests that configure their own `Site`: each named
/// `async fn(Backend)` runs as `name::on_sqlite` and `name::on_postgres`.
macro_rules! with_each_backend {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            use $crate::common::Backend;

            #[actix_web::test]
            async fn on_sqlite() {
                super::$name(Backend::Sqlite).await;
            }

            #[actix_web::test]
            async fn on_postgres() {
                super::$name(Backend::Postgres).await;
            }
        }
    )+};
}

with_each_backend!(
    guest_checkout_allows_ten_orders_an_hour_per_client_address_and_keeps_the_typed_fields,
);

// Helpers.

/// One visitor: a browser, and a client with its cookies (and headers) that does not follow
/// redirects, for looking at what a POST answers.
struct Shopper {
    browser: Browser,
    manual: reqwest::Client,
}

impl Shopper {
    fn new(app: &TestApp) -> Shopper {
        let browser = app.new_browser();
        Shopper {
            manual: browser.no_redirects(),
            browser,
        }
    }

    /// A visitor whose every request says it comes from `address` (through the proxy).
    fn from_address(app: &TestApp, address: &str) -> Shopper {
        let (_, jar) = browser_with_jar();
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_str(address).expect("an address"),
        );
        let client = |redirects| {
            reqwest::Client::builder()
                .cookie_provider(jar.clone())
                .default_headers(headers.clone())
                .redirect(redirects)
                .build()
                .expect("http client")
        };
        Shopper {
            manual: client(reqwest::redirect::Policy::none()),
            browser: Browser {
                base: app.base.clone(),
                client: client(reqwest::redirect::Policy::default()),
                jar: jar.clone(),
            },
        }
    }

    async fn page(&self, path: &str) -> (StatusCode, String) {
        self.browser.page(path).await
    }
}

/// The session's CSRF token, read from a form like a browser would.
async fn token(shopper: &Shopper) -> String {
    let (_, html) = shopper.page("/login").await;
    input_value(&html, "csrf_token").expect("a form with a CSRF token")
}

/// POSTs a form with the given token, redirects not followed.
async fn post(
    shopper: &Shopper,
    token: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut form: Vec<(&str, &str)> = vec![("csrf_token", token)];
    form.extend_from_slice(fields);
    shopper
        .manual
        .post(shopper.browser.url(path))
        .form(&form)
        .send()
        .await
        .unwrap_or_else(|e| panic!("POST {path}: {e}"))
}

async fn add_to_cart(shopper: &Shopper, token: &str, product_id: i32, quantity: &str) {
    let id = product_id.to_string();
    let fields = [
        ("product_id", id.as_str()),
        ("quantity", quantity),
        ("return_to", "/shop"),
    ];
    let response = post(shopper, token, "/cart/items", &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "add to cart");
}

/// Sends the checkout form of `page` (its hidden fields as they are) with an address typed
/// in, like pressing "Place order" on that page.
async fn place_order_from(shopper: &Shopper, page: &str) -> reqwest::Response {
    let hidden = |name: &str| input_value(page, name).unwrap_or_default();
    let (csrf, key, fingerprint) = (
        hidden("csrf_token"),
        hidden("idempotency_key"),
        hidden("cart_fingerprint"),
    );
    let fields = [
        ("idempotency_key", key.as_str()),
        ("cart_fingerprint", fingerprint.as_str()),
        ("name", "Ada Shopper"),
        ("email", "ada@example.com"),
        ("address", "1 Glow Street"),
        ("city", "Springfield"),
        ("postcode", "12345"),
        ("country", "United States"),
    ];
    post(shopper, &csrf, "/checkout", &fields).await
}

fn assert_typed_fields_kept(html: &str) {
    for (field, typed) in [
        ("name", "Ada Shopper"),
        ("email", "ada@example.com"),
        ("address", "1 Glow Street"),
        ("city", "Springfield"),
        ("postcode", "12345"),
        ("country", "United States"),
    ] {
        assert_eq!(input_value(html, field).as_deref(), Some(typed), "{field}");
    }
}

/// The amount on the "Place order" button.
fn button_total(html: &str) -> String {
    let start = "Place order · ";
    let rest = &html[html.find(start).expect("a Place order button") + start.len()..];
    rest[..rest.find('<').expect("the end of the button")].to_owned()
}

fn product_id(app: &TestApp, slug: &str) -> i32 {
    app.with_conn(|conn| {
        products::table
            .filter(products::slug.eq(slug))
            .select(products::id)
            .first(conn)
            .expect("a demo product")
    })
}

fn order_count(app: &TestApp) -> i64 {
    app.with_conn(|conn| {
        orders::table
            .count()
            .get_result(conn)
            .expect("count orders")
    })
}

fn location(response: &reqwest::Response) -> String {
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{}",
        response.url()
    );
    response.headers()["location"]
        .to_str()
        .expect("an ASCII Location")
        .to_owned()
}

// 6. The order total is the one the shopper saw.

async fn an_item_added_in_another_tab_after_the_checkout_page_opened_places_no_order_and_shows_the_new_total(
    app: TestApp,
) {
    let shopper = Shopper::new(&app);
    let token = token(&shopper).await;
    add_to_cart(&shopper, &token, product_id(&app, "hydrating-serum"), "1").await;
    let (status, checkout) = shopper.page("/checkout").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(button_total(&checkout), "$32.95", "serum and shipping");

    // Another tab of the same browser adds a gel.
    add_to_cart(&shopper, &token, product_id(&app, "soothing-gel"), "1").await;

    let refused = place_order_from(&shopper, &checkout).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let html = refused.text().await.expect("a page");
    assert!(html.contains(CART_CHANGED), "{html}");
    assert!(html.contains("please check the new total"), "{html}");
    assert_eq!(button_total(&html), "$46.95", "the new total is shown");
    assert!(html.contains("1 × Soothing Aloe Gel"), "{html}");
    assert_typed_fields_kept(&html);
    assert_eq!(order_count(&app), 0, "no order");

    // The page that shows the new total places the order.
    let placed = place_order_from(&shopper, &html).await;
    assert!(location(&placed).starts_with("/orders/"));
    let total: i64 = app.with_conn(|conn| {
        orders::table
            .select(orders::total_cents)
            .first(conn)
            .expect("the order")
    });
    assert_eq!(total, 4695);
}

async fn a_price_raised_between_the_checkout_page_and_the_submit_places_no_order_and_shows_the_new_price(
    app: TestApp,
) {
    let shopper = Shopper::new(&app);
    let token = token(&shopper).await;
    let serum = product_id(&app, "hydrating-serum");
    add_to_cart(&shopper, &token, serum, "2").await;
    let (_, checkout) = shopper.page("/checkout").await;
    assert_eq!(
        button_total(&checkout),
        "$56.00",
        "two serums, free shipping"
    );

    app.with_conn(|conn| {
        diesel::update(products::table.find(serum))
            .set(products::price_cents.eq(3000))
            .execute(conn)
            .expect("raise the price")
    });
    let refused = place_order_from(&shopper, &checkout).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let html = refused.text().await.expect("a page");
    assert!(html.contains(CART_CHANGED), "{html}");
    assert_eq!(button_total(&html), "$60.00");
    assert_typed_fields_kept(&html);
    assert_eq!(order_count(&app), 0, "nothing charged at the new price");

    // A form without the fingerprint (an old page) is no better.
    let key = input_value(&html, "idempotency_key").expect("a key");
    let csrf = input_value(&html, "csrf_token").expect("a token");
    let bare = post(
        &shopper,
        &csrf,
        "/checkout",
        &[
            ("idempotency_key", key.as_str()),
            ("name", "Ada Shopper"),
            ("email", "ada@example.com"),
            ("address", "1 Glow Street"),
            ("city", "Springfield"),
            ("postcode", "12345"),
            ("country", "United States"),
        ],
    )
    .await;
    assert_eq!(bare.status(), StatusCode::CONFLICT);
    assert_eq!(order_count(&app), 0);
}

// 10. Guest checkout is limited per client address.

async fn guest_checkout_allows_ten_orders_an_hour_per_client_address_and_keeps_the_typed_fields(
    backend: Backend,
) {
    let Some(mut site) = Site::new(backend) else {
        return skip("the guest checkout limit on PostgreSQL");
    };
    site.config.trust_proxy = true;
    let app = site.start().await;
    let sheet_mask = product_id(&app, "sheet-mask");
    let guest = Shopper::from_address(&app, "203.0.113.7");
    let token = token(&guest).await;
    for n in 1..=10 {
        add_to_cart(&guest, &token, sheet_mask, "1").await;
        let (_, checkout) = guest.page("/checkout").await;
        let placed = place_order_from(&guest, &checkout).await;
        assert!(location(&placed).starts_with("/orders/"), "order {n}");
    }

    add_to_cart(&guest, &token, sheet_mask, "1").await;
    let (_, checkout) = guest.page("/checkout").await;
    let refused = place_order_from(&guest, &checkout).await;
    assert!(
        refused.status().is_client_error(),
        "the 11th: {}",
        refused.status()
    );
    let html = refused.text().await.expect("a page");
    assert!(
        html.contains("10 guest orders from this address in the last hour"),
        "{html}"
    );
    assert!(html.contains("log in or register"), "{html}");
    assert_typed_fields_kept(&html);
    assert_eq!(order_count(&app), 10);

    // Another address is not affected.
    let other = Shopper::from_address(&app, "198.51.100.9");
    let token = crate::security_web::token(&other).await;
    add_to_cart(&other, &token, sheet_mask, "1").await;
    let (_, checkout) = other.page("/checkout").await;
    let placed = place_order_from(&other, &checkout).await;
    assert!(location(&placed).starts_with("/orders/"));

    // A logged-in shopper at the limited address is not a guest.
    app.with_conn(|conn| {
        insert_user(
            conn,
            "mira_lune",
            "mira@example.com",
            PASSWORD,
            Role::Subscriber,
        )
    });
    let mira = Shopper::from_address(&app, "203.0.113.7");
    mira.browser.log_in("mira_lune", PASSWORD).await;
    let token = crate::security_web::token(&mira).await;
    add_to_cart(&mira, &token, sheet_mask, "1").await;
    let (_, checkout) = mira.page("/checkout").await;
    let placed = place_order_from(&mira, &checkout).await;
    assert!(location(&placed).starts_with("/orders/"));
    assert_eq!(order_count(&app), 12);
}

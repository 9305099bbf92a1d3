//! Issue 8, the web and shop items: the checkout charges what the shopper saw, guest
//! checkout is limited per client address, personalised pages are private to caches, the
//! Origin check trusts forwarded headers only behind a trusted proxy, HSTS over HTTPS, and
//! HEAD answers like GET.

use diesel::prelude::*;
use glowpress::db::schema::{orders, products};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderValue};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::common::{
    Backend, Browser, Shopper, Site, TestApp, browser_with_jar, input_value, skip,
};
use crate::{on_both_backends, with_each_backend};

const ARTICLE: &str = "/posts/exosome-therapy-skin-rejuvenation";
const PASSWORD: &str = "correct horse battery 42";
const CART_CHANGED: &str = "Your cart changed since you opened this page";

on_both_backends!(
    an_item_added_in_another_tab_after_the_checkout_page_opened_places_no_order_and_shows_the_new_total,
    a_price_raised_between_the_checkout_page_and_the_submit_places_no_order_and_shows_the_new_price,
    every_page_that_depends_on_the_session_is_private_and_varies_on_cookie,
    a_foreign_origin_with_a_matching_forwarded_host_is_refused_while_trust_proxy_is_off,
    hsts_is_not_sent_while_the_public_url_is_plain_http,
    head_answers_like_get_without_a_body_and_404_for_a_missing_page,
);

with_each_backend!(
    guest_checkout_allows_ten_orders_an_hour_per_client_address_and_keeps_the_typed_fields,
    behind_a_trusted_proxy_the_forwarded_host_is_this_site,
    hsts_is_sent_when_the_public_url_is_https,
);

// Helpers.

impl Shopper {
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

/// All values of a header, joined (a header may come several times).
fn header_values(headers: &HeaderMap, name: &str) -> String {
    headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(", ")
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
    app.add_subscriber("mira_lune", "mira@example.com", PASSWORD);
    let mira = Shopper::from_address(&app, "203.0.113.7");
    mira.browser.log_in("mira_lune", PASSWORD).await;
    let token = crate::security_web::token(&mira).await;
    add_to_cart(&mira, &token, sheet_mask, "1").await;
    let (_, checkout) = mira.page("/checkout").await;
    let placed = place_order_from(&mira, &checkout).await;
    assert!(location(&placed).starts_with("/orders/"));
    assert_eq!(order_count(&app), 12);
}

// 8. Personalised pages are private.

async fn every_page_that_depends_on_the_session_is_private_and_varies_on_cookie(app: TestApp) {
    // Anonymous, cookieless: public pages stay cacheable.
    let anonymous = app.new_browser();
    // The article's reply form carries a stamp signed with the reader's address: never
    // kept by a shared cache.
    let article = anonymous.get(ARTICLE).await;
    let cache = header_values(article.headers(), "cache-control");
    assert!(cache.contains("no-store"), "{cache}");
    for path in ["/", "/category/treatments", "/feed.xml"] {
        let response = app.new_browser().get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert!(response.headers().get("set-cookie").is_none(), "{path}");
        let cache = header_values(response.headers(), "cache-control");
        assert!(!cache.contains("private"), "{path}: {cache}");
        assert!(!cache.contains("no-store"), "{path}: {cache}");
    }
    // The shop's add-to-cart forms start a session for their token: that answer is private.
    let shop = app.new_browser().get("/shop").await;
    assert!(shop.headers().get("set-cookie").is_some());
    let cache = header_values(shop.headers(), "cache-control");
    assert!(cache.contains("private"), "{cache}");

    app.add_subscriber("mira_lune", "mira@example.com", PASSWORD);
    let reader = Shopper::new(&app);
    reader.browser.log_in("mira_lune", PASSWORD).await;
    for path in [
        "/",
        "/category/treatments",
        "/search?q=a",
        "/no-such-page",
        ARTICLE,
        "/shop",
        "/feed.xml",
    ] {
        let response = reader.browser.get(path).await;
        let html = response.headers().clone();
        let body = response.text().await.expect("a body");
        if path != "/feed.xml" && path != "/no-such-page" {
            assert!(body.contains("Logged in as"), "{path}");
        }
        let cache = header_values(&html, "cache-control");
        assert!(cache.contains("private"), "{path}: {cache:?}");
        assert!(
            cache.contains("no-cache") || cache.contains("no-store"),
            "{path}: {cache:?}"
        );
        let vary = header_values(&html, "vary").to_ascii_lowercase();
        assert!(vary.contains("cookie"), "{path}: {vary:?}");
    }

    // A guest with a cart (and a notice) is personalised too.
    let guest = Shopper::new(&app);
    let token = token(&guest).await;
    add_to_cart(&guest, &token, product_id(&app, "sheet-mask"), "1").await;
    let response = guest.browser.get("/shop").await;
    let cache = header_values(response.headers(), "cache-control");
    assert!(cache.contains("private"), "{cache:?}");

    // Static files keep their long public lifetime, whoever asks.
    let response = reader.browser.get("/favicon.ico").await;
    let cache = header_values(response.headers(), "cache-control");
    assert!(cache.starts_with("public"), "{cache:?}");
}

// 11 (a). The Origin check.

async fn a_foreign_origin_with_a_matching_forwarded_host_is_refused_while_trust_proxy_is_off(
    app: TestApp,
) {
    let shopper = Shopper::new(&app);
    let token = token(&shopper).await;
    let id = product_id(&app, "sheet-mask").to_string();
    let evil = "https://evil.example";
    let refused = add_from_origin(&shopper, &token, &id, evil, Some("evil.example")).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let refused = add_from_origin(&shopper, &token, &id, evil, None).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    // The site's own origin (its public URL) is accepted, forwarded headers or not.
    let accepted = add_from_origin(&shopper, &token, &id, &app.base, Some("evil.example")).await;
    assert_eq!(accepted.status(), StatusCode::SEE_OTHER);
}

/// Adds product `id` to the cart, saying it comes from `origin` and, if given, through a
/// proxy that forwarded it for `forwarded_host` over https.
async fn add_from_origin(
    shopper: &Shopper,
    token: &str,
    id: &str,
    origin: &str,
    forwarded_host: Option<&str>,
) -> reqwest::Response {
    let mut request = shopper
        .manual
        .post(shopper.browser.url("/cart/items"))
        .header("origin", origin)
        .form(&[("csrf_token", token), ("product_id", id), ("quantity", "1")]);
    if let Some(host) = forwarded_host {
        request = request
            .header("x-forwarded-host", host)
            .header("x-forwarded-proto", "https");
    }
    request.send().await.expect("an answer")
}

async fn behind_a_trusted_proxy_the_forwarded_host_is_this_site(backend: Backend) {
    let Some(mut site) = Site::new(backend) else {
        return skip("the forwarded Origin check on PostgreSQL");
    };
    site.config.trust_proxy = true;
    site.config.public_url = Some("http://glow.example".to_owned());
    let app = site.start().await;
    let shopper = Shopper::new(&app);
    let token = token(&shopper).await;
    let id = product_id(&app, "sheet-mask").to_string();
    let response = add_from_origin(
        &shopper,
        &token,
        &id,
        "https://shop.example",
        Some("shop.example"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    // The public URL is this site too.
    let response = add_from_origin(&shopper, &token, &id, "http://glow.example", None).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

// 11 (b). HSTS.

const HSTS: &str = "max-age=31536000; includeSubDomains";

async fn hsts_is_sent_when_the_public_url_is_https(backend: Backend) {
    let Some(mut site) = Site::new(backend) else {
        return skip("HSTS on PostgreSQL");
    };
    site.config.public_url = Some("https://glow.example".to_owned());
    let app = site.start().await;
    for path in ["/", "/no-such-page", "/healthz"] {
        let response = app.new_browser().get(path).await;
        assert_eq!(
            header_values(response.headers(), "strict-transport-security"),
            HSTS,
            "{path}"
        );
    }
}

async fn hsts_is_not_sent_while_the_public_url_is_plain_http(app: TestApp) {
    let response = app.get("/").await;
    assert!(
        response
            .headers()
            .get("strict-transport-security")
            .is_none()
    );
}

// 11 (c). HEAD.

/// A HEAD request on a raw connection: the status, the headers and every byte after them
/// (reqwest would hide a body sent in error).
async fn raw_head(app: &TestApp, path: &str) -> (u16, HeaderMap, Vec<u8>) {
    let address = app.base.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&address)
        .await
        .expect("connect");
    let request = format!("HEAD {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .await
        .expect("send HEAD");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.expect("read");
    let end = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("the end of the headers");
    let head = String::from_utf8_lossy(&answer[..end]).into_owned();
    let body = answer[end + 4..].to_vec();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .expect("a status line");
    let mut headers = HeaderMap::new();
    for line in lines {
        let (name, value) = line.split_once(':').expect("a header line");
        headers.append(
            reqwest::header::HeaderName::from_bytes(name.trim().as_bytes()).expect("a name"),
            HeaderValue::from_str(value.trim()).expect("a value"),
        );
    }
    (status, headers, body)
}

async fn head_answers_like_get_without_a_body_and_404_for_a_missing_page(app: TestApp) {
    for path in ["/", ARTICLE, "/shop", "/feed.xml"] {
        let get = app.new_browser().get(path).await;
        assert_eq!(get.status(), StatusCode::OK, "GET {path}");
        let get_headers = get.headers().clone();
        let get_body = get.bytes().await.expect("a body");
        let (status, headers, body) = raw_head(&app, path).await;
        assert_eq!(status, 200, "HEAD {path}");
        assert!(body.is_empty(), "HEAD {path} sent a body");
        for name in [
            "content-type",
            "content-length",
            "cache-control",
            "content-security-policy",
            "x-frame-options",
            "vary",
        ] {
            assert_eq!(
                header_values(&headers, name),
                header_values(&get_headers, name),
                "HEAD {path}: {name}"
            );
        }
        assert_eq!(
            header_values(&headers, "content-length"),
            get_body.len().to_string(),
            "HEAD {path}"
        );
    }
    let (status, _, body) = raw_head(&app, "/no-such-page").await;
    assert_eq!(status, 404);
    assert!(body.is_empty());
}

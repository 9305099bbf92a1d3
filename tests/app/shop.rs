//! The shop, spoken to like a browser: forms with CSRF tokens read from the page, 303s
//! followed by hand so each redirect target can be checked.

use std::time::Duration;

use diesel::prelude::*;
use glowpress::db::schema::{cart_items, carts, coupons, orders, products};
use reqwest::StatusCode;

use crate::common::{Shopper, TestApp, input_value as field_value, insert_admin, read_outbox};
use crate::on_both_backends;

const ARTICLE: &str = "/posts/exosome-therapy-skin-rejuvenation";
const PASSWORD: &str = "correct horse battery 42";

impl Shopper {
    /// The session's CSRF token, read from a form like a browser would.
    async fn token(&self) -> String {
        let (_, html) = self.page("/login").await;
        field_value(&html, "csrf_token").expect("a form with a CSRF token")
    }

    /// POSTs a form (with the CSRF token) and returns the answer without following it.
    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let token = self.token().await;
        self.post_with(path, &token, fields).await
    }

    async fn post_with(
        &self,
        path: &str,
        token: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut form: Vec<(&str, &str)> = vec![("csrf_token", token)];
        form.extend_from_slice(fields);
        self.manual
            .post(self.browser.url(path))
            .form(&form)
            .send()
            .await
            .unwrap()
    }

    /// POSTs, expects a 303 and follows it: the next page, with its notice.
    async fn post_ok(&self, path: &str, fields: &[(&str, &str)]) -> (String, String) {
        let response = self.post(path, fields).await;
        let location = see_other(&response);
        let (status, html) = self.page(&location).await;
        assert_eq!(status, StatusCode::OK, "{location}");
        (location, html)
    }

    async fn post_refused(&self, path: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
        let response = self.post(path, fields).await;
        let status = response.status();
        assert!(status.is_client_error(), "{path} {fields:?}: {status}");
        (status, response.text().await.unwrap())
    }

    async fn add(&self, product_id: i32, quantity: &str, return_to: &str) -> (String, String) {
        let id = product_id.to_string();
        let fields = [
            ("product_id", id.as_str()),
            ("quantity", quantity),
            ("return_to", return_to),
        ];
        self.post_ok("/cart/items", &fields).await
    }

    async fn mini_cart(&self, path: &str) -> (String, String) {
        let (_, html) = self.page(path).await;
        mini_cart(&html)
    }

    async fn register(&self, username: &str) {
        let email = format!("{username}@example.com");
        let fields = [
            ("username", username),
            ("email", email.as_str()),
            ("password", PASSWORD),
            ("password_again", PASSWORD),
        ];
        self.post_ok("/register", &fields).await;
    }

    async fn log_in(&self, login: &str) -> String {
        let (_, html) = self
            .post_ok("/login", &[("login", login), ("password", PASSWORD)])
            .await;
        html
    }

    async fn log_out(&self) {
        self.post_ok("/logout", &[]).await;
    }

    /// Fills in and submits the checkout form; returns the answer unfollowed.
    async fn check_out(&self) -> reqwest::Response {
        let (status, html) = self.page("/checkout").await;
        assert_eq!(status, StatusCode::OK);
        let key = field_value(&html, "idempotency_key").expect("an idempotency key");
        let token = field_value(&html, "csrf_token").unwrap();
        self.post_with(
            "/checkout",
            &token,
            &address(&key, &fingerprint(&html)).pairs(),
        )
        .await
    }
}

/// The priced cart the checkout page shows, as its form sends it back.
pub(crate) fn fingerprint(checkout: &str) -> String {
    field_value(checkout, "cart_fingerprint").unwrap_or_default()
}

pub(crate) fn address(key: &str, fingerprint: &str) -> [(&'static str, String); 8] {
    [
        ("name", "Ada Shopper".to_owned()),
        ("email", "ada@example.com".to_owned()),
        ("address", "1 Glow Street".to_owned()),
        ("city", "Springfield".to_owned()),
        ("postcode", "12345".to_owned()),
        ("country", "United States".to_owned()),
        ("idempotency_key", key.to_owned()),
        ("cart_fingerprint", fingerprint.to_owned()),
    ]
}

trait PostPairs {
    fn pairs(&self) -> Vec<(&str, &str)>;
}

impl<const N: usize> PostPairs for [(&'static str, String); N] {
    fn pairs(&self) -> Vec<(&str, &str)> {
        self.iter().map(|(k, v)| (*k, v.as_str())).collect()
    }
}

impl Shopper {
    async fn post_with_pairs(
        &self,
        path: &str,
        token: &str,
        fields: &impl PostPairs,
    ) -> reqwest::Response {
        self.post_with(path, token, &fields.pairs()).await
    }
}

fn see_other(response: &reqwest::Response) -> String {
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{}",
        response.url()
    );
    response.headers()["location"].to_str().unwrap().to_owned()
}

/// What a screen reader says for the header's cart link: its text, hidden words included.
/// It has no aria-label, so what is seen is part of its name (WCAG 2.5.3).
fn cart_link_name(html: &str) -> String {
    let start = html
        .find("<a class=\"mini-cart\" href=\"/cart\">")
        .expect("the cart link");
    let link = &html[start..start + html[start..].find("</a>").unwrap()];
    let mut text = String::new();
    let mut in_tag = false;
    for c in link.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// (count, subtotal) as the header shows them.
fn mini_cart(html: &str) -> (String, String) {
    let text_of = |class: &str| {
        let start = html.find(&format!("class=\"{class}\">")).expect(class) + class.len() + 9;
        html[start..start + html[start..].find('<').unwrap()].to_owned()
    };
    (text_of("mini-cart__count"), text_of("mini-cart__total"))
}

async fn product_id(app: &TestApp, slug: &str) -> i32 {
    let slug = slug.to_owned();
    app.with_conn(move |conn| {
        products::table
            .filter(products::slug.eq(slug))
            .select(products::id)
            .first(conn)
            .unwrap()
    })
}

fn set_stock(app: &TestApp, id: i32, stock: Option<i32>) {
    app.with_conn(|conn| {
        diesel::update(products::table.find(id))
            .set(products::stock.eq(stock))
            .execute(conn)
            .unwrap()
    });
}

fn stock(app: &TestApp, id: i32) -> Option<i32> {
    app.with_conn(|conn| {
        products::table
            .find(id)
            .select(products::stock)
            .first(conn)
            .unwrap()
    })
}

fn count_rows(app: &TestApp) -> (i64, i64, i64) {
    app.with_conn(|conn| {
        (
            carts::table.count().get_result(conn).unwrap(),
            cart_items::table.count().get_result(conn).unwrap(),
            orders::table.count().get_result(conn).unwrap(),
        )
    })
}

on_both_backends!(
    a_guest_cannot_place_an_order_once_guest_checkout_is_off,
    the_shop_and_product_pages_show_prices_stock_and_structured_data,
    kept_shop_pages_carry_each_readers_own_token_and_show_a_sale_at_once,
    a_large_shop_is_paged_and_a_refused_add_comes_back_to_its_page,
    browsing_creates_no_cart_and_the_first_add_creates_one,
    the_mini_cart_follows_every_change_on_home_article_and_shop,
    the_cart_page_totals_lines_with_shipping_and_updates_them_all_at_once,
    a_cart_line_never_holds_more_than_is_in_stock,
    bad_quantities_send_the_page_back_with_a_message_and_the_input,
    unknown_and_unpublished_products_cannot_be_added_and_are_flagged_in_the_cart,
    logging_in_merges_the_guest_cart_into_the_saved_cart,
    guest_carts_expire_after_48_hours_but_a_shoppers_cart_does_not,
    two_shoppers_checking_out_the_last_unit_get_exactly_one_order,
    submitting_the_checkout_twice_makes_one_order,
    carts_and_orders_are_private_to_their_owner,
    coupons_apply_on_the_cart_and_are_checked_again_at_checkout,
    checkout_validates_the_address_and_sends_a_confirmation_email,
    admins_change_order_status_and_cancelling_returns_the_stock,
);

async fn the_shop_and_product_pages_show_prices_stock_and_structured_data(app: TestApp) {
    let (status, shop) = app.page("/shop").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(crate::common::count(&shop, "class=\"product-card\""), 8);
    for text in [
        "Hydrating Serum",
        "$28.00",
        "<del>$18.00</del>",
        "<ins>$14.00</ins>",
    ] {
        assert!(shop.contains(text), "{text}");
    }
    assert!(shop.contains("action=\"/cart/items\""));
    assert!(shop.contains("Only 2 left"));
    assert!(shop.contains("Out of stock"));

    let (status, serum) = app.page("/shop/hydrating-serum").await;
    assert_eq!(status, StatusCode::OK);
    let product = crate::seo::json_ld_of(&serum, "Product");
    assert_eq!(product["offers"]["price"], "28.00");
    assert_eq!(product["offers"]["priceCurrency"], "USD");
    assert_eq!(
        product["offers"]["availability"],
        "https://schema.org/InStock"
    );
    assert_eq!(product["sku"], "GE-SER-001");
    assert!(serum.contains(">In stock<"));
    assert!(serum.contains("name=\"quantity\""));

    let (_, sunscreen) = app.page("/shop/mineral-sunscreen").await;
    assert!(sunscreen.contains(">Only 2 left<"));
    let (_, vitamin_c) = app.page("/shop/vitamin-c-serum").await;
    assert!(vitamin_c.contains(">Out of stock<"));
    assert!(vitamin_c.contains("https://schema.org/OutOfStock"));
    assert!(
        !vitamin_c.contains("action=\"/cart/items\""),
        "nothing to add"
    );

    let (status, _) = app.page("/shop/no-such-product").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (_, article) = app.page(ARTICLE).await;
    assert!(
        article.contains("href=\"/shop/hydrating-serum\""),
        "the seed links the serum"
    );
}

/// Every CSRF token in a page's forms.
fn form_tokens(html: &str) -> Vec<&str> {
    let field = "name=\"csrf_token\" value=\"";
    html.match_indices(field)
        .map(|(at, _)| {
            let value = &html[at + field.len()..];
            &value[..value.find('"').unwrap()]
        })
        .collect()
}

async fn kept_shop_pages_carry_each_readers_own_token_and_show_a_sale_at_once(app: TestApp) {
    let (ann, ben) = (Shopper::new(&app), Shopper::new(&app));
    for path in ["/shop", "/shop/mineral-sunscreen"] {
        for shopper in [&ann, &ben] {
            // The second view is served from the kept page.
            for _ in 0..2 {
                let (status, html) = shopper.page(path).await;
                assert_eq!(status, StatusCode::OK);
                let own = shopper.token().await;
                let tokens = form_tokens(&html);
                assert!(!tokens.is_empty(), "{path}: add-to-cart forms");
                assert!(tokens.iter().all(|t| *t == own), "{path}: {tokens:?}");
                assert!(!html.contains("csrf-slot"), "{path}: no slot left");
                assert!(html.contains("Only 2 left"), "{path}");
            }
        }
    }
    assert_ne!(ann.token().await, ben.token().await);

    // The token read from the kept product page is Ann's: her add and checkout go through.
    let (_, page) = ann.page("/shop/mineral-sunscreen").await;
    let id = field_value(&page, "product_id").unwrap();
    let fields = [("product_id", id.as_str()), ("quantity", "1")];
    let added = ann
        .post_with("/cart/items", form_tokens(&page)[0], &fields)
        .await;
    see_other(&added);
    see_other(&ann.check_out().await);

    for path in ["/shop", "/shop/mineral-sunscreen"] {
        let (_, html) = ben.page(path).await;
        assert!(
            html.contains("Only 1 left"),
            "{path}: the sale shows at once"
        );
    }
}

async fn a_large_shop_is_paged_and_a_refused_add_comes_back_to_its_page(app: TestApp) {
    let growth = glowpress::demo::grow::Growth {
        posts: 0,
        comments: 0,
        products: 30,
    };
    app.with_conn(|conn| glowpress::demo::grow::grow(conn, growth))
        .unwrap();
    // 8 demo products and 30 more: 24 on the first page, 14 on the second.
    let (_, first) = app.page("/shop").await;
    assert_eq!(crate::common::count(&first, "class=\"product-card\""), 24);
    assert!(first.contains("<a href=\"/shop?page=2\">2</a>"), "a pager");
    assert!(first.contains("rel=\"next\""));
    let (status, second) = app.page("/shop?page=2").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(crate::common::count(&second, "class=\"product-card\""), 14);
    assert!(second.contains("<title>Shop, page 2"), "its own title");
    assert!(second.contains("<link rel=\"canonical\" href=\"http"));
    assert!(
        second.contains("/shop?page=2\">"),
        "its own canonical address"
    );
    assert!(second.contains("name=\"return_to\" value=\"/shop?page=2\""));
    assert_eq!(app.page("/shop?page=3").await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.page("/shop?page=two").await.0, StatusCode::BAD_REQUEST);

    let shopper = Shopper::new(&app);
    let id = field_value(&second, "product_id").unwrap();
    let fields = [
        ("product_id", id.as_str()),
        ("quantity", "lots"),
        ("return_to", "/shop?page=2"),
    ];
    let (status, html) = shopper.post_refused("/cart/items", &fields).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        crate::common::count(&html, "class=\"product-card\""),
        14,
        "page 2"
    );
    assert!(html.contains("value=\"lots\""), "what was typed stays");
}

async fn browsing_creates_no_cart_and_the_first_add_creates_one(app: TestApp) {
    let shopper = Shopper::new(&app);
    for path in [
        "/",
        ARTICLE,
        "/shop",
        "/shop/hydrating-serum",
        "/cart",
        "/checkout",
    ] {
        let (status, html) = shopper.page(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(mini_cart(&html), ("0".into(), "$0.00".into()), "{path}");
    }
    assert_eq!(count_rows(&app), (0, 0, 0), "page views write nothing");
    let serum = product_id(&app, "hydrating-serum").await;
    shopper.add(serum, "1", "/shop").await;
    assert_eq!(count_rows(&app), (1, 1, 0));
}

async fn the_mini_cart_follows_every_change_on_home_article_and_shop(app: TestApp) {
    let shopper = Shopper::new(&app);
    let serum = product_id(&app, "hydrating-serum").await;
    let gel = product_id(&app, "soothing-gel").await;
    let expect = |count: &str, subtotal: &str| (count.to_owned(), subtotal.to_owned());
    let check = |want: (String, String)| {
        let shopper = &shopper;
        async move {
            for path in ["/", ARTICLE, "/shop"] {
                assert_eq!(shopper.mini_cart(path).await, want, "{path}");
            }
        }
    };

    let (location, html) = shopper.add(serum, "2", "/shop").await;
    assert_eq!(location, "/shop", "back to where the shopper was");
    assert!(html.contains("Hydrating Serum added to your cart."));
    assert!(html.contains("<a class=\"flash__link\" href=\"/cart\">View cart</a>"));
    assert_eq!(mini_cart(&html), expect("2", "$56.00"));
    assert_eq!(cart_link_name(&html), "Shopping cart: 2 items, $56.00");
    check(expect("2", "$56.00")).await;

    let (location, _) = shopper.add(gel, "1", ARTICLE).await;
    assert_eq!(location, ARTICLE);
    check(expect("3", "$70.00")).await;

    let id = serum.to_string();
    let (location, html) = shopper
        .post_ok(
            &format!("/cart/items/{id}"),
            &[("quantity", "1"), ("return_to", "/")],
        )
        .await;
    assert_eq!(location, "/");
    assert!(html.contains("Hydrating Serum updated to 1."));
    check(expect("2", "$42.00")).await;

    let (location, html) = shopper
        .post_ok(
            &format!("/cart/items/{gel}/remove"),
            &[("return_to", "/shop")],
        )
        .await;
    assert_eq!(location, "/shop");
    assert!(html.contains("Soothing Aloe Gel removed from your cart."));
    check(expect("1", "$28.00")).await;

    shopper
        .post_ok(
            &format!("/cart/items/{serum}"),
            &[("quantity", "0"), ("return_to", "/cart")],
        )
        .await;
    check(expect("0", "$0.00")).await;
}

async fn the_cart_page_totals_lines_with_shipping_and_updates_them_all_at_once(app: TestApp) {
    let shopper = Shopper::new(&app);
    let cleanser = product_id(&app, "gentle-cleanser").await;
    let mask = product_id(&app, "sheet-mask").await;
    shopper.add(cleanser, "1", "/shop").await;
    shopper.add(mask, "2", "/shop").await;
    let (status, cart) = shopper.page("/cart").await;
    assert_eq!(status, StatusCode::OK);
    for text in [
        "Gentle Cream Cleanser",
        "/static/img/product-gentle-cleanser.svg",
        "$6.50",
        "$13.00",
        "<dt>Subtotal</dt><dd>$29.00</dd>",
        "<dt>Shipping</dt><dd>$4.95</dd>",
        "<dt>Total</dt><dd>$33.95</dd>",
        "Add $21.00 more for free shipping.",
        "Proceed to checkout",
        "Update cart",
        &format!("formaction=\"/cart/items/{mask}/remove\""),
    ] {
        assert!(cart.contains(text), "{text}");
    }

    let (cleanser_field, mask_field) = (format!("qty-{cleanser}"), format!("qty-{mask}"));
    let (location, cart) = shopper
        .post_ok(
            "/cart",
            &[(cleanser_field.as_str(), "3"), (mask_field.as_str(), "0")],
        )
        .await;
    assert_eq!(location, "/cart");
    assert!(cart.contains("Your cart has been updated."));
    assert!(!cart.contains("Calming Sheet Mask"), "0 removes the line");
    assert!(cart.contains("<dt>Subtotal</dt><dd>$48.00</dd>"));
    shopper.add(cleanser, "1", "/cart").await;
    let (_, cart) = shopper.page("/cart").await;
    assert!(
        cart.contains("<dt>Shipping</dt><dd>Free</dd>"),
        "over the threshold"
    );
    assert!(cart.contains("<dt>Total</dt><dd>$64.00</dd>"));

    // The settings decide shipping.
    app.with_conn(|conn| {
        glowpress::settings::set(conn, "free_shipping_threshold_cents", "0").unwrap();
        glowpress::settings::set(conn, "shipping_flat_rate_cents", "700").unwrap();
    });
    let (_, cart) = shopper.page("/cart").await;
    assert!(cart.contains("<dt>Shipping</dt><dd>$7.00</dd>"));
    assert!(cart.contains("<dt>Total</dt><dd>$71.00</dd>"));

    // Prices shown are always the current ones.
    app.with_conn(|conn| {
        diesel::update(products::table.find(cleanser))
            .set(products::sale_price_cents.eq(Some(1000)))
            .execute(conn)
            .unwrap()
    });
    assert_eq!(shopper.mini_cart("/").await, ("4".into(), "$40.00".into()));
}

async fn a_cart_line_never_holds_more_than_is_in_stock(app: TestApp) {
    let shopper = Shopper::new(&app);
    let sunscreen = product_id(&app, "mineral-sunscreen").await;
    let id = sunscreen.to_string();
    shopper.add(sunscreen, "2", "/shop/mineral-sunscreen").await;
    let fields = [
        ("product_id", id.as_str()),
        ("quantity", "1"),
        ("return_to", "/shop/mineral-sunscreen"),
    ];
    let (status, html) = shopper.post_refused("/cart/items", &fields).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(html.contains(
        "Only 2 of Mineral Sunscreen SPF 50 in stock, and you already have 2 in your cart."
    ));
    assert!(html.contains("<h1 class=\"product__name\">Mineral Sunscreen SPF 50</h1>"));
    assert_eq!(mini_cart(&html), ("2".into(), "$48.00".into()));

    let (status, html) = shopper
        .post_refused(
            &format!("/cart/items/{id}"),
            &[("quantity", "3"), ("return_to", "/cart")],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(html.contains("Only 2 of Mineral Sunscreen SPF 50 left in stock."));
    assert!(html.contains("value=\"3\""), "what was typed stays");

    let vitamin_c = product_id(&app, "vitamin-c-serum").await.to_string();
    let fields = [
        ("product_id", vitamin_c.as_str()),
        ("quantity", "1"),
        ("return_to", "/shop"),
    ];
    let (_, html) = shopper.post_refused("/cart/items", &fields).await;
    assert!(html.contains("Sorry, Vitamin C Brightening Serum is out of stock."));

    // Stock that drops below a line is flagged and only what is left is counted.
    set_stock(&app, sunscreen, Some(1));
    let (_, cart) = shopper.page("/cart").await;
    assert!(cart.contains("Only 1 left in stock: 1 of your 2 will be ordered."));
    assert_eq!(mini_cart(&cart), ("1".into(), "$24.00".into()));
    let (status, html) = shopper
        .post_refused("/checkout", &address(&"a".repeat(64), "").pairs())
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(html.contains("only 1 of Mineral Sunscreen SPF 50 left now"));
}

async fn bad_quantities_send_the_page_back_with_a_message_and_the_input(app: TestApp) {
    let shopper = Shopper::new(&app);
    let serum = product_id(&app, "hydrating-serum").await.to_string();
    let cases = [
        ("abc", "is not a quantity"),
        ("-1", "cannot be negative"),
        ("0", "Choose at least 1"),
        ("1.5", "not a whole number"),
        ("100", "at most 99"),
        ("99999999999999999999", "at most 99"),
        ("", "Enter a quantity."),
    ];
    for (typed, message) in cases {
        for return_to in ["/shop/hydrating-serum", "/shop"] {
            let fields = [
                ("product_id", serum.as_str()),
                ("quantity", typed),
                ("return_to", return_to),
            ];
            let (status, html) = shopper.post_refused("/cart/items", &fields).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{typed:?}");
            assert!(
                html.contains(message),
                "{typed:?} on {return_to}: {message}"
            );
            assert!(
                html.contains(&format!("value=\"{typed}\"")),
                "{typed:?} is kept"
            );
            assert!(html.contains("aria-invalid=\"true\""));
        }
    }
    // The cart page: one bad line refuses the whole update and keeps every typed value.
    shopper.add(serum.parse().unwrap(), "1", "/cart").await;
    let field = format!("qty-{serum}");
    let (status, html) = shopper
        .post_refused("/cart", &[(field.as_str(), "two")])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("“two” is not a quantity"));
    assert!(html.contains("value=\"two\""));
    assert_eq!(
        mini_cart(&html),
        ("1".into(), "$28.00".into()),
        "nothing changed"
    );
}

async fn unknown_and_unpublished_products_cannot_be_added_and_are_flagged_in_the_cart(
    app: TestApp,
) {
    let shopper = Shopper::new(&app);
    for id in ["999999", "abc", "-3", ""] {
        let fields = [
            ("product_id", id),
            ("quantity", "1"),
            ("return_to", "/shop"),
        ];
        let (status, html) = shopper.post_refused("/cart/items", &fields).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{id:?}");
        assert!(html.contains("That product is not in our shop"), "{id:?}");
    }
    let serum = product_id(&app, "hydrating-serum").await;
    let gel = product_id(&app, "soothing-gel").await;
    shopper.add(serum, "1", "/shop").await;
    shopper.add(gel, "1", "/shop").await;
    app.with_conn(|conn| {
        diesel::update(products::table.find(serum))
            .set(products::published.eq(false))
            .execute(conn)
            .unwrap()
    });
    let (status, _) = shopper.page("/shop/hydrating-serum").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, shop) = shopper.page("/shop").await;
    assert!(!shop.contains("Hydrating Serum"));
    let id = serum.to_string();
    let fields = [
        ("product_id", id.as_str()),
        ("quantity", "1"),
        ("return_to", "/shop"),
    ];
    let (_, html) = shopper.post_refused("/cart/items", &fields).await;
    assert!(html.contains("That product is not in our shop"));

    let (_, cart) = shopper.page("/cart").await;
    assert!(cart.contains("No longer available: it is not counted in your total."));
    assert!(cart.contains("<dt>Subtotal</dt><dd>$14.00</dd>"));
    assert_eq!(mini_cart(&cart), ("1".into(), "$14.00".into()));
    // "Update cart" still works for the other lines; the flagged one stays as it is.
    let (serum_field, gel_field) = (format!("qty-{serum}"), format!("qty-{gel}"));
    let (_, cart) = shopper
        .post_ok(
            "/cart",
            &[(serum_field.as_str(), "1"), (gel_field.as_str(), "2")],
        )
        .await;
    assert!(cart.contains("Your cart has been updated."));
    assert_eq!(mini_cart(&cart), ("2".into(), "$28.00".into()));
    assert!(cart.contains("No longer available"));
    // It can still be removed.
    let (_, cart) = shopper
        .post_ok(
            &format!("/cart/items/{serum}/remove"),
            &[("return_to", "/cart")],
        )
        .await;
    assert!(cart.contains("Hydrating Serum removed from your cart."));
}

async fn logging_in_merges_the_guest_cart_into_the_saved_cart(app: TestApp) {
    let laptop = Shopper::new(&app);
    let serum = product_id(&app, "hydrating-serum").await;
    let gel = product_id(&app, "soothing-gel").await;
    let sunscreen = product_id(&app, "mineral-sunscreen").await;
    laptop.register("ada").await;
    laptop.add(serum, "1", "/shop").await;
    laptop.add(sunscreen, "1", "/shop").await;
    laptop.log_out().await;
    assert_eq!(
        laptop.mini_cart("/").await.0,
        "0",
        "logged out: a fresh guest"
    );

    laptop.add(serum, "2", "/shop").await;
    laptop.add(gel, "1", "/shop").await;
    laptop.add(sunscreen, "2", "/shop").await;
    assert_eq!(laptop.mini_cart("/").await, ("5".into(), "$118.00".into()));
    let home = laptop.log_in("ada").await;
    // serum 1 + 2, gel 1, sunscreen 1 + 2 capped at the 2 in stock.
    assert_eq!(mini_cart(&home), ("6".into(), "$146.00".into()));
    let (carts, _, _) = count_rows(&app);
    assert_eq!(carts, 1, "the guest cart is gone, merged");
    let (_, cart) = laptop.page("/cart").await;
    assert!(cart.contains(&format!("name=\"qty-{serum}\" type=\"number\" inputmode=\"numeric\" min=\"0\" max=\"99\" step=\"1\" value=\"3\"")));

    // Another device sees the same cart once logged in.
    let phone = Shopper::new(&app);
    let home = phone.log_in("ada").await;
    assert_eq!(mini_cart(&home), ("6".into(), "$146.00".into()));

    // Registering also keeps a guest cart.
    let newcomer = Shopper::new(&app);
    newcomer.add(gel, "2", "/shop").await;
    newcomer.register("bea").await;
    assert_eq!(newcomer.mini_cart("/").await, ("2".into(), "$28.00".into()));
}

async fn guest_carts_expire_after_48_hours_but_a_shoppers_cart_does_not(app: TestApp) {
    let guest = Shopper::new(&app);
    let shopper = Shopper::new(&app);
    let serum = product_id(&app, "hydrating-serum").await;
    guest.add(serum, "1", "/shop").await;
    shopper.register("cleo").await;
    shopper.add(serum, "2", "/shop").await;
    let long_ago = glowpress::web::dates::now() - time::Duration::hours(49);
    app.with_conn(|conn| {
        diesel::update(carts::table)
            .set(carts::updated_at.eq(long_ago))
            .execute(conn)
            .unwrap()
    });
    assert_eq!(
        guest.mini_cart("/").await.0,
        "0",
        "expired: ignored on read"
    );
    let (_, cart) = guest.page("/cart").await;
    assert!(cart.contains("Your cart is empty."));
    assert_eq!(
        shopper.mini_cart("/").await.0,
        "2",
        "a shopper's cart does not expire"
    );

    let deleted = app.with_conn(|conn| {
        glowpress::shop::cart::delete_expired_guest_carts(conn, glowpress::web::dates::now())
            .unwrap()
    });
    assert_eq!(deleted, 1);
    assert_eq!(count_rows(&app).0, 1, "the shopper's cart stays");
    // The same guest session starts a fresh cart.
    guest.add(serum, "1", "/shop").await;
    assert_eq!(guest.mini_cart("/").await.0, "1");
}

async fn two_shoppers_checking_out_the_last_unit_get_exactly_one_order(app: TestApp) {
    let sunscreen = product_id(&app, "mineral-sunscreen").await;
    for round in 0..3 {
        let (ann, ben) = (Shopper::new(&app), Shopper::new(&app));
        set_stock(&app, sunscreen, Some(2));
        ann.add(sunscreen, "1", "/shop").await;
        ben.add(sunscreen, "1", "/shop").await;
        set_stock(&app, sunscreen, Some(1));
        let orders_before = count_rows(&app).2;
        let (a, b) = tokio::join!(ann.check_out(), ben.check_out());
        let statuses = [a.status(), b.status()];
        let winners = statuses
            .iter()
            .filter(|s| **s == StatusCode::SEE_OTHER)
            .count();
        assert_eq!(winners, 1, "round {round}: {statuses:?}");
        let loser = if a.status() == StatusCode::SEE_OTHER {
            b
        } else {
            a
        };
        assert_eq!(loser.status(), StatusCode::CONFLICT);
        let html = loser.text().await.unwrap();
        assert!(
            html.contains("Sorry, Mineral Sunscreen SPF 50 just sold out."),
            "{html}"
        );
        assert_eq!(stock(&app, sunscreen), Some(0), "never below zero");
        assert_eq!(count_rows(&app).2, orders_before + 1);
    }
}

async fn submitting_the_checkout_twice_makes_one_order(app: TestApp) {
    let shopper = Shopper::new(&app);
    let serum = product_id(&app, "hydrating-serum").await;
    shopper.add(serum, "2", "/shop").await;
    let (_, html) = shopper.page("/checkout").await;
    let key = field_value(&html, "idempotency_key").unwrap();
    let token = field_value(&html, "csrf_token").unwrap();
    let form = address(&key, &fingerprint(&html));
    let (first, second) = tokio::join!(
        shopper.post_with_pairs("/checkout", &token, &form),
        shopper.post_with_pairs("/checkout", &token, &form)
    );
    let first = see_other(&first);
    assert!(first.starts_with("/orders/"));
    assert_eq!(see_other(&second), first, "the same order");
    // And again later (the back button).
    let third = shopper.post_with_pairs("/checkout", &token, &form).await;
    assert_eq!(see_other(&third), first);
    assert_eq!(count_rows(&app).2, 1);
    assert_eq!(stock(&app, serum), Some(38), "stock taken once");
    let (status, order) = shopper.page(&first).await;
    assert_eq!(status, StatusCode::OK);
    assert!(order.contains("Hydrating Serum"));
    assert!(order.contains("Pay on delivery"));
    assert_eq!(mini_cart(&order).0, "0", "the cart is emptied");
}

async fn carts_and_orders_are_private_to_their_owner(app: TestApp) {
    let (ann, ben) = (Shopper::new(&app), Shopper::new(&app));
    let serum = product_id(&app, "hydrating-serum").await;
    ann.add(serum, "3", "/shop").await;
    assert_eq!(ben.mini_cart("/").await.0, "0");
    let (_, cart) = ben.page("/cart").await;
    assert!(cart.contains("Your cart is empty."));
    // Ben cannot change Ann's line by naming the product.
    let (_, html) = ben
        .post_refused(
            &format!("/cart/items/{serum}"),
            &[("quantity", "1"), ("return_to", "/cart")],
        )
        .await;
    assert!(html.contains("That item is not in your cart"));
    let (_, html) = ben
        .post_ok(
            &format!("/cart/items/{serum}/remove"),
            &[("return_to", "/cart")],
        )
        .await;
    assert!(html.contains("That item is not in your cart"));
    assert_eq!(ann.mini_cart("/").await.0, "3", "untouched");

    let location = see_other(&ann.check_out().await);
    let (status, _) = ann.page(&location).await;
    assert_eq!(status, StatusCode::OK, "the guest who ordered sees it");
    let (status, html) = ben.page(&location).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!html.contains("Ada Shopper"));
    let (status, _) = app.page(&location).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = ben.page("/orders/1").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "sequential ids lead nowhere");
    assert_eq!(location.len(), "/orders/".len() + 64, "an unguessable id");

    // A logged-in shopper's order is theirs on any device, and listed on /account.
    let cleo = Shopper::new(&app);
    cleo.register("cleo").await;
    cleo.add(serum, "1", "/shop").await;
    let location = see_other(&cleo.check_out().await);
    let other_device = Shopper::new(&app);
    other_device.log_in("cleo").await;
    let (status, _) = other_device.page(&location).await;
    assert_eq!(status, StatusCode::OK);
    let (_, account) = other_device.page("/account").await;
    assert!(account.contains(&format!("href=\"{location}\"")));
    assert!(account.contains("Processing"));
    let (status, _) = ann.page(&location).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

fn coupon_uses(app: &TestApp, code: &str) -> i32 {
    app.with_conn(|conn| {
        coupons::table
            .filter(coupons::code.eq(code))
            .select(coupons::used_count)
            .first(conn)
            .unwrap()
    })
}

fn add_coupon(
    app: &TestApp,
    code: &str,
    kind: &str,
    amount: i64,
    expired: bool,
    limit: Option<i32>,
) {
    let expires_at = expired.then(|| glowpress::web::dates::now() - time::Duration::days(1));
    app.with_conn(|conn| {
        let coupon = glowpress::shop::coupons::NewCoupon {
            code,
            kind,
            amount,
            expires_at,
            usage_limit: limit,
        };
        glowpress::shop::coupons::insert(conn, &coupon).unwrap()
    });
}

async fn coupons_apply_on_the_cart_and_are_checked_again_at_checkout(app: TestApp) {
    add_coupon(&app, "FIVE", "fixed", 500, false, None);
    add_coupon(&app, "TENPC", "percent", 10, false, None);
    add_coupon(&app, "OLD", "fixed", 500, true, None);
    add_coupon(&app, "ONCE", "fixed", 300, false, Some(1));
    let shopper = Shopper::new(&app);
    let serum = product_id(&app, "hydrating-serum").await;
    shopper.add(serum, "1", "/shop").await;

    let (_, cart) = shopper
        .post_ok("/cart/coupon", &[("code", " tenpc ")])
        .await;
    assert!(cart.contains("Coupon TENPC applied: 10% off."));
    assert!(cart.contains("<dt>Discount</dt><dd>-$2.80</dd>"));
    assert!(
        cart.contains("<dt>Total</dt><dd>$30.15</dd>"),
        "28.00 - 2.80 + 4.95"
    );
    shopper.post_ok("/cart/coupon/remove", &[]).await;
    let (_, cart) = shopper.post_ok("/cart/coupon", &[("code", "FIVE")]).await;
    assert!(cart.contains("<dt>Discount</dt><dd>-$5.00</dd>"));
    // The header's cart sums the goods after the coupon, as the cart page does.
    assert_eq!(
        mini_cart(&cart),
        ("1".into(), "$23.00".into()),
        "28.00 - 5.00"
    );
    assert_eq!(
        shopper.mini_cart("/shop").await,
        ("1".into(), "$23.00".into())
    );

    for (code, message) in [
        ("OLD", "The coupon OLD has expired."),
        ("NOPE", "There is no coupon “NOPE”."),
        ("", "Enter a coupon code."),
    ] {
        shopper.post_ok("/cart/coupon/remove", &[]).await;
        let (status, html) = shopper
            .post_refused("/cart/coupon", &[("code", code)])
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(html.contains(message), "{code}");
        assert!(
            html.contains(&format!("value=\"{code}\"")),
            "{code} is kept"
        );
    }

    // A limited coupon: both apply it, only the first checkout may use it.
    let other = Shopper::new(&app);
    other.add(serum, "1", "/shop").await;
    shopper.post_ok("/cart/coupon", &[("code", "ONCE")]).await;
    other.post_ok("/cart/coupon", &[("code", "ONCE")]).await;
    let location = see_other(&shopper.check_out().await);
    let (_, order) = shopper.page(&location).await;
    assert!(order.contains("<dt>Discount</dt><dd>-$3.00</dd>"));
    assert!(order.contains("<dt>Total</dt><dd>$29.95</dd>"));
    let refused = other.check_out().await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("The coupon ONCE has been used up.")
    );
    assert_eq!(coupon_uses(&app, "ONCE"), 1);
}

async fn checkout_validates_the_address_and_sends_a_confirmation_email(app: TestApp) {
    let shopper = Shopper::new(&app);
    // An empty cart.
    let (status, html) = shopper
        .post_refused("/checkout", &address(&"b".repeat(64), "").pairs())
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("Your cart is empty"));

    let gel = product_id(&app, "soothing-gel").await;
    shopper.add(gel, "2", "/shop").await;
    let (_, page) = shopper.page("/checkout").await;
    assert!(page.contains("Pay on delivery"));
    assert!(page.contains("checking out as a guest"));
    let key = field_value(&page, "idempotency_key").unwrap();
    let mut form = address(&key, &fingerprint(&page));
    form[2].1 = String::new();
    form[1].1 = "not-an-email".into();
    let (status, html) = shopper.post_refused("/checkout", &form.pairs()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("Enter the street address."));
    assert!(html.contains("That does not look like an email address"));
    assert!(html.contains("value=\"Ada Shopper\""), "the name is kept");
    assert!(html.contains("value=\"Springfield\""), "the city is kept");
    assert!(
        html.contains(&format!("value=\"{key}\"")),
        "the same idempotency key"
    );
    assert_eq!(count_rows(&app).2, 0);

    let location = see_other(&shopper.check_out().await);
    let (_, order) = shopper.page(&location).await;
    assert!(order.contains("Thank you! Your order has been placed."));
    assert!(order.contains("1 Glow Street"));
    assert!(
        order.contains("<dt>Total</dt><dd>$32.95</dd>"),
        "2 × 14.00 + 4.95"
    );
    assert_eq!(stock(&app, gel), Some(23));

    let outbox = app.site().config.outbox_dir();
    let mut mails = Vec::new();
    for _ in 0..50 {
        mails = read_outbox(&outbox);
        if !mails.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (_, mail) = mails.first().expect("a confirmation in the outbox");
    assert!(mail.contains("To: ada@example.com"));
    assert!(mail.contains("Subject: Your The Glow Edit order"));
    assert!(mail.contains("2 x Soothing Aloe Gel ($14.00 each): $28.00"));
    assert!(mail.contains("Total: $32.95"));
    assert!(mail.contains("pay on delivery"));
    assert!(mail.contains(&location));

    // The mail's link opens the order on any device (a guest reads mail on their phone);
    // without its key, or with a changed one, it is the 404 of an order that does not exist.
    let link = mail
        .lines()
        .find_map(|line| line.find("/orders/").map(|at| line[at..].trim().to_owned()))
        .expect("an order link in the mail");
    let key = link.split_once("?key=").expect("the link has a key").1;
    assert!(link.starts_with(&format!("{location}?key=")));
    assert_eq!(key.len(), 32, "128 bits, in hex");
    let phone = app.new_browser();
    let (status, html) = phone.page(&link).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("1 Glow Street"));
    assert_eq!(phone.page(&location).await.0, StatusCode::NOT_FOUND);
    let flipped = if key.ends_with('0') { "1" } else { "0" };
    let wrong = format!("{}{flipped}", &link[..link.len() - 1]);
    assert_eq!(phone.page(&wrong).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        phone.page(&link[..link.len() - 1]).await.0,
        StatusCode::NOT_FOUND
    );

    // With guest checkout off, guests are asked to log in first.
    app.with_conn(|conn| glowpress::settings::set(conn, "guest_checkout", "0").unwrap());
    let response = shopper
        .manual
        .get(shopper.browser.url("/checkout"))
        .send()
        .await
        .unwrap();
    assert_eq!(see_other(&response), "/login?redirect_to=%2Fcheckout");
}

async fn admins_change_order_status_and_cancelling_returns_the_stock(app: TestApp) {
    app.with_conn(|conn| insert_admin(conn, "boss", "boss@example.com", PASSWORD));
    add_coupon(&app, "ONCE", "fixed", 300, false, Some(1));
    let customer = Shopper::new(&app);
    let balm = product_id(&app, "cleansing-balm").await;
    customer.add(balm, "3", "/shop").await;
    customer.post_ok("/cart/coupon", &[("code", "ONCE")]).await;
    let order_url = see_other(&customer.check_out().await);
    assert_eq!(stock(&app, balm), Some(15));

    let (status, _) = customer.page("/admin/orders").await;
    assert_eq!(status, StatusCode::OK, "a guest is sent to log in");
    let response = customer
        .manual
        .get(customer.browser.url("/admin/orders"))
        .send()
        .await
        .unwrap();
    assert!(see_other(&response).starts_with("/login"));
    customer.register("dora").await;
    let (status, _) = customer.page("/admin/orders").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "subscribers may not");

    let admin = Shopper::new(&app);
    admin.log_in("boss").await;
    let (status, list) = admin.page("/admin/orders").await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.contains("3 × Melting Cleansing Balm"));
    assert!(list.contains("Ada Shopper"));
    let order_id: i32 = app.with_conn(|conn| orders::table.select(orders::id).first(conn).unwrap());
    let action = format!("/admin/orders/{order_id}/status");
    let (_, detail) = admin.page(&format!("/admin/orders/{order_id}")).await;
    assert!(detail.contains(&format!("action=\"{action}\"")));

    let (_, list) = admin.post_ok(&action, &[("status", "completed")]).await;
    assert!(list.contains("Order marked as completed."));
    let (_, order) = customer_view(&app, &order_url).await;
    assert_eq!(order, "completed");

    let (_, list) = admin.post_ok(&action, &[("status", "cancelled")]).await;
    assert!(list.contains("Order cancelled; its items are back in stock."));
    assert_eq!(stock(&app, balm), Some(18));
    assert_eq!(coupon_uses(&app, "ONCE"), 0, "the coupon use is given back");
    let (_, list) = admin.post_ok(&action, &[("status", "cancelled")]).await;
    assert!(list.contains("a cancelled order stays cancelled"));
    admin.post_ok(&action, &[("status", "processing")]).await;
    assert_eq!(stock(&app, balm), Some(18), "returned once only");
    assert_eq!(coupon_uses(&app, "ONCE"), 0);
    assert_eq!(customer_view(&app, &order_url).await.1, "cancelled");
    let (status, _) = admin.post_refused(&action, &[("status", "shipped")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // Shop settings, in dollars.
    let (status, html) = admin
        .post_refused(
            "/admin/settings/shop",
            &[
                ("shipping_flat_rate", "abc"),
                ("free_shipping_threshold", "75"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("is not an amount of money"));
    assert!(html.contains("value=\"75\""), "the other field is kept");
    let (_, html) = admin
        .post_ok(
            "/admin/settings/shop",
            &[
                ("shipping_flat_rate", "$5.50"),
                ("free_shipping_threshold", "0"),
            ],
        )
        .await;
    assert!(html.contains("Shop settings saved."));
    assert!(html.contains("value=\"5.50\""));
    let settings = app.with_conn(|conn| glowpress::settings::Settings::load(conn).unwrap());
    assert_eq!(settings.shipping_flat_rate_cents, 550);
    assert_eq!(settings.free_shipping_threshold_cents, 0);
    assert!(!settings.guest_checkout, "an unticked box turns it off");
    let (status, _) = customer.page("/admin/settings/shop").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// The stored status of the order at `url`.
async fn customer_view(app: &TestApp, url: &str) -> (String, String) {
    let public_id = url.trim_start_matches("/orders/").to_owned();
    let status: String = app.with_conn(|conn| {
        orders::table
            .filter(orders::public_id.eq(&public_id))
            .select(orders::status)
            .first(conn)
            .unwrap()
    });
    (public_id, status)
}

#[actix_web::test]
async fn the_background_cleanup_deletes_expired_guest_carts() {
    let app = TestApp::spawn(crate::common::Backend::Sqlite)
        .await
        .unwrap();
    let guest = Shopper::new(&app);
    let serum = product_id(&app, "hydrating-serum").await;
    guest.add(serum, "1", "/shop").await;
    let long_ago = glowpress::web::dates::now() - time::Duration::hours(49);
    app.with_conn(|conn| {
        diesel::update(carts::table)
            .set(carts::updated_at.eq(long_ago))
            .execute(conn)
            .unwrap()
    });
    // The cleanup runs at start, then every few minutes.
    let app = app.stop().await.start().await;
    for _ in 0..50 {
        if count_rows(&app).0 == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the expired cart is still there");
}

#[actix_web::test]
async fn without_a_return_to_field_the_shopper_goes_back_to_the_referring_page() {
    let app = TestApp::spawn(crate::common::Backend::Sqlite)
        .await
        .unwrap();
    let shopper = Shopper::new(&app);
    let serum = product_id(&app, "hydrating-serum").await.to_string();
    let token = shopper.token().await;
    let form = [
        ("csrf_token", token.as_str()),
        ("product_id", &serum),
        ("quantity", "1"),
    ];
    let post = |referer: Option<String>| {
        let mut request = shopper.manual.post(app.url("/cart/items")).form(&form);
        if let Some(referer) = referer {
            request = request.header("Referer", referer);
        }
        request.send()
    };
    let response = post(Some(app.url("/category/routines?page=1")))
        .await
        .unwrap();
    assert_eq!(see_other(&response), "/category/routines?page=1");
    let response = post(None).await.unwrap();
    assert_eq!(see_other(&response), "/cart");
    let form = [
        ("csrf_token", token.as_str()),
        ("product_id", &serum),
        ("quantity", "1"),
        ("return_to", "https://evil.example/"),
    ];
    let response = shopper
        .manual
        .post(app.url("/cart/items"))
        .form(&form)
        .send()
        .await;
    assert_eq!(see_other(&response.unwrap()), "/cart", "never off the site");
}

async fn a_guest_cannot_place_an_order_once_guest_checkout_is_off(app: TestApp) {
    let guest = Shopper::new(&app);
    let serum = product_id(&app, "hydrating-serum").await;
    guest.add(serum, "1", "/shop").await;
    let (status, html) = guest.page("/checkout").await;
    assert_eq!(status, StatusCode::OK);
    let key = field_value(&html, "idempotency_key").unwrap();
    let token = field_value(&html, "csrf_token").unwrap();

    // The form was loaded while guests could check out; the POST comes after the change.
    app.with_conn(|conn| glowpress::settings::set(conn, "guest_checkout", "0").unwrap());
    let response = guest
        .post_with(
            "/checkout",
            &token,
            &address(&key, &fingerprint(&html)).pairs(),
        )
        .await;
    // Sent to log in (the checkout page's own rule), or refused with the reason.
    if response.status() == StatusCode::SEE_OTHER {
        assert!(see_other(&response).starts_with("/login"));
    } else {
        assert!(response.status().is_client_error(), "{}", response.status());
        let html = response.text().await.unwrap();
        assert!(html.contains("log in or register to check out"), "{html}");
    }
    assert_eq!(count_rows(&app).2, 0, "no order");
}

//! The shop's back office: products, coupons and orders as an editor works them, and the
//! currency setting on every shop page.

use diesel::prelude::*;
use glowpress::accounts::users::Role;
use glowpress::db::schema::{coupons, orders, products, settings};
use reqwest::StatusCode;

use crate::admin_media::logged_in;
use crate::common::{
    Browser, TestApp, csrf_token, field_error, input_value, mails, wait_for_mails,
};
use crate::on_both_backends;

/// POSTs a form with the page's CSRF token (read from `form_page`), following redirects.
async fn send(
    browser: &Browser,
    form_page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> crate::common::Page {
    let (_, html) = browser.page(form_page).await;
    let token = csrf_token(&html);
    let mut all = vec![("csrf_token", token.as_str())];
    all.extend_from_slice(fields);
    browser.submit(action, &all).await
}

fn product_id(app: &TestApp, slug: &str) -> i32 {
    app.with_conn(|conn| {
        products::table
            .filter(products::slug.eq(slug))
            .select(products::id)
            .first(conn)
            .unwrap()
    })
}

/// A guest adds one `slug` and checks out as `name` <`email`>; the order page's path.
async fn place_order(app: &TestApp, slug: &str, name: &str, email: &str) -> (Browser, String) {
    let shopper = app.new_browser();
    let id = product_id(app, slug).to_string();
    let page = send(
        &shopper,
        "/shop",
        "/cart/items",
        &[
            ("product_id", &id),
            ("quantity", "1"),
            ("return_to", "/cart"),
        ],
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    let (_, checkout) = shopper.page("/checkout").await;
    let fields = [
        ("csrf_token", csrf_token(&checkout)),
        (
            "idempotency_key",
            input_value(&checkout, "idempotency_key").unwrap(),
        ),
        (
            "cart_fingerprint",
            input_value(&checkout, "cart_fingerprint").unwrap(),
        ),
        ("name", name.to_owned()),
        ("email", email.to_owned()),
        ("address", "1 Glow Street".to_owned()),
        ("city", "Springfield".to_owned()),
        ("postcode", "12345".to_owned()),
        ("country", "United States".to_owned()),
    ];
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let page = shopper.submit("/checkout", &pairs).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    assert!(page.path.starts_with("/orders/"), "{}", page.path);
    (shopper, page.path)
}

fn order_id(app: &TestApp, email: &str) -> i32 {
    app.with_conn(|conn| {
        orders::table
            .filter(orders::email.eq(email))
            .select(orders::id)
            .first(conn)
            .unwrap()
    })
}

fn set_setting(app: &TestApp, key: &str, value: &str) {
    app.with_conn(|conn| {
        diesel::delete(settings::table.filter(settings::key.eq(key)))
            .execute(conn)
            .unwrap();
        diesel::insert_into(settings::table)
            .values((settings::key.eq(key), settings::value.eq(value)))
            .execute(conn)
            .unwrap();
    });
}

const NEW: &str = "/admin/products/new";

async fn products_are_added_and_edited_and_bad_input_is_kept(app: TestApp) {
    let (editor, _) = logged_in(&app, "edna", Role::Editor).await;
    let typed = [
        ("name", "Night Cream"),
        ("slug", ""),
        ("sku", "GP-NIGHT"),
        ("short_description", "Rich and calm."),
        ("description", "**Shea** butter."),
        ("price", "abc"),
        ("sale_price", ""),
        ("stock", "-1"),
        ("published", "1"),
        ("image_media_id", ""),
        ("image_alt", ""),
    ];
    let page = send(&editor, NEW, NEW, &typed).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        field_error(&page.html, "price").as_deref(),
        Some("Enter a price like 24.00 ($24.00).")
    );
    assert!(
        field_error(&page.html, "stock")
            .unwrap()
            .contains("cannot be negative")
    );
    assert_eq!(
        input_value(&page.html, "name").as_deref(),
        Some("Night Cream")
    );
    assert_eq!(input_value(&page.html, "price").as_deref(), Some("abc"));
    assert_eq!(input_value(&page.html, "stock").as_deref(), Some("-1"));
    assert!(page.html.contains("**Shea** butter."));
    assert!(!page.html.contains("price_cents"), "no internal names");

    let mut good = typed;
    good[5] = ("price", "24,00");
    good[7] = ("stock", "3");
    let page = send(&editor, NEW, NEW, &good).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    assert!(page.html.contains("Product added."));
    let id: i32 = page
        .path
        .strip_prefix("/admin/products/")
        .unwrap()
        .parse()
        .unwrap();
    let (price, slug, stock): (i64, String, Option<i32>) = app.with_conn(|conn| {
        products::table
            .find(id)
            .select((products::price_cents, products::slug, products::stock))
            .first(conn)
            .unwrap()
    });
    assert_eq!(
        (price, slug.as_str(), stock),
        (2400, "night-cream", Some(3))
    );
    let (_, shop) = app.page("/shop/night-cream").await;
    assert!(
        shop.contains("$24.00") && shop.contains("<strong>Shea</strong>"),
        "{shop}"
    );

    // The same SKU again is refused, everything kept.
    let mut twin = good;
    twin[0] = ("name", "Night Cream Twin");
    let page = send(&editor, NEW, NEW, &twin).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(
        field_error(&page.html, "sku")
            .unwrap()
            .contains("Another product already has the SKU")
    );
    assert_eq!(
        input_value(&page.html, "name").as_deref(),
        Some("Night Cream Twin")
    );

    // Low stock (the default threshold is 5) and search.
    let (_, low) = editor.page("/admin/products?stock=low").await;
    assert!(
        low.contains("Night Cream") && low.contains("badge--low"),
        "{low}"
    );
    assert!(!low.contains("Hydrating"), "plenty of serum: {low}");
    let (_, found) = editor.page("/admin/products?q=NIGHT").await;
    assert!(found.contains("Night Cream"));
    assert!(!found.contains("Cleansing Balm"));
    let (_, none) = editor.page("/admin/products?q=zzzz").await;
    assert!(none.contains("No products match."));

    // Unpublishing hides it from the shop; an unticked box sends nothing.
    let edit = format!("/admin/products/{id}");
    let mut hidden: Vec<(&str, &str)> = good
        .iter()
        .copied()
        .filter(|(k, _)| *k != "published")
        .collect();
    hidden.retain(|(k, _)| *k != "stock");
    hidden.push(("stock", ""));
    let page = send(&editor, &edit, &edit, &hidden).await;
    assert!(page.html.contains("Product saved."));
    assert_eq!(app.page("/shop/night-cream").await.0, StatusCode::NOT_FOUND);
    let stock: Option<i32> = app.with_conn(|conn| {
        products::table
            .find(id)
            .select(products::stock)
            .first(conn)
            .unwrap()
    });
    assert_eq!(stock, None, "empty stock is unlimited");

    // Authors have no products page.
    let (author, _) = logged_in(&app, "arthur", Role::Author).await;
    assert_eq!(
        author.page("/admin/products").await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        send(&author, "/admin", &edit, &good).await.status,
        StatusCode::FORBIDDEN
    );
}

async fn a_product_edit_never_changes_a_placed_order(app: TestApp) {
    let (customer, order_page) =
        place_order(&app, "hydrating-serum", "Ada Shopper", "ada@example.com").await;
    let (_, before) = customer.page(&order_page).await;
    let old_name = "Hydrating Serum";
    assert!(before.contains(old_name), "{before}");
    let id = product_id(&app, "hydrating-serum");
    let (old_price, sku): (i64, String) = app.with_conn(|conn| {
        products::table
            .find(id)
            .select((products::price_cents, products::sku))
            .first(conn)
            .unwrap()
    });
    let old_price = format!("${}.{:02}", old_price / 100, old_price % 100);
    assert!(before.contains(&old_price), "{before}");

    let (editor, _) = logged_in(&app, "edna", Role::Editor).await;
    let edit = format!("/admin/products/{id}");
    let (_, form) = editor.page(&edit).await;
    assert_eq!(input_value(&form, "sku").as_deref(), Some(sku.as_str()));
    let page = send(
        &editor,
        &edit,
        &edit,
        &[
            ("name", "Renamed Serum"),
            ("slug", "hydrating-serum"),
            ("sku", &sku),
            ("short_description", ""),
            ("description", ""),
            ("price", "99.99"),
            ("sale_price", ""),
            ("stock", "10"),
            ("published", "1"),
            ("image_media_id", ""),
            ("image_alt", ""),
        ],
    )
    .await;
    assert!(page.html.contains("Product saved."), "{}", page.html);
    let (_, shop) = app.page("/shop/hydrating-serum").await;
    assert!(shop.contains("Renamed Serum") && shop.contains("$99.99"));

    let (_, after) = customer.page(&order_page).await;
    assert!(
        after.contains(old_name) && after.contains(&old_price),
        "{after}"
    );
    assert!(!after.contains("Renamed Serum") && !after.contains("$99.99"));
    let order = order_id(&app, "ada@example.com");
    let (_, admin_view) = editor.page(&format!("/admin/orders/{order}")).await;
    assert!(
        admin_view.contains(old_name) && !admin_view.contains("$99.99"),
        "{admin_view}"
    );
}

async fn coupons_are_created_refused_and_expired(app: TestApp) {
    let (editor, _) = logged_in(&app, "edna", Role::Editor).await;
    let new = "/admin/coupons/new";
    let page = send(
        &editor,
        new,
        new,
        &[
            ("code", "summer10"),
            ("kind", "percent"),
            ("amount", "150"),
            ("expires_at", "next week"),
            ("usage_limit", "-2"),
        ],
    )
    .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(
        field_error(&page.html, "amount")
            .unwrap()
            .contains("1 to 100")
    );
    assert!(field_error(&page.html, "expires_at").is_some());
    assert!(field_error(&page.html, "usage_limit").is_some());
    assert_eq!(input_value(&page.html, "code").as_deref(), Some("summer10"));
    assert_eq!(
        input_value(&page.html, "expires_at").as_deref(),
        Some("next week")
    );

    let page = send(
        &editor,
        new,
        new,
        &[
            ("code", "summer10"),
            ("kind", "percent"),
            ("amount", "10"),
            ("expires_at", "2030-06-01T12:00"),
            ("usage_limit", "5"),
        ],
    )
    .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    assert!(page.html.contains("Coupon SUMMER10 saved."));
    assert_eq!(
        input_value(&page.html, "expires_at").as_deref(),
        Some("2030-06-01T12:00")
    );
    let page = send(
        &editor,
        new,
        new,
        &[
            ("code", "Summer10"),
            ("kind", "fixed"),
            ("amount", "5"),
            ("expires_at", ""),
            ("usage_limit", ""),
        ],
    )
    .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(
        field_error(&page.html, "code")
            .unwrap()
            .contains("already a coupon SUMMER10")
    );

    let (_, list) = editor.page("/admin/coupons").await;
    assert!(
        list.contains("SUMMER10") && list.contains("10% off") && list.contains("0 of 5"),
        "{list}"
    );
    let id: i32 = app.with_conn(|conn| {
        coupons::table
            .filter(coupons::code.eq("SUMMER10"))
            .select(coupons::id)
            .first(conn)
            .unwrap()
    });
    // A shopper can use it until it is expired.
    let shopper = app.new_browser();
    let serum = product_id(&app, "hydrating-serum").to_string();
    send(
        &shopper,
        "/shop",
        "/cart/items",
        &[
            ("product_id", &serum),
            ("quantity", "1"),
            ("return_to", "/cart"),
        ],
    )
    .await;
    let page = send(&shopper, "/cart", "/cart/coupon", &[("code", "summer10")]).await;
    assert!(
        page.html.contains("Coupon SUMMER10 applied"),
        "{}",
        page.html
    );

    let page = send(
        &editor,
        "/admin/coupons",
        &format!("/admin/coupons/{id}/expire"),
        &[],
    )
    .await;
    assert!(
        page.html.contains("Coupon SUMMER10 has expired"),
        "{}",
        page.html
    );
    assert!(page.html.contains("Expired"));
    let (_, cart) = shopper.page("/cart").await;
    assert!(cart.contains("has expired"), "{cart}");
    let page = send(&shopper, "/cart", "/cart/coupon", &[("code", "SUMMER10")]).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
}

async fn a_status_change_emails_the_customer(app: TestApp) {
    let (customer, order_page) =
        place_order(&app, "hydrating-serum", "Ada Shopper", "ada@example.com").await;
    wait_for_mails(&app, 1).await;
    let (editor, _) = logged_in(&app, "edna", Role::Editor).await;
    let id = order_id(&app, "ada@example.com");
    let detail = format!("/admin/orders/{id}");
    let (_, html) = editor.page(&detail).await;
    assert!(
        html.contains("Ada Shopper")
            && html.contains("ada@example.com")
            && html.contains("1 Glow Street")
    );
    let page = send(
        &editor,
        &detail,
        &format!("{detail}/status"),
        &[("status", "completed")],
    )
    .await;
    assert_eq!(page.path, detail);
    assert!(
        page.html
            .contains("Order marked as completed. The customer has been emailed."),
        "{}",
        page.html
    );
    let sent = wait_for_mails(&app, 2).await;
    let (_, mail) = sent.last().unwrap();
    assert!(mail.contains("To: ada@example.com"), "{mail}");
    assert!(mail.contains("is completed"), "{mail}");
    assert!(mail.contains(&order_page), "a link to the order: {mail}");
    assert!(customer.page(&order_page).await.1.contains("Completed"));
    // The same status again changes nothing and sends nothing.
    send(
        &editor,
        &detail,
        &format!("{detail}/status"),
        &[("status", "completed")],
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(mails(&app).await.len(), 2);
    assert_eq!(
        editor.page("/admin/orders/999999").await.0,
        StatusCode::NOT_FOUND
    );
}

async fn the_orders_list_filters_and_searches(app: TestApp) {
    place_order(&app, "hydrating-serum", "Ada Shopper", "ada@example.com").await;
    place_order(&app, "cleansing-balm", "Bob Buyer", "bob@example.com").await;
    let (editor, _) = logged_in(&app, "edna", Role::Editor).await;
    let bob = order_id(&app, "bob@example.com");
    let detail = format!("/admin/orders/{bob}");
    send(
        &editor,
        &detail,
        &format!("{detail}/status"),
        &[("status", "completed")],
    )
    .await;

    let (_, all) = editor.page("/admin/orders").await;
    assert!(all.contains("Ada Shopper") && all.contains("Bob Buyer"));
    let (_, processing) = editor.page("/admin/orders?status=processing").await;
    assert!(
        processing.contains("Ada Shopper") && !processing.contains("Bob Buyer"),
        "{processing}"
    );
    let (_, completed) = editor.page("/admin/orders?status=completed").await;
    assert!(!completed.contains("Ada Shopper") && completed.contains("Bob Buyer"));
    let (_, by_email) = editor.page("/admin/orders?q=BOB%40example").await;
    assert!(by_email.contains("Bob Buyer") && !by_email.contains("Ada Shopper"));
    let ada_public: String = app.with_conn(|conn| {
        orders::table
            .filter(orders::email.eq("ada@example.com"))
            .select(orders::public_id)
            .first(conn)
            .unwrap()
    });
    let reference = ada_public[..8].to_uppercase();
    let (_, by_reference) = editor.page(&format!("/admin/orders?q={reference}")).await;
    assert!(
        by_reference.contains("Ada Shopper") && !by_reference.contains("Bob Buyer"),
        "{by_reference}"
    );
    let (_, nothing) = editor.page("/admin/orders?q=nobody&status=cancelled").await;
    assert!(nothing.contains("No orders match."));
    // Bad input is no 500.
    assert_eq!(
        editor.page("/admin/orders?page=-5&status=weird").await.0,
        StatusCode::OK
    );
    assert_eq!(
        editor.page("/admin/orders?page=abc").await.0,
        StatusCode::BAD_REQUEST
    );
}

async fn prices_follow_the_currency_setting(app: TestApp) {
    set_setting(&app, "currency", "EUR");
    let (_, shop) = app.page("/shop").await;
    assert!(shop.contains("€"), "{shop}");
    assert!(!shop.contains("$"), "no dollar left: {shop}");
    let (_, product) = app.page("/shop/hydrating-serum").await;
    let offer = &crate::seo::json_ld_of(&product, "Product")["offers"];
    assert_eq!(offer["priceCurrency"], "EUR");
    let (shopper, order_page) =
        place_order(&app, "hydrating-serum", "Ada Shopper", "ada@example.com").await;
    let id = product_id(&app, "cleansing-balm").to_string();
    send(
        &shopper,
        "/shop",
        "/cart/items",
        &[
            ("product_id", &id),
            ("quantity", "1"),
            ("return_to", "/cart"),
        ],
    )
    .await;
    let (_, cart) = shopper.page("/cart").await;
    assert!(cart.contains("€") && !cart.contains("$"), "{cart}");
    let (_, order) = shopper.page(&order_page).await;
    assert!(order.contains("€"), "{order}");
    let mail = wait_for_mails(&app, 1).await;
    assert!(mail[0].1.contains("€"), "{}", mail[0].1);
    // The order keeps the currency it was placed in.
    set_setting(&app, "currency", "GBP");
    let (_, order) = shopper.page(&order_page).await;
    let total: i64 = app.with_conn(|conn| {
        orders::table
            .select(orders::total_cents)
            .first(conn)
            .unwrap()
    });
    let in_euros = format!("€{}.{:02}", total / 100, total % 100);
    let in_pounds = format!("£{}.{:02}", total / 100, total % 100);
    assert!(
        order.contains(&in_euros) && !order.contains(&in_pounds),
        "{order}"
    );
    let (_, shop) = app.page("/shop").await;
    assert!(shop.contains("£"));
}

on_both_backends!(
    products_are_added_and_edited_and_bad_input_is_kept,
    a_product_edit_never_changes_a_placed_order,
    coupons_are_created_refused_and_expired,
    a_status_change_emails_the_customer,
    the_orders_list_filters_and_searches,
    prices_follow_the_currency_setting,
);

#[actix_web::test]
async fn bad_addresses_and_bodies_in_the_shop_back_office_are_no_500() {
    let app = TestApp::spawn(crate::common::Backend::Sqlite)
        .await
        .expect("sqlite app");
    let (editor, _) = logged_in(&app, "edna", Role::Editor).await;
    for path in [
        "/admin/products/abc",
        "/admin/products/99999",
        "/admin/coupons/99999",
        "/admin/orders/abc",
        "/admin/media/abc",
        "/admin/media/99999",
        "/admin/products?q=%25%27%22%3Cscript%3E&stock=low",
    ] {
        let (status, _) = editor.page(path).await;
        assert!(
            status == StatusCode::OK || status == StatusCode::NOT_FOUND,
            "{path}: {status}"
        );
    }
    // A form body sent to the upload address, and a multipart body cut short.
    let page = send(&editor, "/admin/media", "/admin/media", &[("alt", "x")]).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.html);
    let (_, library) = editor.page("/admin/media").await;
    let token = csrf_token(&library);
    let response = editor
        .no_redirects()
        .post(editor.url(&format!("/admin/media?csrf_token={token}")))
        .header(
            reqwest::header::CONTENT_TYPE,
            "multipart/form-data; boundary=xyz",
        )
        .body(
            "--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\r\nPNG",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let page = send(
        &editor,
        "/admin/products",
        "/admin/orders/1/status",
        &[("status", "completed")],
    )
    .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
}

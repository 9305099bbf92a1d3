//! The back office attacked by people who are not the owner: authors changing addresses and
//! form fields, subscribers, editors on the users' pages, forged POSTs without a CSRF token,
//! markup in every name, page slugs that try to escape, and garbage in every admin route.

use diesel::prelude::*;
use glowpress::accounts::users::Role;
use glowpress::db::schema::{coupons, media, post_revisions, posts, products, users};
use reqwest::StatusCode;

use crate::admin_media::{logged_in, png, upload, upload_ok};
use crate::admin_posts::form_fields;
use crate::common::{Browser, Page, TestApp, csrf_token, field_error};
use crate::on_both_backends;

on_both_backends!(
    an_author_reaches_no_one_elses_post_page_media_or_the_shop,
    extra_form_fields_change_neither_the_author_nor_the_status,
    an_author_picks_a_featured_image_only_from_their_own_uploads,
    subscribers_and_visitors_get_no_admin_page,
    an_editor_cannot_change_an_administrator,
    every_admin_post_without_a_csrf_token_is_refused,
    markup_in_names_is_shown_escaped_on_admin_and_public_pages,
    page_slugs_cannot_escape_shadow_or_collide,
    garbage_in_every_admin_route_is_refused_with_a_page_not_a_500,
);

/// The editor at `editor` as shown, with `changes` made and the button `action` pressed.
async fn press(browser: &Browser, editor: &str, changes: &[(&str, &str)], action: &str) -> Page {
    let (status, html) = browser.page(editor).await;
    assert_eq!(status, StatusCode::OK, "{editor}: {html}");
    let mut fields = form_fields(&html, editor);
    for (name, value) in changes {
        fields.retain(|(n, _)| n != name);
        fields.push(((*name).to_owned(), (*value).to_owned()));
    }
    fields.push(("action".to_owned(), action.to_owned()));
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    browser.submit(editor, &pairs).await
}

fn id_in(path: &str) -> i32 {
    path.rsplit('/')
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no id in {path}"))
}

/// (title, body, status, author_id, kind, version) of a post.
fn post_row(app: &TestApp, id: i32) -> (String, String, String, i32, String, i32) {
    app.with_conn(|conn| {
        posts::table
            .find(id)
            .select((
                posts::title,
                posts::body,
                posts::status,
                posts::author_id,
                posts::kind,
                posts::version,
            ))
            .first(conn)
            .expect("the post")
    })
}

fn latest_revision(app: &TestApp, post: i32) -> i32 {
    app.with_conn(|conn| {
        post_revisions::table
            .filter(post_revisions::post_id.eq(post))
            .select(diesel::dsl::min(post_revisions::id))
            .first::<Option<i32>>(conn)
            .expect("revisions")
            .expect("a revision")
    })
}

fn role_and_disabled(app: &TestApp, id: i32) -> (String, bool) {
    app.with_conn(|conn| {
        users::table
            .find(id)
            .select((users::role, users::disabled_at.is_not_null()))
            .first(conn)
            .expect("the user")
    })
}

fn any_product(app: &TestApp) -> (i32, String, i64) {
    app.with_conn(|conn| {
        products::table
            .order(products::id)
            .select((products::id, products::name, products::price_cents))
            .first(conn)
            .expect("a demo product")
    })
}

fn insert_coupon(app: &TestApp, code: &str) -> i32 {
    app.with_conn(|conn| {
        diesel::insert_into(coupons::table)
            .values((
                coupons::code.eq(code),
                coupons::kind.eq("percent"),
                coupons::amount.eq(10_i64),
            ))
            .returning(coupons::id)
            .get_result(conn)
            .expect("a coupon")
    })
}

fn refused(status: StatusCode) -> bool {
    status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND
}

async fn an_author_reaches_no_one_elses_post_page_media_or_the_shop(app: TestApp) {
    let (ada, ada_id) = logged_in(&app, "ada", Role::Author).await;
    let saved = press(
        &ada,
        "/admin/posts/new",
        &[("title", "Ada's draft"), ("body", "Ada wrote this.")],
        "draft",
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.html);
    let post = id_in(&saved.path);
    let editor_path = format!("/admin/posts/{post}");
    press(
        &ada,
        &editor_path,
        &[("body", "Ada wrote this, twice.")],
        "draft",
    )
    .await;
    let revision = latest_revision(&app, post);
    let ada_media = upload_ok(&ada, "ada.png", &png(40, 30)).await;
    let (editor, _) = logged_in(&app, "edna", Role::Editor).await;
    let page = press(
        &editor,
        "/admin/pages/new",
        &[("title", "About us"), ("body", "Who we are.")],
        "publish",
    )
    .await;
    let page_id = id_in(&page.path);
    let before = post_row(&app, post);

    let (bob, bob_id) = logged_in(&app, "bob", Role::Author).await;
    let (_, own) = bob.page("/admin/posts").await;
    let token = csrf_token(&own);
    let version = before.5.to_string();
    for (path, action) in [
        (editor_path.clone(), "update"),
        (editor_path.clone(), "draft"),
        (editor_path.clone(), "publish"),
        (editor_path.clone(), "preview"),
        (format!("{editor_path}/trash"), ""),
        (format!("{editor_path}/restore"), ""),
        (format!("{editor_path}/revisions/{revision}/restore"), ""),
    ] {
        let page = bob
            .submit(
                &path,
                &[
                    ("csrf_token", &token),
                    ("title", "Taken over"),
                    ("body", "Bob was here."),
                    ("version", &version),
                    ("action", action),
                ],
            )
            .await;
        assert!(refused(page.status), "{path} {action}: {}", page.status);
        assert!(!page.html.contains("Ada wrote this"), "{path} {action}");
    }
    let (status, html) = bob
        .page(&format!("{editor_path}/revisions?to={revision}"))
        .await;
    assert!(refused(status), "revisions: {status}");
    assert!(!html.contains("Ada wrote this"));
    assert_eq!(post_row(&app, post), before, "Ada's post is unchanged");

    // Trashed by Ada, it cannot be restored by Bob either.
    let (_, ada_editor) = ada.page(&editor_path).await;
    let trashed = ada
        .submit(
            &format!("{editor_path}/trash"),
            &[("csrf_token", &csrf_token(&ada_editor))],
        )
        .await;
    assert_eq!(trashed.status, StatusCode::OK);
    let page = bob
        .submit(&format!("{editor_path}/restore"), &[("csrf_token", &token)])
        .await;
    assert!(refused(page.status), "restore: {}", page.status);
    assert_eq!(post_row(&app, post).2, "trash");

    // Pages are for editors.
    for path in [
        "/admin/pages/new".to_owned(),
        format!("/admin/pages/{page_id}"),
        format!("/admin/pages/{page_id}/trash"),
    ] {
        let page = bob
            .submit(
                &path,
                &[
                    ("csrf_token", &token),
                    ("title", "Bob's page"),
                    ("version", "1"),
                    ("action", "publish"),
                ],
            )
            .await;
        assert!(refused(page.status), "{path}: {}", page.status);
    }
    assert_eq!(post_row(&app, page_id).2, "published");

    // Ada's image: Bob can neither see, re-describe nor delete it.
    let media_path = format!("/admin/media/{ada_media}");
    let (status, _) = bob.page(&media_path).await;
    assert!(refused(status));
    for (path, fields) in [
        (media_path.clone(), vec![("alt", "Bob's words")]),
        (format!("{media_path}/delete"), vec![]),
    ] {
        let mut all = vec![("csrf_token", token.as_str())];
        all.extend(fields);
        let page = bob.submit(&path, &all).await;
        assert!(refused(page.status), "{path}: {}", page.status);
    }
    let alt: Option<String> = app.with_conn(|conn| {
        media::table
            .find(ada_media)
            .select(media::alt)
            .first(conn)
            .optional()
            .expect("a query")
    });
    assert_eq!(alt.as_deref(), Some("A jar of serum"));

    // The shop, orders, users and settings are not for authors, by any address.
    let (product, name, price) = any_product(&app);
    let coupon = insert_coupon(&app, "SECRET50");
    for path in [
        "/admin/products".to_owned(),
        "/admin/products/new".to_owned(),
        format!("/admin/products/{product}"),
        "/admin/coupons".to_owned(),
        "/admin/coupons/new".to_owned(),
        format!("/admin/coupons/{coupon}"),
        "/admin/orders".to_owned(),
        "/admin/orders/1".to_owned(),
        "/admin/users".to_owned(),
        format!("/admin/users/{ada_id}"),
        "/admin/comments".to_owned(),
        "/admin/pages".to_owned(),
        "/admin/settings".to_owned(),
        "/admin/settings/reading".to_owned(),
        "/admin/settings/discussion".to_owned(),
        "/admin/settings/shop".to_owned(),
    ] {
        let (status, html) = bob.page(&path).await;
        assert!(refused(status), "GET {path}: {status}");
        assert!(!html.contains("SECRET50"), "{path}");
    }
    for (path, fields) in [
        (
            format!("/admin/products/{product}"),
            vec![("name", "Bob's"), ("price", "0.01"), ("published", "1")],
        ),
        (
            "/admin/products/new".to_owned(),
            vec![("name", "Bob's"), ("price", "1")],
        ),
        (
            format!("/admin/coupons/{coupon}"),
            vec![("code", "BOB100"), ("kind", "percent"), ("amount", "100")],
        ),
        (format!("/admin/coupons/{coupon}/expire"), vec![]),
        (
            "/admin/coupons/new".to_owned(),
            vec![("code", "BOB100"), ("kind", "percent"), ("amount", "100")],
        ),
        (
            "/admin/orders/1/status".to_owned(),
            vec![("status", "completed")],
        ),
        (
            format!("/admin/users/{bob_id}/role"),
            vec![("role", "admin")],
        ),
        (format!("/admin/users/{ada_id}/disable"), vec![]),
        (format!("/admin/users/{ada_id}/reset"), vec![]),
        (
            "/admin/comments/bulk".to_owned(),
            vec![("action", "approve")],
        ),
        (
            "/admin/settings".to_owned(),
            vec![("site_title", "Bob's site")],
        ),
        (
            "/admin/settings/reading".to_owned(),
            vec![("posts_per_page", "1")],
        ),
        (
            "/admin/settings/discussion".to_owned(),
            vec![("comments_enabled", "")],
        ),
        ("/admin/settings/shop".to_owned(), vec![("currency", "EUR")]),
    ] {
        let mut all = vec![("csrf_token", token.as_str())];
        all.extend(fields);
        let page = bob.submit(&path, &all).await;
        assert!(refused(page.status), "POST {path}: {}", page.status);
    }
    assert_eq!(
        role_and_disabled(&app, bob_id),
        ("author".to_owned(), false)
    );
    assert_eq!(
        role_and_disabled(&app, ada_id),
        ("author".to_owned(), false)
    );
    assert_eq!(any_product(&app), (product, name, price));
    let (_, home) = app.page("/").await;
    assert!(!home.contains("Bob's site"));
}

async fn extra_form_fields_change_neither_the_author_nor_the_status(app: TestApp) {
    let (ada, ada_id) = logged_in(&app, "ada", Role::Author).await;
    let (bob, bob_id) = logged_in(&app, "bob", Role::Author).await;
    let ada_id_text = ada_id.to_string();
    let extra = [
        ("author_id", ada_id_text.as_str()),
        ("status", "published"),
        ("kind", "page"),
        ("published_at", "2020-01-01 00:00:00"),
    ];
    let mut changes = vec![("title", "Bob's draft"), ("body", "Not for Ada.")];
    changes.extend(extra);
    let saved = press(&bob, "/admin/posts/new", &changes, "draft").await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.html);
    let post = id_in(&saved.path);
    let (title, _, status, author, kind, _) = post_row(&app, post);
    assert_eq!(
        (title.as_str(), status.as_str(), author, kind.as_str()),
        ("Bob's draft", "draft", bob_id, "post")
    );
    let mut changes = vec![("body", "Still Bob's.")];
    changes.extend(extra);
    let again = press(&bob, &format!("/admin/posts/{post}"), &changes, "draft").await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.html);
    let (_, body, status, author, kind, _) = post_row(&app, post);
    assert_eq!(
        (body.as_str(), status.as_str(), author, kind.as_str()),
        ("Still Bob's.", "draft", bob_id, "post")
    );
    // Ada does not see it, and it is not on the site.
    let (_, list) = ada.page("/admin/posts").await;
    assert!(!list.contains("Bob's draft") && !list.contains("Bob&#x27;s draft"));
    let (status, _) = app.page(&format!("/posts/{}", "bobs-draft")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn subscribers_and_visitors_get_no_admin_page(app: TestApp) {
    let (sue, _) = logged_in(&app, "sue", Role::Subscriber).await;
    let visitor = app.new_browser();
    for path in [
        "/admin",
        "/admin/posts",
        "/admin/posts/new",
        "/admin/pages",
        "/admin/media",
        "/admin/products",
        "/admin/coupons",
        "/admin/orders",
        "/admin/comments",
        "/admin/users",
        "/admin/settings",
        "/admin/settings/shop",
    ] {
        let (status, html) = sue.page(path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        assert!(html.contains("</html>"), "{path}: a page");
        assert!(!html.contains("admin-menu"), "{path}: no admin menu");
        let page = visitor.visit(path).await;
        assert!(page.path.starts_with("/login"), "{path}: {}", page.path);
    }
    let (_, home) = sue.page("/account").await;
    let token = csrf_token(&home);
    let page = sue
        .submit(
            "/admin/posts/new",
            &[
                ("csrf_token", &token),
                ("title", "Sue"),
                ("action", "publish"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let n: i64 = app.with_conn(|conn| {
        posts::table
            .filter(posts::title.eq("Sue"))
            .count()
            .get_result(conn)
            .expect("a count")
    });
    assert_eq!(n, 0);
}

async fn an_editor_cannot_change_an_administrator(app: TestApp) {
    let (_, admin_id) = logged_in(&app, "root", Role::Admin).await;
    let (editor, editor_id) = logged_in(&app, "edna", Role::Editor).await;
    for path in [
        "/admin/users".to_owned(),
        format!("/admin/users/{admin_id}"),
    ] {
        let (status, _) = editor.page(&path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }
    let (_, dashboard) = editor.page("/admin").await;
    assert!(
        !dashboard.contains("href=\"/admin/users\""),
        "no Users link"
    );
    let token = csrf_token(&editor.page("/admin/posts").await.1);
    for (path, fields) in [
        (
            format!("/admin/users/{admin_id}/role"),
            vec![("role", "subscriber")],
        ),
        (format!("/admin/users/{admin_id}/disable"), vec![]),
        (format!("/admin/users/{admin_id}/reset"), vec![]),
        (
            format!("/admin/users/{editor_id}/role"),
            vec![("role", "admin")],
        ),
    ] {
        let mut all = vec![("csrf_token", token.as_str())];
        all.extend(fields);
        let page = editor.submit(&path, &all).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(
        role_and_disabled(&app, admin_id),
        ("admin".to_owned(), false)
    );
    assert_eq!(
        role_and_disabled(&app, editor_id),
        ("editor".to_owned(), false)
    );
}

async fn every_admin_post_without_a_csrf_token_is_refused(app: TestApp) {
    let (admin, admin_id) = logged_in(&app, "root", Role::Admin).await;
    let saved = press(
        &admin,
        "/admin/posts/new",
        &[("title", "Guarded"), ("body", "Kept.")],
        "draft",
    )
    .await;
    let post = id_in(&saved.path);
    let revision = latest_revision(&app, post);
    let page = press(
        &admin,
        "/admin/pages/new",
        &[("title", "Guarded page"), ("body", "Kept.")],
        "draft",
    )
    .await;
    let page_id = id_in(&page.path);
    let image = upload_ok(&admin, "kept.png", &png(20, 20)).await;
    let (product, name, price) = any_product(&app);
    let coupon = insert_coupon(&app, "KEEP10");
    let (_, _) = logged_in(&app, "olga", Role::Author).await;
    let olga: i32 = app.with_conn(|conn| {
        users::table
            .filter(users::username.eq("olga"))
            .select(users::id)
            .first(conn)
            .expect("olga")
    });
    let before = post_row(&app, post);
    let routes = [
        format!("/admin/posts/{post}/trash"),
        format!("/admin/posts/{post}/restore"),
        format!("/admin/posts/{post}/revisions/{revision}/restore"),
        format!("/admin/pages/{page_id}/trash"),
        format!("/admin/pages/{page_id}/restore"),
        "/admin/media".to_owned(),
        format!("/admin/media/{image}"),
        format!("/admin/media/{image}/delete"),
        "/admin/products/new".to_owned(),
        format!("/admin/products/{product}"),
        "/admin/coupons/new".to_owned(),
        format!("/admin/coupons/{coupon}"),
        format!("/admin/coupons/{coupon}/expire"),
        "/admin/orders/1/status".to_owned(),
        "/admin/comments/bulk".to_owned(),
        "/admin/comments/1/reply".to_owned(),
        "/admin/comments/1/approve".to_owned(),
        format!("/admin/users/{olga}/role"),
        format!("/admin/users/{olga}/disable"),
        format!("/admin/users/{olga}/enable"),
        format!("/admin/users/{olga}/reset"),
        "/admin/settings".to_owned(),
        "/admin/settings/reading".to_owned(),
        "/admin/settings/discussion".to_owned(),
        "/admin/settings/shop".to_owned(),
    ];
    let fields = [
        ("title", "Forged"),
        ("alt", "Forged"),
        ("name", "Forged"),
        ("price", "1"),
        ("code", "FORGED"),
        ("kind", "percent"),
        ("amount", "90"),
        ("status", "completed"),
        ("role", "admin"),
        ("action", "approve"),
        ("site_title", "Forged"),
        ("currency", "EUR"),
    ];
    for path in &routes {
        let page = admin.submit(path, &fields).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}");
        assert!(page.html.contains("</html>"), "{path}: a page");
        // A token from another session does not pass either.
        let mut with_wrong = fields.to_vec();
        with_wrong.push(("csrf_token", "not-the-sessions-token"));
        let page = admin.submit(path, &with_wrong).await;
        assert_eq!(
            page.status,
            StatusCode::FORBIDDEN,
            "{path} with a wrong token"
        );
    }
    // The editor's saves answer with the login page holding the draft, and save nothing.
    for path in [
        "/admin/posts/new".to_owned(),
        format!("/admin/posts/{post}"),
        "/admin/pages/new".to_owned(),
        format!("/admin/pages/{page_id}"),
    ] {
        let page = admin
            .submit(
                &path,
                &[("title", "Forged"), ("version", "1"), ("action", "publish")],
            )
            .await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED, "{path}");
    }
    assert_eq!(post_row(&app, post), before);
    assert_eq!(post_row(&app, page_id).2, "draft");
    let forged: i64 = app.with_conn(|conn| {
        posts::table
            .filter(posts::title.eq("Forged"))
            .count()
            .get_result(conn)
            .expect("a count")
    });
    assert_eq!(forged, 0);
    assert_eq!(any_product(&app), (product, name, price));
    assert_eq!(role_and_disabled(&app, olga), ("author".to_owned(), false));
    assert_eq!(
        role_and_disabled(&app, admin_id),
        ("admin".to_owned(), false)
    );
    let image_left: i64 = app.with_conn(|conn| {
        media::table
            .find(image)
            .count()
            .get_result(conn)
            .expect("a count")
    });
    assert_eq!(image_left, 1);
    let (_, home) = app.page("/").await;
    assert!(!home.contains("Forged"));
}

const SCRIPT: &str = "<script>alert(1)</script>";

/// Whether `html` carries any of the planted markup unescaped.
fn unescaped(html: &str) -> bool {
    html.contains("<script>alert") || html.contains("<img src=x") || html.contains("<b>bold")
}

async fn markup_in_names_is_shown_escaped_on_admin_and_public_pages(app: TestApp) {
    let (admin, admin_id) = logged_in(&app, "root", Role::Admin).await;
    let name = format!("Evil {SCRIPT}");
    app.with_conn(|conn| {
        diesel::update(users::table.find(admin_id))
            .set(users::display_name.eq(&name))
            .execute(conn)
            .expect("a display name")
    });
    let uploaded = upload(
        &admin,
        &format!("<b>bold alt</b>{SCRIPT}"),
        "<img src=x onerror=alert(1)>.png",
        "image/png",
        &png(30, 20),
    )
    .await;
    assert_eq!(uploaded.status(), StatusCode::SEE_OTHER);
    let media_page = uploaded.headers()["location"]
        .to_str()
        .expect("a location")
        .to_owned();
    let image = media_page.rsplit('/').next().expect("an id").to_owned();
    let post = press(
        &admin,
        "/admin/posts/new",
        &[
            ("title", &format!("Title {SCRIPT}")),
            ("slug", "planted"),
            ("body", "Body."),
            ("excerpt", &format!("Excerpt {SCRIPT}")),
            ("featured_media_id", &image),
            ("image_alt", &format!("Alt {SCRIPT}")),
            ("caption", &format!("<b>bold caption</b> {SCRIPT}")),
            ("credit", &format!("<img src=x onerror=alert(2)>{SCRIPT}")),
            ("tags", "serum"),
        ],
        "publish",
    )
    .await;
    assert_eq!(post.status, StatusCode::OK, "{}", post.html);
    let page = press(
        &admin,
        "/admin/pages/new",
        &[
            ("title", &format!("Page {SCRIPT}")),
            ("slug", "planted-page"),
            ("body", "Body."),
            ("featured_media_id", &image),
            ("caption", &format!("<b>bold caption</b> {SCRIPT}")),
        ],
        "publish",
    )
    .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    let (_, form) = admin.page("/admin/products/new").await;
    let product = admin
        .submit(
            "/admin/products/new",
            &[
                ("csrf_token", &csrf_token(&form)),
                ("name", &format!("Cream {SCRIPT}")),
                ("slug", "planted-cream"),
                ("sku", "PLANTED-1"),
                ("short_description", &format!("Short {SCRIPT}")),
                ("description", "Plain."),
                ("price", "12.50"),
                ("stock", "3"),
                ("published", "1"),
                ("image_media_id", &image),
                ("image_alt", &format!("Alt {SCRIPT}")),
            ],
        )
        .await;
    assert_eq!(product.status, StatusCode::OK, "{}", product.html);
    let coupon = insert_coupon(&app, "<script>alert(1)</script>");
    let (_, form) = admin.page("/admin/coupons/new").await;
    let typed = admin
        .submit(
            "/admin/coupons/new",
            &[
                ("csrf_token", &csrf_token(&form)),
                ("code", SCRIPT),
                ("kind", "percent"),
                ("amount", "10"),
            ],
        )
        .await;
    assert!(!unescaped(&typed.html), "the refused coupon form");
    let post_id = id_in(&post.path);
    let page_id = id_in(&page.path);
    for path in [
        "/admin".to_owned(),
        "/admin/posts".to_owned(),
        format!("/admin/posts/{post_id}"),
        format!("/admin/posts/{post_id}/revisions"),
        "/admin/pages".to_owned(),
        format!("/admin/pages/{page_id}"),
        "/admin/media".to_owned(),
        media_page.clone(),
        "/admin/products".to_owned(),
        product.path.clone(),
        "/admin/coupons".to_owned(),
        format!("/admin/coupons/{coupon}"),
        "/admin/users".to_owned(),
        format!("/admin/users/{admin_id}"),
        "/admin/comments".to_owned(),
        "/".to_owned(),
        "/posts/planted".to_owned(),
        "/planted-page".to_owned(),
        "/tag/serum".to_owned(),
        "/shop".to_owned(),
        "/shop/planted-cream".to_owned(),
        "/search?q=Title".to_owned(),
        "/feed.xml".to_owned(),
    ] {
        let (status, html) = admin.page(&path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {html}");
        assert!(!unescaped(&html), "{path} shows markup unescaped:\n{html}");
        let shows_names = !matches!(path.as_str(), "/admin" | "/admin/comments");
        assert!(
            !shows_names || html.contains("&#60;script&#62;") || html.contains("&lt;script&gt;"),
            "{path}: the planted text is shown, escaped:\n{html}"
        );
    }
}

async fn page_slugs_cannot_escape_shadow_or_collide(app: TestApp) {
    let (editor, _) = logged_in(&app, "edna", Role::Editor).await;
    for (typed, stored) in [("../x", "x"), ("a/b", "a-b"), ("%2e", "2e"), ("..", "")] {
        let page = press(
            &editor,
            "/admin/pages/new",
            &[("title", "Slug test"), ("slug", typed), ("body", "B.")],
            "publish",
        )
        .await;
        if stored.is_empty() {
            assert_eq!(page.status, StatusCode::BAD_REQUEST, "{typed}");
            assert!(field_error(&page.html, "slug").is_some(), "{typed}");
            continue;
        }
        assert_eq!(page.status, StatusCode::OK, "{typed}: {}", page.html);
        let id = id_in(&page.path);
        let slug: String = app.with_conn(|conn| {
            posts::table
                .find(id)
                .select(posts::slug)
                .first(conn)
                .expect("a slug")
        });
        assert_eq!(slug, stored, "{typed}");
        let (status, _) = app.page(&format!("/{stored}")).await;
        assert_eq!(status, StatusCode::OK, "/{stored}");
    }
    for typed in ["Shop", "ADMIN", " login ", "Static", "posts", "Admin!"] {
        let page = press(
            &editor,
            "/admin/pages/new",
            &[
                ("title", "Reserved"),
                ("slug", typed),
                ("body", "Kept body."),
            ],
            "publish",
        )
        .await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{typed}");
        let message = field_error(&page.html, "slug").unwrap_or_default();
        assert!(!message.is_empty(), "{typed}: a message by the slug");
        assert!(
            page.html.contains("Kept body."),
            "{typed}: the text is kept"
        );
    }
    // The title alone makes a reserved slug too.
    let page = press(
        &editor,
        "/admin/pages/new",
        &[("title", "Shop"), ("body", "B.")],
        "publish",
    )
    .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    let (status, shop) = app.page("/shop").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!shop.contains("Reserved"));
    // A page may not take a post's slug, nor a post a page's.
    let post_slug: String = app.with_conn(|conn| {
        posts::table
            .filter(posts::kind.eq("post"))
            .select(posts::slug)
            .first(conn)
            .expect("a demo post")
    });
    let page = press(
        &editor,
        "/admin/pages/new",
        &[("title", "Copy"), ("slug", &post_slug), ("body", "B.")],
        "publish",
    )
    .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(field_error(&page.html, "slug").is_some());
    let post = press(
        &editor,
        "/admin/posts/new",
        &[("title", "Copy"), ("slug", "x"), ("body", "B.")],
        "publish",
    )
    .await;
    assert_eq!(post.status, StatusCode::BAD_REQUEST);
    assert!(field_error(&post.html, "slug").is_some());
}

/// Not a server error, and a page in the site's layout.
fn a_page_not_a_failure(what: &str, status: StatusCode, html: &str) {
    assert!(!status.is_server_error(), "{what}: {status}\n{html}");
    assert!(
        html.contains("</html>"),
        "{what}: {status} is not a page:\n{html}"
    );
}

async fn garbage_in_every_admin_route_is_refused_with_a_page_not_a_500(app: TestApp) {
    let (admin, _) = logged_in(&app, "root", Role::Admin).await;
    let saved = press(
        &admin,
        "/admin/posts/new",
        &[("title", "Target"), ("body", "Body.")],
        "draft",
    )
    .await;
    let post = id_in(&saved.path);
    let token = csrf_token(&saved.html);
    let huge = "9".repeat(40);
    let long = "x".repeat(70_000);
    for query in [
        "?status=bogus",
        "?status=%00",
        "?page=-1",
        "?page=0",
        "?page=abc",
        &format!("?page={huge}"),
        "?q=%FF%FE",
        "?q=%25%5C_",
        "?stock=bogus",
        "?role=root",
        "?status=trash&page=99999",
    ] {
        for list in [
            "/admin",
            "/admin/posts",
            "/admin/pages",
            "/admin/media",
            "/admin/products",
            "/admin/coupons",
            "/admin/orders",
            "/admin/comments",
            "/admin/users",
        ] {
            let path = format!("{list}{query}");
            let (status, html) = admin.page(&path).await;
            a_page_not_a_failure(&path, status, &html);
        }
    }
    for path in [
        format!("/admin/posts/{post}/revisions?from=1&to=999999"),
        format!("/admin/posts/{post}/revisions?from=-1&to=abc"),
        format!("/admin/posts/{post}/revisions?to={huge}"),
        "/admin/posts/999999/revisions".to_owned(),
        "/admin/posts/abc/revisions".to_owned(),
    ] {
        let (status, html) = admin.page(&path).await;
        assert!(status.is_client_error(), "{path}: {status}");
        a_page_not_a_failure(&path, status, &html);
    }
    for id in ["abc", "-1", "0", "999999", huge.as_str(), "1.5", "%20"] {
        for path in [
            format!("/admin/posts/{id}"),
            format!("/admin/pages/{id}"),
            format!("/admin/media/{id}"),
            format!("/admin/products/{id}"),
            format!("/admin/coupons/{id}"),
            format!("/admin/orders/{id}"),
            format!("/admin/users/{id}"),
        ] {
            let (status, html) = admin.page(&path).await;
            assert!(status.is_client_error(), "GET {path}: {status}");
            a_page_not_a_failure(&path, status, &html);
        }
        for path in [
            format!("/admin/posts/{id}"),
            format!("/admin/posts/{id}/trash"),
            format!("/admin/posts/{id}/restore"),
            format!("/admin/posts/{post}/revisions/{id}/restore"),
            format!("/admin/posts/{id}/revisions/1/restore"),
            format!("/admin/pages/{id}/trash"),
            format!("/admin/media/{id}"),
            format!("/admin/media/{id}/delete"),
            format!("/admin/products/{id}"),
            format!("/admin/coupons/{id}"),
            format!("/admin/coupons/{id}/expire"),
            format!("/admin/orders/{id}/status"),
            format!("/admin/comments/{id}/reply"),
            format!("/admin/comments/{id}/approve"),
            format!("/admin/comments/{id}/bogus"),
            format!("/admin/users/{id}/role"),
            format!("/admin/users/{id}/disable"),
            format!("/admin/users/{id}/enable"),
            format!("/admin/users/{id}/reset"),
        ] {
            let page = admin
                .submit(
                    &path,
                    &[
                        ("csrf_token", &token),
                        ("title", "x"),
                        ("version", "1"),
                        ("action", "draft"),
                        ("status", "completed"),
                        ("role", "editor"),
                    ],
                )
                .await;
            assert!(
                page.status.is_client_error(),
                "POST {path}: {}",
                page.status
            );
            a_page_not_a_failure(&path, page.status, &page.html);
        }
    }
    // Garbage bodies to the forms that exist.
    let (product, _, _) = any_product(&app);
    let coupon = insert_coupon(&app, "GARBAGE1");
    let image = upload_ok(&admin, "g.png", &png(10, 10)).await;
    let bodies: Vec<Vec<(&str, &str)>> = vec![
        vec![],
        vec![
            ("price", &huge),
            ("sale_price", "-5"),
            ("stock", &huge),
            ("name", "N"),
        ],
        vec![("price", "NaN"), ("stock", "-1"), ("image_media_id", &huge)],
        vec![
            ("price", "1e308"),
            ("stock", "1.5"),
            ("image_media_id", "abc"),
        ],
        vec![
            ("amount", &huge),
            ("usage_limit", "-1"),
            ("kind", "bogus"),
            ("code", "ABC"),
        ],
        vec![
            ("amount", "-5"),
            ("expires_at", "2026-13-45T99:99"),
            ("code", "ABCD"),
        ],
        vec![
            ("status", "bogus"),
            ("role", "root"),
            ("ids", "abc"),
            ("ids", &huge),
        ],
        vec![("action", "bogus"), ("ids", "-1"), ("comment", &huge)],
        vec![("alt", &long)],
        vec![
            ("version", &huge),
            ("publish_at", "tomorrow"),
            ("action", "schedule"),
        ],
        vec![
            ("featured_media_id", &huge),
            ("category_id", "-1"),
            ("action", "publish"),
            ("title", "T"),
        ],
        vec![
            ("posts_per_page", &huge),
            ("feed_length", "-1"),
            ("timezone", "Mars/Olympus"),
        ],
        vec![
            ("low_stock_threshold", &huge),
            ("currency", "XXX"),
            ("shipping_rate", "1e99"),
        ],
        vec![
            ("date_format", "%n%n"),
            ("default_role", "admin"),
            ("site_title", &long),
        ],
    ];
    for path in [
        "/admin/posts/new".to_owned(),
        format!("/admin/posts/{post}"),
        "/admin/pages/new".to_owned(),
        "/admin/products/new".to_owned(),
        format!("/admin/products/{product}"),
        "/admin/coupons/new".to_owned(),
        format!("/admin/coupons/{coupon}"),
        format!("/admin/media/{image}"),
        "/admin/media".to_owned(),
        "/admin/orders/1/status".to_owned(),
        "/admin/comments/bulk".to_owned(),
        "/admin/settings".to_owned(),
        "/admin/settings/reading".to_owned(),
        "/admin/settings/discussion".to_owned(),
        "/admin/settings/shop".to_owned(),
    ] {
        for body in &bodies {
            let mut all = vec![("csrf_token", token.as_str())];
            all.extend(body.iter().copied());
            let page = admin.submit(&path, &all).await;
            a_page_not_a_failure(&format!("POST {path} {body:?}"), page.status, &page.html);
        }
    }
    // Bytes that are not UTF-8 and not a form.
    for path in ["/admin/products/new", "/admin/settings", "/admin/posts/new"] {
        let mut body = format!("csrf_token={token}&name=").into_bytes();
        body.extend_from_slice(&[0xff, 0xfe, b'%', b'z', b'z']);
        let page = admin.post_body(path, body).await;
        a_page_not_a_failure(&format!("POST {path} bytes"), page.status, &page.html);
    }
}

async fn an_author_picks_a_featured_image_only_from_their_own_uploads(app: TestApp) {
    let (ada, _) = logged_in(&app, "ada", Role::Author).await;
    let ada_image = upload_ok(&ada, "ada-private.png", &png(40, 30)).await;
    let (bob, _) = logged_in(&app, "bob", Role::Author).await;
    let bob_image = upload_ok(&bob, "bob-own.png", &png(40, 30)).await;
    let (_, editor_html) = bob.page("/admin/posts/new").await;
    assert!(
        editor_html.contains("bob-own.png"),
        "his own image is offered"
    );
    assert!(
        !editor_html.contains("ada-private.png"),
        "another author's upload is not offered:\n{editor_html}"
    );
    let ada_value = ada_image.to_string();
    let refused_page = press(
        &bob,
        "/admin/posts/new",
        &[
            ("title", "Borrowed"),
            ("body", "Kept text."),
            ("featured_media_id", &ada_value),
        ],
        "publish",
    )
    .await;
    assert_eq!(refused_page.status, StatusCode::BAD_REQUEST);
    assert!(field_error(&refused_page.html, "featured_media_id").is_some());
    assert!(refused_page.html.contains("Kept text."));
    let own = bob_image.to_string();
    let saved = press(
        &bob,
        "/admin/posts/new",
        &[
            ("title", "Own"),
            ("body", "B."),
            ("featured_media_id", &own),
        ],
        "publish",
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.html);
    // An image an editor set on Bob's post stays when Bob saves it again.
    let post = id_in(&saved.path);
    app.with_conn(|conn| {
        diesel::update(posts::table.find(post))
            .set(posts::featured_media_id.eq(ada_image))
            .execute(conn)
            .expect("an editor's choice")
    });
    let again = press(
        &bob,
        &format!("/admin/posts/{post}"),
        &[("body", "C.")],
        "update",
    )
    .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.html);
    let kept: Option<i32> = app.with_conn(|conn| {
        posts::table
            .find(post)
            .select(posts::featured_media_id)
            .first(conn)
            .expect("the post")
    });
    assert_eq!(kept, Some(ada_image));
    // Editors pick from the whole library.
    let (editor, _) = logged_in(&app, "edna", Role::Editor).await;
    let (_, editor_html) = editor.page("/admin/posts/new").await;
    assert!(editor_html.contains("ada-private.png") && editor_html.contains("bob-own.png"));
}

//! Settings → General, Reading, Discussion and Shop: each page saves, refuses in people's
//! words with everything typed kept, applies on the next request (on every node), and is
//! for administrators only.

use glowpress::accounts::users::Role;
use glowpress::settings::Settings;
use reqwest::StatusCode;

use crate::common::{
    Backend, Browser, Page, Site, TestApp, count, csrf_token, field_error, header_site_title,
    input_value, insert_admin, insert_user, skip, unescape_html,
};
use crate::{on_both_backends, with_each_backend};

pub const PASSWORD: &str = "velvet kettle orbits lazily";
const PAGES: [&str; 4] = [
    "/admin/settings",
    "/admin/settings/reading",
    "/admin/settings/discussion",
    "/admin/settings/shop",
];

on_both_backends!(
    each_settings_page_saves_and_the_next_request_shows_it,
    each_settings_page_refuses_in_words_for_people_and_keeps_everything_typed,
    authors_and_editors_get_403_on_every_settings_page_and_on_users,
    turning_registration_off_hides_register_refuses_it_and_points_the_admin_here,
    the_time_zone_and_date_format_change_every_date_shown,
);

with_each_backend!(a_setting_changed_on_one_node_shows_on_the_other_at_once);

/// A logged-in administrator's browser ("chief").
pub async fn admin(app: &TestApp) -> Browser {
    app.with_conn(|conn| insert_admin(conn, "chief", "chief@example.com", PASSWORD));
    let browser = app.new_browser();
    let page = browser.log_in("chief", PASSWORD).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    browser
}

/// The fields of the form posting to `action`, as a browser would send them: inputs (ticked
/// checkboxes only), the selected option of each select, textareas.
pub fn form_fields(html: &str, action: &str) -> Vec<(String, String)> {
    let start = html
        .find(&format!("action=\"{action}\""))
        .unwrap_or_else(|| panic!("no form posting to {action}:\n{html}"));
    let form = &html[start..start + html[start..].find("</form>").expect("the form's end")];
    let attr = |tag: &str, name: &str| -> Option<String> {
        let needle = format!(" {name}=\"");
        let at = tag.find(&needle)? + needle.len();
        Some(unescape_html(&tag[at..at + tag[at..].find('"')?]))
    };
    let mut fields = Vec::new();
    let mut rest = form;
    while let Some(at) = rest.find('<') {
        rest = &rest[at..];
        let end = rest.find('>').expect("a tag's end");
        let tag = &rest[..=end];
        if tag.starts_with("<input") {
            let kind = attr(tag, "type").unwrap_or_default();
            if let Some(name) = attr(tag, "name")
                && (kind != "checkbox" || tag.contains(" checked"))
            {
                fields.push((name, attr(tag, "value").unwrap_or_default()));
            }
        } else if tag.starts_with("<textarea") {
            let body = &rest[end + 1..];
            let text = &body[..body.find("</textarea>").expect("a textarea's end")];
            fields.push((attr(tag, "name").expect("a name"), unescape_html(text)));
        } else if tag.starts_with("<select") {
            let body = &rest[end + 1..];
            let options = &body[..body.find("</select>").expect("a select's end")];
            let chosen = options
                .split("<option")
                .skip(1)
                .find(|o| o.split('>').next().is_some_and(|t| t.contains(" selected")))
                .or_else(|| options.split("<option").nth(1))
                .and_then(|o| attr(o.split('>').next().unwrap_or(""), "value"))
                .unwrap_or_default();
            fields.push((attr(tag, "name").expect("a name"), chosen));
        }
        rest = &rest[end + 1..];
    }
    fields
}

/// Opens `path`, changes `changes` (a value of `None` unticks a checkbox) and submits it.
pub async fn submit_page(browser: &Browser, path: &str, changes: &[(&str, Option<&str>)]) -> Page {
    let (status, html) = browser.page(path).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    let mut fields = form_fields(&html, path);
    for (name, value) in changes {
        fields.retain(|(n, _)| n != name);
        if let Some(value) = value {
            fields.push(((*name).to_owned(), (*value).to_owned()));
        }
    }
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    browser.submit(path, &pairs).await
}

fn settings(app: &TestApp) -> Settings {
    app.with_conn(|conn| Settings::load(conn).expect("settings"))
}

/// The value the form posting to `action` sends for `name`.
fn selected(html: &str, action: &str, name: &str) -> Option<String> {
    form_fields(html, action)
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v)
}

/// What the textarea `name` holds.
fn textarea(html: &str, name: &str) -> Option<String> {
    let start = html.find(&format!("<textarea id=\"{name}\""))?;
    let body = &html[start + html[start..].find('>')? + 1..];
    Some(unescape_html(&body[..body.find("</textarea>")?]))
}

/// `n` approved comments on the seed article.
fn approved_comments(app: &TestApp, n: usize) {
    use diesel::prelude::*;
    use glowpress::comments::store::{self, NewComment, Status};
    use glowpress::db::schema::posts;
    app.with_conn(|conn| {
        let post_id: i32 = posts::table
            .filter(posts::slug.eq("exosome-therapy-skin-rejuvenation"))
            .select(posts::id)
            .first(conn)
            .expect("the seed post");
        for i in 0..n {
            let body = format!("Comment number {i}");
            let comment = NewComment {
                post_id,
                parent_id: None,
                user_id: None,
                author_name: "Reader",
                author_email: "reader@example.com",
                author_url: "",
                body: &body,
                status: Status::Approved,
                depth: 0,
                ip_hash: "",
                user_agent: "",
            };
            store::insert(conn, &comment, glowpress::web::dates::now()).expect("a comment");
        }
    });
}

async fn each_settings_page_saves_and_the_next_request_shows_it(app: TestApp) {
    let chief = admin(&app).await;
    let visitor = app.new_browser();

    // General.
    let saved = submit_page(
        &chief,
        "/admin/settings",
        &[
            ("site_title", Some("Glow Weekly")),
            ("tagline", Some("Skin, slowly")),
            ("default_role", Some("author")),
            ("timezone", Some("Europe/Paris")),
            ("date_format", Some("Y-m-d")),
        ],
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK);
    assert_eq!(saved.path, "/admin/settings");
    assert!(saved.html.contains("Settings saved."));
    assert_eq!(
        input_value(&saved.html, "tagline").as_deref(),
        Some("Skin, slowly")
    );
    assert_eq!(
        selected(&saved.html, "/admin/settings", "timezone").as_deref(),
        Some("Europe/Paris")
    );
    assert_eq!(
        selected(&saved.html, "/admin/settings", "date_format").as_deref(),
        Some("Y-m-d")
    );
    assert!(
        saved.html.contains("2026-11-24 (Y-m-d)"),
        "each format shows an example"
    );
    let (_, home) = visitor.page("/").await;
    assert_eq!(header_site_title(&home).as_deref(), Some("Glow Weekly"));
    let now = settings(&app);
    assert_eq!(now.default_role, Role::Author);
    assert_eq!(now.timezone, "Europe/Paris");

    // Reading: the home page and both feeds follow at once.
    assert_eq!(count(&home, "<article class=\"card\">"), 6);
    let saved = submit_page(
        &chief,
        "/admin/settings/reading",
        &[("posts_per_page", Some("2")), ("feed_length", Some("3"))],
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK);
    assert!(saved.html.contains("Reading settings saved."));
    assert_eq!(
        input_value(&saved.html, "posts_per_page").as_deref(),
        Some("2")
    );
    let (_, home) = visitor.page("/").await;
    assert_eq!(count(&home, "<article class=\"card\">"), 2);
    let (_, feed) = visitor.page("/feed.xml").await;
    assert_eq!(count(&feed, "<entry>"), 3, "{feed}");
    approved_comments(&app, 5);
    for path in [
        "/comments/feed.xml",
        "/posts/exosome-therapy-skin-rejuvenation/comments/feed.xml",
    ] {
        let (_, feed) = visitor.page(path).await;
        assert_eq!(count(&feed, "<entry>"), 3, "{path}: {feed}");
    }

    // Discussion.
    let saved = submit_page(
        &chief,
        "/admin/settings/discussion",
        &[
            ("comment_moderation", Some("1")),
            ("comments_require_name_email", None),
            ("comments_per_page", Some("7")),
            ("moderation_keys", Some("casino\n  free money  \n")),
        ],
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK);
    assert!(saved.html.contains("Discussion settings saved."));
    assert_eq!(
        textarea(&saved.html, "moderation_keys").as_deref(),
        Some("casino\nfree money")
    );
    let now = settings(&app);
    assert!(now.comment_moderation);
    assert!(
        !now.comments_require_name_email,
        "an unticked box turns it off"
    );
    assert_eq!(now.comments_per_page, 7);
    for key in [
        "comments_require_name_email",
        "comment_moderation",
        "comment_previously_approved",
        "comment_max_links",
        "moderation_keys",
        "disallowed_keys",
        "thread_comments_depth",
        "comments_per_page",
        "close_comments_days_old",
    ] {
        assert!(saved.html.contains(&format!("name=\"{key}\"")), "{key}");
    }

    // Shop.
    let saved = submit_page(
        &chief,
        "/admin/settings/shop",
        &[
            ("currency", Some("EUR")),
            ("shipping_flat_rate", Some("6.5")),
            ("low_stock_threshold", Some("9")),
        ],
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK);
    assert!(saved.html.contains("Shop settings saved."));
    assert_eq!(
        input_value(&saved.html, "shipping_flat_rate").as_deref(),
        Some("6.50")
    );
    assert_eq!(
        selected(&saved.html, "/admin/settings/shop", "currency").as_deref(),
        Some("EUR")
    );
    let now = settings(&app);
    assert_eq!(now.currency, "EUR");
    assert_eq!(now.shipping_flat_rate_cents, 650);
    assert_eq!(now.low_stock_threshold, 9);
    assert!(now.guest_checkout, "the ticked box stayed on");
}

/// (page, changes, the wrong field, its message, another field that must be shown).
type Refused<'a> = (
    &'a str,
    Vec<(&'a str, Option<&'a str>)>,
    &'a str,
    &'a str,
    &'a str,
);

async fn each_settings_page_refuses_in_words_for_people_and_keeps_everything_typed(app: TestApp) {
    let chief = admin(&app).await;
    let before = settings(&app);
    let cases: [Refused; 4] = [
        (
            "/admin/settings",
            vec![
                ("site_title", Some("Kept Title")),
                ("timezone", Some("Mars/Olympus")),
            ],
            "timezone",
            "Time zone must be a time zone from the list, such as Europe/Paris.",
            "site_title",
        ),
        (
            "/admin/settings/reading",
            vec![("posts_per_page", Some("abc")), ("feed_length", Some("7"))],
            "posts_per_page",
            "Posts per page must be a whole number from 1 to 100.",
            "feed_length",
        ),
        (
            "/admin/settings/discussion",
            vec![
                ("comments_per_page", Some("0")),
                ("moderation_keys", Some("kept words")),
                ("comment_moderation", Some("1")),
            ],
            "comments_per_page",
            "Comments per page must be a whole number from 1 to 500.",
            "moderation_keys",
        ),
        (
            "/admin/settings/shop",
            vec![
                ("shipping_flat_rate", Some("abc")),
                ("low_stock_threshold", Some("42")),
            ],
            "shipping_flat_rate",
            "“abc” is not an amount of money: write it like 12.50.",
            "low_stock_threshold",
        ),
    ];
    for (path, changes, wrong, message, other) in cases {
        let refused = submit_page(&chief, path, &changes).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{path}");
        assert_eq!(refused.path, path);
        assert_eq!(
            field_error(&refused.html, wrong).as_deref(),
            Some(message),
            "{path}"
        );
        assert!(refused.html.contains("Nothing was saved"), "{path}");
        assert!(!refused.html.contains('`'), "{path}: no key names");
        // Everything typed is kept, also the fields that were right.
        let fields = form_fields(&refused.html, path);
        for (name, value) in &changes {
            let shown = fields
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str());
            let typed_select = *name == "timezone";
            if !typed_select {
                assert_eq!(shown, *value, "{path}: {name} kept");
            }
        }
        assert!(
            fields.iter().any(|(n, _)| n == other),
            "{path}: {other} shown"
        );
    }
    let discussion = submit_page(
        &chief,
        "/admin/settings/discussion",
        &[
            ("comments_per_page", Some("0")),
            ("moderation_keys", Some("a\nb")),
        ],
    )
    .await;
    assert_eq!(
        textarea(&discussion.html, "moderation_keys").as_deref(),
        Some("a\nb")
    );

    // Nothing was saved, not even the right fields of a refused page.
    let after = settings(&app);
    assert_eq!(after.site_title, before.site_title);
    assert_ne!(after.site_title, "Kept Title");
    assert_eq!(after.feed_length, before.feed_length);
    assert_eq!(after.moderation_keys, before.moderation_keys);
    assert_eq!(after.comment_moderation, before.comment_moderation);
    assert_eq!(after.low_stock_threshold, before.low_stock_threshold);

    // Bad input of every shape is a 400, never a 500.
    let (_, form) = chief.page("/admin/settings/reading").await;
    let token = csrf_token(&form);
    for (name, value) in [
        ("posts_per_page", "99999999999999999999999"),
        ("posts_per_page", "-1"),
        ("feed_length", "\u{0}"),
        ("feed_length", ""),
    ] {
        let page = chief
            .submit(
                "/admin/settings/reading",
                &[("csrf_token", &token), (name, value)],
            )
            .await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{name}={value:?}");
    }
    let page = chief
        .submit(
            "/admin/settings",
            &[("csrf_token", &token), ("site_title", "Nul\u{0}Title")],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "saved without the NUL");
    assert_eq!(settings(&app).site_title, "NulTitle");
    let page = chief
        .submit(
            "/admin/settings/discussion",
            &[
                ("csrf_token", &token),
                ("disallowed_keys", &"x".repeat(20_001)),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        field_error(&page.html, "disallowed_keys").as_deref(),
        Some("Disallowed comment words must be at most 20000 characters.")
    );
}

async fn authors_and_editors_get_403_on_every_settings_page_and_on_users(app: TestApp) {
    let chief_id = app.with_conn(|conn| {
        insert_user(
            conn,
            "an_author",
            "author@example.com",
            PASSWORD,
            Role::Author,
        );
        insert_user(
            conn,
            "an_editor",
            "editor@example.com",
            PASSWORD,
            Role::Editor,
        );
        insert_admin(conn, "chief", "chief@example.com", PASSWORD)
    });
    let before = settings(&app);
    for username in ["an_author", "an_editor"] {
        let browser = app.new_browser();
        browser.log_in(username, PASSWORD).await;
        let (_, home) = browser.page("/").await;
        let token = csrf_token(&home);
        let user_page = format!("/admin/users/{chief_id}");
        let mut gets: Vec<String> = PAGES.iter().map(|p| (*p).to_owned()).collect();
        gets.extend(["/admin/users".to_owned(), user_page.clone()]);
        for path in &gets {
            let (status, html) = browser.page(path).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{username} GET {path}");
            assert!(!html.contains("name=\"site_title\""));
        }
        let mut posts: Vec<(String, Vec<(&str, &str)>)> = PAGES
            .iter()
            .map(|p| {
                (
                    (*p).to_owned(),
                    vec![
                        ("site_title", "Taken Over"),
                        ("posts_per_page", "1"),
                        ("comment_moderation", "1"),
                        ("currency", "GBP"),
                    ],
                )
            })
            .collect();
        for action in ["role", "disable", "enable", "reset"] {
            posts.push((
                format!("{user_page}/{action}"),
                vec![("role", "subscriber")],
            ));
        }
        for (path, fields) in posts {
            let mut fields = fields;
            fields.push(("csrf_token", &token));
            let page = browser.submit(&path, &fields).await;
            assert_eq!(page.status, StatusCode::FORBIDDEN, "{username} POST {path}");
        }
    }
    let after = settings(&app);
    assert_eq!(after.site_title, before.site_title);
    assert_eq!(after.posts_per_page, before.posts_per_page);
    assert_eq!(after.currency, before.currency);
    assert_eq!(after.comment_moderation, before.comment_moderation);
    let chief = app.new_browser();
    let page = chief.log_in("chief", PASSWORD).await;
    assert_eq!(
        page.status,
        StatusCode::OK,
        "the admin is still an admin and enabled"
    );
    let (status, _) = chief.page("/admin/users").await;
    assert_eq!(status, StatusCode::OK);
}

async fn turning_registration_off_hides_register_refuses_it_and_points_the_admin_here(
    app: TestApp,
) {
    let chief = admin(&app).await;
    let visitor = app.new_browser();
    let on = submit_page(
        &chief,
        "/admin/settings",
        &[("users_can_register", Some("1"))],
    )
    .await;
    assert_eq!(on.status, StatusCode::OK);
    let (_, home) = visitor.page("/").await;
    assert!(home.contains("href=\"/register\""), "{home}");
    // A visitor opens the form while registration is on …
    let (_, form) = visitor.page("/register").await;
    assert!(form.contains("action=\"/register\""));

    // Unticked: the box sends nothing.
    let off = submit_page(&chief, "/admin/settings", &[("users_can_register", None)]).await;
    assert_eq!(off.status, StatusCode::OK);
    assert!(off.html.contains("id=\"users_can_register\""));
    assert!(
        !off.html
            .contains("name=\"users_can_register\" value=\"1\" checked")
    );
    let (_, home) = visitor.page("/").await;
    assert!(
        !home.contains("href=\"/register\""),
        "the Register link is gone"
    );
    let (_, closed) = visitor.page("/register").await;
    assert!(!closed.contains("action=\"/register\""), "no form any more");
    // … and sends it after: refused.
    let refused = visitor
        .submit(
            "/register",
            &[
                ("csrf_token", &csrf_token(&form)),
                ("username", "latecomer"),
                ("email", "late@example.com"),
                ("password", PASSWORD),
                ("password_again", PASSWORD),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(
        refused
            .html
            .contains("User registration is currently not allowed.")
    );
    let (_, admin_home) = chief.page("/").await;
    assert!(
        admin_home.contains("href=\"/admin/settings#users_can_register\""),
        "the admin's hint points to the setting"
    );
    let hint = chief.visit("/admin/settings#users_can_register").await;
    assert_eq!(hint.status, StatusCode::OK);
    assert!(
        hint.html
            .contains("<input type=\"checkbox\" id=\"users_can_register\"")
    );
}

async fn the_time_zone_and_date_format_change_every_date_shown(app: TestApp) {
    use glowpress::comments::store::{self, NewComment, Status};
    let chief = admin(&app).await;
    let at = glowpress::web::dates::parse("2026-11-04 23:30:00").expect("a time");
    app.with_conn(|conn| {
        use diesel::prelude::*;
        use glowpress::db::schema::posts;
        let post_id: i32 = posts::table
            .filter(posts::slug.eq("exosome-therapy-skin-rejuvenation"))
            .select(posts::id)
            .first(conn)
            .expect("the seed post");
        for status in [Status::Approved, Status::Pending] {
            store::insert(
                conn,
                &NewComment {
                    post_id,
                    parent_id: None,
                    user_id: None,
                    author_name: "Night Owl",
                    author_email: "owl@example.com",
                    author_url: "",
                    body: "Late thoughts",
                    status,
                    depth: 0,
                    ip_hash: "",
                    user_agent: "",
                },
                at,
            )
            .expect("a comment");
        }
    });
    let article = "/posts/exosome-therapy-skin-rejuvenation";
    let (_, page) = app.new_browser().page(article).await;
    assert!(page.contains("November 4, 2026 at 23:30"), "UTC by default");
    let saved = submit_page(
        &chief,
        "/admin/settings",
        &[
            ("timezone", Some("Asia/Tokyo")),
            ("date_format", Some("d/m/Y")),
        ],
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK);
    let (_, page) = app.new_browser().page(article).await;
    assert!(
        page.contains("05/11/2026 at 8:30"),
        "in Tokyo, the next morning"
    );
    assert!(!page.contains("November 4, 2026 at 23:30"));
    let (_, queue) = chief.page("/admin/comments").await;
    assert!(queue.contains("05/11/2026 at 8:30"), "{queue}");
    let (_, account) = chief.page("/account").await;
    let today = glowpress::web::dates::DateStyle::new("Asia/Tokyo", "d/m/Y")
        .date(glowpress::web::dates::now());
    assert!(
        account.contains(&today),
        "member since, in the zone and format"
    );
}

async fn a_setting_changed_on_one_node_shows_on_the_other_at_once(backend: Backend) {
    let Some(site) = Site::new(backend) else {
        return skip("two nodes on PostgreSQL");
    };
    let second = site.another_node();
    let first = site.start().await;
    let second = second.start().await;
    let chief = admin(&first).await;
    let reader = first.new_browser();
    let (_, before) = reader.at(&second).page("/").await;
    assert_eq!(count(&before, "<article class=\"card\">"), 6);

    let saved = submit_page(
        &chief,
        "/admin/settings",
        &[("site_title", Some("Two Nodes"))],
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK);
    submit_page(
        &chief,
        "/admin/settings/reading",
        &[("posts_per_page", Some("3"))],
    )
    .await;

    // Node 2 keeps its pages for the content version it knows, and reads the version from
    // the database every 20 ms: it shows the change within that.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(1);
    let home = loop {
        let (_, home) = reader.at(&second).page("/").await;
        if home.contains("Two Nodes") || std::time::Instant::now() > deadline {
            break home;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    };
    assert_eq!(header_site_title(&home).as_deref(), Some("Two Nodes"));
    assert_eq!(count(&home, "<article class=\"card\">"), 3);
    // And the admin on node 2 sees the stored values in the form.
    let (_, form) = chief.at(&second).page("/admin/settings/reading").await;
    assert_eq!(input_value(&form, "posts_per_page").as_deref(), Some("3"));
}

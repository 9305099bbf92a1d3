//! `glowpress import-wordpress`: WordPress's theme unit test export imported on both
//! backends and checked against the file (read here with plain string searches, not with
//! the importer's parser), then small hand-written exports for what real ones contain.

use std::collections::{BTreeMap, HashMap, HashSet};

use diesel::prelude::*;
use glowpress::db::DbConn;
use glowpress::db::schema::{categories, comments, media, posts, tags, users, wp_import_ids};
use glowpress::import::{ImportError, Summary, import_wordpress};
use reqwest::StatusCode;

use crate::admin_posts::{form_fields, send};
use crate::common::{Backend, TestApp, csrf_token, insert_admin, unescape_html};
use crate::html_validity::{assert_valid_html, checker_available};
use crate::on_both_backends;

const FIXTURE: &str = include_str!("../fixtures/wordpress/themeunittestdata.wordpress.xml");
const SOURCE: &str = "https://wpthemetestdata.wordpress.com";

// --- reading the fixture with string searches ---

/// The blocks between `<open>` and `</close>`.
fn blocks<'a>(xml: &'a str, open: &str, close: &str) -> Vec<&'a str> {
    xml.split(open)
        .skip(1)
        .filter_map(|rest| rest.split(close).next())
        .collect()
}

/// The text of `<tag>` in `block` (CDATA unwrapped; `<tag/>` is empty).
fn field(block: &str, tag: &str) -> String {
    let Some(start) = block.find(&format!("<{tag}>")) else {
        return String::new();
    };
    let rest = &block[start + tag.len() + 2..];
    let end = rest.find(&format!("</{tag}>")).unwrap_or(0);
    let value = &rest[..end];
    value
        .strip_prefix("<![CDATA[")
        .and_then(|v| v.strip_suffix("]]>"))
        .unwrap_or(value)
        .trim()
        .to_owned()
}

fn items(xml: &str) -> Vec<&str> {
    blocks(xml, "<item>", "</item>")
}

fn items_of<'a>(xml: &'a str, post_type: &str) -> Vec<&'a str> {
    items(xml)
        .into_iter()
        .filter(|item| field(item, "wp:post_type") == post_type)
        .collect()
}

/// The status an item gets here, by WordPress status.
fn expected_status(wp: &str) -> &'static str {
    match wp {
        "publish" => "published",
        "future" => "scheduled",
        "draft" => "draft",
        "pending" => "pending",
        "private" => "private",
        other => panic!("the fixture has a status this test does not know: {other}"),
    }
}

fn expected_by_status(xml: &str, post_type: &str) -> BTreeMap<String, i64> {
    let mut counts = BTreeMap::new();
    for item in items_of(xml, post_type) {
        *counts
            .entry(expected_status(&field(item, "wp:status")).to_owned())
            .or_default() += 1;
    }
    counts
}

/// (comment, parent) WordPress ids of the comments taken: not pingbacks or trackbacks.
fn expected_comments(xml: &str) -> Vec<(i64, i64, String)> {
    let mut found = Vec::new();
    for item in items(xml) {
        for comment in blocks(item, "<wp:comment>", "</wp:comment>") {
            let kind = field(comment, "wp:comment_type");
            if kind == "pingback" || kind == "trackback" {
                continue;
            }
            let status = match field(comment, "wp:comment_approved").as_str() {
                "1" => "approved",
                "0" => "pending",
                "spam" => "spam",
                _ => continue,
            };
            found.push((
                field(comment, "wp:comment_id").parse().expect("an id"),
                field(comment, "wp:comment_parent").parse().unwrap_or(0),
                status.to_owned(),
            ));
        }
    }
    found
}

/// Distinct term slugs of a taxonomy: declared (`<wp:{term}>` with `<wp:{slug_tag}>`),
/// and used by items without being declared.
fn expected_terms(xml: &str, term: &str, slug_tag: &str, domain: &str) -> usize {
    let mut slugs: HashSet<String> = blocks(xml, &format!("<wp:{term}>"), &format!("</wp:{term}>"))
        .into_iter()
        .map(|block| field(block, &format!("wp:{slug_tag}")))
        .collect();
    let marker = format!("<category domain=\"{domain}\" nicename=\"");
    for rest in xml.split(&marker).skip(1) {
        slugs.insert(rest.split('"').next().unwrap_or_default().to_owned());
    }
    slugs.len()
}

// --- the database ---

fn import(app: &TestApp, xml: &str) -> Result<Summary, ImportError> {
    let xml = xml.to_owned();
    app.with_conn(move |conn| import_wordpress(conn, &xml))
}

fn table_counts(conn: &mut DbConn) -> [i64; 6] {
    [
        posts::table.count().get_result(conn).unwrap(),
        comments::table.count().get_result(conn).unwrap(),
        categories::table.count().get_result(conn).unwrap(),
        tags::table.count().get_result(conn).unwrap(),
        users::table.count().get_result(conn).unwrap(),
        media::table.count().get_result(conn).unwrap(),
    ]
}

/// WordPress id → local id of one kind imported from the fixture.
fn local_ids(app: &TestApp, kind: &str) -> HashMap<i64, i32> {
    local_ids_of(app, SOURCE, kind)
}

/// (kind, slug, status, scheduled) of an imported post or page.
fn imported_posts(app: &TestApp) -> HashMap<i64, (String, String, String, bool)> {
    let ids = local_ids(app, "post");
    let now = glowpress::web::dates::now();
    let rows: Vec<(i32, String, String, String, Option<time::PrimitiveDateTime>)> =
        app.with_conn(|conn| {
            posts::table
                .select((
                    posts::id,
                    posts::kind,
                    posts::slug,
                    posts::status,
                    posts::published_at,
                ))
                .load(conn)
                .unwrap()
        });
    let by_id: HashMap<i32, _> = rows.into_iter().map(|r| (r.0, r)).collect();
    ids.into_iter()
        .map(|(wp_id, id)| {
            let (_, kind, slug, status, at) = by_id[&id].clone();
            let scheduled = status == "published" && at.is_some_and(|at| at > now);
            (wp_id, (kind, slug, status, scheduled))
        })
        .collect()
}

fn by_status(
    posts: &HashMap<i64, (String, String, String, bool)>,
    kind: &str,
) -> BTreeMap<String, i64> {
    let mut counts = BTreeMap::new();
    for (k, _, status, scheduled) in posts.values() {
        if k == kind {
            let label = if *scheduled {
                "scheduled"
            } else {
                status.as_str()
            };
            *counts.entry(label.to_owned()).or_default() += 1;
        }
    }
    counts
}

fn url_of(kind: &str, slug: &str) -> String {
    if kind == "page" {
        format!("/{slug}")
    } else {
        format!("/posts/{slug}")
    }
}

/// The WordPress id of the fixture's item titled `title`.
fn wp_id_titled(title: &str) -> i64 {
    items(FIXTURE)
        .into_iter()
        .find(|item| field(item, "title") == title)
        .map(|item| field(item, "wp:post_id").parse().expect("an id"))
        .unwrap_or_else(|| panic!("no item titled {title}"))
}

/// The distinct term slugs of one taxonomy on the fixture's item titled `title`.
fn terms_of_item(title: &str, domain: &str) -> HashSet<String> {
    let item = items(FIXTURE)
        .into_iter()
        .find(|item| field(item, "title") == title)
        .expect("the item");
    let marker = format!("<category domain=\"{domain}\" nicename=\"");
    item.split(&marker)
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap_or_default().to_owned())
        .collect()
}

async fn status_and_location(app: &TestApp, path: &str) -> (StatusCode, String) {
    let response = app
        .browser()
        .no_redirects()
        .get(app.url(path))
        .send()
        .await
        .expect("a response");
    let location = response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (response.status(), location)
}

on_both_backends!(
    the_fixture_is_imported_with_every_count_of_the_file,
    old_permalinks_answer_301_with_the_new_address,
    imported_edge_cases_render_sensibly,
    hand_written_exports_of_real_sites_are_taken,
    a_malformed_file_names_its_line_and_imports_nothing,
);

async fn the_fixture_is_imported_with_every_count_of_the_file(app: TestApp) {
    let before = app.with_conn(table_counts);
    let summary = import(&app, FIXTURE).expect("the fixture imports");
    let after = app.with_conn(table_counts);

    let imported = imported_posts(&app);
    assert_eq!(
        by_status(&imported, "post"),
        expected_by_status(FIXTURE, "post")
    );
    assert_eq!(
        by_status(&imported, "page"),
        expected_by_status(FIXTURE, "page")
    );
    let expected_posts = items_of(FIXTURE, "post").len() + items_of(FIXTURE, "page").len();
    assert_eq!(after[0] - before[0], expected_posts as i64);

    let comments_in_file = expected_comments(FIXTURE);
    assert_eq!(after[1] - before[1], comments_in_file.len() as i64);
    let comment_ids = local_ids(&app, "comment");
    let stored: HashMap<i32, (Option<i32>, String)> = app.with_conn(|conn| {
        comments::table
            .select((comments::id, comments::parent_id, comments::status))
            .load::<(i32, Option<i32>, String)>(conn)
            .unwrap()
            .into_iter()
            .map(|(id, parent, status)| (id, (parent, status)))
            .collect()
    });
    let mut replies = 0;
    for (wp_id, wp_parent, status) in &comments_in_file {
        let (parent, stored_status) = &stored[&comment_ids[wp_id]];
        assert_eq!(stored_status, status, "comment {wp_id}");
        assert_eq!(
            *parent,
            comment_ids.get(wp_parent).copied(),
            "comment {wp_id}"
        );
        replies += usize::from(*wp_parent != 0);
    }
    assert!(replies >= 10, "the fixture has threads");

    assert_eq!(
        after[2] - before[2],
        expected_terms(FIXTURE, "category", "category_nicename", "category") as i64
    );
    assert_eq!(
        after[3] - before[3],
        expected_terms(FIXTURE, "tag", "tag_slug", "post_tag") as i64
    );
    assert_eq!(
        after[5] - before[5],
        items_of(FIXTURE, "attachment").len() as i64
    );
    assert_eq!(summary.authors.new, 2, "{summary}");
    let password_less: Option<String> = app.with_conn(|conn| {
        users::table
            .filter(users::username.eq("themereviewteam"))
            .select(users::password_hash)
            .first(conn)
            .unwrap()
    });
    assert!(
        password_less.is_none(),
        "imported authors reset their password"
    );

    for (kind, slug, status, scheduled) in imported.values() {
        if status == "published" && !scheduled {
            let (code, html) = app.page(&url_of(kind, slug)).await;
            assert_eq!(code, StatusCode::OK, "{kind} {slug}: {html}");
        }
    }
    // Category archives list posts by every category, not only the primary one.
    let (code, html) = app.page("/category/aciform").await;
    assert_eq!(code, StatusCode::OK);
    assert!(html.contains("Edge Case: Many Categories"), "{html}");

    // Search finds an imported post by a word of its body.
    let word = "ligula";
    let with_word: Vec<i64> = items_of(FIXTURE, "post")
        .into_iter()
        .filter(|item| field(item, "content:encoded").contains(word))
        .filter(|item| field(item, "wp:status") == "publish")
        .filter(|item| field(item, "wp:post_password").is_empty())
        .map(|item| field(item, "wp:post_id").parse().unwrap())
        .collect();
    assert!(!with_word.is_empty());
    let (_, results) = app.page(&format!("/search?q={word}")).await;
    assert!(
        with_word
            .iter()
            .any(|id| results.contains(&format!("href=\"/posts/{}\"", imported[id].1))),
        "{results}"
    );

    // Again: nothing new.
    let again = import(&app, FIXTURE).expect("a second run");
    assert_eq!(app.with_conn(table_counts), after);
    for count in [
        &again.authors,
        &again.categories,
        &again.tags,
        &again.posts,
        &again.pages,
        &again.media,
        &again.comments,
    ] {
        assert_eq!(count.new, 0, "{again}");
    }
    assert_eq!(again.posts.existing, items_of(FIXTURE, "post").len());
    assert!(again.to_string().contains("posts: 0 new"), "{again}");
}

async fn old_permalinks_answer_301_with_the_new_address(app: TestApp) {
    import(&app, FIXTURE).expect("the fixture imports");
    let imported = imported_posts(&app);
    let mut checked = 0;
    for item in items(FIXTURE) {
        let post_type = field(item, "wp:post_type");
        if !matches!(post_type.as_str(), "post" | "page") || field(item, "wp:status") != "publish" {
            continue;
        }
        let wp_id: i64 = field(item, "wp:post_id").parse().unwrap();
        let (kind, slug, _, _) = &imported[&wp_id];
        let new_url = url_of(kind, slug);
        let link = field(item, "link");
        let guid = unescape_html(&field(item, "guid"));
        let short = if post_type == "page" {
            format!("/?page_id={wp_id}")
        } else {
            format!("/?p={wp_id}")
        };
        for old in [link.as_str(), guid.as_str()] {
            let path = old.split_once(".com").map_or("", |(_, p)| p);
            if path.is_empty() || path == "/" || path == new_url {
                continue;
            }
            assert_eq!(
                status_and_location(&app, path).await,
                (StatusCode::MOVED_PERMANENTLY, new_url.clone()),
                "{path}"
            );
        }
        assert_eq!(
            status_and_location(&app, &short).await,
            (StatusCode::MOVED_PERMANENTLY, new_url.clone()),
            "{short}"
        );
        checked += 1;
    }
    assert!(checked > 50);
    // Unknown ones: the home page as usual, and the 404 page.
    assert_eq!(
        status_and_location(&app, "/?p=999999").await.0,
        StatusCode::OK
    );
    assert_eq!(status_and_location(&app, "/?p=abc").await.0, StatusCode::OK);
    assert_eq!(
        status_and_location(&app, "/2099/01/01/nothing-here/")
            .await
            .0,
        StatusCode::NOT_FOUND
    );
}

async fn imported_edge_cases_render_sensibly(app: TestApp) {
    import(&app, FIXTURE).expect("the fixture imports");
    let imported = imported_posts(&app);
    let url = |title: &str| {
        let (kind, slug, _, _) = &imported[&wp_id_titled(title)];
        url_of(kind, slug)
    };

    // Dozens of imported categories do not bury the header: Home, six, Shop.
    let (_, home) = app.page("/").await;
    let main_nav = home
        .split("<nav class=\"site-menu\" aria-label=\"Main\">")
        .nth(1)
        .and_then(|rest| rest.split("</nav>").next())
        .expect("the main navigation");
    assert_eq!(crate::common::count(main_nav, "<li>"), 8, "{main_nav}");

    // An untitled post gets a title and keeps its slug.
    let untitled = &imported[&1169];
    assert_eq!(untitled.1, "edge-case-no-title");
    let (code, html) = app.page(&url_of("post", &untitled.1)).await;
    assert_eq!(code, StatusCode::OK);
    assert!(
        html.contains("<h1 class=\"article__title\">(untitled)</h1>"),
        "{html}"
    );

    // Very long words wrap.
    let long =
        "Taumatawhakatangihangakoauauotamateaturipukakapikimaungahoronukupokaiwhenuakitanatahu";
    let (code, html) = app.page(&url(long)).await;
    assert_eq!(code, StatusCode::OK);
    assert!(html.contains(long));
    let (_, css) = app.page("/static/style.css").await;
    let rule = |selector: &str| {
        css.lines()
            .find(|l| l.starts_with(selector))
            .unwrap_or_default()
            .to_owned()
    };
    assert!(rule(".article__title {").contains("overflow-wrap: anywhere"));
    assert!(rule(".prose {").contains("overflow-wrap: anywhere"));

    // Many categories and tags: all shown on the article.
    for (title, domain, href) in [
        ("Edge Case: Many Categories", "category", "/category/"),
        ("Edge Case: Many Tags", "post_tag", "/tag/"),
    ] {
        let terms = terms_of_item(title, domain);
        assert!(terms.len() > 30, "{title}");
        let (_, html) = app.page(&url(title)).await;
        for slug in &terms {
            assert!(
                html.contains(&format!("href=\"{href}{slug}\"")),
                "{slug}: {html}"
            );
        }
    }

    // A classic [gallery] shows the images attached to its post.
    let gallery_post = wp_id_titled("Post Format: Gallery").to_string();
    let attached = items_of(FIXTURE, "attachment")
        .into_iter()
        .filter(|item| field(item, "wp:post_parent") == gallery_post)
        .count();
    assert!(attached > 5);
    let (_, html) = app.page(&url("Post Format: Gallery")).await;
    let gallery = html
        .split("<figure><img ")
        .nth(1)
        .and_then(|rest| rest.split("</figure>").next())
        .unwrap_or_else(|| panic!("no gallery: {html}"));
    assert_eq!(gallery.matches("<img src=\"https://").count() + 1, attached);
    assert!(!html.contains("[gallery"));

    // Deep threads keep their depth.
    let (_, html) = app.page(&url("Template: Comments")).await;
    assert!(html.contains("comment--depth-"), "{html}");
    let deepest = (1..20)
        .filter(|d| html.contains(&format!("comment--depth-{d}\"")))
        .max()
        .unwrap_or(0);
    assert!(deepest >= 4, "deepest thread shown: {deepest}");

    // The password-protected post: a form, not its content, until the password is given.
    let protected = url("Template: Password Protected (the password is \"enter\")");
    let secret = "This content, comments, pingbacks, and trackbacks should not be visible until the password is entered.";
    let browser = app.new_browser();
    let locked = browser.visit(&protected).await;
    assert_eq!(locked.status, StatusCode::OK);
    assert!(locked.html.contains("name=\"password\""), "{}", locked.html);
    assert!(!locked.html.contains(secret), "{}", locked.html);
    assert!(!locked.html.contains("id=\"comments\""));
    let form = format!("{protected}/password");
    let give = |page: &str, password: &'static str| {
        let token = csrf_token(page);
        let (browser, form) = (browser.clone(), form.clone());
        async move {
            browser
                .submit(&form, &[("csrf_token", &token), ("password", password)])
                .await
        }
    };
    let wrong = give(&locked.html, "Enter").await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    assert!(
        wrong.html.contains("That password is not right"),
        "{}",
        wrong.html
    );
    assert!(!wrong.html.contains(secret));
    let right = give(&wrong.html, "enter").await;
    assert_eq!(right.status, StatusCode::OK);
    assert!(right.html.contains(secret), "{}", right.html);
    assert!(!app.new_browser().page(&protected).await.1.contains(secret));
    let (_, feed) = app.page("/feed.xml").await;
    assert!(
        !feed.contains("should not be visible until the password"),
        "{feed}"
    );
    let (_, found) = app.page("/search?q=pingbacks%2C+and+trackbacks").await;
    assert!(!found.contains(&protected), "{found}");

    // The sticky post comes first on the home page.
    let (_, home) = app.page("/").await;
    let first_card = home.find("href=\"/posts/").expect("cards");
    assert!(home[first_card..].starts_with(&format!("href=\"{}\"", url("Template: Sticky"))));
}

#[actix_web::test]
async fn every_imported_post_page_passes_the_nu_html_checker() {
    if !checker_available() {
        return;
    }
    let app = TestApp::spawn(Backend::Sqlite).await.expect("an app");
    import(&app, FIXTURE).expect("the fixture imports");
    let mut pages = Vec::new();
    for (wp_id, (kind, slug, status, scheduled)) in imported_posts(&app) {
        if status == "published" && !scheduled {
            let (code, html) = app.page(&url_of(&kind, &slug)).await;
            assert_eq!(code, StatusCode::OK);
            pages.push((format!("{kind}-{wp_id}"), html));
        }
    }
    let named: Vec<(&str, &str)> = pages
        .iter()
        .map(|(n, h)| (n.as_str(), h.as_str()))
        .collect();
    assert_valid_html(&named);
}

#[actix_web::test]
async fn an_imported_post_saved_in_the_editor_still_renders_its_html() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("an app");
    let xml = export(
        "",
        &item(
            101,
            "post",
            "publish",
            "Indented HTML",
            "<div class=\"note\">\n    <p>Kept <em>as HTML</em></p>\n</div>\n\nA line\nand another",
        ),
    );
    import(&app, &xml).expect("imports");
    let id = local_ids_of(&app, "https://old.example", "post")[&101];
    app.with_conn(|conn| {
        insert_admin(
            conn,
            "boss",
            "boss@example.com",
            "velvet kettle orbits lazily",
        )
    });
    let browser = app.new_browser();
    browser.log_in("boss", "velvet kettle orbits lazily").await;
    let editor = format!("/admin/posts/{id}");
    let (code, html) = browser.page(&editor).await;
    assert_eq!(code, StatusCode::OK, "{html}");
    let mut fields = form_fields(&html, &editor);
    fields.retain(|(n, _)| n != "title");
    fields.push(("title".to_owned(), "Indented HTML, edited".to_owned()));
    fields.push(("action".to_owned(), "update".to_owned()));
    let saved = send(&browser, &editor, &fields).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.html);
    let (_, article) = app.page("/posts/indented-html").await;
    assert!(article.contains("Indented HTML, edited"), "{article}");
    assert!(
        article.contains("<p>Kept <em>as HTML</em></p>"),
        "{article}"
    );
    assert!(article.contains("A line<br>"), "{article}");
    assert!(!article.contains("<pre>"), "{article}");
}

// --- hand-written exports ---

fn export(authors: &str, items: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Old site</title>
<link>https://old.example</link>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:base_blog_url>https://old.example</wp:base_blog_url>
{authors}
{items}
</channel>
</rss>
"#
    )
}

fn item(id: i64, post_type: &str, status: &str, title: &str, content: &str) -> String {
    format!(
        r#"<item>
<title>{title}</title>
<link>https://old.example/?p={id}</link>
<dc:creator><![CDATA[olduser]]></dc:creator>
<guid isPermaLink="false">https://old.example/?p={id}</guid>
<content:encoded><![CDATA[{content}]]></content:encoded>
<wp:post_id>{id}</wp:post_id>
<wp:post_date_gmt>2020-05-01 10:00:00</wp:post_date_gmt>
<wp:status>{status}</wp:status>
<wp:post_type>{post_type}</wp:post_type>
</item>"#
    )
}

fn local_ids_of(app: &TestApp, source: &str, kind: &str) -> HashMap<i64, i32> {
    let (source, kind) = (source.to_owned(), kind.to_owned());
    app.with_conn(move |conn| {
        wp_import_ids::table
            .filter(wp_import_ids::source.eq(source))
            .filter(wp_import_ids::kind.eq(kind))
            .select((wp_import_ids::wp_id, wp_import_ids::local_id))
            .load::<(i64, i32)>(conn)
            .unwrap()
            .into_iter()
            .collect()
    })
}

async fn hand_written_exports_of_real_sites_are_taken(app: TestApp) {
    let blocks = "<!-- wp:paragraph -->\n<p>Block <strong>markup</strong>.</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:gallery {\"linkTo\":\"none\"} -->\n<figure class=\"wp-block-gallery has-nested-images columns-default\"><!-- wp:image {\"id\":5} -->\n<figure class=\"wp-block-image\"><img src=\"https://old.example/a.jpg\" alt=\"First\"/></figure>\n<!-- /wp:image -->\n\n<!-- wp:image {\"id\":6} -->\n<figure class=\"wp-block-image\"><img src=\"https://old.example/b.jpg\" alt=\"Second\"/></figure>\n<!-- /wp:image --></figure>\n<!-- /wp:gallery -->\n\n<!-- wp:embed {\"url\":\"https://www.youtube.com/watch?v=abc\",\"type\":\"video\"} -->\n<figure class=\"wp-block-embed is-type-video\"><div class=\"wp-block-embed__wrapper\">\nhttps://www.youtube.com/watch?v=abc\n</div></figure>\n<!-- /wp:embed -->\n\n<script>alert(1)</script>";
    // `]]>` inside the text: WordPress splits the CDATA section around it.
    let split_cdata = "Before ]]]]><![CDATA[> after";
    // A post with only the elements WordPress cannot do without.
    let minimal = r#"<item><title>Bare</title><wp:post_id>3</wp:post_id><wp:post_type>post</wp:post_type><wp:status>publish</wp:status></item>"#;
    let xml = export(
        "<wp:author><wp:author_login>declared</wp:author_login><wp:author_email>declared@old.example</wp:author_email></wp:author>",
        &format!(
            "{}\n{}\n{minimal}",
            item(1, "post", "publish", "Blocks", blocks),
            item(2, "post", "publish", "Split", split_cdata),
        ),
    );
    let summary = import(&app, &xml).expect("imports");
    assert_eq!(summary.posts.new, 3, "{summary}");
    // "olduser" is named by the items but not declared: made an author all the same.
    assert_eq!(summary.authors.new, 2, "{summary}");
    let olduser: (String, Option<String>, String) = app.with_conn(|conn| {
        users::table
            .filter(users::username.eq("olduser"))
            .select((users::role, users::password_hash, users::email))
            .first(conn)
            .unwrap()
    });
    assert_eq!(olduser.0, "author");
    assert!(olduser.1.is_none());
    assert!(olduser.2.ends_with(".invalid"), "{}", olduser.2);

    let (code, html) = app.page("/posts/blocks").await;
    assert_eq!(code, StatusCode::OK);
    assert!(
        !html.contains("wp:paragraph") && !html.contains("<!-- wp"),
        "{html}"
    );
    assert!(
        html.contains("<p>Block <strong>markup</strong>.</p>"),
        "{html}"
    );
    assert!(
        html.contains("<figure><img src=\"https://old.example/a.jpg\" alt=\"First\">"),
        "{html}"
    );
    assert!(html.contains("alt=\"Second\""), "{html}");
    assert!(
        html.contains(
            "<a href=\"https://www.youtube.com/watch?v=abc\" rel=\"noopener noreferrer\">"
        ),
        "{html}"
    );
    assert!(!html.contains("alert(1)"), "{html}");

    let (_, html) = app.page("/posts/split").await;
    assert!(html.contains("Before ]]&gt; after"), "{html}");
    let (code, html) = app.page("/posts/bare").await;
    assert_eq!(code, StatusCode::OK, "{html}");
    assert!(
        html.contains("By <span class=\"byline__author\">declared</span>"),
        "{html}"
    );
}

async fn a_malformed_file_names_its_line_and_imports_nothing(app: TestApp) {
    let good = item(1, "post", "publish", "Fine", "Text");
    let xml = export(
        "",
        &format!("{good}\n<item><title>Broken</wp:post_id></item>"),
    );
    let line = xml.lines().position(|l| l.contains("Broken")).unwrap() + 1;
    let before = app.with_conn(table_counts);
    match import(&app, &xml) {
        Err(ImportError::Malformed(error)) => {
            assert_eq!(error.line, line, "{error}");
            assert!(
                ImportError::Malformed(error)
                    .to_string()
                    .contains(&format!("line {line}")),
            );
        }
        other => panic!("not refused: {other:?}"),
    }
    assert_eq!(app.with_conn(table_counts), before);
    assert!(import(&app, "not xml at all").is_err());
    assert!(import(&app, "").is_err());
    assert_eq!(app.with_conn(table_counts), before);
}

#[test]
fn the_binary_prints_a_summary_and_fails_on_a_malformed_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("export.xml");
    std::fs::write(
        &file,
        export("", &item(7, "post", "publish", "From the CLI", "Hello")),
    )
    .unwrap();
    let run = |path: &std::path::Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_glowpress"))
            .arg("--data-dir")
            .arg(dir.path().join("data"))
            .arg("--no-demo")
            .arg("import-wordpress")
            .arg(path)
            .env_remove("DATABASE_URL")
            .output()
            .unwrap()
    };
    let first = run(&file);
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(
        first.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(
        stdout.contains("posts: 1 new (1 published), 0 already there"),
        "{stdout}"
    );
    assert!(stdout.contains("authors: 1 new"), "{stdout}");
    let second = run(&file);
    let stdout = String::from_utf8_lossy(&second.stdout);
    assert!(second.status.success());
    assert!(stdout.contains("posts: 0 new, 1 already there"), "{stdout}");

    let broken = dir.path().join("broken.xml");
    std::fs::write(&broken, "<rss>\n<channel>\n<item>\n</channel>\n</rss>").unwrap();
    let failed = run(&broken);
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(!failed.status.success());
    assert!(stderr.contains("line 4"), "{stderr}");
    let missing = run(&dir.path().join("nope.xml"));
    assert!(!missing.status.success());
}

on_both_backends!(statuses_media_and_categories_of_a_hand_written_export);

/// An item with postmeta and terms, for the test below.
fn rich_item(id: i64, status: &str, title: &str, extra: &str) -> String {
    item(id, "post", status, title, "Text").replace("</item>", &format!("{extra}\n</item>"))
}

async fn statuses_media_and_categories_of_a_hand_written_export(app: TestApp) {
    let terms = r#"<wp:category><wp:term_id>10</wp:term_id><wp:category_nicename>parent</wp:category_nicename><wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[Parent]]></wp:cat_name></wp:category>
<wp:category><wp:term_id>11</wp:term_id><wp:category_nicename>child</wp:category_nicename><wp:category_parent>parent</wp:category_parent><wp:cat_name><![CDATA[Child]]></wp:cat_name></wp:category>"#;
    let attachment = item(50, "attachment", "inherit", "Photo", "").replace(
        "</item>",
        r#"<wp:attachment_url>https://cdn.old.example/uploads/photo.jpg</wp:attachment_url>
<wp:postmeta><wp:meta_key>_wp_attachment_metadata</wp:meta_key><wp:meta_value><![CDATA[a:3:{s:5:"width";i:1200;s:6:"height";i:800;s:4:"file";s:9:"photo.jpg";}]]></wp:meta_value></wp:postmeta>
<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key><wp:meta_value>A photo</wp:meta_value></wp:postmeta>
</item>"#,
    );
    let featured = rich_item(
        51,
        "publish",
        "Featured",
        r#"<category domain="category" nicename="child"><![CDATA[Child]]></category>
<category domain="category" nicename="parent"><![CDATA[Parent]]></category>
<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>50</wp:meta_value></wp:postmeta>"#,
    );
    let xml = export(
        "",
        &format!(
            "{terms}\n{attachment}\n{featured}\n{}\n{}\n{}",
            rich_item(52, "pending", "Waiting for review", ""),
            rich_item(53, "private", "Only for us", ""),
            rich_item(54, "draft", "Half written", ""),
        ),
    );
    let summary = import(&app, &xml).expect("imports");
    assert_eq!(summary.media.new, 1, "{summary}");
    let categories = local_ids_of(&app, "https://old.example", "category");
    let parent_of_child: Option<i32> = app.with_conn(|conn| {
        categories::table
            .find(categories[&11])
            .select(categories::parent_id)
            .first(conn)
            .unwrap()
    });
    assert_eq!(parent_of_child, Some(categories[&10]));

    // The featured image stays at its address: one src, its size, no srcset.
    let (code, html) = app.page("/posts/featured").await;
    assert_eq!(code, StatusCode::OK);
    assert!(
        html.contains("<img src=\"https://cdn.old.example/uploads/photo.jpg\" alt=\"A photo\" width=\"1200\" height=\"800\">"),
        "{html}"
    );
    assert!(
        html.contains("href=\"/category/child\"") && html.contains("href=\"/category/parent\"")
    );
    for slug in ["waiting-for-review", "only-for-us", "half-written"] {
        assert_eq!(
            app.page(&format!("/posts/{slug}")).await.0,
            StatusCode::NOT_FOUND
        );
    }

    // The back office lists pending and private posts under their own filters, and the
    // external image in the library.
    let password = "velvet kettle orbits lazily";
    app.with_conn(|conn| insert_admin(conn, "boss", "boss@example.com", password));
    let browser = app.new_browser();
    browser.log_in("boss", password).await;
    let (_, pending) = browser.page("/admin/posts?status=pending").await;
    assert!(pending.contains("Waiting for review") && !pending.contains("Only for us"));
    assert!(pending.contains("Pending review"), "{pending}");
    let (_, private) = browser.page("/admin/posts?status=private").await;
    assert!(private.contains("Only for us") && !private.contains("Waiting for review"));
    // Saving a pending post keeps it pending.
    let pending_id = local_ids_of(&app, "https://old.example", "post")[&52];
    let editor = format!("/admin/posts/{pending_id}");
    let (_, html) = browser.page(&editor).await;
    assert!(html.contains("Pending review, last saved"), "{html}");
    let mut fields = form_fields(&html, &editor);
    fields.push(("action".to_owned(), "draft".to_owned()));
    let saved = send(&browser, &editor, &fields).await;
    assert!(
        saved.html.contains("Pending review, last saved"),
        "{}",
        saved.html
    );
    let media_id = local_ids_of(&app, "https://old.example", "attachment")[&50];
    let (code, library) = browser.page("/admin/media").await;
    assert_eq!(code, StatusCode::OK);
    assert!(
        library.contains("https://cdn.old.example/uploads/photo.jpg"),
        "{library}"
    );
    let (code, page) = browser.page(&format!("/admin/media/{media_id}")).await;
    assert_eq!(code, StatusCode::OK, "{page}");
    assert!(page.contains("https://cdn.old.example/uploads/photo.jpg"));

    // The editor changes the primary category; the other imported one stays.
    let post_id = local_ids_of(&app, "https://old.example", "post")[&51];
    let editor = format!("/admin/posts/{post_id}");
    let (_, html) = browser.page(&editor).await;
    let mut fields = form_fields(&html, &editor);
    fields.retain(|(n, _)| n != "category_id");
    fields.push(("category_id".to_owned(), categories[&10].to_string()));
    fields.push(("action".to_owned(), "update".to_owned()));
    assert_eq!(
        send(&browser, &editor, &fields).await.status,
        StatusCode::OK
    );
    let in_categories: Vec<i32> = app.with_conn(|conn| {
        glowpress::db::schema::post_categories::table
            .filter(glowpress::db::schema::post_categories::post_id.eq(post_id))
            .select(glowpress::db::schema::post_categories::category_id)
            .load(conn)
            .unwrap()
    });
    assert_eq!(in_categories, vec![categories[&10]]);
    let (_, archive) = app.page("/category/parent").await;
    assert!(archive.contains("/posts/featured"));
}

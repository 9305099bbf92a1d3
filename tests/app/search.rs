//! Search at `/search?q=`: ranked full-text results over posts, pages and products, kept in
//! step with every save, highlighted and escaped, paginated, and a page for any query.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use glowpress::accounts::users::Role;
use glowpress::db::schema::{posts, products};
use glowpress::posts::editor::rendered_body;
use reqwest::StatusCode;
use time::{Duration, PrimitiveDateTime};

use crate::admin_posts::form_fields;
use crate::common::{TestApp, count, input_value, insert_user, unescape_html};
use crate::on_both_backends;

const PASSWORD: &str = "velvet kettle orbits lazily";

on_both_backends!(
    a_word_in_the_title_ranks_above_the_same_word_once_in_the_body,
    posts_pages_and_products_are_found_each_labelled_and_linked,
    drafts_trash_scheduled_posts_and_unpublished_products_are_not_found,
    a_scheduled_post_is_found_once_its_time_has_come_without_reindexing,
    a_post_edited_in_the_editor_is_found_by_its_new_words_not_its_old_ones,
    a_product_changed_or_deleted_is_kept_in_step,
    snippets_highlight_the_words_and_never_return_stored_text_as_markup,
    markup_in_a_body_is_not_searchable_only_its_text,
    odd_queries_answer_with_a_page,
    stemming_finds_other_forms_of_a_word_but_not_its_start,
    results_are_paginated_with_the_query_kept,
    a_common_word_searches_its_newest_matches_ranked_by_where_it_occurs,
    the_seed_article_is_found_by_words_in_its_title_or_body_ignoring_case,
    the_query_plan_reads_the_full_text_index,
);

struct Stage<'a> {
    slug: &'a str,
    title: &'a str,
    excerpt: &'a str,
    body: &'a str,
    status: &'a str,
    kind: &'a str,
    published_at: PrimitiveDateTime,
}

impl<'a> Stage<'a> {
    fn post(slug: &'a str, title: &'a str, body: &'a str) -> Stage<'a> {
        Stage {
            slug,
            title,
            excerpt: "",
            body,
            status: "published",
            kind: "post",
            published_at: glowpress::web::dates::now() - Duration::hours(1),
        }
    }
}

fn author(app: &TestApp) -> i32 {
    app.with_conn(|conn| {
        insert_user(
            conn,
            "searcher",
            "searcher@example.com",
            PASSWORD,
            Role::Author,
        )
    })
}

/// A post written straight into the database the way the app writes one (rendered body).
fn insert_post(app: &TestApp, author_id: i32, stage: Stage) -> i32 {
    app.with_conn(|conn| {
        diesel::insert_into(posts::table)
            .values((
                posts::slug.eq(stage.slug),
                posts::title.eq(stage.title),
                posts::excerpt.eq(stage.excerpt),
                posts::body.eq(stage.body),
                rendered_body(glowpress::posts::markdown::MARKDOWN, stage.body),
                posts::status.eq(stage.status),
                posts::kind.eq(stage.kind),
                posts::published_at.eq(stage.published_at),
                posts::author_id.eq(author_id),
                posts::updated_at.eq(stage.published_at),
            ))
            .returning(posts::id)
            .get_result(conn)
            .expect("insert a post")
    })
}

fn insert_product(
    app: &TestApp,
    slug: &str,
    name: &str,
    description: &str,
    published: bool,
) -> i32 {
    app.with_conn(|conn| {
        diesel::insert_into(products::table)
            .values((
                products::slug.eq(slug),
                products::name.eq(name),
                products::short_description.eq("A cream for every season."),
                products::description.eq(description),
                products::price_cents.eq(2_450_i64),
                products::sku.eq(format!("SKU-{slug}")),
                products::image.eq(""),
                products::image_alt.eq(""),
                products::published.eq(published),
                products::created_at.eq(glowpress::web::dates::now()),
            ))
            .returning(products::id)
            .get_result(conn)
            .expect("insert a product")
    })
}

/// A result as the page shows it: (kind label, link, title text, the result's whole HTML).
struct Shown {
    kind: String,
    href: String,
    title: String,
    html: String,
}

fn results(html: &str) -> Vec<Shown> {
    html.split("<li class=\"search-result\">")
        .skip(1)
        .map(|item| {
            let item = &item[..item.find("</li>").expect("a result ends")];
            let between = |open: &str, close: &str| -> String {
                let at = item
                    .find(open)
                    .unwrap_or_else(|| panic!("{open} in {item}"))
                    + open.len();
                item[at..at + item[at..].find(close).expect("closed")].to_owned()
            };
            let link = between("<h2 class=\"search-result__title\"><a href=\"", "</a>");
            let (href, title) = link.split_once("\">").expect("a link");
            Shown {
                kind: between("<p class=\"search-result__kind\">", "</p>"),
                href: href.to_owned(),
                title: unescape_html(&title.replace("<mark>", "").replace("</mark>", "")),
                html: item.to_owned(),
            }
        })
        .collect()
}

async fn search(app: &TestApp, query: &str) -> (StatusCode, String) {
    app.page(&format!("/search?q={}", glowpress::web::url_encode(query)))
        .await
}

async fn found_hrefs(app: &TestApp, query: &str) -> Vec<String> {
    let (status, html) = search(app, query).await;
    assert_eq!(status, StatusCode::OK, "{query}: {html}");
    results(&html).into_iter().map(|r| r.href).collect()
}

async fn a_word_in_the_title_ranks_above_the_same_word_once_in_the_body(app: TestApp) {
    let author = author(&app);
    let filler = "Creams and oils and the long evenings of winter. ".repeat(5);
    let mut older = Stage::post("title-match", "Zanthorium, explained", &filler);
    older.published_at -= Duration::days(30);
    insert_post(&app, author, older);
    let body = format!("{filler} A word on zanthorium. {filler}");
    insert_post(
        &app,
        author,
        Stage::post("body-match", "Winter notes", &body),
    );
    // Newest first would put the body match first; rank puts the title match first.
    assert_eq!(
        found_hrefs(&app, "zanthorium").await,
        ["/posts/title-match", "/posts/body-match"]
    );
    // Equal matches: the newer first.
    insert_post(&app, author, Stage::post("twin-a", "Quorvex", "Same text."));
    let mut older_twin = Stage::post("twin-b", "Quorvex", "Same text.");
    older_twin.published_at -= Duration::days(2);
    insert_post(&app, author, older_twin);
    assert_eq!(
        found_hrefs(&app, "quorvex").await,
        ["/posts/twin-a", "/posts/twin-b"]
    );
}

async fn posts_pages_and_products_are_found_each_labelled_and_linked(app: TestApp) {
    let author = author(&app);
    insert_post(
        &app,
        author,
        Stage::post("berry-post", "Quillberry mornings", "A post."),
    );
    let mut page = Stage::post("berry-page", "About quillberry", "A page.");
    page.kind = "page";
    insert_post(&app, author, page);
    insert_product(
        &app,
        "berry-cream",
        "Quillberry cream",
        "Velvetine feel.",
        true,
    );
    let (status, html) = search(&app, "Quillberry").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("3 results for “Quillberry”"), "{html}");
    let mut shown: Vec<(String, String)> = results(&html)
        .into_iter()
        .map(|r| (r.kind, r.href))
        .collect();
    shown.sort();
    assert_eq!(
        shown,
        [
            ("Page".to_owned(), "/berry-page".to_owned()),
            ("Post".to_owned(), "/posts/berry-post".to_owned()),
            ("Product".to_owned(), "/shop/berry-cream".to_owned()),
        ]
    );
    let all = results(&html);
    let product = all
        .iter()
        .find(|r| r.kind == "Product")
        .expect("the product");
    assert_eq!(product.title, "Quillberry cream");
    assert!(
        product.html.contains("24.50"),
        "the price: {}",
        product.html
    );
    let post = all.iter().find(|r| r.kind == "Post").expect("the post");
    assert!(
        post.html.contains("<time datetime=\""),
        "the date: {}",
        post.html
    );
    // Every link leads to the thing found.
    for result in &all {
        let (status, _) = app.page(&result.href).await;
        assert_eq!(status, StatusCode::OK, "{}", result.href);
    }
    // By SKU and by words of the description.
    assert_eq!(
        found_hrefs(&app, "SKU-berry-cream").await,
        ["/shop/berry-cream"]
    );
    assert_eq!(
        found_hrefs(&app, "cream velvetine").await,
        ["/shop/berry-cream"]
    );
}

async fn drafts_trash_scheduled_posts_and_unpublished_products_are_not_found(app: TestApp) {
    let author = author(&app);
    for (slug, status) in [("v-draft", "draft"), ("v-trash", "trash")] {
        let mut hidden = Stage::post(slug, "Vexillum hidden", "Not for readers.");
        hidden.status = status;
        insert_post(&app, author, hidden);
    }
    let mut scheduled = Stage::post("v-later", "Vexillum later", "Next week.");
    scheduled.published_at = glowpress::web::dates::now() + Duration::days(7);
    insert_post(&app, author, scheduled);
    let mut draft_page = Stage::post("v-page", "Vexillum page", "Draft page.");
    draft_page.kind = "page";
    draft_page.status = "draft";
    insert_post(&app, author, draft_page);
    insert_product(&app, "v-product", "Vexillum balm", "Soon.", false);
    let (status, html) = search(&app, "vexillum").await;
    assert_eq!(status, StatusCode::OK);
    assert!(results(&html).is_empty(), "{html}");
    assert!(html.contains("No results for “vexillum”. Try fewer or different words."));
    assert!(!html.contains("Nothing has been published"));
    insert_post(&app, author, Stage::post("v-live", "Vexillum live", "Now."));
    assert_eq!(found_hrefs(&app, "vexillum").await, ["/posts/v-live"]);
}

async fn a_scheduled_post_is_found_once_its_time_has_come_without_reindexing(app: TestApp) {
    let author = author(&app);
    let mut scheduled = Stage::post("soon", "Brindlewort season", "Soon.");
    scheduled.published_at = glowpress::web::dates::now() + Duration::days(1);
    let id = insert_post(&app, author, scheduled);
    assert!(found_hrefs(&app, "brindlewort").await.is_empty());
    // Only the publication time moves, as the clock would: no indexed column changes.
    app.with_conn(|conn| {
        diesel::update(posts::table.find(id))
            .set(posts::published_at.eq(glowpress::web::dates::now() - Duration::minutes(1)))
            .execute(conn)
            .expect("move the time")
    });
    assert_eq!(found_hrefs(&app, "brindlewort").await, ["/posts/soon"]);
}

async fn a_post_edited_in_the_editor_is_found_by_its_new_words_not_its_old_ones(app: TestApp) {
    app.with_conn(|conn| insert_user(conn, "eve", "eve@example.com", PASSWORD, Role::Editor));
    let editor = app.new_browser();
    editor.log_in("eve", PASSWORD).await;
    let write = |path: String, changes: Vec<(&'static str, &'static str)>| {
        let editor = &editor;
        async move {
            let (_, form) = editor.page(&path).await;
            let mut fields = form_fields(&form, &path);
            fields.retain(|(name, _)| !changes.iter().any(|(n, _)| n == name));
            fields.extend(
                changes
                    .iter()
                    .map(|(n, v)| ((*n).to_owned(), (*v).to_owned())),
            );
            fields.push(("action".to_owned(), "publish".to_owned()));
            let pairs: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            editor.submit(&path, &pairs).await
        }
    };
    let saved = write(
        "/admin/posts/new".to_owned(),
        vec![
            ("title", "Marmalade for the skin"),
            ("slug", "kept-in-step"),
            ("body", "Old words: *apricotine* glaze."),
        ],
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.html);
    assert_eq!(
        found_hrefs(&app, "apricotine").await,
        ["/posts/kept-in-step"]
    );
    assert_eq!(
        found_hrefs(&app, "marmalade").await,
        ["/posts/kept-in-step"]
    );
    let id = saved.path.rsplit('/').next().expect("an id").to_owned();
    let edited = write(
        format!("/admin/posts/{id}"),
        vec![
            ("title", "Quince for the skin"),
            ("body", "New words: **loquatine** glaze."),
        ],
    )
    .await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.html);
    assert_eq!(
        found_hrefs(&app, "loquatine").await,
        ["/posts/kept-in-step"]
    );
    assert_eq!(found_hrefs(&app, "quince").await, ["/posts/kept-in-step"]);
    assert!(found_hrefs(&app, "apricotine").await.is_empty());
    assert!(found_hrefs(&app, "marmalade").await.is_empty());
    // Deleted rows leave the index too.
    app.with_conn(|conn| {
        diesel::delete(glowpress::db::schema::post_revisions::table)
            .execute(conn)
            .expect("revisions");
        diesel::delete(posts::table.filter(posts::slug.eq("kept-in-step")))
            .execute(conn)
            .expect("delete")
    });
    assert!(found_hrefs(&app, "loquatine").await.is_empty());
}

async fn a_product_changed_or_deleted_is_kept_in_step(app: TestApp) {
    let id = insert_product(&app, "drift", "Gorsebloom oil", "Light.", true);
    assert_eq!(found_hrefs(&app, "gorsebloom").await, ["/shop/drift"]);
    app.with_conn(|conn| {
        diesel::update(products::table.find(id))
            .set(products::name.eq("Heatherglow oil"))
            .execute(conn)
            .expect("rename")
    });
    assert!(found_hrefs(&app, "gorsebloom").await.is_empty());
    assert_eq!(found_hrefs(&app, "heatherglow").await, ["/shop/drift"]);
    app.with_conn(|conn| {
        diesel::update(products::table.find(id))
            .set(products::published.eq(false))
            .execute(conn)
            .expect("unpublish")
    });
    assert!(found_hrefs(&app, "heatherglow").await.is_empty());
    app.with_conn(|conn| {
        diesel::delete(products::table.find(id))
            .execute(conn)
            .expect("delete")
    });
    assert!(found_hrefs(&app, "heatherglow").await.is_empty());
}

async fn snippets_highlight_the_words_and_never_return_stored_text_as_markup(app: TestApp) {
    let author = author(&app);
    let body = "Before. The code `<script>alert(\"x\")</script>` sits by a \
                blorptastic & \"quoted\" word, <img src=x onerror=alert(2)> after.";
    insert_post(
        &app,
        author,
        Stage::post("escaped", "<script>alert(1)</script> blorptastic", body),
    );
    let (status, html) = search(&app, "blorptastic").await;
    assert_eq!(status, StatusCode::OK);
    let shown = results(&html);
    assert_eq!(shown.len(), 1, "{html}");
    let result = &shown[0].html;
    assert!(!html.contains("<script>alert"), "{result}");
    assert!(!html.contains("<img src=x"), "{result}");
    assert!(
        result.contains("&lt;script&gt;alert(1)&lt;/script&gt; <mark>blorptastic</mark>"),
        "{result}"
    );
    assert!(
        result.contains("<mark>blorptastic</mark> &amp; &quot;quoted&quot;"),
        "{result}"
    );
    // SQLite shows the code's text escaped; PostgreSQL's headline leaves out what its
    // parser takes for tags. Neither returns it as markup.
    assert!(result.contains("alert(&quot;x&quot;)"), "{result}");
    assert_eq!(count(result, "<mark>"), count(result, "</mark>"));
    // Found in the title only: the excerpt is shown, not a body without the word.
    let mut titled = Stage::post("in-title", "Snorkelwick facts", "Nothing here.");
    titled.excerpt = "A short summary & more.";
    insert_post(&app, author, titled);
    let (_, html) = search(&app, "snorkelwick").await;
    assert!(html.contains("A short summary &amp; more."), "{html}");
}

async fn markup_in_a_body_is_not_searchable_only_its_text(app: TestApp) {
    let author = author(&app);
    let body = "See [the guide](https://example.com/zyxwvutsr) and **wobblefrost** care.";
    insert_post(&app, author, Stage::post("markup", "A guide", body));
    assert_eq!(found_hrefs(&app, "wobblefrost").await, ["/posts/markup"]);
    assert!(
        found_hrefs(&app, "zyxwvutsr").await.is_empty(),
        "link targets are not text"
    );
    let (_, html) = search(&app, "wobblefrost").await;
    assert!(
        !html.contains("**"),
        "the snippet is the text, not the Markdown"
    );
}

async fn odd_queries_answer_with_a_page(app: TestApp) {
    let author = author(&app);
    insert_post(
        &app,
        author,
        Stage::post(
            "odd",
            "Crème brûlée mask",
            "Texte 日本語のテキスト here, and NEAR words.",
        ),
    );
    let thousand = "serum ".repeat(200);
    let long_word = "x".repeat(1_500);
    let queries = [
        "",
        " ",
        "!!!",
        "\"",
        "\"unbalanced",
        "''",
        "AND",
        "OR NOT",
        "NEAR(a b)",
        "NEAR/2",
        "a*",
        "*",
        "^x",
        "col:x",
        "title:crème",
        "(",
        ")",
        "()",
        "-x",
        "a'b",
        "a\\b",
        "%",
        "_",
        "<script>",
        "&",
        "😀",
        "😀 crème",
        "日本語",
        "Crème",
        "{}[]|~@#$",
        "\u{0}",
        "\u{200b}",
        &thousand,
        &long_word,
    ];
    for query in queries {
        let (status, html) = search(&app, query).await;
        assert_eq!(status, StatusCode::OK, "{query:?}: {html}");
        assert!(
            html.contains("id=\"search-page-q\""),
            "{query:?} is a search page"
        );
    }
    assert_eq!(found_hrefs(&app, "Crème").await, ["/posts/odd"]);
    assert_eq!(found_hrefs(&app, "😀 crème").await, ["/posts/odd"]);
    assert_eq!(found_hrefs(&app, "日本語のテキスト").await, ["/posts/odd"]);
    // Words are whole: text without spaces is one word, not found by its start.
    assert!(found_hrefs(&app, "日本語").await.is_empty());
    assert_eq!(found_hrefs(&app, "\"NEAR\" (words)").await, ["/posts/odd"]);
    let (_, html) = search(&app, "!!!").await;
    assert!(html.contains("No results for “!!!”. Try fewer or different words."));
    let (_, html) = search(&app, "").await;
    assert!(html.contains("Type a few words in the search box"));
    assert!(!html.contains("No results for"));
}

async fn stemming_finds_other_forms_of_a_word_but_not_its_start(app: TestApp) {
    let author = author(&app);
    insert_post(
        &app,
        author,
        Stage::post("forms", "Gentle flurbishing", "Zorbulating twice."),
    );
    for query in ["flurbishes", "FLURBISH", "gentle flurbish", "zorbulate"] {
        assert_eq!(found_hrefs(&app, query).await, ["/posts/forms"], "{query}");
    }
    // A word is matched whole: its start finds nothing.
    for query in ["zorb", "flurb", "gentl flurb"] {
        assert!(found_hrefs(&app, query).await.is_empty(), "{query}");
    }
    // Every word must occur.
    assert!(found_hrefs(&app, "flurbish zzqqxx").await.is_empty());
    // Only a word cut to the longest kept is found as the start of what was typed.
    let long = format!("plumb{}", "o".repeat(60));
    insert_post(&app, author, Stage::post("long-word", "Long", &long));
    assert_eq!(
        found_hrefs(&app, &format!("{long}xyz")).await,
        ["/posts/long-word"]
    );
}

/// `rows` published posts `bulk-1` (oldest) to `bulk-{rows}` (newest, 100 minutes ago), one
/// a minute, with "plumbago" in their body only; SQLite's SQL.
fn bulk_posts_sqlite(rows: i64) -> String {
    format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {rows}) \
         INSERT INTO posts (slug, title, body, body_html, body_text, status, published_at, \
             author_id, updated_at) \
         SELECT 'bulk-' || i, 'Bulk post ' || i, 'Filler', '<p>Filler</p>', \
             'Some plumbago filler ' || i, 'published', \
             datetime('now', '-' || ({rows} + 100 - i) || ' minutes'), \
             (SELECT min(id) FROM users), datetime('now') \
         FROM n"
    )
}

/// The same on PostgreSQL.
fn bulk_posts_pg(rows: i64) -> String {
    format!(
        "INSERT INTO posts (slug, title, body, body_html, body_text, status, published_at, \
             author_id, updated_at) \
         SELECT 'bulk-' || n, 'Bulk post ' || n, 'Filler', '<p>Filler</p>', \
             'Some plumbago filler ' || n, 'published', \
             (now() AT TIME ZONE 'UTC') - ({rows} + 100 - n) * interval '1 minute', \
             (SELECT min(id) FROM users), now() \
         FROM generate_series(1, {rows}) AS n"
    )
}

async fn a_common_word_searches_its_newest_matches_ranked_by_where_it_occurs(app: TestApp) {
    app.with_conn(|conn| glowpress::settings::set(conn, "posts_per_page", "100"))
        .expect("set the page size");
    let window = glowpress::search::WINDOW;
    let author = author(&app);
    let days_ago = |days: i64| glowpress::web::dates::now() - Duration::days(days);
    // The oldest match, left out however well it matches.
    let mut oldest = Stage::post("oldest", "Plumbago", "Plumbago.");
    oldest.published_at = days_ago(10);
    insert_post(&app, author, oldest);
    let bulk = 600;
    app.with_conn(|conn| {
        let sql = match conn {
            glowpress::db::DbConn::Sqlite(_) => bulk_posts_sqlite(bulk),
            glowpress::db::DbConn::Pg(_) => bulk_posts_pg(bulk),
        };
        conn.batch_execute(&sql).expect("bulk posts")
    });
    // Newer rows than the bulk, but older dates: rank, not date, puts them first.
    let mut in_title = Stage::post("in-title", "Plumbago and marigold", "Nothing else.");
    in_title.published_at = days_ago(2);
    insert_post(&app, author, in_title);
    let mut in_excerpt = Stage::post("in-excerpt", "Notes", "Nothing else.");
    in_excerpt.excerpt = "Plumbago, briefly.";
    in_excerpt.published_at = days_ago(3);
    insert_post(&app, author, in_excerpt);
    let mut in_body = Stage::post("in-body", "Notes again", "A plumbago hedge.");
    in_body.published_at = glowpress::web::dates::now() - Duration::minutes(1);
    insert_post(&app, author, in_body);
    insert_product(&app, "plumbago-balm", "Plumbago balm", "A balm.", true);

    let (status, first) = search(&app, "plumbago").await;
    assert_eq!(status, StatusCode::OK);
    let text = unescape_html(&first);
    // The newest `window` posts and the one product.
    let total = window + 1;
    assert!(
        text.contains(&format!(
            "More than {total} results for “plumbago”; the newest are shown. \
             Add words to narrow it."
        )),
        "{first}"
    );
    let hrefs: Vec<String> = results(&first).into_iter().map(|r| r.href).collect();
    assert_eq!(hrefs.len(), 100);
    let mut title_matches = hrefs[..2].to_vec();
    title_matches.sort();
    assert_eq!(title_matches, ["/posts/in-title", "/shop/plumbago-balm"]);
    assert_eq!(
        hrefs[2..5],
        ["/posts/in-excerpt", "/posts/in-body", "/posts/bulk-600"]
    );
    assert!(!hrefs.contains(&"/posts/oldest".to_owned()));
    // Pages go as far as the window.
    let pages = (total + 99) / 100;
    let (status, last) = app.page(&format!("/search?q=plumbago&page={pages}")).await;
    assert_eq!(status, StatusCode::OK);
    let oldest_in_window = format!("/posts/bulk-{}", bulk - (window - 3) + 1);
    let hrefs: Vec<String> = results(&last).into_iter().map(|r| r.href).collect();
    assert_eq!(hrefs.last(), Some(&oldest_in_window), "{last}");
    assert_eq!(hrefs.len() as i64, total - (pages - 1) * 100);
    let (status, _) = app
        .page(&format!("/search?q=plumbago&page={}", pages + 1))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Another word narrows it to an exact count, ranked over all matches.
    let (_, narrow) = search(&app, "plumbago marigold").await;
    assert!(unescape_html(&narrow).contains("1 result for “plumbago marigold”"));
    assert_eq!(
        found_hrefs(&app, "marigold plumbago").await,
        ["/posts/in-title"]
    );
}

async fn results_are_paginated_with_the_query_kept(app: TestApp) {
    app.with_conn(|conn| glowpress::settings::set(conn, "posts_per_page", "2"))
        .expect("set the page size");
    let author = author(&app);
    for n in 1..=5 {
        let slug = format!("page-{n}");
        let mut stage = Stage::post(&slug, "Plumbago notes", "Same.");
        stage.published_at -= Duration::days(n);
        insert_post(&app, author, stage);
    }
    let (status, first) = search(&app, "plumbago & notes").await;
    assert_eq!(status, StatusCode::OK);
    let text = unescape_html(&first);
    assert!(text.contains("5 results for “plumbago & notes”"), "{first}");
    let hrefs: Vec<String> = results(&first).into_iter().map(|r| r.href).collect();
    assert_eq!(hrefs, ["/posts/page-1", "/posts/page-2"]);
    assert!(text.contains("<title>Search results for “plumbago & notes” – The Glow Edit</title>"));
    assert!(first.contains("<meta name=\"robots\" content=\"noindex\">"));
    assert_eq!(
        input_value(&first, "q").as_deref(),
        Some("plumbago & notes"),
        "the header box"
    );
    let page_field = &text[text.find("id=\"search-page-q\"").expect("the page's field")..];
    assert!(page_field.contains("value=\"plumbago & notes\""));
    assert!(
        text.contains("href=\"/search?q=plumbago+%26+notes&page=2\""),
        "{first}"
    );
    let (_, third) = app.page("/search?q=plumbago+%26+notes&page=3").await;
    let hrefs: Vec<String> = results(&third).into_iter().map(|r| r.href).collect();
    assert_eq!(hrefs, ["/posts/page-5"]);
    assert!(third.contains("start=\"5\""));
    let (status, _) = app.page("/search?q=plumbago&page=4").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app.page("/search?q=nothingmatches&page=2").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    for bad in ["0", "abc", "-1"] {
        let (status, _) = app.page(&format!("/search?q=plumbago&page={bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "page={bad}");
    }
}

async fn the_seed_article_is_found_by_words_in_its_title_or_body_ignoring_case(app: TestApp) {
    let seed = "Exosome Therapy Is Dermatologists’ New Favorite Skin-Rejuvenation Treatment";
    let (status, html) = search(&app, "EXOSOME").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Search results for “EXOSOME”"));
    let shown = results(&html);
    assert_eq!(
        shown.first().map(|r| r.title.as_str()),
        Some(seed),
        "{html}"
    );
    // Only in the body of the seed article.
    assert_eq!(
        found_hrefs(&app, "graft-versus-host").await,
        ["/posts/exosome-therapy-skin-rejuvenation"]
    );
}

/// 10,000 published posts and as many products, with bodies of a few hundred characters
/// but not the searched word, then fresh statistics. Without parallel workers, which would
/// make the choice hang on this machine's core count.
const BULK_ROWS: &str = "\
    INSERT INTO posts (slug, title, body, body_html, body_text, status, published_at, \
        author_id, updated_at) \
    SELECT 'bulk-' || n, 'Bulk post ' || n, 'Filler', '<p>Filler</p>', \
        repeat(md5(n::text) || ' filler ', 12), 'published', now() - interval '1 day', \
        (SELECT min(id) FROM users), now() \
    FROM generate_series(1, 10000) AS n; \
    INSERT INTO products (slug, name, description, price_cents, sku, published, created_at) \
    SELECT 'bulk-' || n, 'Bulk product ' || n, repeat(md5(n::text) || ' filler ', 12), 100, \
        'BULK-' || n, true, now() \
    FROM generate_series(1, 10000) AS n; \
    ANALYZE posts; ANALYZE products; \
    SET max_parallel_workers_per_gather = 0;";

/// The same on SQLite, where the planner also reads `sqlite_stat1` once analysed.
const SQLITE_BULK_ROWS: &str = "\
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000) \
    INSERT INTO posts (slug, title, body, body_html, body_text, status, published_at, \
        author_id, updated_at) \
    SELECT 'bulk-' || i, 'Bulk post ' || i, 'Filler', '<p>Filler</p>', \
        'filler ' || hex(randomblob(16)), 'published', '2026-01-01 00:00:00', \
        (SELECT min(id) FROM users), '2026-01-01 00:00:00' \
    FROM n;";

async fn the_query_plan_reads_the_full_text_index(app: TestApp) {
    let plan_of = |conn: &mut glowpress::db::DbConn| {
        let terms = glowpress::search::Terms::parse("serum");
        glowpress::search::query_plan(conn, &terms, glowpress::web::dates::now())
            .expect("a plan")
            .join("\n")
    };
    let (plan, without_seq_scans) = app.with_conn(|conn| {
        // Enough posts for the planner to weigh the indexes as on a real site (on a few
        // rows any plan is cheap and it may pick another index).
        if matches!(conn, glowpress::db::DbConn::Sqlite(_)) {
            conn.batch_execute(SQLITE_BULK_ROWS).expect("bulk rows");
            return (plan_of(conn), None);
        }
        conn.batch_execute(BULK_ROWS).expect("bulk rows");
        let natural = plan_of(conn);
        // A shop's few hundred products are read faster by a scan; the index must still
        // be able to serve the query when a scan costs more.
        conn.batch_execute("SET enable_seqscan = off").expect("set");
        (natural, Some(plan_of(conn)))
    });
    match without_seq_scans {
        None => {
            // The window of each table reads the FTS table with the match, newest first
            // (no sort of all matches), then each match's visibility from the covering
            // index by its id: never the posts by status and date with a full-text query
            // per post. The tiers read the FTS table from the window's floor.
            let reads = |needle: &str| count(&plan, needle);
            for table in ["search_posts", "search_products"] {
                let scan = format!("SCAN {table} VIRTUAL TABLE INDEX");
                assert_eq!(reads(&scan), 2, "{plan}");
                for line in plan.lines().filter(|line| line.contains(&scan)) {
                    assert!(line.contains(":M"), "{plan}");
                }
            }
            assert_eq!(
                reads("SEARCH posts USING COVERING INDEX posts_search_visibility (id=?"),
                1,
                "{plan}"
            );
            assert_eq!(
                reads("SEARCH products USING COVERING INDEX products_search_visibility (id=?"),
                1,
                "{plan}"
            );
            assert!(!plan.contains("TEMP B-TREE"), "{plan}");
        }
        Some(forced) => {
            let reads = |plan: &str, needle: &str| count(plan, needle);
            assert_eq!(
                reads(&plan, "Bitmap Index Scan on posts_search"),
                3,
                "{plan}"
            );
            assert_eq!(
                reads(&forced, "Bitmap Index Scan on products_search"),
                3,
                "{forced}"
            );
        }
    }
}

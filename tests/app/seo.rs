//! What pages tell search engines and link previews: canonical links, descriptions, Open
//! Graph, Twitter cards, JSON-LD (parsed back with serde_json) and the archives' pager.

use diesel::prelude::*;
use glowpress::db::DbConn;
use glowpress::db::schema::{categories, post_categories, posts, users};
use reqwest::StatusCode;
use serde_json::Value;

use crate::common::{TestApp, count, unescape_html};

const SEED: &str = "/posts/exosome-therapy-skin-rejuvenation";

crate::on_both_backends!(
    an_article_carries_canonical_open_graph_and_blog_posting,
    a_post_without_excerpt_is_described_by_its_first_words,
    json_ld_cannot_be_broken_out_of,
    a_page_and_the_home_page_have_their_metadata,
    a_product_page_has_product_json_ld_with_its_offer_and_stock,
    archives_have_canonical_pages_feeds_and_breadcrumbs,
    the_pager_shows_a_window_of_pages,
    forms_and_personal_pages_ask_not_to_be_indexed,
);

/// A post (or page) as a test wants it, inserted directly.
pub struct NewPost<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub excerpt: &'a str,
    pub body: &'a str,
    pub status: &'a str,
    pub kind: &'a str,
    /// Hours from now; negative is the past.
    pub published_in_hours: i64,
    pub category: Option<&'a str>,
}

impl<'a> NewPost<'a> {
    pub fn published(slug: &'a str, title: &'a str, body: &'a str) -> NewPost<'a> {
        NewPost {
            slug,
            title,
            excerpt: "",
            body,
            status: "published",
            kind: "post",
            published_in_hours: -1,
            category: None,
        }
    }
}

pub fn insert_post(conn: &mut DbConn, post: &NewPost) -> i32 {
    let author: i32 = users::table.select(users::id).first(conn).unwrap();
    let category: Option<i32> = post.category.map(|slug| {
        categories::table
            .filter(categories::slug.eq(slug))
            .select(categories::id)
            .first(conn)
            .unwrap()
    });
    let now = glowpress::web::dates::now();
    let at = now + time::Duration::hours(post.published_in_hours);
    let id = diesel::insert_into(posts::table)
        .values((
            posts::slug.eq(post.slug),
            posts::title.eq(post.title),
            posts::excerpt.eq(post.excerpt),
            posts::body.eq(post.body),
            glowpress::posts::editor::rendered_body(
                glowpress::posts::markdown::MARKDOWN,
                post.body,
            ),
            posts::status.eq(post.status),
            posts::published_at.eq(Some(at)),
            posts::author_id.eq(author),
            posts::category_id.eq(category),
            posts::updated_at.eq(at),
            posts::kind.eq(post.kind),
        ))
        .returning(posts::id)
        .get_result(conn)
        .unwrap();
    if let Some(category) = category {
        diesel::insert_into(post_categories::table)
            .values((
                post_categories::post_id.eq(id),
                post_categories::category_id.eq(category),
            ))
            .execute(conn)
            .unwrap();
    }
    id
}

/// Every JSON-LD document of a page, parsed.
pub fn json_ld(html: &str) -> Vec<Value> {
    let open = "<script type=\"application/ld+json\">";
    html.split(open)
        .skip(1)
        .map(|rest| {
            let text = &rest[..rest.find("</script>").expect("a closed script")];
            serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
        })
        .collect()
}

/// The one JSON-LD document of `kind` ("BlogPosting", "Product" …).
pub fn json_ld_of(html: &str, kind: &str) -> Value {
    let mut found: Vec<Value> = json_ld(html)
        .into_iter()
        .filter(|v| v["@type"] == kind)
        .collect();
    assert_eq!(found.len(), 1, "one {kind} in {html}");
    found.remove(0)
}

/// The names of a page's BreadcrumbList, first to last.
fn breadcrumb_names(html: &str) -> Vec<String> {
    let list = json_ld_of(html, "BreadcrumbList");
    list["itemListElement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["name"].as_str().unwrap().to_owned())
        .collect()
}

/// The `content` of `<meta property|name="key">`, unescaped.
pub fn meta(html: &str, key: &str) -> Option<String> {
    ["property", "name"].iter().find_map(|attr| {
        let start = format!("<meta {attr}=\"{key}\" content=\"");
        let rest = &html[html.find(&start)? + start.len()..];
        Some(unescape_html(&rest[..rest.find('"')?]))
    })
}

pub fn canonical(html: &str) -> Option<String> {
    let start = "<link rel=\"canonical\" href=\"";
    let rest = &html[html.find(start)? + start.len()..];
    Some(unescape_html(&rest[..rest.find('"')?]))
}

/// The `href` of every `<link rel="alternate" type="application/atom+xml">`.
pub fn feed_links(html: &str) -> Vec<String> {
    html.split("<link rel=\"alternate\" type=\"application/atom+xml\"")
        .skip(1)
        .map(|rest| {
            let start = rest.find("href=\"").unwrap() + 6;
            rest[start..start + rest[start..].find('"').unwrap()].to_owned()
        })
        .collect()
}

async fn an_article_carries_canonical_open_graph_and_blog_posting(app: TestApp) {
    let (status, html) = app.page(SEED).await;
    assert_eq!(status, StatusCode::OK);
    let url = app.url(SEED);
    assert_eq!(canonical(&html).as_deref(), Some(url.as_str()));
    assert_eq!(meta(&html, "og:url").as_deref(), Some(url.as_str()));
    assert_eq!(meta(&html, "og:type").as_deref(), Some("article"));
    let title = meta(&html, "og:title").unwrap();
    assert!(title.starts_with("Exosome Therapy"), "{title}");
    let description = meta(&html, "description").unwrap();
    assert!(!description.is_empty());
    assert_eq!(meta(&html, "og:description"), Some(description.clone()));
    let image = meta(&html, "og:image").expect("the featured image");
    assert!(image.starts_with(&app.base), "absolute: {image}");
    assert_eq!(
        meta(&html, "twitter:card").as_deref(),
        Some("summary_large_image")
    );
    assert_eq!(
        meta(&html, "article:section").as_deref(),
        Some("Treatments")
    );
    assert!(html.contains("<meta property=\"article:tag\" content=\"Exosomes\">"));
    let published = meta(&html, "article:published_time").unwrap();
    assert!(
        time::OffsetDateTime::parse(&published, &time::format_description::well_known::Rfc3339)
            .is_ok(),
        "{published}"
    );
    assert!(meta(&html, "og:site_name").is_some());

    let posting = json_ld_of(&html, "BlogPosting");
    assert_eq!(posting["headline"], title.as_str());
    assert_eq!(posting["description"], description.as_str());
    assert_eq!(posting["datePublished"], published.as_str());
    assert!(posting["dateModified"].is_string());
    assert!(posting["author"]["name"].is_string());
    assert_eq!(posting["mainEntityOfPage"]["@id"], url.as_str());
    assert_eq!(posting["image"][0], image.as_str());
    assert!(posting["publisher"]["name"].is_string());
    assert_eq!(
        breadcrumb_names(&html),
        ["Home", "Treatments", title.as_str()]
    );
    assert_eq!(
        feed_links(&html),
        ["/feed.xml", &format!("{SEED}/comments/feed.xml")]
    );
}

async fn a_post_without_excerpt_is_described_by_its_first_words(app: TestApp) {
    let body = format!(
        "## Why\n\nA *short* answer. {}",
        "More words here. ".repeat(30)
    );
    app.with_conn(|conn| insert_post(conn, &NewPost::published("no-excerpt", "No excerpt", &body)));
    let (_, html) = app.page("/posts/no-excerpt").await;
    let description = meta(&html, "description").unwrap();
    assert!(
        description.starts_with("Why A short answer. More words"),
        "{description}"
    );
    assert!(description.ends_with('…'), "{description}");
    assert!(description.chars().count() <= 160, "{description}");
    assert_eq!(meta(&html, "twitter:card").as_deref(), Some("summary"));
    assert_eq!(meta(&html, "og:image"), None);
    assert_eq!(breadcrumb_names(&html), ["Home", "No excerpt"]);
}

async fn json_ld_cannot_be_broken_out_of(app: TestApp) {
    let title = "</script><script>alert(1)</script><!-- & \"quoted\"";
    app.with_conn(|conn| insert_post(conn, &NewPost::published("breakout", title, "Body.")));
    let (status, html) = app.page("/posts/breakout").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("<script>alert(1)"), "{html}");
    assert_eq!(count(&html, "<script type=\"application/ld+json\">"), 2);
    assert_eq!(json_ld_of(&html, "BlogPosting")["headline"], title);
    assert_eq!(meta(&html, "og:title").as_deref(), Some(title));
}

async fn a_page_and_the_home_page_have_their_metadata(app: TestApp) {
    app.with_conn(|conn| {
        let mut page = NewPost::published("about-us", "About us", "We write about skin.");
        page.kind = "page";
        page.excerpt = "Who writes here.";
        insert_post(conn, &page)
    });
    let (status, html) = app.page("/about-us").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(canonical(&html), Some(app.url("/about-us")));
    assert_eq!(
        meta(&html, "description").as_deref(),
        Some("Who writes here.")
    );
    assert_eq!(meta(&html, "og:type").as_deref(), Some("website"));
    assert_eq!(breadcrumb_names(&html), ["Home", "About us"]);

    let (_, home) = app.page("/").await;
    assert_eq!(canonical(&home), Some(app.url("/")));
    let site = json_ld_of(&home, "WebSite");
    let tagline = meta(&home, "description").unwrap();
    assert_eq!(site["description"], tagline.as_str());
    assert_eq!(site["url"], app.url("/").as_str());
    assert_eq!(meta(&home, "og:type").as_deref(), Some("website"));
    assert_eq!(feed_links(&home), ["/feed.xml"]);

    let (_, search) = app.page("/search?q=skin").await;
    assert!(search.contains("<meta name=\"robots\" content=\"noindex\">"));
    assert_eq!(canonical(&search), None);
}

const NOINDEX: &str = "<meta name=\"robots\" content=\"noindex\">";

async fn forms_and_personal_pages_ask_not_to_be_indexed(app: TestApp) {
    for path in [
        "/login",
        "/register",
        "/forgot-password",
        "/cart",
        "/checkout",
    ] {
        let (status, html) = app.page(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(html.contains(NOINDEX), "{path}: {html}");
        assert_eq!(canonical(&html), None, "{path}");
    }
    let browser = app.new_browser();
    browser
        .register(
            "noindex",
            "noindex@example.com",
            "velvet kettle orbits lazily",
        )
        .await;
    let account = browser.visit("/account").await;
    assert_eq!(account.path, "/account");
    assert!(account.html.contains(NOINDEX));
    // What is for readers is indexed.
    for path in ["/", SEED, "/shop"] {
        let (_, html) = app.page(path).await;
        assert!(!html.contains(NOINDEX), "{path}");
    }
}

async fn a_product_page_has_product_json_ld_with_its_offer_and_stock(app: TestApp) {
    let (_, html) = app.page("/shop/hydrating-serum").await;
    let url = app.url("/shop/hydrating-serum");
    assert_eq!(canonical(&html).as_deref(), Some(url.as_str()));
    assert_eq!(meta(&html, "og:type").as_deref(), Some("product"));
    let product = json_ld_of(&html, "Product");
    assert_eq!(product["name"], "Hydrating Serum");
    assert_eq!(product["sku"], "GE-SER-001");
    assert_eq!(product["url"], url.as_str());
    let offer = &product["offers"];
    assert_eq!(offer["@type"], "Offer");
    assert_eq!(offer["price"], "28.00");
    assert_eq!(offer["priceCurrency"], "USD");
    assert_eq!(offer["availability"], "https://schema.org/InStock");
    assert_eq!(offer["url"], url.as_str());
    assert_eq!(
        meta(&html, "description"),
        product["description"].as_str().map(str::to_owned)
    );
    assert_eq!(breadcrumb_names(&html), ["Home", "Shop", "Hydrating Serum"]);

    let (_, out) = app.page("/shop/vitamin-c-serum").await;
    assert_eq!(
        json_ld_of(&out, "Product")["offers"]["availability"],
        "https://schema.org/OutOfStock"
    );
    let (_, shop) = app.page("/shop").await;
    assert_eq!(canonical(&shop), Some(app.url("/shop")));
    assert_eq!(breadcrumb_names(&shop), ["Home", "Shop"]);
}

async fn archives_have_canonical_pages_feeds_and_breadcrumbs(app: TestApp) {
    let description: String = app.with_conn(|conn| {
        for n in 0..12 {
            let slug = format!("routine-{n}");
            let mut post = NewPost::published(&slug, "A routine", "Steps.");
            post.category = Some("routines");
            insert_post(conn, &post);
        }
        categories::table
            .filter(categories::slug.eq("routines"))
            .select(categories::description)
            .first(conn)
            .unwrap()
    });
    assert!(!description.is_empty());
    let (_, html) = app.page("/category/routines").await;
    assert_eq!(canonical(&html), Some(app.url("/category/routines")));
    assert_eq!(meta(&html, "description"), Some(description.clone()));
    assert!(unescape_html(&html).contains(&format!("<p>{description}</p>")));
    assert_eq!(
        feed_links(&html),
        ["/feed.xml", "/category/routines/feed.xml"]
    );
    assert_eq!(breadcrumb_names(&html), ["Home", "Routines"]);
    let (status, second) = app.page("/category/routines?page=2").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        canonical(&second),
        Some(app.url("/category/routines?page=2"))
    );

    let (_, tag) = app.page("/tag/evening-routine").await;
    assert!(tag.contains("<h1>Evening routine</h1>"), "{tag}");
    assert_eq!(canonical(&tag), Some(app.url("/tag/evening-routine")));
    assert_eq!(
        feed_links(&tag),
        ["/feed.xml", "/tag/evening-routine/feed.xml"]
    );
    assert_eq!(breadcrumb_names(&tag), ["Home", "Evening routine"]);
}

async fn the_pager_shows_a_window_of_pages(app: TestApp) {
    let per_page = app.with_conn(|conn| {
        for n in 0..200 {
            let slug = format!("many-{n}");
            insert_post(conn, &NewPost::published(&slug, "Many", "Body."));
        }
        glowpress::settings::Settings::load(conn)
            .unwrap()
            .posts_per_page
    });
    let pages = (200 + 6 + per_page - 1) / per_page;
    assert!(pages > 10, "enough pages to leave some out: {pages}");
    let (status, html) = app.page("/?page=10").await;
    assert_eq!(status, StatusCode::OK);
    let pager = &html[html.find("class=\"pager__numbers\"").unwrap()..];
    let pager = &pager[..pager.find("</ol>").unwrap()];
    for page in [8, 9, 11, 12, pages] {
        assert!(
            pager.contains(&format!("href=\"/?page={page}\"")),
            "{page}: {pager}"
        );
    }
    assert!(pager.contains("href=\"/\""), "page 1: {pager}");
    assert!(pager.contains("<span aria-current=\"page\">10</span>"));
    assert!(!pager.contains("href=\"/?page=5\""), "{pager}");
    assert_eq!(count(pager, "…"), 2, "{pager}");
    assert_eq!(count(pager, "<li"), 9, "{pager}");
}

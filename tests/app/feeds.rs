//! The Atom feeds (site, category, tag, comments), checked against RFC 4287's RELAX NG
//! schema with jing, and the sitemap.

use std::process::Command;

use diesel::prelude::*;
use glowpress::db::schema::{categories, products};
use reqwest::StatusCode;

use crate::common::{Backend, Site, TestApp, skip};
use crate::seo::{NewPost, insert_post};

crate::on_both_backends!(
    category_and_tag_feeds_carry_their_own_posts_with_categories,
    unknown_archives_have_no_feed,
    every_feed_is_valid_atom_with_hostile_text,
    the_sitemap_lists_what_is_published_with_lastmod,
);

crate::with_each_backend!(a_long_sitemap_becomes_an_index_of_files);

/// RFC 4287 Appendix B, the schema the feeds must match.
const ATOM_SCHEMA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/atom/atom.rnc");

/// Whether jing can run here; it must in CI (.ci/run installs it). Prints `skipped:` when not.
fn jing_available() -> bool {
    let available = Command::new("jing").output().is_ok();
    if !available {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install jing (apt-get install jing)"
        );
        skip("the Atom schema check (apt-get install jing)");
    }
    available
}

/// Fails with jing's report unless every feed matches the Atom schema.
fn assert_valid_atom(feeds: &[(String, String)]) {
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<_> = feeds
        .iter()
        .enumerate()
        .map(|(n, (_, xml))| {
            let file = dir.path().join(format!("feed-{n}.xml"));
            std::fs::write(&file, xml).unwrap();
            file
        })
        .collect();
    let output = Command::new("jing")
        .arg("-c")
        .arg(ATOM_SCHEMA)
        .args(&files)
        .output()
        .unwrap();
    let names: Vec<&str> = feeds.iter().map(|(path, _)| path.as_str()).collect();
    assert!(
        output.status.success(),
        "not valid Atom ({names:?}):\n{}",
        String::from_utf8_lossy(&output.stdout)
    );
}

async fn feed(app: &TestApp, path: &str) -> atom_syndication::Feed {
    let response = app.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    assert_eq!(
        response.headers()["content-type"],
        "application/atom+xml; charset=utf-8"
    );
    let xml = response.text().await.unwrap();
    atom_syndication::Feed::read_from(xml.as_bytes()).unwrap_or_else(|e| panic!("{e}: {xml}"))
}

fn titles(feed: &atom_syndication::Feed) -> Vec<String> {
    feed.entries()
        .iter()
        .map(|e| e.title().value.clone())
        .collect()
}

async fn category_and_tag_feeds_carry_their_own_posts_with_categories(app: TestApp) {
    app.with_conn(|conn| {
        let mut post = NewPost::published("a-routine", "A new routine", "Steps.");
        post.category = Some("routines");
        insert_post(conn, &post);
        let mut draft = NewPost::published("draft-routine", "A draft routine", "Steps.");
        draft.category = Some("routines");
        draft.status = "draft";
        insert_post(conn, &draft);
    });
    let routines = feed(&app, "/category/routines/feed.xml").await;
    let titles_of_routines = titles(&routines);
    assert_eq!(titles_of_routines[0], "A new routine");
    assert!(!titles_of_routines.contains(&"A draft routine".to_owned()));
    assert!(
        titles_of_routines
            .iter()
            .any(|t| t.contains("Double Cleanse")),
        "{titles_of_routines:?}"
    );
    assert!(!titles_of_routines.iter().any(|t| t.starts_with("Exosome")));
    assert_eq!(routines.id(), app.url("/category/routines/feed.xml"));
    for entry in &routines.entries()[1..] {
        let section = &entry.categories()[0];
        assert_eq!(section.term(), "routines");
        assert_eq!(section.label(), Some("Routines"));
        assert_eq!(section.scheme(), Some(app.url("/category/").as_str()));
    }

    let tag = feed(&app, "/tag/in-office/feed.xml").await;
    let tagged = titles(&tag);
    assert_eq!(tagged.len(), 2, "{tagged:?}");
    for entry in tag.entries() {
        let tags: Vec<(&str, Option<&str>)> = entry
            .categories()
            .iter()
            .filter(|c| c.scheme() == Some(app.url("/tag/").as_str()))
            .map(|c| (c.term(), c.label()))
            .collect();
        assert!(tags.contains(&("in-office", Some("In-office"))), "{tags:?}");
        assert!(!entry.authors().is_empty());
        assert!(entry.published().is_some());
        assert_eq!(entry.content().unwrap().content_type(), Some("html"));
        assert_eq!(entry.links()[0].href(), entry.id());
    }
    let site = feed(&app, "/feed.xml").await;
    assert_eq!(site.entries().len(), 7);
}

async fn unknown_archives_have_no_feed(app: TestApp) {
    for path in [
        "/category/nope/feed.xml",
        "/tag/nope/feed.xml",
        "/category/%3Cx%3E/feed.xml",
    ] {
        let (status, _) = app.page(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
}

async fn every_feed_is_valid_atom_with_hostile_text(app: TestApp) {
    let title = "Tom & Jerry <b>bold</b> ]]> 😀 \u{1}bell";
    let body = "Fish & chips <script>x</script> ]]> <![CDATA[ 😀 \u{2} end";
    app.with_conn(|conn| {
        let mut post = NewPost::published("hostile", title, body);
        post.category = Some("routines");
        post.excerpt = "A & B < C ]]> \u{3}";
        insert_post(conn, &post);
        diesel::insert_into(categories::table)
            .values((
                categories::slug.eq("empty"),
                categories::name.eq("Empty & <new>"),
                categories::description.eq(""),
            ))
            .execute(conn)
            .unwrap();
    });
    let paths = [
        "/feed.xml",
        "/category/routines/feed.xml",
        "/category/empty/feed.xml",
        "/tag/in-office/feed.xml",
        "/comments/feed.xml",
        "/posts/hostile/comments/feed.xml",
        "/posts/exosome-therapy-skin-rejuvenation/comments/feed.xml",
    ];
    let mut feeds = Vec::new();
    for path in paths {
        let (status, xml) = app.page(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        feeds.push((path.to_owned(), xml));
    }
    let site = atom_syndication::Feed::read_from(feeds[0].1.as_bytes()).unwrap();
    assert_eq!(
        site.entries()[0].title().value,
        "Tom & Jerry <b>bold</b> ]]> 😀 bell"
    );
    let empty = atom_syndication::Feed::read_from(feeds[2].1.as_bytes()).unwrap();
    assert!(empty.entries().is_empty());
    if jing_available() {
        assert_valid_atom(&feeds);
    }
}

/// (loc, lastmod) of every `<url>` of a sitemap.
fn sitemap_urls(xml: &str) -> Vec<(String, Option<String>)> {
    let between = |text: &str, open: &str, close: &str| {
        let start = text.find(open)? + open.len();
        Some(text[start..start + text[start..].find(close)?].to_owned())
    };
    xml.split("<url>")
        .skip(1)
        .map(|url| {
            (
                between(url, "<loc>", "</loc>")
                    .unwrap()
                    .replace("&amp;", "&"),
                between(url, "<lastmod>", "</lastmod>"),
            )
        })
        .collect()
}

async fn the_sitemap_lists_what_is_published_with_lastmod(app: TestApp) {
    let products_left: i64 = app.with_conn(|conn| {
        let mut page = NewPost::published("about-us", "About us", "Us.");
        page.kind = "page";
        insert_post(conn, &page);
        for (slug, status, hours) in [
            ("a-draft", "draft", -1),
            ("in-the-bin", "trash", -1),
            ("tomorrow", "published", 24),
        ] {
            let mut post = NewPost::published(slug, "Hidden", "Hidden.");
            post.status = status;
            post.published_in_hours = hours;
            post.category = Some("routines");
            insert_post(conn, &post);
        }
        diesel::insert_into(categories::table)
            .values((
                categories::slug.eq("unused"),
                categories::name.eq("Unused"),
                categories::description.eq(""),
            ))
            .execute(conn)
            .unwrap();
        diesel::update(products::table.filter(products::slug.eq("soothing-gel")))
            .set(products::published.eq(false))
            .execute(conn)
            .unwrap();
        products::table
            .filter(products::published.eq(true))
            .count()
            .get_result(conn)
            .unwrap()
    });
    let response = app.get("/sitemap.xml").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "application/xml; charset=utf-8"
    );
    let xml = response.text().await.unwrap();
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"));
    let urls = sitemap_urls(&xml);
    let locs: Vec<&str> = urls.iter().map(|(loc, _)| loc.as_str()).collect();
    for path in [
        "/",
        "/shop",
        "/shop/hydrating-serum",
        "/about-us",
        "/posts/exosome-therapy-skin-rejuvenation",
        "/category/routines",
        "/category/treatments",
        "/tag/in-office",
        "/tag/evening-routine",
    ] {
        assert!(locs.contains(&app.url(path).as_str()), "{path}: {xml}");
    }
    for path in [
        "/posts/a-draft",
        "/posts/in-the-bin",
        "/posts/tomorrow",
        "/category/unused",
        "/shop/soothing-gel",
    ] {
        assert!(!locs.contains(&app.url(path).as_str()), "{path}: {xml}");
    }
    // Home, shop, the products, 2 categories, 13 tags, 6 posts and a page.
    let expected = 2 + products_left as usize + 2 + 13 + 7;
    assert_eq!(locs.len(), expected, "{xml}");
    for (loc, lastmod) in &urls {
        let lastmod = lastmod
            .as_deref()
            .unwrap_or_else(|| panic!("lastmod of {loc}"));
        assert!(
            time::OffsetDateTime::parse(lastmod, &time::format_description::well_known::Rfc3339)
                .is_ok(),
            "{loc}: {lastmod}"
        );
    }
    let (_, robots) = app.page("/robots.txt").await;
    assert!(robots.contains(&format!("Sitemap: {}", app.url("/sitemap.xml"))));
}

/// The sitemap protocol allows 50,000 addresses a file; the site is told 7 here, so that a
/// few posts are enough to need an index.
async fn a_long_sitemap_becomes_an_index_of_files(backend: Backend) {
    let Some(mut site) = Site::new(backend) else {
        return skip("a long sitemap on PostgreSQL");
    };
    site.config.sitemap_urls = 7;
    let app = site.start().await;
    let slugs: Vec<String> = (0..10).map(|n| format!("post-{n:02}")).collect();
    app.with_conn(|conn| {
        for (n, slug) in slugs.iter().enumerate() {
            let mut post = NewPost::published(slug, "Numbered", "A post.");
            post.published_in_hours = -100 + n as i64;
            insert_post(conn, &post);
        }
    });

    let response = app.get("/sitemap.xml").await;
    assert_eq!(response.status(), StatusCode::OK);
    let index = response.text().await.unwrap();
    assert!(
        index.contains("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"),
        "{index}"
    );
    let files = index.matches("<sitemap>").count();
    let mut listed = Vec::new();
    for n in 1..=files {
        let path = format!("/sitemaps/{n}.xml");
        assert!(
            index.contains(&format!("<loc>{}</loc>", app.url(&path))),
            "{index}"
        );
        let response = app.get(&path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let urls = sitemap_urls(&response.text().await.unwrap());
        let full = if n < files { 7 } else { urls.len().max(1) };
        assert_eq!(urls.len(), full, "{path}: {urls:?}");
        listed.extend(urls.into_iter().map(|(loc, _)| loc));
    }
    // Together the files list every address once, most important first.
    assert!(listed.len() > 7 * (files - 1), "{listed:?}");
    let mut unique = listed.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), listed.len(), "{listed:?}");
    for path in [
        "/shop/hydrating-serum",
        "/category/treatments",
        "/tag/in-office",
        "/posts/exosome-therapy-skin-rejuvenation",
    ] {
        assert!(listed.contains(&app.url(path)), "{path}: {listed:?}");
    }
    assert_eq!(listed[0], app.url("/"));
    assert_eq!(listed[1], app.url("/shop"));
    for slug in &slugs {
        assert!(
            listed.contains(&app.url(&format!("/posts/{slug}"))),
            "{slug}"
        );
    }
    // Newest posts first: the last file ends with the oldest.
    assert!(
        listed.iter().position(|l| l.ends_with("/posts/post-09"))
            < listed.iter().position(|l| l.ends_with("/posts/post-00"))
    );
    for path in [
        format!("/sitemaps/{}.xml", files + 1),
        "/sitemaps/0.xml".to_owned(),
        "/sitemaps/x.xml".to_owned(),
    ] {
        assert_eq!(
            app.get(&path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
}

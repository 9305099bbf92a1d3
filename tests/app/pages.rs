use reqwest::StatusCode;

use crate::common::{TestApp, count};
use crate::on_both_backends;

const SEED_SLUG: &str = "/posts/exosome-therapy-skin-rejuvenation";
const SEED_TITLE: &str =
    "Exosome Therapy Is Dermatologists’ New Favorite Skin-Rejuvenation Treatment";

/// The seed article's paragraphs: every non-empty line of the seed page between the title
/// and the figure caption, except the heading.
fn seed_paragraphs() -> Vec<&'static str> {
    let seed = include_str!("../fixtures/seed-article.txt");
    seed.lines()
        .map(str::trim)
        .skip(1)
        .take_while(|line| !line.starts_with("The writer’s complexion"))
        .filter(|line| !line.is_empty() && *line != "How do exosomes benefit the skin?")
        .collect()
}

on_both_backends!(
    the_home_page_lists_the_seed_article_with_the_site_chrome,
    the_article_page_shows_the_whole_seed_article,
    an_unknown_slug_gets_a_404_page_in_the_site_layout,
    the_home_page_paginates_with_the_posts_per_page_setting,
    a_malformed_page_number_gets_a_clear_400_page,
    category_and_tag_archives_list_only_their_posts,
    every_response_carries_the_security_headers,
    a_reader_who_only_browses_gets_no_cookie,
    the_feed_sitemap_and_robots_describe_the_site_for_machines,
);

async fn the_home_page_lists_the_seed_article_with_the_site_chrome(app: TestApp) {
    let (status, html) = app.page("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(SEED_TITLE), "home lists the seed article");
    assert!(html.contains(&format!("href=\"{SEED_SLUG}\"")));
    assert_eq!(
        count(&html, "<article class=\"card\">"),
        6,
        "six demo posts"
    );
    let first_card = html.split("<article class=\"card\">").nth(1).unwrap();
    assert!(first_card.contains(SEED_TITLE), "newest first");
    for chrome in ["The Glow Edit", "Log in", "Register", "Shopping cart"] {
        assert!(html.contains(chrome), "header shows {chrome}");
    }
    assert!(html.contains("mini-cart__count\">0<"), "empty mini-cart");
    assert!(html.contains("By Devon Abelman"));
    assert!(html.contains("No comments"));
    assert!(html.contains("<time datetime=\"2026-11-24T09:00:00Z\">November 24, 2026</time>"));
    assert!(html.contains("/static/img/exosome-glow.svg"));
}

async fn the_article_page_shows_the_whole_seed_article(app: TestApp) {
    let (status, html) = app.page(SEED_SLUG).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&format!("<h1 class=\"article__title\">{SEED_TITLE}</h1>")));
    assert!(html.contains("<span class=\"byline__author\">Devon Abelman</span>"));
    let paragraphs = seed_paragraphs();
    assert_eq!(paragraphs.len(), 6, "the seed has six paragraphs");
    let mut last = 0;
    for paragraph in paragraphs {
        let at = html
            .find(&format!("<p>{paragraph}</p>"))
            .unwrap_or_else(|| panic!("paragraph missing: {paragraph}"));
        assert!(at > last, "paragraphs keep their order");
        last = at;
    }
    assert!(html.contains("<h2>How do exosomes benefit the skin?</h2>"));
    let figure = &html[html.find("<figure").expect("a figure")..];
    assert!(figure.contains("<figcaption>"));
    assert!(figure.contains(
        "<span class=\"caption\">The writer’s complexion a week and a half after exosome therapy.</span>"
    ));
    assert!(figure.contains("Devon Abelman</span>"));
    assert!(html.contains("We will be happy to hear your thoughts"));
    assert!(html.contains("Leave a reply"));
    assert!(html.contains("id=\"respond\""));
    assert!(html.contains(&format!("<title>{SEED_TITLE} – The Glow Edit</title>")));
}

async fn an_unknown_slug_gets_a_404_page_in_the_site_layout(app: TestApp) {
    for path in [
        "/posts/no-such-article",
        "/no/such/page",
        "/category/nope",
        "/tag/nope",
    ] {
        let (status, html) = app.page(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(html.contains("<h1>Page not found</h1>"), "{path}");
        assert!(
            html.contains("Shopping cart"),
            "{path} is in the site layout"
        );
        assert!(
            html.contains("The Glow Edit"),
            "{path} is in the site layout"
        );
    }
}

async fn the_home_page_paginates_with_the_posts_per_page_setting(app: TestApp) {
    app.with_conn(|conn| glowpress::settings::set(conn, "posts_per_page", "4").unwrap());
    let (_, first) = app.page("/").await;
    assert_eq!(count(&first, "<article class=\"card\">"), 4);
    assert!(first.contains("href=\"/?page=2\" rel=\"next\""));
    assert!(!first.contains("rel=\"prev\""));

    let (status, second) = app.page("/?page=2").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(count(&second, "<article class=\"card\">"), 2);
    assert!(second.contains("href=\"/\" rel=\"prev\""));
    assert!(!second.contains("rel=\"next\""));
    assert!(second.contains("<title>Page 2 – "));
    assert!(!second.contains(SEED_TITLE), "no post on two pages");

    let (status, html) = app.page("/?page=3").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Page not found"));
}

async fn a_malformed_page_number_gets_a_clear_400_page(app: TestApp) {
    for query in [
        "?page=abc",
        "?page=-1",
        "?page=0",
        "?page=1.5",
        "?page=99999999999999999999",
    ] {
        let (status, html) = app.page(&format!("/{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert!(html.contains("is not a page number"), "{query}: {html}");
        assert!(
            html.contains("Shopping cart"),
            "{query} is in the site layout"
        );
    }
    let (status, _) = app.page("/?page=1").await;
    assert_eq!(status, StatusCode::OK);
}

async fn category_and_tag_archives_list_only_their_posts(app: TestApp) {
    let (status, treatments) = app.page("/category/treatments").await;
    assert_eq!(status, StatusCode::OK);
    assert!(treatments.contains("<h1>Treatments</h1>"));
    assert!(treatments.contains(SEED_TITLE));
    let (_, routines) = app.page("/category/routines").await;
    assert!(!routines.contains(SEED_TITLE));
    let on_both = count(&treatments, "<article class=\"card\">")
        + count(&routines, "<article class=\"card\">");
    assert_eq!(on_both, 6, "every demo post is in exactly one category");

    // The article links its tags; each tag archive lists the article.
    let (_, article) = app.page(SEED_SLUG).await;
    let tag_href = article
        .split("href=\"/tag/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the seed article has a tag");
    let (status, tagged) = app.page(&format!("/tag/{tag_href}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(tagged.contains(SEED_TITLE));
    assert!(count(&tagged, "<article class=\"card\">") < 6);
}

async fn every_response_carries_the_security_headers(app: TestApp) {
    for path in ["/", SEED_SLUG, "/nope", "/static/style.css", "/healthz"] {
        let response = app.get(path).await;
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}");
        assert!(!csp.contains("unsafe-inline"), "{path}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert!(headers.contains_key("referrer-policy"), "{path}");
    }
}

async fn a_reader_who_only_browses_gets_no_cookie(app: TestApp) {
    for path in [
        "/",
        SEED_SLUG,
        "/category/routines",
        "/nope",
        "/static/style.css",
    ] {
        let response = app.get(path).await;
        assert!(
            !response.headers().contains_key("set-cookie"),
            "{path} set a cookie"
        );
    }
}

async fn the_feed_sitemap_and_robots_describe_the_site_for_machines(app: TestApp) {
    let feed = app.get("/feed.xml").await;
    assert_eq!(
        feed.headers()["content-type"],
        "application/atom+xml; charset=utf-8"
    );
    let feed = feed.text().await.unwrap();
    assert!(
        feed.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""),
        "{feed}"
    );
    assert_eq!(count(&feed, "<entry>"), 6);
    assert!(feed.contains(&format!("{}{SEED_SLUG}", app.base)));

    let sitemap = app.get("/sitemap.xml").await.text().await.unwrap();
    assert!(sitemap.contains(&format!("<loc>{}{SEED_SLUG}</loc>", app.base)));
    assert!(sitemap.contains("/category/treatments</loc>"));

    let robots = app.get("/robots.txt").await.text().await.unwrap();
    assert!(robots.contains("Disallow: /admin/"));
    assert!(robots.contains(&format!("Sitemap: {}/sitemap.xml", app.base)));
}

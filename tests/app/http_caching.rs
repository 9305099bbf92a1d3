//! Revalidation and compression: a page that may be kept carries an ETag, a browser that
//! sends it back gets a 304 until the page changes; compression follows Accept-Encoding.

use diesel::prelude::*;
use reqwest::StatusCode;
use reqwest::header::{ACCEPT_ENCODING, CONTENT_ENCODING, ETAG, IF_NONE_MATCH};

use crate::common::TestApp;
use crate::on_both_backends;

on_both_backends!(
    a_page_is_revalidated_by_its_etag_until_it_changes,
    pages_with_forms_or_new_cookies_carry_no_etag,
);

async fn revalidate(app: &TestApp, path: &str, tag: &str) -> reqwest::Response {
    app.client
        .get(app.url(path))
        .header(IF_NONE_MATCH, tag)
        .send()
        .await
        .expect("a response")
}

async fn a_page_is_revalidated_by_its_etag_until_it_changes(app: TestApp) {
    let first = app.get("/").await;
    assert_eq!(first.status(), StatusCode::OK);
    let tag = first.headers()[ETAG].to_str().unwrap().to_owned();
    assert!(tag.starts_with("W/\""), "{tag}");
    let body = first.text().await.unwrap();

    let again = revalidate(&app, "/", &tag).await;
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(again.headers()[ETAG], tag.as_str());
    assert!(again.headers().contains_key("content-security-policy"));
    assert_eq!(again.text().await.unwrap(), "");
    // Another tag, or none, gets the page.
    let other = revalidate(&app, "/", "W/\"0000000000000000\"").await;
    assert_eq!(other.status(), StatusCode::OK);
    assert_eq!(other.text().await.unwrap(), body);

    app.with_conn(|conn| {
        use glowpress::db::schema::posts::dsl::*;
        diesel::update(posts.filter(slug.eq("exosome-therapy-skin-rejuvenation")))
            .set(title.eq("Exosomes, Retold"))
            .execute(conn)
            .unwrap();
    });
    let changed = revalidate(&app, "/", &tag).await;
    assert_eq!(changed.status(), StatusCode::OK, "an edit shows at once");
    assert_ne!(changed.headers()[ETAG], tag.as_str());
    assert!(changed.text().await.unwrap().contains("Exosomes, Retold"));
}

async fn pages_with_forms_or_new_cookies_carry_no_etag(app: TestApp) {
    // The login form holds a one-time token; the shop's first answer starts a session.
    for path in ["/login", "/shop"] {
        let response = app.new_browser().get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert!(response.headers().get(ETAG).is_none(), "{path}");
    }
    let missing = app.get("/no-such-page").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(missing.headers().get(ETAG).is_none());

    // Compression is negotiated; the tag is the same whatever the encoding.
    let plain = app.get("/").await;
    let tag = plain.headers()[ETAG].clone();
    for (asked, sent) in [("br", "br"), ("gzip", "gzip"), ("br;q=0, gzip", "gzip")] {
        let response = app
            .client
            .get(app.url("/"))
            .header(ACCEPT_ENCODING, asked)
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()[CONTENT_ENCODING], sent, "{asked}");
        assert_eq!(response.headers()[ETAG], tag, "{asked}");
    }
}

//! Password-protected posts and pages (as WordPress has them): the form instead of the
//! content, the unlock kept in the session, and a budget of guesses per post and address.

use diesel::prelude::*;
use glowpress::db::DbConn;
use glowpress::db::schema::posts;
use reqwest::StatusCode;

use crate::common::{Browser, TestApp, csrf_token};
use crate::seo::{NewPost, insert_post};

crate::on_both_backends!(
    a_protected_page_shows_its_form_until_the_password_is_given,
    password_guesses_are_limited_per_post_and_address,
);

const SECRET: &str = "The wholesale price list is here.";

fn insert_protected(conn: &mut DbConn, slug: &str, kind: &str, password: &str) {
    let body = format!("{SECRET} Ask for samples.");
    let id = insert_post(
        conn,
        &NewPost {
            kind,
            ..NewPost::published(slug, "Trade prices", &body)
        },
    );
    diesel::update(posts::table.find(id))
        .set(posts::password.eq(password))
        .execute(conn)
        .unwrap();
}

/// Submits `password` through the form on `page` (whose action it reads).
async fn give(browser: &Browser, page: &str, password: &str) -> crate::common::Page {
    let action = page
        .split("class=\"stack password-form\"")
        .next()
        .and_then(|before| before.rsplit("action=\"").next())
        .and_then(|rest| rest.split('"').next())
        .expect("a password form")
        .to_owned();
    browser
        .submit(
            &action,
            &[("csrf_token", &csrf_token(page)), ("password", password)],
        )
        .await
}

async fn a_protected_page_shows_its_form_until_the_password_is_given(app: TestApp) {
    app.with_conn(|conn| insert_protected(conn, "trade", "page", "rosewater"));
    let browser = app.new_browser();
    let locked = browser.visit("/trade").await;
    assert_eq!(locked.status, StatusCode::OK);
    assert!(locked.html.contains("name=\"password\""), "{}", locked.html);
    assert!(locked.html.contains("action=\"/pages/trade/password\""));
    assert!(!locked.html.contains(SECRET), "{}", locked.html);

    let wrong = give(&browser, &locked.html, "Rosewater").await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    assert!(wrong.html.contains("That password is not right"));
    assert!(
        wrong
            .html
            .contains("aria-describedby=\"post-password-error\"")
    );
    assert!(!wrong.html.contains(SECRET));

    let token = csrf_token(&wrong.html);
    let right = give(&browser, &wrong.html, "rosewater").await;
    assert_eq!(right.status, StatusCode::OK);
    assert_eq!(right.path, "/trade");
    assert!(right.html.contains(SECRET), "{}", right.html);
    assert!(!right.html.contains("name=\"password\""));
    let response = browser.get("/trade").await;
    let cache = response.headers()["cache-control"].to_str().unwrap();
    assert!(
        cache.contains("no-store"),
        "an unlocked page is not kept: {cache}"
    );

    // Another reader still sees the form; the unlock was this session's.
    let (_, other) = app.new_browser().page("/trade").await;
    assert!(!other.contains(SECRET));
    // Search never shows it either.
    let (_, found) = app.page("/search?q=wholesale").await;
    assert!(!found.contains("/trade\""), "{found}");
    // An unknown page's form is a 404, not an error.
    let response = browser
        .submit(
            "/pages/no-such-page/password",
            &[("csrf_token", &token), ("password", "x")],
        )
        .await;
    assert_eq!(response.status, StatusCode::NOT_FOUND);
}

async fn password_guesses_are_limited_per_post_and_address(app: TestApp) {
    app.with_conn(|conn| {
        insert_protected(conn, "trade-list", "post", "rosewater");
        insert_protected(conn, "trade-page", "page", "rosewater");
    });
    let guesser = app.new_browser();
    let mut page = guesser.visit("/posts/trade-list").await.html;
    for guess in 0..10 {
        let refused = give(&guesser, &page, &format!("guess {guess}")).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "guess {guess}");
        page = refused.html;
    }
    // The eleventh, even the right one, waits; the form stays, with why.
    let waiting = give(&guesser, &page, "rosewater").await;
    assert_eq!(waiting.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        waiting.html.contains("Too many wrong passwords"),
        "{}",
        waiting.html
    );
    assert!(waiting.html.contains("Try again in 15 minutes"));
    assert!(!waiting.html.contains(SECRET));
    // The budget is this post's: the page next to it still takes its password.
    let page = guesser.visit("/trade-page").await;
    let right = give(&guesser, &page.html, "rosewater").await;
    assert_eq!(right.status, StatusCode::OK);
    assert!(right.html.contains(SECRET));
}

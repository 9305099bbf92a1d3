//! How many SQL statements one "add to cart" and one page view with a full cart take,
//! counted with diesel's instrumentation. A test binary of its own: the counter is global.

#[allow(dead_code)]
#[path = "app/common.rs"]
mod common;

use std::sync::Mutex;

use diesel::connection::{Instrumentation, InstrumentationEvent, set_default_instrumentation};
use reqwest::StatusCode;

use common::{Backend, Browser, TestApp, input_value as field_value};

static STATEMENTS: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn recorder() -> Option<Box<dyn Instrumentation>> {
    Some(Box::new(|event: InstrumentationEvent<'_>| {
        if let InstrumentationEvent::StartQuery { query, .. } = event {
            let query = query.to_string();
            // Each node reads the content version on its own connection (db::content).
            if !query.contains("content_version") {
                STATEMENTS.lock().unwrap().push(query);
            }
        }
    }))
}

fn take_statements() -> Vec<String> {
    std::mem::take(&mut *STATEMENTS.lock().unwrap())
}

/// Adds one of a product, without following the redirect.
async fn add(browser: &Browser, token: &str, product_id: &str) {
    {
        let form = [
            ("csrf_token", token),
            ("product_id", product_id),
            ("quantity", "1"),
            ("return_to", "/shop"),
        ];
        let response = browser
            .no_redirects()
            .post(browser.url("/cart/items"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
}

/// The statements of one add (the POST alone) and of page views with a full cart.
async fn measure(backend: Backend) -> Option<[Vec<String>; 5]> {
    let app = TestApp::spawn(backend).await?;
    let browser = app.new_browser();
    let (_, shop) = browser.page("/shop").await;
    let token = field_value(&shop, "csrf_token").unwrap();
    let ids: Vec<String> = shop
        .split("name=\"product_id\" value=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_owned())
        .collect();
    assert_eq!(ids.len(), 7, "every product in stock");
    for id in &ids[1..] {
        add(&browser, &token, id).await;
    }
    take_statements();
    add(&browser, &token, &ids[0]).await;
    let add = take_statements();

    let article = "/posts/exosome-therapy-skin-rejuvenation";
    let (_, html) = browser.page(article).await;
    assert!(html.contains("mini-cart__count\">7<"), "a full cart");
    take_statements();
    browser.page(article).await;
    let article_view = take_statements();
    browser.page("/").await;
    let home_view = take_statements();

    // An anonymous reader, once the pages are in the cache.
    let reader = app.new_browser();
    reader.page(article).await;
    reader.page("/").await;
    take_statements();
    reader.page(article).await;
    let anonymous_article = take_statements();
    reader.page("/").await;
    let anonymous_home = take_statements();
    Some([
        add,
        article_view,
        home_view,
        anonymous_article,
        anonymous_home,
    ])
}

fn report(what: &str, statements: &[String]) {
    eprintln!("{what}: {} statements", statements.len());
    for s in statements {
        eprintln!("    {}", s.chars().take(160).collect::<String>());
    }
}

#[actix_web::test]
async fn an_add_and_a_page_view_take_a_fixed_handful_of_statements() {
    set_default_instrumentation(recorder).unwrap();
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let Some([add, article, home, anonymous_article, anonymous_home]) = measure(backend).await
        else {
            common::skip("the statement count on PostgreSQL");
            continue;
        };
        eprintln!("== {backend:?}");
        report("one add to cart (the POST)", &add);
        report("article page view, 7 lines in the cart", &article);
        report("home page view, 7 lines in the cart", &home);
        let cart_reads = |v: &[String]| v.iter().filter(|s| s.contains("cart_items")).count();
        assert_eq!(cart_reads(&article), 1, "the mini-cart is one query");
        assert_eq!(cart_reads(&home), 1, "the mini-cart is one query");
        // Transaction control aside: on SQLite the writer shares BEGIN and COMMIT with the
        // writes queued beside this one (db::writer), and the add's own transaction is a
        // savepoint in it.
        let is_control = |s: &&String| {
            ["BEGIN", "COMMIT", "SAVEPOINT", "RELEASE"]
                .iter()
                .any(|word| s.starts_with(word))
        };
        let add_queries = add.iter().filter(|s| !is_control(s)).count();
        assert!(add_queries <= 5, "{add_queries}");
        report("article page view, anonymous, kept", &anonymous_article);
        report("home page view, anonymous, kept", &anonymous_home);
        assert!(
            anonymous_article.is_empty(),
            "a kept article needs no query"
        );
        assert!(anonymous_home.is_empty(), "a kept home page needs no query");
        // With a cart: the mini-cart's one query (and the pool's check of the connection).
        assert!(article.len() <= 2, "{}", article.len());
    }
}

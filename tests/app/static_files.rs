use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};

use crate::common::{Backend, TestApp};

#[actix_web::test]
async fn static_files_are_served_from_the_binary_with_cache_headers() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let (_, home) = app.page("/").await;
    let stylesheet = home
        .split("<link rel=\"stylesheet\" href=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a stylesheet link");
    assert!(
        stylesheet.starts_with("/static/style.css?v="),
        "{stylesheet}"
    );

    let css = app.get(stylesheet).await;
    assert_eq!(css.status(), StatusCode::OK);
    assert!(
        css.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    assert!(
        css.headers()[CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let etag = css.headers()[ETAG].clone();

    let image = app.get("/static/img/exosome-glow.svg").await;
    assert_eq!(image.status(), StatusCode::OK);
    assert_eq!(image.headers()[CONTENT_TYPE], "image/svg+xml");
    assert!(
        image.headers()[CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("max-age=")
    );

    let revalidated = app
        .client
        .get(app.url("/static/style.css"))
        .header(IF_NONE_MATCH, etag)
        .send()
        .await
        .unwrap();
    assert_eq!(revalidated.status(), StatusCode::NOT_MODIFIED);

    for missing in [
        "/static/nope.css",
        "/static/../Cargo.toml",
        "/static/%2e%2e/Cargo.toml",
    ] {
        assert_eq!(
            app.get(missing).await.status(),
            StatusCode::NOT_FOUND,
            "{missing}"
        );
    }
}

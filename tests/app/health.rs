use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Mutex;
use tokio::task::JoinHandle;

use crate::common::{PgDatabase, Site, TestApp, header_user, postgres_admin_url, skip};
use crate::on_both_backends;

const ARTICLE: &str = "/posts/exosome-therapy-skin-rejuvenation";
const PASSWORD: &str = "velvet kettle orbits lazily";

on_both_backends!(
    healthz_answers_200_with_the_database_reachable,
    readyz_reports_each_service,
    every_response_carries_a_request_id
);

async fn readyz_reports_each_service(app: TestApp) {
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert_eq!(response.text().await.unwrap(), "database: ok\n");
}

#[actix_web::test]
async fn metrics_need_the_token_and_count_requests_by_route() {
    let mut site = Site::new(crate::common::Backend::Sqlite).expect("a site");
    site.config.metrics_token = Some("scrape-secret-1234".to_owned());
    let app = site.start().await;
    for _ in 0..3 {
        assert_eq!(
            app.get("/posts/exosome-therapy-skin-rejuvenation")
                .await
                .status(),
            200
        );
    }
    assert_eq!(app.get("/posts/no-such-post").await.status(), 404);
    let client = reqwest::Client::new();
    let scrape = |token: &'static str| {
        client
            .get(app.url("/metrics"))
            .header("authorization", format!("Bearer {token}"))
            .send()
    };
    assert_eq!(
        app.get("/metrics").await.status(),
        404,
        "no token, no metrics"
    );
    assert_eq!(scrape("wrong-secret-0000").await.unwrap().status(), 404);
    let response = scrape("scrape-secret-1234").await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let text = response.text().await.unwrap();
    let line = |start: &str| {
        text.lines()
            .find(|line| line.starts_with(start))
            .unwrap_or_else(|| panic!("no {start} in:\n{text}"))
            .rsplit(' ')
            .next()
            .unwrap()
            .to_owned()
    };
    let requests = "glowpress_http_requests_total{method=\"GET\",route=\"/posts/{slug}\"";
    assert_eq!(line(&format!("{requests},status=\"200\"}}")), "3");
    assert_eq!(line(&format!("{requests},status=\"404\"}}")), "1");
    assert!(text.contains("glowpress_http_request_duration_seconds_bucket{"));
    assert_eq!(
        line("glowpress_page_cache_hits_total{cache=\"article\"}"),
        "2"
    );
    assert!(text.contains("glowpress_db_pool_connections{state=\"idle\"}"));
    assert!(text.trim_end().ends_with("# EOF"));
}

#[actix_web::test]
async fn metrics_are_a_404_when_no_token_is_configured() {
    let app = TestApp::spawn(crate::common::Backend::Sqlite)
        .await
        .expect("an app");
    assert_eq!(app.get("/metrics").await.status(), 404);
    let response = reqwest::Client::new()
        .get(app.url("/metrics"))
        .header("authorization", "Bearer ")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404, "an empty token opens nothing");
}

#[actix_web::test]
async fn readyz_checks_redis_when_sessions_live_there() {
    let Some(url) = crate::common::redis_url() else {
        return crate::common::skip_without_redis("/readyz with Redis");
    };
    let mut site = Site::new(crate::common::Backend::Sqlite).expect("a site");
    site.config.redis_url = Some(url);
    let app = site.start().await;
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text().await.unwrap(), "database: ok\nredis: ok\n");
}

async fn every_response_carries_a_request_id(app: TestApp) {
    let first = app.get("/").await;
    let second = app.get("/no-such-page").await;
    let id = |r: &reqwest::Response| r.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(id(&first).len(), 16);
    assert_ne!(id(&first), id(&second), "a new id for every request");
    let answered_id = |sent: &'static str| {
        let request = reqwest::Client::new()
            .get(app.url("/"))
            .header("x-request-id", sent);
        async move { id(&request.send().await.unwrap()) }
    };
    assert_eq!(answered_id("lb-7f3a9c01-0002").await, "lb-7f3a9c01-0002");
    assert_ne!(answered_id("<script>").await, "<script>", "replaced");
}

async fn healthz_answers_200_with_the_database_reachable(app: TestApp) {
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
}

/// A TCP relay between the app and PostgreSQL that the test can cut and restore, so the
/// database "goes away" for this app alone without stopping the shared server.
struct Relay {
    port: u16,
    upstream: String,
    tasks: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Relay {
    async fn start(upstream: String) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let relay = Relay {
            port,
            upstream,
            tasks: Arc::default(),
        };
        relay.serve(listener).await;
        relay
    }

    async fn serve(&self, listener: TcpListener) {
        let upstream = self.upstream.clone();
        let tasks = self.tasks.clone();
        let accept = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let upstream = upstream.clone();
                let pipe = tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(&upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                tasks.lock().await.push(pipe);
            }
        });
        self.tasks.lock().await.push(accept);
    }

    /// Closes the port and every open connection.
    async fn cut(&self) {
        for task in self.tasks.lock().await.drain(..) {
            task.abort();
        }
    }

    async fn restore(&self) {
        let listener = TcpListener::bind(("127.0.0.1", self.port)).await.unwrap();
        self.serve(listener).await;
    }
}

/// Asks `path` every quarter second, for up to 15 s, until it answers `expected`.
async fn wait_for_status(app: &TestApp, path: &str, expected: StatusCode) {
    for _ in 0..60 {
        if app.get(path).await.status() == expected {
            return;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!("{path} never answered {expected}");
}

#[actix_web::test]
async fn healthz_follows_postgres_going_away_and_coming_back_without_a_restart() {
    let Some(admin) = postgres_admin_url() else {
        return skip("healthz with PostgreSQL going away");
    };
    let database = PgDatabase::create(&admin);
    let host_and_rest = database.url.split('@').nth(1).unwrap();
    let (upstream, name) = host_and_rest.split_once('/').unwrap();
    let relay = Relay::start(upstream.to_owned()).await;
    let relayed_url = database
        .url
        .replace(upstream, &format!("127.0.0.1:{}", relay.port));
    assert!(relayed_url.ends_with(name));

    let mut site = Site::new(crate::common::Backend::Sqlite).unwrap();
    site.config.database_url = Some(relayed_url);
    let app = site.start().await;
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);

    relay.cut().await;
    wait_for_status(&app, "/healthz", StatusCode::SERVICE_UNAVAILABLE).await;
    let (status, html) = app.page("/").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(html.contains("cannot reach its database"), "{html}");

    relay.restore().await;
    wait_for_status(&app, "/healthz", StatusCode::OK).await;
    let (status, _) = app.page("/").await;
    assert_eq!(status, StatusCode::OK);
    drop(app);
    drop(database);
}

#[actix_web::test]
async fn redis_going_away_gives_sessions_a_503_page_while_logged_out_reading_goes_on() {
    let Some(url) = crate::common::redis_url() else {
        return crate::common::skip_without_redis("Redis going away");
    };
    let address = url.trim_start_matches("redis://");
    let (upstream, database) = address.split_once('/').unwrap_or((address, "0"));
    let relay = Relay::start(upstream.to_owned()).await;
    let mut site = Site::new(crate::common::Backend::Sqlite).expect("a site");
    site.config.redis_url = Some(format!("redis://127.0.0.1:{}/{database}", relay.port));
    let app = site.start().await;
    app.add_subscriber("mira_lune", "mira@example.com", PASSWORD);
    let page = app.log_in("mira_lune", PASSWORD).await;
    assert_eq!(header_user(&page.html).as_deref(), Some("mira_lune"));

    relay.cut().await;
    wait_for_status(&app, "/readyz", StatusCode::SERVICE_UNAVAILABLE).await;
    for path in [ARTICLE, "/", "/cart"] {
        let (status, html) = app.page(path).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{path}");
        assert!(html.contains("keeps logins and carts"), "{path}: {html}");
    }
    let reader = app.new_browser();
    let (status, html) = reader.page(ARTICLE).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "a reader without a session reads on"
    );
    assert!(html.contains("Exosome"));

    relay.restore().await;
    wait_for_status(&app, "/readyz", StatusCode::OK).await;
    // The session was kept in Redis: still logged in, without a restart.
    let (status, html) = app.page("/").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header_user(&html).as_deref(), Some("mira_lune"));
}

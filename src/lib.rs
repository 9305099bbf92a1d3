//! glowpress: a server-rendered blog engine with threaded comments, reader accounts and a
//! skincare shop cart. `Application::build` is what `main` and the tests both start.

#![deny(clippy::unwrap_used)]

pub mod accounts;
pub mod admin;
pub mod comments;
pub mod config;
pub mod db;
pub mod demo;
pub mod error;
pub mod import;
pub mod mail;
pub mod media;
pub mod posts;
pub mod search;
pub mod settings;
pub mod shop;
pub mod web;

use std::net::TcpListener;

use actix_session::storage::{CookieSessionStore, SessionStore};
use actix_web::dev::{Server, ServerHandle};
use actix_web::{App, HttpServer, middleware, web as actix};
use anyhow::Context;

pub use config::Config;
use db::{Db, Target};
use error::AppError;
use mail::Mailer;
use web::SiteInfo;
use web::client::TrustProxy;
use web::session::Secrets;

/// How long a request waits on Redis for its session before it gets the 503 page.
const SESSION_STORE_PATIENCE: std::time::Duration = std::time::Duration::from_millis(750);

/// Opens (and migrates) the database the config points at, creating the data dir first.
pub fn open_database(config: &Config) -> anyhow::Result<Db> {
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("cannot create the data dir {}", config.data_dir.display()))?;
    let target = Target::from_url(&config.database_url());
    let max_connections = if target.is_postgres() { 10 } else { 8 };
    Db::open(target, max_connections)
}

pub struct Application {
    port: u16,
    server: Server,
    content: db::content::Shared,
}

/// Everything the handlers share, built once.
#[derive(Clone)]
struct Shared {
    db: actix::Data<Db>,
    secrets: actix::Data<Secrets>,
    site: actix::Data<SiteInfo>,
    mailer: actix::Data<Mailer>,
    trust_proxy: actix::Data<TrustProxy>,
    comment_timing: actix::Data<comments::Timing>,
    media_dir: actix::Data<media::store::MediaDir>,
    chrome: actix::Data<web::layout::ChromeCache>,
    headers: actix::Data<web::layout::HeaderCache>,
    articles: actix::Data<posts::article::ArticleCache>,
    listings: actix::Data<posts::ListingCache>,
    shop_pages: actix::Data<shop::ShopCache>,
    readiness: actix::Data<web::health::Readiness>,
    metrics: actix::Data<web::metrics::Metrics>,
}

impl Application {
    /// Everything that can fail at start-up fails here, before the first request.
    pub async fn build(config: Config) -> anyhow::Result<Application> {
        let startup_config = config.clone();
        let (db, secrets, setup_token) = actix::block(move || prepare(&startup_config))
            .await
            .context("start-up task failed")??;
        let mailer = Mailer::new(
            config.smtp_url.as_deref(),
            &config.mail_from,
            config.outbox_dir(),
        )?;
        let listener = TcpListener::bind(&config.bind)
            .with_context(|| format!("cannot listen on {}", config.bind))?;
        let port = listener.local_addr()?.port();
        let site = SiteInfo {
            public_url: config.public_url(port),
            secure_cookies: config.secure_cookies(),
            sitemap_urls: config.sitemap_urls,
        };
        if let Some(token) = setup_token {
            tracing::warn!(
                "no administrator yet: create one at {}/setup?token={token} \
                 (or run `glowpress create-admin`)",
                site.public_url
            );
        }
        shop::spawn_cart_cleanup(db.clone());
        db::content::spawn_watch(&db).context("cannot start the content watch")?;
        let content = db.content().clone();
        let chrome = actix::Data::<web::layout::ChromeCache>::default();
        let headers = actix::Data::<web::layout::HeaderCache>::default();
        let articles = actix::Data::<posts::article::ArticleCache>::default();
        let listings = actix::Data::<posts::ListingCache>::default();
        let shop_pages = actix::Data::<shop::ShopCache>::default();
        let caches = [
            ("article", articles.lookup_counters()),
            ("listing", listings.lookup_counters()),
            ("shop", shop_pages.lookup_counters()),
            ("chrome", chrome.lookup_counters()),
            ("header", headers.lookup_counters()),
        ];
        let metrics = web::metrics::Metrics::new(
            config.metrics_token.clone(),
            caches
                .into_iter()
                .map(|(name, (hits, misses))| web::metrics::CacheCounters { name, hits, misses })
                .collect(),
        );
        let shared = Shared {
            db: actix::Data::new(db),
            secrets: actix::Data::new(secrets),
            site: actix::Data::new(site),
            mailer: actix::Data::new(mailer),
            trust_proxy: actix::Data::new(TrustProxy(config.trust_proxy)),
            comment_timing: actix::Data::new(config.comment_timing()),
            media_dir: actix::Data::new(media::store::MediaDir(config.media_dir())),
            chrome,
            headers,
            articles,
            listings,
            shop_pages,
            metrics: actix::Data::new(metrics),
            readiness: actix::Data::new(readiness(&config)?),
        };
        let server = match &config.redis_url {
            Some(url) => {
                let store = web::session::RedisSessions::connect(url, SESSION_STORE_PATIENCE)
                    .await
                    .map_err(|e| anyhow::anyhow!("cannot reach Redis at REDIS_URL: {e}"))?;
                serve(listener, move || store.clone(), shared, config.workers)?
            }
            None => serve(
                listener,
                CookieSessionStore::default,
                shared,
                config.workers,
            )?,
        };
        Ok(Application {
            port,
            server,
            content,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The content version this node serves pages for (tests tell it of their own writes).
    pub fn content_version(&self) -> db::content::Shared {
        self.content.clone()
    }

    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// The HTTP server over a session store of either kind.
fn serve<S, F>(
    listener: TcpListener,
    make_store: F,
    shared: Shared,
    workers: Option<usize>,
) -> anyhow::Result<Server>
where
    S: SessionStore + 'static,
    F: Fn() -> S + Clone + Send + 'static,
{
    let mut server = HttpServer::new(move || {
        let secure = shared.site.secure_cookies;
        let https = shared.site.public_url.starts_with("https://");
        let sessions = web::session::middleware(make_store(), &shared.secrets, secure);
        App::new()
            .app_data(shared.db.clone())
            .app_data(shared.secrets.clone())
            .app_data(shared.site.clone())
            .app_data(shared.mailer.clone())
            .app_data(shared.trust_proxy.clone())
            .app_data(shared.comment_timing.clone())
            .app_data(shared.media_dir.clone())
            .app_data(shared.chrome.clone())
            .app_data(shared.headers.clone())
            .app_data(shared.articles.clone())
            .app_data(shared.listings.clone())
            .app_data(shared.shop_pages.clone())
            .app_data(shared.readiness.clone())
            .app_data(shared.metrics.clone())
            .app_data(actix::QueryConfig::default().error_handler(|err, _| {
                AppError::BadRequest(format!("The address has a malformed query: {err}")).into()
            }))
            // An id in the address that is not a number names nothing: the 404 page.
            .app_data(actix::PathConfig::default().error_handler(|_, _| AppError::NotFound.into()))
            .app_data(web::forms::form_config(web::csrf::MAX_FORM_BYTES))
            .wrap(middleware::from_fn(web::csrf::protect))
            .wrap(web::error_pages::in_site_layout())
            .wrap(sessions)
            .wrap(middleware::from_fn(web::session::store_failure_as_503))
            .wrap(middleware::from_fn(web::caching::private_when_personal))
            .wrap(middleware::from_fn(web::etag::revalidate))
            .wrap(web::security_headers::default_headers(https))
            .wrap(middleware::Compress::default())
            .wrap(middleware::from_fn(web::head::as_get))
            .wrap(middleware::from_fn(web::request_id::tag))
            .wrap(middleware::from_fn(web::metrics::record))
            .wrap(
                middleware::Logger::new("%a \"%{request}xi\" %s %b %Dms id=%{x-request-id}o")
                    .custom_request_replace("request", web::access_log::request_line),
            )
            .configure(web::health::routes)
            .configure(web::metrics::routes)
            .configure(web::static_files::routes)
            .configure(media::serve::routes)
            .configure(posts::routes)
            .configure(search::routes)
            .configure(comments::routes)
            .configure(accounts::routes)
            .configure(shop::routes)
            .configure(admin::routes)
            // Last: pages at `/{slug}` take only what no route took.
            .default_service(actix::to(posts::pages::page_or_not_found))
    })
    .listen(listener)?;
    if let Some(workers) = workers {
        server = server.workers(workers);
    }
    Ok(server.run())
}

/// Renders again the stored HTML of posts, pages and comments saved under older Markdown or
/// sanitizer rules (each table's `render_version`); returns how many of each.
pub fn rerender_outdated(conn: &mut db::DbConn) -> anyhow::Result<(usize, usize)> {
    let posts = posts::editor::rerender_outdated(conn)?;
    let comments = comments::rerender_outdated(conn)?;
    let digests = comments::store::fill_digests(conn)?;
    if digests > 0 {
        tracing::info!(digests, "comment digests computed for the duplicate check");
    }
    if posts + comments > 0 {
        db::content::bump(conn)?;
    }
    Ok((posts, comments))
}

/// Opens the database, loads the demo content if asked to and the database is empty, and
/// reads the secrets. Returns a setup token while no administrator exists.
/// What `/readyz` checks besides the database: Redis, when sessions live there.
fn readiness(config: &Config) -> anyhow::Result<web::health::Readiness> {
    let redis = match &config.redis_url {
        Some(url) => Some(
            redis::Client::open(url.as_str())
                .map_err(|e| anyhow::anyhow!("REDIS_URL is not a Redis address: {e}"))?,
        ),
        None => None,
    };
    Ok(web::health::Readiness { redis })
}

fn prepare(config: &Config) -> anyhow::Result<(Db, Secrets, Option<String>)> {
    let db = open_database(config)?;
    let mut conn = db.get_blocking()?;
    if config.load_demo() && demo::load_if_empty(&mut conn)? {
        tracing::info!("demo content loaded");
    }
    let renormalized = accounts::users::normalize_stored_emails(&mut conn)?;
    if renormalized > 0 {
        tracing::info!(renormalized, "email addresses re-normalised for lookups");
    }
    let (posts, comments) = rerender_outdated(&mut conn)?;
    if posts + comments > 0 {
        tracing::info!(
            posts,
            comments,
            "stored HTML rendered again under the current rules"
        );
    }
    let secrets = web::session::load_secrets(&mut conn, config.session_key.as_deref())?;
    let setup_token = accounts::setup::issue_token_if_needed(&mut conn)?;
    // Known before the first request, so a page kept at start-up is not dropped when the
    // watch first reads the version.
    db.content()
        .observe_both(db::content::read_both(&mut conn)?);
    drop(conn);
    Ok((db, secrets, setup_token))
}

//! glowpress: a server-rendered blog engine with threaded comments, reader accounts and a
//! skincare shop cart. `Application::build` is what `main` and the tests both start.

pub mod config;
pub mod db;
pub mod demo;
pub mod error;
pub mod posts;
pub mod settings;
pub mod web;

use std::net::TcpListener;

use actix_web::dev::{Server, ServerHandle};
use actix_web::{App, HttpServer, middleware, web as actix};
use anyhow::Context;

pub use config::Config;
use db::{Db, Target};

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
}

impl Application {
    /// Everything that can fail at start-up fails here, before the first request.
    pub async fn build(config: Config) -> anyhow::Result<Application> {
        let startup_config = config.clone();
        let db = actix::block(move || prepare(&startup_config))
            .await
            .context("start-up task failed")??;
        let listener = TcpListener::bind(&config.bind)
            .with_context(|| format!("cannot listen on {}", config.bind))?;
        let port = listener.local_addr()?.port();
        let db = actix::Data::new(db);
        let mut server = HttpServer::new(move || {
            App::new()
                .app_data(db.clone())
                .app_data(actix::QueryConfig::default().error_handler(|err, _| {
                    error::AppError::BadRequest(format!("The address has a malformed query: {err}"))
                        .into()
                }))
                .wrap(web::error_pages::in_site_layout())
                .wrap(web::security_headers::default_headers())
                .wrap(middleware::Compress::default())
                .wrap(middleware::Logger::new("%a \"%r\" %s %b %Dms"))
                .configure(web::health::routes)
                .configure(web::static_files::routes)
                .configure(posts::routes)
                .default_service(actix::to(web::layout::not_found))
        })
        .listen(listener)?;
        if let Some(workers) = config.workers {
            server = server.workers(workers);
        }
        Ok(Application {
            port,
            server: server.run(),
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Opens the database and loads the demo content if asked to and the database is empty.
fn prepare(config: &Config) -> anyhow::Result<Db> {
    let db = open_database(config)?;
    if config.load_demo() {
        let mut conn = db.get_blocking()?;
        if demo::load_if_empty(&mut conn)? {
            tracing::info!("demo content loaded");
        }
    }
    Ok(db)
}

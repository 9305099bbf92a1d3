//! Configuration from flags, environment variables and an optional `.env` file, with
//! defaults that work on a fresh machine. Passed around as a value, never a global.

use std::path::PathBuf;

use clap::builder::BoolishValueParser;

#[derive(clap::Args, Clone, Debug)]
pub struct Config {
    /// Address to serve on.
    #[arg(
        long,
        env = "GLOWPRESS_BIND",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub bind: String,

    /// Folder for all state: the SQLite database, session key, uploads, outbox.
    #[arg(
        long,
        env = "GLOWPRESS_DATA_DIR",
        default_value = "./data",
        global = true
    )]
    pub data_dir: PathBuf,

    /// postgres://… for PostgreSQL; default: SQLite at <data dir>/glowpress.db.
    #[arg(long, env = "DATABASE_URL", global = true)]
    pub database_url: Option<String>,

    /// redis://… to keep sessions and rate-limit counters in Redis.
    #[arg(long, env = "REDIS_URL", global = true)]
    pub redis_url: Option<String>,

    /// Load demo content into an empty database (1/0).
    #[arg(long, env = "GLOWPRESS_DEMO", default_value = "1", value_parser = BoolishValueParser::new(), global = true)]
    pub demo: bool,

    /// Same as GLOWPRESS_DEMO=0.
    #[arg(long, global = true)]
    pub no_demo: bool,

    /// The address people use, e.g. https://glow.example (links in emails; https makes
    /// cookies Secure). Default: http://<bind>.
    #[arg(long, env = "GLOWPRESS_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,

    /// Session signing key (128 hex characters). Default: generated once and kept in the
    /// database, so every node and every restart shares it.
    #[arg(
        long,
        env = "GLOWPRESS_SESSION_KEY",
        global = true,
        hide_env_values = true
    )]
    pub session_key: Option<String>,

    /// smtp://… or smtps://user:pass@host for outgoing mail; default: .eml files in
    /// <data dir>/outbox.
    #[arg(
        long,
        env = "GLOWPRESS_SMTP_URL",
        global = true,
        hide_env_values = true
    )]
    pub smtp_url: Option<String>,

    /// The From: of outgoing mail.
    #[arg(
        long,
        env = "GLOWPRESS_MAIL_FROM",
        default_value = "glowpress <noreply@localhost>",
        global = true
    )]
    pub mail_from: String,

    /// Take the client address from X-Forwarded-For / Forwarded (only behind a proxy that
    /// sets them), for login throttling.
    #[arg(long, env = "GLOWPRESS_TRUST_PROXY", default_value = "0", value_parser = BoolishValueParser::new(), global = true)]
    pub trust_proxy: bool,

    /// Seconds a reply form must be open before it is sent (robots are faster).
    #[arg(
        long,
        env = "GLOWPRESS_COMMENT_MIN_SECONDS",
        default_value_t = 3,
        global = true
    )]
    pub comment_min_seconds: i64,

    /// Seconds between two comments from one address or email.
    #[arg(
        long,
        env = "GLOWPRESS_COMMENT_FLOOD_SECONDS",
        default_value_t = 15,
        global = true
    )]
    pub comment_flood_seconds: i64,

    /// Addresses per sitemap file; past it `/sitemap.xml` is an index of files (the
    /// protocol allows 50,000).
    #[arg(
        long,
        env = "GLOWPRESS_SITEMAP_URLS",
        default_value_t = 50_000,
        global = true
    )]
    pub sitemap_urls: usize,

    /// Bearer token that opens `/metrics` (Prometheus text format); without it `/metrics`
    /// is a 404, since request counts are nobody else's business.
    #[arg(
        long,
        env = "GLOWPRESS_METRICS_TOKEN",
        global = true,
        hide_env_values = true
    )]
    pub metrics_token: Option<String>,

    /// HTTP worker threads (default: one per core).
    #[arg(long, env = "GLOWPRESS_WORKERS", global = true)]
    pub workers: Option<usize>,
}

impl Config {
    /// A config for tests and tools: everything at its default except the data dir.
    pub fn for_data_dir(data_dir: PathBuf) -> Config {
        Config {
            bind: "127.0.0.1:0".to_owned(),
            data_dir,
            database_url: None,
            redis_url: None,
            demo: true,
            no_demo: false,
            workers: Some(2),
            public_url: None,
            session_key: None,
            smtp_url: None,
            mail_from: "glowpress <noreply@localhost>".to_owned(),
            trust_proxy: false,
            comment_min_seconds: 3,
            comment_flood_seconds: 15,
            sitemap_urls: 50_000,
            metrics_token: None,
        }
    }

    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) if !url.trim().is_empty() => url.trim().to_owned(),
            _ => self
                .data_dir
                .join("glowpress.db")
                .to_string_lossy()
                .into_owned(),
        }
    }

    /// Without a trailing slash.
    pub fn public_url(&self, bound_port: u16) -> String {
        match &self.public_url {
            Some(url) if !url.trim().is_empty() => url.trim().trim_end_matches('/').to_owned(),
            _ => {
                let host = self.bind.rsplit_once(':').map_or("127.0.0.1", |(h, _)| h);
                let host = if host == "0.0.0.0" { "127.0.0.1" } else { host };
                format!("http://{host}:{bound_port}")
            }
        }
    }

    pub fn secure_cookies(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|url| url.trim().starts_with("https://"))
    }

    pub fn outbox_dir(&self) -> PathBuf {
        self.data_dir.join("outbox")
    }

    /// Uploaded images and their variants.
    pub fn media_dir(&self) -> PathBuf {
        self.data_dir.join("media")
    }

    pub fn comment_timing(&self) -> crate::comments::Timing {
        crate::comments::Timing {
            min_form_age: self.comment_min_seconds.max(0),
            flood_interval: self.comment_flood_seconds.max(0),
            ..crate::comments::Timing::default()
        }
    }

    pub fn load_demo(&self) -> bool {
        self.demo && !self.no_demo
    }
}

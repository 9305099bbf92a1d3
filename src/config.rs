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

    pub fn load_demo(&self) -> bool {
        self.demo && !self.no_demo
    }
}

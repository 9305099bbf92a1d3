#![deny(clippy::unwrap_used)]

use clap::{Parser, Subcommand};
use glowpress::{Application, Config};

/// glowpress: a blog with comments, reader accounts and a shop cart, in one binary.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(flatten)]
    config: Config,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the site (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Create an administrator. The password comes from GLOWPRESS_ADMIN_PASSWORD or a prompt.
    CreateAdmin {
        #[arg(long)]
        username: String,
        #[arg(long)]
        email: String,
    },
    /// Render again the stored HTML of posts, pages and comments made with older rules (start-up
    /// does it too).
    Rerender,
    /// Add many generated posts, comments and products, to measure the site as it grows
    /// (e.g. `generate --posts 100000 --comments 1000000 --products 10000`).
    Generate {
        #[arg(long, default_value_t = 0)]
        posts: usize,
        #[arg(long, default_value_t = 0)]
        comments: usize,
        #[arg(long, default_value_t = 0)]
        products: usize,
    },
    /// Import a WordPress export (WXR): authors, categories, tags, posts, pages, media
    /// records and comments, all or nothing. Running it again adds nothing twice.
    ImportWordpress {
        /// The export file (Tools → Export in WordPress).
        file: std::path::PathBuf,
    },
    /// Write a consistent copy of the SQLite database to FILE while the site serves
    /// (PostgreSQL: use pg_dump).
    Backup {
        /// A new file for the copy.
        file: std::path::PathBuf,
    },
    /// Change a site setting, e.g. `settings set users_can_register 1`.
    Settings {
        #[command(subcommand)]
        action: SettingsAction,
    },
}

#[derive(Subcommand)]
enum SettingsAction {
    /// Show every setting with its current value.
    List,
    /// Set one setting.
    Set { key: String, value: String },
}

fn main() -> anyhow::Result<()> {
    let _ = dotenvy::dotenv();
    let cli = Cli::parse();
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,actix_server=warn".into());
    // GLOWPRESS_LOG_FORMAT=json: one JSON object per line, for a log collector.
    let json = std::env::var("GLOWPRESS_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    let logs = tracing_subscriber::fmt().with_env_filter(filter);
    if json {
        logs.json().init();
    } else {
        logs.init();
    }
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(cli.config),
        Command::Migrate => {
            glowpress::open_database(&cli.config)?;
            println!("migrations applied");
            Ok(())
        }
        Command::Settings { action } => settings(&cli.config, action),
        Command::Rerender => {
            let db = glowpress::open_database(&cli.config)?;
            let mut conn = db.get_blocking()?;
            let (posts, comments) = glowpress::rerender_outdated(&mut conn)?;
            println!("rendered again: {posts} posts and pages, {comments} comments");
            Ok(())
        }
        Command::CreateAdmin { username, email } => create_admin(&cli.config, username, email),
        Command::Generate {
            posts,
            comments,
            products,
        } => {
            let db = glowpress::open_database(&cli.config)?;
            let mut conn = db.get_blocking()?;
            let started = std::time::Instant::now();
            let growth = glowpress::demo::grow::Growth {
                posts,
                comments,
                products,
            };
            let grown = glowpress::demo::grow::grow(&mut conn, growth)?;
            println!(
                "added {} posts, {} comments and {} products in {:.1} s",
                grown.posts,
                grown.comments,
                grown.products,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::ImportWordpress { file } => import_wordpress(&cli.config, &file),
        Command::Backup { file } => {
            let db = glowpress::open_database(&cli.config)?;
            let mut conn = db.get_blocking()?;
            glowpress::db::backup::backup(&mut conn, &file)?;
            println!("database copied to {}", file.display());
            Ok(())
        }
    }
}

fn serve(config: Config) -> anyhow::Result<()> {
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(config.clone()).await?;
        let host = config.bind.rsplit_once(':').map_or("127.0.0.1", |(h, _)| h);
        tracing::info!("glowpress is serving on http://{host}:{}/", app.port());
        app.run_until_stopped().await?;
        Ok(())
    })
}

fn settings(config: &Config, action: SettingsAction) -> anyhow::Result<()> {
    let db = glowpress::open_database(config)?;
    let mut conn = db.get_blocking()?;
    match action {
        SettingsAction::List => {
            let current = glowpress::settings::current_values(&mut conn)?;
            for (definition, value) in current {
                println!("{} = {}    # {}", definition.key, value, definition.help);
            }
        }
        SettingsAction::Set { key, value } => {
            glowpress::settings::set(&mut conn, &key, &value)?;
            println!("{key} updated");
        }
    }
    Ok(())
}

fn import_wordpress(config: &Config, file: &std::path::Path) -> anyhow::Result<()> {
    let xml = std::fs::read_to_string(file)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
    let db = glowpress::open_database(config)?;
    let mut conn = db.get_blocking()?;
    let started = std::time::Instant::now();
    let summary = match glowpress::import::import_wordpress(&mut conn, &xml) {
        Ok(summary) => summary,
        Err(e) => {
            eprintln!("error: {}: {e}", file.display());
            std::process::exit(1);
        }
    };
    print!("{summary}");
    println!("Done in {} ms.", started.elapsed().as_millis());
    Ok(())
}

fn create_admin(config: &Config, username: String, email: String) -> anyhow::Result<()> {
    use glowpress::accounts::setup::{AdminFields, check_fields, insert_admin};
    let (password, password_again) = match std::env::var("GLOWPRESS_ADMIN_PASSWORD") {
        Ok(password) => (password.clone(), password),
        Err(_) => (
            rpassword::prompt_password("Password: ")?,
            rpassword::prompt_password("Password again: ")?,
        ),
    };
    let fields = AdminFields {
        username,
        email,
        password,
        password_again,
    };
    let errors = check_fields(&fields);
    if !errors.is_empty() {
        for (field, message) in errors.iter() {
            eprintln!("{field}: {message}");
        }
        anyhow::bail!("no administrator was created");
    }
    let db = glowpress::open_database(config)?;
    let mut conn = db.get_blocking()?;
    insert_admin(&mut conn, &fields)?;
    println!("administrator {} created", fields.username.trim());
    Ok(())
}

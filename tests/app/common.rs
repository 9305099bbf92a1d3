//! The black-box harness: each test starts the real app on a random port with a fresh
//! database (a temp SQLite file, or a new PostgreSQL database dropped afterwards) and talks
//! HTTP to it with a cookie-keeping client that follows redirects, like a browser.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use actix_web::dev::ServerHandle;
use diesel::{Connection, RunQueryDsl, pg::PgConnection};
use glowpress::db::DbConn;
use glowpress::{Application, Config};
use reqwest::StatusCode;
use tempfile::TempDir;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server tests may use: `GLOWPRESS_TEST_POSTGRES_URL`, or the CI default when
/// `CI` is set. `None` means the PostgreSQL tests skip.
pub fn postgres_admin_url() -> Option<String> {
    match std::env::var("GLOWPRESS_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => {
            Some("postgres://postgres@127.0.0.1:5432/test".to_owned())
        }
        _ => None,
    }
}

pub fn skip(what: &str) {
    eprintln!(
        "skipped: {what} (set GLOWPRESS_TEST_POSTGRES_URL, or CI, to run it against a real server)"
    );
}

/// A database created for one test and dropped when the test ends.
pub struct PgDatabase {
    admin_url: String,
    name: String,
    pub url: String,
}

impl PgDatabase {
    pub fn create(admin_url: &str) -> PgDatabase {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let name = format!(
            "glowpress_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            nanos
        );
        let mut admin = PgConnection::establish(admin_url)
            .unwrap_or_else(|e| panic!("PostgreSQL at {admin_url} is required here: {e}"));
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .expect("create the test database");
        let base = admin_url
            .rsplit_once('/')
            .map_or(admin_url, |(base, _)| base);
        PgDatabase {
            admin_url: admin_url.to_owned(),
            url: format!("{base}/{name}"),
            name,
        }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        if let Ok(mut admin) = PgConnection::establish(&self.admin_url) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .execute(&mut admin);
        }
    }
}

/// A fresh data dir, and on PostgreSQL a fresh database; kept for restarts.
pub struct Site {
    pub config: Config,
    _data_dir: TempDir,
    _postgres: Option<PgDatabase>,
}

impl Site {
    pub fn new(backend: Backend) -> Option<Site> {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let mut config = Config::for_data_dir(data_dir.path().to_path_buf());
        let postgres = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => {
                let admin = postgres_admin_url()?;
                let database = PgDatabase::create(&admin);
                config.database_url = Some(database.url.clone());
                Some(database)
            }
        };
        Some(Site {
            config,
            _data_dir: data_dir,
            _postgres: postgres,
        })
    }

    pub async fn start(self) -> TestApp {
        let app = Application::build(self.config.clone())
            .await
            .expect("the app starts");
        let base = format!("http://127.0.0.1:{}", app.port());
        let handle = app.handle();
        actix_web::rt::spawn(app.run_until_stopped());
        TestApp {
            base,
            client: browser(),
            handle,
            site: Some(self),
        }
    }

    /// Runs `f` on a connection of its own, for setting the stage of a test.
    pub fn with_conn<T>(&self, f: impl FnOnce(&mut DbConn) -> T) -> T {
        let db = glowpress::open_database(&self.config).expect("open the test database");
        let mut conn = db.get_blocking().expect("a connection");
        f(&mut conn)
    }
}

pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("http client")
}

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    handle: ServerHandle,
    /// Always `Some` until `stop` takes it.
    site: Option<Site>,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        Some(Site::new(backend)?.start().await)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }

    /// GET a page; returns its status and body.
    pub async fn page(&self, path: &str) -> (StatusCode, String) {
        let response = self.get(path).await;
        let status = response.status();
        (status, response.text().await.expect("a body"))
    }

    pub fn site(&self) -> &Site {
        self.site.as_ref().expect("a running app has its site")
    }

    pub fn with_conn<T>(&self, f: impl FnOnce(&mut DbConn) -> T) -> T {
        self.site().with_conn(f)
    }

    /// Stops the server (finishing in-flight requests) and hands back its site.
    pub async fn stop(mut self) -> Site {
        self.handle.stop(true).await;
        self.site.take().expect("a running app has its site")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Sends the stop command at once; the future only waits for it to finish.
        drop(self.handle.stop(false));
    }
}

/// Runs each named `async fn(TestApp)` on SQLite and on PostgreSQL:
/// `name::on_sqlite` and `name::on_postgres` (which skips without a PostgreSQL server).
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            use $crate::common::{Backend, TestApp};

            #[actix_web::test]
            async fn on_sqlite() {
                let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite app");
                super::$name(app).await;
            }

            #[actix_web::test]
            async fn on_postgres() {
                match TestApp::spawn(Backend::Postgres).await {
                    Some(app) => super::$name(app).await,
                    None => $crate::common::skip(concat!(stringify!($name), " on PostgreSQL")),
                }
            }
        }
    )+};
}

/// How many times `needle` occurs in `haystack`.
pub fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

/// The value of the first input named `name`.
pub fn field_value(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\""))?;
    let tag_start = html[..at].rfind('<')?;
    let tag = &html[tag_start..tag_start + html[tag_start..].find('>')?];
    let value = tag.split("value=\"").nth(1)?;
    Some(value[..value.find('"')?].to_owned())
}

/// An administrator who can log in with `password`.
pub fn create_admin(app: &TestApp, username: &str, password: &str) {
    use glowpress::accounts::users::{NewUser, Role, insert};
    let email = format!("{username}@example.com");
    app.with_conn(|conn| {
        let hash = glowpress::accounts::password::hash(password).unwrap();
        let admin = NewUser {
            username,
            email: &email,
            display_name: username,
            password_hash: &hash,
            role: Role::Admin,
        };
        insert(conn, &admin, glowpress::web::dates::now()).unwrap();
    });
}

/// One browser: a cookie jar shared by a client that follows redirects and one that does
/// not, so a test can check where a 303 leads.
pub struct Browser {
    pub base: String,
    pub follow: reqwest::Client,
    pub manual: reqwest::Client,
}

impl Browser {
    pub fn new(app: &TestApp) -> Browser {
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        let build = |policy| {
            reqwest::Client::builder()
                .cookie_provider(jar.clone())
                .redirect(policy)
                .build()
                .expect("http client")
        };
        Browser {
            base: app.base.clone(),
            follow: build(reqwest::redirect::Policy::limited(10)),
            manual: build(reqwest::redirect::Policy::none()),
        }
    }

    /// GET, following redirects: the status and body of where it ends.
    pub async fn page(&self, path: &str) -> (StatusCode, String) {
        let response = self.follow.get(format!("{}{path}", self.base)).send().await;
        let response = response.unwrap_or_else(|e| panic!("GET {path}: {e}"));
        (response.status(), response.text().await.expect("a body"))
    }
}

//! The black-box harness: each test starts the real app on a random port with a fresh
//! database (a temp SQLite file, or a new PostgreSQL database dropped afterwards) and talks
//! HTTP to it with a cookie-keeping client that follows redirects, like a browser.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use actix_web::dev::ServerHandle;
use diesel::{Connection, RunQueryDsl, pg::PgConnection};
use glowpress::accounts::users::Role;
use glowpress::db::DbConn;
use glowpress::{Application, Config};
use reqwest::StatusCode;
use reqwest::cookie::{CookieStore, Jar};
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

/// The Redis server tests may use: `GLOWPRESS_TEST_REDIS_URL`, or the CI default when `CI`
/// is set. `None` means the Redis tests skip.
pub fn redis_url() -> Option<String> {
    match std::env::var("GLOWPRESS_TEST_REDIS_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => Some("redis://127.0.0.1:6379".to_owned()),
        _ => None,
    }
}

pub fn skip_without_redis(what: &str) {
    eprintln!(
        "skipped: {what} (set GLOWPRESS_TEST_REDIS_URL, or CI, to run it against a real server)"
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
    /// `None` for another node of a site (see `another_node`), which owns nothing.
    _data_dir: Option<TempDir>,
    _postgres: Option<PgDatabase>,
}

/// OpenSSL (linked through libpq and native-tls) frees its state in an `atexit` handler
/// while the test process's server threads may still close connections with it: a
/// segfault after every test passed. Asking it first, once, not to register that handler
/// leaves the memory to the operating system, as any exit does.
fn keep_openssl_until_exit() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    #[link(name = "crypto")]
    unsafe extern "C" {
        fn OPENSSL_init_crypto(opts: u64, settings: *const std::ffi::c_void) -> std::ffi::c_int;
    }
    const OPENSSL_INIT_NO_ATEXIT: u64 = 0x0008_0000;
    // SAFETY: a documented initialisation call with no settings; OpenSSL allows it from
    // any thread, and `Once` makes it the first of this process's.
    ONCE.call_once(|| unsafe {
        OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, std::ptr::null());
    });
}

impl Site {
    pub fn new(backend: Backend) -> Option<Site> {
        keep_openssl_until_exit();
        let data_dir = tempfile::tempdir().expect("temp dir");
        let mut config = Config::for_data_dir(data_dir.path().to_path_buf());
        // Tests post comments back to back; the spam-timing tests set their own values.
        config.comment_min_seconds = 0;
        config.comment_flood_seconds = 0;
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
            _data_dir: Some(data_dir),
            _postgres: postgres,
        })
    }

    /// A second node of the same site: the same config (data dir, database), owning none of
    /// it. `self` (or the app it starts) must outlive it: it removes the data dir and the
    /// PostgreSQL database when dropped.
    pub fn another_node(&self) -> Site {
        Site {
            config: self.config.clone(),
            _data_dir: None,
            _postgres: None,
        }
    }

    pub async fn start(self) -> TestApp {
        let app = Application::build(self.config.clone())
            .await
            .expect("the app starts");
        let base = format!("http://127.0.0.1:{}", app.port());
        let handle = app.handle();
        let content = app.content_version();
        actix_web::rt::spawn(app.run_until_stopped());
        let (client, jar) = browser_with_jar();
        TestApp {
            base,
            client,
            jar,
            handle,
            content,
            site: Some(self),
        }
    }

    /// Runs `f` on a connection of its own, for setting the stage of a test. What it wrote
    /// counts as a content change (the content version moves on, as after an admin save).
    pub fn with_conn<T>(&self, f: impl FnOnce(&mut DbConn) -> T) -> T {
        self.with_conn_versioned(f).0
    }

    /// `with_conn`, and the content and people versions after it.
    pub fn with_conn_versioned<T>(&self, f: impl FnOnce(&mut DbConn) -> T) -> (T, (i64, i64)) {
        let db = glowpress::open_database(&self.config).expect("open the test database");
        let mut conn = db.get_blocking().expect("a connection");
        let value = f(&mut conn);
        glowpress::db::content::bump(&mut conn).expect("the content version");
        let versions = glowpress::db::content::read_both(&mut conn).expect("the versions");
        (value, versions)
    }
}

/// A browser-like client (cookies, redirects followed) and its cookie jar, for looking at
/// the cookies it holds.
pub fn browser_with_jar() -> (reqwest::Client, Arc<Jar>) {
    let jar = Arc::new(Jar::default());
    let client = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .build()
        .expect("http client");
    (client, jar)
}

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    /// The cookies of `client`.
    pub jar: Arc<Jar>,
    handle: ServerHandle,
    /// The content version the app serves pages for.
    content: glowpress::db::content::Shared,
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
        self.browser().get(path).await
    }

    /// GET a page, following redirects; returns its status and body.
    pub async fn page(&self, path: &str) -> (StatusCode, String) {
        self.browser().page(path).await
    }

    pub fn site(&self) -> &Site {
        self.site.as_ref().expect("a running app has its site")
    }

    /// The app's own browser (`client` and `jar`), for the helpers of `Browser`.
    pub fn browser(&self) -> Browser {
        Browser {
            base: self.base.clone(),
            client: self.client.clone(),
            jar: self.jar.clone(),
        }
    }

    /// A second visitor: a browser with no cookies yet.
    pub fn new_browser(&self) -> Browser {
        let (client, jar) = browser_with_jar();
        Browser {
            base: self.base.clone(),
            client,
            jar,
        }
    }

    /// From now on `client` is `browser`'s (its cookies are per host, not per port).
    pub fn use_browser(&mut self, browser: &Browser) {
        self.client = browser.client.clone();
        self.jar = browser.jar.clone();
    }

    pub async fn visit(&self, path: &str) -> Page {
        self.browser().visit(path).await
    }

    /// POSTs a form as it is (the caller includes the token); fetches nothing itself.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
        let page = self.submit(path, fields).await;
        (page.status, page.html)
    }

    pub async fn submit(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        self.browser().submit(path, fields).await
    }

    pub async fn register(&self, username: &str, email: &str, password: &str) -> Page {
        self.browser().register(username, email, password).await
    }

    pub async fn log_in(&self, login: &str, password: &str) -> Page {
        self.browser().log_in(login, password).await
    }

    pub async fn log_out(&self) -> Page {
        self.browser().log_out().await
    }

    /// `Site::with_conn`; this node sees the change on its next request (another node
    /// within `content::WATCH_EVERY`).
    pub fn with_conn<T>(&self, f: impl FnOnce(&mut DbConn) -> T) -> T {
        let (value, versions) = self.site().with_conn_versioned(f);
        self.content.observe_both(versions);
        value
    }

    /// The content version this node serves its kept pages for.
    pub fn content_version(&self) -> i64 {
        self.content.current()
    }

    /// Inserts a reader's account (the subscriber role) straight into the database.
    pub fn add_subscriber(&self, username: &str, email: &str, password: &str) -> i32 {
        self.with_conn(|conn| insert_user(conn, username, email, password, Role::Subscriber))
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

/// One shopper: a browser, and a client with the same cookies that does not follow
/// redirects, so a test can check what a POST answers and where a 303 leads.
pub struct Shopper {
    pub browser: Browser,
    pub manual: reqwest::Client,
}

impl Shopper {
    pub fn new(app: &TestApp) -> Shopper {
        let browser = app.new_browser();
        Shopper {
            manual: browser.no_redirects(),
            browser,
        }
    }

    pub async fn page(&self, path: &str) -> (StatusCode, String) {
        self.browser.page(path).await
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

/// Like `on_both_backends!`, for tests that configure their own `Site`: each named
/// `async fn(Backend)` runs as `name::on_sqlite` and `name::on_postgres`.
#[macro_export]
macro_rules! with_each_backend {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            use $crate::common::Backend;

            #[actix_web::test]
            async fn on_sqlite() {
                super::$name(Backend::Sqlite).await;
            }

            #[actix_web::test]
            async fn on_postgres() {
                super::$name(Backend::Postgres).await;
            }
        }
    )+};
}

/// How many times `needle` occurs in `haystack`.
pub fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

/// A page as the browser ended on it, after any redirects.
#[derive(Debug)]
pub struct Page {
    pub status: StatusCode,
    /// Path and query of the final address, e.g. "/login?redirect_to=%2Faccount".
    pub path: String,
    pub html: String,
}

impl Page {
    async fn of(response: reqwest::Response) -> Page {
        let status = response.status();
        let url = response.url();
        let path = match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        };
        let html = response.text().await.expect("a body");
        Page { status, path, html }
    }
}

/// One visitor: a cookie-keeping client that follows redirects, pointed at one app.
#[derive(Clone)]
pub struct Browser {
    pub base: String,
    pub client: reqwest::Client,
    pub jar: Arc<Jar>,
}

impl Browser {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// The same cookies, pointed at another app (cookies are per host, not per port).
    pub fn at(&self, app: &TestApp) -> Browser {
        Browser {
            base: app.base.clone(),
            ..self.clone()
        }
    }

    /// A client sharing this browser's cookies that does not follow redirects, for looking
    /// at a response's status, `Location` and `Set-Cookie` themselves.
    pub fn no_redirects(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_provider(self.jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("http client")
    }

    /// The value of the cookie `name` this browser holds for the site.
    pub fn cookie(&self, name: &str) -> Option<String> {
        let url = reqwest::Url::parse(&self.base).expect("a base URL");
        let header = self.jar.cookies(&url)?;
        header
            .to_str()
            .ok()?
            .split("; ")
            .find_map(|pair| pair.strip_prefix(&format!("{name}=")).map(str::to_owned))
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }

    pub async fn page(&self, path: &str) -> (StatusCode, String) {
        let page = self.visit(path).await;
        (page.status, page.html)
    }

    pub async fn visit(&self, path: &str) -> Page {
        Page::of(self.get(path).await).await
    }

    /// POSTs a form as it is (token included by the caller), following redirects.
    pub async fn submit(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        self.post_body(path, body.into_bytes()).await
    }

    /// POSTs raw bytes as `application/x-www-form-urlencoded`.
    pub async fn post_body(&self, path: &str, body: Vec<u8>) -> Page {
        let response = self
            .client
            .post(self.url(path))
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST {path}: {e}"));
        Page::of(response).await
    }

    /// Fills in the registration form as a visitor would.
    pub async fn register(&self, username: &str, email: &str, password: &str) -> Page {
        let (_, form) = self.page("/register").await;
        let token = csrf_token(&form);
        self.submit(
            "/register",
            &[
                ("csrf_token", &token),
                ("redirect_to", ""),
                ("username", username),
                ("email", email),
                ("password", password),
                ("password_again", password),
            ],
        )
        .await
    }

    /// Fills in the login form as a visitor would (without "Remember me").
    pub async fn log_in(&self, login: &str, password: &str) -> Page {
        let (_, form) = self.page("/login").await;
        let token = csrf_token(&form);
        self.submit(
            "/login",
            &[
                ("csrf_token", &token),
                ("redirect_to", ""),
                ("login", login),
                ("password", password),
            ],
        )
        .await
    }

    /// Presses "Log out" in the header of the home page.
    pub async fn log_out(&self) -> Page {
        let (_, home) = self.page("/").await;
        let token = csrf_token(&home);
        self.submit("/logout", &[("csrf_token", &token)]).await
    }
}

/// The CSRF token of the first form on the page, as a browser would send it.
pub fn csrf_token(html: &str) -> String {
    input_value(html, "csrf_token")
        .unwrap_or_else(|| panic!("the page has no CSRF token field:\n{html}"))
}

/// The value of the `<input>` named `name`, HTML entities decoded.
pub fn input_value(html: &str, name: &str) -> Option<String> {
    let needle = format!("name=\"{name}\"");
    html.match_indices("<input").find_map(|(start, _)| {
        let tag = &html[start..start + html[start..].find('>')?];
        if !tag.contains(&needle) {
            return None;
        }
        let value = tag.split_once(" value=\"")?.1;
        Some(unescape_html(&value[..value.find('"')?]))
    })
}

/// The message shown next to the field `name`, if any.
pub fn field_error(html: &str, name: &str) -> Option<String> {
    let start = format!("id=\"{name}-error\">");
    let rest = &html[html.find(&start)? + start.len()..];
    Some(unescape_html(&rest[..rest.find("</p>")?]))
}

/// Decodes the entities a template escaper writes: `&lt;` or `&#60;`, `&#x3C;`, ….
pub fn unescape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let decoded = rest.find(';').and_then(|end| {
            let entity = &rest[1..end];
            let c = match entity {
                "lt" => Some('<'),
                "gt" => Some('>'),
                "amp" => Some('&'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => entity
                    .strip_prefix("#x")
                    .or_else(|| entity.strip_prefix("#X"))
                    .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                    .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, end + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The display name the header shows after "Logged in as", decoded.
pub fn header_user(html: &str) -> Option<String> {
    let start = "Logged in as <a href=\"/account\">";
    let rest = &html[html.find(start)? + start.len()..];
    Some(unescape_html(&rest[..rest.find("</a>")?]))
}

/// Who the header of `path` names for a request carrying only the session cookie `session`
/// (a copy of a browser's cookie, replayed as someone who took it would).
pub async fn header_user_with_cookie(app: &TestApp, path: &str, session: &str) -> Option<String> {
    let page = reqwest::Client::new()
        .get(app.url(path))
        .header(
            reqwest::header::COOKIE,
            format!("glowpress_session={session}"),
        )
        .send()
        .await
        .unwrap();
    header_user(&page.text().await.unwrap())
}

/// Waits until `path` names nobody for the copied session cookie `session`; another node
/// learns of a log-out within `content::WATCH_EVERY`, this allows a second.
pub async fn wait_until_logged_out(app: &TestApp, path: &str, session: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(1);
    while header_user_with_cookie(app, path, session).await.is_some() {
        assert!(
            std::time::Instant::now() < deadline,
            "{path} still shows the login a second after it ended"
        );
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
}

/// The site title in the header, decoded.
pub fn header_site_title(html: &str) -> Option<String> {
    let start = "<span class=\"brand__title\">";
    let rest = &html[html.find(start)? + start.len()..];
    Some(unescape_html(&rest[..rest.find("</span>")?]))
}

/// Inserts an account of any role, with `password`, straight into the database.
pub fn insert_user(
    conn: &mut DbConn,
    username: &str,
    email: &str,
    password: &str,
    role: Role,
) -> i32 {
    let hash = glowpress::accounts::password::hash(password).expect("a password hash");
    let new = glowpress::accounts::users::NewUser {
        username,
        email,
        display_name: username,
        password_hash: &hash,
        role,
    };
    glowpress::accounts::users::insert(conn, &new, glowpress::web::dates::now())
        .expect("insert a user")
}

/// Inserts an administrator the way `glowpress create-admin` does.
pub fn insert_admin(conn: &mut DbConn, username: &str, email: &str, password: &str) -> i32 {
    use glowpress::accounts::setup::{AdminFields, insert_admin};
    let fields = AdminFields {
        username: username.to_owned(),
        email: email.to_owned(),
        password: password.to_owned(),
        password_again: password.to_owned(),
    };
    insert_admin(conn, &fields).expect("insert an administrator")
}

/// Every mail in the outbox folder `dir`, oldest first (by modification time, then name), as
/// (file name, decoded text). The text is the headers, one `Name: value` a line (unfolded,
/// RFC 2047 encoded words decoded), an empty line, then the body (quoted-printable / base64
/// undone, taken as UTF-8 whatever the charset says: the app only sends UTF-8), with line
/// endings as `\n`, so a test can search it for a URL. Only `*.eml` files
/// count (the mailer's temporary files start with a dot); a missing folder is an empty outbox.
pub fn read_outbox(dir: &Path) -> Vec<(String, String)> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
        Err(e) => panic!("cannot read the outbox {}: {e}", dir.display()),
    };
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry.expect("an outbox entry");
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        let meta = entry.metadata().expect("an outbox entry's metadata");
        if !name.ends_with(".eml") || name.starts_with('.') || !meta.is_file() {
            continue;
        }
        let modified = meta.modified().unwrap_or(UNIX_EPOCH);
        found.push((modified, name, entry.path()));
    }
    found.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    found
        .into_iter()
        .map(|(_, name, path)| {
            let raw = std::fs::read(&path).expect("an outbox mail");
            let text = decode_mail(&raw).unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, text)
        })
        .collect()
}

/// One raw message as readable text (see [`read_outbox`]).
fn decode_mail(raw: &[u8]) -> Result<String, mailparse::MailParseError> {
    let mail = mailparse::parse_mail(raw)?;
    let mut text = String::new();
    for header in &mail.headers {
        text.push_str(&format!("{}: {}\n", header.get_key(), header.get_value()));
    }
    text.push('\n');
    let body = mail.get_body_raw()?;
    text.push_str(&String::from_utf8_lossy(&body).replace("\r\n", "\n"));
    Ok(text)
}

#[test]
fn read_outbox_decodes_headers_and_bodies_and_skips_other_files() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let outbox = dir.path();
    assert!(read_outbox(&outbox.join("missing")).is_empty());
    std::fs::write(outbox.join(".123-abc.tmp"), "Subject: half a mail\r\n").expect("write");
    std::fs::write(outbox.join("notes.txt"), "x").expect("write");
    std::fs::create_dir(outbox.join("sub.eml")).expect("mkdir");
    let qp = "Subject: =?utf-8?b?Q3LDqG1l?= =?UTF-8?Q?_=E2=80=93?=\r\n ok\r\n\
              Content-Transfer-Encoding: quoted-printable\r\n\r\n\
              Cr=C3=A8me: http://x/?token=3Dab=\r\ncd\r\nbye\r\n";
    std::fs::write(outbox.join("1-a.eml"), qp).expect("write");
    let b64 = "Subject: b64\r\nContent-Transfer-Encoding: base64\r\n\r\nQ3LDqG1lCg==\r\n";
    std::fs::write(outbox.join("2-b.eml"), b64).expect("write");

    let mails = read_outbox(outbox);
    let names: Vec<&str> = mails.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["1-a.eml", "2-b.eml"]);
    assert_eq!(
        mails[0].1,
        "Subject: Crème – ok\nContent-Transfer-Encoding: quoted-printable\n\n\
         Crème: http://x/?token=abcd\nbye\n"
    );
    assert_eq!(
        mails[1].1,
        "Subject: b64\nContent-Transfer-Encoding: base64\n\nCrème\n"
    );
}

/// The mails in the site's outbox, oldest first.
pub async fn mails(app: &TestApp) -> Vec<(String, String)> {
    read_outbox(&app.site().config.outbox_dir())
}

/// Waits up to 5 s for the outbox to hold `n` mails (they are sent in the background).
pub async fn wait_for_mails(app: &TestApp, n: usize) -> Vec<(String, String)> {
    for _ in 0..50 {
        let found = mails(app).await;
        if found.len() >= n {
            return found;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the outbox never held {n} mails: {:?}", mails(app).await);
}

/// The reset link's token in a mail.
pub fn reset_token(mail: &str) -> String {
    let marker = "/reset-password?token=";
    let start = mail.find(marker).expect("a reset link") + marker.len();
    let token: String = mail[start..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    assert_eq!(token.len(), 64, "{mail}");
    token
}

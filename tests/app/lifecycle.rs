//! The binary as an operator runs it: SIGTERM lets the request in flight finish, then exits;
//! SIGKILL in the middle of a burst of writes loses none that were answered; `backup` copies
//! the database while it serves.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use crate::common::{csrf_token, input_value};

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start(data_dir: &std::path::Path, port: u16) -> Child {
    glowpress_in(data_dir)
        .arg("--bind")
        .arg(format!("127.0.0.1:{port}"))
        .arg("--workers")
        .arg("1")
        .spawn()
        .unwrap()
}

/// The binary on a SQLite site in `data_dir`, whatever the environment of the test says.
fn glowpress_in(data_dir: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_glowpress"));
    command
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("DATABASE_URL")
        .env_remove("REDIS_URL")
        // Comments are posted back to back.
        .env("GLOWPRESS_COMMENT_MIN_SECONDS", "0")
        .env("GLOWPRESS_COMMENT_FLOOD_SECONDS", "0")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

fn wait_until_serving(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "the server did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn wait_for_exit(child: &mut Child, within: Duration) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

#[test]
fn sigterm_finishes_the_request_in_flight_then_exits() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut server = start(dir.path(), port);
    wait_until_serving(port);

    // A client halfway through sending a form: its request is in flight.
    let body = "q=serum";
    let mut client = TcpStream::connect(("127.0.0.1", port)).unwrap();
    client
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(
        client,
        "POST /cart/items HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\nq=",
        body.len()
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(300));

    let killed = Command::new("kill")
        .arg("-TERM")
        .arg(server.id().to_string())
        .status()
        .unwrap();
    assert!(killed.success());
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        server.try_wait().unwrap().is_none(),
        "the server waits for the request in flight"
    );
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "no new connection is taken once stopping"
    );

    client.write_all(b"serum").unwrap();
    let mut response = String::new();
    client.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 "), "{response}");
    // Without a session and token the add is refused, with a page, not a dropped line.
    assert!(!response.starts_with("HTTP/1.1 5"), "{response}");

    let status = wait_for_exit(&mut server, Duration::from_secs(10));
    match status {
        Some(status) => assert!(status.success(), "{status}"),
        None => {
            server.kill().unwrap();
            panic!("the server did not exit after its last request");
        }
    }
}

const ARTICLE: &str = "/posts/exosome-therapy-skin-rejuvenation";

/// Counts of the writes the server answered with a redirect (each one committed).
#[derive(Default)]
struct Answered {
    comments: AtomicUsize,
    cart_adds: AtomicUsize,
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

async fn form_of(client: &reqwest::Client, url: &str) -> String {
    client.get(url).send().await.unwrap().text().await.unwrap()
}

/// The comment form of the article as one guest got it: its token and time stamp.
struct CommentForm {
    token: String,
    stamp: String,
}

impl CommentForm {
    async fn fetch(client: &reqwest::Client, base: &str) -> CommentForm {
        let form = form_of(client, &format!("{base}{ARTICLE}")).await;
        CommentForm {
            token: csrf_token(&form),
            stamp: input_value(&form, "stamp").expect("a stamp"),
        }
    }

    /// Sends a comment as the form would; the error is a connection that failed.
    async fn post(
        &self,
        client: &reqwest::Client,
        base: &str,
        (author, email, text): (&str, &str, &str),
    ) -> reqwest::Result<reqwest::Response> {
        let fields = [
            ("csrf_token", self.token.as_str()),
            ("stamp", self.stamp.as_str()),
            ("website_confirm", ""),
            ("author", author),
            ("email", email),
            ("url", ""),
            ("comment", text),
        ];
        let url = format!("{base}{ARTICLE}/comments");
        client.post(url).form(&fields).send().await
    }
}

/// A guest posting one comment after another until the server is gone.
async fn keep_commenting(base: String, who: usize, answered: Arc<Answered>) {
    let client = client();
    let form = CommentForm::fetch(&client, &base).await;
    let email = format!("burst{who}@example.com");
    for n in 0.. {
        let text = format!("Burst comment {who}-{n}: calmer skin after a week.");
        let sent = form
            .post(&client, &base, ("Burst Reader", &email, &text))
            .await;
        match sent {
            Ok(r) if r.status() == reqwest::StatusCode::SEE_OTHER => {
                answered.comments.fetch_add(1, Ordering::SeqCst);
            }
            Ok(r) => panic!("comment {who}-{n}: {}", r.status()),
            Err(_) => return,
        }
    }
}

/// A guest adding one unit at a time to the cart until the server is gone (or the line's
/// maximum of 99 is near).
async fn keep_adding_to_cart(base: String, answered: Arc<Answered>) {
    let client = client();
    let form = form_of(&client, &format!("{base}/shop/gentle-cleanser")).await;
    let token = csrf_token(&form);
    let product = input_value(&form, "product_id").expect("a product id");
    for _ in 0..95 {
        let fields = [
            ("csrf_token", token.as_str()),
            ("product_id", product.as_str()),
            ("quantity", "1"),
            ("return_to", "/shop"),
        ];
        match client
            .post(format!("{base}/cart/items"))
            .form(&fields)
            .send()
            .await
        {
            Ok(r) if r.status() == reqwest::StatusCode::SEE_OTHER => {
                answered.cart_adds.fetch_add(1, Ordering::SeqCst);
            }
            Ok(r) => panic!("add to cart: {}", r.status()),
            Err(_) => return,
        }
    }
}

#[derive(QueryableByName)]
struct IntegrityCheck {
    #[diesel(sql_type = Text)]
    integrity_check: String,
}

#[derive(QueryableByName)]
struct Total {
    #[diesel(sql_type = BigInt)]
    total: i64,
}

fn total(conn: &mut SqliteConnection, sql: &str) -> usize {
    let row: Total = diesel::sql_query(sql).get_result(conn).unwrap();
    usize::try_from(row.total).unwrap()
}

/// Opens the SQLite file (recovering its write-ahead log, as the next start would) and
/// asserts that it passes SQLite's integrity check.
fn open_intact(database: &std::path::Path) -> SqliteConnection {
    let mut conn = SqliteConnection::establish(database.to_str().unwrap()).unwrap();
    let check: Vec<IntegrityCheck> = diesel::sql_query("PRAGMA integrity_check")
        .load(&mut conn)
        .unwrap();
    let check: Vec<&str> = check.iter().map(|c| c.integrity_check.as_str()).collect();
    assert_eq!(check, ["ok"]);
    conn
}

fn burst_comments(conn: &mut SqliteConnection) -> usize {
    total(
        conn,
        "SELECT COUNT(*) AS total FROM comments WHERE body LIKE 'Burst comment %'",
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigkill_during_a_burst_of_comments_and_cart_adds_loses_none_that_were_answered() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut server = start(dir.path(), port);
    wait_until_serving(port);
    let base = format!("http://127.0.0.1:{port}");

    let answered = Arc::new(Answered::default());
    let mut writers = Vec::new();
    for who in 0..4 {
        writers.push(tokio::spawn(keep_commenting(
            base.clone(),
            who,
            answered.clone(),
        )));
        writers.push(tokio::spawn(keep_adding_to_cart(
            base.clone(),
            answered.clone(),
        )));
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while answered.comments.load(Ordering::SeqCst) < 40
        || answered.cart_adds.load(Ordering::SeqCst) < 40
    {
        assert!(Instant::now() < deadline, "the burst did not get going");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // Killed while the writers are still sending.
    server.kill().unwrap();
    server.wait().unwrap();
    for writer in writers {
        writer.await.unwrap();
    }
    let comments = answered.comments.load(Ordering::SeqCst);
    let cart_adds = answered.cart_adds.load(Ordering::SeqCst);

    let mut conn = open_intact(&dir.path().join("glowpress.db"));
    let stored_comments = burst_comments(&mut conn);
    let stored_units = total(
        &mut conn,
        "SELECT COALESCE(SUM(quantity), 0) AS total FROM cart_items",
    );
    assert!(
        stored_comments >= comments,
        "{comments} comments answered, {stored_comments} stored"
    );
    assert!(
        stored_units >= cart_adds,
        "{cart_adds} adds answered, {stored_units} units in carts"
    );
    drop(conn);

    let port = free_port();
    let mut server = start(dir.path(), port);
    wait_until_serving(port);
    let article = reqwest::get(format!("http://127.0.0.1:{port}{ARTICLE}"))
        .await
        .unwrap();
    assert_eq!(article.status(), reqwest::StatusCode::OK);
    server.kill().unwrap();
    server.wait().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_copies_the_database_while_the_site_serves() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut server = start(dir.path(), port);
    wait_until_serving(port);
    let base = format!("http://127.0.0.1:{port}");
    let answered = Arc::new(Answered::default());
    // A comment in the database before the copy is made.
    let client = client();
    let posted = CommentForm::fetch(&client, &base)
        .await
        .post(
            &client,
            &base,
            (
                "Backed Up",
                "backed@example.com",
                "Burst comment before the backup.",
            ),
        )
        .await
        .unwrap();
    assert_eq!(posted.status(), reqwest::StatusCode::SEE_OTHER);
    // Writes go on while the copy is made.
    let writer = tokio::spawn(keep_adding_to_cart(base.clone(), answered.clone()));

    let copy = dir.path().join("copy.db");
    let backup = glowpress_in(dir.path())
        .arg("backup")
        .arg(&copy)
        .stdout(Stdio::piped())
        .output()
        .unwrap();
    assert!(backup.status.success(), "{backup:?}");
    assert!(String::from_utf8_lossy(&backup.stdout).contains("copy.db"));

    let mut conn = open_intact(&copy);
    assert_eq!(burst_comments(&mut conn), 1);

    // A second backup to the same file is refused: nothing is overwritten.
    let again = glowpress_in(dir.path())
        .arg("backup")
        .arg(&copy)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));

    server.kill().unwrap();
    server.wait().unwrap();
    writer.await.unwrap();
}

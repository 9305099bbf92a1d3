//! Issue 8, the comment items: no account enumeration through guest comments, and no
//! `javascript:` in a comment's `cite`.

use diesel::prelude::*;
use glowpress::accounts::users::Role;
use glowpress::comments::store;
use reqwest::StatusCode;
use reqwest::header::LOCATION;

use crate::common::{Browser, TestApp, csrf_token, input_value, insert_user, unescape_html};
use crate::on_both_backends;

const SEED_POST: &str = "/posts/exosome-therapy-skin-rejuvenation";
const PASSWORD: &str = "velvet lantern orbit";

on_both_backends!(
    a_guest_comment_with_an_accounts_email_is_held_and_answered_like_any_held_comment,
    a_comment_cite_with_a_javascript_url_never_reaches_the_article_page,
);

/// What the comment form's POST answered, redirects not followed.
struct Sent {
    status: StatusCode,
    location: Option<String>,
    html: String,
}

impl Sent {
    fn id(&self) -> i32 {
        assert_eq!(self.status, StatusCode::SEE_OTHER, "{}", self.html);
        let location = self.location.as_deref().expect("a Location");
        location
            .rsplit_once("#comment-")
            .and_then(|(_, id)| id.parse().ok())
            .unwrap_or_else(|| panic!("no #comment-ID in {location}"))
    }
}

/// Reads the seed article's reply form and sends it with `fields` filled in.
async fn post_comment(browser: &Browser, fields: &[(&str, &str)]) -> Sent {
    let (status, html) = browser.page(SEED_POST).await;
    assert_eq!(status, StatusCode::OK);
    let token = csrf_token(&html);
    let stamp = input_value(&html, "stamp").expect("a stamp field");
    let mut all = vec![
        ("csrf_token", token.as_str()),
        ("stamp", stamp.as_str()),
        ("website_confirm", ""),
    ];
    all.extend_from_slice(fields);
    let response = browser
        .no_redirects()
        .post(browser.url(&format!("{SEED_POST}/comments")))
        .form(&all)
        .send()
        .await
        .expect("POST a comment");
    let status = response.status();
    let location = response
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let html = response.text().await.expect("a body");
    Sent {
        status,
        location,
        html,
    }
}

fn guest<'a>(name: &'a str, email: &'a str, text: &'a str) -> [(&'a str, &'a str); 4] {
    [
        ("author", name),
        ("email", email),
        ("url", ""),
        ("comment", text),
    ]
}

fn status_of(app: &TestApp, id: i32) -> store::Status {
    app.with_conn(|conn| store::find(conn, id))
        .expect("read a comment")
        .expect("the comment exists")
        .status
}

/// The flash or alert text of the page a browser lands on after the 303, decoded.
async fn landing(browser: &Browser, sent: &Sent) -> (StatusCode, String) {
    let location = sent.location.as_deref().expect("a Location");
    let (status, html) = browser.page(location).await;
    (status, unescape_html(&html))
}

async fn a_guest_comment_with_an_accounts_email_is_held_and_answered_like_any_held_comment(
    app: TestApp,
) {
    app.with_conn(|conn| insert_user(conn, "mira", "Mira@Example.com", PASSWORD, Role::Subscriber));

    let fresh = app.new_browser();
    let fresh_sent =
        post_comment(&fresh, &guest("Ana", "ana@example.com", "A first comment.")).await;
    let pretender = app.new_browser();
    let account_sent = post_comment(
        &pretender,
        &guest("Mira", "mira@example.com", "Pretending to be Mira."),
    )
    .await;

    assert_eq!(
        account_sent.status, fresh_sent.status,
        "{}",
        account_sent.html
    );
    assert_eq!(account_sent.status, StatusCode::SEE_OTHER);
    assert!(
        !account_sent.html.contains("account"),
        "{}",
        account_sent.html
    );
    let (fresh_id, account_id) = (fresh_sent.id(), account_sent.id());
    assert_eq!(status_of(&app, fresh_id), store::Status::Pending);
    assert_eq!(status_of(&app, account_id), store::Status::Pending);

    let (fresh_status, fresh_page) = landing(&fresh, &fresh_sent).await;
    let (account_status, account_page) = landing(&pretender, &account_sent).await;
    assert_eq!(fresh_status, account_status);
    for page in [&fresh_page, &account_page] {
        assert!(page.contains("Your comment is awaiting moderation."));
        assert!(!page.contains("belongs to an account"));
    }
}

async fn a_comment_cite_with_a_javascript_url_never_reaches_the_article_page(app: TestApp) {
    app.with_conn(|conn| insert_user(conn, "mira", "mira@example.com", PASSWORD, Role::Subscriber));
    let mira = app.new_browser();
    assert_eq!(mira.log_in("mira", PASSWORD).await.status, StatusCode::OK);
    let sent = post_comment(
        &mira,
        &[(
            "comment",
            "<blockquote cite=\"javascript:alert(1)\">Quoted.</blockquote>\n\n\
             <q cite=\" JavaScript:alert(2)\">Also quoted.</q>\n\n\
             <q cite=\"https://source.example/a\">Sourced.</q>",
        )],
    )
    .await;
    let id = sent.id();
    assert_eq!(status_of(&app, id), store::Status::Approved);
    let (status, html) = app.new_browser().page(SEED_POST).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Quoted."), "the comment is shown");
    assert!(!html.to_ascii_lowercase().contains("javascript:"), "{html}");
    assert!(html.contains("cite=\"https://source.example/a\""));
    let stored: String = app
        .with_conn(|conn| {
            glowpress::db::schema::comments::table
                .find(id)
                .select(glowpress::db::schema::comments::body)
                .first(conn)
        })
        .expect("the stored body");
    assert!(
        stored.contains("javascript:"),
        "the text is stored as typed"
    );
}

//! Issue 8, the comment items: no account enumeration through guest comments, no
//! `javascript:` in a comment's `cite`, no characters XML forbids in the feeds, a flood limit
//! that case variants of an email do not pass, and a form stamp bound to the address.

use diesel::prelude::*;
use glowpress::accounts::users::Role;
use glowpress::comments::store;
use reqwest::StatusCode;
use reqwest::header::LOCATION;

use crate::common::{
    Backend, Browser, Site, TestApp, csrf_token, input_value, insert_user, skip, unescape_html,
};
use crate::{on_both_backends, with_each_backend};

const SEED_POST: &str = "/posts/exosome-therapy-skin-rejuvenation";
const PASSWORD: &str = "velvet lantern orbit";

on_both_backends!(
    a_guest_comment_with_an_accounts_email_is_held_and_answered_like_any_held_comment,
    a_comment_cite_with_a_javascript_url_never_reaches_the_article_page,
    characters_xml_forbids_are_stripped_from_a_comment_and_never_reach_the_feeds,
);

with_each_backend!(
    a_case_variant_of_a_recent_commenters_email_from_another_address_is_flood_limited,
    a_form_stamp_sent_back_from_another_address_is_refused_with_the_text_kept,
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
    post_comment_via(browser, None, None, fields).await
}

/// `post_comment` through a proxy that says the GET came from `get_from` and the POST from
/// `post_from` (`X-Forwarded-For`; the site must trust the proxy).
async fn post_comment_via(
    browser: &Browser,
    get_from: Option<&str>,
    post_from: Option<&str>,
    fields: &[(&str, &str)],
) -> Sent {
    let mut get = browser.client.get(browser.url(SEED_POST));
    if let Some(address) = get_from {
        get = get.header("X-Forwarded-For", address);
    }
    let page = get.send().await.expect("GET the article");
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.expect("a body");
    let token = csrf_token(&html);
    let stamp = input_value(&html, "stamp").expect("a stamp field");
    let mut all = vec![
        ("csrf_token", token.as_str()),
        ("stamp", stamp.as_str()),
        ("website_confirm", ""),
    ];
    all.extend_from_slice(fields);
    let mut post = browser
        .no_redirects()
        .post(browser.url(&format!("{SEED_POST}/comments")))
        .form(&all);
    if let Some(address) = post_from {
        post = post.header("X-Forwarded-For", address);
    }
    let response = post.send().await.expect("POST a comment");
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

/// The message above a refused reply form, decoded.
fn form_error(html: &str) -> Option<String> {
    let start = "<p class=\"form-error\" role=\"alert\">";
    let rest = &html[html.find(start)? + start.len()..];
    Some(unescape_html(&rest[..rest.find("</p>")?]))
}

/// The reply form's textarea content, decoded.
fn textarea(html: &str) -> Option<String> {
    let rest = &html[html.find("<textarea id=\"comment\" ")?..];
    let rest = &rest[rest.find('>')? + 1..];
    Some(unescape_html(&rest[..rest.find("</textarea>")?]))
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

/// What XML 1.0 allows in a document (its `Char` production).
fn is_xml_char(c: char) -> bool {
    matches!(c, '\u{9}' | '\u{A}' | '\u{D}' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
        || c >= '\u{10000}'
}

/// GETs an Atom feed and checks it is well-formed and parses as Atom.
async fn assert_atom(app: &TestApp, path: &str) -> atom_syndication::Feed {
    let (status, xml) = app.new_browser().page(path).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    let bad: Vec<char> = xml.chars().filter(|c| !is_xml_char(*c)).collect();
    assert!(bad.is_empty(), "{path} has characters XML forbids: {bad:?}");
    for reference in ["&#2;", "&#x2;", "&#65534;", "&#xfffe;", "&#xFFFE;"] {
        assert!(!xml.contains(reference), "{path} has {reference}");
    }
    atom_syndication::Feed::read_from(xml.as_bytes())
        .unwrap_or_else(|e| panic!("{path} is not Atom: {e}\n{xml}"))
}

async fn characters_xml_forbids_are_stripped_from_a_comment_and_never_reach_the_feeds(
    app: TestApp,
) {
    let sent = post_comment(
        &app.new_browser(),
        &guest(
            "Ana\u{2} Re\u{FFFE}ader",
            "ana@example.com",
            "Hello\u{2} there\u{FFFE}\u{FFFF}.\tTabs\r\nand lines stay.",
        ),
    )
    .await;
    let id = sent.id();
    let stored = app
        .with_conn(|conn| store::find(conn, id))
        .expect("read the comment")
        .expect("the comment exists");
    assert_eq!(stored.author_name, "Ana Reader");
    assert_eq!(stored.body, "Hello there.\tTabs\r\nand lines stay.");

    // Whatever got into the database before (or by another way) stays out of the feeds.
    let slug = SEED_POST.trim_start_matches("/posts/");
    app.with_conn(|conn| {
        use glowpress::db::schema::posts;
        let post_id: i32 = posts::table
            .filter(posts::slug.eq(slug))
            .select(posts::id)
            .first(conn)?;
        diesel::update(posts::table.find(post_id))
            .set(posts::title.eq("Exosomes\u{2}\u{FFFE} explained"))
            .execute(conn)?;
        store::insert(
            conn,
            &store::NewComment {
                post_id,
                parent_id: None,
                user_id: None,
                author_name: "Bo\u{1}\u{FFFF}b",
                author_email: "bob@example.com",
                author_url: "",
                body: "Raw\u{2} from\u{FFFE} the database\u{1F}.",
                status: store::Status::Approved,
                depth: 0,
                ip_hash: "",
                user_agent: "",
            },
            glowpress::web::dates::now(),
        )
        .map(|_| ())
    })
    .expect("put characters XML forbids into the database");

    let site_feed = assert_atom(&app, "/comments/feed.xml").await;
    let post_feed = assert_atom(&app, &format!("{SEED_POST}/comments/feed.xml")).await;
    for feed in [&site_feed, &post_feed] {
        assert!(
            feed.entries()
                .iter()
                .any(|e| e.authors().first().map(|a| a.name()) == Some("Bob")),
            "the raw comment is in the feed"
        );
    }
    let posts_feed = assert_atom(&app, "/feed.xml").await;
    assert!(
        posts_feed
            .entries()
            .iter()
            .any(|e| e.title().as_str() == "Exosomes explained")
    );
}

async fn a_case_variant_of_a_recent_commenters_email_from_another_address_is_flood_limited(
    backend: Backend,
) {
    let Some(mut site) = Site::new(backend) else {
        return skip("the flood-by-email test on PostgreSQL");
    };
    site.config.comment_flood_seconds = 15;
    site.config.trust_proxy = true;
    let app = site.start().await;
    post_comment_via(
        &app.new_browser(),
        Some("203.0.113.1"),
        Some("203.0.113.1"),
        &guest("Foo", "Foo@x.example", "First."),
    )
    .await
    .id();
    // Another address and another email pass: the addresses are told apart.
    post_comment_via(
        &app.new_browser(),
        Some("203.0.113.2"),
        Some("203.0.113.2"),
        &guest("Ann", "ann@x.example", "Unrelated."),
    )
    .await
    .id();

    let text = "Second, under a case variant of the email.";
    let sent = post_comment_via(
        &app.new_browser(),
        Some("203.0.113.3"),
        Some("203.0.113.3"),
        &guest("Foo", " foo@X.EXAMPLE ", text),
    )
    .await;
    assert_eq!(sent.status, StatusCode::TOO_MANY_REQUESTS, "{}", sent.html);
    assert!(
        form_error(&sent.html).is_some_and(|m| m.contains("You are posting comments too quickly")),
        "{:?}",
        form_error(&sent.html)
    );
    assert_eq!(textarea(&sent.html).as_deref(), Some(text));
}

async fn a_form_stamp_sent_back_from_another_address_is_refused_with_the_text_kept(
    backend: Backend,
) {
    let Some(mut site) = Site::new(backend) else {
        return skip("the stamp-address test on PostgreSQL");
    };
    site.config.trust_proxy = true;
    let app = site.start().await;
    let text = "Sent from somewhere else than the page was read.";
    let sent = post_comment_via(
        &app.new_browser(),
        Some("203.0.113.1"),
        Some("198.51.100.7"),
        &guest("Ana", "ana@example.com", text),
    )
    .await;
    assert_eq!(sent.status, StatusCode::BAD_REQUEST, "{}", sent.html);
    assert!(
        form_error(&sent.html).is_some_and(|m| m.contains("could not be verified")),
        "{:?}",
        form_error(&sent.html)
    );
    assert_eq!(textarea(&sent.html).as_deref(), Some(text));
    assert_eq!(input_value(&sent.html, "author").as_deref(), Some("Ana"));

    // The same address for both is fine.
    post_comment_via(
        &app.new_browser(),
        Some("203.0.113.1"),
        Some("203.0.113.1"),
        &guest("Ana", "ana@example.com", text),
    )
    .await
    .id();
}

//! "Leave a reply": comments posted through the article's form like a browser would (the
//! CSRF token and the signed stamp read from the page first), moderated from the queue, and
//! read back from the article page, the home page and the Atom feeds.

use std::time::Duration;

use diesel::prelude::*;
use glowpress::accounts::users::Role;
use glowpress::comments::store::{self, NewComment};
use glowpress::db::DbConn;
use glowpress::db::schema::{comments, posts};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, LOCATION, SET_COOKIE};

use crate::common::{
    Backend, Browser, Site, TestApp, count, csrf_token, field_error, input_value, insert_admin,
    insert_user, mails, skip, unescape_html,
};
use crate::{on_both_backends, with_each_backend};

const SEED_POST: &str = "/posts/exosome-therapy-skin-rejuvenation";
const SEED_SLUG: &str = "exosome-therapy-skin-rejuvenation";
const OTHER_SLUG: &str = "gentle-double-cleanse";
const SEED_AUTHOR_EMAIL: &str = "devon-abelman@example.com";
const PASSWORD: &str = "velvet lantern orbit";
const AWAITING: &str = "Your comment is awaiting moderation.";
const CLOSED: &str = "Comments are closed.";
const DUPLICATE: &str = "Duplicate comment detected; it looks as though you’ve already said that!";
const SPAM_NOTICE: &str =
    "Your comment was not published: it contains words this site does not accept.";
const COMMENTER_COOKIE: &str = "glowpress_commenter";

on_both_backends!(
    a_borrowed_email_under_another_name_is_held_like_a_first_comment,
    a_guests_first_comment_is_held_shown_only_to_its_author_until_an_admin_approves_it,
    a_second_comment_by_a_guest_approved_before_appears_at_once,
    only_an_approved_comment_moves_the_content_version_that_the_kept_pages_follow,
    a_logged_in_readers_comment_appears_at_once_from_a_text_only_form,
    replies_via_replytocom_nest_five_deep_without_javascript,
    a_reply_to_a_comment_at_the_depth_limit_attaches_at_the_limit,
    a_comment_with_two_links_is_held_even_from_a_guest_approved_before,
    moderation_words_hold_a_comment,
    disallowed_words_mark_a_comment_as_spam_and_tell_the_visitor,
    a_filled_honeypot_is_refused_with_400_and_the_text_kept,
    the_same_comment_twice_is_refused_as_a_duplicate_with_409,
    a_comment_stored_before_digests_is_still_found_as_a_duplicate_after_start_up,
    each_bad_field_is_refused_with_400_next_to_it_and_everything_typed_kept,
    the_text_limit_counts_characters_not_bytes,
    a_post_with_comments_closed_shows_no_form_and_refuses_comments_with_403,
    comments_close_automatically_on_posts_older_than_the_setting,
    replies_to_another_posts_comment_a_missing_one_or_a_spam_or_trashed_one_are_refused,
    script_and_handler_payloads_in_a_stored_comment_never_reach_the_pages_unescaped,
    payloads_echoed_back_in_a_refused_form_are_escaped,
    bare_urls_and_the_authors_website_become_nofollow_ugc_links,
    comment_pages_hold_n_threads_oldest_first_and_permalinks_find_the_right_page,
    the_site_and_post_comment_feeds_are_valid_atom_without_held_comments,
    the_post_author_is_emailed_about_new_and_held_comments,
    save_my_details_sets_a_cookie_only_when_ticked_and_prefills_the_next_form,
    a_held_comment_takes_its_author_to_the_comment_page_that_shows_it,
    a_refused_reply_comes_back_still_replying_to_the_same_comment,
    a_stamp_made_for_another_post_is_refused_with_the_text_kept,
    client_addresses_are_stored_only_as_a_keyed_hash_and_user_agents_truncated,
);

with_each_backend!(
    a_comment_sent_back_too_fast_is_refused_with_400_and_can_be_sent_again_later,
    a_second_comment_within_the_flood_interval_gets_429_with_the_text_kept,
);

// Helpers.

/// What the comment form's POST answered, redirects not followed.
#[derive(Debug)]
struct Sent {
    status: StatusCode,
    location: Option<String>,
    set_cookies: Vec<String>,
    html: String,
}

impl Sent {
    /// The new comment's id, from the `#comment-ID` of the 303.
    fn id(&self) -> i32 {
        assert_eq!(self.status, StatusCode::SEE_OTHER, "{}", self.html);
        let location = self.location.as_deref().expect("a Location");
        location
            .rsplit_once("#comment-")
            .and_then(|(_, id)| id.parse().ok())
            .unwrap_or_else(|| panic!("no #comment-ID in {location}"))
    }

    fn message(&self) -> Option<String> {
        form_error(&self.html)
    }

    fn text(&self) -> Option<String> {
        textarea(&self.html)
    }
}

/// The hidden and honeypot fields of the reply form on `page_path`, as a browser sends them.
async fn read_form(browser: &Browser, page_path: &str) -> Vec<(String, String)> {
    let (status, html) = browser.page(page_path).await;
    assert_eq!(status, StatusCode::OK, "GET {page_path}");
    form_fields(&html)
}

fn form_fields(html: &str) -> Vec<(String, String)> {
    let mut fields = vec![
        ("csrf_token".to_owned(), csrf_token(html)),
        (
            "stamp".to_owned(),
            input_value(html, "stamp").expect("a stamp field"),
        ),
        ("website_confirm".to_owned(), String::new()),
    ];
    if let Some(parent) = input_value(html, "comment_parent") {
        fields.push(("comment_parent".to_owned(), parent));
    }
    fields
}

/// POSTs the form fields with `fields` filled in (a field given replaces the form's own).
async fn send(
    browser: &Browser,
    slug: &str,
    form: &[(String, String)],
    fields: &[(&str, &str)],
) -> Sent {
    let mut all: Vec<(&str, &str)> = form
        .iter()
        .filter(|(k, _)| !fields.iter().any(|(name, _)| name == k))
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    all.extend_from_slice(fields);
    let response = browser
        .no_redirects()
        .post(browser.url(&format!("/posts/{slug}/comments")))
        .form(&all)
        .send()
        .await
        .expect("POST a comment");
    let status = response.status();
    let location = response
        .headers()
        .get(LOCATION)
        .map(|v| v.to_str().unwrap().to_owned());
    let set_cookies = response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    let html = response.text().await.expect("a body");
    Sent {
        status,
        location,
        set_cookies,
        html,
    }
}

/// Fills in the reply form of the seed article and sends it.
async fn post_comment(browser: &Browser, fields: &[(&str, &str)]) -> Sent {
    post_from(browser, SEED_POST, fields).await
}

/// Fills in the reply form found on `page_path` (e.g. with `?replytocom=`) and sends it.
async fn post_from(browser: &Browser, page_path: &str, fields: &[(&str, &str)]) -> Sent {
    let form = read_form(browser, page_path).await;
    let slug = page_path
        .split('?')
        .next()
        .and_then(|p| p.strip_prefix("/posts/"))
        .expect("an article path");
    send(browser, slug, &form, fields).await
}

/// A guest's fields: name, email, no website, the text.
fn guest<'a>(name: &'a str, email: &'a str, text: &'a str) -> [(&'a str, &'a str); 4] {
    [
        ("author", name),
        ("email", email),
        ("url", ""),
        ("comment", text),
    ]
}

/// The alert paragraph above the form, decoded.
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

/// The depth class the page gives comment `id`.
fn depth_of(html: &str, id: i32) -> Option<usize> {
    (0..=10).find(|d| html.contains(&format!("comment--depth-{d}\" id=\"comment-{id}\"")))
}

fn shows(html: &str, id: i32) -> bool {
    html.contains(&format!("id=\"comment-{id}\""))
}

fn byline_count(html: &str) -> Option<String> {
    let start = "<a href=\"#comments\">";
    let rest = &html[html.find(start)? + start.len()..];
    Some(rest[..rest.find("</a>")?].to_owned())
}

fn set_setting(app: &TestApp, key: &str, value: &str) {
    app.with_conn(|conn| glowpress::settings::set(conn, key, value))
        .unwrap_or_else(|e| panic!("set {key}={value}: {e:?}"));
}

fn post_id(conn: &mut DbConn, slug: &str) -> i32 {
    posts::table
        .filter(posts::slug.eq(slug))
        .select(posts::id)
        .first(conn)
        .expect("a demo post")
}

fn set_status(app: &TestApp, id: i32, status: store::Status) {
    app.with_conn(|conn| store::set_status(conn, id, status))
        .expect("set a comment's status");
}

fn status_of(app: &TestApp, id: i32) -> store::Status {
    app.with_conn(|conn| store::find(conn, id))
        .expect("read a comment")
        .expect("the comment exists")
        .status
}

fn stored_comments(app: &TestApp) -> i64 {
    app.with_conn(|conn| comments::table.count().get_result(conn))
        .expect("count comments")
}

/// Inserts an approved comment straight into the database.
fn insert_approved(
    conn: &mut DbConn,
    slug: &str,
    parent: Option<(i32, i32)>,
    author: &str,
    body: &str,
    at: time::PrimitiveDateTime,
) -> i32 {
    let post_id = post_id(conn, slug);
    let email = format!("{}@example.com", author.to_lowercase().replace(' ', "."));
    store::insert(
        conn,
        &NewComment {
            post_id,
            parent_id: parent.map(|(id, _)| id),
            user_id: None,
            author_name: author,
            author_email: &email,
            author_url: "",
            body,
            status: store::Status::Approved,
            depth: parent.map_or(0, |(_, depth)| depth + 1),
            ip_hash: "",
            user_agent: "",
        },
        at,
    )
    .expect("insert a comment")
}

/// A logged-in subscriber's browser.
async fn reader(app: &TestApp, username: &str) -> Browser {
    let email = format!("{username}@example.com");
    app.with_conn(|conn| insert_user(conn, username, &email, PASSWORD, Role::Subscriber));
    let browser = app.new_browser();
    let page = browser.log_in(username, PASSWORD).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    browser
}

/// A logged-in administrator's browser.
async fn admin(app: &TestApp) -> Browser {
    app.with_conn(|conn| insert_admin(conn, "moderator", "moderator@example.com", PASSWORD));
    let browser = app.new_browser();
    let page = browser.log_in("moderator", PASSWORD).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    browser
}

/// A guest whose comment has been approved before: their next ones are published at once.
async fn trusted_guest(app: &TestApp, name: &str, email: &str) -> Browser {
    let browser = app.new_browser();
    let first = post_comment(&browser, &guest(name, email, "My very first comment here.")).await;
    set_status(app, first.id(), store::Status::Approved);
    browser
}

/// Waits up to 5 s for a mail matching `wanted` (mails are sent in the background).
async fn wait_for_mail(app: &TestApp, wanted: impl Fn(&str) -> bool) -> String {
    for _ in 0..50 {
        if let Some((_, mail)) = mails(app).await.into_iter().find(|(_, m)| wanted(m)) {
            return mail;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no such mail arrived: {:?}", mails(app).await);
}

/// Markup that would run script: `<script>` elements with the payload, `on…` attributes,
/// and `javascript:` links, in real tags (escaped text such as `&lt;img onerror=…&gt;` or an
/// input's `value="…onerror=…"` is harmless and not reported).
fn unsafe_markup(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    let bytes = html.as_bytes();
    let mut i = 0;
    while let Some(at) = html[i..].find('<') {
        let start = i + at;
        if html[start..].starts_with("<!--") {
            i = html[start..]
                .find("-->")
                .map_or(html.len(), |e| start + e + 3);
            continue;
        }
        // The tag's end: the first `>` outside quotes.
        let mut end = start + 1;
        let mut quote = None;
        while end < bytes.len() {
            match (quote, bytes[end]) {
                (None, b'"' | b'\'') => quote = Some(bytes[end]),
                (Some(q), c) if c == q => quote = None,
                (None, b'>') => break,
                _ => {}
            }
            end += 1;
        }
        let tag = &html[start..end.min(html.len())];
        i = (end + 1).min(html.len());
        let inner = &tag[1..];
        let name: String = inner
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if name.is_empty() {
            continue;
        }
        if name == "script" {
            let body_end = html[i..].find("</script").map_or(html.len(), |e| i + e);
            if html[i..body_end].contains("alert") {
                found.push(format!("{tag}>{}", &html[i..body_end]));
            }
        }
        for (attr, value) in attributes(&inner[name.len()..]) {
            let value = unescape_html(&value).trim().to_ascii_lowercase();
            if attr.starts_with("on")
                || (["href", "src", "action", "formaction", "xlink:href"].contains(&attr.as_str())
                    && value.starts_with("javascript:"))
            {
                found.push(tag.to_owned());
            }
        }
    }
    found
}

/// (lower-case name, raw value) of a tag's attributes.
fn attributes(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = text;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        if rest.is_empty() {
            return out;
        }
        let name_len = rest
            .find(|c: char| c.is_whitespace() || c == '=' || c == '/')
            .unwrap_or(rest.len());
        let name = rest[..name_len].to_ascii_lowercase();
        rest = rest[name_len..].trim_start();
        let mut value = String::new();
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (v, remaining) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let close = after[1..].find(q).map_or(after.len(), |e| e + 1);
                    (&after[1..close], &after[(close + 1).min(after.len())..])
                }
                _ => {
                    let stop = after.find(char::is_whitespace).unwrap_or(after.len());
                    (&after[..stop], &after[stop..])
                }
            };
            value = v.to_owned();
            rest = remaining;
        }
        if name.is_empty() {
            // A stray character: skip it.
            rest = &rest[rest.chars().next().map_or(0, char::len_utf8)..];
        } else {
            out.push((name, value));
        }
    }
}

fn assert_no_unsafe_markup(what: &str, html: &str) {
    let found = unsafe_markup(html);
    assert!(found.is_empty(), "{what} has live markup: {found:#?}");
    assert!(!html.contains("<script>alert"), "{what}: {html}");
    assert!(!html.contains("href=\"javascript:"), "{what}: {html}");
}

// 1. Moderation of a guest's first comment.

async fn a_guests_first_comment_is_held_shown_only_to_its_author_until_an_admin_approves_it(
    app: TestApp,
) {
    let author = app.new_browser();
    let text = "Does exosome therapy work on sensitive skin?";
    let sent = post_comment(&author, &guest("Ana Reader", "ana@example.com", text)).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.html);
    let id = sent.id();
    assert_eq!(
        sent.location.as_deref(),
        Some(format!("{SEED_POST}#comment-{id}").as_str())
    );
    assert_eq!(status_of(&app, id), store::Status::Pending);

    let (_, own_view) = author.page(SEED_POST).await;
    assert!(shows(&own_view, id), "{own_view}");
    assert!(own_view.contains(AWAITING));
    assert!(own_view.contains(text));

    let other = app.new_browser();
    let (_, public) = other.page(SEED_POST).await;
    assert!(!shows(&public, id));
    assert!(!public.contains(text));
    assert!(!public.contains(AWAITING));
    assert_eq!(byline_count(&public).as_deref(), Some("No comments"));
    let (_, home) = other.page("/").await;
    assert!(
        home.contains(&format!("{SEED_POST}#comments\">No comments</a>")),
        "{home}"
    );

    let moderator = admin(&app).await;
    let (status, queue) = moderator.page("/admin/comments").await;
    assert_eq!(status, StatusCode::OK);
    assert!(queue.contains(text), "{queue}");
    let action = format!("/admin/comments/{id}/approve");
    assert!(queue.contains(&format!("action=\"{action}\"")), "{queue}");
    let approved = moderator
        .no_redirects()
        .post(moderator.url(&action))
        .form(&[("csrf_token", csrf_token(&queue))])
        .send()
        .await
        .unwrap();
    assert_eq!(approved.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(&app, id), store::Status::Approved);

    for browser in [&other, &author] {
        let (_, page) = browser.page(SEED_POST).await;
        assert!(shows(&page, id), "{page}");
        assert!(page.contains(text));
        assert!(!page.contains(AWAITING));
        assert_eq!(byline_count(&page).as_deref(), Some("1 comment"));
    }
    let (_, home) = other.page("/").await;
    assert!(
        home.contains(&format!("{SEED_POST}#comments\">1 comment</a>")),
        "{home}"
    );
}

async fn a_second_comment_by_a_guest_approved_before_appears_at_once(app: TestApp) {
    let author = app.new_browser();
    let first = post_comment(
        &author,
        &guest("Ana Reader", "ana@example.com", "First words."),
    )
    .await;
    set_status(&app, first.id(), store::Status::Approved);

    let second = post_comment(
        &author,
        &guest(
            "Ana Reader",
            "ana@example.com",
            "Second words, straight away.",
        ),
    )
    .await;
    let id = second.id();
    assert_eq!(status_of(&app, id), store::Status::Approved);
    let (_, public) = app.new_browser().page(SEED_POST).await;
    assert!(shows(&public, id), "{public}");
    assert!(public.contains("Second words, straight away."));
    assert!(!public.contains(AWAITING));
    assert_eq!(byline_count(&public).as_deref(), Some("2 comments"));
}

/// A held comment shows to its author alone (on a page made for them), so it leaves the
/// pages kept for everyone in place; an approved one must replace them on every node.
async fn only_an_approved_comment_moves_the_content_version_that_the_kept_pages_follow(
    app: TestApp,
) {
    let author = app.new_browser();
    let before = app.content_version();
    let held = post_comment(
        &author,
        &guest("Ana Reader", "ana@example.com", "Held words."),
    )
    .await;
    // Read first: a test's own database access (`status_of`) moves the version.
    assert_eq!(
        app.content_version(),
        before,
        "a held comment keeps the kept pages"
    );
    assert_eq!(status_of(&app, held.id()), store::Status::Pending);
    let (_, own_view) = author.page(SEED_POST).await;
    assert!(shows(&own_view, held.id()), "{own_view}");

    set_status(&app, held.id(), store::Status::Approved);
    let before = app.content_version();
    let approved = post_comment(
        &author,
        &guest("Ana Reader", "ana@example.com", "Approved words."),
    )
    .await;
    assert!(
        app.content_version() > before,
        "an approved comment moves the version"
    );
    assert_eq!(status_of(&app, approved.id()), store::Status::Approved);
    let (_, public) = app.new_browser().page(SEED_POST).await;
    assert!(shows(&public, approved.id()), "{public}");
}

async fn a_logged_in_readers_comment_appears_at_once_from_a_text_only_form(app: TestApp) {
    let mira = reader(&app, "mira").await;
    let (_, form) = mira.page(SEED_POST).await;
    assert!(
        form.contains("<p class=\"respond__note\">Logged in as <a href=\"/account\">mira</a>."),
        "{form}"
    );
    for guest_field in ["name=\"author\"", "name=\"email\"", "name=\"url\""] {
        assert!(!form.contains(guest_field), "{guest_field} in {form}");
    }
    assert!(form.contains("name=\"comment\""));

    let sent = post_comment(&mira, &[("comment", "Logged in and glowing.")]).await;
    let id = sent.id();
    assert_eq!(
        sent.location.as_deref(),
        Some(format!("{SEED_POST}#comment-{id}").as_str())
    );
    assert_eq!(status_of(&app, id), store::Status::Approved);
    let (_, public) = app.new_browser().page(SEED_POST).await;
    assert!(shows(&public, id));
    assert!(public.contains("<span class=\"comment__author\">mira</span>"));
    assert!(public.contains("Logged in and glowing."));
}

// 2. Threading.

async fn replies_via_replytocom_nest_five_deep_without_javascript(app: TestApp) {
    let mira = reader(&app, "mira").await;
    let mut ids = vec![post_comment(&mira, &[("comment", "Level one.")]).await.id()];
    for level in 2..=5 {
        let parent = *ids.last().unwrap();
        let (_, article) = mira.page(SEED_POST).await;
        let reply_href = format!("{SEED_POST}?replytocom={parent}#respond");
        assert!(
            article.contains(&format!("href=\"{reply_href}\"")),
            "no Reply link to {parent}"
        );
        let path = format!("{SEED_POST}?replytocom={parent}");
        let (status, form) = mira.page(&path).await;
        assert_eq!(status, StatusCode::OK);
        assert!(form.contains("<h3>Replying to mira</h3>"), "{form}");
        assert_eq!(
            input_value(&form, "comment_parent"),
            Some(parent.to_string())
        );
        assert!(form.contains(&format!("<a href=\"{SEED_POST}#respond\">Cancel reply</a>")));
        let sent = post_from(&mira, &path, &[("comment", &format!("Level {level}."))]).await;
        ids.push(sent.id());
    }

    let (_, page) = app.new_browser().page(SEED_POST).await;
    for (depth, id) in ids.iter().enumerate() {
        assert_eq!(depth_of(&page, *id), Some(depth), "comment {id}");
    }
    assert_eq!(count(&page, "<ol class=\"children\">"), 4);
    // The deepest one sits inside four open children lists.
    let deepest = page
        .find(&format!("id=\"comment-{}\"", ids[4]))
        .expect("the deepest reply");
    let before = &page[..deepest];
    assert_eq!(
        count(before, "<ol class=\"children\">") - count(before, "</ol></li>"),
        4
    );
    assert!(page.contains("comment--depth-4"));
}

async fn a_reply_to_a_comment_at_the_depth_limit_attaches_at_the_limit(app: TestApp) {
    set_setting(&app, "thread_comments_depth", "3");
    let mira = reader(&app, "mira").await;
    let top = post_comment(&mira, &[("comment", "Top.")]).await.id();
    let one = post_from(
        &mira,
        &format!("{SEED_POST}?replytocom={top}"),
        &[("comment", "Depth one.")],
    )
    .await
    .id();
    let two = post_from(
        &mira,
        &format!("{SEED_POST}?replytocom={one}"),
        &[("comment", "Depth two.")],
    )
    .await
    .id();
    let three = post_from(
        &mira,
        &format!("{SEED_POST}?replytocom={two}"),
        &[("comment", "Would be depth three.")],
    )
    .await
    .id();

    let (_, page) = app.new_browser().page(SEED_POST).await;
    assert_eq!(depth_of(&page, two), Some(2));
    assert_eq!(depth_of(&page, three), Some(2), "{page}");
    assert!(!page.contains("comment--depth-3"));
    let stored = app
        .with_conn(|conn| store::find(conn, three))
        .unwrap()
        .unwrap();
    assert_eq!(stored.depth, 2);
    assert_eq!(
        stored.parent_id,
        Some(one),
        "a sibling of the comment at the limit"
    );
}

// 4. Moderation rules.

async fn a_comment_with_two_links_is_held_even_from_a_guest_approved_before(app: TestApp) {
    let ana = trusted_guest(&app, "Ana Reader", "ana@example.com").await;
    let one_link = post_comment(
        &ana,
        &guest(
            "Ana Reader",
            "ana@example.com",
            "One link: https://one.example/serum",
        ),
    )
    .await
    .id();
    assert_eq!(status_of(&app, one_link), store::Status::Approved);

    let text = "Two links: https://one.example/a and https://two.example/b";
    let two_links = post_comment(&ana, &guest("Ana Reader", "ana@example.com", text))
        .await
        .id();
    assert_eq!(status_of(&app, two_links), store::Status::Pending);
    let (_, public) = app.new_browser().page(SEED_POST).await;
    assert!(shows(&public, one_link));
    assert!(!shows(&public, two_links));
    let (_, own) = ana.page(SEED_POST).await;
    assert!(shows(&own, two_links));
    assert!(own.contains(AWAITING));
}

async fn moderation_words_hold_a_comment(app: TestApp) {
    set_setting(&app, "moderation_keys", "casino\nfree money");
    let ana = trusted_guest(&app, "Ana Reader", "ana@example.com").await;
    let held = post_comment(
        &ana,
        &guest(
            "Ana Reader",
            "ana@example.com",
            "Best CASINO for glowing skin",
        ),
    )
    .await
    .id();
    assert_eq!(status_of(&app, held), store::Status::Pending);
    let (_, public) = app.new_browser().page(SEED_POST).await;
    assert!(!shows(&public, held));
    let (_, own) = ana.page(SEED_POST).await;
    assert!(shows(&own, held) && own.contains(AWAITING));

    let fine = post_comment(
        &ana,
        &guest("Ana Reader", "ana@example.com", "A calm, honest serum."),
    )
    .await
    .id();
    assert_eq!(status_of(&app, fine), store::Status::Approved);
}

async fn disallowed_words_mark_a_comment_as_spam_and_tell_the_visitor(app: TestApp) {
    set_setting(&app, "disallowed_keys", "viagra");
    let ana = trusted_guest(&app, "Ana Reader", "ana@example.com").await;
    let text = "Cheap VIAGRA serum here";
    let sent = post_comment(&ana, &guest("Ana Reader", "ana@example.com", text)).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.html);
    assert_eq!(
        sent.location.as_deref(),
        Some(format!("{SEED_POST}#respond").as_str())
    );
    let (_, told) = ana.page(SEED_POST).await;
    assert!(told.contains(SPAM_NOTICE), "{told}");
    assert!(!told.contains(text), "not shown, even to its author");
    let (_, public) = app.new_browser().page(SEED_POST).await;
    assert!(!public.contains(text));

    let spam: Vec<(i32, String)> = app
        .with_conn(|conn| {
            comments::table
                .filter(comments::body.eq(text))
                .select((comments::id, comments::status))
                .load(conn)
        })
        .unwrap();
    assert_eq!(spam.len(), 1, "stored once");
    assert_eq!(spam[0].1, "spam");

    let moderator = admin(&app).await;
    let (_, spam_tab) = moderator.page("/admin/comments?status=spam").await;
    assert!(spam_tab.contains(text), "{spam_tab}");
    assert!(
        spam_tab.contains("Spam <span class=\"tabs__count\">1</span>"),
        "the tab counts it: {spam_tab}"
    );
    assert!(spam_tab.contains(&format!("id=\"comment-{}\"", spam[0].0)));
    let (_, pending_tab) = moderator.page("/admin/comments").await;
    assert!(!pending_tab.contains(text));
}

// 5. Spam and abuse.

async fn a_filled_honeypot_is_refused_with_400_and_the_text_kept(app: TestApp) {
    let text = "I am surely a person.";
    let mut fields = guest("Bot Smith", "bot@example.com", text).to_vec();
    fields.push(("website_confirm", "https://spam.example"));
    let sent = post_comment(&app.new_browser(), &fields).await;
    assert_eq!(sent.status, StatusCode::BAD_REQUEST);
    assert!(
        sent.message()
            .is_some_and(|m| m.contains("a field meant to stay empty was filled in")),
        "{:?}",
        sent.message()
    );
    assert_eq!(sent.text().as_deref(), Some(text));
    assert_eq!(
        input_value(&sent.html, "author").as_deref(),
        Some("Bot Smith")
    );
    assert_eq!(
        input_value(&sent.html, "website_confirm").as_deref(),
        Some("")
    );
    assert_eq!(stored_comments(&app), 0);
}

async fn a_comment_sent_back_too_fast_is_refused_with_400_and_can_be_sent_again_later(
    backend: Backend,
) {
    let Some(mut site) = Site::new(backend) else {
        return skip("the too-fast comment test on PostgreSQL");
    };
    site.config.comment_min_seconds = 3;
    let app = site.start().await;
    let ana = app.new_browser();
    let text = "Typed faster than any person could.";
    let fields = [
        ("author", "Ana Reader"),
        ("email", "ana@example.com"),
        ("url", "https://ana.example"),
        ("comment", text),
    ];
    let sent = post_comment(&ana, &fields).await;
    assert_eq!(sent.status, StatusCode::BAD_REQUEST);
    assert!(
        sent.message()
            .is_some_and(|m| m.starts_with("That was quick!")),
        "{:?}",
        sent.message()
    );
    assert_eq!(sent.text().as_deref(), Some(text));
    // The form sends the reader back to itself, so a refusal opens at the message and the
    // kept text, not 2,700 px above them at the top of the article.
    let action = format!("action=\"/posts/{SEED_SLUG}/comments#respond\"");
    assert!(sent.html.contains(&action), "{action}");
    assert!(sent.html.contains("<div id=\"respond\""));
    assert_eq!(
        input_value(&sent.html, "author").as_deref(),
        Some("Ana Reader")
    );
    assert_eq!(
        input_value(&sent.html, "email").as_deref(),
        Some("ana@example.com")
    );
    assert_eq!(
        input_value(&sent.html, "url").as_deref(),
        Some("https://ana.example")
    );
    assert_eq!(stored_comments(&app), 0);

    // A person reads the message and sends the kept text again from the refused page.
    tokio::time::sleep(Duration::from_millis(3100)).await;
    let again = send(&ana, SEED_SLUG, &form_fields(&sent.html), &fields).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.html);
    assert_eq!(stored_comments(&app), 1);
}

async fn a_second_comment_within_the_flood_interval_gets_429_with_the_text_kept(backend: Backend) {
    let Some(mut site) = Site::new(backend) else {
        return skip("the flood test on PostgreSQL");
    };
    site.config.comment_flood_seconds = 15;
    let app = site.start().await;
    let ana = app.new_browser();
    post_comment(&ana, &guest("Ana Reader", "ana@example.com", "First."))
        .await
        .id();

    let text = "Second, right away.";
    let sent = post_comment(&ana, &guest("Ana Reader", "ana@example.com", text)).await;
    assert_eq!(sent.status, StatusCode::TOO_MANY_REQUESTS, "{}", sent.html);
    assert!(
        sent.message()
            .is_some_and(|m| m.contains("You are posting comments too quickly")),
        "{:?}",
        sent.message()
    );
    assert_eq!(sent.text().as_deref(), Some(text));
    assert_eq!(
        input_value(&sent.html, "email").as_deref(),
        Some("ana@example.com")
    );

    // The same address under another name and email is held back too.
    let other = post_comment(
        &app.new_browser(),
        &guest("Someone Else", "else@example.com", "Me too."),
    )
    .await;
    assert_eq!(other.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(stored_comments(&app), 1);
}

async fn the_same_comment_twice_is_refused_as_a_duplicate_with_409(app: TestApp) {
    let ana = app.new_browser();
    let text = "Sunscreen, every single day.";
    post_comment(&ana, &guest("Ana Reader", "ana@example.com", text))
        .await
        .id();
    let again = post_comment(&ana, &guest("Ana Reader", "ana@example.com", text)).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.html);
    assert_eq!(again.message().as_deref(), Some(DUPLICATE));
    assert_eq!(again.text().as_deref(), Some(text));
    assert_eq!(stored_comments(&app), 1);
}

/// A comment stored before the text digest existed has the digest 0 until the start-up
/// work (`rerender_outdated`) computes it; from then on the duplicate check finds it.
async fn a_comment_stored_before_digests_is_still_found_as_a_duplicate_after_start_up(
    app: TestApp,
) {
    let ana = app.new_browser();
    let text = "Double cleansing changed my skin.";
    post_comment(&ana, &guest("Ana Reader", "ana@example.com", text))
        .await
        .id();
    let digest_of_the_stored = || {
        app.with_conn(|conn| {
            comments::table
                .select(comments::body_digest)
                .first::<i64>(conn)
        })
        .expect("the digest")
    };
    assert_eq!(digest_of_the_stored(), store::body_digest(text));
    app.with_conn(|conn| {
        diesel::update(comments::table)
            .set(comments::body_digest.eq(0))
            .execute(conn)
    })
    .expect("as before digests");
    app.with_conn(glowpress::rerender_outdated)
        .expect("the start-up work");
    assert_eq!(digest_of_the_stored(), store::body_digest(text));
    let again = post_comment(&ana, &guest("Ana Reader", "ana@example.com", text)).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.html);
    assert_eq!(stored_comments(&app), 1);
}

async fn each_bad_field_is_refused_with_400_next_to_it_and_everything_typed_kept(app: TestApp) {
    let name = "Zoë \"Z\" <Ames> & co";
    let email = "zoe@example.com";
    let url = "https://zoe.example/a?b=1&c=2";
    let text = "Line one <em>kept</em> & \"quoted\"\n\nLine two 'single'";
    let long_text = "a".repeat(5001);
    let long_name = "N".repeat(246);
    let long_email = format!("{}@example.com", "z".repeat(89));
    let long_url = format!("https://zoe.example/{}", "p".repeat(181));
    assert_eq!((long_email.len(), long_url.len()), (101, 201));
    let cases: [(&str, &str, &str); 9] = [
        ("author", "author", ""),
        ("author", "author", &long_name),
        ("email", "email", "zoe-at-example"),
        ("email", "email", "zoe@example"),
        ("comment", "comment", &long_text),
        ("url", "url", "javascript:alert(1)"),
        ("url", "url", "ftp://zoe.example/file"),
        ("email", "email", &long_email),
        ("url", "url", &long_url),
    ];
    let browser = app.new_browser();
    for (field, error_on, value) in cases {
        let mut fields = vec![
            ("author", name),
            ("email", email),
            ("url", url),
            ("comment", text),
        ];
        for pair in &mut fields {
            if pair.0 == field {
                pair.1 = value;
            }
        }
        let typed = |f: &str| fields.iter().find(|(k, _)| *k == f).unwrap().1.to_owned();
        let sent = post_comment(&browser, &fields).await;
        let case = format!("{field} = {:.40?}", value);
        assert_eq!(sent.status, StatusCode::BAD_REQUEST, "{case}");
        assert_eq!(
            sent.message().as_deref(),
            Some("Your comment was not posted yet: please correct the fields marked below."),
            "{case}"
        );
        let error = field_error(&sent.html, error_on);
        assert!(error.is_some(), "{case}: no message next to {error_on}");
        assert!(
            sent.html.contains("class=\"field__error\""),
            "{case}: {}",
            sent.html
        );
        for other in ["author", "email", "url", "comment"] {
            if other != error_on {
                assert_eq!(field_error(&sent.html, other), None, "{case}: {other}");
            }
        }
        assert_eq!(sent.text(), Some(typed("comment")), "{case}");
        for kept in ["author", "email", "url"] {
            assert_eq!(
                input_value(&sent.html, kept),
                Some(typed(kept)),
                "{case}: {kept}"
            );
        }
    }
    assert_eq!(stored_comments(&app), 0);
}

async fn the_text_limit_counts_characters_not_bytes(app: TestApp) {
    let browser = app.new_browser();
    let too_long = "é".repeat(5001);
    let sent = post_comment(&browser, &guest("Ana Reader", "ana@example.com", &too_long)).await;
    assert_eq!(sent.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        field_error(&sent.html, "comment").as_deref(),
        Some("Your comment is 5001 characters long; the limit is 5000.")
    );
    assert_eq!(sent.text(), Some(too_long));

    let just_right = "é".repeat(5000);
    let sent = post_comment(
        &browser,
        &guest("Ana Reader", "ana@example.com", &just_right),
    )
    .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.html);
    let name = "N".repeat(245);
    let sent = post_comment(&app.new_browser(), &guest(&name, "n@example.com", "Hi.")).await;
    assert_eq!(
        sent.status,
        StatusCode::SEE_OTHER,
        "a 245-character name is fine"
    );
}

async fn a_post_with_comments_closed_shows_no_form_and_refuses_comments_with_403(app: TestApp) {
    let browser = app.new_browser();
    // The page was opened while comments were still open.
    let form = read_form(&browser, SEED_POST).await;
    app.with_conn(|conn| {
        diesel::update(posts::table.filter(posts::slug.eq(SEED_SLUG)))
            .set(posts::comments_open.eq(false))
            .execute(conn)
    })
    .unwrap();

    let (status, page) = browser.page(SEED_POST).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(CLOSED), "{page}");
    assert!(!page.contains("id=\"commentform\""));
    assert!(!page.contains("name=\"comment\""));

    let text = "Is anyone still reading?";
    let sent = send(
        &browser,
        SEED_SLUG,
        &form,
        &guest("Ana Reader", "ana@example.com", text),
    )
    .await;
    assert_eq!(sent.status, StatusCode::FORBIDDEN, "{}", sent.html);
    assert!(sent.html.contains(CLOSED));
    assert!(!sent.html.contains("id=\"commentform\""));
    assert!(sent.html.contains(text), "the text is kept to copy");
    assert_eq!(stored_comments(&app), 0);

    // Another post is still open.
    let (_, other) = browser.page(&format!("/posts/{OTHER_SLUG}")).await;
    assert!(other.contains("id=\"commentform\""));
}

async fn comments_close_automatically_on_posts_older_than_the_setting(app: TestApp) {
    let long_ago = glowpress::web::dates::now() - time::Duration::days(400);
    app.with_conn(|conn| {
        diesel::update(posts::table.filter(posts::slug.eq(SEED_SLUG)))
            .set(posts::published_at.eq(Some(long_ago)))
            .execute(conn)
    })
    .unwrap();
    let browser = app.new_browser();
    let form = read_form(&browser, SEED_POST).await;
    let (_, open) = browser.page(SEED_POST).await;
    assert!(
        open.contains("id=\"commentform\""),
        "open while the setting is off"
    );

    set_setting(&app, "close_comments_days_old", "30");
    let (_, page) = browser.page(SEED_POST).await;
    assert!(page.contains(CLOSED), "{page}");
    assert!(!page.contains("id=\"commentform\""));
    let sent = send(
        &browser,
        SEED_SLUG,
        &form,
        &guest("Ana Reader", "ana@example.com", "Too late?"),
    )
    .await;
    assert_eq!(sent.status, StatusCode::FORBIDDEN, "{}", sent.html);
    assert!(sent.html.contains(CLOSED));
    assert_eq!(stored_comments(&app), 0);

    // A post published today stays open.
    let (_, recent) = browser.page(&format!("/posts/{OTHER_SLUG}")).await;
    let recent_open = app.with_conn(|conn| {
        posts::table
            .filter(posts::slug.eq(OTHER_SLUG))
            .select(posts::published_at)
            .first::<Option<time::PrimitiveDateTime>>(conn)
            .unwrap()
            .is_some_and(|at| at > glowpress::web::dates::now() - time::Duration::days(30))
    });
    if recent_open {
        assert!(recent.contains("id=\"commentform\""));
    }
}

async fn replies_to_another_posts_comment_a_missing_one_or_a_spam_or_trashed_one_are_refused(
    app: TestApp,
) {
    let now = glowpress::web::dates::now();
    let (elsewhere, spam, trashed) = app.with_conn(|conn| {
        (
            insert_approved(conn, OTHER_SLUG, None, "Elsewhere", "On another post.", now),
            insert_approved(conn, SEED_SLUG, None, "Spammer", "Buy now.", now),
            insert_approved(conn, SEED_SLUG, None, "Gone", "Trashed words.", now),
        )
    });
    set_status(&app, spam, store::Status::Spam);
    set_status(&app, trashed, store::Status::Trash);
    let before = stored_comments(&app);

    let browser = app.new_browser();
    for parent in [elsewhere, 999_999, spam, trashed] {
        let text = format!("A reply to {parent}.");
        let parent = parent.to_string();
        let mut fields = guest("Ana Reader", "ana@example.com", &text).to_vec();
        fields.push(("comment_parent", &parent));
        let sent = post_comment(&browser, &fields).await;
        assert_eq!(sent.status, StatusCode::BAD_REQUEST, "parent {parent}");
        assert!(
            sent.message()
                .is_some_and(|m| m.contains("not a published comment of this article")),
            "parent {parent}: {:?}",
            sent.message()
        );
        assert_eq!(sent.text(), Some(text), "parent {parent}");
        assert_eq!(
            input_value(&sent.html, "author").as_deref(),
            Some("Ana Reader")
        );
        assert_eq!(
            input_value(&sent.html, "comment_parent"),
            None,
            "sent again, it is a new comment"
        );
        assert!(!sent.html.contains("Replying to"));
    }
    assert_eq!(stored_comments(&app), before, "nothing stored");

    let form = read_form(&browser, SEED_POST).await;
    let nowhere = send(
        &browser,
        "no-such-post",
        &form,
        &guest("Ana Reader", "ana@example.com", "Hello?"),
    )
    .await;
    assert_eq!(nowhere.status, StatusCode::NOT_FOUND);
    assert_eq!(stored_comments(&app), before);
}

// 3. Display and escaping.

const SCRIPT: &str = "<script>alert(1)</script>";
const IMG: &str = "\"><img src=x onerror=alert(1)>";

async fn script_and_handler_payloads_in_a_stored_comment_never_reach_the_pages_unescaped(
    app: TestApp,
) {
    let name = format!("Eve {SCRIPT}{IMG}");
    // No whitespace: the website passes its check and is stored.
    let url = format!("https://eve.example/\"><svg/onload=alert(1)>{SCRIPT}");
    let text = format!(
        "{SCRIPT}\n<a href=\"javascript:alert(1)\">x</a> <b onclick=alert(1)>bold</b>\n\
         {IMG} <strong>kept</strong> <img src=x onerror=alert(1)> <b>unclosed"
    );
    let eve = app.new_browser();
    let sent = post_comment(
        &eve,
        &[
            ("author", &name),
            ("email", "eve@example.com"),
            ("url", &url),
            ("comment", &text),
        ],
    )
    .await;
    let id = sent.id();

    // Held: its author sees it, the queue lists it.
    let (_, own) = eve.page(SEED_POST).await;
    assert!(shows(&own, id));
    assert_no_unsafe_markup("the article (author's view)", &own);
    let moderator = admin(&app).await;
    let (_, queue) = moderator.page("/admin/comments").await;
    assert!(queue.contains(&format!("id=\"comment-{id}\"")), "{queue}");
    assert_no_unsafe_markup("the queue", &queue);
    set_status(&app, id, store::Status::Approved);
    let (_, approved_tab) = moderator.page("/admin/comments?status=approved").await;
    assert_no_unsafe_markup("the queue's Approved tab", &approved_tab);

    let (_, page) = app.new_browser().page(SEED_POST).await;
    assert!(shows(&page, id));
    assert_no_unsafe_markup("the article", &page);
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "shown as text"
    );
    assert!(
        page.contains("<strong>kept</strong>"),
        "allowed markup kept"
    );
    assert!(
        page.contains("<b>bold</b>"),
        "the handler stripped, the tag kept"
    );
    let (_, reply_form) = app
        .new_browser()
        .page(&format!("{SEED_POST}?replytocom={id}"))
        .await;
    assert_no_unsafe_markup("the reply form", &reply_form);

    for feed in [
        "/comments/feed.xml".to_owned(),
        format!("{SEED_POST}/comments/feed.xml"),
    ] {
        let (status, xml) = app.page(&feed).await;
        assert_eq!(status, StatusCode::OK);
        assert_no_unsafe_markup(&feed, &xml);
        let parsed = atom_syndication::Feed::read_from(xml.as_bytes()).expect("an Atom feed");
        let entry = parsed
            .entries()
            .iter()
            .find(|e| e.id().ends_with(&format!("/comments/{id}")))
            .expect("the comment's entry");
        assert_eq!(entry.authors()[0].name(), name, "the name as plain text");
        let html = entry.content().and_then(|c| c.value()).unwrap();
        assert_no_unsafe_markup(&format!("{feed}'s entry content"), html);
        assert!(html.contains("<strong>kept</strong>"));
    }
}

async fn payloads_echoed_back_in_a_refused_form_are_escaped(app: TestApp) {
    let name = format!("{SCRIPT}{IMG}");
    let email = format!("{IMG}@example.com");
    let text = format!("{SCRIPT}</textarea>{IMG}<b onclick=alert(1)>");
    let sent = post_comment(
        &app.new_browser(),
        &[
            ("author", &name),
            ("email", &email),
            ("url", "javascript:alert(1)"),
            ("comment", &text),
        ],
    )
    .await;
    assert_eq!(sent.status, StatusCode::BAD_REQUEST);
    assert!(
        field_error(&sent.html, "url").is_some(),
        "javascript: is not a website"
    );
    assert!(field_error(&sent.html, "email").is_some());
    assert_no_unsafe_markup("the refused form", &sent.html);
    assert_eq!(sent.text(), Some(text));
    assert_eq!(input_value(&sent.html, "author"), Some(name));
    assert_eq!(input_value(&sent.html, "email"), Some(email));
    assert_eq!(
        input_value(&sent.html, "url").as_deref(),
        Some("javascript:alert(1)")
    );

    // A quoted local part may be a valid address: accepted or not, it is never markup.
    let quoted = "\"<script>alert(1)</script>\"@example.com";
    let sent = post_comment(
        &app.new_browser(),
        &guest("Quinn", quoted, "Quoted address."),
    )
    .await;
    assert!(
        sent.status == StatusCode::SEE_OTHER || sent.status == StatusCode::BAD_REQUEST,
        "{}",
        sent.status
    );
    assert_no_unsafe_markup("the answer", &sent.html);
    let moderator = admin(&app).await;
    let (_, queue) = moderator.page("/admin/comments").await;
    assert_no_unsafe_markup("the queue", &queue);
}

async fn bare_urls_and_the_authors_website_become_nofollow_ugc_links(app: TestApp) {
    let ana = trusted_guest(&app, "Ana Reader", "ana@example.com").await;
    let sent = post_comment(
        &ana,
        &[
            ("author", "Ana Reader"),
            ("email", "ana@example.com"),
            ("url", "https://ana.example/blog"),
            (
                "comment",
                "My routine is at https://ana.example/routine today.",
            ),
        ],
    )
    .await;
    let id = sent.id();
    let (_, page) = app.new_browser().page(SEED_POST).await;
    let start = page.find(&format!("id=\"comment-{id}\"")).unwrap();
    let item = &page[start..];
    let item = &item[..item.find("</li>").unwrap_or(item.len())];

    assert!(
        item.contains(
            "<a href=\"https://ana.example/blog\" rel=\"external nofollow ugc\">Ana Reader</a>"
        ),
        "{item}"
    );
    let link_start = item
        .find("<a href=\"https://ana.example/routine\"")
        .unwrap_or_else(|| panic!("the bare URL is not a link: {item}"));
    let link = &item[link_start..link_start + item[link_start..].find('>').unwrap()];
    let rel = attributes(&link[2..])
        .into_iter()
        .find(|(name, _)| name == "rel")
        .map(|(_, value)| value)
        .unwrap_or_default();
    let rel: Vec<&str> = rel.split_whitespace().collect();
    assert!(rel.contains(&"nofollow") && rel.contains(&"ugc"), "{link}");
    // The avatar is made on the page: no image from another host.
    assert!(item.contains(">AR</span>"), "{item}");
    assert!(!item.contains("<img"));
}

// 3. Pagination.

async fn comment_pages_hold_n_threads_oldest_first_and_permalinks_find_the_right_page(
    app: TestApp,
) {
    set_setting(&app, "comments_per_page", "2");
    let mira = reader(&app, "mira").await;
    let mut ids = Vec::new();
    let mut locations = Vec::new();
    for n in 1..=5 {
        let sent = post_comment(&mira, &[("comment", &format!("Comment number {n}."))]).await;
        ids.push(sent.id());
        locations.push(sent.location.unwrap());
    }
    assert_eq!(
        locations[4],
        format!("{SEED_POST}?cpage=3#comment-{}", ids[4])
    );
    let guest_browser = app.new_browser();

    let (_, first) = guest_browser.page(SEED_POST).await;
    let shown: Vec<bool> = ids.iter().map(|id| shows(&first, *id)).collect();
    assert_eq!(
        shown,
        [true, true, false, false, false],
        "the oldest two first"
    );
    assert!(first.find("Comment number 1.") < first.find("Comment number 2."));
    assert!(first.contains("Page 1 of 3"));
    assert_eq!(byline_count(&first).as_deref(), Some("5 comments"));

    let (_, second) = guest_browser.page(&format!("{SEED_POST}?cpage=2")).await;
    let shown: Vec<bool> = ids.iter().map(|id| shows(&second, *id)).collect();
    assert_eq!(shown, [false, false, true, true, false]);

    let (_, last) = guest_browser.page(&format!("{SEED_POST}?cpage=3")).await;
    let shown: Vec<bool> = ids.iter().map(|id| shows(&last, *id)).collect();
    assert_eq!(shown, [false, false, false, false, true]);

    let response = guest_browser
        .no_redirects()
        .get(guest_browser.url(&format!("/comments/{}", ids[4])))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let target = response.headers()[LOCATION].to_str().unwrap().to_owned();
    assert_eq!(target, format!("{SEED_POST}?cpage=3#comment-{}", ids[4]));
    let (status, page) = guest_browser.page(&target).await;
    assert_eq!(status, StatusCode::OK);
    assert!(shows(&page, ids[4]));

    let response = guest_browser
        .no_redirects()
        .get(guest_browser.url(&format!("/comments/{}", ids[0])))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers()[LOCATION].to_str().unwrap(),
        format!("{SEED_POST}#comment-{}", ids[0])
    );
    // A reply to the fifth is on its page too.
    let reply = post_from(
        &mira,
        &format!("{SEED_POST}?replytocom={}", ids[4]),
        &[("comment", "A reply on the last page.")],
    )
    .await;
    assert_eq!(
        reply.location.as_deref(),
        Some(format!("{SEED_POST}?cpage=3#comment-{}", reply.id()).as_str())
    );
    // A held comment has no public permalink.
    let held = post_comment(
        &app.new_browser(),
        &guest("Ana Reader", "ana@example.com", "Held."),
    )
    .await
    .id();
    assert_eq!(
        guest_browser
            .get(&format!("/comments/{held}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

// 7. Feeds.

async fn the_site_and_post_comment_feeds_are_valid_atom_without_held_comments(app: TestApp) {
    let mira = reader(&app, "mira").await;
    post_comment(&mira, &[("comment", "Published one.")])
        .await
        .id();
    post_comment(&mira, &[("comment", "Published <em>two</em>.")])
        .await
        .id();
    let held = post_comment(
        &app.new_browser(),
        &guest("Ana Reader", "ana@example.com", "Held from the feed."),
    )
    .await
    .id();
    assert_eq!(status_of(&app, held), store::Status::Pending);

    for path in [
        "/comments/feed.xml".to_owned(),
        format!("{SEED_POST}/comments/feed.xml"),
    ] {
        let response = app.get(&path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let content_type = response.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            content_type.starts_with("application/atom+xml"),
            "{path}: {content_type}"
        );
        let xml = response.text().await.unwrap();
        assert!(
            xml.contains("xmlns=\"http://www.w3.org/2005/Atom\""),
            "{xml}"
        );
        let feed = atom_syndication::Feed::read_from(xml.as_bytes())
            .unwrap_or_else(|e| panic!("{path} is not Atom: {e}\n{xml}"));
        assert!(!feed.id().is_empty(), "{path}: feed id");
        assert!(!feed.title().is_empty(), "{path}: feed title");
        assert!(xml.contains("<updated>"), "{path}: feed updated");
        assert!(feed.updated().timestamp() > 1_600_000_000, "{path}");
        assert_eq!(feed.entries().len(), 2, "{path}: the published ones only");
        for entry in feed.entries() {
            assert!(entry.id().contains("/comments/"), "{path}: {}", entry.id());
            assert!(!entry.title().is_empty());
            assert!(entry.updated().timestamp() > 1_600_000_000);
            assert_eq!(entry.authors().len(), 1);
            assert_eq!(entry.authors()[0].name(), "mira");
            let content = entry.content().and_then(|c| c.value()).unwrap_or("");
            assert!(content.contains("Published"), "{path}: {content}");
        }
        assert!(
            feed.entries()
                .iter()
                .any(|e| e.content().and_then(|c| c.value())
                    == Some("<p>Published <em>two</em>.</p>")),
            "{path}"
        );
        assert!(!xml.contains("Held from the feed."), "{path}");
    }
}

// 6. Notifications.

async fn the_post_author_is_emailed_about_new_and_held_comments(app: TestApp) {
    app.with_conn(|conn| insert_admin(conn, "moderator", "moderator@example.com", PASSWORD));
    post_comment(
        &app.new_browser(),
        &guest(
            "Ana Reader",
            "ana@example.com",
            "Held for the author to see.",
        ),
    )
    .await
    .id();
    let held = wait_for_mail(&app, |m| {
        m.contains(SEED_AUTHOR_EMAIL) && m.contains("Held for the author to see.")
    })
    .await;
    assert!(held.contains("Please moderate"), "{held}");
    assert!(held.contains("Ana Reader"), "{held}");
    let to_moderator = wait_for_mail(&app, |m| {
        m.contains("moderator@example.com") && m.contains("Held for the author to see.")
    })
    .await;
    assert!(to_moderator.contains("Please moderate"), "{to_moderator}");

    let mira = reader(&app, "mira").await;
    post_comment(&mira, &[("comment", "Published for the author to see.")])
        .await
        .id();
    let published = wait_for_mail(&app, |m| {
        m.contains(SEED_AUTHOR_EMAIL) && m.contains("Published for the author to see.")
    })
    .await;
    assert!(published.contains("New comment on"), "{published}");
    assert!(!published.contains("Please moderate"), "{published}");
    assert!(
        !mails(&app)
            .await
            .iter()
            .any(|(_, m)| m.contains("To: mira@example.com")),
        "the commenter is not told about their own comment"
    );
}

// 1. "Save my name, email, and website".

async fn save_my_details_sets_a_cookie_only_when_ticked_and_prefills_the_next_form(app: TestApp) {
    let ana = app.new_browser();
    let sent = post_comment(
        &ana,
        &[
            ("author", "Ana Reader"),
            ("email", "ana@example.com"),
            ("url", "https://ana.example"),
            ("comment", "Remember me, please."),
            ("save_details", "1"),
        ],
    )
    .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    assert!(
        sent.set_cookies
            .iter()
            .any(|c| c.starts_with(&format!("{COMMENTER_COOKIE}=")) && !c.contains("Max-Age=0")),
        "{:?}",
        sent.set_cookies
    );
    assert!(ana.cookie(COMMENTER_COOKIE).is_some());
    let (_, next) = ana.page(SEED_POST).await;
    assert_eq!(input_value(&next, "author").as_deref(), Some("Ana Reader"));
    assert_eq!(
        input_value(&next, "email").as_deref(),
        Some("ana@example.com")
    );
    assert_eq!(
        input_value(&next, "url").as_deref(),
        Some("https://ana.example")
    );
    assert!(next.contains("name=\"save_details\" value=\"1\" checked"));

    // Unticked: nothing is kept (and what was kept is forgotten).
    let sent = post_comment(
        &ana,
        &guest("Ana Reader", "ana@example.com", "Forget me now."),
    )
    .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    assert_eq!(ana.cookie(COMMENTER_COOKIE), None);
    let (_, next) = ana.page(SEED_POST).await;
    assert_eq!(input_value(&next, "author").as_deref(), Some(""));

    let bo = app.new_browser();
    let sent = post_comment(&bo, &guest("Bo Reader", "bo@example.com", "Just once.")).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    assert!(
        !sent
            .set_cookies
            .iter()
            .any(|c| c.starts_with(&format!("{COMMENTER_COOKIE}=")) && !c.contains("Max-Age=0")),
        "{:?}",
        sent.set_cookies
    );
    assert_eq!(bo.cookie(COMMENTER_COOKIE), None);
    let (_, next) = bo.page(SEED_POST).await;
    assert_eq!(input_value(&next, "author").as_deref(), Some(""));
    assert_eq!(input_value(&next, "email").as_deref(), Some(""));
}

async fn a_held_comment_takes_its_author_to_the_comment_page_that_shows_it(app: TestApp) {
    set_setting(&app, "comments_per_page", "2");
    let mira = reader(&app, "mira").await;
    for n in 1..=4 {
        post_comment(&mira, &[("comment", &format!("Published {n}."))])
            .await
            .id();
    }
    let ana = app.new_browser();
    let sent = post_comment(
        &ana,
        &guest("Ana Reader", "ana@example.com", "Held, the newest thread."),
    )
    .await;
    let id = sent.id();
    assert_eq!(status_of(&app, id), store::Status::Pending);
    let location = sent.location.unwrap();
    // The author's own view has three pages; their comment is the last thread.
    let (_, last) = ana.page(&format!("{SEED_POST}?cpage=3")).await;
    assert!(shows(&last, id) && last.contains(AWAITING), "{last}");
    let (status, landed) = ana.page(location.split('#').next().unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        shows(&landed, id),
        "the 303 to {location} lands on a page without #comment-{id}"
    );
}

async fn a_refused_reply_comes_back_still_replying_to_the_same_comment(app: TestApp) {
    let mira = reader(&app, "mira").await;
    let parent = post_comment(&mira, &[("comment", "Ask me anything.")])
        .await
        .id();
    let ana = app.new_browser();
    let path = format!("{SEED_POST}?replytocom={parent}");
    let text = "My answer, without a name.";
    let sent = post_from(&ana, &path, &guest("", "ana@example.com", text)).await;
    assert_eq!(sent.status, StatusCode::BAD_REQUEST);
    assert!(field_error(&sent.html, "author").is_some());
    assert_eq!(sent.text().as_deref(), Some(text));
    assert_eq!(
        input_value(&sent.html, "comment_parent"),
        Some(parent.to_string())
    );
    assert!(sent.html.contains("<h3>Replying to mira</h3>"));

    let again = send(
        &ana,
        SEED_SLUG,
        &form_fields(&sent.html),
        &guest("Ana Reader", "ana@example.com", text),
    )
    .await;
    let id = again.id();
    let stored = app
        .with_conn(|conn| store::find(conn, id))
        .unwrap()
        .unwrap();
    assert_eq!(stored.parent_id, Some(parent));
    assert_eq!(stored.depth, 1);
}

async fn a_stamp_made_for_another_post_is_refused_with_the_text_kept(app: TestApp) {
    let browser = app.new_browser();
    let other_form = read_form(&browser, &format!("/posts/{OTHER_SLUG}")).await;
    let text = "Moved from another form.";
    let sent = send(
        &browser,
        SEED_SLUG,
        &other_form,
        &guest("Ana Reader", "ana@example.com", text),
    )
    .await;
    assert_eq!(sent.status, StatusCode::BAD_REQUEST, "{}", sent.html);
    assert!(
        sent.message()
            .is_some_and(|m| m.starts_with("The form could not be verified.")),
        "{:?}",
        sent.message()
    );
    assert_eq!(sent.text().as_deref(), Some(text));
    let mut form = read_form(&browser, SEED_POST).await;
    for (name, value) in &mut form {
        if name == "stamp" {
            value.push('0');
        }
    }
    let tampered = send(
        &browser,
        SEED_SLUG,
        &form,
        &guest("Ana Reader", "ana@example.com", text),
    )
    .await;
    assert_eq!(tampered.status, StatusCode::BAD_REQUEST);
    assert_eq!(stored_comments(&app), 0);
}

async fn client_addresses_are_stored_only_as_a_keyed_hash_and_user_agents_truncated(app: TestApp) {
    let browser = app.new_browser();
    let form = read_form(&browser, SEED_POST).await;
    let mut fields: Vec<(&str, &str)> =
        form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    fields.extend(guest("Ana Reader", "ana@example.com", "Private, please."));
    let agent = format!("Mozilla/5.0 {}", "x".repeat(1000));
    let response = browser
        .no_redirects()
        .post(browser.url(&format!("{SEED_POST}/comments")))
        .header(reqwest::header::USER_AGENT, &agent)
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (ip_hash, user_agent): (String, String) = app
        .with_conn(|conn| {
            comments::table
                .select((comments::ip_hash, comments::user_agent))
                .first(conn)
        })
        .unwrap();
    assert!(!ip_hash.is_empty());
    assert!(!ip_hash.contains("127.0.0.1"), "{ip_hash}");
    assert!(user_agent.starts_with("Mozilla/5.0 x"), "{user_agent}");
    assert!(user_agent.chars().count() <= 255, "{}", user_agent.len());
}

#[test]
fn the_markup_check_finds_live_script_but_not_escaped_text() {
    assert!(unsafe_markup("<p>&lt;img src=x onerror=alert(1)&gt;</p>").is_empty());
    assert!(unsafe_markup("<input value=\"&#34;&#62;&#60;img onerror=alert(1)&#62;\">").is_empty());
    assert!(unsafe_markup("<a href=\"https://x.example\" rel=\"nofollow\">x</a>").is_empty());
    assert_eq!(unsafe_markup("<img src=x onerror=alert(1)>").len(), 1);
    assert_eq!(unsafe_markup("<b onclick=\"alert(1)\">x</b>").len(), 1);
    assert_eq!(unsafe_markup("<svg/onload=alert(1)>").len(), 1);
    assert_eq!(
        unsafe_markup("<a href=\" JavaScript:alert(1)\">x</a>").len(),
        1
    );
    assert_eq!(unsafe_markup("<script>alert(1)</script>").len(), 1);
}

// Performance and validity: 50 threaded comments.

#[actix_web::test]
async fn an_article_with_50_threaded_comments_renders_them_all_and_passes_the_nu_checker() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let start = glowpress::web::dates::now() - time::Duration::hours(2);
    let mut n = 0;
    let mut first_top = 0;
    app.with_conn(|conn| {
        for thread in 0..10 {
            let mut parent: Option<(i32, i32)> = None;
            for depth in 0..5 {
                n += 1;
                let at = start + time::Duration::seconds(n);
                let body = format!("Comment {n} of thread {thread}, with https://example.com/{n}");
                let id = insert_approved(
                    conn,
                    SEED_SLUG,
                    parent,
                    &format!("Reader {thread}"),
                    &body,
                    at,
                );
                if n == 1 {
                    first_top = id;
                }
                parent = Some((id, depth));
            }
        }
    });
    assert_eq!(n, 50);

    let started = std::time::Instant::now();
    let (status, page) = app.page(SEED_POST).await;
    let took = started.elapsed();
    assert_eq!(status, StatusCode::OK);
    assert_eq!(count(&page, "id=\"comment-"), 50);
    assert_eq!(count(&page, "comment--depth-4"), 10);
    assert_eq!(count(&page, "<ol class=\"children\">"), 40);
    assert_eq!(byline_count(&page).as_deref(), Some("50 comments"));
    assert!(took < Duration::from_secs(5), "took {took:?}");

    if !crate::html_validity::checker_available() {
        return;
    }
    let (_, replying) = app
        .page(&format!("{SEED_POST}?replytocom={first_top}"))
        .await;
    let refused = post_comment(
        &app.new_browser(),
        &[
            ("author", ""),
            ("email", "not-an-email"),
            ("url", "ftp://x"),
            ("comment", ""),
        ],
    )
    .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    // An author's held comment, the comment pager and a closed post.
    let ana = app.new_browser();
    post_comment(
        &ana,
        &guest("Ana Reader", "ana@example.com", "Held <em>reply</em>."),
    )
    .await
    .id();
    set_setting(&app, "comments_per_page", "4");
    let (_, paged) = ana.page(&format!("{SEED_POST}?cpage=3")).await;
    assert!(paged.contains(AWAITING) && paged.contains("Page 3 of 3"));
    app.with_conn(|conn| {
        diesel::update(posts::table.filter(posts::slug.eq(SEED_SLUG)))
            .set(posts::comments_open.eq(false))
            .execute(conn)
    })
    .unwrap();
    let (_, closed) = app.page(SEED_POST).await;
    assert!(closed.contains(CLOSED));
    crate::html_validity::assert_valid_html(&[
        ("fifty-comments", page.as_str()),
        ("replying", replying.as_str()),
        ("refused", refused.html.as_str()),
        ("paged-with-held", paged.as_str()),
        ("closed", closed.as_str()),
    ]);
}

async fn a_borrowed_email_under_another_name_is_held_like_a_first_comment(app: TestApp) {
    let ana = app.new_browser();
    let first = post_comment(
        &ana,
        &guest("Ana Reader", "ana@example.com", "First words."),
    )
    .await;
    set_status(&app, first.id(), store::Status::Approved);

    let impostor = app.new_browser();
    let sent = post_comment(
        &impostor,
        &guest("Not Ana", "ana@example.com", "Borrowing a trusted email."),
    )
    .await;
    assert_eq!(status_of(&app, sent.id()), store::Status::Pending);
}

/// A double click sends the same comment twice at once: the duplicate check and the insert
/// happen in one turn, so only one is stored. (SQLite: writes take turns in-process.)
#[actix_web::test]
async fn the_same_comment_sent_twice_at_once_is_stored_once() {
    let app = TestApp::spawn(crate::common::Backend::Sqlite)
        .await
        .expect("sqlite app");
    let browser = app.new_browser();
    let form = read_form(&browser, SEED_POST).await;
    let fields = guest("Ana Reader", "ana@example.com", "Said once, sent twice.");
    let (first, second) = tokio::join!(
        send(&browser, SEED_SLUG, &form, &fields),
        send(&browser, SEED_SLUG, &form, &fields)
    );
    let mut statuses = [first.status, second.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::SEE_OTHER, StatusCode::CONFLICT]);
    assert_eq!(stored_comments(&app), 1);
}

//! Issue 8, accounts: the login throttle counts per account and address, the account page's
//! password checks share it, emails are one account whatever their case, logging in as
//! someone else ends the previous login, and registration is limited per address.
//!
//! The sites here trust `X-Forwarded-For`, so each browser can come from an address of its
//! own.

use diesel::prelude::*;
use glowpress::db::schema::users;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION};

use crate::common::{
    Backend, Browser, Page, Site, TestApp, browser_with_jar, csrf_token, field_error, header_user,
    input_value, reset_token, wait_for_mails,
};

const PASSWORD: &str = "velvet lantern orbit";
const NEW_PASSWORD: &str = "copper meadow violin";
const WRONG: &str = "guess number one";
const SEED_POST: &str = "/posts/exosome-therapy-skin-rejuvenation";
const ADDRESS_A: &str = "203.0.113.7";
const ADDRESS_B: &str = "198.51.100.9";

/// Runs each named `async fn(TestApp)` on SQLite and on PostgreSQL, on a site behind a
/// proxy (it takes the client address from `X-Forwarded-For`).
macro_rules! behind_a_proxy_on_both_backends {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            use $crate::common::Backend;

            #[actix_web::test]
            async fn on_sqlite() {
                let app = super::spawn_behind_proxy(Backend::Sqlite).await.expect("sqlite app");
                super::$name(app).await;
            }

            #[actix_web::test]
            async fn on_postgres() {
                match super::spawn_behind_proxy(Backend::Postgres).await {
                    Some(app) => super::$name(app).await,
                    None => $crate::common::skip(concat!(stringify!($name), " on PostgreSQL")),
                }
            }
        }
    )+};
}

behind_a_proxy_on_both_backends!(
    failures_from_one_address_do_not_lock_the_owner_out_elsewhere_and_a_reset_lifts_them,
    one_address_gets_twenty_failures_in_fifteen_minutes_across_all_accounts,
    wrong_current_passwords_on_the_account_page_count_like_failed_logins,
    an_email_differing_only_in_non_ascii_case_is_the_same_account,
    emails_stored_before_the_normalised_column_are_found_by_any_case_after_a_restart,
    logging_in_as_someone_else_revokes_the_previous_users_session,
    one_address_registers_at_most_five_accounts_an_hour,
);

async fn spawn_behind_proxy(backend: Backend) -> Option<TestApp> {
    let mut site = Site::new(backend)?;
    site.config.trust_proxy = true;
    Some(site.start().await)
}

/// A new browser whose requests come from `address` (as the proxy reports it).
fn browser_from(app: &TestApp, address: &str) -> Browser {
    let (_, jar) = browser_with_jar();
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        "x-forwarded-for",
        address.parse().expect("an address header"),
    );
    let client = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .default_headers(headers)
        .build()
        .expect("http client");
    Browser {
        base: app.base.clone(),
        client,
        jar,
    }
}

fn add_reader(app: &TestApp, username: &str, email: &str) -> i32 {
    app.add_subscriber(username, email, PASSWORD)
}

fn user_count(app: &TestApp) -> i64 {
    app.with_conn(|conn| users::table.count().get_result(conn).unwrap())
}

fn is_paused(page: &Page) -> bool {
    page.status == StatusCode::TOO_MANY_REQUESTS && page.html.contains("please try again in")
}

async fn ask_for_reset(browser: &Browser, login: &str) -> Page {
    let (_, form) = browser.page("/forgot-password").await;
    browser
        .submit(
            "/forgot-password",
            &[("csrf_token", &csrf_token(&form)), ("login", login)],
        )
        .await
}

/// Follows the reset link in the one mail of the outbox from `browser`, choosing `password`.
async fn reset_by_mail(app: &TestApp, browser: &Browser, password: &str) -> Page {
    let sent = wait_for_mails(app, 1).await;
    let token = reset_token(&sent[0].1);
    let form = browser
        .visit(&format!("/reset-password?token={token}"))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    browser
        .submit(
            "/reset-password",
            &[
                ("csrf_token", &csrf_token(&form.html)),
                ("token", &token),
                ("password", password),
                ("password_again", password),
            ],
        )
        .await
}

// 1. A stranger cannot lock the owner out.

async fn failures_from_one_address_do_not_lock_the_owner_out_elsewhere_and_a_reset_lifts_them(
    app: TestApp,
) {
    add_reader(&app, "mira_lune", "mira@example.com");
    let stranger = browser_from(&app, ADDRESS_A);
    for attempt in 1..=5 {
        let page = stranger.log_in("mira_lune", WRONG).await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
    }
    let paused = stranger.log_in("mira_lune", PASSWORD).await;
    assert!(is_paused(&paused), "{}", paused.html);

    let owner = browser_from(&app, ADDRESS_B);
    let page = owner.log_in("mira_lune", PASSWORD).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(header_user(&page.html).as_deref(), Some("mira_lune"));

    // "…or reset your password" is true: a completed reset lifts the pause at A too.
    let at_a = browser_from(&app, ADDRESS_A);
    ask_for_reset(&at_a, "mira@example.com").await;
    let done = reset_by_mail(&app, &at_a, NEW_PASSWORD).await;
    assert_eq!(done.path, "/login");
    let page = at_a.log_in("mira_lune", NEW_PASSWORD).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    assert_eq!(header_user(&page.html).as_deref(), Some("mira_lune"));
}

async fn one_address_gets_twenty_failures_in_fifteen_minutes_across_all_accounts(app: TestApp) {
    add_reader(&app, "mira_lune", "mira@example.com");
    let sprayer = browser_from(&app, ADDRESS_A);
    for n in 0..20 {
        let login = format!("someone_{}", n / 4);
        let page = sprayer.log_in(&login, WRONG).await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED, "failure {}", n + 1);
    }
    let paused = sprayer.log_in("mira_lune", PASSWORD).await;
    assert!(is_paused(&paused), "{}", paused.html);
    let elsewhere = browser_from(&app, ADDRESS_B);
    let page = elsewhere.log_in("mira_lune", PASSWORD).await;
    assert_eq!(header_user(&page.html).as_deref(), Some("mira_lune"));
}

// 2. The account page's current-password checks.

async fn change_email(browser: &Browser, email: &str, current_password: &str) -> Page {
    let (_, account) = browser.page("/account").await;
    browser
        .submit(
            "/account/email",
            &[
                ("csrf_token", &csrf_token(&account)),
                ("email", email),
                ("current_password", current_password),
            ],
        )
        .await
}

async fn change_password(browser: &Browser, current_password: &str) -> Page {
    let (_, account) = browser.page("/account").await;
    browser
        .submit(
            "/account/password",
            &[
                ("csrf_token", &csrf_token(&account)),
                ("current_password", current_password),
                ("new_password", NEW_PASSWORD),
                ("new_password_again", NEW_PASSWORD),
            ],
        )
        .await
}

async fn wrong_current_passwords_on_the_account_page_count_like_failed_logins(app: TestApp) {
    add_reader(&app, "mira_lune", "mira@example.com");
    let thief = browser_from(&app, ADDRESS_A);
    thief.log_in("mira_lune", PASSWORD).await;
    for attempt in 1..=4 {
        let page = change_email(&thief, "thief@example.com", WRONG).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "attempt {attempt}");
    }
    // A right password forgives, as a login does.
    let changed = change_email(&thief, "mira.new@example.com", PASSWORD).await;
    assert_eq!(changed.path, "/account");
    assert!(
        changed
            .html
            .contains("Your email address has been updated.")
    );
    for attempt in 1..=5 {
        let page = change_password(&thief, WRONG).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "attempt {attempt}");
    }
    let paused = change_password(&thief, PASSWORD).await;
    assert!(is_paused(&paused), "{}", paused.html);
    let paused = change_email(&thief, "thief@example.com", PASSWORD).await;
    assert!(is_paused(&paused), "{}", paused.html);
    // The same budget as logging in from that address.
    let login = browser_from(&app, ADDRESS_A)
        .log_in("mira_lune", PASSWORD)
        .await;
    assert!(is_paused(&login), "{}", login.html);

    let owner = browser_from(&app, ADDRESS_B);
    let page = owner.log_in("mira_lune", PASSWORD).await;
    assert_eq!(
        header_user(&page.html).as_deref(),
        Some("mira_lune"),
        "the password was not changed, and the owner is not locked out"
    );
    let email: String = app.with_conn(|conn| {
        users::table
            .filter(users::username.eq("mira_lune"))
            .select(users::email)
            .first(conn)
            .unwrap()
    });
    assert_eq!(email, "mira.new@example.com");
}

// 5. Non-ASCII email case.

async fn an_email_differing_only_in_non_ascii_case_is_the_same_account(app: TestApp) {
    let first = browser_from(&app, ADDRESS_A);
    let page = first.register("erin_a", "Ærin@example.com", PASSWORD).await;
    assert_eq!(page.path, "/account");
    let before = user_count(&app);

    let second = browser_from(&app, ADDRESS_B);
    let refused = second
        .register("erin_b", "ærin@example.com", PASSWORD)
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        field_error(&refused.html, "email").as_deref(),
        Some("That email address already has an account. Log in, or reset your password.")
    );
    assert_eq!(user_count(&app), before);

    let page = browser_from(&app, ADDRESS_B)
        .log_in("ærin@EXAMPLE.com", PASSWORD)
        .await;
    assert_eq!(header_user(&page.html).as_deref(), Some("erin_a"));

    // Another account cannot take the address by changing its own.
    let other = browser_from(&app, ADDRESS_B);
    other
        .register("someone", "someone@example.com", PASSWORD)
        .await;
    let taken = change_email(&other, "ÆRIN@example.com", PASSWORD).await;
    assert_eq!(taken.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        field_error(&taken.html, "email").as_deref(),
        Some("Another account already uses that email address.")
    );

    // A guest comment with any case of the address is the account's: held for moderation
    // (issue 8, item 4: never refused with a message that confirms the account), even where
    // a first comment would otherwise be published at once.
    app.with_conn(|conn| {
        glowpress::settings::set(conn, "comment_previously_approved", "0").unwrap()
    });
    let guest = browser_from(&app, ADDRESS_B);
    let (_, article) = guest.page(SEED_POST).await;
    let comment = guest
        .submit(
            "/posts/exosome-therapy-skin-rejuvenation/comments",
            &[
                ("csrf_token", &csrf_token(&article)),
                ("stamp", &input_value(&article, "stamp").expect("a stamp")),
                ("website_confirm", ""),
                ("author", "Not Erin"),
                ("email", "ærin@example.com"),
                ("url", ""),
                ("comment", "Pretending to be Ærin."),
            ],
        )
        .await;
    assert_eq!(comment.status, StatusCode::OK);
    assert!(
        !comment.html.contains("belongs to an account"),
        "{}",
        comment.html
    );
    let held: String = app.with_conn(|conn| {
        glowpress::db::schema::comments::table
            .filter(glowpress::db::schema::comments::author_email.eq("ærin@example.com"))
            .select(glowpress::db::schema::comments::status)
            .first(conn)
            .unwrap()
    });
    assert_eq!(held, "pending");

    // A reset asked for any case of the address reaches the one account. (The held
    // comment above sent the moderators a mail first.)
    let moderation_mails = wait_for_mails(&app, 1).await.len();
    let asker = browser_from(&app, ADDRESS_B);
    ask_for_reset(&asker, "ÆRIN@EXAMPLE.COM").await;
    let sent = wait_for_mails(&app, moderation_mails + 1).await;
    let sent: Vec<_> = sent
        .into_iter()
        .filter(|(_, text)| text.contains("reset-password?token="))
        .collect();
    assert_eq!(sent.len(), 1);
    assert!(sent[0].1.contains("Ærin@example.com"), "{}", sent[0].1);
    assert!(sent[0].1.contains("\"erin_a\""), "{}", sent[0].1);
}

async fn emails_stored_before_the_normalised_column_are_found_by_any_case_after_a_restart(
    app: TestApp,
) {
    let id = add_reader(&app, "erin_a", "Ærin@example.com");
    // What the migration's SQL lower() leaves in a row written before it (ASCII folded only).
    app.with_conn(|conn| {
        diesel::update(users::table.find(id))
            .set(users::email_normalized.eq("Ærin@example.com"))
            .execute(conn)
            .unwrap()
    });
    let site = app.stop().await;
    let app = site.start().await;
    let stored: String = app.with_conn(|conn| {
        users::table
            .find(id)
            .select(users::email_normalized)
            .first(conn)
            .unwrap()
    });
    assert_eq!(stored, "ærin@example.com");
    let page = browser_from(&app, ADDRESS_A)
        .log_in("ÆRIN@example.com", PASSWORD)
        .await;
    assert_eq!(header_user(&page.html).as_deref(), Some("erin_a"));
    let refused = browser_from(&app, ADDRESS_B)
        .register("erin_b", "ærin@example.com", PASSWORD)
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
}

// 9. Logging in as someone else.

async fn logging_in_as_someone_else_revokes_the_previous_users_session(app: TestApp) {
    add_reader(&app, "mira_lune", "mira@example.com");
    add_reader(&app, "devon_a", "devon@example.com");
    let browser = browser_from(&app, ADDRESS_A);
    browser.log_in("mira_lune", PASSWORD).await;
    let copied = browser
        .cookie("glowpress_session")
        .expect("the browser holds a session cookie");
    let replay = || {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
            .get(app.url("/account"))
            .header(COOKIE, format!("glowpress_session={copied}"))
            .send()
    };
    assert_eq!(replay().await.unwrap().status(), StatusCode::OK);

    let page = browser.log_in("devon_a", PASSWORD).await;
    assert_eq!(header_user(&page.html).as_deref(), Some("devon_a"));
    let after = replay().await.unwrap();
    assert_eq!(after.status(), StatusCode::SEE_OTHER);
    assert_eq!(after.headers()[LOCATION], "/login?redirect_to=%2Faccount");
}

// 10. Registration is limited per address.

async fn one_address_registers_at_most_five_accounts_an_hour(app: TestApp) {
    for n in 1..=5 {
        let page = browser_from(&app, ADDRESS_A)
            .register(
                &format!("reader_{n}"),
                &format!("r{n}@example.com"),
                PASSWORD,
            )
            .await;
        assert_eq!(page.path, "/account", "account {n}");
    }
    let before = user_count(&app);
    let refused = browser_from(&app, ADDRESS_A)
        .register("reader_6", "r6@example.com", PASSWORD)
        .await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        refused
            .html
            .contains("Too many accounts were registered from your network"),
        "{}",
        refused.html
    );
    assert!(refused.html.contains("try again in"), "{}", refused.html);
    assert_eq!(
        input_value(&refused.html, "username").as_deref(),
        Some("reader_6")
    );
    assert_eq!(
        input_value(&refused.html, "email").as_deref(),
        Some("r6@example.com")
    );
    assert_eq!(input_value(&refused.html, "password").as_deref(), Some(""));
    assert!(!refused.html.contains(PASSWORD));
    assert_eq!(user_count(&app), before);

    let page = browser_from(&app, ADDRESS_B)
        .register("reader_6", "r6@example.com", PASSWORD)
        .await;
    assert_eq!(page.path, "/account");
}
